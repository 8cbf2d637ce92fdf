"""The skill-aware model as linear programs: its LP relaxation (the start and the first bound), the
exact split of a rota's agents among series with its duals (`SplitLP`, which guides the local
search of `skill_search`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from planner.solve.allocation import SeriesDemand
from planner.solve.problem import Problem
from planner.solve.skill_layout import Layout, segments

# ----------------------------------------------------------------------------- LP relaxation


def _series_rows(lp: pywraplp.Solver, d: SeriesDemand, lay: Layout, a: list) -> None:
    """Per series and hour with need: the agents serving it plus its priced shortfall segments
    equal its need (the rows the LP relaxation and the split LP share)."""
    obj = lp.Objective()
    for s in range(d.need.shape[0]):
        for h in np.flatnonzero(d.need[s] > 0):
            n = int(d.need[s, h])
            row = lp.Constraint(float(n), float(n))
            for i in lay.by_series_hour.get((s, int(h)), []):
                row.SetCoefficient(a[i], 1.0)
            for width, unit in segments(d.cost[s, h], n):
                v = lp.NumVar(0.0, float(width), "")
                row.SetCoefficient(v, 1.0)
                obj.SetCoefficient(v, unit)


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
    _series_rows(lp, d, lay, a)
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
        _series_rows(lp, d, lay, self.a)
        obj.SetMinimization()
        # where each split variable and group row sits in GLOP's solution, read back in one piece
        self._flows = tuple(np.array(lay.flows, dtype=np.int64).reshape(-1, 3).T)
        self._a_at = np.array([v.index() for v in self.a], dtype=np.int64)
        self._rows_gh = tuple(np.array(list(self.rows), dtype=np.int64).reshape(-1, 2).T)
        self._rows_at = np.array([row.index() for row in self.rows.values()], dtype=np.int64)

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
        got = linear_solver_pb2.MPSolutionResponse()   # every value and dual at once: a call per
        self.lp.FillSolutionResponseProto(got)          # variable took most of a local-search step
        alloc = np.zeros(self.d.shape, dtype=np.int64)
        alloc[self._flows] = np.rint(np.asarray(got.variable_value)[self._a_at])
        worth = np.zeros((self.d.serves.shape[0], self.d.need.shape[1]))
        worth[self._rows_gh] = np.maximum(-np.asarray(got.dual_value)[self._rows_at], 0.0)
        return Split(alloc, worth)

    def solve(self, on_site: np.ndarray) -> Split | None:
        """The split of these agents on site per group and hour, or None when GLOP fails."""
        return None if self.value(on_site) is None else self.last()
