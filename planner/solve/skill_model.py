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
split is the exact one for those counts (`best_split`).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from planner.solve.allocation import SeriesDemand, evaluate_split, greedy_allocation, series_penalty
from planner.solve.model import Limits, ProgressWatch, Start, configure_solver, objective_scale, run_search
from planner.solve.problem import ModelInput, ModelResult, Problem
from planner.solve.warm_start import greedy_start, round_counts

Progress = Callable[[float, float, float], None]
LOCAL_SHARE = 0.85  # of the time left after the start: the dual-guided local search, before CP-SAT


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
    watched: dict[tuple[int, int], list[int]]         # series-hours with an empty-hour price -> groups able

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
        watched: dict[tuple[int, int], list[int]] = {}
        if d.empty is not None:
            for s, h in zip(*np.nonzero(d.empty > 0)):
                groups = [int(g) for g in np.flatnonzero(d.serves[:, s] & present[:, h])]
                if groups:   # with no group able, the price is a constant of every rota
                    watched[int(s), int(h)] = groups
        return cls(pc, pl, group_pairs, group_lines, onsite_h, flows, by_gh, by_sh, watched)

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


def linear_model(p: Problem, d: SeriesDemand, lay: Layout, solver: str = "GLOP", integer: bool = False):
    """The skill model for a pywraplp solver: (solver, objective, x per pair, a per flow), or None
    when the solver is not available. Continuous: the LP relaxation; `integer`: the same MIP as the
    CP-SAT model (shortfall segments stay continuous: integral at any optimum)."""
    lp = pywraplp.Solver.CreateSolver(solver)
    if lp is None:
        return None
    var = lp.IntVar if integer else lp.NumVar
    obj = lp.Objective()
    x = []
    rows = {}
    for c, l in lay.pairs():
        if c not in rows:
            rows[c] = lp.Constraint(float(p.sizes[c]), float(p.sizes[c]))
        v = var(0.0, float(p.sizes[c]), "")
        x.append(v)
        rows[c].SetCoefficient(v, 1.0)
        obj.SetCoefficient(v, float(p.line_cost[c, l] + p.over_cost * lay.onsite_h[c, l]))
    a = []
    for g, s, h in lay.flows:
        v = var(0.0, float(d.need[s, h]), "")
        obj.SetCoefficient(v, -float(p.over_cost))
        a.append(v)
    G, S, H = d.shape
    # agents of a group per line (shared by its classes), then on site per group and hour: each
    # count appears in a few short rows instead of in every row that needs the group's supply
    total: dict[tuple[int, int], pywraplp.Variable] = {}
    defining: dict[tuple[int, int], pywraplp.Constraint] = {}
    for k, (c, l) in enumerate(lay.pairs()):
        key = (int(d.group[c]), l)
        if key not in total:
            total[key] = lp.NumVar(0.0, lp.infinity(), "")
            defining[key] = lp.Constraint(0.0, 0.0)
            defining[key].SetCoefficient(total[key], 1.0)
        defining[key].SetCoefficient(x[k], -1.0)
    on_site: dict[tuple[int, int], pywraplp.Variable] = {}

    def supply(g: int, h: int) -> pywraplp.Variable:
        if (g, h) not in on_site:
            on, _, absent = lay.supply(p, g, h)
            v = lp.NumVar(0.0, lp.infinity(), "")
            row = lp.Constraint(0.0, 0.0)
            row.SetCoefficient(v, 1.0)
            for l in on:
                row.SetCoefficient(total[g, l], -1.0)
            for k in absent:
                row.SetCoefficient(x[k], 1.0)
            on_site[g, h] = v
        return on_site[g, h]

    for (g, h), idx in lay.by_group_hour.items():
        row = lp.Constraint(-lp.infinity(), 0.0)
        for i in idx:
            row.SetCoefficient(a[i], 1.0)
        row.SetCoefficient(supply(g, h), -1.0)
    for (s, h), groups in lay.watched.items():   # 24/7: someone on site who may serve s, or pay
        e = lp.NumVar(0.0, 1.0, "")
        obj.SetCoefficient(e, float(d.empty[s, h]))
        row = lp.Constraint(1.0, lp.infinity())
        row.SetCoefficient(e, 1.0)
        for g in groups:
            row.SetCoefficient(supply(g, h), 1.0)
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
    return lp, obj, x, a


#: HiGHS's interior-point method solves this degenerate LP about twice as fast as a simplex; its
#: optimum (no crossover) is within 1e-8 of the vertex one, far inside the bound's own margin.
_IPM = "solver=ipm\nrun_crossover=off\noutput_flag=false\nlog_to_console=false"


def lp_relaxation(p: Problem, d: SeriesDemand, lay: Layout) -> tuple[np.ndarray, float] | None:
    """Fractional counts and the LP optimum (a lower bound on every rota's objective), or None.
    HiGHS's interior point where it is available, else GLOP."""
    highs = linear_model(p, d, lay, "HIGHS")
    built = highs or linear_model(p, d, lay)
    if built is None:
        return None
    lp, obj, x, _ = built
    if highs is not None:
        lp.SetSolverSpecificParametersAsString(_IPM)
        lp.SuppressOutput()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    frac = np.zeros(p.shape)
    for (c, l), v in zip(lay.pairs(), x):
        frac[c, l] = max(v.solution_value(), 0.0)
    return frac, obj.Value() - 1e-6 * max(abs(obj.Value()), 1.0)


@dataclass(frozen=True)
class Split:
    """The cheapest split of a rota's agents among series, and what one more agent would save."""

    alloc: np.ndarray     # (G, S, H) agents of each group on each series
    worth: np.ndarray     # (G, H) roubles one more agent of group g on site in hour h would save


class SplitLP:
    """The cheapest split of a rota's agents on site among the series they may serve (GLOP).

    With the agents on site fixed, each hour is a transportation problem with convex costs:
    every variable is in one group row and one series row, so the matrix is totally unimodular and
    the LP's vertex optimum is whole. The group rows' duals say what one more agent is worth.
    Built once; each rota only changes the group rows' right-hand sides, and GLOP starts again
    from the last basis."""

    def __init__(self, d: SeriesDemand, lay: Layout, over_cost: float) -> None:
        self.d, self.lay = d, lay
        self._set: dict[tuple[int, int], int] = {}
        lp = pywraplp.Solver.CreateSolver("GLOP")
        self.lp = lp
        if lp is None:
            return
        obj = lp.Objective()
        self.a = [lp.NumVar(0.0, float(d.need[s, h]), "") for g, s, h in lay.flows]
        for v in self.a:
            obj.SetCoefficient(v, -float(over_cost))
        self.rows = {}
        for (g, h), idx in lay.by_group_hour.items():
            row = lp.Constraint(-lp.infinity(), 0.0)
            self.rows[g, h] = row
            for k in idx:
                row.SetCoefficient(self.a[k], 1.0)
        for s in range(d.need.shape[0]):
            for h in np.flatnonzero(d.need[s] > 0):
                n = int(d.need[s, h])
                row = lp.Constraint(float(n), float(n))
                for k in lay.by_series_hour.get((s, int(h)), []):
                    row.SetCoefficient(self.a[k], 1.0)
                for width, unit in _segments(d.cost[s, h], n):
                    v = lp.NumVar(0.0, float(width), "")
                    row.SetCoefficient(v, 1.0)
                    obj.SetCoefficient(v, unit)
        obj.SetMinimization()

    def value(self, on_site: np.ndarray) -> float | None:
        """The split's own cost (shortfall less the reward for agents serving) for these agents on
        site per group and hour, or None when GLOP fails. Only rows whose agents changed are reset."""
        if self.lp is None:
            return None
        for (g, h), row in self.rows.items():
            if self._set.get((g, h)) != on_site[g, h]:
                row.SetUb(float(on_site[g, h]))
                self._set[g, h] = on_site[g, h]
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.lp.Objective().Value()

    def last(self) -> Split:
        """The split of the last `value` call, with the group rows' duals."""
        alloc = np.zeros(self.d.shape, dtype=np.int64)
        for v, (g, s, h) in zip(self.a, self.lay.flows):
            alloc[g, s, h] = int(round(v.solution_value()))
        worth = np.zeros((self.d.serves.shape[0], self.d.need.shape[1]))
        for (g, h), row in self.rows.items():
            worth[g, h] = max(-row.dual_value(), 0.0)
        return Split(alloc, worth)

    def solve(self, on_site: np.ndarray) -> Split | None:
        """The split of these agents on site per group and hour, or None when GLOP fails."""
        return None if self.value(on_site) is None else self.last()


def best_split(p: Problem, d: SeriesDemand, lay: Layout, counts: np.ndarray) -> Split | None:
    """The cheapest split of a rota's agents (see `SplitLP`), solved once."""
    return SplitLP(d, lay, p.over_cost).solve(d.on_site(p, counts))


def improve(p: Problem, d: SeriesDemand, lay: Layout, counts: np.ndarray, value: float, alloc: np.ndarray,
            deadline: float, should_stop: Callable[[], bool] = lambda: False,
            improved: Callable[[np.ndarray, np.ndarray, float], None] = lambda c, a, v: None
            ) -> tuple[np.ndarray, np.ndarray, float]:
    """Move agents between the lines of their class where the split's duals say it pays, keep a
    move only if the exact split of the new rota is cheaper; repeat until no move pays or time is up.

    The duals price one more (or one fewer) agent of a group in an hour, so each candidate move is
    scored in one matrix product; the exact re-split (one LP, warm) then accepts or rejects it. A
    move is one agent of class c from line l to line l': on-site hours change for c's group only."""
    eff = p.line_cost + p.over_cost * lay.onsite_h
    classes = [int(c) for c in np.unique(lay.pair_c) if np.count_nonzero(p.pairs[c]) > 1]
    lines = {c: np.flatnonzero(p.pairs[c]) for c in classes}
    rows = {c: (p.cov[lines[c]] * p.avail[c]).astype(np.int8) for c in classes}
    tabu: set[tuple[int, int, int]] = set()
    splitter = SplitLP(d, lay, p.over_cost)
    on_site = d.on_site(p, counts)
    split = splitter.solve(on_site)
    while split is not None and time.perf_counter() < deadline and not should_stop():
        moves = []
        for c in classes:
            ls = lines[c]
            score = rows[c] @ split.worth[d.group[c]] - eff[c, ls]
            held = np.flatnonzero(counts[c, ls] > 0)
            best = None
            for src in held[np.argsort(score[held])][:3]:      # its three least useful lines held, to its best four
                for dst in np.argsort(-score)[:4]:
                    if dst != src and (c, int(src), int(dst)) not in tabu:
                        gain = float(score[dst] - score[src])
                        if best is None or gain > best[0]:
                            best = (gain, c, int(src), int(dst))
            if best is not None:
                moves.append(best)
        if not moves:
            break
        moves.sort(reverse=True)
        paying = [m for m in moves if m[0] > 1e-6]
        # the best eight the duals say pay, at once; else one by one, also those the duals doubt
        for batch in ([paying[:8]] if len(paying) > 1 else []) + [[m] for m in moves[:4]]:
            trial, trial_on = counts.copy(), on_site.copy()
            for _, c, src, dst in batch:
                trial[c, lines[c][src]] -= 1
                trial[c, lines[c][dst]] += 1
                trial_on[d.group[c]] += rows[c][dst].astype(np.int64) - rows[c][src]
            lp_value = splitter.value(trial_on)
            if lp_value is None:
                break
            # pay + every agent-hour on site at over_cost + the split's own cost (which rewards each
            # agent serving with over_cost) + the 24/7 price: the exact total without reading the split
            v = (float(np.sum(trial * np.nan_to_num(p.line_cost))) + p.over_cost * float(trial_on.sum())
                 + lp_value + d.empty_cost(trial_on))
            if v < value - 1e-6:
                new = splitter.last()
                counts, on_site, alloc, split = trial, trial_on, new.alloc, new
                value = _priced(p, d, counts, on_site, alloc)
                improved(counts, alloc, value)
                break
            if len(batch) == 1:   # a single move that does not pay is not tried again from here
                tabu.add(batch[0][1:])
    return counts, alloc, value


def _priced(p: Problem, d: SeriesDemand, counts: np.ndarray, on_site: np.ndarray, alloc: np.ndarray) -> float:
    """`evaluate_split`'s total from the agents on site already known: pay, idle agent-hours,
    each series' shortfall and the 24/7 price of series-hours nobody on site may serve."""
    served = alloc.sum(axis=0)
    pay = float(np.sum(np.where(counts > 0, counts * np.nan_to_num(p.line_cost), 0.0)))
    idle = float(on_site.sum() - served.sum())
    return pay + p.over_cost * idle + series_penalty(np.maximum(d.need - served, 0), d.cost) + d.empty_cost(on_site)


def best_allocation(p: Problem, d: SeriesDemand, lay: Layout, counts: np.ndarray) -> np.ndarray | None:
    """The allocation of `best_split`, or None."""
    split = best_split(p, d, lay, counts)
    return None if split is None else split.alloc


# ----------------------------------------------------------------------------- CP-SAT


@dataclass
class SkillBuilt:
    """The CP-SAT model and its variables."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    a: list[cp_model.IntVar]
    segs: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]]   # (series, hour) -> [(var, width)] cheapest first
    y: dict[tuple[int, int], cp_model.IntVar]                          # (group, line) totals shared by classes
    empty: dict[tuple[int, int], cp_model.IntVar]                      # (series, hour) nobody able on site
    scale: float
    variables: int


def build(p: Problem, d: SeriesDemand, lay: Layout) -> SkillBuilt:
    """The CP-SAT model of the module docstring, its objective scaled to integers."""
    m = cp_model.CpModel()
    eff = p.line_cost + p.over_cost * lay.onsite_h
    upper = (float(np.sum(p.sizes * np.where(p.pairs, eff, 0).max(axis=1, initial=0)))
             + float(sum(unit * w for s in range(d.need.shape[0]) for h in np.flatnonzero(d.need[s] > 0)
                         for w, unit in _segments(d.cost[s, h], int(d.need[s, h])))))
    if d.empty is not None:
        upper += float(d.empty.sum())
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
    supplies: dict[tuple[int, int], cp_model.LinearExprT] = {}

    def supply(g: int, h: int) -> cp_model.LinearExprT:
        if (g, h) not in supplies:
            on, _, absent = lay.supply(p, g, h)
            supplies[g, h] = (cp_model.LinearExpr.sum([per_line[g, l] for l in on])
                              - cp_model.LinearExpr.sum([x[pairs[k]] for k in absent]))
        return supplies[g, h]

    for (g, h), idx in lay.by_group_hour.items():
        m.add(cp_model.LinearExpr.sum([a[i] for i in idx]) <= supply(g, h))
    empty: dict[tuple[int, int], cp_model.IntVar] = {}
    for (s, h), groups in lay.watched.items():   # 24/7: someone on site who may serve s, or pay
        e = m.new_bool_var("")
        empty[s, h] = e
        terms.append((e, round(float(d.empty[s, h]) * scale)))
        m.add(cp_model.LinearExpr.sum([supply(g, h) for g in groups]) + e >= 1)
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
    return SkillBuilt(m, x, a, segs, y, empty, scale, len(m.proto.variables))


def hint(b: SkillBuilt, lay: Layout, d: SeriesDemand, counts: np.ndarray, alloc: np.ndarray,
         on_site: np.ndarray) -> None:
    """Hint every variable from counts, the agents they put on site per group, and a feasible
    allocation of them."""
    for (c, l), v in b.x.items():
        b.model.add_hint(v, int(counts[c, l]))
    for (g, l), v in b.y.items():
        b.model.add_hint(v, int(sum(counts[c, l] for c in np.flatnonzero(d.group == g))))
    for v, (g, s, h) in zip(b.a, lay.flows):
        b.model.add_hint(v, int(alloc[g, s, h]))
    able = d.able(on_site)
    for (s, h), v in b.empty.items():
        b.model.add_hint(v, int(able[s, h] == 0))
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
        alloc = best_allocation(p, d, lay, counts)
        if alloc is None:
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
        hint(b, lay, demand, start.counts, start_alloc, demand.on_site(p, start.counts))
    build_s = time.perf_counter() - t_start
    t0 = time.perf_counter()
    watch = ProgressWatch(b.scale, t0, progress)
    watch.offer(objective=start.objective, bound=lp_bound)
    if deterministic_time is None:   # wall-clock local search first, then CP-SAT from its rota
        left = limits.deadline - time.perf_counter()
        counts, alloc, value = improve(p, demand, lay, start.counts, start.objective, start_alloc,
                                       time.perf_counter() + LOCAL_SHARE * left,
                                       should_stop=lambda: stop is not None and stop.is_set(),
                                       improved=lambda c, a, v: watch.offer(objective=v))
        if value < start.objective:
            start, start_alloc = Start(counts, value, start.bound), alloc
            b.model.clear_hints()
            hint(b, lay, demand, start.counts, start_alloc, demand.on_site(p, start.counts))
        # a local search that ran out of moves early leaves CP-SAT its share of the time, not all of it
        limits = dataclasses.replace(limits, deadline=min(limits.deadline,
                                                          time.perf_counter() + (1 - LOCAL_SHARE) * left))
    solver = configure_solver(limits, workers, seed, log_search)
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
