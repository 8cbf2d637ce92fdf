"""No planned overtime: the period caps, balanced lines and a month of a small team within its
norm. The norms are the law's (DESIGN.md section 6), the hours worked out by hand."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest

from conftest import absences_frame, agents_frame
from constraints.labour import parse_labour
from planner.solve.balancing import drop_sets, fits, need_per_agent, period_caps, plan_periods
from planner.solve.periods import plan_ledger
from planner.solve.schedule import solve_schedule
from tests.test_schedule import DAY_AND_NIGHT_22, NO_ABSENCES, flat_requirements

DECEMBER = date(2026, 12, 1)


def test_caps_read_the_ledgers_norms_which_are_the_laws():
    """November 2026: 159 h; March 2026 with leave 2-13 March: 168 - 72 = 96 h; January 2026 with
    leave 1-10 January: still 120 h (no working day inside)."""
    agents = agents_frame({"agent_id": "A"}, {"agent_id": "B"}, {"agent_id": "C"})
    away = absences_frame(("B", "2026-03-02", "2026-03-13"), ("C", "2026-01-01", "2026-01-10"))
    cfg = DAY_AND_NIGHT_22
    for first, days, expected in ((date(2026, 11, 23), 7, {"A": 159.0, "B": 159.0, "C": 159.0}),
                                  (date(2026, 3, 1), 31, {"A": 168.0, "B": 96.0, "C": 168.0}),
                                  (date(2026, 1, 1), 31, {"A": 120.0, "B": 120.0, "C": 120.0})):
        periods = plan_periods(first, days, "month")
        caps = period_caps(plan_ledger(cfg, agents, away, first, days), periods, planned_overtime=False,
                           overtime_ok={}, overtime_ytd_h={})
        assert {a: v[0] for a, v in caps.cap.items()} == expected


def test_a_week_across_a_months_end_touches_both_periods():
    assert plan_periods(date(2026, 11, 30), 7, "month") == [(date(2026, 11, 1), date(2026, 11, 30)),
                                                            (date(2026, 12, 1), date(2026, 12, 31))]
    assert plan_periods(date(2026, 11, 30), 7, "quarter") == [(date(2026, 10, 1), date(2026, 12, 31))]


def test_caps_are_the_norm_less_hours_before_and_overtime_needs_consent():
    periods = plan_periods(date(2026, 11, 16), 14, "month")
    ledger = pd.DataFrame({"agent_id": ["A", "B"], "period_start": [date(2026, 11, 1)] * 2,
                           "norm_hours": [159.0, 159.0], "hours_before": [66.0, 70.5]})
    caps = period_caps(ledger, periods, planned_overtime=True, overtime_ok={"A": True}, overtime_ytd_h={"A": 100.0})
    assert caps.cap == {"A": (93.0,), "B": (88.5,)}
    assert caps.overtime == {"A": (20.0,), "B": (0.0,)}          # 120 h a year less 100 so far; B did not consent
    off = period_caps(ledger, periods, planned_overtime=False, overtime_ok={"A": True}, overtime_ytd_h={})
    assert off.overtime == {"A": (0.0,), "B": (0.0,)}


def test_a_line_fits_under_its_cap_or_within_the_overtime_art_99_allows():
    """176 h against a cap of 159: 17 h over. Allowed 20 h of overtime: spread over 176 h, two
    days of 22 h hold 22 x 17/176 = 2.1 h (<= 4); with 48 h in two days, 4.6 h (> 4)."""
    hours = np.array([[176.0], [176.0], [150.0]])
    cap = np.array([159.0])
    assert fits(hours, np.array([[22.0], [48.0], [22.0]]), cap, np.array([20.0])).tolist() == [True, False, True]
    assert fits(hours, np.array([[22.0], [22.0], [22.0]]), cap, np.array([0.0])).tolist() == [False, False, True]
    assert fits(hours, np.array([[22.0]] * 3), cap, np.array([10.0])).tolist() == [False, False, True]


def test_drop_sets_take_the_quietest_shifts_first_and_each_set_differs():
    """Four shifts of 11 h (44 h), cap 40: one shift must go. The quietest (weight 1) first, the
    next set starts one further down; a fixed shift (a night begun before the horizon) never goes."""
    hours = np.full((4, 1), 11.0)
    weight = np.array([5.0, 1.0, 3.0, 2.0])
    movable = np.array([True, True, True, True])
    assert drop_sets(hours, np.array([40.0]), weight, movable, variants=2) == [(1,), (3,)]
    assert drop_sets(hours, np.array([30.0]), weight, movable, variants=1) == [(1, 3)]
    assert drop_sets(hours, np.array([50.0]), weight, movable) == [()]
    fixed = np.array([False, True, True, True])
    assert drop_sets(hours, np.array([0.0]), weight, fixed, variants=1) == [(1, 2, 3)]   # all it can


def team(n: int) -> pd.DataFrame:
    return agents_frame(*({"agent_id": f"A{i}", "cycle_start": pd.Timestamp(DECEMBER) - pd.Timedelta(days=i % 4)}
                          for i in range(n)))


def hours_in_month(s) -> pd.Series:
    """Each agent's hours on December's days from the timesheet (the art. 96 hour included)."""
    t = s.timesheet
    return t[pd.to_datetime(t["date"]).dt.month == 12].groupby("agent_id")["hours"].sum()


def test_a_month_of_2_2_stays_within_the_norm_with_balancing_days_off():
    """December 2026: norm 176 h. A 2/2 cycle works 15 or 16 shifts of 11 paid hours, and each night
    shift counts an hour more (art. 96): up to 184 h. Planned, every agent stays within 176 h, no
    overtime is paid, the days given off are listed and the checker accepts them."""
    agents = team(8)
    req = flat_requirements(DECEMBER, 31, lambda t: 3)
    s = solve_schedule(DAY_AND_NIGHT_22, req, agents, NO_ABSENCES, DECEMBER, 31, time_limit_s=20)
    hours = hours_in_month(s)
    assert (hours <= 176.0 + 1e-6).all(), hours.to_dict()
    assert s.pay["overtime"].sum() == 0.0
    assert s.violations == ()
    assert s.days_off is not None and len(s.days_off) > 0
    worked = set(zip(s.rota["agent_id"], s.rota["date"].dt.date))
    assert not worked & set(zip(s.days_off["agent_id"], s.days_off["date"].dt.date))


def test_with_planned_overtime_allowed_a_consenting_agent_may_work_above_the_norm():
    """Same month, the site allows planned overtime and A0 consents: A0 may keep its full cycle
    (above 176 h, within art. 99), the others stay within the norm."""
    agents = team(8).assign(overtime_ok=[True] + [False] * 7, overtime_ytd_h=0.0)
    cfg = dataclasses.replace(DAY_AND_NIGHT_22, labour=parse_labour({"planned_overtime": True}))
    req = flat_requirements(DECEMBER, 31, lambda t: 6, contacts_per_agent=200.0)   # short: every hour is worth it
    s = solve_schedule(cfg, req, agents, NO_ABSENCES, DECEMBER, 31, time_limit_s=20)
    hours = hours_in_month(s)
    assert hours["A0"] > 176.0
    assert (hours.drop("A0") <= 176.0 + 1e-6).all()
    assert s.violations == ()


def test_a_week_inside_a_month_pays_no_overtime():
    """A 2/2 agent who works 4 shifts (44 h + night hours) in one week is not paid overtime: the
    month is not over."""
    agents = team(4)
    monday = date(2026, 11, 23)
    s = solve_schedule(DAY_AND_NIGHT_22, flat_requirements(monday, 7, lambda t: 2), agents, NO_ABSENCES,
                       monday, 7, time_limit_s=10)
    assert s.timesheet.groupby("agent_id")["hours"].sum().max() >= 44.0
    assert s.pay["overtime"].sum() == 0.0


@pytest.mark.parametrize("sick", [False, True])
def test_a_replan_keeps_the_published_rota_and_lists_only_the_changes_sickness_forces(sick):
    """Plan a week, publish it; re-plan the same week from it: no change. With one agent sick for
    two of its work days, only those days change (and are put down to the sickness)."""
    agents = team(6)
    monday = date(2026, 11, 23)
    req = flat_requirements(monday, 7, lambda t: 2)
    first = solve_schedule(DAY_AND_NIGHT_22, req, agents, NO_ABSENCES, monday, 7, time_limit_s=10)
    absences = NO_ABSENCES
    if sick:
        a = str(first.rota["agent_id"].iloc[0])
        days = sorted(first.rota.loc[first.rota["agent_id"] == a, "date"].dt.date)[:2]
        absences = absences_frame((a, str(days[0]), str(days[1])), kind="sick")
    again = solve_schedule(DAY_AND_NIGHT_22, req, agents, absences, monday, 7, time_limit_s=10,
                           published=first.rota)
    if not sick:
        assert again.changes.empty
        return
    assert set(again.changes["agent_id"]) == {a}
    assert set(again.changes["date"].dt.date) == set(days)
    assert set(again.changes["reason"]) == {"sick"}
    assert (again.changes["planned"] == "").all()


def test_an_agent_of_a_scarce_queue_is_needed_more_than_one_of_a_crowded_one():
    """Series 0 (buyers) needs 10 agents and 20 may serve it: each is worth 0.5 there. Series 1
    (English) needs 1 and 2 may serve it: 0.5 too, so at night, when buyers need 2 (0.1 each), the
    English speaker (who may serve both) weighs 0.6 and the buyers' agent 0.1."""
    need = np.array([[10, 2], [1, 1]])
    serves = np.array([[True, False], [True, True]])
    group = np.array([0, 1])
    sizes = np.array([18, 2])
    w = need_per_agent(need, serves, group, sizes)
    assert w[0].tolist() == pytest.approx([0.5, 0.1]) and w[1].tolist() == pytest.approx([1.0, 0.6])
