"""Flex agents joined to the rota: the residual each flex group is planned against and what it takes
away, their rosters as lines and templates, the wishes report, the weekly rest of a flex roster,
and the whole join inside `solve_schedule`."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from common.errors import InputError
from constraints.checker import check_rota
from constraints.flex import FlexContract, ShiftType, flex_violations
from constraints.labour import LabourRules
from constraints.patterns import DEFAULT_BOOK
from planner.solve.allocation import SeriesDemand
from planner.solve.flex_inputs import FlexInputs
from planner.solve.flex_join import Residual
from planner.solve.flex_model import solve_flex
from planner.solve.flex_plan import after_previous, flex_book, flex_line, wishes_frame, with_fixed_lines
from planner.solve.flex_problem import (FlexProblem, HourlyCover, ShiftCost, ShiftWish, build_index, from_roster,
                                        objective)
from planner.workspace.flex_settings import parse_flex

MONDAY = date(2026, 11, 23)
EVE = ShiftType("18:00+6", 360, start_min=18 * 60)
LATE = ShiftType("20:00+8", 480, start_min=20 * 60)


# ----------------------------------------------------------------------------- the residual


def two_series(need: list[list[int]], empty: np.ndarray | None = None) -> SeriesDemand:
    """Series 0's k-th missing agent costs 100, 200, 300; series 1's 50, 400 (and 400 after)."""
    need = np.array(need)
    cost = np.zeros((2, need.shape[1], 2))
    cost[0] = [100, 300]
    cost[1] = [50, 400]
    return SeriesDemand(need=need, cost=cost, serves=np.array([[True, True]]), group=np.zeros(1, dtype=np.int64),
                        empty=empty)


def test_past_the_last_step_every_further_missing_agent_costs_the_last_price():
    """Series 0 misses 4 agents with 2 steps: 100, 300, 300, 300 (as the class model prices them)."""
    r = Residual.of_demand(two_series([[4], [0]]), np.zeros((1, 2, 1), dtype=np.int64))
    assert r.prices(0, 0) == [100.0, 300.0, 300.0, 300.0]
    assert r.cover(np.array([True, True])).wanted == (4,)


def test_flex_agents_on_duty_take_the_dearest_missing_agents_of_the_series_they_may_serve():
    """Hour 0: series 0 misses 2 (100, 300), series 1 misses 2 (50, 400). Two flex agents serving both
    remove 400 (series 1) and 300 (series 0): 100 and 50 are left. A group serving series 0 only
    takes nothing from series 1."""
    r = Residual.of_demand(two_series([[2], [2]]), np.zeros((1, 2, 1), dtype=np.int64))
    r.take(np.array([True, True]), np.array([2]))
    assert r.missing[:, 0].tolist() == [1, 1]
    assert r.cover(np.array([True, True])).short_price == ((50, 100),)
    only = Residual.of_demand(two_series([[2], [2]]), np.zeros((1, 2, 1), dtype=np.int64))
    only.take(np.array([True, False]), np.array([3]))
    assert only.missing[:, 0].tolist() == [0, 2]


def test_a_series_nobody_may_serve_loses_its_24_7_price_once_a_flex_agent_who_may_is_there():
    empty = np.full((2, 1), 1000.0)
    nobody = np.zeros((1, 1), dtype=np.int64)
    r = Residual.of_demand(two_series([[0], [2]], empty), np.zeros((1, 2, 1), dtype=np.int64), nobody)
    assert r.prices(1, 0) == [50.0, 1400.0]
    r.take(np.array([False, True]), np.array([1]))
    assert r.prices(1, 0) == [50.0]


def test_a_pooled_residual_is_the_hours_missing_agents_after_the_rota():
    cost = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    r = Residual.pooled(np.array([3, 1]), cost, np.array([1, 2]), over_price=5)
    cover = r.cover(np.array([True]))
    assert cover.wanted == (2, 0) and cover.short_price == ((10, 20), ()) and cover.over_price == 5


# ----------------------------------------------------------------------------- rosters as lines


def test_a_roster_becomes_a_line_of_its_shifts_and_its_shift_types_templates():
    rows = pd.DataFrame({"person": ["F1", "F1"], "day": [4, 0], "shift": ["20:00+8", "18:00+6"]})
    line = flex_line("F1", rows, {t.id: t for t in (EVE, LATE)}, MONDAY)
    assert line.pattern == "flex" and [(s.start, s.end) for s in line.shifts] == [
        (datetime(2026, 11, 23, 18), datetime(2026, 11, 24, 0)), (datetime(2026, 11, 27, 20), datetime(2026, 11, 28, 4))]
    assert [s.template for s in line.shifts] == ["18:00+6", "20:00+8"] and {s.break_h for s in line.shifts} == {0.0}
    book = flex_book(DEFAULT_BOOK, (EVE, LATE))
    assert book.templates["20:00+8"].may_cross_midnight and book.templates["18:00+6"].paid_h == 6
    assert set(DEFAULT_BOOK.templates) < set(book.templates) and book.patterns == DEFAULT_BOOK.patterns


def test_fixed_lines_are_one_agent_classes_that_may_work_only_their_own_line():
    allowed = np.array([[True, False], [True, True]])
    lines, out = with_fixed_lines(["a", "b"], allowed, ["f1", "f2"])
    assert lines == ["a", "b", "f1", "f2"]
    assert out.tolist() == [[True, False, False, False], [True, True, False, False],
                            [False, False, True, False], [False, False, False, True]]


def test_the_wishes_report_says_what_each_wish_got():
    """An off wish held against both shifts of the day is one row; granted when nothing is planned;
    a wished shift is granted only when that very shift is planned."""
    wishes = (ShiftWish("F1", 0, "18:00+6", 5000, False), ShiftWish("F1", 0, "20:00+8", 5000, False),
              ShiftWish("F1", 2, "18:00+6", 1000, True), ShiftWish("F2", 1, "20:00+8", 2000, False))
    inputs = FlexInputs((EVE, LATE), (), wishes, 7, 0)
    roster = pd.DataFrame({"person": ["F1", "F2"], "day": [2, 1], "shift": ["20:00+8", "20:00+8"]})
    got = wishes_frame(inputs, roster, MONDAY)
    assert got[["agent_id", "wish", "weight", "planned", "granted"]].values.tolist() == [
        ["F1", "off", 5000, "off", True], ["F1", "18:00-24:00", 1000, "20:00-04:00", False],
        ["F2", "off", 2000, "20:00-04:00", False]]
    assert got["date"].dt.date.tolist() == [MONDAY, date(2026, 11, 25), date(2026, 11, 24)]


# ----------------------------------------------------------------------------- weekly rest


def test_a_flex_roster_needs_two_days_off_in_a_row_in_every_seven_days():
    """Art. 110's 42 h of weekly rest: six days worked with one day off between break it; five days
    with the weekend off keep it. Without the rule (None) neither is a violation."""
    c = FlexContract("F1", frozenset({EVE.id}), off_pair_every=7)
    broken = pd.DataFrame({"person": "F1", "day": [0, 1, 2, 4, 5, 6], "shift": EVE.id})
    kept = pd.DataFrame({"person": "F1", "day": [0, 1, 2, 3, 4], "shift": EVE.id})
    assert [v.rule for v in flex_violations([c], [EVE], broken, 7)] == ["off_pair"]
    assert flex_violations([c], [EVE], kept, 7) == []
    free = FlexContract("F1", frozenset({EVE.id}))
    assert flex_violations([free], [EVE], broken, 7) == []


def test_the_engine_keeps_the_weekly_rest_even_where_every_evening_is_wanted():
    """Every evening wants the agent dearly: without the rule it works all seven; with it, at most
    five and two of the days off in a row; and the checker's 42 h rest holds."""
    wanted = [0] * (7 * 24)
    for d in range(7):
        for h in range(18, 24):
            wanted[d * 24 + h] = 1
    cover = HourlyCover(tuple(wanted), tuple((10_000,) * w for w in wanted))
    for every, most in ((None, 7), (7, 5)):
        problem = FlexProblem(7, (EVE,), (FlexContract("F1", frozenset({EVE.id}), off_pair_every=every),), cover)
        got = solve_flex(problem, time_limit_s=5, workers=1, seed=1)
        assert len(got.roster) == most
    rota = pd.DataFrame({"agent_id": "F1", "date": pd.to_datetime([MONDAY + pd.Timedelta(days=int(d))
                                                                   for d in got.roster["day"]]),
                         "pattern": "flex", "shift": EVE.id})
    rota["start"] = rota["date"] + pd.Timedelta(hours=18)
    rota["end"] = rota["start"] + pd.Timedelta(hours=6)
    rota = rota.assign(paid_hours=6.0, night_hours=2.0, holiday_hours=0.0)
    agents = pd.DataFrame({"agent_id": ["F1"], "pattern": ["flex"], "night_ok": [True], "cycle_start": [pd.NaT]})
    found = check_rota(rota, agents, pd.DataFrame(columns=["agent_id", "start", "end", "kind"]), LabourRules(),
                       flex_book(DEFAULT_BOOK, (EVE,)), MONDAY, 7)
    assert [v.rule for v in found] == []


def test_a_flex_agent_keeps_the_daily_rest_after_the_previous_rota():
    """The previous rota's last shift ends Monday 02:00: with 12 h of rest, Monday's 08:00 shift is
    not offered, 18:00 is; Tuesday is free."""
    morning = ShiftType("08:00+6", 360, start_min=8 * 60)
    inputs = FlexInputs((morning, EVE), (FlexContract("F1", frozenset({morning.id, EVE.id})),), (), 7, 0)
    previous = pd.DataFrame({"agent_id": ["F1"], "start": [pd.Timestamp("2026-11-22 20:00")],
                             "end": [pd.Timestamp("2026-11-23 02:00")]})
    got = after_previous(inputs, previous, MONDAY, 12.0).contracts[0]
    assert got.unavailable_shifts == {(0, "08:00+6")}
    assert after_previous(inputs, None, MONDAY, 12.0) is inputs


def test_weekend_fairness_spreads_the_weekend_days_over_the_flex_agents():
    """Saturday and Sunday evening want one agent each, dearly. F1's shift costs 100, F2's 300: with
    no fairness F1 works both (200 against 400); when one agent's two weekend days cost 2² x 500
    against 1² + 1² for two agents, each works one, and the objective counts it."""
    wanted = [0] * (7 * 24)
    for d in (5, 6):
        for h in range(18, 24):
            wanted[d * 24 + h] = 1
    cover = HourlyCover(tuple(wanted), tuple((10_000,) * w for w in wanted))
    costs = tuple(ShiftCost(p, d, EVE.id, c) for p, c in (("F1", 100), ("F2", 300)) for d in range(7))
    people = tuple(FlexContract(p, frozenset({EVE.id})) for p in ("F1", "F2"))
    for fairness, workers in ((0, {"F1": 2}), (500, {"F1": 1, "F2": 1})):
        problem = FlexProblem(7, (EVE,), people, cover, costs=costs, weekend_fairness=fairness)
        got = solve_flex(problem, time_limit_s=5, workers=1, seed=1)
        assert got.roster["person"].value_counts().to_dict() == workers
        assert got.objective == objective(build_index(problem), from_roster(build_index(problem),
                                                                            got.roster.itertuples(index=False)))
    assert got.objective == 100 + 300 + 500 * 2


def test_weekend_fairness_is_a_setting_of_the_whole_flex_section():
    flex = parse_flex({"weekend_fairness_rub": 800, "agents": {"F1": {"max_hours_week": 20}}}, LabourRules(), "rota.toml")
    assert flex.weekend_fairness_rub == 800 and flex.terms("F1").max_hours_week == 20
    with pytest.raises(InputError) as info:
        parse_flex({"agents": {"F1": {"weekend_fairness_rub": 5}}}, LabourRules(), "rota.toml")
    assert info.value.column == "flex.agents.F1.weekend_fairness_rub"
