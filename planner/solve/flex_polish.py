"""Cheap single-person moves on a lawful roster, before the CP-SAT search (per-day-and-shift cover).

On a year-long, 150-person roster a CP-SAT move re-plans a few hundred person-days in about a
fifth of a second, so one sweep of the search over the roster takes most of a minute. The first
roster's plain mistakes — a shift short on one day while the same person's other shift is over,
a free day next to a run where a shift is short, a surplus shift nobody needs — are found here by
numpy in microseconds: for each short (or surplus) cell, the people who could work it (or leave
it) are tried one by one, and a change is kept when it lowers the objective and the person's row
still keeps every hard rule (`row_ok`, the engine's own check on arrays; the final roster is
still proven by `constraints.flex.flex_violations`).
"""

from __future__ import annotations

import time

import numpy as np

from planner.solve.flex_problem import NO_LIMIT, OFF, FlexIndex, counts, weekend_pairs


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts, lengths and values of the maximal runs of a boolean row."""
    change = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(flags)]))
    return starts, ends - starts, flags[starts]


def row_ok(ix: FlexIndex, p: int, row: np.ndarray) -> bool:
    """Person p's row keeps every hard rule of the engine (edge runs exempt from the minimums)."""
    D = ix.days
    on = row >= 0
    days = np.flatnonzero(on)
    shifts = row[days]
    if not ix.may[p, days, shifts].all():
        return False
    mins = int(ix.minutes[shifts].sum())
    if mins < ix.min_minutes[p] or mins > ix.max_minutes[p]:
        return False
    if (np.bincount(shifts, minlength=len(ix.shifts)) > ix.cap[p]).any():
        return False
    both = on[:-1] & on[1:]
    if both.any() and ix.forbid[row[:-1][both], row[1:][both]].any():
        return False
    starts, lengths, value = _runs(on)
    inner = (starts > 0) & (starts + lengths < D)
    if (lengths[value] > ix.max_run[p]).any():
        return False
    if (inner & value & (lengths < ix.min_run[p])).any() or (inner & ~value & (lengths < ix.min_off[p])).any():
        return False
    if ix.max_weekends[p] < NO_LIMIT and on[weekend_pairs(ix.weekend_groups)].any(axis=1).sum() > ix.max_weekends[p]:
        return False
    n = int(ix.off_pair[p])
    if n <= D:
        pair = ~on[:-1] & ~on[1:]
        have = np.concatenate(([0], np.cumsum(pair)))
        if (have[n - 1:] - have[: D - n + 1] == 0).any():   # windows of n days: pairs e = a .. a+n-2
            return False
    return True


def polish(ix: FlexIndex, A: np.ndarray, deadline: float, rng: np.random.Generator) -> np.ndarray:
    """A improved by single-cell moves until none gains or the deadline; A itself is not changed.
    Only for per-day-and-shift cover without weekend fairness (otherwise A is returned as is)."""
    if ix.hourly or ix.weekend_fair:
        return A
    A = A.copy()
    n = counts(ix, A)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        cells = np.argwhere((n < ix.wanted) & (ix.under > 0) | (n > ix.wanted) & (ix.over > 0))
        for d, s in cells[rng.permutation(len(cells))]:
            if time.perf_counter() >= deadline:
                break
            if _improve_cell(ix, A, n, int(d), int(s), rng):
                improved = True
    return A


def _gain(ix: FlexIndex, n: np.ndarray, d: int, s: int, step: int) -> int:
    """What adding (step 1) or removing (step -1) one person on cell (d, s) saves."""
    if step > 0:
        return int(ix.under[d, s]) if n[d, s] < ix.wanted[d, s] else -int(ix.over[d, s])
    return int(ix.over[d, s]) if n[d, s] > ix.wanted[d, s] else -int(ix.under[d, s])


def _improve_cell(ix: FlexIndex, A: np.ndarray, n: np.ndarray, d: int, s: int, rng: np.random.Generator) -> bool:
    """The first lawful single-person change on day d that fixes cell (d, s) and gains; applied."""
    short = n[d, s] < ix.wanted[d, s]
    if short:
        people = np.flatnonzero(ix.may[:, d, s] & (A[:, d] != s))
    else:
        people = np.flatnonzero(A[:, d] == s)
    for p in people[rng.permutation(len(people))]:
        old = int(A[p, d])
        options = [s] if short else [OFF, *np.flatnonzero(ix.may[p, d])]
        for new in options:
            new = int(new)
            if new == old:
                continue
            gain = 0
            if old >= 0:
                gain += _gain(ix, n, d, old, -1) + int(ix.wish[p, d, old])
            if new >= 0:
                gain += _gain(ix, n, d, new, 1) - int(ix.wish[p, d, new])
            if gain <= 0:
                continue
            A[p, d] = new
            if row_ok(ix, int(p), A[p]):
                if old >= 0:
                    n[d, old] -= 1
                if new >= 0:
                    n[d, new] += 1
                return True
            A[p, d] = old
    return False
