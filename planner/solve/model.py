"""The rota model: how many agents of each class work each line (CP-SAT on integer counts).

A per-agent, per-day Boolean model does not scale: its variables grow with headcount times
days, and on four weeks of 1,000 agents CP-SAT finds no rota in a minute (`bench/scale.py`).
Agents with the same hard attributes form a *class*, and a *line* is one legal way to work a
pattern over the horizon, so the solver only chooses an integer count x[c, l] of class c on
line l. The model grows with classes and lines, not with headcount. Naming agents comes after,
in `planner.solve.assign`.

Objective, all in roubles (one list of (term, coefficient) pairs, scaled to integers):
- shortfall: the k-th missing agent in hour h costs shortfall_cost[h, k] (convex, so the
  unit segments fill cheapest first and the LP relaxation is exact);
- pay: line_cost[c, l] per agent of class c on line l;
- over-staffing: over_cost per surplus agent-hour (small, keeps surplus where it helps least).
Service comes first because a missed contact is priced above the pay differences the solver can
still move (premiums, start times); the weights are data, set by the caller.

How it is solved, and why:
- per class, lines that cover the same hours are merged (the cheaper one stays): no symmetry
  (`planner.solve.problem`);
- agents per line y[l] are shared by all classes and absences are subtracted hour by hour, so
  each hour's row has one term per line instead of one per class and line (a smaller LP);
- the LP relaxation (GLOP) is rounded and polished by single-agent moves, and a greedy start is
  built too; the better one is CP-SAT's full hint, and the LP optimum is an immediate bound
  (`planner.solve.warm_start`);
- CP-SAT alone improves a good start slowly on sites short of staff, so one worker runs the
  repair search of `planner.solve.repair` instead; the other workers run CP-SAT on the full
  model, and the better rota wins.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from common.stages import stage

from planner.solve.problem import ModelInput, ModelResult, NoLineError, Problem, unit_costs
from planner.solve.repair import repair_search
from planner.solve.warm_start import SearchState, greedy_start, lp_start

__all__ = ["ModelInput", "ModelResult", "NoLineError", "Progress", "objective_scale", "solve"]

Progress = Callable[[float, float, float], None]


# ----------------------------------------------------------------------------- the CP-SAT model


def objective_scale(coefs: list[np.ndarray], upper: float) -> float:
    """A power of ten turning rouble costs into integers: enough digits that the smallest
    positive cost keeps three significant figures, few enough that the largest possible
    objective stays far inside int64 and CP-SAT's LP stays well conditioned."""
    pos = np.concatenate([np.abs(c[c != 0]).ravel() for c in coefs] + [np.zeros(0)])
    if pos.size == 0 or upper <= 0:
        return 1.0
    p_lo = math.ceil(math.log10(100.0 / pos.min()))
    p_hi = math.floor(math.log10(1e13 / upper))
    return 10.0 ** min(p_lo, p_hi)


@dataclass
class _Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    y: dict[int, cp_model.IntVar]                  # agents per line, where several classes share it
    segs: list[tuple[int, cp_model.IntVar, int]]   # (hour, var, width)
    over: list[cp_model.IntVar]                    # surplus agents per hour
    scale: float
    variables: int


def _build(p: Problem) -> _Built:
    """The CP-SAT counts model; its objective is scaled to integers by `objective_scale`."""
    m = cp_model.CpModel()
    units = unit_costs(p.cost, p.need)
    upper = (float(np.sum(p.sizes * np.nan_to_num(np.where(p.pairs, p.line_cost, 0)).max(axis=1, initial=0)))
             + float(sum(u.sum() for u in units)) + p.over_cost * float(p.sizes.sum()) * p.need.shape[0])
    scale = objective_scale([p.line_cost[p.pairs], p.cost, np.array([p.over_cost])], upper)
    terms: list[tuple[cp_model.IntVar, int]] = []   # the objective: one list of (term, coefficient)
    x = _count_vars(m, p, scale, terms)
    per_line, y = _line_totals(m, p, x)
    segs, overs = _hour_rows(m, p, x, per_line, units, scale, terms)
    m.minimize(cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [w for _, w in terms]))
    return _Built(m, x, y, segs, overs, scale, len(m.proto.variables))


def _count_vars(m: cp_model.CpModel, p: Problem, scale: float,
                terms: list[tuple[cp_model.IntVar, int]]) -> dict[tuple[int, int], cp_model.IntVar]:
    """Counts per class and line, with their pay; every agent works exactly one line of their class."""
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for c in range(p.pairs.shape[0]):
        if p.sizes[c] == 0:
            continue
        ls = np.flatnonzero(p.pairs[c])
        for l in ls:
            x[c, l] = m.new_int_var(0, int(p.sizes[c]), f"x_{c}_{l}")
            terms.append((x[c, l], round(p.line_cost[c, l] * scale)))
        m.add(sum(x[c, l] for l in ls) == int(p.sizes[c]))
    return x


def _line_totals(m: cp_model.CpModel, p: Problem, x: dict[tuple[int, int], cp_model.IntVar]
                 ) -> tuple[dict[int, cp_model.LinearExprT], dict[int, cp_model.IntVar]]:
    """Agents per used line over all classes: the count itself where one class uses the line,
    else a variable y[l] equal to the sum of the classes' counts."""
    C = p.pairs.shape[0]
    per_line: dict[int, cp_model.LinearExprT] = {}
    y: dict[int, cp_model.IntVar] = {}
    for l in sorted({l for (_, l) in x}):
        members = [x[c, l] for c in range(C) if (c, l) in x]
        if len(members) == 1:
            per_line[l] = members[0]
        else:
            y[l] = m.new_int_var(0, int(sum(p.sizes[c] for c in range(C) if (c, l) in x)), f"y_{l}")
            m.add(y[l] == cp_model.LinearExpr.sum(members))
            per_line[l] = y[l]
    return per_line, y


def _absent_terms(p: Problem, x: dict[tuple[int, int], cp_model.IntVar]) -> dict[int, list[cp_model.IntVar]]:
    """Per hour, the counts of lines on site then whose class is absent then."""
    absent = {c: np.flatnonzero(p.avail[c] == 0) for c in range(p.pairs.shape[0]) if (p.avail[c] == 0).any()}
    terms: dict[int, list] = {}
    for c, hours in absent.items():
        for l in np.flatnonzero(p.pairs[c]):
            if (c, l) not in x:
                continue
            for h in hours[p.cov[l, hours] == 1]:
                terms.setdefault(int(h), []).append(x[c, l])
    return terms


def _hour_rows(m: cp_model.CpModel, p: Problem, x: dict[tuple[int, int], cp_model.IntVar],
               per_line: dict[int, cp_model.LinearExprT], units: list[np.ndarray], scale: float,
               terms: list[tuple[cp_model.IntVar, int]]
               ) -> tuple[list[tuple[int, cp_model.IntVar, int]], list[cp_model.IntVar]]:
    """Per hour: on site + shortfall segments - surplus == need. Absences are subtracted hour by
    hour, so the rows stay short: sum_l cov[l,h] * y[l] - sum_{c,l} cov[l,h] (1 - avail[c,h]) x[c,l]."""
    H = p.need.shape[0]
    used = list(per_line)
    used_arr = np.array(used, dtype=np.int64)
    covT = p.cov[used_arr].T if used else np.zeros((H, 0), dtype=np.int64)
    absent_terms = _absent_terms(p, x)
    total = int(p.sizes.sum())
    segs: list[tuple[int, cp_model.IntVar, int]] = []
    overs = []
    for h in range(H):
        on = used_arr[covT[h] == 1]
        sched = cp_model.LinearExpr.sum([per_line[l] for l in on]) - cp_model.LinearExpr.sum(absent_terms.get(h, []))
        short = []
        n = int(p.need[h])
        if n > 0:
            u = np.round(units[h] * scale).astype(np.int64)
            start = 0
            for k in range(1, n + 1):   # merge runs of equal cost into one segment
                if k == n or u[k] != u[start]:
                    width = k - start
                    v = (m.new_bool_var(f"s_{h}_{start}") if width == 1
                         else m.new_int_var(0, width, f"s_{h}_{start}"))
                    segs.append((h, v, width))
                    short.append(v)
                    terms.append((v, int(u[start])))
                    start = k
        over = m.new_int_var(0, max(total - n, 0), f"over_{h}")
        overs.append(over)
        terms.append((over, round(p.over_cost * scale)))
        m.add(sched + cp_model.LinearExpr.sum(short) - over == n)
    return segs, overs


def _hint(b: _Built, counts: np.ndarray, p: Problem) -> None:
    """Hint every variable from a feasible counts matrix (a full hint is used as is)."""
    for (c, l), v in b.x.items():
        b.model.add_hint(v, int(counts[c, l]))
    scheduled = p.scheduled(counts)
    left = np.maximum(p.need - scheduled, 0)
    for h, v, w in b.segs:   # segments of an hour come in increasing cost order
        take = int(min(left[h], w))
        b.model.add_hint(v, take)
        left[h] -= take
    for h, v in enumerate(b.over):
        b.model.add_hint(v, int(max(scheduled[h] - p.need[h], 0)))
    for l, v in b.y.items():
        b.model.add_hint(v, int(counts[:, l].sum()))


# ----------------------------------------------------------------------------- solving


class ProgressWatch(cp_model.CpSolverSolutionCallback):
    """The best objective (from CP-SAT or the repair search) and CP-SAT's bound, reported as
    (seconds, objective, bound) in roubles whenever either improves."""

    def __init__(self, scale: float, t0: float, report: Progress | None) -> None:
        super().__init__()
        self._scale, self._t0, self._report = scale, t0, report
        self._lock = threading.Lock()
        self.objective = math.inf
        self.bound = -math.inf
        self.log: list[tuple[float, float, float]] = []

    def on_solution_callback(self) -> None:
        self.offer(objective=self.objective_value / self._scale, bound=self.best_objective_bound / self._scale)

    def on_bound(self, bound: float) -> None:
        self.offer(bound=bound / self._scale)

    def offer(self, objective: float = math.inf, bound: float = -math.inf) -> None:
        with self._lock:
            if objective >= self.objective and bound <= self.bound:
                return
            self.objective = min(self.objective, objective)
            self.bound = max(self.bound, bound)
            item = (time.perf_counter() - self._t0, self.objective, self.bound)
            self.log.append(item)
        if self._report is not None and math.isfinite(item[1]):
            self._report(*item)


@dataclass(frozen=True)
class Start:
    """The warm start: the better of the greedy and rounded-LP rotas, and the LP bound."""

    counts: np.ndarray
    objective: float    # roubles, exact costs
    bound: float        # the LP optimum, or -inf without it


@dataclass(frozen=True)
class Limits:
    """When the search stops, besides the wall-clock deadline."""

    deadline: float                    # time.perf_counter() seconds
    stop: threading.Event | None
    relative_gap: float
    deterministic_time: float | None


def _warm_start(p: Problem, use_lp: bool) -> Start:
    """The greedy start, replaced by the rounded LP start when that is better (if `use_lp`)."""
    start = greedy_start(p)
    start_obj = p.objective(start)
    lp_bound = -math.inf
    if use_lp and (lp := lp_start(p)) is not None:
        rounded, lp_bound = lp
        lp_obj = p.objective(rounded)
        if lp_obj < start_obj:
            start, start_obj = rounded, lp_obj
    return Start(start, start_obj, lp_bound)


def configure_solver(limits: Limits, workers: int, seed: int, log_search: bool) -> cp_model.CpSolver:
    """A CP-SAT solver for the time left, on `workers` threads."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.catch_sigint_signal = False   # Ctrl-C is the command's: CP-SAT's own handler ended the process
    prm.max_time_in_seconds = max(limits.deadline - time.perf_counter(), 0.01)
    prm.num_workers = int(workers)
    prm.random_seed = int(seed)
    if limits.deterministic_time is not None:
        prm.max_deterministic_time = float(limits.deterministic_time)
    prm.log_search_progress = bool(log_search)
    if limits.relative_gap > 0:
        prm.relative_gap_limit = float(limits.relative_gap)
    return solver


def run_search(p: Problem, b: _Built, solver: cp_model.CpSolver, watch: ProgressWatch, start: Start,
         limits: Limits, *, use_repair: bool, seed: int) -> tuple[int, list[tuple[float, np.ndarray]]]:
    """CP-SAT in its own thread and, if `use_repair`, the repair search in this one, until
    CP-SAT ends or a limit is reached. Returns CP-SAT's status code and every rota found
    outside CP-SAT as (objective, counts), the warm start first."""
    solver.best_bound_callback = watch.on_bound
    done = threading.Event()
    found: list[tuple[float, np.ndarray]] = [(start.objective, start.counts)]
    result: dict[str, int] = {}

    def run_cp_sat() -> None:
        result["code"] = solver.solve(b.model, watch)
        done.set()

    def halted() -> bool:
        if done.is_set():
            return True
        if limits.stop is not None and limits.stop.is_set():
            return True
        # with a deterministic limit only CP-SAT's own gap test stops it, so the rota stays reproducible
        return (limits.relative_gap > 0 and limits.deterministic_time is None
                and watch.objective - watch.bound <= limits.relative_gap * abs(watch.objective))

    def better(counts: np.ndarray, value: float) -> None:
        found.append((value, counts))
        watch.offer(objective=value)

    cp_thread = threading.Thread(target=run_cp_sat, daemon=True)
    cp_thread.start()
    try:
        if use_repair:
            repair_search(SearchState.start(p, start.counts), b.scale, limits.deadline, seed=seed,
                          should_stop=halted, improved=better)
        while not done.wait(0.05):
            if halted():
                break
    finally:
        if not done.is_set():
            solver.stop_search()
        cp_thread.join()
    return result["code"], found


def _reconcile(p: Problem, b: _Built, solver: cp_model.CpSolver, code: int,
               found: list[tuple[float, np.ndarray]], watch: ProgressWatch) -> tuple[str, np.ndarray, float]:
    """The status to report, the best counts (CP-SAT's when it proved them optimal) and the
    best bound in roubles. `found` gets CP-SAT's rota appended."""
    status = solver.status_name(code)
    if status == "OPTIMAL" and solver.best_objective_bound < solver.objective_value:
        status = "FEASIBLE"   # CP-SAT says OPTIMAL when it stops at relative_gap_limit: not a proof
    if status in ("INFEASIBLE", "MODEL_INVALID"):
        raise RuntimeError(f"CP-SAT returned {status} for a model that cannot be infeasible")
    if status in ("OPTIMAL", "FEASIBLE"):
        counts = np.zeros(p.shape, dtype=np.int64)
        for (c, l), v in b.x.items():
            counts[c, l] = solver.value(v)
        found.append((p.objective(counts), counts))
    _, counts = min(found, key=lambda f: f[0])
    if status == "OPTIMAL":
        _, counts = found[-1]
    bound = max(solver.best_objective_bound / b.scale, watch.bound)
    return ("OPTIMAL" if status == "OPTIMAL" else "FEASIBLE"), counts, bound


def solve(inp: ModelInput, *, time_limit_s: float = 30, workers: int = 2, seed: int = 0,
          progress: Progress | None = None, stop: threading.Event | None = None,
          warm_start: bool = True, repair: bool = True, relative_gap: float = 0.0,
          log_search: bool = False, deterministic_time: float | None = None) -> ModelResult:
    """Choose the counts; return the best rota found when the time limit or `stop` comes first.

    The time limit covers everything (checks, warm start, model building, search). With two
    or more workers, one of them runs the repair search next to CP-SAT (which proves the
    bound and searches too); the better rota wins. Raises NoLineError before solving when a
    class with agents has no allowed line. Every agent works one line of their class and
    shortfall is soft, so the model is always feasible: a run stopped before CP-SAT's first
    solution returns the warm start (status FEASIBLE). `progress(t, objective, bound)` is
    called from the solver's threads whenever the best rota or the bound improves.
    With `deterministic_time` CP-SAT also stops after that much deterministic work and the
    wall-clock repair search is off, so with one worker and a fixed seed the result does not
    depend on machine load (as long as the wall-clock limit is not reached first).
    """
    t_start = time.perf_counter()
    limits = Limits(t_start + float(time_limit_s), stop, relative_gap, deterministic_time)
    with stage("LP start"):
        p = Problem.from_input(inp)
        start = _warm_start(p, warm_start)
    with stage("model build"):
        b = _build(p)
        if warm_start:
            _hint(b, start.counts, p)
    build_s = time.perf_counter() - t_start

    use_repair = repair and workers >= 2 and deterministic_time is None
    solver = configure_solver(limits, workers - 1 if use_repair else workers, seed, log_search)
    t0 = time.perf_counter()
    watch = ProgressWatch(b.scale, t0, progress)
    watch.offer(objective=start.objective, bound=start.bound)
    with stage("CP-SAT and repair" if use_repair else "CP-SAT"):
        code, found = run_search(p, b, solver, watch, start, limits, use_repair=use_repair, seed=seed)
    seconds = time.perf_counter() - t0

    status, counts, bound = _reconcile(p, b, solver, code, found, watch)
    counts = counts.copy()
    counts[p.sizes == 0] = 0
    scheduled, short, penalties = p.evaluate(counts)
    objective = sum(penalties.values())
    if not math.isfinite(bound):
        bound = -math.inf
    bound = min(bound, objective)
    gap = 0.0 if status == "OPTIMAL" else max(objective - bound, 0.0) / max(abs(objective), 1e-9)
    return ModelResult(
        counts=counts, status=status, objective=objective, bound=bound, gap=gap,
        solve_seconds=seconds, scheduled=scheduled, shortfall=short, penalties=penalties,
        scale=b.scale, build_seconds=build_s, start_objective=start.objective,
        variables=b.variables, log=tuple(watch.log),
    )
