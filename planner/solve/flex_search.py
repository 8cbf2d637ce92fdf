"""Neighbourhoods of the flexible-schedule search: which person-days to free next.

CP-SAT alone, with two workers, improves a large per-person roster slowly: the LP relaxation of
rostering is weak (a person's runs, weekends and hours only bind when whole), so the solver must
search, and a 150-person year has hundreds of thousands of Booleans. A large-neighbourhood search
keeps most of the roster fixed and lets CP-SAT re-optimise a part exactly; a part small enough is
solved to optimality in well under a second, and a move is kept only if the whole roster's
objective does not get worse (`planner.solve.flex_model.solve_flex` runs the loop).

Each neighbourhood returns a mask free[p, d] of about `size` person-days:
- `people`: a few people over the whole horizon (swaps of wishes, weekends and hours among them);
- `window`: every person over a few consecutive days (coverage of those days re-dealt);
- `block`: a random group of people over a longer window;
- `worst_cells`: the days around the costliest coverage cells (or hours), with people who may work them.
The size adapts: when CP-SAT proves the part optimal in time it grows, when it does not it
shrinks (`Adaptive`). All randomness comes from one seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.solve.flex_problem import FlexIndex, counts, cover_cost, hour_cost, on_duty

MIN_SIZE = 8


def _window(rng: np.random.Generator, days: int, length: int, around: int | None = None) -> slice:
    length = max(1, min(days, length))
    if around is None:
        a = int(rng.integers(0, days - length + 1))
    else:
        a = int(np.clip(around - rng.integers(0, length), 0, days - length))
    return slice(a, a + length)


def people(ix: FlexIndex, A: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    P, D, _ = ix.size
    k = int(np.clip(size // D, 1, P))
    free = np.zeros((P, D), dtype=bool)
    free[rng.choice(P, size=k, replace=False)] = True
    return free


def window(ix: FlexIndex, A: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    P, D, _ = ix.size
    free = np.zeros((P, D), dtype=bool)
    free[:, _window(rng, D, max(2, size // P))] = True
    return free


def block(ix: FlexIndex, A: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    P, D, _ = ix.size
    k = int(rng.integers(min(2, P), P + 1))
    length = int(np.clip(size // k, 2, D))
    k = int(np.clip(size // length, 1, P))
    free = np.zeros((P, D), dtype=bool)
    free[np.ix_(rng.choice(P, size=k, replace=False), np.arange(D)[_window(rng, D, length)])] = True
    return free


def worst_cells(ix: FlexIndex, A: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Days around a coverage cell drawn in proportion to its cost, people who may work it first."""
    P, D, _ = ix.size
    cost = (hour_cost(ix, on_duty(ix, A)) if ix.hourly else cover_cost(ix, counts(ix, A))).astype(float)
    if cost.sum() <= 0:
        return block(ix, A, size, rng)
    flat = int(rng.choice(cost.size, p=(cost / cost.sum()).ravel()))
    if ix.hourly:   # the hour's day (a night shift from the day before reaches it too)
        d = min(flat // 24, D - 1)
        able = np.nonzero(ix.may[:, d, :].any(axis=1))[0]
    else:
        d, s = divmod(flat, cost.shape[1])
        able = np.nonzero(ix.may[:, d, s])[0]
    length = int(rng.integers(2, 15))
    days = np.arange(D)[_window(rng, D, length, around=d)]
    others = np.setdiff1d(np.arange(P), able)
    order = np.concatenate([rng.permutation(able), rng.permutation(others)])
    k = int(np.clip(size // len(days), 1, P))
    free = np.zeros((P, D), dtype=bool)
    free[np.ix_(order[:k], days)] = True
    return free


Neighbourhood = Callable[[FlexIndex, np.ndarray, int, np.random.Generator], np.ndarray]
NEIGHBOURHOODS: dict[str, Neighbourhood] = {
    "people": people, "window": window, "block": block, "worst_cells": worst_cells,
}


@dataclass
class Adaptive:
    """Free person-days per move: grows by 15 % after a part solved to optimality, shrinks by
    20 % after one that ran out of time, within [MIN_SIZE, all person-days]."""

    size: float
    most: int

    def update(self, proved: bool) -> None:
        self.size = float(np.clip(self.size * (1.15 if proved else 0.8), MIN_SIZE, self.most))


def pick(rng: np.random.Generator, wins: dict[str, float]) -> str:
    """A neighbourhood drawn in proportion to its recent success (every one keeps a floor)."""
    names = list(NEIGHBOURHOODS)
    w = np.array([max(wins.get(n, 1.0), 0.2) for n in names])
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def pick_rate(rng: np.random.Generator, rate: dict[str, float]) -> str:
    """A neighbourhood drawn in proportion to its recent objective gain per second of CP-SAT (each
    keeps a floor of a tenth of the best, and one not tried yet counts as the best)."""
    names = list(NEIGHBOURHOODS)
    top = max([*rate.values(), 1e-9])
    w = np.array([max(rate.get(n, top), 0.1 * top) for n in names])
    return names[int(rng.choice(len(names), p=w / w.sum()))]
