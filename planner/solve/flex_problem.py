"""A flexible-schedule problem (гибкий график): who, what they allow, what they wish, what is wanted.

The per-person engine (`planner.solve.flex_model`) plans people one by one: each has a
`constraints.flex.FlexContract`, soft wishes, and all of them together meet a coverage
requirement. This module holds the problem as plain frozen data, its dense numpy form
(`FlexIndex`, built once) and the engine's own objective of an assignment, which the search
uses to accept or reject a move.

Coverage is a *mode*: `DayShiftCover` (a wanted count per day and shift with a weight per person
short and per person over, as in the public rostering benchmark) or `HourlyCover` (rota's: agents
wanted hour by hour, the k-th missing agent of an hour priced by the caller, convex like the class
model's shortfall, and a price per surplus agent-hour; shift types then need their start).
`COVER_MODES` names the modes the engine knows. `ShiftCost` adds what working a shift costs (pay).

An assignment is an int array A[person, day]: the index of the shift worked, or -1 for a day off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class HourlyCover:
    """Coverage mode 2: agents wanted on duty in each hour from 00:00 of day 0 (`wanted[h]`; hours
    after the horizon's last day may be listed for night shifts that end there, the rest count as
    wanted 0). `short_price[h][k]` is the price of the (k+1)-th agent missing in hour h, not
    decreasing in k (convex, so the cheapest missing agents are the first ones counted); a surplus
    agent-hour costs `over_price`. A shift is on duty for whole hours from its start."""

    wanted: tuple[int, ...]
    short_price: tuple[tuple[int, ...], ...]
    over_price: int = 0

    def __post_init__(self) -> None:
        if len(self.short_price) != len(self.wanted):
            raise ValueError("short_price needs one row per hour of wanted")
        for h, (n, row) in enumerate(zip(self.wanted, self.short_price)):
            if n < 0 or len(row) < n:
                raise ValueError(f"hour {h}: wanted {n} needs a price for each of its missing agents")
            if any(b < a for a, b in zip(row, row[1:])):
                raise ValueError(f"hour {h}: the price of a further missing agent may not fall (convex)")


@dataclass(frozen=True)
class ShiftCost:
    """What it costs to have `person` work `shift` on `day` (e.g. pay with premiums), in the
    objective's units."""

    person: str
    day: int
    shift: str
    cost: int


COVER_MODES = (DayShiftCover, HourlyCover)


@dataclass(frozen=True)
class FlexProblem:
    """Everything the engine needs. Day 0 is `first_weekday` (0 = Monday)."""

    horizon_days: int
    shift_types: tuple[ShiftType, ...]
    contracts: tuple[FlexContract, ...]
    cover: DayShiftCover | HourlyCover
    wishes: tuple[ShiftWish, ...] = ()
    first_weekday: int = 0
    costs: tuple[ShiftCost, ...] = ()
    weekend_fairness: int = 0   # a person's n weekend days worked cost n² x this (spreads them fairly)


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
    off_pair: np.ndarray         # [P] two days off in a row in every so many days (NO_LIMIT: no rule)
    forbid: np.ndarray           # [S, S] bool: shift t may not follow shift s the next day
    weekend_groups: tuple[tuple[int, ...], ...]
    wish: np.ndarray             # [P, D, S] int: cost added when that shift is worked (wishes, ShiftCost)
    wish_const: int              # cost of every on-wish, paid unless granted (taken back by wish)
    wanted: np.ndarray           # [D, S]
    under: np.ndarray            # [D, S] weight per person short
    over: np.ndarray             # [D, S] weight per person over
    hourly: bool = False         # HourlyCover: the arrays below instead of wanted/under/over
    on_hours: np.ndarray | None = None    # [S, 2] first hour of the day and hours on duty
    hour_wanted: np.ndarray | None = None  # [H]
    hour_price: np.ndarray | None = None   # [H, K] price of the k-th missing agent (0 beyond wanted)
    hour_over: int = 0
    weekend_fair: int = 0                  # FlexProblem.weekend_fairness

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
        for d, sid in c.unavailable_shifts:          # outside that day's hours of availability
            if 0 <= d < D and sid in si:
                may[p, d, si[sid]] = False

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

    for c in problem.costs:
        if not 0 <= c.day < D:
            raise ValueError(f"cost of {c.person} on day {c.day} is outside the horizon")
        wish[pi[c.person], c.day, si[c.shift]] += c.cost

    wanted = np.zeros((D, S), dtype=np.int64)
    under = np.zeros((D, S), dtype=np.int64)
    over = np.zeros((D, S), dtype=np.int64)
    hourly = _hourly_arrays(problem) if isinstance(problem.cover, HourlyCover) else {}
    for n in getattr(problem.cover, "needs", ()):
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
        off_pair=col(lambda c: NO_LIMIT if c.off_pair_every is None else c.off_pair_every),
        forbid=forbid,
        weekend_groups=tuple(weekends(D, problem.first_weekday)),
        wish=wish, wish_const=const, wanted=wanted, under=under, over=over, **hourly,
        weekend_fair=int(problem.weekend_fairness),
    )


def _hourly_arrays(problem: FlexProblem) -> dict:
    """FlexIndex's hourly fields: each shift type's hours on duty, and the hours' needs and prices
    over every hour a shift of the horizon can reach."""
    cover = problem.cover
    on = np.zeros((len(problem.shift_types), 2), dtype=np.int64)
    for s, st in enumerate(problem.shift_types):
        if st.start_min is None or st.start_min % 60 or st.minutes % 60:
            raise ValueError(f"shift {st.id}: hourly coverage needs a start and a length in whole hours")
        on[s] = st.start_min // 60, st.minutes // 60
    H = max(problem.horizon_days * 24 + int((on[:, 0] + on[:, 1]).max(initial=0)), len(cover.wanted))
    wanted = np.zeros(H, dtype=np.int64)
    wanted[: len(cover.wanted)] = cover.wanted
    K = max((len(r) for r in cover.short_price), default=0)
    price = np.zeros((H, max(K, 1)), dtype=np.int64)
    for h, row in enumerate(cover.short_price):
        price[h, : wanted[h]] = row[: wanted[h]]
    return {"hourly": True, "on_hours": on, "hour_wanted": wanted, "hour_price": price,
            "hour_over": int(cover.over_price)}


def on_duty(ix: FlexIndex, A: np.ndarray) -> np.ndarray:
    """Agents on duty in each hour (HourlyCover), [H]."""
    H = len(ix.hour_wanted)
    p, d = np.nonzero(A >= 0)
    first = d * 24 + ix.on_hours[A[p, d], 0]
    step = np.zeros(H + 1, dtype=np.int64)       # +1 where a shift begins, -1 where it ends
    np.add.at(step, first, 1)
    np.add.at(step, first + ix.on_hours[A[p, d], 1], -1)
    return np.cumsum(step[:H])


def hour_cost(ix: FlexIndex, n: np.ndarray) -> np.ndarray:
    """Cost of each hour for `n` agents on duty: its missing agents, cheapest first, and its surplus."""
    short = np.maximum(ix.hour_wanted - n, 0)
    k = np.arange(ix.hour_price.shape[1])
    return (ix.hour_price * (k[None, :] < short[:, None])).sum(axis=1) + ix.hour_over * np.maximum(
        n - ix.hour_wanted, 0)


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


def weekend_days(ix: FlexIndex) -> list[int]:
    """The horizon's Saturdays and Sundays."""
    return sorted(d for g in ix.weekend_groups for d in g)


@lru_cache(maxsize=8)
def weekend_pairs(groups: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """[weekends, 2] day indexes (a one-day weekend repeats its day): every weekend tested at once."""
    return np.array([(g[0], g[-1]) for g in groups], dtype=np.int64).reshape(-1, 2)


def fairness_cost(ix: FlexIndex, A: np.ndarray) -> int:
    """Each person's weekend days worked, squared, times the fairness price."""
    if not ix.weekend_fair:
        return 0
    n = (A[:, weekend_days(ix)] >= 0).sum(axis=1)
    return int(ix.weekend_fair * (n * n).sum())


def objective(ix: FlexIndex, A: np.ndarray) -> int:
    """Unmet on-wishes + granted off-wishes + shift costs + weekend fairness + the coverage cost of
    assignment A."""
    p, d = np.nonzero(A >= 0)
    wishes = ix.wish_const + int(ix.wish[p, d, A[p, d]].sum()) + fairness_cost(ix, A)
    if ix.hourly:
        return wishes + int(hour_cost(ix, on_duty(ix, A)).sum())
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
