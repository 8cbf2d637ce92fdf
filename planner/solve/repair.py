"""Large-neighbourhood repair search: free a group of agents, re-place them exactly, keep if better.

CP-SAT alone improves a good start slowly on sites short of staff: its own neighbourhoods
rarely free the lines, hours and segments that must change together, and single-agent moves
stall when several agents must change lines at once. This search frees whole groups instead
and re-places them with a small CP-SAT model that is solved to optimality in a fraction of a
second. `planner.solve.model` runs it on one worker beside CP-SAT on the full model.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from planner.solve.problem import unit_costs
from planner.solve.warm_start import SearchState

Placement = dict[int, np.ndarray]   # per class, agents on each of its lines (indexed like st.lines[c])


# ----------------------------------------------------------------------------- exact objective


def _cumulative(cost: np.ndarray, need: np.ndarray) -> np.ndarray:
    """cum[h, k] for k = 0..max need: the shortfall cost of k missing agents in hour h."""
    n = int(need.max(initial=0))
    K = cost.shape[1]
    ext = np.concatenate([cost, np.repeat(cost[:, K - 1:], max(n - K, 0), axis=1)], axis=1)[:, :n]
    return np.concatenate([np.zeros((need.size, 1)), np.cumsum(ext, axis=1)], axis=1)


def _objective(st: SearchState, cum: np.ndarray) -> float:
    """Exact objective of the search state (cum[h, k] = cost of k missing agents in hour h)."""
    p = st.problem
    short = np.maximum(p.need - st.sched, 0)
    over = np.maximum(st.sched - p.need, 0)
    pay = sum(float(st.counts[c, st.lines[c]] @ st.price[c]) for c in range(len(st.lines)))
    return float(cum[np.arange(p.need.size), short].sum()) + p.over_cost * float(over.sum()) + pay


# ----------------------------------------------------------------------------- one exact repair


class _PlacementModel:
    """The small CP-SAT model placing the freed agents: one count per freed class and line, and
    per hour a few unit segments for the cost of the agents added back (convex: savings while
    the hour is short, then the surplus price). Hinted with the placement the agents left."""

    def __init__(self, st: SearchState, units: list[np.ndarray], freed: Placement, scale: float) -> None:
        self.model = cp_model.CpModel()
        self.cols: list[tuple[int, int, cp_model.IntVar]] = []   # (class, line index, count)
        self._obj_v: list[cp_model.IntVar] = []
        self._obj_w: list[int] = []
        self._hint: list[tuple[cp_model.IntVar, int]] = []
        self._add_counts(st, freed, scale)
        self._add_hours(st, units, freed, scale)
        self.model.minimize(cp_model.LinearExpr.weighted_sum(self._obj_v, self._obj_w))
        for v, k in self._hint:
            self.model.add_hint(v, k)

    def _term(self, v: cp_model.IntVar, weight: int, hint: int) -> None:
        self._obj_v.append(v)
        self._obj_w.append(weight)
        self._hint.append((v, hint))

    def _add_counts(self, st: SearchState, freed: Placement, scale: float) -> None:
        """Every freed agent of a class goes back to one of its lines."""
        for c, out in freed.items():
            n = int(out.sum())
            vs = [self.model.new_int_var(0, n, "") for _ in st.lines[c]]
            self.model.add(cp_model.LinearExpr.sum(vs) == n)
            for j, v in enumerate(vs):
                self.cols.append((c, j, v))
                self._term(v, round(float(st.price[c][j]) * scale), int(out[j]))

    def _add_hours(self, st: SearchState, units: list[np.ndarray], freed: Placement, scale: float) -> None:
        """Per hour the freed agents can reach: agents added back == the sum of its segments."""
        rows_t = np.array([st.covc[c][j] for c, j, _ in self.cols]).T          # (H, vars)
        most = np.zeros(st.problem.need.size, dtype=np.int64)
        for c, out in freed.items():
            most += int(out.sum()) * st.covc[c].max(axis=0)
        back = np.zeros(st.problem.need.size, dtype=np.int64)
        for (c, j, _), (_, k) in zip(self.cols, self._hint):
            back += k * st.covc[c][j]
        for h in np.flatnonzero(most):
            w = self._unit_weights(st, units[h], h, int(most[h]), scale)
            segs = self._segments(w, int(back[h]))
            terms = [self.cols[i][2] for i in np.flatnonzero(rows_t[h])]
            self.model.add(cp_model.LinearExpr.sum(terms) == cp_model.LinearExpr.sum(segs))

    @staticmethod
    def _unit_weights(st: SearchState, u: np.ndarray, h: int, most: int, scale: float) -> np.ndarray:
        """Scaled cost of the d-th agent added back to hour h, d = 1..most."""
        d = np.arange(1, most + 1)
        k = st.problem.need[h] - st.sched[h] - d                 # agents still missing after adding d
        step = np.where(k >= 0, -u[np.clip(k, 0, max(u.size - 1, 0))] if u.size else 0.0, st.problem.over_cost)
        return np.round(step * scale).astype(np.int64)

    def _segments(self, w: np.ndarray, back: int) -> list[cp_model.IntVar]:
        """One variable per run of equal weights, hinted with the `back` agents filled in order."""
        segs, a, left = [], 0, back
        for b in range(1, w.size + 1):
            if b == w.size or w[b] != w[a]:
                v = self.model.new_int_var(0, b - a, "")
                segs.append(v)
                take = min(left, b - a)
                self._term(v, int(w[a]), take)
                left -= take
                a = b
        return segs


def _repair(st: SearchState, units: list[np.ndarray], freed: Placement, scale: float,
            time_limit: float, seed: int) -> tuple[Placement, bool] | None:
    """Place the freed agents (per class: how many leave each of its lines) again, optimally.

    The agents stay removed from `st` while the model is built. Returns the new placement per
    class and whether it was proven optimal, or None.
    """
    pm = _PlacementModel(st, units, freed, scale)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2   # small models: the full LP closes them fastest
    solver.parameters.catch_sigint_signal = False   # Ctrl-C is the command's, as in `model.configure_solver`
    status = solver.solve(pm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    placed: Placement = {c: np.zeros(len(st.lines[c]), dtype=np.int64) for c in freed}
    for c, j, v in pm.cols:
        placed[c][j] = solver.value(v)
    return placed, status == cp_model.OPTIMAL


# ----------------------------------------------------------------------------- the search


def _shared_lines(st: SearchState, movable: list[int]) -> np.ndarray:
    """shared[a, b]: how many lines classes a and b may both work (they compete for hours)."""
    C = len(st.lines)
    shared = np.zeros((C, C))
    for a in movable:
        for b in movable:
            shared[a, b] = np.intersect1d(st.lines[a], st.lines[b]).size
    return shared


def _choose_group(st: SearchState, movable: list[int], shared: np.ndarray, room: int,
                  rng: np.random.Generator) -> Placement:
    """Up to `room` agents drawn at random from classes in a random order, that order mostly
    led by the classes sharing most lines with a random first one."""
    first = movable[int(rng.integers(len(movable)))]
    if rng.random() < 0.6:
        order = sorted(movable, key=lambda c: (-shared[first, c] - rng.random(), c))
    else:
        order = [first] + [movable[i] for i in rng.permutation(len(movable)) if movable[i] != first]
    freed: Placement = {}
    for c in order:
        if room <= 0:
            break
        have = st.counts[c, st.lines[c]]
        take = min(int(have.sum()), room)
        agents = np.repeat(np.arange(have.size), have)
        freed[c] = np.bincount(rng.choice(agents, size=take, replace=False), minlength=have.size)
        room -= take
    return freed


def _shift(st: SearchState, group: Placement, sign: int) -> None:
    """Add (sign +1) or take off (sign -1) the agents of `group` on the lines they hold."""
    for c, out in group.items():
        for j in np.flatnonzero(out):
            st.move(c, j, sign * int(out[j]))


def _swap(st: SearchState, old: Placement, new: Placement) -> None:
    """Move each class's agents from placement `old` to placement `new`."""
    for c in old:
        for j in range(len(st.lines[c])):
            st.move(c, j, int(new[c][j] - old[c][j]))


def _keep_if_better(st: SearchState, freed: Placement, placed: Placement, cum: np.ndarray,
                    best: float) -> float | None:
    """Apply the repair; keep it and return its objective if strictly better, else undo it."""
    _swap(st, freed, placed)
    value = _objective(st, cum)
    if value < best - 1e-6:
        return value
    _swap(st, placed, freed)   # undo: equal or worse
    return None


def repair_search(st: SearchState, scale: float, deadline: float, *, seed: int = 0,
                  should_stop: Callable[[], bool] = lambda: False,
                  improved: Callable[[np.ndarray, float], None] = lambda counts, obj: None) -> np.ndarray:
    """Free a group of agents, re-place them optimally, keep the result if it is better;
    repeat until the deadline (perf_counter seconds) or `should_stop()`. `improved(counts,
    objective)` hears of every better rota. Returns the counts of `st`, changed in place.

    Groups mix classes that share lines (those compete for the same hours) with random ones;
    their size adapts so that each repair is solved to optimality in a fraction of a second.
    """
    rng = np.random.default_rng(seed)
    units = unit_costs(st.problem.cost, st.problem.need)
    cum = _cumulative(st.problem.cost, st.problem.need)
    movable = [c for c in range(len(st.lines)) if len(st.lines[c]) > 1 and st.counts[c].sum() > 0]
    if not movable:
        return st.counts
    shared = _shared_lines(st, movable)
    best = _objective(st, cum)
    everyone = int(sum(st.counts[c].sum() for c in movable))
    budget, limit, it = 8.0, 0.5, 0
    while time.perf_counter() < deadline - 0.05 and not should_stop():
        it += 1
        freed = _choose_group(st, movable, shared, int(round(budget)), rng)
        _shift(st, freed, -1)
        t = time.perf_counter()
        res = _repair(st, units, freed, scale, min(limit, deadline - t), seed + it)
        took = time.perf_counter() - t
        _shift(st, freed, +1)
        if res is None:
            budget = max(2.0, budget * 0.7)
            continue
        placed, optimal = res
        budget = min(budget * 1.15, 400.0) if optimal and took < 0.5 * limit else max(2.0, budget * 0.8)
        value = _keep_if_better(st, freed, placed, cum, best)
        if value is not None:
            best = value
            improved(st.counts.copy(), value)
        if optimal and sum(int(f.sum()) for f in freed.values()) == everyone:
            break   # every movable agent was re-placed optimally: nothing left to improve
    return st.counts
