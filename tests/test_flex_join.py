"""Flexible staff joined to a rota: the residual the classes leave, priced as the class model
prices it, and the pay of a flex shift."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from constraints.flex import ShiftType
from planner.solve.allocation import SeriesDemand
from planner.solve.flex_join import residual_cover, shift_costs


def demand(empty: np.ndarray | None = None) -> SeriesDemand:
    """Two series, two hours; series 0 needs 3 and 1, series 1 needs 2 and 0; the k-th missing
    agent of series 0 costs 100, 200, 300, of series 1 costs 50, 400."""
    need = np.array([[3, 1], [2, 0]])
    cost = np.zeros((2, 2, 3))
    cost[0, :, :] = [100, 200, 300]
    cost[1, :, :] = [50, 400, 400]
    return SeriesDemand(need=need, cost=cost, serves=np.array([[True, True]]), group=np.zeros(1, dtype=np.int64),
                        empty=empty)


def test_the_residual_pools_the_missing_agents_of_the_series_the_group_may_serve_cheapest_first():
    """Hour 0: the rota gave series 0 one agent and series 1 none, so series 0 misses its 1st and
    2nd (100, 200) and series 1 both (50, 400): four wanted, priced 50, 100, 200, 400. Hour 1:
    series 0 is covered. One flex agent then removes the dearest (400, series 1's second)."""
    alloc = np.zeros((1, 2, 2), dtype=np.int64)
    alloc[0, 0, :] = [1, 1]
    cover = residual_cover(demand(), alloc, np.array([True, True]))
    assert cover.wanted == (4, 0)
    assert cover.short_price == ((50, 100, 200, 400), ())
    only_first = residual_cover(demand(), alloc, np.array([True, False]))
    assert only_first.wanted == (2, 0) and only_first.short_price[0] == (100, 200)


def test_a_series_nobody_on_site_may_serve_puts_its_24_7_price_on_its_dearest_missing_agent():
    empty = np.full((2, 2), 1000.0)
    alloc = np.zeros((1, 2, 2), dtype=np.int64)
    alloc[0, 0, :] = [1, 1]
    on_site = np.array([[1, 1]])          # the group's one agent serves series 0 (and may serve 1)
    assert residual_cover(demand(empty), alloc, np.array([False, True]), on_site).short_price[0] == (50, 400)
    nobody = np.zeros((1, 2), dtype=np.int64)
    got = residual_cover(demand(empty), np.zeros((1, 2, 2), dtype=np.int64), np.array([False, True]), nobody)
    assert got.short_price[0] == (50, 1400)


def test_a_flex_shift_costs_its_pay_with_the_night_and_holiday_extras():
    """Rate 300 RUB/h, night premium 20 % (art. 154, the default), holidays double (art. 153):
    18:00-24:00 on an ordinary day is 6 h + 2 night h x 0.2 = 6.4 rate-hours = 1,920 RUB;
    10:00-14:00 on 1 January 2027 (art. 112) is 4 h x 2 = 2,400 RUB; on 2 January too (New Year
    holidays run to the 8th)."""
    types = (ShiftType("eve", 360, start_min=18 * 60), ShiftType("day", 240, start_min=10 * 60))
    costs = {(c.day, c.shift): c.cost for c in shift_costs({"F1": 300.0}, types, date(2026, 12, 31), 2)}
    assert costs[(0, "eve")] == 1920 and costs[(0, "day")] == 1200
    assert costs[(1, "day")] == 2400
    limited = shift_costs({"F1": 300.0, "F2": 250.0}, types, date(2026, 12, 31), 1, allowed={"F1": ["day"]})
    assert {(c.person, c.shift) for c in limited} == {("F1", "day")}
    with pytest.raises(ValueError):
        residual_cover(demand(), np.zeros((1, 3, 2)), np.array([True, True]))


def test_a_flex_agent_is_planned_where_the_rota_leaves_its_dearest_gap():
    """One series misses an agent 18:00-22:00 (500 RUB an hour each); a flex agent at 300 RUB/h may
    work 08:00-12:00 or 18:00-22:00. The engine gives the evening: 1,200 RUB of pay against 2,000
    of shortfall."""
    from constraints.flex import FlexContract
    from planner.solve.flex_model import solve_flex
    from planner.solve.flex_problem import FlexProblem

    need = np.zeros((1, 24), dtype=np.int64)
    need[0, 18:22] = 1
    d = SeriesDemand(need=need, cost=np.full((1, 24, 1), 500.0), serves=np.ones((1, 1), dtype=bool),
                     group=np.zeros(1, dtype=np.int64))
    cover = residual_cover(d, np.zeros((1, 1, 24), dtype=np.int64), np.array([True]))
    types = (ShiftType("am", 240, start_min=8 * 60), ShiftType("pm", 240, start_min=18 * 60))
    problem = FlexProblem(1, types, (FlexContract("F1", frozenset({"am", "pm"})),), cover,
                          costs=shift_costs({"F1": 300.0}, types, date(2026, 11, 23), 1))
    res = solve_flex(problem, time_limit_s=5, workers=1)
    assert res.roster.values.tolist() == [["F1", 0, "pm"]] and res.objective == 1200
