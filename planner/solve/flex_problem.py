"""A flexible-schedule problem (гибкий график): who, what they allow, what they wish, what is wanted.

The per-person engine (`planner.solve.flex_model`) plans people one by one: each has a
`constraints.flex.FlexContract`, soft wishes, and all of them together meet a coverage
requirement. This module holds the problem as plain frozen data, its dense numpy form
(`FlexIndex`, built once) and the engine's own objective of an assignment, which the search
uses to accept or reject a move.

Coverage is a *mode*: today `DayShiftCover` (a wanted count per day and shift with a weight per
person short and per person over, as in the public rostering benchmark). Rota's hourly coverage
(a price per missing agent-hour) will be a second mode with its own arrays here and its own
terms in the model; `COVER_MODES` names the modes the engine knows.

An assignment is an int array A[person, day]: the index of the shift worked, or -1 for a day off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from constraints.flex import FlexContract, ShiftType, weekends

OFF = -1
NO_LIMIT = 10**9


@dataclass(frozen=True)
class ShiftWish:
    """A soft wish. `on`: wants this shift that day (weight paid if not granted);
    not `on`: does not want it (weight paid if granted)."""

    person: str
    day: int
    shift: str
    weight: int
    on: bool


@dataclass(frozen=True)
class CoverNeed:
    """Wanted number of people on one shift of one day, and the price per person short and over."""

    day: int
    shift: str
    wanted: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class DayShiftCover:
    """Coverage mode 1: a wanted count per (day, shift). Cells not listed cost nothing."""

    needs: tuple[CoverNeed, ...]


COVER_MODES = (DayShiftCover,)


@dataclass(frozen=True)
class FlexProblem:
    """Everything the engine needs. Day 0 is `first_weekday` (0 = Monday)."""

    horizon_days: int
    shift_types: tuple[ShiftType, ...]
    contracts: tuple[FlexContract, ...]
    cover: DayShiftCover
    wishes: tuple[ShiftWish, ...] = ()
    first_weekday: int = 0


@dataclass(frozen=True)
class FlexIndex:
    """The problem as dense arrays (P people, D days, S shifts), built once for every model."""

    people: tuple[str, ...]
    shifts: tuple[str, ...]
    days: int
    minutes: np.ndarray          # [S]
    may: np.ndarray              # [P, D, S] bool: the contract allows this shift on this day
    cap: np.ndarray              # [P, S] most shifts of each type
    min_minutes: np.ndarray      # [P]
    max_minutes: np.ndarray      # [P]
    max_run: np.ndarray          # [P] most consecutive working days
    min_run: np.ndarray          # [P] least consecutive working days (edge runs exempt)
    min_off: np.ndarray          # [P] least consecutive days off (edge runs exempt)
    max_weekends: np.ndarray     # [P]
    forbid: np.ndarray           # [S, S] bool: shift t may not follow shift s the next day
    weekend_groups: tuple[tuple[int, ...], ...]
    wish: np.ndarray             # [P, D, S] int: cost added when that shift is worked
    wish_const: int              # cost of every on-wish, paid unless granted (taken back by wish)
    wanted: np.ndarray           # [D, S]
    under: np.ndarray            # [D, S] weight per person short
    over: np.ndarray             # [D, S] weight per person over

    @property
    def size(self) -> tuple[int, int, int]:
        return len(self.people), self.days, len(self.shifts)


def build_index(problem: FlexProblem) -> FlexIndex:
    """Dense arrays of a problem; an unknown person or shift in the wishes or cover is an error."""
    if not isinstance(problem.cover, COVER_MODES):
        raise TypeError(f"unknown coverage mode {type(problem.cover).__name__}")
    people = tuple(c.person for c in problem.contracts)
    shifts = tuple(s.id for s in problem.shift_types)
    pi = {p: i for i, p in enumerate(people)}
    si = {s: i for i, s in enumerate(shifts)}
    P, D, S = len(people), problem.horizon_days, len(shifts)
    if len(pi) < P or len(si) < S:
        raise ValueError("people and shift ids must be unique")

    may = np.zeros((P, D, S), dtype=bool)
    cap = np.full((P, S), NO_LIMIT, dtype=np.int64)
    for p, c in enumerate(problem.contracts):
        for s, sid in enumerate(shifts):
            may[p, :, s] = c.may_work(sid)
            cap[p, s] = c.max_of_type.get(sid, NO_LIMIT)
        off = [d for d in c.unavailable if 0 <= d < D]
        may[p, off, :] = False

    def col(f) -> np.ndarray:
        return np.array([f(c) for c in problem.contracts], dtype=np.int64)

    forbid = np.zeros((S, S), dtype=bool)
    for s, st in enumerate(problem.shift_types):
        for t in st.forbidden_next:
            if t in si:
                forbid[s, si[t]] = True

    wish = np.zeros((P, D, S), dtype=np.int64)
    const = 0
    for w in problem.wishes:
        p, s = pi[w.person], si[w.shift]
        if not 0 <= w.day < D:
            raise ValueError(f"wish of {w.person} on day {w.day} is outside the horizon")
        if w.on:
            const += w.weight
            wish[p, w.day, s] -= w.weight
        else:
            wish[p, w.day, s] += w.weight

    wanted = np.zeros((D, S), dtype=np.int64)
    under = np.zeros((D, S), dtype=np.int64)
    over = np.zeros((D, S), dtype=np.int64)
    for n in problem.cover.needs:
        s = si[n.shift]
        wanted[n.day, s], under[n.day, s], over[n.day, s] = n.wanted, n.under_weight, n.over_weight

    return FlexIndex(
        people=people, shifts=shifts, days=D,
        minutes=np.array([s.minutes for s in problem.shift_types], dtype=np.int64),
        may=may, cap=cap,
        min_minutes=col(lambda c: c.min_minutes),
        max_minutes=col(lambda c: NO_LIMIT if c.max_minutes is None else c.max_minutes),
        max_run=col(lambda c: NO_LIMIT if c.max_consecutive_work is None else c.max_consecutive_work),
        min_run=col(lambda c: c.min_consecutive_work),
        min_off=col(lambda c: c.min_consecutive_off),
        max_weekends=col(lambda c: NO_LIMIT if c.max_weekends is None else c.max_weekends),
        forbid=forbid,
        weekend_groups=tuple(weekends(D, problem.first_weekday)),
        wish=wish, wish_const=const, wanted=wanted, under=under, over=over,
    )


def counts(ix: FlexIndex, A: np.ndarray) -> np.ndarray:
    """People on each shift of each day, [D, S]."""
    P, D, S = ix.size
    n = np.zeros((D, S), dtype=np.int64)
    p, d = np.nonzero(A >= 0)
    np.add.at(n, (d, A[p, d]), 1)
    return n


def cover_cost(ix: FlexIndex, n: np.ndarray) -> np.ndarray:
    """Cost of each (day, shift) cell for the counts n."""
    return ix.under * np.maximum(ix.wanted - n, 0) + ix.over * np.maximum(n - ix.wanted, 0)


def objective(ix: FlexIndex, A: np.ndarray) -> int:
    """Unmet on-wishes + granted off-wishes + the coverage cost of assignment A."""
    p, d = np.nonzero(A >= 0)
    wishes = ix.wish_const + int(ix.wish[p, d, A[p, d]].sum())
    return wishes + int(cover_cost(ix, counts(ix, A)).sum())


def to_roster(ix: FlexIndex, A: np.ndarray) -> pd.DataFrame:
    """The long roster: one row per shift worked, columns person, day, shift."""
    p, d = np.nonzero(A >= 0)
    return pd.DataFrame({"person": [ix.people[i] for i in p], "day": d.astype(int),
                         "shift": [ix.shifts[s] for s in A[p, d]]})


def from_roster(ix: FlexIndex, rows: Iterable[tuple[str, int, str]]) -> np.ndarray:
    """An assignment from (person, day, shift) rows, e.g. a published roster to start from."""
    pi = {p: i for i, p in enumerate(ix.people)}
    si = {s: i for i, s in enumerate(ix.shifts)}
    A = np.full((len(ix.people), ix.days), OFF, dtype=np.int64)
    for person, day, shift in rows:
        A[pi[person], int(day)] = si[shift]
    return A
