"""Overtime under summed accounting (constraints.overtime): spread over the hours outside holidays,
the certain overtime of a rota per accounting period, and art. 99's two-day limit."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from constraints.overtime import (
    OVERTIME_TWO_DAYS_H,
    OVERTIME_YEAR_H,
    accounting_periods,
    certain_overtime,
    overtime_by_day,
    two_day_excess,
)


def test_the_laws_limits() -> None:
    assert (OVERTIME_TWO_DAYS_H, OVERTIME_YEAR_H) == (4.0, 120.0)          # art. 99


def test_overtime_is_spread_over_the_hours_outside_holidays() -> None:
    """Norm 151 h, 165 h worked outside holidays: 14 h over, 14/165 of every hour; a holiday's
    hours carry none and use none of the norm."""
    group = np.array([0] * 16)
    hours = np.array([11.0] * 16)
    holiday = np.array([False] * 15 + [True])
    ot = overtime_by_day(group, hours, holiday, np.full(16, 151.0))
    assert ot[:15] == pytest.approx([11 * 14 / 165] * 15) and ot[15] == 0 and ot.sum() == pytest.approx(14)
    assert overtime_by_day(np.array([0, 1]), np.array([8.0, 8.0]), np.array([False, False]),
                           np.array([10.0, 5.0])).tolist() == [0.0, 3.0]


def test_accounting_periods() -> None:
    assert accounting_periods(date(2026, 12, 28), date(2027, 1, 24), "month") == [
        (date(2026, 12, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 31))]
    assert accounting_periods(date(2026, 11, 2), date(2026, 12, 6), "quarter") == [(date(2026, 10, 1), date(2026, 12, 31))]


def test_certain_overtime_holds_a_periods_hours_against_its_whole_norm_less_absences() -> None:
    """March 2026 (168 h; leave 2-13 March takes 72 h off: 96 h). 110 h worked in March is 14 h
    over for the agent on leave and nothing for the other; December's 4 days are far from 176 h."""
    days = pd.DataFrame({"agent_id": ["A"] * 10 + ["B"] * 10,
                         "date": [date(2026, 3, 16 + k) for k in range(10)] * 2,
                         "hours": [11.0] * 20, "holiday": [False] * 20})
    leave = {"A": [date(2026, 3, 2 + k) for k in range(12)]}
    ot = certain_overtime(days, leave, "month", 40.0).groupby("agent_id")["overtime_h"].sum()
    assert ot.to_dict() == {"A": pytest.approx(14.0), "B": 0.0}
    dec = pd.DataFrame({"agent_id": ["A"] * 4, "date": [date(2026, 12, 28 + k) for k in range(4)],
                        "hours": [12.0] * 4, "holiday": [False] * 4})
    assert certain_overtime(dec, {}, "month", 40.0)["overtime_h"].sum() == 0


def test_two_day_excess_reports_each_run_once() -> None:
    ot = pd.DataFrame({"agent_id": ["A"] * 5, "date": [date(2027, 2, d) for d in (1, 2, 3, 5, 6)],
                       "overtime_h": [2.5, 2.5, 0.5, 1.0, 1.0]})
    found = two_day_excess(ot)
    assert found.to_dict("records") == [{"agent_id": "A", "date": date(2027, 2, 1), "overtime_h": 5.0}]
    assert two_day_excess(ot.assign(overtime_h=2.0)).empty                 # 4 h in two days is lawful


def test_hours_worked_before_the_rota_take_their_share_of_the_periods_overtime() -> None:
    """March 2026 (168 h): 150 h before the rota and 10 days of 11 h in it make 260 h, 92 over;
    the rota's days hold 110 x 92/260 = 38.9 h of it, the period all 92 (art. 104)."""
    days = pd.DataFrame({"agent_id": ["A"] * 10, "date": [date(2026, 3, 16 + k) for k in range(10)],
                         "hours": [11.0] * 10, "holiday": [False] * 10})
    ot = certain_overtime(days, {}, "month", 40.0, before={("A", date(2026, 3, 1)): 150.0})
    assert ot["overtime_h"].sum() == pytest.approx(110 * 92 / 260)
    assert set(ot["period_overtime_h"]) == {92.0} and set(ot["period"]) == {date(2026, 3, 1)}
    assert overtime_by_day(np.zeros(2), np.array([8.0, 8.0]), np.array([False, False]), np.full(2, 10.0),
                           np.full(2, 4.0)).tolist() == [4.0, 4.0]        # 20 h against 10: 8/20 of 10 h each
