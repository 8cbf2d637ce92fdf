"""Good rotas before CP-SAT starts: a greedy start and a rounded LP relaxation, both polished.

CP-SAT takes a full hint as is, and the better the hint the sooner it has a good rota to give
back when time runs out. Two cheap starts are built: agents placed one by one where they gain
most, and the LP relaxation (GLOP) rounded by largest remainder; both are then improved by
single-agent moves. The LP optimum is also a lower bound before CP-SAT proves any.
`linear_model` (the counts model for pywraplp) also serves the bench's exact SCIP reference.
`SearchState` is the incremental state these moves and the repair search share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from planner.solve.problem import Problem, unit_costs


@dataclass
class SearchState:
    """Counts and agents on site per hour, updated one move at a time."""

    problem: Problem
    lines: list[np.ndarray]       # per class, its line indices
    covc: list[np.ndarray]        # per class, coverage rows of its lines with absences removed
    price: list[np.ndarray]       # per class, line costs
    counts: np.ndarray            # (C, L) int64, owned by the state
    sched: np.ndarray             # (H,) int64 agents on site per hour

    @classmethod
    def start(cls, problem: Problem, counts: np.ndarray) -> SearchState:
        """The state of a copy of `counts`."""
        C = problem.pairs.shape[0]
        lines = [np.flatnonzero(problem.pairs[c]) for c in range(C)]
        covc = [problem.cov[lines[c]] * problem.avail[c] for c in range(C)]
        price = [problem.line_cost[c, lines[c]] for c in range(C)]
        sched = problem.scheduled(counts).astype(np.int64)
        return cls(problem, lines, covc, price, counts.astype(np.int64).copy(), sched)

    def gains(self, c: int) -> np.ndarray:
        """What one more agent of class c saves on each of its lines (roubles, higher = better).

        One more agent in hour h saves the cost of the last missing agent there (the dearest,
        as costs are convex), or costs over_cost if the hour is already covered.
        """
        p = self.problem
        missing = p.need - self.sched
        k = np.clip(missing, 1, p.cost.shape[1]) - 1
        marginal = np.where(missing > 0, p.cost[np.arange(p.need.size), k], -p.over_cost)
        return self.covc[c] @ marginal - self.price[c]

    def move(self, c: int, j: int, delta: int) -> None:
        """Add `delta` agents of class c to its j-th line (negative: take them off)."""
        self.counts[c, self.lines[c][j]] += delta
        self.sched += delta * self.covc[c][j]


def local_search(st: SearchState, max_passes: int = 50) -> np.ndarray:
    """Move single agents to the line that gains most while any move strictly improves."""
    order = sorted(range(len(st.lines)), key=lambda c: (len(st.lines[c]), c))
    for _ in range(max_passes):
        moved = False
        for c in order:
            for j in range(len(st.lines[c])):
                for _ in range(int(st.counts[c, st.lines[c][j]])):
                    st.move(c, j, -1)
                    g = st.gains(c)
                    b = int(np.argmax(g))
                    if g[b] <= g[j] + 1e-9:
                        b = j
                    st.move(c, b, +1)
                    moved |= b != j
        if not moved:
            break
    return st.counts


def greedy_start(problem: Problem) -> np.ndarray:
    """Place agents one by one where they gain most (most constrained classes first), then
    improve by local search. Always feasible: every agent gets one of its class's lines."""
    st = SearchState.start(problem, np.zeros(problem.shape, dtype=np.int64))
    for c in sorted(range(problem.pairs.shape[0]), key=lambda c: (len(st.lines[c]), c)):
        for _ in range(int(problem.sizes[c])):
            st.move(c, int(np.argmax(st.gains(c))), +1)
    return local_search(st)


def linear_model(solver: str, problem: Problem, *, integer: bool = False):
    """The counts model for a pywraplp solver: (solver, objective, x[c, l]), or None if the
    solver is not available. Continuous counts give the LP relaxation (GLOP); integer counts
    give the same MIP as the CP-SAT model (for an exact solver such as SCIP). Agents per line
    are summed over classes first and absences subtracted hour by hour, as in the CP-SAT model.
    Shortfall segments and surplus stay continuous: with integer counts and convex segment
    costs they are integral at any optimum."""
    need, sizes, cov, pairs, avail = problem.need, problem.sizes, problem.cov, problem.pairs, problem.avail
    H = need.size
    C, _ = pairs.shape
    lp = pywraplp.Solver.CreateSolver(solver)
    if lp is None:
        return None
    obj = lp.Objective()
    x = {}
    for c in range(C):
        ls = np.flatnonzero(pairs[c])
        if ls.size == 0:
            continue
        row = lp.Constraint(float(sizes[c]), float(sizes[c]))
        for l in ls:
            x[c, l] = (lp.IntVar if integer else lp.NumVar)(0.0, float(sizes[c]), "")
            row.SetCoefficient(x[c, l], 1.0)
            obj.SetCoefficient(x[c, l], float(problem.line_cost[c, l]))
    hours = [lp.Constraint(float(need[h]), float(need[h])) for h in range(H)]
    for l in sorted({l for _, l in x}):
        y = lp.NumVar(0.0, lp.infinity(), "")
        link = lp.Constraint(0.0, 0.0)
        link.SetCoefficient(y, 1.0)
        for c in range(C):
            if (c, l) in x:
                link.SetCoefficient(x[c, l], -1.0)
        for h in np.flatnonzero(cov[l]):
            hours[h].SetCoefficient(y, 1.0)
    for (c, l), v in x.items():
        for h in np.flatnonzero(cov[l] * (1 - avail[c])):
            hours[h].SetCoefficient(v, -1.0)
    for h, u in enumerate(unit_costs(problem.cost, need)):
        for k in range(u.size):
            s = lp.NumVar(0.0, 1.0, "")
            hours[h].SetCoefficient(s, 1.0)
            obj.SetCoefficient(s, float(u[k]))
        over = lp.NumVar(0.0, lp.infinity(), "")
        hours[h].SetCoefficient(over, -1.0)
        obj.SetCoefficient(over, float(problem.over_cost))
    obj.SetMinimization()
    return lp, obj, x


def round_counts(frac: np.ndarray, problem: Problem) -> np.ndarray:
    """Integer counts from fractional ones: floor, then each class's missing agents go to its
    lines with the largest remainders, so every class keeps its size."""
    C = problem.pairs.shape[0]
    counts = np.floor(frac + 1e-9).astype(np.int64)
    for c in range(C):
        left = int(problem.sizes[c] - counts[c].sum())
        if left > 0:
            rest = np.where(problem.pairs[c], frac[c] - counts[c], -np.inf)
            counts[c, np.argsort(-rest, kind="stable")[:left]] += 1
        elif left < 0:   # cannot happen for an exact LP solution; keep the counts valid anyway
            for _ in range(-left):
                counts[c, int(np.argmax(counts[c]))] -= 1
    return counts


def lp_start(problem: Problem) -> tuple[np.ndarray, float] | None:
    """Solve the LP relaxation (GLOP), round each class's counts by largest remainder, then
    improve by local search. The LP is nearly tight, so this start is usually far better than
    the greedy one when the site is short of staff. Also returns the LP optimum, a lower bound
    on every rota's objective (CP-SAT reaches the same bound, but later). None if GLOP fails."""
    built = linear_model("GLOP", problem)
    if built is None:
        return None
    lp, obj, x = built
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    bound = obj.Value() - 1e-6 * max(abs(obj.Value()), 1.0)   # minus GLOP's tolerance
    frac = np.zeros(problem.shape)
    for (c, l), v in x.items():
        frac[c, l] = max(v.solution_value(), 0.0)
    counts = round_counts(frac, problem)
    return local_search(SearchState.start(problem, counts)), bound
