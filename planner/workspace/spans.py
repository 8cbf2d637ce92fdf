"""The days a rota covers, and whether a set of rotas hands over to a plan without a gap.

A plan carries over from the rotas before it (`--previous`): phases, rest, fairness. Every day
between them must be in one of those rotas, else a day nobody listed reads as everyone's day
off and the phases carried over are wrong. A rota file lists only shifts, so its last shift's day
is a lower bound of where it ends; the plan that wrote it knows its horizon (summary.json, the
workbook's properties: `planner.workspace.previous.rota_horizon`), which is used when known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from common.errors import InputError

DAY = timedelta(days=1)


@dataclass(frozen=True)
class RotaSpan:
    """The days [first, last] of one rota file. `exact`: `last` is the horizon of the plan that
    wrote it; else it is the rota's last shift's day, and the rota may go on with days off."""

    file: str
    first: date
    last: date
    exact: bool = True


def first_day(shifts: pd.DataFrame) -> date | None:
    """The first day a rota covers: its earliest shift's day, or the day after when every shift
    of that day runs past midnight (the night begun on the eve of the rota's first day, which a
    rota without a previous one lists; the eve's day shifts are not in the file). A first day
    with nothing but nights is taken for such an eve, which only tells less."""
    if shifts.empty:
        return None
    d0 = shifts["date"].min()
    on_d0 = shifts[shifts["date"] == d0]
    next_day = d0 + pd.Timedelta(days=1)
    if (on_d0["end"] > next_day).all() and (shifts["date"] > d0).any():
        return next_day.date()
    return d0.date()


def rota_span(file: str, shifts: pd.DataFrame, horizon: tuple[date, int] | None = None) -> RotaSpan:
    """The days a rota file covers: the plan's horizon (start, days) when it is known and its shifts
    fall inside it (the eve's nights allowed), else from the shifts themselves."""
    days = shifts["date"].dt.date if not shifts.empty else pd.Series(dtype=object)
    if horizon is not None:
        start, n = horizon
        last = start + timedelta(days=n - 1)
        if days.empty or (days.min() >= start - DAY and days.max() <= last):
            return RotaSpan(file, start, last)
    first = first_day(shifts)
    if first is None:
        raise InputError("the rota lists no shift, so nothing tells which days it covers", file=file)
    return RotaSpan(file, first, days.max(), exact=False)


def _days(first: date, last: date) -> str:
    return f"{first}" if first == last else f"{first} to {last}"


def _is(first: date, last: date) -> str:
    return "is" if first == last else "are"


def holes(spans: Sequence[RotaSpan]) -> list[tuple[RotaSpan, RotaSpan]]:
    """Pairs of rotas (earlier, later) with days between them that neither of the set covers."""
    out = []
    reach = None
    for s in sorted(spans, key=lambda s: (s.first, s.last)):
        if reach is not None and s.first > reach.last + DAY:
            out.append((reach, s))
        if reach is None or s.last > reach.last:
            reach = s
    return out


def check_reaches(spans: Sequence[RotaSpan], start: date, *, option: str = "--previous") -> None:
    """Refuse a set of rotas that leaves a day out between its first day and the plan's `start`
    (InputError naming the days, what to give, and the rota concerned), or a rota that has no day
    before `start` (it is no rota before the plan). A rota that goes on past `start` is fine here:
    `past_start` says what becomes of its later days."""
    for s in spans:
        if s.first >= start:
            raise InputError(f"this rota starts on {s.first}, not before the plan's first day {start}: {option} "
                             "takes the rota of the days before the plan", file=s.file)
    for a, b in holes(spans):
        lo, hi = a.last + DAY, b.first - DAY
        raise InputError(f"the {option} rotas leave out {_days(lo, hi)}: {a.file} ends on {a.last}"
                         f"{'' if a.exact else ' (its last shift)'} and {b.file} starts on {b.first}; give the rota "
                         f"of {'that day' if lo == hi else 'those days'} as another {option}")
    last = max(spans, key=lambda s: s.last)
    if last.last + DAY >= start:
        return
    lo, hi = last.last + DAY, start - DAY
    said = (f"the previous rota ends on {last.last}" if last.exact else
            f"the previous rota's last shift is on {last.last} (nothing beside it says where it ends: its results "
            "folder's summary.json would)")
    raise InputError(f"{said} and the plan starts on {start}: {_days(lo, hi)} {_is(lo, hi)} in neither; give the "
                     f"rota of {'that day' if lo == hi else 'those days'} as another {option}, or start on {lo}",
                     file=last.file)


def past_start(spans: Sequence[RotaSpan], start: date) -> list[str]:
    """A warning for each rota that goes on past the plan's first day: only its shifts that begin
    before `start` are carried over, and the plan replaces the rest."""
    return [f"{s.file} runs until {s.last}, past the plan's first day {start}: only its shifts that begin before "
            f"{start} are carried over and this plan replaces the days from {start} (art. 103: changing a "
            "published schedule needs the workers' agreement)" for s in spans if s.last >= start]
