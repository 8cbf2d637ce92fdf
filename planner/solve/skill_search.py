"""The dual-guided local search of the skill-aware model: move agents between the lines of their
class where it pays, each move priced exactly.

The split LP's duals price one more (or one fewer) agent of a group in an hour, so every candidate
move is scored in one matrix product; the 24/7 price joins the score where a move would fill an
hour nobody may serve or leave one. A candidate is then priced exactly by re-solving only the
hours whose agents on site it changes (`HourFlows`, one small min-cost flow per hour) and kept
only if the whole objective falls; after a kept move the split LP is solved again for new duals.
At a local optimum (no candidate pays) a few agents of the best rota are moved at random and the
search goes on from there (an iterated local search), until its time or MAX_KICKS is up, or until
kicks have found nothing better for a while (it has settled: the rest of the time goes to CP-SAT).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from planner.solve.allocation import SeriesDemand, series_penalty
from planner.solve.hour_flows import COST_SCALE, HourFlows
from planner.solve.problem import Problem
from planner.solve.skill_layout import Layout
from planner.solve.skill_lp import Split, SplitLP

#: a move must save at least this much (roubles): the flows' integer costs are rounded
_MIN_SAVING = 0.5
KICK = 3          # agents moved at random to leave a local optimum
MAX_KICKS = 50    # local optima left before the search ends
STALL_S = 5.0     # kicks without a better rota for this long (or STALL_SHARE of the search's time,
STALL_SHARE = 0.2  # whichever is longer) end the search: it has settled (by the clock only)


def _watch_worth(d: SeriesDemand, lay: Layout, on_site: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(G, H) the 24/7 price one more agent of group g would save in hour h (a series it may serve
    has nobody able on site), and the price one fewer would cost (it is the only one able)."""
    add = np.zeros(on_site.shape)
    drop = np.zeros(on_site.shape)
    if d.empty is None or not lay.watched:
        return add, drop
    able = d.able(on_site)
    price = np.where(able == 0, d.empty, 0.0)                      # (S, H) empty now
    add += d.serves.astype(float) @ price
    only = np.where(able == 1, d.empty, 0.0)                       # (S, H) one able agent on site
    drop += (d.serves.astype(float) @ only) * (on_site == 1)       # ... and it is of group g
    return add, drop


class Improved(NamedTuple):
    """The local search's rota (counts, split, objective) and the moves it priced to get there."""

    counts: np.ndarray
    alloc: np.ndarray
    value: float
    trials: int


def improve(p: Problem, d: SeriesDemand, lay: Layout, counts: np.ndarray, value: float, alloc: np.ndarray,
            deadline: float, should_stop: Callable[[], bool] = lambda: False,
            improved: Callable[[np.ndarray, np.ndarray, float], None] = lambda c, a, v: None,
            max_trials: int | None = None, splitter: SplitLP | None = None, good_enough: float = -np.inf
            ) -> Improved:
    """Move agents between the lines of their class while a move pays; stop when none does, at
    `deadline`, when `should_stop()`, once a rota costs `good_enough` or less, or after
    `max_trials` priced moves (the same rota on any
    machine, as long as the wall-clock `deadline` does not come first).

    A move is one agent of class c from line l to line l': on-site hours change for c's group only.
    The duals' best eight moves are tried together first, then the best four one by one (also
    those the duals doubt); a single move that does not pay is not tried again from that rota's
    neighbourhood (tabu)."""
    eff = p.line_cost + p.over_cost * lay.onsite_h
    classes = [int(c) for c in np.unique(lay.pair_c) if np.count_nonzero(p.pairs[c]) > 1]
    lines = {c: np.flatnonzero(p.pairs[c]) for c in classes}
    rows = {c: (p.cov[lines[c]] * p.avail[c]).astype(np.int8) for c in classes}
    tabu: set[tuple[int, int, int]] = set()
    splitter = splitter or SplitLP(d, lay, p.over_cost)
    flows = HourFlows(d, lay, p.over_cost)
    on_site = d.on_site(p, counts)
    split = splitter.solve(on_site)
    hours_value = flows.values(on_site)                 # milli-roubles per hour, less a constant
    pay = np.nan_to_num(p.line_cost)

    def total(cnt: np.ndarray, on: np.ndarray, hv: np.ndarray) -> float:
        """The objective less a constant of the site: pay, every agent-hour on site at over_cost,
        the split's own cost and the 24/7 price."""
        return (float(np.sum(cnt * pay)) + p.over_cost * float(on.sum()) + float(hv.sum()) / COST_SCALE
                + d.empty_cost(on))

    current = total(counts, on_site, hours_value)
    best = (value, counts, alloc)
    rng = np.random.default_rng(0)
    trials = kicks = 0
    last_better = time.perf_counter()
    stall = max(STALL_S, STALL_SHARE * (deadline - last_better))
    while (split is not None and time.perf_counter() < deadline and not should_stop()
           and (max_trials is None or trials < max_trials) and best[0] > good_enough):
        add, drop = _watch_worth(d, lay, on_site)
        moves = _candidates(classes, lines, rows, eff, counts, split, add, drop, d.group, tabu)
        if not moves:   # a local optimum: kick the best rota found and search again from there
            if value < best[0] - _MIN_SAVING:
                best = (value, counts, alloc)
            if kicks >= MAX_KICKS or (max_trials is None and time.perf_counter() - last_better > stall):
                break
            kicks += 1
            counts = _kicked(best[1], classes, lines, rng)
            on_site = d.on_site(p, counts)
            hours_value = flows.values(on_site)
            current, split, tabu = total(counts, on_site, hours_value), splitter.solve(on_site), set()
            if split is None:
                break
            alloc = split.alloc
            value = _priced(p, d, counts, on_site, alloc)
            continue
        paying = [m for m in moves if m[0] > 1e-6]
        # the best eight the duals say pay, at once; else one by one, also those the duals doubt
        for batch in ([paying[:8]] if len(paying) > 1 else []) + [[m] for m in moves[:4]]:
            trial, trial_on = counts.copy(), on_site.copy()
            for _, c, src, dst in batch:
                trial[c, lines[c][src]] -= 1
                trial[c, lines[c][dst]] += 1
                trial_on[d.group[c]] += rows[c][dst].astype(np.int64) - rows[c][src]
            trials += 1
            changed = np.flatnonzero((trial_on != on_site).any(axis=0))
            trial_hours = hours_value.copy()
            trial_hours[changed] = flows.hour_values(trial_on, changed)
            v = total(trial, trial_on, trial_hours)
            if v < current - _MIN_SAVING:
                new = splitter.solve(trial_on)
                if new is None:
                    return Improved(counts, alloc, value, trials)
                counts, on_site, hours_value, current = trial, trial_on, trial_hours, v
                alloc, split = new.alloc, new
                value = _priced(p, d, counts, on_site, alloc)
                if value < best[0] - _MIN_SAVING:
                    best = (value, counts, alloc)
                    improved(counts, alloc, value)
                    last_better = time.perf_counter()
                break
            if len(batch) == 1:
                tabu.add(batch[0][1:])
            if time.perf_counter() >= deadline or (max_trials is not None and trials >= max_trials):
                break
    return Improved(counts, alloc, value, trials) if value < best[0] else Improved(best[1], best[2], best[0], trials)


def _kicked(counts: np.ndarray, classes: list[int], lines: dict[int, np.ndarray], rng: np.random.Generator
            ) -> np.ndarray:
    """The rota with KICK agents moved to random other lines of their class (a perturbation
    that lets the search leave a local optimum)."""
    out = counts.copy()
    for c in rng.choice(classes, size=min(KICK, len(classes)), replace=False):
        ls = lines[int(c)]
        held = ls[out[c, ls] > 0]
        src = int(rng.choice(held))
        dst = int(rng.choice(ls[ls != src]))
        out[c, src] -= 1
        out[c, dst] += 1
    return out


def _candidates(classes: list[int], lines: dict[int, np.ndarray], rows: dict[int, np.ndarray], eff: np.ndarray,
                counts: np.ndarray, split: Split, add: np.ndarray, drop: np.ndarray, group: np.ndarray,
                tabu: set[tuple[int, int, int]]) -> list[tuple[float, int, int, int]]:
    """Per class its best move by the duals (gain, class, from, to), best first: from one of its
    three least useful lines held to one of its best four."""
    moves = []
    for c in classes:
        ls = lines[c]
        g = group[c]
        gain_in = rows[c] @ (split.worth[g] + add[g]) - eff[c, ls]
        kept_by = rows[c] @ (split.worth[g] + drop[g]) - eff[c, ls]
        held = np.flatnonzero(counts[c, ls] > 0)
        best = None
        for src in held[np.argsort(kept_by[held])][:3]:
            for dst in np.argsort(-gain_in)[:4]:
                if dst != src and (c, int(src), int(dst)) not in tabu:
                    gain = float(gain_in[dst] - kept_by[src])
                    if best is None or gain > best[0]:
                        best = (gain, c, int(src), int(dst))
        if best is not None:
            moves.append(best)
    moves.sort(reverse=True)
    return moves


def _priced(p: Problem, d: SeriesDemand, counts: np.ndarray, on_site: np.ndarray, alloc: np.ndarray) -> float:
    """`evaluate_split`'s total from the agents on site already known: pay, idle agent-hours,
    each series' shortfall and the 24/7 price of series-hours nobody on site may serve."""
    served = alloc.sum(axis=0)
    pay = float(np.sum(np.where(counts > 0, counts * np.nan_to_num(p.line_cost), 0.0)))
    idle = float(on_site.sum() - served.sum())
    return pay + p.over_cost * idle + series_penalty(np.maximum(d.need - served, 0), d.cost) + d.empty_cost(on_site)
