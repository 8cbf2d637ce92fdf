"""The skill-aware model: each series covered by the agents who may serve it, as a flow inside
CP-SAT. Expected figures are worked out by hand; feasibility of the published split is checked
by Hall's condition, written here independently of the model."""

from __future__ import annotations

import dataclasses
from datetime import date
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from constraints.patterns import parse_pattern_book
from constraints.skills import parse_queues
from planner.solve.allocation import SeriesDemand, evaluate_split, greedy_allocation, spread_idle
from planner.solve.problem import ModelInput, Problem
from planner.solve.schedule import solve_schedule
from planner.solve.skill_model import solve_by_series
from planner.workspace.config import default_config
from tests.conftest import agents_frame

MONDAY = date(2026, 11, 23)
NO_ABSENCES = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                            "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})


def tiny(need: list[list[int]], serves: list[list[bool]], group: list[int], sizes: list[int],
         cov: list[list[int]], allowed: list[list[bool]], price: float = 1000.0) -> tuple[ModelInput, SeriesDemand]:
    """A model with hand-made arrays: every missing agent costs `price`, pay is 1 RUB per line."""
    need_a = np.array(need, dtype=np.int64)
    S, H = need_a.shape
    cost = np.full((S, H, 3), price)
    inp = ModelInput(required=need_a.sum(axis=0).astype(float), shortfall_cost=np.full((H, 3), price),
                     over_cost=1.0, class_sizes=np.array(sizes), coverage=np.array(cov),
                     allowed=np.array(allowed, dtype=bool), availability=None,
                     line_cost=np.ones((len(sizes), len(cov))))
    return inp, SeriesDemand(need_a, cost, np.array(serves, dtype=bool), np.array(group))


def test_a_generalist_is_kept_for_the_series_only_it_can_serve():
    """One hour, two series. A phone-only agent (group 0) and a phone+English agent (group 1):
    the phone-only agent takes the phone, the English speaker the English queue, nothing missing.
    A greedy split that gave the English speaker the phone first would leave English unserved."""
    inp, demand = tiny(need=[[1], [1]], serves=[[True, False], [True, True]], group=[0, 1], sizes=[1, 1],
                       cov=[[1]], allowed=[[True], [True]])
    r = solve_by_series(inp, demand, time_limit_s=5, workers=1)
    assert r.status == "OPTIMAL"
    assert r.allocation[:, :, 0].tolist() == [[1, 0], [0, 1]]
    assert r.penalties["shortfall"] == 0.0
    assert r.objective == pytest.approx(2.0)          # two lines at 1 RUB, nobody idle


def test_nobody_may_serve_a_series_then_it_is_all_short_and_priced():
    """A series no group serves costs its whole need; the agents go to what they may serve."""
    inp, demand = tiny(need=[[2], [1]], serves=[[True, False]], group=[0], sizes=[2],
                       cov=[[1]], allowed=[[True]])
    r = solve_by_series(inp, demand, time_limit_s=5, workers=1)
    assert r.allocation[0, :, 0].tolist() == [2, 0]
    assert r.penalties["shortfall"] == pytest.approx(1000.0)


def test_evaluate_and_spread_idle_keep_the_split_feasible():
    """Three agents of a group that serves series 0 and 1 in an hour needing 1 and 0: one serves,
    two idle (over-staffing 2 x 1 RUB); spread_idle adds the idle to the series with most need."""
    inp, demand = tiny(need=[[1], [0]], serves=[[True, True]], group=[0], sizes=[3], cov=[[1]], allowed=[[True]])
    p = Problem.from_input(inp)
    counts = np.array([[3]])
    on = demand.on_site(p, counts)
    alloc = greedy_allocation(demand, on)
    assert alloc[0, :, 0].tolist() == [1, 0]
    _, short, pen = evaluate_split(p, demand, counts, alloc)
    assert short.sum() == 0 and pen["overstaffing"] == pytest.approx(2.0)
    assert spread_idle(demand, on, alloc)[0, :, 0].tolist() == [3, 0]


# ----------------------------------------------------------------------------- a small site

CFG = dataclasses.replace(
    default_config(),
    book=parse_pattern_book(
        {"2/2": {"variants": {"day": ["day", "day", "off", "off"], "night": ["night", "night", "off", "off"]}}},
        {"day": {"starts": ["08:00"]}, "night": {"starts": ["20:00"]}}),
    queues=parse_queues({"sellers_en": {"needs": ["sellers", "en"]}}),
)


def two_queue_requirements(days: int = 4) -> pd.DataFrame:
    """Phone for buyers: 6 agents 08-20, 1 at night. English chat for sellers: 1 agent round the
    clock. Missing agents cost their contacts (no queueing model)."""
    ts = pd.date_range(pd.Timestamp(MONDAY), periods=days * 24, freq="h")
    day = (ts.hour >= 8) & (ts.hour < 20)
    phone = np.where(day, 6.0, 1.0)
    chat = np.ones(len(ts))
    frames = [pd.DataFrame({"ts": ts, "channel": ch, "queue": q, "agents": n, "scheduled_agents": n,
                            "contacts": 20.0 * n}) for ch, q, n in (("phone", "buyers", phone),
                                                                    ("chat", "sellers_en", chat))]
    return pd.concat(frames, ignore_index=True)


def site(skills_en: str, skills_phone: str) -> pd.DataFrame:
    """Six phone agents and four English speakers on 2/2; the English speakers wish day shifts."""
    rows = [{"agent_id": f"P{i}", "skills": skills_phone} for i in range(6)]
    rows += [{"agent_id": f"E{i}", "skills": skills_en, "shift_pref": "day"} for i in range(4)]
    return agents_frame(*rows)


def serving(rota: pd.DataFrame, hours: pd.DatetimeIndex, who: set[str]) -> np.ndarray:
    """Agents of `who` on site per hour, from the rota's own shift times."""
    out = np.zeros(len(hours), dtype=np.int64)
    for a, s, e in zip(rota["agent_id"], rota["start"], rota["end"]):
        if a in who:
            out += ((hours >= s) & (hours < e)).astype(np.int64)
    return out


def hall_violations(by_queue: pd.DataFrame, rota: pd.DataFrame, may: dict[str, set[tuple[str, str]]]) -> list:
    """Hours and sets of series whose scheduled agents exceed the agents on site who may serve at
    least one of them (Hall's condition: the split is a feasible flow iff there is none)."""
    bad = []
    for ts, part in by_queue.groupby("ts"):
        series = [(c, q) for c, q in zip(part["channel"], part["queue"])]
        sched = dict(zip(series, part["scheduled"]))
        here = [a for a, s, e in zip(rota["agent_id"], rota["start"], rota["end"]) if s <= ts < e]
        for k in range(1, len(series) + 1):
            for subset in combinations(series, k):
                able = sum(1 for a in here if may[a] & set(subset))
                if sum(sched[s] for s in subset) > able:
                    bad.append((ts, subset))
    return bad


def test_skill_aware_plan_keeps_english_chat_covered_where_a_pooled_plan_does_not():
    req = two_queue_requirements()
    hours = pd.date_range(pd.Timestamp(MONDAY), periods=4 * 24, freq="h")
    english = {f"E{i}" for i in range(4)}
    # pooled: nobody's skills limit them; the English speakers get the day shifts they wish for
    pooled = solve_schedule(CFG, req, site("", ""), NO_ABSENCES, MONDAY, 4, time_limit_s=10)
    assert pooled.skills.pooled
    assert (serving(pooled.rota, hours, english) == 0).any()
    # skill-aware: the English queue has an English speaker on site every hour, wishes or not
    aware = solve_schedule(CFG, req, site("chat;sellers;en", "phone;buyers"), NO_ABSENCES, MONDAY, 4,
                           time_limit_s=10)
    assert not aware.skills.pooled
    assert (serving(aware.rota, hours, english) >= 1).all()
    en = aware.by_queue[aware.by_queue["queue"] == "sellers_en"]
    assert len(en) == len(hours) and (en["scheduled"] >= 1).all()
    may = {a: ({("chat", "sellers_en")} if a in english else {("phone", "buyers")}) for a in aware.rota["agent_id"]}
    assert hall_violations(aware.by_queue, aware.rota, may) == []
    # rota.csv says whom each agent may serve
    assert set(aware.rota.loc[aware.rota["agent_id"].isin(english), "serves"]) == {"chat/sellers_en"}
    assert aware.violations == ()


def test_everyone_serving_everything_plans_exactly_as_a_pooled_site():
    """Skills that cover every series give the same rota as no skills at all."""
    req = two_queue_requirements(2)
    a = solve_schedule(CFG, req, site("", ""), NO_ABSENCES, MONDAY, 2, time_limit_s=5)
    b = solve_schedule(CFG, req, site("phone;chat;buyers;sellers;en", "phone;chat;buyers;sellers;en"),
                       NO_ABSENCES, MONDAY, 2, time_limit_s=5)
    assert b.skills.pooled
    pd.testing.assert_frame_equal(a.rota.drop(columns="serves"), b.rota.drop(columns="serves"))


def _three_lines():
    """Three agents, three lines of two hours each (0-1, 1-2, 2-0), one agent needed per hour: every
    agent works, so the rota is all three lines (3 RUB of pay, 3 idle hours at 1 RUB). The LP's bound
    (interior point) sits a hair below 6, so the rota is proven only by CP-SAT."""
    return tiny(need=[[1, 1, 1]], serves=[[True]], group=[0], sizes=[3],
                cov=[[1, 1, 0], [0, 1, 1], [1, 0, 1]], allowed=[[True, True, True]])


@pytest.fixture
def budget_spies(monkeypatch):
    """Record each local search's (most trials, trials used) and each CP-SAT search's work limit."""
    import planner.solve.skill_model as sm
    seen: dict[str, list] = {"trials": [], "cp_work": []}
    real_improve, real_search = sm.improve, sm.run_search

    def spy_improve(*args, **kwargs):
        got = real_improve(*args, **kwargs)
        seen["trials"].append((kwargs["max_trials"], got.trials))
        return got

    def spy_search(p, b, solver, watch, start, limits, **kwargs):
        seen["cp_work"].append(limits.deterministic_time)
        return real_search(p, b, solver, watch, start, limits, **kwargs)

    monkeypatch.setattr(sm, "improve", spy_improve)
    monkeypatch.setattr(sm, "run_search", spy_search)
    return seen


def test_a_work_limit_is_one_budget_cp_sat_gets_what_the_local_search_left(budget_spies):
    from planner.solve.skill_model import TRIALS_PER_UNIT
    inp, demand = _three_lines()
    r = solve_by_series(inp, demand, time_limit_s=60, workers=1, deterministic_time=5.0)
    (most, used), = budget_spies["trials"]
    assert most == 5 * TRIALS_PER_UNIT and 0 < used < most        # it settled before its trials ran out
    assert budget_spies["cp_work"] == [pytest.approx(5.0 - used / TRIALS_PER_UNIT)]
    assert r.status == "OPTIMAL" and r.objective == pytest.approx(6.0)


def test_a_local_search_that_uses_the_whole_work_limit_leaves_no_cp_sat_search(budget_spies):
    from planner.solve.skill_model import TRIALS_PER_UNIT
    inp, demand = _three_lines()
    r = solve_by_series(inp, demand, time_limit_s=60, workers=1, deterministic_time=2 / TRIALS_PER_UNIT)
    (most, used), = budget_spies["trials"]
    assert most == 2 and used <= 2
    assert budget_spies["cp_work"] == []                            # nothing left to start CP-SAT with
    assert r.status == "FEASIBLE" and r.objective == pytest.approx(6.0)
    assert r.bound < r.objective and r.gap > 0                      # the LP's bound stands, unproven
