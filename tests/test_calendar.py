"""The production calendar against the law's lists and the Ministry of Labour's published norms."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from constraints.calendar import (
    RU_CALENDAR,
    SHORTENED_DAYS,
    ProductionCalendar,
    calendar_year,
    shortened_by_rule,
)
from common.errors import RuleError

cal = ProductionCalendar()

# DESIGN.md §6: monthly norms of a 40-hour week, as published.
NORMS_40H = {
    2025: [136, 160, 167, 175, 144, 151, 184, 168, 176, 184, 151, 176],
    2026: [120, 152, 168, 175, 151, 167, 184, 168, 176, 176, 159, 176],
}


def art_112(year: int) -> list[date]:
    """The art. 112 list written out by hand: Jan 1-8, Feb 23, Mar 8, May 1, May 9, Jun 12, Nov 4."""
    return [date(year, 1, d) for d in range(1, 9)] + [
        date(year, 2, 23), date(year, 3, 8), date(year, 5, 1),
        date(year, 5, 9), date(year, 6, 12), date(year, 11, 4),
    ]  # fmt: skip


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("month", range(1, 13))
def test_month_norm_matches_published_table(year: int, month: int) -> None:
    assert cal.month_norm_h(year, month) == NORMS_40H[year][month - 1]


@pytest.mark.parametrize("year", [2025, 2026])
def test_year_totals(year: int) -> None:
    assert sum(cal.month_norm_h(year, m) for m in range(1, 13)) == 1972
    assert sum(cal.working_days(year, m) for m in range(1, 13)) == 247
    assert cal.norm_h(date(year, 1, 1), date(year, 12, 31)) == 1972


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_holidays_are_the_art_112_list(year: int) -> None:
    assert list(cal.holidays_between(date(year, 1, 1), date(year, 12, 31))) == art_112(year)
    for d in art_112(year):
        assert cal.is_holiday(d) and not cal.is_working_day(d)


@pytest.mark.parametrize(
    "d",
    [
        date(2025, 5, 2), date(2025, 5, 8), date(2025, 6, 13), date(2025, 11, 3), date(2025, 12, 31),
        date(2026, 1, 9), date(2026, 12, 31),
        date(2026, 3, 9), date(2026, 5, 11),  # art. 112 part 2: a weekend holiday moves the day off
    ],
)  # fmt: skip
def test_transferred_days_off_are_not_holidays(d: date) -> None:
    assert not cal.is_holiday(d)
    assert cal.holiday_name(d) is None
    assert not cal.is_working_day(d)
    assert cal.day_norm_h(d) == 0


def test_working_saturday_2025_11_01_is_shortened() -> None:
    d = date(2025, 11, 1)
    assert d.weekday() == 5
    assert cal.is_working_day(d) and cal.is_shortened(d)
    assert cal.day_norm_h(d) == 7
    assert not cal.is_working_day(date(2025, 11, 2))


def test_weekends_and_ordinary_days() -> None:
    assert not cal.is_working_day(date(2025, 3, 15))  # Saturday
    assert cal.is_working_day(date(2025, 3, 17))  # Monday
    assert cal.day_norm_h(date(2025, 3, 17)) == 8


@pytest.mark.parametrize("year", [2025, 2026])
def test_shortened_days_table(year: int) -> None:
    expected = {
        2025: {date(2025, 3, 7), date(2025, 4, 30), date(2025, 6, 11), date(2025, 11, 1)},
        2026: {date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)},
    }[year]
    found = {d.date() for d in pd.date_range(f"{year}-01-01", f"{year}-12-31") if cal.is_shortened(d)}
    assert found == expected == SHORTENED_DAYS[year]
    assert all(cal.day_norm_h(d) == 7 for d in expected)


def test_rule_for_other_years_is_the_eve_of_a_holiday_or_the_saturday_swapped_with_it() -> None:
    # 2025 and 2026: the rule gives exactly the decrees' days, the working Saturday 2025-11-01
    # (swapped with Monday Nov 3, the eve of Nov 4) included.
    assert shortened_by_rule(calendar_year(2025).days_off, 2025) == SHORTENED_DAYS[2025]
    assert shortened_by_rule(calendar_year(2026).days_off, 2026) == SHORTENED_DAYS[2026]
    # 2027: eves on a working day are Fri Apr 30, Fri Jun 11, Wed Nov 3; Monday Feb 22, the eve
    # of Feb 23, is a day off swapped with Saturday Feb 20, which is shortened instead.
    found = {d.date() for d in pd.date_range("2027-01-01", "2027-12-31") if cal.is_shortened(d)}
    assert found == {date(2027, 2, 20), date(2027, 4, 30), date(2027, 6, 11), date(2027, 11, 3)}


def test_untabled_years_give_the_official_norms() -> None:
    """Issue #13: 2024 (official) November 167 h, the year 1,979 h, with Saturday 2 November
    shortened (swapped with Tuesday 30 April, the eve of May 1); 2027: February 151 h (Saturday
    20 February before 22-23 February), the year 1,972 h."""
    assert 2024 not in SHORTENED_DAYS and 2027 not in SHORTENED_DAYS
    assert cal.is_shortened(date(2024, 11, 2)) and not cal.is_shortened(date(2024, 4, 27))
    assert cal.month_norm_h(2024, 11) == 167
    assert sum(cal.month_norm_h(2024, m) for m in range(1, 13)) == 1979
    assert cal.month_norm_h(2027, 2) == 151
    assert sum(cal.month_norm_h(2027, m) for m in range(1, 13)) == 1972


@pytest.mark.parametrize(("year", "norm"), [(2019, 1970), (2020, 1979), (2021, 1972), (2022, 1973), (2023, 1973)])
def test_the_rule_gives_the_published_yearly_norms(year: int, norm: int) -> None:
    """The Ministry of Labour's yearly norms of a 40-hour week; 2021-02-20 and 2022-03-05 are
    working Saturdays swapped with an eve, shortened like 2024-11-02."""
    assert sum(cal.month_norm_h(year, m) for m in range(1, 13)) == norm


def test_reduced_weeks() -> None:
    assert cal.day_norm_h(date(2025, 3, 17), 36) == pytest.approx(7.2)
    assert cal.day_norm_h(date(2025, 3, 7), 36) == pytest.approx(6.2)
    assert cal.day_norm_h(date(2025, 3, 7), 24) == pytest.approx(3.8)
    # Published 2025 norms: 1774.4 h for a 36-hour week, 1181.6 h for a 24-hour week.
    assert cal.norm_h(date(2025, 1, 1), date(2025, 12, 31), 36) == pytest.approx(1774.4)
    assert cal.norm_h(date(2025, 1, 1), date(2025, 12, 31), 24) == pytest.approx(1181.6)


def test_norm_over_a_quarter_and_with_absences() -> None:
    assert cal.norm_h(date(2025, 1, 1), date(2025, 3, 31)) == 136 + 160 + 167
    # Vacation Mon 13 - Sun 19 January 2025: five working days of 8 h leave the norm.
    vacation = pd.date_range("2025-01-13", "2025-01-19")
    assert cal.norm_h(date(2025, 1, 1), date(2025, 1, 31), excluded_dates=vacation) == 136 - 40
    # Absent on a holiday: nothing changes. Absent on the shortened Mar 7: 7 h less.
    assert cal.norm_h(date(2025, 1, 1), date(2025, 1, 31), excluded_dates=[date(2025, 1, 3)]) == 136
    assert cal.norm_h(date(2025, 3, 1), date(2025, 3, 31), excluded_dates=[date(2025, 3, 7)]) == 167 - 7
    # Datetimes are read as their day; the range is inclusive.
    assert cal.norm_h(datetime(2025, 3, 17, 9), datetime(2025, 3, 17, 18)) == 8


def test_holiday_names() -> None:
    assert cal.holiday_name(date(2025, 1, 7)) == "Рождество Христово"
    assert cal.holiday_name(date(2025, 1, 8)) == "Новогодние каникулы"
    assert cal.holiday_name(date(2025, 6, 12)) == "День России"
    assert cal.holiday_name(date(2025, 6, 13)) is None


def test_days_frame_and_vectorised_mask_agree_with_single_days() -> None:
    frame = cal.days(date(2026, 1, 1), date(2026, 12, 31))
    assert len(frame) == 365
    assert frame["norm_h"].sum() == 1972
    assert frame["working"].sum() == 247
    assert list(frame.loc[frame["holiday"], "date"]) == art_112(2026)
    stamps = pd.date_range("2025-12-25", "2027-01-10", freq="13h")
    assert list(RU_CALENDAR.holiday_mask(stamps)) == [cal.is_holiday(t) for t in stamps]


@pytest.mark.parametrize("week", [0, -8, 41])
def test_bad_week_is_a_rule_error(week: float) -> None:
    with pytest.raises(RuleError, match="pay.hours_per_week"):
        cal.day_norm_h(date(2025, 3, 17), week)


def test_years_before_the_current_art_112_are_refused() -> None:
    with pytest.raises(RuleError, match="2013"):
        cal.is_working_day(date(2012, 5, 3))


def test_prorated_norm_of_a_whole_month_is_the_month_norm_of_the_table() -> None:
    """DESIGN.md §6: November 2026 has a 159-hour norm; spread over 30 days, a week gets 7/30 of it."""
    from constraints.calendar import RU_CALENDAR

    assert RU_CALENDAR.prorated_norm_h(date(2026, 11, 1), date(2026, 11, 30)) == pytest.approx(159.0)
    assert RU_CALENDAR.prorated_norm_h(date(2026, 11, 23), date(2026, 11, 29)) == pytest.approx(159 * 7 / 30)


def test_prorated_norm_by_quarter_and_year_adds_up_to_the_year() -> None:
    """2025 totals 1972 h (DESIGN.md §6); Q1 2025 = 136 + 160 + 167 = 463 h over 90 days."""
    from constraints.calendar import RU_CALENDAR

    assert RU_CALENDAR.prorated_norm_h(date(2025, 1, 1), date(2025, 12, 31), "quarter") == pytest.approx(1972.0)
    assert RU_CALENDAR.prorated_norm_h(date(2025, 1, 1), date(2025, 12, 31), "year") == pytest.approx(1972.0)
    assert RU_CALENDAR.prorated_norm_h(date(2025, 1, 1), date(2025, 1, 10), "quarter") == pytest.approx(463 * 10 / 90)


def test_prorated_norm_takes_off_the_norm_hours_of_the_working_days_of_an_absence() -> None:
    """Art. 104, order 588н (issue #13): March 2026 with leave 2-13 March: 168 - 72 = 96 h (nine
    working days, Mar 9 being a day off for Mar 8); January 2026 with leave 1-10 January: no
    working day inside, still 120 h; a vacation 10-16 November 2026: five working days, 159 - 40."""
    from constraints.calendar import RU_CALENDAR

    def leave(first: date, n: int) -> list[date]:
        return [first + timedelta(days=k) for k in range(n)]

    assert RU_CALENDAR.prorated_norm_h(date(2026, 3, 1), date(2026, 3, 31), excluded_dates=leave(date(2026, 3, 2), 12)) == 96
    assert RU_CALENDAR.prorated_norm_h(date(2026, 1, 1), date(2026, 1, 31), excluded_dates=leave(date(2026, 1, 1), 10)) == 120
    assert RU_CALENDAR.prorated_norm_h(date(2026, 11, 1), date(2026, 11, 30),
                                       excluded_dates=leave(date(2026, 11, 10), 7)) == pytest.approx(159 - 40)
    # part of a month: its share of the norm less the absence's working days, never below zero
    week = RU_CALENDAR.prorated_norm_h(date(2026, 11, 9), date(2026, 11, 15), excluded_dates=[date(2026, 11, 10)])
    assert week == pytest.approx(159 * 7 / 30 - 8)
    assert RU_CALENDAR.prorated_norm_h(date(2026, 11, 9), date(2026, 11, 15), excluded_dates=leave(date(2026, 11, 9), 5)) == 0


def test_unknown_accounting_period_is_refused() -> None:
    from constraints.calendar import RU_CALENDAR
    from common.errors import RuleError

    with pytest.raises(RuleError):
        RU_CALENDAR.prorated_norm_h(date(2026, 11, 1), date(2026, 11, 30), "week")
