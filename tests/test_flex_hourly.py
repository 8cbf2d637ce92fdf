"""Rota's hourly coverage mode of the per-person engine (`HourlyCover`): agents wanted hour by hour,
the k-th missing agent of an hour priced (convex), a surplus agent-hour priced, pay per shift."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from constraints.flex import FlexContract, ShiftType, flex_violations, with_daily_rest
from planner.solve.flex_model import solve_flex
from planner.solve.flex_problem import FlexProblem, HourlyCover, ShiftCost, build_index, objective


def timed(id_: str, start_h: int, hours: int) -> ShiftType:
    return ShiftType(id_, hours * 60, start_min=start_h * 60)


def cost_by_hand(problem: FlexProblem, roster: pd.DataFrame) -> int:
    """The objective recomputed from the roster alone, hour by hour (independent of the engine)."""
    types = {t.id: t for t in problem.shift_types}
    cover = problem.cover
    hours = max(len(cover.wanted), problem.horizon_days * 24 + 48)
    on = [0] * hours
    total = 0
    for person, day, shift in roster.itertuples(index=False):
        t = types[shift]
        for h in range(day * 24 + t.start_min // 60, day * 24 + (t.start_min + t.minutes) // 60):
            on[h] += 1
        total += sum(c.cost for c in problem.costs if (c.person, c.day, c.shift) == (person, day, shift))
    for h in range(hours):
        want = cover.wanted[h] if h < len(cover.wanted) else 0
        missing = max(want - on[h], 0)
        total += sum(sorted(cover.short_price[h][:want])[:missing]) if missing else 0
        total += cover.over_price * max(on[h] - want, 0)
    return total


def two_day_problem(**contract) -> FlexProblem:
    types = (timed("m", 8, 4), timed("a", 12, 4))
    wanted = [0] * 48
    for d in range(2):
        for h in range(8, 16):
            wanted[d * 24 + h] = 1
    price = tuple((100,) * w for w in wanted)
    people = ("A", "B")
    costs = tuple(ShiftCost(p, d, s, 10) for p in people for d in range(2) for s in ("m", "a"))
    return FlexProblem(2, types, tuple(FlexContract(p, frozenset({"m", "a"}), **contract) for p in people),
                       HourlyCover(tuple(wanted), price, over_price=1), costs=costs)


def test_two_people_cover_eight_hours_a_day_with_two_four_hour_shifts():
    """One agent wanted 08-16 on both days, 100 a missing agent-hour, 10 a shift: the best roster
    gives each day's morning to one and its afternoon to the other: four shifts, 40, no gap."""
    problem = two_day_problem()
    res = solve_flex(problem, time_limit_s=10, workers=1, seed=1)
    assert res.objective == 40 == cost_by_hand(problem, res.roster)
    per_day = res.roster.groupby("day")["shift"].apply(sorted).tolist()
    assert per_day == [["a", "m"], ["a", "m"]]


def test_a_shortage_costs_its_cheapest_missing_agents_first():
    """Three wanted at 09:00, the missing ones priced 5, 20 and 70: with one agent there two are
    missing and cost 5 + 20, not 20 + 70."""
    types = (timed("s", 9, 1),)
    wanted = [0] * 24
    wanted[9] = 3
    price = tuple((5, 20, 70) if h == 9 else () for h in range(24))
    problem = FlexProblem(1, types, (FlexContract("A", frozenset({"s"})),), HourlyCover(tuple(wanted), price))
    ix = build_index(problem)
    assert objective(ix, np.array([[0]])) == 25
    assert objective(ix, np.array([[-1]])) == 95
    assert solve_flex(problem, time_limit_s=5, workers=1).objective == 25


def test_a_price_that_falls_with_more_missing_agents_is_refused():
    with pytest.raises(ValueError, match="convex"):
        HourlyCover((2,), ((50, 10),))


def test_hours_after_midnight_count_for_the_night_shift_of_the_day_before():
    """A 20:00-08:00 night on day 0 covers hours 20..31 (to 08:00 of day 1)."""
    types = (timed("n", 20, 12),)
    wanted = [0] * 48
    wanted[30] = 1                                   # 06:00 of day 1
    price = tuple((1000,) * w for w in wanted)
    problem = FlexProblem(1, types, (FlexContract("A", frozenset({"n"})),), HourlyCover(tuple(wanted), price))
    res = solve_flex(problem, time_limit_s=5, workers=1)
    assert res.roster.values.tolist() == [["A", 0, "n"]] and res.objective == 0


def test_the_engine_finds_the_cheapest_roster_of_small_random_sites_and_keeps_the_daily_rest():
    """Brute force over every roster of two people, three days and three shift types (4^6), costed
    by hand, against the engine; with 12 h of daily rest the late shift may not be followed by the
    early one."""
    rng = np.random.default_rng(11)
    types = with_daily_rest((timed("early", 6, 6), timed("mid", 10, 8), timed("late", 16, 8)), 12.0)
    for _ in range(3):
        wanted = [int(x) for x in rng.integers(0, 3, 3 * 24 + 24)]
        price = tuple(tuple(sorted(int(v) for v in rng.integers(1, 60, w))) for w in wanted)
        people = ("A", "B")
        costs = tuple(ShiftCost(p, d, t.id, int(rng.integers(0, 80))) for p in people for d in range(3) for t in types)
        problem = FlexProblem(3, types, tuple(FlexContract(p, frozenset(t.id for t in types)) for p in people),
                              HourlyCover(tuple(wanted), price, over_price=3), costs=costs)
        best = None
        ids = [None, *(t.id for t in types)]
        for pick in itertools.product(ids, repeat=6):
            rows = [(p, d, pick[i * 3 + d]) for i, p in enumerate(people) for d in range(3) if pick[i * 3 + d]]
            roster = pd.DataFrame(rows, columns=["person", "day", "shift"])
            if flex_violations(problem.contracts, types, roster, 3, 0):
                continue
            c = cost_by_hand(problem, roster)
            best = c if best is None else min(best, c)
        res = solve_flex(problem, time_limit_s=10, workers=1, seed=2)
        assert flex_violations(problem.contracts, types, res.roster, 3, 0) == []
        assert res.objective == cost_by_hand(problem, res.roster) == best


def test_the_search_alone_plans_hourly_coverage_lawfully(monkeypatch):
    """Without the full model (as on a large site): the first roster group by group and the
    neighbourhood search, including the costliest-hour neighbourhood, keep every rule and reach
    the two-day problem's optimum."""
    import planner.solve.flex_model as fm

    monkeypatch.setattr(fm, "FULL_MODEL_MAX_VARS", 0)
    problem = two_day_problem(max_consecutive_work=2)
    res = fm.solve_flex(problem, time_limit_s=3, workers=1, seed=3)
    assert flex_violations(problem.contracts, problem.shift_types, res.roster, 2, 0) == []
    assert res.objective == cost_by_hand(problem, res.roster) == 40


def test_shifts_outside_a_days_availability_are_never_given():
    """Availability as (day, shift) pairs: on day 0 the morning is out of the person's hours, so
    the engine covers what it can with the afternoon and leaves the morning short."""
    base = two_day_problem()
    a = FlexContract("A", frozenset({"m", "a"}), unavailable_shifts=frozenset({(0, "m"), (1, "m")}))
    b = FlexContract("B", frozenset({"m", "a"}), unavailable_shifts=frozenset({(0, "m"), (1, "m")}))
    problem = FlexProblem(2, base.shift_types, (a, b), base.cover, costs=base.costs)
    res = solve_flex(problem, time_limit_s=5, workers=1)
    assert set(res.roster["shift"]) == {"a"}
    assert flex_violations(problem.contracts, problem.shift_types, res.roster, 2, 0) == []
    assert res.objective == cost_by_hand(problem, res.roster) == 2 * 4 * 100 + 2 * 10
