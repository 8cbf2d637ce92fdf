"""summary.json and the printed table: every figure is recomputed here from the schedule's
coverage, rota, pay and the requirements it was given."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_TOML
from rich.console import Console

from constraints.checker import Violation
from forecasts.staffing import requirements as staffing_requirements
from planner.output.report import (
    COST_PARTS,
    period_balance,
    projected_overtime,
    summary,
    summary_json,
)
from planner.output.terminal import _balance_text, summary_table
from planner.solve.schedule import Schedule, solve_schedule
from planner.workspace.config import RotaConfig, default_config, load_config

MONDAY = date(2026, 11, 23)
NO_ABSENCES = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                            "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})


ISSUE_KEYS = ("status", "objective", "bound", "gap", "solve_seconds", "agents", "required_agent_hours",
              "scheduled_agent_hours", "shortfall_agent_hours", "service_level", "cost", "violations")


def agents_frame(n22: int, n33: int, n52: int) -> pd.DataFrame:
    rows = []
    for pattern, n in (("2/2", n22), ("3/3", n33), ("5/2", n52)):
        for _ in range(n):
            k = len(rows) + 1
            rows.append({"agent_id": f"R{k:02d}", "name": "", "team": "t", "pattern": pattern,
                         "shift_pref": ("day", "night", "any")[k % 3], "skills": "phone;chat",
                         "rate_rub_h": float(380 + 15 * (k % 5)), "cycle_start": pd.NaT, "night_ok": True})
    df = pd.DataFrame(rows)
    df["cycle_start"] = pd.to_datetime(df["cycle_start"])
    return df


def forecast(start: date, days: int) -> pd.DataFrame:
    """Phone and chat contacts with a daily curve, busier on weekdays."""
    ts = pd.date_range(pd.Timestamp(start), periods=days * 24, freq="h")
    shape = (0.1 + np.exp(-0.5 * ((ts.hour.to_numpy() - 13) / 4.0) ** 2)) * np.where(ts.day_of_week >= 5, 0.8, 1.0)
    return pd.concat([pd.DataFrame({"ts": ts, "channel": ch, "queue": "buyers", "contacts": scale * shape})
                      for ch, scale in (("phone", 25.0), ("chat", 20.0))], ignore_index=True)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Schedule, RotaConfig, pd.DataFrame, pd.DataFrame, dict]:
    path = Path(tmp_path_factory.mktemp("report")) / "rota.toml"
    path.write_text(SMALL_TOML, encoding="utf-8")
    cfg = load_config(path)
    req = staffing_requirements(forecast(MONDAY, 7), cfg.staffing)
    ag = agents_frame(8, 4, 4)
    s = solve_schedule(cfg, req, ag, NO_ABSENCES, MONDAY, 7, time_limit_s=2)
    return s, cfg, ag, req, summary(s, cfg, ag)


def test_summary_has_the_keys_the_issue_asks_for(run):
    s, _, ag, _, data = run
    for key in ISSUE_KEYS:
        assert key in data, key
    assert set(data["cost"]) == set(COST_PARTS)
    assert data["status"] in ("OPTIMAL", "FEASIBLE")
    assert data["agents"] == len(ag) == data["agents_scheduled"]
    assert data["shifts"] == len(s.rota)
    assert data["start"] == "2026-11-23" and data["days"] == 7


def test_agent_hours_are_the_sums_of_the_coverage_frame(run):
    s, _, _, req, data = run
    cov = s.coverage
    need = req.groupby("ts")["scheduled_agents"].sum()
    assert cov.set_index("ts")["required"].to_dict() == need.to_dict()       # the requirement, hour by hour
    assert data["required_agent_hours"] == pytest.approx(need.sum())
    assert data["scheduled_agent_hours"] == pytest.approx(cov["scheduled"].sum())
    short = np.clip(cov["required"] - cov["scheduled"], 0, None)
    assert data["shortfall_agent_hours"] == pytest.approx(short.sum())
    assert data["hours_short"] == int((short > 0).sum())
    assert data["hours_without_agents"] == int((cov["scheduled"] == 0).sum())
    # scheduled agent-hours are the rota's on-site hours in the week (plus nights begun before it)
    hours = pd.date_range(pd.Timestamp(MONDAY), periods=7 * 24, freq="h")
    on_site = sum(((hours >= a) & (hours < b)).sum() for a, b in zip(s.rota["start"], s.rota["end"]))
    assert on_site <= data["scheduled_agent_hours"] <= on_site + 8 * data["agents"]


def test_cost_parts_add_up_and_equal_the_pay_frame_and_the_rota(run):
    s, cfg, ag, _, data = run
    cost = data["cost"]
    assert cost["base"] + cost["night_premium"] + cost["holiday_premium"] + cost["overtime"] == \
        pytest.approx(cost["total"], abs=0.05)
    for part in COST_PARTS:
        assert cost[part] == pytest.approx(s.pay[part].sum(), abs=0.01)
    # pay is the timesheet's hours of the week's calendar days (a night shift split at midnight)
    t = s.timesheet
    rate = t["agent_id"].map(ag.set_index("agent_id")["rate_rub_h"])
    assert cost["base"] == pytest.approx((t["hours"] * rate).sum(), abs=0.5)
    assert cost["night_premium"] == pytest.approx((t["night_hours"] * rate * cfg.pay.night_premium).sum(), abs=0.5)
    assert cost["holiday_premium"] == 0.0                          # no art. 112 day in the week
    assert data["paid_hours"] == pytest.approx(t["hours"].sum())
    assert data["night_hours"] == pytest.approx(t["night_hours"].sum())
    # the rota's own hours differ only by the parts of its first and last nights outside the week
    inside = s.rota[(s.rota["start"] >= pd.Timestamp(MONDAY)) & (s.rota["end"] <= pd.Timestamp("2026-11-30"))]
    assert t["hours"].sum() >= inside["paid_hours"].sum()
    assert data["cost_per_contact"] == pytest.approx(cost["total"] / data["contacts"], rel=1e-6)


def test_service_level_is_the_contact_weighted_mean_over_the_horizon(run):
    s, _, _, req, data = run
    contacts = req.groupby("ts")["contacts"].sum()
    cov = s.coverage.set_index("ts")
    assert cov["service_level"].notna().all()
    assert cov["contacts"].to_numpy() == pytest.approx(contacts.reindex(cov.index).to_numpy())
    level = (cov["service_level"] * contacts).sum() / contacts.sum()
    assert data["service_level"] == pytest.approx(level, abs=1e-6)
    assert data["contacts"] == pytest.approx(contacts.sum(), abs=1e-3)
    assert 0.0 <= data["service_level"] <= 1.0
    # no hour above its own maximum and no hour with nobody on duty that claims service
    assert (cov.loc[cov["scheduled"] == 0, "service_level"] == 0).all()


def test_solver_figures_and_overtime_pace(run):
    s, _, _, _, data = run
    assert data["bound"] <= data["objective"] + 1e-6
    assert data["gap"] == pytest.approx((data["objective"] - data["bound"]) / data["objective"], abs=1e-6) \
        or data["status"] == "OPTIMAL"
    assert data["objective"] == pytest.approx(sum(s.model.penalties.values()), rel=1e-9)
    ot = s.pay.set_index("agent_id")["overtime_hours"]
    assert data["overtime_hours"] == pytest.approx(ot.sum()) and ot.sum() == 0     # November goes on after the week
    # overtime_ytd_h (none given: 0) plus November projected to its end
    heading = s.pay.set_index("agent_id")["projected_overtime_hours"]
    assert data["agents_above_overtime_cap_pace"] == sorted(heading.index[heading > 120])
    [november] = data["period_balance"]
    assert (november["period"], november["settled"], november["hours_before_given"]) == ("2026-11", False, False)
    assert november["agents_above_norm"] + november["agents_below_norm"] <= len(s.pay)
    assert november["hours_below_norm"] == pytest.approx(-s.pay["balance"].clip(upper=0).sum(), abs=1e-6)
    assert data["violations"] == 0 and data["violations_by_rule"] == {}
    assert data["model"]["classes"] == len(s.classes) and data["model"]["lines"] == len(s.lines)


def test_violations_are_counted_by_rule(run):
    s, cfg, ag, _, _ = run
    broken = dataclasses.replace(s, violations=(
        Violation("daily_rest", "R01", None, "x"), Violation("daily_rest", "R02", None, "y"),
        Violation("absence", "R03", None, "z")))
    data = summary(broken, cfg, ag)
    assert data["violations"] == 3
    assert data["violations_by_rule"] == {"absence": 1, "daily_rest": 2}


def test_summary_json_is_strict_json_and_the_table_prints(run):
    _, _, _, _, data = run
    text = summary_json(data)
    assert text.endswith("\n")

    def no_constant(name: str):
        raise AssertionError(f"{name} is not JSON")

    back = json.loads(text, parse_constant=no_constant)
    assert back["cost"]["total"] == data["cost"]["total"]
    console = Console(record=True, width=120)
    console.print(summary_table(data))
    out = console.export_text()
    assert data["status"] in out and "labour-rule violations" in out


def test_without_contacts_the_service_level_is_null_not_nan():
    """A requirements file with only ts and agents: no service level can be computed."""
    ts = pd.date_range(pd.Timestamp(MONDAY), periods=7 * 24, freq="h")
    req = pd.DataFrame({"ts": ts, "channel": "all", "queue": "main", "agents": 1.0, "scheduled_agents": 1.0,
                        "contacts": 0.0})
    ag = agents_frame(2, 0, 0)
    cfg = default_config()
    s = solve_schedule(cfg, req, ag, NO_ABSENCES, MONDAY, 7, time_limit_s=2)
    data = summary(s, cfg, ag)
    assert data["service_level"] is None and data["cost_per_contact"] is None
    assert "NaN" not in summary_json(data)
    assert data["required_agent_hours"] == 168
    assert not math.isnan(data["scheduled_agent_hours"])
    Console(record=True).print(summary_table(data))


def test_projected_overtime_counts_what_the_year_already_holds(run):
    """Art. 99 caps overtime at 120 h a year; overtime_ytd_h is the overtime of the periods already
    settled this year, not zero. A is heading for 12 h in November and 10 in December: 110 + 22
    = 132 h; B already has 125 h; C's 8 h of January 2027 belong to the next year, whose count
    begins at 0 (its 3 h of December 2026 and 1.2 h of ytd: 4.2)."""
    pay = pd.DataFrame({"agent_id": ["A", "A", "B", "C", "C"],
                        "period": ["2026-11", "2026-12", "2026-12", "2026-12", "2027-01"],
                        "projected_overtime_hours": [12.0, 10.0, 0.0, 3.0, 8.0]})
    ag = pd.DataFrame({"agent_id": ["A", "B", "C"], "overtime_ytd_h": [110.0, 125.0, 1.2]})
    got = projected_overtime(pay, ag, date(2026, 11, 30))
    assert got.to_dict() == pytest.approx({"A": 132.0, "B": 125.0, "C": 8.0})
    assert projected_overtime(pay, ag.drop(columns="overtime_ytd_h"), date(2026, 11, 30))["B"] == 0
    s, cfg, agents, _, _ = run
    heavy = agents.assign(overtime_ytd_h=np.where(agents["agent_id"] == agents["agent_id"].iloc[0], 125.0, 0.0))
    data = summary(s, cfg, heavy)
    first = str(agents["agent_id"].iloc[0])
    assert first in data["agents_above_overtime_cap_pace"] and data["overtime_projected_year_h"][first] >= 125
    assert data["overtime_projected_year_h"] == {a: pytest.approx(h) for a, h in
                                                 projected_overtime(s.pay, heavy, MONDAY).items() if h > 120}
    over = dict(data, agents_above_overtime_cap_pace=["X"], overtime_projected_year_h={"X": 131.0})
    console = Console(record=True, width=160)
    console.print(summary_table(over))
    text = console.export_text()
    assert "X (131 h)" in text and "(projected)" in text
    assert "not known: no hours before 23.11 (worked.csv, --previous)" in " ".join(text.split())
    given = dict(over, period_balance=[dict(data["period_balance"][0], hours_before_given=True)])
    console = Console(record=True, width=80)
    console.print(summary_table(given))
    text, b = console.export_text(), given["period_balance"][0]
    assert "2026-11 balance (projected)" in text and f"{b['agents_below_norm']} below (−{b['hours_below_norm']:,.0f} h)" in text


def test_the_balance_says_when_the_hours_before_miss_the_periods_first_days():
    """Hours before known from 23 November (last week's rota only) leave 1-22 November counted as
    not worked: the balance is not known. Known from the 3rd (the 1st and 2nd off for everyone
    given), it is. A period begun inside the plan has nothing before it."""
    pay = pd.DataFrame({"period": ["2026-11", "2026-11", "2026-12"], "settled": [True, True, False],
                        "balance": [-5.0, 7.5, 2.0], "overtime_hours": [0.0, 7.5, 0.0],
                        "projected_overtime_hours": [0.0, 7.5, 2.0]})

    def ledger(known: date | None) -> pd.DataFrame:
        return pd.DataFrame({"period": ["2026-11", "2026-12"], "period_start": [date(2026, 11, 1), date(2026, 12, 1)],
                             "known_from": [known, date(2026, 12, 1)]})

    late, early, none = (period_balance(pay, ledger(d)) for d in (date(2026, 11, 23), date(2026, 11, 3), None))
    assert (late[0]["hours_before_given"], late[0]["hours_before_from"]) == (False, "2026-11-23")
    assert early[0]["hours_before_given"] and not none[0]["hours_before_given"] and none[1]["hours_before_given"]
    assert {k: early[0][k] for k in ("agents_above_norm", "hours_above_norm", "agents_below_norm", "hours_below_norm",
                                     "overtime_hours")} == {"agents_above_norm": 1, "hours_above_norm": 7.5,
                                                            "agents_below_norm": 1, "hours_below_norm": 5.0,
                                                            "overtime_hours": 7.5}
    assert _balance_text(late[1]) == "1 above (+2 h)" and _balance_text(early[0]) == "1 above (+8 h), 1 below (−5 h)"


def test_a_long_list_of_agents_above_the_cap_is_cut_to_the_furthest(run):
    """A month with a short norm (January) can put most of a site on the yearly cap's pace: the
    terminal names the six furthest above it and counts the rest (summary.json lists them all)."""
    s, cfg, agents, _, _ = run
    heading = {f"A{k:03d}": 121.0 + k for k in range(40)}
    data = dict(summary(s, cfg, agents), agents_above_overtime_cap_pace=sorted(heading),
                overtime_projected_year_h=heading)
    console = Console(record=True, width=80)
    console.print(summary_table(data))
    text = " ".join(console.export_text().replace("│", " ").split())
    assert "A039 (160 h), A038 (159 h)" in text and "A034 (155 h) and 34 more (summary.json)" in text
    assert "A033" not in text


@pytest.mark.parametrize("first, days, words", [
    (date(2027, 1, 1), 31, "the 31 days of January 2027"),
    (date(2028, 2, 1), 29, "the 29 days of February 2028"),
    (date(2026, 11, 23), 7, "1 week from 2026-11-23"),
    (date(2026, 11, 23), 14, "2 weeks from 2026-11-23"),
    (date(2027, 1, 2), 31, "31 days from 2027-01-02"),
    (date(2026, 11, 25), 1, "1 day from 2026-11-25"),
])
def test_a_horizon_is_said_as_a_team_lead_says_it(first: date, days: int, words: str) -> None:
    from planner.output.terminal import horizon_words

    assert horizon_words(first, days) == words
