"""The Russian production calendar: holidays, days off, shortened days and hour norms.

Three different facts live here and must not be confused:

- **Non-working holidays** (art. 112 of the Labour Code): the fixed list below. Only these
  earn double pay (art. 153). A day off *transferred* by government decree (2025-05-02,
  2026-01-09, 2026-12-31) or by art. 112 part 2 (a holiday falling on a weekend moves the day
  off, e.g. 2026-03-09) is a day off of the 5-day week but NOT a holiday: rota work on it is
  paid once. So double pay is decided from our table, never from a generic day-off calendar.
- **Days off of the 5-day week** (weekends, holidays, transfers, working Saturdays): taken from
  `holidays.RU`, which models the decrees' transfers, including working Saturdays such as
  2025-11-01. They drive the accounting norm (art. 104), not the rota: for rota staff
  Saturdays and Sundays are ordinary days.
- **Shortened pre-holiday days** (art. 95): one hour shorter. `holidays` has none, so they
  are an explicit table for the years whose decree we have checked against the published
  norms, and a rule for other years.

Every date range in this module is inclusive of both ends, as accounting periods are written
("1 January to 31 March").
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from common.errors import RuleError

#: The art. 112 list as in force since 2013: (month, day) -> official name.
ART_112_HOLIDAYS: dict[tuple[int, int], str] = {
    **{(1, d): "Новогодние каникулы" for d in (1, 2, 3, 4, 5, 6, 8)},
    (1, 7): "Рождество Христово",
    (2, 23): "День защитника Отечества",
    (3, 8): "Международный женский день",
    (5, 1): "Праздник Весны и Труда",
    (5, 9): "День Победы",
    (6, 12): "День России",
    (11, 4): "День народного единства",
}
FIRST_YEAR = 2013  # the art. 112 list above has held since 2013 (Jan 1-6 and 8)

#: Shortened pre-holiday days by decree, checked against the Ministry of Labour's norms.
#: A working Saturday can carry the shortening of the weekday it replaces (2025-11-01 stands
#: in for Monday 2025-11-03, the eve of Nov 4); `shortened_by_rule` derives that from the
#: decree's transfers and gives these very sets, which the tests hold it to.
SHORTENED_DAYS: dict[int, frozenset[date]] = {
    2025: frozenset({date(2025, 3, 7), date(2025, 4, 30), date(2025, 6, 11), date(2025, 11, 1)}),
    2026: frozenset({date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)}),
}

STANDARD_WEEK_H = 40.0  # art. 91: the normal working week


def _as_date(d: date | datetime | pd.Timestamp | str) -> date:
    if isinstance(d, str):
        d = pd.Timestamp(d)
    if isinstance(d, datetime):  # pd.Timestamp is a datetime
        return d.date()
    return d


def _check_week(hours_per_week: float) -> float:
    if not 0 < hours_per_week <= STANDARD_WEEK_H:
        raise RuleError(
            f"hours per week must be above 0 and at most {STANDARD_WEEK_H:g} (art. 91), "
            f"got {hours_per_week:g}",
            setting="pay.hours_per_week",
        )
    return float(hours_per_week)


@dataclass(frozen=True)
class CalendarYear:
    """One year's facts, built once and cached."""

    year: int
    holidays: dict[date, str]  # art. 112 holidays -> name
    days_off: frozenset[date]  # non-working days of the 5-day week
    shortened: frozenset[date]  # working days one hour shorter (art. 95)


@lru_cache(maxsize=None)
def calendar_year(year: int) -> CalendarYear:
    """Build the facts of `year` from the art. 112 table, `holidays.RU` and our shortened days."""
    if year < FIRST_YEAR:
        raise RuleError(f"the production calendar covers {FIRST_YEAR} onwards, got {year}")
    first, n_days = date(year, 1, 1), (date(year + 1, 1, 1) - date(year, 1, 1)).days
    days = [first + timedelta(i) for i in range(n_days)]
    named = {d: ART_112_HOLIDAYS[(d.month, d.day)] for d in days if (d.month, d.day) in ART_112_HOLIDAYS}
    ru = holidays.RU(years=year)
    days_off = frozenset(d for d in days if not ru.is_working_day(d)) | frozenset(named)
    if year in SHORTENED_DAYS:
        shortened = SHORTENED_DAYS[year]
        bad = sorted(d for d in shortened if d in days_off)
        if bad:  # the holidays package and our table disagree: better to stop than to guess
            raise RuleError(f"shortened day {bad[0]} is a day off in holidays {holidays.__version__}")
    else:
        shortened = shortened_by_rule(days_off, year)
    return CalendarYear(year=year, holidays=named, days_off=days_off, shortened=shortened)


def shortened_by_rule(days_off: frozenset[date], year: int) -> frozenset[date]:
    """Art. 95 as a rule, for years without a checked table: the working day right before an
    art. 112 holiday is one hour shorter, and so is a working Saturday (or Sunday) that a decree
    swapped with such an eve.

    A decree that makes the eve of a holiday a day off moves its working day to a weekend day,
    and the shortening goes with it: 2024-04-30 (eve of May 1) became a day off in exchange for
    Saturday 2024-11-02, which was worked one hour shorter (November 2024: 167 h). A swap with a
    day that is no eve shortens nothing (Saturday 2024-04-27 for Monday 04-29). The swaps are
    the `holidays` package's own transfer table (`decree_swaps`).
    """
    first = date(year, 1, 1)
    days = (first + timedelta(i) for i in range((date(year + 1, 1, 1) - first).days))
    eve = frozenset(d for d in days if d not in days_off and _is_eve(d))
    swapped = frozenset(worked for off, worked in decree_swaps(year)
                        if _is_eve(off) and worked.year == year and worked not in days_off)
    return eve | swapped


def _is_eve(d: date) -> bool:
    """Whether the next calendar day is an art. 112 holiday."""
    return _month_day(d + timedelta(1)) in ART_112_HOLIDAYS


def decree_swaps(year: int) -> list[tuple[date, date]]:
    """(day made a day off, day whose day off it took) for each transfer of `year`'s decree, as
    the `holidays` package (0.109 or later) tabulates them; the second day is a working weekend
    day when a decree swapped a weekday with it."""
    try:
        table = importlib.import_module("holidays.countries.russia").RussiaStaticHolidays
    except (ImportError, AttributeError):
        table = None
    raw = getattr(table, "special_public_holidays", None)
    if raw is None:
        raise RuleError(f"holidays {holidays.__version__} has no table of Russia's transfers, which the "
                        f"shortened days of {year} need; install holidays 0.109 or later")
    entries = raw.get(year, ())
    if entries and not isinstance(entries[0], tuple):
        entries = (entries,)
    return [(date(year, a, b), date(year, c, d)) for a, b, c, d in
            (e for e in entries if len(e) == 4 and all(isinstance(x, int) for x in e))]


class ProductionCalendar:
    """Questions about days, answered from per-year tables cached for the whole process."""

    # -- single days ---------------------------------------------------------------------
    def is_holiday(self, d: date | datetime) -> bool:
        """True on an art. 112 non-working holiday (double pay), never on a transferred day off."""
        d = _as_date(d)
        return (d.month, d.day) in ART_112_HOLIDAYS and d.year >= FIRST_YEAR

    def holiday_name(self, d: date | datetime) -> str | None:
        """Official name of the art. 112 holiday on `d`, or None."""
        d = _as_date(d)
        return ART_112_HOLIDAYS.get((d.month, d.day)) if self.is_holiday(d) else None

    def is_working_day(self, d: date | datetime) -> bool:
        """Working day of the 5-day-week calendar (the norm's calendar, not a rota's)."""
        d = _as_date(d)
        return d not in calendar_year(d.year).days_off

    def is_shortened(self, d: date | datetime) -> bool:
        """Pre-holiday working day, one hour shorter (art. 95)."""
        d = _as_date(d)
        return d in calendar_year(d.year).shortened

    def day_norm_h(self, d: date | datetime, hours_per_week: float = STANDARD_WEEK_H) -> float:
        """Norm hours of one day: week/5 on a working day, one hour less if shortened, else 0."""
        week = _check_week(hours_per_week)
        if not self.is_working_day(d):
            return 0.0
        return week / 5 - (1.0 if self.is_shortened(d) else 0.0)

    # -- ranges ----------------------------------------------------------------------------
    def holidays_between(self, start: date | datetime, end: date | datetime) -> dict[date, str]:
        """Art. 112 holidays in [start, end], both inclusive, with their names."""
        start, end = _as_date(start), _as_date(end)
        out: dict[date, str] = {}
        for year in range(start.year, end.year + 1):
            out.update({d: n for d, n in calendar_year(year).holidays.items() if start <= d <= end})
        return dict(sorted(out.items()))

    def days(self, start: date | datetime, end: date | datetime, hours_per_week: float = STANDARD_WEEK_H) -> pd.DataFrame:
        """One row per day of [start, end]: date, working, shortened, holiday, holiday_name, norm_h.

        The long-format view for timesheets and for vectorised lookups by date.
        """
        week = _check_week(hours_per_week)
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return pd.DataFrame(columns=["date", "working", "shortened", "holiday", "holiday_name", "norm_h"])
        dates = [start + timedelta(i) for i in range((end - start).days + 1)]
        working = np.array([self.is_working_day(d) for d in dates])
        shortened = np.array([self.is_shortened(d) for d in dates])
        names = [self.holiday_name(d) for d in dates]
        return pd.DataFrame(
            {
                "date": dates,
                "working": working,
                "shortened": shortened,
                "holiday": [n is not None for n in names],
                "holiday_name": names,
                "norm_h": np.where(working, week / 5 - shortened, 0.0),
            }
        )

    def working_days(self, year: int, month: int) -> int:
        """Number of working days of the 5-day-week calendar in the month."""
        return self._counts(date(year, month, 1), _month_end(year, month), ())[0]

    def month_norm_h(self, year: int, month: int, hours_per_week: float = STANDARD_WEEK_H) -> float:
        """Accounting norm of a month: week/5 x working days - shortened days."""
        return self.norm_h(date(year, month, 1), _month_end(year, month), hours_per_week)

    def norm_h(
        self,
        start: date | datetime,
        end: date | datetime,
        hours_per_week: float = STANDARD_WEEK_H,
        excluded_dates: Iterable[date | datetime] = (),
    ) -> float:
        """Accounting norm over [start, end] (inclusive), reduced by the norm of absence days.

        An absence (vacation, sick leave, training off the job) lowers the norm by exactly what
        that day's norm was, so an absence on a day off changes nothing. Counted, then
        multiplied, so 36- and 24-hour weeks do not accumulate float noise.
        """
        week = _check_week(hours_per_week)
        n_working, n_shortened = self._counts(_as_date(start), _as_date(end), excluded_dates)
        return round(week * n_working / 5 - n_shortened, 6)

    def period_norm_h(self, d: date, period: str = "month", hours_per_week: float = STANDARD_WEEK_H) -> float:
        """Norm of the accounting period (month, quarter or year; art. 104) that contains `d`."""
        months = _period_months(period)
        first = (d.month - 1) // months * months + 1
        return sum(self.month_norm_h(d.year, m, hours_per_week) for m in range(first, first + months))

    def prorated_norm_h(
        self,
        start: date | datetime,
        end: date | datetime,
        period: str = "month",
        hours_per_week: float = STANDARD_WEEK_H,
        excluded_dates: Iterable[date | datetime] = (),
    ) -> float:
        """The share of summed accounting's norm that falls on [start, end] (inclusive), less
        the norm of the absence days in it.

        Rota staff work by summed accounting (art. 104): their hours are held against the
        period's norm, not against the 5-day calendar of each week. A plan shorter than the
        period gets the period's norm spread evenly over its calendar days, so a fortnight
        over the New Year holidays is not held against the three working days it contains.
        An absence takes off what the law takes off (art. 104, order 588н): the norm hours of
        the 5-day calendar's working days inside it, none for a weekend or a holiday. Over
        whole periods this is the law's norm exactly (March 2026 with leave 2-13 March:
        168 - 72 = 96 h); over part of one it is an estimate, never below zero.
        """
        first, last = _as_date(start), _as_date(end)
        total, d = 0.0, first
        cache: dict[tuple[int, int], float] = {}
        months = _period_months(period)
        while d <= last:
            key = (d.year, (d.month - 1) // months)
            if key not in cache:
                begin = date(d.year, key[1] * months + 1, 1)
                days = (_month_end(d.year, key[1] * months + months) - begin).days + 1
                cache[key] = self.period_norm_h(d, period, hours_per_week) / days
            total += cache[key]
            d += timedelta(1)
        absent = self.absence_norm_h(first, last, excluded_dates, hours_per_week)
        return round(max(total - absent, 0.0), 6)

    def absence_norm_h(self, start: date | datetime, end: date | datetime,
                       absent: Iterable[date | datetime], hours_per_week: float = STANDARD_WEEK_H) -> float:
        """Norm hours of the working days of the 5-day calendar that are absence days inside
        [start, end]: what an absence takes off the norm (art. 104, order 588н)."""
        first, last = _as_date(start), _as_date(end)
        days = {_as_date(x) for x in absent}
        return float(sum(self.day_norm_h(d, hours_per_week) for d in days if first <= d <= last))

    def _counts(self, start: date, end: date, excluded: Iterable[date | datetime]) -> tuple[int, int]:
        """(working days, shortened days) in [start, end] outside the excluded dates."""
        skip = {_as_date(x) for x in excluded}
        n_working = n_shortened = 0
        d = start
        while d <= end:
            if d not in skip and self.is_working_day(d):
                n_working += 1
                n_shortened += self.is_shortened(d)
            d += timedelta(1)
        return n_working, n_shortened

    # -- vectorised ------------------------------------------------------------------------
    def holiday_mask(self, days: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
        """Boolean array: which of `days` (dates or timestamps) fall on an art. 112 holiday."""
        idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(days)))
        codes = idx.month * 100 + idx.day
        table = np.array([m * 100 + d for m, d in ART_112_HOLIDAYS])
        return np.isin(np.asarray(codes), table) & (np.asarray(idx.year) >= FIRST_YEAR)


def _period_months(period: str) -> int:
    """Months in an accounting period (art. 104: a month, a quarter or a year)."""
    months = {"month": 1, "quarter": 3, "year": 12}.get(period)
    if months is None:
        raise RuleError(f"unknown accounting period {period!r}: use month, quarter or year",
                        setting="pay.accounting_period")
    return months


def _month_day(d: date) -> tuple[int, int]:
    return d.month, d.day


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(1)


#: A shared instance: the calendar has no state of its own beyond the per-year cache.
RU_CALENDAR = ProductionCalendar()
