"""Flexible schedules (гибкий график): one person's contract and the checker of a per-person roster.

A part-timer on a flexible schedule says when they can work and how much; every such person is
unique, so they are planned one by one (`planner.solve.flex_model`), not as a class on lines.
This module holds the facts of the world for them and the proof that a roster keeps them:

- `ShiftType`: a shift's id, length, optional start and the shifts that may not follow it the
  next day;
- `FlexContract`: what one person allows (shift types and how many of each, least and most
  minutes, run lengths of work and rest, weekends, days they cannot work, and single shifts
  they cannot work on a given day: outside the hours they said they can work that day);
- `flex_violations`: every hard rule as one small named function over the roster.

The checker reads only the roster and the contracts, never the optimiser, so it cannot inherit
the model's mistakes. Runs follow the public rostering benchmark (Curtois & Qu): a run of working
days or of days off that touches the first or the last day of the horizon is exempt from the
minimum-length rules, since it may continue outside the horizon we can see. Maximum-length rules
have no such exemption: what is seen inside the horizon is already too long.

Day indexes start at 0; `first_weekday` is the weekday of day 0 (0 = Monday), so day d is a
Saturday when (first_weekday + d) % 7 == 5. A weekend is worked if its Saturday or Sunday is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from constraints.pay import DEFAULT_RULES, PayRules, night_hours_of

ROSTER_COLUMNS = ("person", "day", "shift")
SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift. `start_min` (minutes from midnight) is optional: the benchmark has none,
    rota's hourly coverage and daily-rest rules will need it."""

    id: str
    minutes: int
    forbidden_next: frozenset[str] = frozenset()
    start_min: int | None = None


@dataclass(frozen=True)
class FlexContract:
    """What one flexible person agreed to, over the whole horizon. None means no limit."""

    person: str
    allowed: frozenset[str]
    max_of_type: Mapping[str, int] = field(default_factory=dict)
    min_minutes: int = 0
    max_minutes: int | None = None
    max_consecutive_work: int | None = None
    min_consecutive_work: int = 1
    min_consecutive_off: int = 1
    max_weekends: int | None = None
    unavailable: frozenset[int] = frozenset()
    unavailable_shifts: frozenset[tuple[int, str]] = frozenset()   # (day, shift): one `allowed` set per
    # person cannot say "mornings on Mondays only", so a day's own exclusions are listed here
    off_pair_every: int | None = None   # two days off in a row in every so many consecutive days
    # of the horizon (rota's weekly rest, art. 110: 7; two free calendar days are 48 h, less what a
    # night shift before them runs past midnight)

    def may_work(self, shift: str) -> bool:
        """Allowed and not capped at zero shifts of that type."""
        return shift in self.allowed and self.max_of_type.get(shift, 1) > 0

    def may_work_on(self, day: int, shift: str) -> bool:
        """`may_work`, on a day they can work, and not a shift excluded that day."""
        return self.may_work(shift) and day not in self.unavailable and (day, shift) not in self.unavailable_shifts


@dataclass(frozen=True)
class FlexViolation:
    """One broken rule: its name, whose, on which day (None when it is about the whole horizon)."""

    rule: str
    person: str
    day: int | None
    detail: str


@dataclass(frozen=True)
class _Facts:
    """The roster prepared once for every rule: each person's shifts per day."""

    contracts: Mapping[str, FlexContract]
    shifts: Mapping[str, ShiftType]
    days: Mapping[str, Mapping[int, tuple[str, ...]]]   # person -> day -> shifts that day
    horizon: int
    first_weekday: int

    def worked(self, person: str) -> list[bool]:
        mine = self.days.get(person, {})
        return [bool(mine.get(d)) for d in range(self.horizon)]


def weekday(day: int, first_weekday: int) -> int:
    """0 = Monday ... 6 = Sunday."""
    return (first_weekday + day) % 7


def weekends(horizon: int, first_weekday: int) -> list[tuple[int, ...]]:
    """The Saturday and Sunday days of each weekend that touches the horizon (one or two days)."""
    groups: dict[int, list[int]] = {}
    for d in range(horizon):
        if weekday(d, first_weekday) in (SATURDAY, SUNDAY):
            groups.setdefault((first_weekday + d) // 7, []).append(d)
    return [tuple(days) for _, days in sorted(groups.items())]


def runs(flags: list[bool], value: bool) -> list[tuple[int, int]]:
    """(first day, length) of every maximal run of `value` in flags."""
    out: list[tuple[int, int]] = []
    start = None
    for d, f in enumerate([*flags, not value]):
        if f == value and start is None:
            start = d
        elif f != value and start is not None:
            out.append((start, d - start))
            start = None
    return out


# ----------------------------------------------------------------------------- rules


def _roster_shape(f: _Facts) -> Iterable[FlexViolation]:
    for person, mine in f.days.items():
        if person not in f.contracts:
            yield FlexViolation("unknown_person", person, None, "no contract for this person")
        for d, shifts in mine.items():
            if not 0 <= d < f.horizon:
                yield FlexViolation("outside_horizon", person, d, f"day {d} is not in 0..{f.horizon - 1}")
            if len(shifts) > 1:
                yield FlexViolation("one_shift_a_day", person, d, f"{len(shifts)} shifts: {', '.join(shifts)}")
            for s in shifts:
                if s not in f.shifts:
                    yield FlexViolation("unknown_shift", person, d, f"shift {s!r} is not a shift type")


def _allowed_shift(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        for d, shifts in f.days.get(person, {}).items():
            for s in shifts:
                if s in f.shifts and not c.may_work(s):
                    yield FlexViolation("shift_not_allowed", person, d, f"{s} is not in the contract")


def _max_of_type(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        counts: dict[str, int] = {}
        for shifts in f.days.get(person, {}).values():
            for s in shifts:
                counts[s] = counts.get(s, 0) + 1
        for s, n in sorted(counts.items()):
            cap = c.max_of_type.get(s)
            if cap is not None and cap > 0 and n > cap:
                yield FlexViolation("max_of_type", person, None, f"{n} shifts {s}, at most {cap}")


def _unavailable(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        for d, shifts in f.days.get(person, {}).items():
            if shifts and d in c.unavailable:
                yield FlexViolation("unavailable_day", person, d, "works on a day they cannot work")


def _unavailable_shift(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        for d, shifts in f.days.get(person, {}).items():
            for s in shifts:
                if (d, s) in c.unavailable_shifts:
                    yield FlexViolation("unavailable_shift", person, d, f"{s} is outside the hours they can work that day")


def _succession(f: _Facts) -> Iterable[FlexViolation]:
    for person, mine in f.days.items():
        for d, shifts in mine.items():
            for s in shifts:
                banned = f.shifts[s].forbidden_next if s in f.shifts else frozenset()
                for t in mine.get(d + 1, ()):
                    if t in banned:
                        yield FlexViolation("forbidden_succession", person, d + 1, f"{t} may not follow {s}")


def _minutes(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        total = sum(f.shifts[s].minutes for shifts in f.days.get(person, {}).values()
                    for s in shifts if s in f.shifts)
        if c.max_minutes is not None and total > c.max_minutes:
            yield FlexViolation("max_minutes", person, None, f"{total} min, at most {c.max_minutes}")
        if total < c.min_minutes:
            yield FlexViolation("min_minutes", person, None, f"{total} min, at least {c.min_minutes}")


def _consecutive_work(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        for start, n in runs(f.worked(person), True):
            if c.max_consecutive_work is not None and n > c.max_consecutive_work:
                yield FlexViolation("max_consecutive_work", person, start,
                                    f"{n} working days in a row, at most {c.max_consecutive_work}")
            if n < c.min_consecutive_work and start > 0 and start + n < f.horizon:
                yield FlexViolation("min_consecutive_work", person, start,
                                    f"{n} working days in a row, at least {c.min_consecutive_work}")


def _consecutive_off(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        for start, n in runs(f.worked(person), False):
            if n < c.min_consecutive_off and start > 0 and start + n < f.horizon:
                yield FlexViolation("min_consecutive_off", person, start,
                                    f"{n} days off in a row, at least {c.min_consecutive_off}")


def _off_pairs(f: _Facts) -> Iterable[FlexViolation]:
    for person, c in f.contracts.items():
        n = c.off_pair_every
        if n is None or n > f.horizon:
            continue
        worked = f.worked(person)
        pair = [not worked[d] and not worked[d + 1] for d in range(f.horizon - 1)]
        for a in range(f.horizon - n + 1):
            if not any(pair[a:a + n - 1]):
                yield FlexViolation("off_pair", person, a, f"no two days off in a row in the {n} days from day {a}")
                break


def _weekends(f: _Facts) -> Iterable[FlexViolation]:
    groups = weekends(f.horizon, f.first_weekday)
    for person, c in f.contracts.items():
        if c.max_weekends is None:
            continue
        worked = f.worked(person)
        n = sum(any(worked[d] for d in g) for g in groups)
        if n > c.max_weekends:
            yield FlexViolation("max_weekends", person, None, f"{n} weekends worked, at most {c.max_weekends}")


# ----------------------------------------------------------------------------- rota's own rules
# Shift types with a start time carry the labour rules that are about single shifts as data, so
# the model and the checker above keep them without a rule of their own.

DAY_MIN = 24 * 60


def with_daily_rest(shift_types: Iterable[ShiftType], min_rest_h: float) -> tuple[ShiftType, ...]:
    """The shift types with every next-day shift that would start less than `min_rest_h` hours after
    one ends added to its `forbidden_next` (the daily rest between shifts, `labour.min_daily_rest_h`;
    a shift belongs to the day it starts, so a night shift ends on the next calendar day). Types
    without a start time are left as they are."""
    types = tuple(shift_types)
    out = []
    for a in types:
        if a.start_min is None:
            out.append(a)
            continue
        end = a.start_min + a.minutes
        short = {b.id for b in types if b.start_min is not None and DAY_MIN + b.start_min - end < min_rest_h * 60}
        out.append(ShiftType(a.id, a.minutes, frozenset(a.forbidden_next | short), a.start_min))
    return tuple(out)


def night_shifts(shift_types: Iterable[ShiftType], rules: PayRules = DEFAULT_RULES) -> frozenset[str]:
    """The ids of the shift types that hold any night hour (art. 96: 22:00-06:00 by default), which
    a person who may not work nights (`night_ok` false) may not be given."""
    day = datetime(2026, 1, 5)
    timed = [t for t in shift_types if t.start_min is not None]
    starts = [day + timedelta(minutes=t.start_min) for t in timed]
    night = night_hours_of(starts, [s + timedelta(minutes=t.minutes) for s, t in zip(starts, timed)], rules)
    return frozenset(t.id for t, h in zip(timed, night) if h > 0)


#: Every hard rule, by name. Rules about single shifts come as data (`with_daily_rest`,
#: `night_shifts` for a contract's `allowed`); weekly rest (art. 110) and nights in a row are
#: still to come.
RULES: dict[str, Callable[[_Facts], Iterable[FlexViolation]]] = {
    "roster_shape": _roster_shape,
    "shift_not_allowed": _allowed_shift,
    "max_of_type": _max_of_type,
    "unavailable_day": _unavailable,
    "unavailable_shift": _unavailable_shift,
    "forbidden_succession": _succession,
    "minutes": _minutes,
    "consecutive_work": _consecutive_work,
    "consecutive_off": _consecutive_off,
    "max_weekends": _weekends,
    "off_pair": _off_pairs,
}


def flex_violations(contracts: Iterable[FlexContract], shift_types: Iterable[ShiftType],
                    roster: pd.DataFrame, horizon_days: int, first_weekday: int = 0) -> list[FlexViolation]:
    """Every hard rule the roster breaks (an empty list when it keeps them all).

    `roster` is long: one row per assigned shift, columns `person, day, shift`. People with a
    contract and no row are checked too (they work nothing: the minimum minutes may fail).
    """
    missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
    if missing:
        raise ValueError(f"roster has no column {', '.join(missing)}")
    days: dict[str, dict[int, tuple[str, ...]]] = {}
    for person, day, shift in roster[list(ROSTER_COLUMNS)].itertuples(index=False):
        mine = days.setdefault(str(person), {})
        mine[int(day)] = (*mine.get(int(day), ()), str(shift))
    facts = _Facts(contracts={c.person: c for c in contracts}, shifts={s.id: s for s in shift_types},
                   days=days, horizon=horizon_days, first_weekday=first_weekday)
    return [v for rule in RULES.values() for v in rule(facts)]
