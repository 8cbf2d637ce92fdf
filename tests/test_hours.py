"""Hours of a shift on each calendar day (constraints.hours): the midnight split, the unpaid
break's place, the art. 96 hour, night and holiday hours."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constraints.hours import agent_credit, day_parts, night_credit_h, shift_totals
from constraints.labour import LabourRules
from constraints.night import LEGAL_NIGHT

D = datetime
RULES = LabourRules()


def parts(start: datetime, hours: float, break_h: float = 1.0, credit_h: float = 0.0) -> list[tuple]:
    p = day_parts([start], [start + timedelta(hours=hours)], break_h, credit_h, LEGAL_NIGHT)
    return [(d.date(), h, n, hol) for d, h, n, hol in zip(p["date"], p["hours"], p["night_h"], p["holiday"])]


def test_new_years_night_goes_on_the_day_each_hour_was_worked() -> None:
    """Issue #13: 31 Dec 19:00 - 1 Jan 07:00 gives 5 h on 31 Dec and 7 h on 1 Jan, holiday hours on
    1 Jan only: 7 on site there, less the 1 h break, plus the art. 96 hour; 2 and 6 night hours."""
    assert parts(D(2026, 12, 31, 19), 12, credit_h=1.0) == [
        (D(2026, 12, 31).date(), 5.0, 2.0, False), (D(2027, 1, 1).date(), 7.0, 6.0, True)]
    # hired for night work: no art. 96 hour, 5 h and 6 h
    assert [h for _, h, _, _ in parts(D(2026, 12, 31, 19), 12)] == [5.0, 6.0]


def test_a_shift_across_a_month_end_puts_its_hours_in_two_months() -> None:
    got = parts(D(2026, 11, 30, 20), 12, credit_h=1.0)
    assert [(d.month, h, n) for d, h, n, _ in got] == [(11, 4.0, 2.0), (12, 8.0, 6.0)]


def test_the_break_comes_out_of_the_longer_part_then_the_other() -> None:
    # 16:00-04:00: 8 h on the first day, 4 on the second: the break and the art. 96 hour on the first
    assert [h for _, h, _, _ in parts(D(2026, 11, 16, 16), 12, credit_h=1.0)] == [8.0, 4.0]
    # a tie (18:00-06:00): the later part gives the break
    assert [h for _, h, _, _ in parts(D(2026, 11, 16, 18), 12)] == [6.0, 5.0]
    # a break longer than the part it starts in (22:00-02:00, a tie: the later part): the rest from the other
    assert [h for _, h, _, _ in parts(D(2026, 11, 16, 22), 4, break_h=3.0)] == [1.0, 0.0]


def test_night_hours_of_a_day_are_at_most_its_worked_hours() -> None:
    """22:00-06:00 with a 1 h break: 7 paid, and the 6 h after midnight lose the break: 2 + 5 at
    night (the break is taken out of the day's day-time hours first, here it has none)."""
    assert [(h, n) for _, h, n, _ in parts(D(2026, 11, 16, 22), 8)] == [(2.0, 2.0), (5.0, 5.0)]
    assert [(h, n) for _, h, n, _ in parts(D(2026, 11, 16, 20), 12)] == [(4.0, 2.0), (7.0, 6.0)]


def test_the_art_96_hour_goes_to_night_shifts_of_agents_not_hired_for_them() -> None:
    starts = pd.to_datetime(["2026-11-16 20:00", "2026-11-16 08:00", "2026-11-16 16:00", "2026-11-16 14:00"])
    ends = starts + pd.Timedelta(hours=12)
    # 20-08: 8 of 12 h at night; 08-20: none; 16-04: 6 of 12 (half): a night shift; 14-02: 4 of 12
    assert list(night_credit_h(starts, ends, False, RULES)) == [1.0, 0.0, 1.0, 0.0]
    assert list(night_credit_h(starts, ends, True, RULES)) == [0.0] * 4
    assert list(night_credit_h(starts, ends, False, LabourRules(shorter_night_shifts=False))) == [0.0] * 4
    rota = pd.DataFrame({"agent_id": ["A", "B", "C"], "start": [starts[0]] * 3, "end": [ends[0]] * 3})
    assert list(agent_credit(rota, {"B": True, "C": False}, RULES)) == [1.0, 0.0, 1.0]


def test_shift_totals_are_the_sums_of_the_days() -> None:
    starts = [D(2026, 12, 31, 20), D(2027, 1, 8, 20), D(2027, 1, 3, 8)]
    ends = [s + timedelta(hours=12) for s in starts]
    p = day_parts(starts, ends, [1.0, 1.0, 1.0], [1.0, 1.0, 0.0], LEGAL_NIGHT)
    totals = shift_totals(p, 3)
    # DESIGN §6: from Dec 31 20:00, 8 holiday hours; from Jan 8 20:00, 4; a day shift on Jan 3, 11
    assert totals.to_dict("list") == {"paid_hours": [12.0, 12.0, 11.0], "night_hours": [8.0, 8.0, 0.0],
                                      "holiday_hours": [8.0, 4.0, 11.0]}


@given(start=st.datetimes(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)).map(lambda t: t.replace(second=0, microsecond=0)),
       minutes=st.integers(60, 24 * 60), break_min=st.integers(0, 59), credit=st.sampled_from([0.0, 1.0]))
def test_the_days_add_up_to_the_shift(start: datetime, minutes: int, break_min: int, credit: float) -> None:
    end = start + timedelta(minutes=minutes)
    p = day_parts([start], [end], break_min / 60, credit, LEGAL_NIGHT)
    assert p["hours"].sum() == pytest.approx(minutes / 60 - break_min / 60 + credit)
    assert (p["night_h"] <= p["worked_h"] + 1e-9).all() and (p["worked_h"] <= p["on_site_h"] + 1e-9).all()
    assert p["on_site_h"].sum() == pytest.approx(minutes / 60)
