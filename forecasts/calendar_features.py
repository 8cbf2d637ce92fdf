"""Day labels for the forecaster: public holidays, days off and configured events.

Volume on a holiday or a sale day is not ordinary volume, so the forecaster needs to know
which past and future days are special and *which kind* of special they are: it estimates one
multiplicative effect per label from the label's past occurrences.

Holidays come from the `holidays` package (country configurable, `None` = no holidays).
For Russia the package lists the art. 112 holidays and the transferred days off. For buyers'
behaviour a transferred day off is a day off like any other, so both are *non-working* days
here (`non_working`); the two stay distinguishable (`holiday` vs `day_off`) for callers that
care, e.g. holiday pay, which must be decided from the art. 112 list only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, Iterable

import holidays
import numpy as np
import pandas as pd

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def last_friday_of_november(year: int) -> date:
    """Black Friday: the Friday after US Thanksgiving, i.e. the last Friday of November."""
    last = date(year, 11, 30)
    return last - timedelta(days=(last.weekday() - 4) % 7)


#: Built-in recurring rules for events: name -> function(year) -> the event's day that year.
RULES: dict[str, Callable[[int], date]] = {"black_friday": last_friday_of_november}


def _as_date(value: date | str) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@dataclass(frozen=True)
class Event:
    """A named special period: a sale, a campaign, an outage to remember.

    Days can be given as explicit `dates`, inclusive `ranges`, recurring `month_day`
    ("11-11" every year) or a built-in `rule` (see `RULES`, e.g. "black_friday").
    `days_before` / `days_after` label the surrounding days too (warm-up, after-sales), each
    offset with its own label, because a day before a sale behaves differently from the sale.
    `uplift` is the multiplicative effect to assume while history holds no past occurrence.
    """

    name: str
    dates: tuple[date, ...] = ()
    month_day: tuple[str, ...] = ()
    ranges: tuple[tuple[date, date], ...] = ()
    rule: str | None = None
    days_before: int = 0
    days_after: int = 0
    uplift: float | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("an event needs a name")
        month_day = (self.month_day,) if isinstance(self.month_day, str) else tuple(self.month_day)
        object.__setattr__(self, "dates", tuple(_as_date(d) for d in self.dates))
        object.__setattr__(self, "month_day", month_day)
        object.__setattr__(
            self, "ranges", tuple((_as_date(a), _as_date(b)) for a, b in self.ranges)
        )
        for md in month_day:
            m = _MONTH_DAY.match(md)
            if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
                raise ValueError(f"event '{self.name}': month_day '{md}' is not MM-DD")
        for a, b in self.ranges:
            if b < a:
                raise ValueError(f"event '{self.name}': range {a}..{b} ends before it starts")
        if self.rule is not None and self.rule not in RULES:
            raise ValueError(f"event '{self.name}': unknown rule '{self.rule}' (known: {', '.join(RULES)})")
        if self.days_before < 0 or self.days_after < 0:
            raise ValueError(f"event '{self.name}': days_before/days_after must be >= 0")
        if self.uplift is not None and self.uplift < 0:
            raise ValueError(f"event '{self.name}': uplift must be >= 0")

    def core_days(self, start: date, end: date) -> list[date]:
        """The event's own days within [start, end] (inclusive), sorted."""
        days: set[date] = set(self.dates)
        for a, b in self.ranges:
            days.update(a + timedelta(days=i) for i in range((b - a).days + 1))
        for year in range(start.year, end.year + 1):
            for md in self.month_day:
                try:
                    days.add(date(year, int(md[:2]), int(md[3:])))
                except ValueError:  # 02-29 in a common year
                    pass
            if self.rule is not None:
                days.add(RULES[self.rule](year))
        return sorted(d for d in days if start <= d <= end)


BLACK_FRIDAY = Event("Black Friday", rule="black_friday")
SINGLES_DAY = Event("11.11", month_day=("11-11",))


@lru_cache(maxsize=256)
def _country_days(country: str, year: int) -> tuple[tuple[date, str, bool], ...]:
    """(date, name, is_transferred_day_off) for one country and year, English names."""
    try:
        probe = holidays.country_holidays(country)
    except NotImplementedError as exc:
        raise ValueError(f"holidays: country '{country}' is not supported") from exc
    language = "en_US" if "en_US" in getattr(probe, "supported_languages", ()) else None
    cal = holidays.country_holidays(country, years=year, language=language)
    label = getattr(cal, "substituted_label", None)
    prefix = cal.tr(label).split("%s")[0].strip() if label else None
    return tuple(
        (d, str(name), bool(prefix) and str(name).startswith(prefix))
        for d, name in sorted(cal.items())
    )


@dataclass(frozen=True)
class DayCalendar:
    """Which days are holidays, days off or events, for any date range.

    `country` is an ISO code understood by `holidays` ("RU" by default, None = no holidays).
    """

    country: str | None = "RU"
    events: tuple[Event, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self.events))
        if self.country is not None:
            _country_days(self.country, 2000)  # fail early on an unknown country

    def labels(self, start: date | str, end: date | str) -> pd.DataFrame:
        """One row per day from `start` to `end` inclusive (index: the day, midnight).

        Columns: `weekday` (0 = Monday), `holiday` (name, '' if none), `day_off` (a
        transferred day off), `non_working` (holiday or day off), `event` (event name with
        its offset, e.g. 'Black Friday', 'Black Friday-1', ''), and `key`: the label whose
        effect the forecaster estimates ('holiday:<name>', 'event:<name>[±k]', '' = ordinary).
        A non-working day wins over an event on the same day.
        """
        return _labels(self, _as_date(start), _as_date(end)).copy()

    def keys(self, start: date | str, end: date | str) -> np.ndarray:
        """Just the `key` column as an array of str (cheap in backtests)."""
        return _labels(self, _as_date(start), _as_date(end))["key"].to_numpy().copy()


def _labels(cal: DayCalendar, start: date, end: date) -> pd.DataFrame:
    """Labels are built for whole years and cached, so the many slightly different ranges
    of a backtest cost one slice each."""
    if end < start:
        return _year_labels(cal, start.year, start.year).iloc[0:0]
    table = _year_labels(cal, start.year, end.year)
    return table.iloc[(start - date(start.year, 1, 1)).days : (end - date(start.year, 1, 1)).days + 1]


@lru_cache(maxsize=256)
def _year_labels(cal: DayCalendar, first_year: int, last_year: int) -> pd.DataFrame:
    start, end = date(first_year, 1, 1), date(last_year, 12, 31)
    days = pd.date_range(start, end, freq="D")
    n = len(days)
    holiday = np.full(n, "", dtype=object)
    day_off = np.zeros(n, dtype=bool)
    if cal.country is not None and n:
        pos = {d.date(): i for i, d in enumerate(days)}
        for year in range(start.year, end.year + 1):
            for d, name, transferred in _country_days(cal.country, year):
                i = pos.get(d)
                if i is None:
                    continue
                if transferred:
                    day_off[i] = True
                else:
                    holiday[i] = name
    event = np.full(n, "", dtype=object)
    for ev in cal.events:
        # each labelled day takes the offset to its nearest core day (a range's edges)
        best = np.full(n, np.inf)
        for core in ev.core_days(start - timedelta(days=ev.days_after), end + timedelta(days=ev.days_before)):
            for offset in range(-ev.days_before, ev.days_after + 1):
                i = (core + timedelta(days=offset) - start).days
                if 0 <= i < n and not (event[i] and np.isinf(best[i])) and abs(offset) < best[i]:
                    best[i] = abs(offset)
                    event[i] = ev.name if offset == 0 else f"{ev.name}{offset:+d}"
    non_working = day_off | (holiday != "")
    key = np.full(n, "", dtype=object)
    for i in range(n):
        if holiday[i]:
            key[i] = "holiday:" + _base_name(holiday[i])
        elif day_off[i]:
            key[i] = "holiday:day off"
        elif event[i]:
            key[i] = "event:" + event[i]
    return pd.DataFrame(
        {
            "weekday": days.day_of_week.to_numpy(),
            "holiday": holiday,
            "day_off": day_off,
            "non_working": non_working,
            "event": event,
            "key": key,
        },
        index=days,
    )


def _base_name(name: str) -> str:
    """'Victory Day (observed)' and 'Victory Day' are the same holiday for volume purposes."""
    return re.sub(r"\s*\((observed|estimated)\)\s*$", "", name).strip()


def event_uplifts(events: Iterable[Event]) -> dict[str, float]:
    """Prior effects for event keys (used while history has no past occurrence)."""
    out: dict[str, float] = {}
    for ev in events:
        if ev.uplift is not None:
            out["event:" + ev.name] = float(ev.uplift)
    return out
