"""Pay rules and premiums against the Labour Code's numbers and hand-computed cases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import RuleError
from constraints.calendar import RU_CALENDAR
from constraints.night import NightWindow
from constraints.pay import (
    PayRules,
    ShiftHours,
    holiday_hours,
    holiday_hours_of,
    line_rate_hours,
    night_hours,
    night_hours_of,
    overtime,
    parse_pay,
    period_pay,
    shift_hours,
    shift_hours_frame,
)
from constraints.timesheet import timesheet_days

D = datetime


def test_defaults_are_the_legal_minimums() -> None:
    r = parse_pay({})
    assert r.night_premium == 0.20  # art. 154, decree 554
    assert (r.night_start, r.night_end) == (time(22), time(6))  # art. 96
    assert r.holiday_multiplier == 2.0  # art. 153
    assert (r.overtime_first_hours, r.overtime_first_multiplier, r.overtime_after_multiplier) == (2, 1.5, 2.0)
    assert r.overtime_cap_year_h == 120  # art. 99
    assert r.accounting_period == "month" and r.hours_per_week == 40


@pytest.mark.parametrize(
    ("raw", "setting"),
    [
        ({"night_premium": 0.19}, "pay.night_premium"),
        ({"night_premium": 20}, "pay.night_premium"),  # a percentage, not a share
        ({"holiday_multiplier": 1.5}, "pay.holiday_multiplier"),
        ({"overtime_first_multiplier": 1.25}, "pay.overtime_first_multiplier"),
        ({"overtime_after_multiplier": 1.5}, "pay.overtime_after_multiplier"),
        ({"overtime_first_hours": 3}, "pay.overtime_first_hours"),
        ({"overtime_cap_year_h": 150}, "pay.overtime_cap_year_h"),
        ({"night_start": "23:00"}, "pay.night_start"),
        ({"night_end": "05:00"}, "pay.night_end"),
        ({"hours_per_week": 48}, "pay.hours_per_week"),
        ({"accounting_period": "week"}, "pay.accounting_period"),
        ({"night_premum": 0.3}, "pay.night_premum"),  # typo: unknown setting
    ],
)
def test_settings_below_the_law_are_rejected_by_name(raw: dict, setting: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_pay(raw)
    assert err.value.setting == setting
    assert str(err.value).startswith(f"setting '{setting}': ")
    assert "\n" not in str(err.value)


def test_more_generous_settings_are_accepted() -> None:
    wider = NightWindow(start=time(21), end=time(6))          # [labour] night_start = "21:00"
    r = parse_pay({"night_premium": 0.4, "holiday_multiplier": 2.5, "accounting_period": "quarter"}, night=wider)
    assert r.night_premium == 0.4 and r.night_start == time(21) and r.holiday_multiplier == 2.5
    assert night_hours(D(2025, 3, 3, 20), D(2025, 3, 4, 8), r) == 9  # 21:00-06:00
    assert r.night is wider                                   # the labour rules' window itself
    assert parse_pay({"night_start": "21:00"}, night=wider) == parse_pay({}, night=wider)   # stated again: fine


def test_a_pay_night_other_than_the_labour_night_is_refused() -> None:
    with pytest.raises(RuleError) as err:
        parse_pay({"night_start": "21:00"})                   # lawful, but [labour] keeps 22:00
    assert err.value.setting == "labour.night_start" and "pay.night_start" in err.value.message
    with pytest.raises(RuleError) as err:
        parse_pay({"night": {"night_start": "21:00"}})        # the window is not a [pay] setting
    assert err.value.setting == "pay.night" and "unknown setting" in err.value.message


def test_the_dump_lists_the_settings_as_rota_toml_names_them() -> None:
    assert list(PayRules().model_dump())[:4] == ["night_premium", "night_start", "night_end", "holiday_multiplier"]
    assert PayRules().model_dump(mode="json")["night_start"] == "22:00:00"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 3, 3, 20), D(2025, 3, 4, 8), 8.0),  # DESIGN §6: a 20:00-08:00 shift has 8
        (D(2025, 3, 3, 22), D(2025, 3, 4, 6), 8.0),
        (D(2025, 3, 3, 8), D(2025, 3, 3, 20), 0.0),
        (D(2025, 3, 3, 6), D(2025, 3, 3, 18), 0.0),
        (D(2025, 3, 3, 18), D(2025, 3, 4, 3), 5.0),  # 22:00-03:00
        (D(2025, 3, 3, 5, 30), D(2025, 3, 3, 22, 15), 0.75),  # 05:30-06:00 and 22:00-22:15
        (D(2025, 3, 3, 0), D(2025, 3, 6, 0), 24.0),  # three whole days
    ],
)
def test_night_hours(start: datetime, end: datetime, expected: float) -> None:
    assert night_hours(start, end) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 31, 20), D(2027, 1, 1, 8), 8.0),  # Dec 31 is a transferred day off: single pay
        (D(2027, 1, 8, 20), D(2027, 1, 9, 8), 4.0),  # Jan 8 is a holiday, Jan 9 is not
        (D(2025, 1, 7, 8), D(2025, 1, 7, 20), 12.0),  # a Christmas day shift
        (D(2025, 5, 9, 20), D(2025, 5, 10, 8), 4.0),  # a Victory Day night shift: 20:00-24:00
        (D(2025, 5, 8, 20), D(2025, 5, 9, 8), 8.0),  # the night into May 9: 00:00-08:00
        (D(2025, 5, 2, 8), D(2025, 5, 2, 20), 0.0),  # transferred day off 2025-05-02
        (D(2026, 3, 9, 8), D(2026, 3, 9, 20), 0.0),  # 2026-03-09, the day off for Sunday Mar 8
    ],
)
def test_holiday_hours(start: datetime, end: datetime, expected: float) -> None:
    assert holiday_hours(start, end, RU_CALENDAR) == pytest.approx(expected)


def test_shift_hours_split_at_midnight_with_the_break_in_the_longer_part() -> None:
    # 12 h on site, 1 h unpaid break: 11 paid, 8 at night. The break comes out of Jan 1's 8 h (the
    # longer part), so Jan 1 holds 7 holiday hours; with the art. 96 hour credited there, 8.
    assert shift_hours(D(2026, 12, 31, 20), D(2027, 1, 1, 8), 1.0) == ShiftHours(11.0, 8.0, 7.0)
    assert shift_hours(D(2026, 12, 31, 20), D(2027, 1, 1, 8), 1.0, credit_h=1.0) == ShiftHours(12.0, 8.0, 8.0)
    # Jan 8 20:00 - Jan 9 08:00: the 4 h of Jan 8 are holiday hours (DESIGN §6), the break is Jan 9's
    assert shift_hours(D(2027, 1, 8, 20), D(2027, 1, 9, 8), 1.0, credit_h=1.0) == ShiftHours(12.0, 8.0, 4.0)
    # Wholly at night and on Jan 1-2, 8 h on site, 1 h break: premiums on at most the 7 paid hours.
    assert shift_hours(D(2027, 1, 1, 22), D(2027, 1, 2, 6), 1.0) == ShiftHours(7.0, 7.0, 7.0)
    # 5/2 day shift 09:00-18:00 with lunch: 8 paid, nothing extra.
    assert shift_hours(D(2025, 3, 17, 9), D(2025, 3, 17, 18), 1.0) == ShiftHours(8.0, 0.0, 0.0)


def test_shift_hours_frame_matches_single_shifts_and_rejects_bad_rows() -> None:
    shifts = pd.DataFrame(
        {
            "start": [D(2026, 12, 31, 20), D(2025, 1, 7, 8), D(2025, 3, 3, 18), D(2027, 1, 8, 20)],
            "end": [D(2027, 1, 1, 8), D(2025, 1, 7, 20), D(2025, 3, 4, 3), D(2027, 1, 9, 8)],
            "break_h": [1.0, 1.0, 0.5, 1.0],
            "credit_h": [0.0, 0.0, 0.0, 1.0],
        }
    )
    out = shift_hours_frame(shifts)
    for row in out.itertuples():
        h = shift_hours(row.start, row.end, row.break_h, credit_h=row.credit_h)
        assert (row.paid_hours, row.night_hours, row.holiday_hours) == pytest.approx((h.paid_h, h.night_h, h.holiday_h))
    assert list(out["paid_hours"]) == [11, 11, 8.5, 12]
    assert list(out["holiday_hours"]) == [7, 11, 0, 4]  # Jan 7: 12 on site, 11 paid
    with pytest.raises(RuleError, match="ends before it starts"):
        shift_hours_frame(shifts.assign(end=shifts["start"] - timedelta(hours=1)))
    with pytest.raises(RuleError, match="break"):
        shift_hours_frame(shifts.assign(break_h=12.0))


@pytest.mark.parametrize(
    ("worked", "norm", "ot_h", "extra"),
    [
        (150, 151, 0, 0),
        (152, 151, 1, 0.5),  # first hours: 1.5x, i.e. +0.5 on top of base
        (153, 151, 2, 1.0),
        (156, 151, 5, 2 * 0.5 + 3 * 1.0),  # then 2x, i.e. +1.0
    ],
)
def test_overtime_split(worked: float, norm: float, ot_h: float, extra: float) -> None:
    assert overtime(worked, norm, PayRules()) == pytest.approx((ot_h, extra))


def days_of(shifts: pd.DataFrame, agents: list[str], first: datetime, n: int) -> pd.DataFrame:
    """The timesheet's days (constraints.timesheet) of shifts agent_id, start, end, break_h, credit_h."""
    return timesheet_days(shifts, pd.DataFrame(columns=["agent_id", "start", "end"]), agents, first.date(), n,
                          PayRules().night)


def ledger_of(norms: dict[str, float], first: date = date(2027, 1, 1), last: date = date(2027, 1, 31), *,
              settled: bool = True, before: dict[str, tuple[float, float, float]] | None = None) -> pd.DataFrame:
    """A ledger (constraints.ledger) of one accounting period by hand: norm and (hours, night hours
    outside holidays, holiday hours) before the plan per agent."""
    before = before or {}
    return pd.DataFrame([(a, f"{first:%Y-%m}", first, last, n, *before.get(a, (0.0, 0.0, 0.0)), settled)
                         for a, n in norms.items()],
                        columns=["agent_id", "period", "period_start", "period_end", "norm_hours", "hours_before",
                                 "night_hours_before", "holiday_hours_before", "ends_in_plan"])


def test_pay_of_a_hand_computed_rota() -> None:
    """Two agents, one accounting period, norms given; hours on the calendar day worked.

    Agent A (300 rub/h, norm 15 h, hired for night work: no art. 96 hour), two 2/2 night shifts
    with a 1 h break:
      Jan 8 2027 20:00-Jan 9 08:00: Jan 8 4 h (2 night, holiday), Jan 9 8 - 1 = 7 h (6 night)
      Jan 10 20:00-Jan 11 08:00:     Jan 10 4 h (2 night),         Jan 11 7 h (6 night)
      worked 22, night 16, holiday 4; overtime counts 22 - 4 = 18 h (holiday hours paid double
      are left out, art. 152 part 3), 3 h above the norm, spread over those 18 h, of which 14 are
      night hours. Art. 152 after ruling 35-П: on the full hourly pay 300 x (1 + 0.2 x 14/18)
      = 346.67, 2 x 0.5 + 1 x 1.0 = 2 of it: 693.33.
      base 22 x 300 = 6600; night 16 x 300 x 0.2 = 960; holiday 4 x 300 x 1 = 1200; total 9453.33.
    Agent B (250.50 rub/h, norm 8 h), two 5/2 days 09:00-18:00 with a 1 h lunch on Mon Jan 11
    and Tue Jan 12: worked 16, 8 h over the norm, none at night: 2 x 0.5 + 6 x 1.0 = 7.
      base 16 x 250.5 = 4008; overtime 7 x 250.5 = 1753.50; total 5761.50.
    Agent C has no shift: a row of zeros with its norm.
    """
    shifts = pd.DataFrame(
        {
            "agent_id": ["A", "A", "B", "B"],
            "start": [D(2027, 1, 8, 20), D(2027, 1, 10, 20), D(2027, 1, 11, 9), D(2027, 1, 12, 9)],
            "end": [D(2027, 1, 9, 8), D(2027, 1, 11, 8), D(2027, 1, 11, 18), D(2027, 1, 12, 18)],
            "break_h": [1.0, 1.0, 1.0, 1.0],
            "credit_h": [0.0, 0.0, 0.0, 0.0],
        }
    )
    days = days_of(shifts, ["A", "B", "C"], D(2027, 1, 8), 5)
    bill = period_pay(days, ledger_of({"A": 15.0, "B": 8.0, "C": 30.0}), {"A": 300.0, "B": 250.5, "C": 400.0},
                      PayRules())
    assert list(bill.columns) == [
        "agent_id", "period", "settled", "period_norm_hours", "hours_before", "planned_hours",
        "projected_period_hours", "balance", "night_hours", "holiday_hours", "overtime_hours",
        "projected_overtime_hours", "base", "night_premium", "holiday_premium", "overtime", "total",
    ]  # fmt: skip
    a, b, c = (bill.set_index("agent_id").loc[k] for k in ("A", "B", "C"))
    assert (a.planned_hours, a.night_hours, a.holiday_hours, a.overtime_hours) == (22, 16, 4, 3)
    assert (a.base, a.night_premium, a.holiday_premium, a.overtime, a.total) == pytest.approx(
        (6600, 960, 1200, 693.33, 9453.33))
    assert (b.planned_hours, b.night_hours, b.holiday_hours, b.overtime_hours) == (16, 0, 0, 8)
    assert (b.base, b.night_premium, b.holiday_premium, b.overtime, b.total) == pytest.approx((4008, 0, 0, 1753.5, 5761.5))
    assert (c.period_norm_hours, c.planned_hours, c.total, c.balance) == (30, 0, 0, -30)
    assert (a.projected_period_hours, a.balance, a.projected_overtime_hours) == (22, 7, 3)   # 18 counted - 15
    # A line costs rate x rate-hours: A's two shifts, 22 + 16 x 0.2 + 4 x 1 = 29.2, are
    # 300 x 29.2 = 8760 = base + night + holiday (overtime belongs to the period, not a line).
    a_shifts = [shift_hours(r.start, r.end, r.break_h) for r in shifts[shifts.agent_id == "A"].itertuples()]
    assert line_rate_hours(a_shifts, PayRules()) == pytest.approx(29.2)


def test_overtime_is_paid_on_the_full_hourly_pay_night_premium_included() -> None:
    """Art. 152 after ruling 35-П of 27.06.2023 and law 91-ФЗ: overtime is paid on the hourly pay
    with the night premium. Norm 10 h; 8 h on Feb 1 and 8 h on Feb 2 2027 make 6 h of overtime,
    spread over the 16 h, 6 of which are night hours: the overtime hour's full pay is
    400 x (1 + 0.2 x 6/16) = 430, and the overtime premium 2 x 0.5 x 430 + 4 x 1.0 x 430 = 2,150
    (2,000 on the bare rate, as before the ruling). Hours on a holiday are neither overtime nor
    in the share: with Feb 23 worked instead of Feb 2, nothing is over the norm."""
    def bill(night_first: float, night_second: float, second: str = "2027-02-02") -> pd.Series:
        days = pd.DataFrame({"agent_id": ["A", "A"], "date": [D(2027, 2, 1).date(), pd.Timestamp(second).date()],
                             "hours": [8.0, 8.0], "night_hours": [night_first, night_second],
                             "holiday": [False, second == "2027-02-23"]})
        return period_pay(days, ledger_of({"A": 10.0}, date(2027, 2, 1), date(2027, 2, 28)), {"A": 400.0},
                          PayRules()).iloc[0]

    night = bill(0.0, 6.0)
    assert (night.overtime_hours, night.overtime) == (6, pytest.approx(2150.0))
    assert night.night_premium == pytest.approx(6 * 400 * 0.2)
    assert bill(6.0, 0.0).overtime == pytest.approx(2150.0)          # the share, not the day, counts
    assert bill(0.0, 0.0).overtime == pytest.approx(2000.0)          # no night hours: the bare rate
    holiday = bill(0.0, 6.0, "2027-02-23")
    assert (holiday.overtime_hours, holiday.overtime, holiday.holiday_hours) == (0, 0, 8)
    # a higher night premium raises the overtime rate with it: 6 h over a norm of 2 h, +40 % at night
    one_day = pd.DataFrame({"agent_id": ["A"], "date": [D(2027, 2, 2).date()], "hours": [8.0], "night_hours": [6.0],
                            "holiday": [False]})
    feb = ledger_of({"A": 2.0}, date(2027, 2, 1), date(2027, 2, 28))
    assert period_pay(one_day, feb, {"A": 400.0}, PayRules(night_premium=0.4)).iloc[0].overtime == \
        pytest.approx((2 * 0.5 + 4 * 1.0) * 400 * (1 + 0.4 * 6 / 8))


def test_period_pay_names_an_agent_without_a_rate_or_a_period() -> None:
    days = pd.DataFrame({"agent_id": ["A"], "date": [D(2027, 2, 1).date()], "hours": [11.0], "night_hours": [0.0],
                         "holiday": [False]})
    feb = ledger_of({"A": 100.0}, date(2027, 2, 1), date(2027, 2, 28))
    with pytest.raises(RuleError, match="agent A"):
        period_pay(days, feb, {})
    with pytest.raises(RuleError, match="agent B"):
        period_pay(days.assign(agent_id="B"), feb, {"A": 400.0, "B": 400.0})
    with pytest.raises(RuleError, match="2027-02-01 is in no accounting period"):
        period_pay(days, ledger_of({"A": 100.0}), {"A": 400.0})


def test_a_period_the_plan_ends_settles_its_overtime_with_the_hours_before() -> None:
    """Summed accounting (art. 104): January 2026's norm is 120 h (DESIGN.md §6). 100 h were worked
    before the plan, 30 of them at night and 12 on the New Year holidays; the plan's last week,
    26-31 January, adds 44 h, 16 at night. The period's hours outside holidays are 100 - 12 + 44
    = 132, 12 h over the norm, their night share (30 + 16) / 132: the overtime hour's full pay is
    400 x (1 + 0.2 x 46/132) = 427.88 and the premium (2 x 0.5 + 10 x 1.0) x 427.88 = 4,706.67
    (art. 152, ruling 35-П). Base and premiums pay only the plan's own 44 h."""
    days = pd.DataFrame({"agent_id": "A", "date": [date(2026, 1, 26 + k) for k in range(4)],
                         "hours": [11.0] * 4, "night_hours": [0.0, 8.0, 8.0, 0.0], "holiday": False})
    jan = ledger_of({"A": 120.0}, date(2026, 1, 1), date(2026, 1, 31), before={"A": (100.0, 30.0, 12.0)})
    row = period_pay(days, jan, {"A": 400.0}).iloc[0]
    assert (row.hours_before, row.planned_hours, row.projected_period_hours, row.balance) == (100, 44, 144, 24)
    assert (row.overtime_hours, row.projected_overtime_hours) == (12, 12) and bool(row.settled)
    assert row.overtime == pytest.approx(round(11 * 400 * (1 + 0.2 * 46 / 132), 2))
    assert row.base == 44 * 400 and row.night_premium == pytest.approx(16 * 400 * 0.2)
    assert row.total == pytest.approx(row.base + row.night_premium + row.overtime)


def test_a_period_the_plan_does_not_end_pays_no_overtime_and_projects_its_end() -> None:
    """November 2026 (159 h): 60 h before, 44 in the plan, and the agent's cycle adds 66 h (4 of
    them on a holiday) by 30 November: projected 170 h, balance +11; the period heads for 170 - 4
    - 159 = 7 h of overtime, but none is paid before its end."""
    days = pd.DataFrame({"agent_id": "A", "date": [date(2026, 11, 9 + k) for k in range(4)],
                         "hours": [11.0] * 4, "night_hours": 0.0, "holiday": False})
    nov = ledger_of({"A": 159.0}, date(2026, 11, 1), date(2026, 11, 30), settled=False,
                    before={"A": (60.0, 0.0, 0.0)})
    future = pd.DataFrame({"agent_id": ["A"], "period_start": [date(2026, 11, 1)], "hours": [66.0],
                           "holiday_hours": [4.0]})
    row = period_pay(days, nov, {"A": 400.0}, future=future).iloc[0]
    assert (row.projected_period_hours, row.balance, row.projected_overtime_hours) == (170, 11, 7)
    assert (row.overtime_hours, row.overtime, row.total) == (0, 0, 44 * 400) and not row.settled
    # without the projection, the same plan is far under the norm and heads for no overtime
    bare = period_pay(days, nov, {"A": 400.0}).iloc[0]
    assert (bare.projected_period_hours, bare.balance, bare.projected_overtime_hours) == (104, -55, 0)


def test_a_plan_across_two_periods_pays_each_on_its_own() -> None:
    """30 Nov - 6 Dec 2026: a night 30 Nov 20:00 - 1 Dec 08:00 puts 4 h in November and 8 in
    December. November ends in the plan: 150 h before + 4 = 154 < 159, no overtime. December goes
    on: no overtime, whatever its hours."""
    days = pd.DataFrame({"agent_id": "A", "date": [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)],
                         "hours": [4.0, 8.0, 11.0], "night_hours": [2.0, 6.0, 0.0], "holiday": False})
    ledger = pd.concat([ledger_of({"A": 159.0}, date(2026, 11, 1), date(2026, 11, 30),
                                  before={"A": (150.0, 20.0, 0.0)}),
                        ledger_of({"A": 176.0}, date(2026, 12, 1), date(2026, 12, 31), settled=False)])
    nov, dec = period_pay(days, ledger, {"A": 400.0}).itertuples()
    assert (nov.period, nov.settled, nov.planned_hours, nov.projected_period_hours, nov.overtime_hours) == \
        ("2026-11", True, 4, 154, 0)
    assert (dec.period, dec.settled, dec.planned_hours, dec.night_hours, dec.overtime) == ("2026-12", False, 19, 6, 0)


moments = st.datetimes(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)).map(lambda t: t.replace(second=0, microsecond=0))
minutes = st.integers(min_value=0, max_value=4 * 24 * 60)


@given(start=moments, length=minutes, cut=st.floats(0, 1))
def test_night_hours_add_up_over_splits_and_stay_in_bounds(start: datetime, length: int, cut: float) -> None:
    end = start + timedelta(minutes=length)
    mid = start + timedelta(minutes=round(length * cut))
    whole = night_hours(start, end)
    assert whole == pytest.approx(night_hours(start, mid) + night_hours(mid, end), abs=1e-9)
    assert 0 <= whole <= length / 60 + 1e-9


@given(start=moments, length=minutes, cut=st.floats(0, 1))
def test_holiday_hours_add_up_over_splits_and_stay_in_bounds(start: datetime, length: int, cut: float) -> None:
    end = start + timedelta(minutes=length)
    mid = start + timedelta(minutes=round(length * cut))
    whole = holiday_hours(start, end)
    assert whole == pytest.approx(holiday_hours(start, mid) + holiday_hours(mid, end), abs=1e-9)
    assert 0 <= whole <= length / 60 + 1e-9


def test_many_intervals_at_once_give_the_law_s_figures() -> None:
    """DESIGN.md §6 in one call: 20:00-08:00 has 8 night hours; from 2026-12-31 20:00 8 holiday
    hours, from 2027-01-08 20:00 4; 2026-12-31 (a transferred day off) none; an empty list."""
    starts = [D(2026, 11, 24, 20), D(2026, 12, 31, 20), D(2027, 1, 8, 20), D(2026, 12, 31, 8)]
    ends = [D(2026, 11, 25, 8), D(2027, 1, 1, 8), D(2027, 1, 9, 8), D(2026, 12, 31, 20)]
    assert night_hours_of(starts, ends).tolist() == [8, 8, 8, 0]
    assert holiday_hours_of(starts, ends).tolist() == [0, 8, 4, 0]
    assert night_hours_of(starts, ends, PayRules(night=NightWindow(start=time(21), end=time(6)))).tolist() == [9, 9, 9, 0]
    assert holiday_hours_of([], []).tolist() == [] and night_hours_of([], []).tolist() == []
    with pytest.raises(RuleError, match="ends before it starts"):
        holiday_hours_of(starts[:2], [ends[0], starts[1] - timedelta(hours=1)])
