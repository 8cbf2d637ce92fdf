"""The counts model on a multi-skill site: lines for the classes, and in every hour the agents on
site split among the series (channel x queue) their skills allow, inside one CP-SAT model.

Variables: x[c, l] agents of class c on line l (as in the pooled model); a[g, s, h] agents of
skill group g serving series s in hour h, only where g may serve s and s needs someone then;
shortfall segments per series and hour, priced by that series' own convex Erlang penalty.
Rows, per hour: a group gives no more agents than it has on site (its lines' counts less the
absent); a series gets its served agents plus its shortfall equal to its need. So every series
is covered only by people who may serve it, the split is a flow (feasible by construction), and
the model still grows with classes, lines and skill groups, not with headcount.

Surplus needs no variable: an idle agent-hour is an agent on site less the agents serving, so its
price folds into each line's cost (on-site hours x over_cost) and a reward of over_cost per
agent serving. The LP relaxation (GLOP) gives the first bound and, rounded, a start; the start's
split is `allocation.greedy_allocation`. All workers run CP-SAT on the full model.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from planner.solve.allocation import SeriesDemand, evaluate_split, greedy_allocation
from planner.solve.model import Limits, ProgressWatch, Start, configure_solver, objective_scale, run_search
from planner.solve.problem import ModelInput, ModelResult, Problem
from planner.solve.warm_start import greedy_start, round_counts

Progress = Callable[[float, float, float], None]


@dataclass(frozen=True)
class Layout:
    """The model's index sets, shared by the LP and the CP-SAT builders."""

    pair_c: np.ndarray                             # (P,) class of each count variable x[c, l]
    pair_l: np.ndarray                             # (P,) line of each count variable
    group_pairs: list[np.ndarray]                  # per group, its count variables (indices into pair_*)
    group_lines: list[np.ndarray]                  # per group, the lines its classes may work
    onsite_h: np.ndarray                           # (C, L) hours on site of one agent of c on l
    flows: list[tuple[int, int, int]]              # (group, series, hour) allocation variables
    by_group_hour: dict[tuple[int, int], list[int]]   # flows of a group in an hour
    by_series_hour: dict[tuple[int, int], list[int]]  # flows into a series in an hour

    @classmethod
    def of(cls, p: Problem, d: SeriesDemand) -> Layout:
        G, S, H = d.shape
        pc, pl = np.nonzero(p.pairs & (p.sizes[:, None] > 0))
        group_pairs = [np.flatnonzero(d.group[pc] == g) for g in range(G)]
        group_lines = [np.unique(pl[idx]) for idx in group_pairs]
        onsite_h = np.einsum("lh,ch->cl", p.cov, p.avail).astype(float)
        present = np.zeros((G, H), dtype=bool)
        for g, ls in enumerate(group_lines):
            if ls.size:
                present[g] = p.cov[ls].any(axis=0)
        flows: list[tuple[int, int, int]] = []
        by_gh: dict[tuple[int, int], list[int]] = {}
        by_sh: dict[tuple[int, int], list[int]] = {}
        for h in range(H):
            for s in np.flatnonzero(d.need[:, h] > 0):
                for g in np.flatnonzero(d.serves[:, s] & present[:, h]):
                    by_gh.setdefault((int(g), h), []).append(len(flows))
                    by_sh.setdefault((int(s), h), []).append(len(flows))
                    flows.append((int(g), int(s), h))
        return cls(pc, pl, group_pairs, group_lines, onsite_h, flows, by_gh, by_sh)

    def pairs(self) -> list[tuple[int, int]]:
        return [(int(c), int(l)) for c, l in zip(self.pair_c, self.pair_l)]

    def supply(self, p: Problem, g: int, h: int) -> tuple[list[int], list[int], list[int]]:
        """Group g's agents on site in hour h: its lines on site then, and the count variables
        (indices into pair_*) that are on site (present) and on a line on site but absent."""
        ls = self.group_lines[g]
        on = ls[p.cov[ls, h] == 1] if ls.size else ls
        idx = self.group_pairs[g]
        covered = p.cov[self.pair_l[idx], h] == 1
        here = p.avail[self.pair_c[idx], h] == 1
        return on.tolist(), idx[covered & here].tolist(), idx[covered & ~here].tolist()


def _segments(costs: np.ndarray, need: int) -> Iterator[tuple[int, float]]:
    """(width, unit cost) of the shortfall segments of one series-hour, runs of equal cost merged."""
    K = costs.size
    units = np.concatenate([costs[:need], np.full(max(need - K, 0), costs[K - 1])])
    start = 0
    for k in range(1, need + 1):
        if k == need or units[k] != units[start]:
            yield k - start, float(units[start])
            start = k


# ----------------------------------------------------------------------------- LP relaxation


def lp_relaxation(p: Problem, d: SeriesDemand, lay: Layout) -> tuple[np.ndarray, float] | None:
    """Fractional counts and the LP optimum (a lower bound on every rota's objective), or None."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    obj = lp.Objective()
    x = []
    rows = {}
    for c, l in lay.pairs():
        if c not in rows:
            rows[c] = lp.Constraint(float(p.sizes[c]), float(p.sizes[c]))
        v = lp.NumVar(0.0, float(p.sizes[c]), "")
        x.append(v)
        rows[c].SetCoefficient(v, 1.0)
        obj.SetCoefficient(v, float(p.line_cost[c, l] + p.over_cost * lay.onsite_h[c, l]))
    a = []
    for g, s, h in lay.flows:
        v = lp.NumVar(0.0, float(d.need[s, h]), "")
        obj.SetCoefficient(v, -float(p.over_cost))
        a.append(v)
    G, S, H = d.shape
    for (g, h), idx in lay.by_group_hour.items():
        _, here, _ = lay.supply(p, g, h)
        row = lp.Constraint(-lp.infinity(), 0.0)
        for i in idx:
            row.SetCoefficient(a[i], 1.0)
        for k in here:
            row.SetCoefficient(x[k], -1.0)
    for s in range(S):
        for h in np.flatnonzero(d.need[s] > 0):
            n = int(d.need[s, h])
            row = lp.Constraint(float(n), float(n))
            for i in lay.by_series_hour.get((s, int(h)), []):
                row.SetCoefficient(a[i], 1.0)
            for width, unit in _segments(d.cost[s, h], n):
                v = lp.NumVar(0.0, float(width), "")
                row.SetCoefficient(v, 1.0)
                obj.SetCoefficient(v, unit)
    obj.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    frac = np.zeros(p.shape)
    for (c, l), v in zip(lay.pairs(), x):
        frac[c, l] = max(v.solution_value(), 0.0)
    return frac, obj.Value() - 1e-6 * max(abs(obj.Value()), 1.0)


# ----------------------------------------------------------------------------- CP-SAT


@dataclass
class SkillBuilt:
    """The CP-SAT model and its variables."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    a: list[cp_model.IntVar]
    segs: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]]   # (series, hour) -> [(var, width)] cheapest first
    y: dict[tuple[int, int], cp_model.IntVar]                          # (group, line) totals shared by classes
    scale: float
    variables: int


def build(p: Problem, d: SeriesDemand, lay: Layout) -> SkillBuilt:
    """The CP-SAT model of the module docstring, its objective scaled to integers."""
    m = cp_model.CpModel()
    eff = p.line_cost + p.over_cost * lay.onsite_h
    upper = (float(np.sum(p.sizes * np.where(p.pairs, eff, 0).max(axis=1, initial=0)))
             + float(sum(unit * w for s in range(d.need.shape[0]) for h in np.flatnonzero(d.need[s] > 0)
                         for w, unit in _segments(d.cost[s, h], int(d.need[s, h])))))
    scale = objective_scale([eff[p.pairs], d.cost.ravel(), np.array([p.over_cost])], upper)
    terms: list[tuple[cp_model.IntVar, int]] = []
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for c, l in lay.pairs():
        x[c, l] = m.new_int_var(0, int(p.sizes[c]), f"x_{c}_{l}")
        terms.append((x[c, l], round(eff[c, l] * scale)))
    for c in np.unique(lay.pair_c):
        m.add(cp_model.LinearExpr.sum([x[int(c), int(l)] for l in np.flatnonzero(p.pairs[c])]) == int(p.sizes[c]))
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    per_line: dict[tuple[int, int], cp_model.LinearExprT] = {}
    members: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    most: dict[tuple[int, int], int] = {}
    for (c, l), v in x.items():
        key = (int(d.group[c]), l)
        members.setdefault(key, []).append(v)
        most[key] = most.get(key, 0) + int(p.sizes[c])
    for key, vs in members.items():
        if len(vs) == 1:
            per_line[key] = vs[0]
        else:
            y[key] = m.new_int_var(0, most[key], "")
            m.add(y[key] == cp_model.LinearExpr.sum(vs))
            per_line[key] = y[key]
    pairs = lay.pairs()
    reward = round(p.over_cost * scale)
    a = []
    for g, s, h in lay.flows:
        v = m.new_int_var(0, int(d.need[s, h]), f"a_{g}_{s}_{h}")
        a.append(v)
        if reward:
            terms.append((v, -reward))
    for (g, h), idx in lay.by_group_hour.items():
        on, _, absent = lay.supply(p, g, h)
        supply = (cp_model.LinearExpr.sum([per_line[g, l] for l in on])
                  - cp_model.LinearExpr.sum([x[pairs[k]] for k in absent]))
        m.add(cp_model.LinearExpr.sum([a[i] for i in idx]) <= supply)
    segs: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = {}
    for s in range(d.need.shape[0]):
        for h in np.flatnonzero(d.need[s] > 0):
            n, h = int(d.need[s, h]), int(h)
            mine = []
            for width, unit in _segments(d.cost[s, h], n):
                v = m.new_bool_var("") if width == 1 else m.new_int_var(0, width, "")
                mine.append((v, width))
                terms.append((v, round(unit * scale)))
            segs[s, h] = mine
            m.add(cp_model.LinearExpr.sum([a[i] for i in lay.by_series_hour.get((s, h), [])])
                  + cp_model.LinearExpr.sum([v for v, _ in mine]) == n)
    m.minimize(cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [w for _, w in terms]))
    return SkillBuilt(m, x, a, segs, y, scale, len(m.proto.variables))


def hint(b: SkillBuilt, lay: Layout, d: SeriesDemand, counts: np.ndarray, alloc: np.ndarray) -> None:
    """Hint every variable from counts and a feasible allocation of them."""
    for (c, l), v in b.x.items():
        b.model.add_hint(v, int(counts[c, l]))
    for (g, l), v in b.y.items():
        b.model.add_hint(v, int(sum(counts[c, l] for c in np.flatnonzero(d.group == g))))
    for v, (g, s, h) in zip(b.a, lay.flows):
        b.model.add_hint(v, int(alloc[g, s, h]))
    served = alloc.sum(axis=0)
    for (s, h), mine in b.segs.items():
        left = max(int(d.need[s, h] - served[s, h]), 0)
        for v, width in mine:
            take = min(left, width)
            b.model.add_hint(v, take)
            left -= take


def _allocation_of(solver: cp_model.CpSolver, b: SkillBuilt, lay: Layout, d: SeriesDemand) -> np.ndarray:
    alloc = np.zeros(d.shape, dtype=np.int64)
    for v, (g, s, h) in zip(b.a, lay.flows):
        alloc[g, s, h] = solver.value(v)
    return alloc


# ----------------------------------------------------------------------------- solving


def _starts(p: Problem, d: SeriesDemand, lay: Layout, use_lp: bool) -> tuple[Start, np.ndarray, float]:
    """The best of the pooled greedy start and the rounded LP, each split greedily; and the LP bound."""
    def priced(counts: np.ndarray) -> tuple[float, np.ndarray]:
        alloc = greedy_allocation(d, d.on_site(p, counts))
        return sum(evaluate_split(p, d, counts, alloc)[2].values()), alloc

    counts = greedy_start(p)
    value, alloc = priced(counts)
    bound = -math.inf
    if use_lp and (lp := lp_relaxation(p, d, lay)) is not None:
        frac, bound = lp
        rounded = round_counts(frac, p)
        v2, a2 = priced(rounded)
        if v2 < value:
            counts, value, alloc = rounded, v2, a2
    return Start(counts, value, bound), alloc, bound


def solve_by_series(inp: ModelInput, demand: SeriesDemand, *, time_limit_s: float = 30, workers: int = 2,
                    seed: int = 0, progress: Progress | None = None, stop: threading.Event | None = None,
                    warm_start: bool = True, relative_gap: float = 0.0, log_search: bool = False,
                    deterministic_time: float | None = None) -> ModelResult:
    """Choose the counts and the hourly split of every skill group among its series; the best rota
    found when the time limit or `stop` comes first. `inp`'s pooled requirement is only checked;
    each series' need and price come from `demand`."""
    t_start = time.perf_counter()
    limits = Limits(t_start + float(time_limit_s), stop, relative_gap, deterministic_time)
    p = Problem.from_input(inp)
    if demand.need.shape[1] != p.need.shape[0] or demand.group.shape[0] != p.pairs.shape[0]:
        raise ValueError("series demand must have the model's hours and one group per class")
    lay = Layout.of(p, demand)
    start, start_alloc, lp_bound = _starts(p, demand, lay, warm_start)
    b = build(p, demand, lay)
    if warm_start:
        hint(b, lay, demand, start.counts, start_alloc)
    build_s = time.perf_counter() - t_start
    solver = configure_solver(limits, workers, seed, log_search)
    t0 = time.perf_counter()
    watch = ProgressWatch(b.scale, t0, progress)
    watch.offer(objective=start.objective, bound=lp_bound)
    code, _ = run_search(p, b, solver, watch, start, limits, use_repair=False, seed=seed)
    seconds = time.perf_counter() - t0
    status = solver.status_name(code)
    if status == "OPTIMAL" and solver.best_objective_bound < solver.objective_value:
        status = "FEASIBLE"   # stopped at relative_gap_limit: not a proof
    if status in ("INFEASIBLE", "MODEL_INVALID"):
        raise RuntimeError(f"CP-SAT returned {status} for a model that cannot be infeasible")
    best = (start.objective, start.counts, start_alloc)
    if status in ("OPTIMAL", "FEASIBLE"):
        counts = np.zeros(p.shape, dtype=np.int64)
        for (c, l), v in b.x.items():
            counts[c, l] = solver.value(v)
        alloc = _allocation_of(solver, b, lay, demand)
        value = sum(evaluate_split(p, demand, counts, alloc)[2].values())
        if status == "OPTIMAL" or value <= best[0]:
            best = (value, counts, alloc)
    _, counts, alloc = best
    scheduled, short, penalties = evaluate_split(p, demand, counts, alloc)
    objective = sum(penalties.values())
    bound = max(solver.best_objective_bound / b.scale, watch.bound)
    bound = min(bound if math.isfinite(bound) else -math.inf, objective)
    status = "OPTIMAL" if status == "OPTIMAL" else "FEASIBLE"
    gap = 0.0 if status == "OPTIMAL" else max(objective - bound, 0.0) / max(abs(objective), 1e-9)
    return ModelResult(
        counts=counts, status=status, objective=objective, bound=bound, gap=gap, solve_seconds=seconds,
        scheduled=scheduled, shortfall=short.sum(axis=0), penalties=penalties, scale=b.scale,
        build_seconds=build_s, start_objective=start.objective, variables=b.variables, log=tuple(watch.log),
        allocation=alloc,
    )
