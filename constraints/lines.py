"""Lines: the legal ways to work a pattern over a planning horizon.

A line fixes a pattern's variant, the phase of its cycle on the horizon's first day and one start
time per shift template, so it is a complete, stable rota for one agent. Where no such line keeps
the rest rules (a daily rest above 12 h leaves no room between 12-hour shifts on consecutive days
that all start at the same hour), `generate_lines(..., sliding=True)` gives the lines whose start
times move within the cycle instead: one start per work day of the cycle (07:00, then 09:00),
the same in every repetition of the cycle. The optimiser only
chooses how many agents of each class work each line and never sees a single shift, so every
rule that concerns one agent's sequence of shifts is settled here, once: a line is generated
only if its cycle, repeated for ever, keeps the labour rules (`LINE_RULES`: rest between shifts,
weekly rest, shift length, nights in a row, no night for agents who may not work one). Each
carries the name of the rule checker's rule it anticipates; the checker verifies the result
independently.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from types import MappingProxyType

import numpy as np

from constraints.labour import LabourRules, in_a_row
from constraints.night import NightWindow, is_night_shift
from constraints.patterns import Pattern, PatternBook, ShiftTemplate, Variant

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class PlannedShift:
    """One shift of a line; it belongs to the day it starts on, even when it ends the next day."""

    day: date
    start: datetime          # naive site-local
    end: datetime
    template: str
    break_h: float

    @property
    def on_site_h(self) -> float:
        return (self.end - self.start) / HOUR

    @property
    def paid_h(self) -> float:
        return self.on_site_h - self.break_h


@dataclass(frozen=True)
class Line:
    """One way to work a pattern over the horizon: the same for every agent put on it."""

    key: str                 # stable and readable, e.g. "2/2 day-night p1 08:00/20:00"
    pattern: str
    variant: str
    phase: int               # cycle day index of the horizon's first day
    starts: Mapping[str, time]            # start per template the line's shifts use (the first
                                          # one of the cycle when they slide, see cycle_starts)
    shifts: tuple[PlannedShift, ...]      # every shift overlapping the horizon, in order
    cycle_starts: tuple[time | None, ...] = ()   # sliding lines only: the start of each cycle day
    days_off: tuple[date, ...] = ()       # work days of the cycle given off to keep within the norm

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", MappingProxyType(dict(self.starts)))

    def __hash__(self) -> int:
        return hash((self.key, self.shifts))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return (self.key, self.pattern, self.variant, self.phase, dict(self.starts), self.shifts,
                self.cycle_starts, self.days_off) == (other.key, other.pattern, other.variant, other.phase,
                                                      dict(other.starts), other.shifts, other.cycle_starts,
                                                      other.days_off)

    @property
    def paid_h(self) -> float:
        """Paid hours of all the line's shifts (the one begun before the horizon included)."""
        return sum(s.paid_h for s in self.shifts)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def phase_on(pattern: Pattern, cycle_start: date, day: date) -> int:
    """Cycle day index of `day` for an agent whose cycle (day index 0) began on `cycle_start`."""
    return (_as_date(day) - _as_date(cycle_start)).days % pattern.cycle_length


def _hours(t: time) -> float:
    return t.hour + t.minute / 60


def _cycle_shifts(variant: Variant, at: Sequence[time | None], templates: Mapping[str, ShiftTemplate],
                  phase: int, first: int, last: int) -> list[tuple[int, float, float, str]]:
    """(day offset, start hour, end hour, template) of the cycle repeated over offsets [first, last).

    `at` is the start time of each cycle day (None on a day off). Hours count from midnight of
    the horizon's first day (offset 0).
    """
    n = len(variant.cycle)
    out = []
    for k in range(first, last):
        i = (phase + k) % n
        name = variant.cycle[i]
        if name is not None:
            a = 24.0 * k + _hours(at[i])
            out.append((k, a, a + templates[name].length_h, name))
    return out


def _rest_ok(variant: Variant, at: Sequence[time | None], templates: Mapping[str, ShiftTemplate],
             rules: LabourRules, i: int) -> bool:
    """Whether the shift of cycle day i, if any, leaves the daily rest after the previous cycle
    day's shift, if any (day i - 1, or the cycle's last day before day 0)."""
    j = (i - 1) % len(variant.cycle)
    prev, name = variant.cycle[j], variant.cycle[i]
    if prev is None or name is None:
        return True
    gap = 24.0 + _hours(at[i]) - _hours(at[j]) - templates[prev].length_h
    return gap > 0 and gap >= rules.min_daily_rest_h


def _sliding_starts(variant: Variant, stable: list[tuple[time | None, ...]],
                    templates: Mapping[str, ShiftTemplate], rules: LabourRules) -> list[tuple[time | None, ...]]:
    """Start times per cycle day that change within the cycle, for a variant whose stable start
    times (`stable`, one per template) cannot keep the daily rest between its work days next to
    each other; none when one of those can (then sliding is not what the variant lacks)."""
    n = len(variant.cycle)
    if any(all(_rest_ok(variant, at, templates, rules, i) for i in range(n)) for at in stable):
        return []
    out: list[tuple[time | None, ...]] = []

    def extend(prefix: list[time | None]) -> None:
        i = len(prefix)
        if i == n:
            if _rest_ok(variant, prefix, templates, rules, 0):
                out.append(tuple(prefix))
            return
        name = variant.cycle[i]
        for a in ([None] if name is None else templates[name].starts):
            if i == 0 or _rest_ok(variant, prefix + [a], templates, rules, i):
                extend(prefix + [a])

    extend([])
    return out


class _Cycle:
    """What the line rules read of one candidate line: its cycle's shifts repeated well beyond
    the horizon on both sides, the rests between them, and the shifts the horizon lists."""

    def __init__(self, variant: Variant, at: Sequence[time | None], templates: Mapping[str, ShiftTemplate],
                 days: int, phase: int, rules: LabourRules, night_ok: bool,
                 horizon: Sequence[tuple[int, float, float, str]]) -> None:
        self.variant, self.at, self.templates = variant, at, templates
        self.days, self.phase, self.rules, self.night_ok = days, phase, rules, night_ok
        self.horizon = horizon
        self.night: NightWindow = rules.night

    @cached_property
    def shifts(self) -> list[tuple[int, float, float, str]]:
        """(day offset, start hour, end hour, template) far enough out that no rest is open-ended."""
        margin = 7 + len(self.variant.cycle) + 2        # a week's edge plus one whole rest beyond it
        return _cycle_shifts(self.variant, self.at, self.templates, self.phase, -margin, self.days + margin)

    @cached_property
    def rests(self) -> list[tuple[float, float]]:
        """(end of a shift, start of the next) in hours; negative or zero where they touch."""
        s = self.shifts
        return [(s[i][2], s[i + 1][1]) for i in range(len(s) - 1)]


def _keeps_night_ok(c: _Cycle) -> bool:
    """No hour of the horizon's shifts at night, for agents who may not work at night."""
    return c.night_ok or not any(c.night.hours(a, b) > 0 for _, a, b, _ in c.horizon)


def _keeps_shift_length(c: _Cycle) -> bool:
    """No shift longer on site than `max_shift_h`."""
    return all(b - a <= c.rules.max_shift_h for _, a, b, _ in c.shifts)


def _keeps_apart(c: _Cycle) -> bool:
    """No shift starting before the previous one ends."""
    return all(b - a >= 0 for a, b in c.rests)


def _keeps_back_to_back(c: _Cycle) -> bool:
    """No shift after a rest shorter than the shift before it (two shifts in a row, art. 103;
    `constraints.labour.in_a_row`, as the checker reads it)."""
    s = c.shifts
    return not any(in_a_row(s[i + 1][1] - s[i][2], s[i][2] - s[i][1]) for i in range(len(s) - 1))


def _keeps_daily_rest(c: _Cycle) -> bool:
    """At least `min_daily_rest_h` between two shifts."""
    return all(b - a >= c.rules.min_daily_rest_h for a, b in c.rests if b - a >= 0)


def _keeps_consecutive_nights(c: _Cycle) -> bool:
    """No more night shifts (half their hours at night or more) on consecutive days than
    `max_consecutive_nights`."""
    limit = c.rules.max_consecutive_nights
    if limit is None:
        return True
    run, prev = 0, None
    for k, a, b, _ in c.shifts:
        if is_night_shift(c.night.hours(a, b), b - a):
            run = run + 1 if prev == k - 1 else 1
            prev = k
            if run > limit:
                return False
    return True


def _keeps_weekly_rest(c: _Cycle) -> bool:
    """The checker's weekly rest (art. 110): every 7 days from 00:00 of a day touching the
    horizon hold a rest of at least `weekly_rest_h`, half of it inside them. Because the cycle
    is extended on both sides, no rest is open-ended here, which is stricter than the checker."""
    return _weekly_rest_in_every_window(c.rests, range(-6, c.days), c.rules.weekly_rest_h)


# What line generation enforces, under the names of the checker's rules (constraints.checker.RULES)
# that verify the same on the finished rota; checked cheapest first.
LINE_RULES: Mapping[str, Callable[[_Cycle], bool]] = MappingProxyType({
    "night_ok": _keeps_night_ok,
    "shift_length": _keeps_shift_length,
    "overlap": _keeps_apart,
    "back_to_back": _keeps_back_to_back,
    "daily_rest": _keeps_daily_rest,
    "consecutive_nights": _keeps_consecutive_nights,
    "weekly_rest": _keeps_weekly_rest,
})


def _legal(c: _Cycle) -> bool:
    """Whether the cycle, repeated before and after the horizon, keeps every rule of `LINE_RULES`."""
    return all(keeps(c) for keeps in LINE_RULES.values())


def _weekly_rest_in_every_window(rests: Sequence[tuple[float, float]], days: Iterable[int], need: float) -> bool:
    """Whether each 7 days in a row from 00:00 of day d (hours from day 0; d in `days`) hold a
    rest (a, b) of at least `need` hours with half of it inside: the checker's weekly rest."""
    long = [(a, b) for a, b in rests if b - a >= need]
    for day in days:
        lo = 24.0 * day
        if not any(min(b, lo + 168) - max(a, lo) >= need / 2 for a, b in long):
            return False
    return True


def weekly_rest_kept(shifts: Sequence[tuple[datetime, datetime]], first: date, last: date,
                     rules: LabourRules) -> bool:
    """Whether every 7 days in a row from 00:00 of a day in [first, last] hold a rest of at least
    `weekly_rest_h` with half of it inside (the weekly_rest of `LINE_RULES` and of the checker), for one
    agent's shifts (start, end) as listed; before the first and after the last, rest is open.
    Used where a line meets the previous rota, whose shifts `_legal` cannot see."""
    origin = datetime.combine(first, time())
    rests: list[tuple[float, float]] = []
    prev_end = -math.inf
    for a, b in sorted(set(shifts)):     # overlapping shifts leave no rest between them
        a_h, b_h = (a - origin) / HOUR, (b - origin) / HOUR
        if a_h > prev_end:
            rests.append((prev_end, a_h))
        prev_end = max(prev_end, b_h)
    rests.append((prev_end, math.inf))
    return _weekly_rest_in_every_window(rests, range((last - first).days + 1), rules.weekly_rest_h)


def generate_lines(
    book: PatternBook,
    pattern: str,
    start: date,
    days: int,
    *,
    phase: int | None = None,
    night_ok: bool = True,
    variants: Sequence[str] | None = None,
    rules: LabourRules | None = None,
    sliding: bool = False,
) -> list[Line]:
    """Every legal line of `pattern` over `days` days from `start`.

    phase: the cycle day index of `start` (None = every phase). night_ok=False drops lines with
    any hour in the night window. variants: restrict to these variant names. rules: the labour
    rules lines must keep (None = the defaults). Lines are ordered by variant, start times,
    phase; a start time that no shift of the horizon uses is left out of `starts` and of the key.
    sliding=True gives instead the lines whose start times change from one work day of the
    cycle to the next (key e.g. "3/3 day p0 07:00>08:00>09:00"), for the variants whose stable
    start times cannot keep the daily rest between consecutive work days; none of the stable ones.
    """
    pat = book.pattern(pattern)
    start = _as_date(start)
    if days < 1:
        raise ValueError(f"a horizon needs at least one day, got {days}")
    n = pat.cycle_length
    if phase is not None and not 0 <= phase < n:
        raise ValueError(f"phase {phase} is outside the {n}-day cycle of {pattern} (0..{n - 1})")
    rules = rules if rules is not None else LabourRules()
    chosen = pat.variants if variants is None else tuple(pat.variant(v) for v in variants)
    phases = range(n) if phase is None else (phase,)
    origin = datetime.combine(start, time())
    lines: list[Line] = []
    seen: set[str] = set()
    for variant in chosen:
        used = list(dict.fromkeys(t for t in variant.cycle if t is not None))
        combos = [tuple(None if t is None else dict(zip(used, c))[t] for t in variant.cycle)
                  for c in itertools.product(*(book.templates[t].starts for t in used))]
        if sliding:
            combos = _sliding_starts(variant, combos, book.templates, rules)
        for at in combos:
            for p in phases:
                raw = [s for s in _cycle_shifts(variant, at, book.templates, p, -1, days) if s[2] > 0]
                if sliding:
                    days_used = {(p + k) % n for k, *_ in raw}
                    times = ">".join(f"{a:%H:%M}" if i in days_used else "-"
                                     for i, a in enumerate(at) if a is not None) if raw else "off"
                    in_use = {}
                    for i, t in enumerate(variant.cycle):
                        if i in days_used:
                            in_use.setdefault(t, at[i])
                else:
                    in_use = {t: at[variant.cycle.index(t)] for t in used if any(s[3] == t for s in raw)}
                    times = "/".join(f"{a:%H:%M}" for a in in_use.values()) or "off"
                key = f"{pat.name} {variant.name} p{p} {times}"
                if key in seen or not _legal(_Cycle(variant, at, book.templates, days, p, rules, night_ok, raw)):
                    continue
                seen.add(key)
                shifts = tuple(
                    PlannedShift(start + timedelta(days=k), origin + a * HOUR, origin + b * HOUR, t,
                                 book.templates[t].break_h)
                    for k, a, b, t in raw
                )
                lines.append(Line(key, pat.name, variant.name, p, in_use, shifts, at if sliding else ()))
    return lines


def coverage_matrix(lines: Sequence[Line], start: datetime, hours: int) -> np.ndarray:
    """(n_lines, hours) uint8: 1 where the line's agent is on site in hour h after `start`.

    Shifts start and end on whole hours (templates are validated so), hence 0/1 is exact;
    `start` must lie on the hour as well.
    """
    origin = start if isinstance(start, datetime) else datetime.combine(start, time())
    rows, a, b = [], [], []
    for i, line in enumerate(lines):
        for s in line.shifts:
            rows.append(i)
            a.append((s.start - origin) / HOUR)
            b.append((s.end - origin) / HOUR)
    cov = np.zeros((len(lines), hours + 1), dtype=np.int32)
    if rows:
        lo, hi = np.asarray(a), np.asarray(b)
        if not (np.all(lo == np.round(lo)) and np.all(hi == np.round(hi))):
            raise ValueError("coverage is hourly: shifts and the grid start must lie on the hour")
        lo = np.clip(lo, 0, hours).astype(np.int64)
        hi = np.clip(hi, 0, hours).astype(np.int64)
        keep = lo < hi
        r = np.asarray(rows)[keep]
        np.add.at(cov, (r, lo[keep]), 1)
        np.add.at(cov, (r, hi[keep]), -1)
    return (np.cumsum(cov[:, :hours], axis=1) > 0).astype(np.uint8)
