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
agent serving. The 24/7 rule is a Boolean per series-hour with demand: someone on site who may
serve the series, or its `empty` price.

How it is solved (`skill_lp`, `skill_search`): the LP relaxation gives the first bound and, rounded,
a start whose split is the exact one for those counts; CP-SAT alone improves such a start slowly,
so a local search guided by the split's duals (each move kept only when the exact split of the new
rota is cheaper) takes LOCAL_SHARE of the time left, and CP-SAT then searches from its rota and
proves what it can of the bound. Under a deterministic limit (scenarios, sizing, `[solver]
deterministic_time`) the limit is one budget of work, so the rota is reproducible: the local search
may price up to TRIALS_PER_UNIT moves per unit, and CP-SAT gets the units its trials left. A local
search that settles early (small sites) leaves nearly all of it to CP-SAT, which proves such rotas;
on thousands of agents the local search improves the rota many times faster than CP-SAT (on a
5,000-agent site, 20 units of CP-SAT after 200 trials found nothing better; 1,600 trials took the
gap from 0.66 % to 0.31 %), so there it uses the budget itself.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from common.stages import stage

from planner.solve.allocation import SeriesDemand, evaluate_split, greedy_allocation
from planner.solve.model import (
    Limits,
    ProgressWatch,
    Start,
    configure_solver,
    objective_scale,
    run_search,
)
from planner.solve.problem import ModelInput, ModelResult, Problem
from planner.solve.skill_layout import Layout, segments
from planner.solve.skill_lp import SplitLP, lp_relaxation
from planner.solve.skill_search import improve
from planner.solve.warm_start import greedy_start, round_counts

Progress = Callable[[float, float, float], None]
LOCAL_SHARE = 0.85  # of the time left after the start: the dual-guided local search, before CP-SAT
#: under a deterministic limit, local-search trials per unit of CP-SAT work (one unit, 80 trials and
#: one CP-SAT deterministic second each take about a second on a 5,000-agent site)
TRIALS_PER_UNIT = 80
MIN_CP_WORK = 0.5      # deterministic seconds: less left after the local search, and CP-SAT is not started


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
                         for w, unit in segments(d.cost[s, h], int(d.need[s, h])))))
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
            for width, unit in segments(d.cost[s, h], n):
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


def _within_gap(bound: float, relative_gap: float) -> float:
    """The objective at which a rota is proven within `relative_gap` of `bound` (-inf: none is)."""
    if relative_gap <= 0 or not math.isfinite(bound) or bound <= 0:
        return -math.inf
    return bound / (1 - relative_gap)


def _close_enough(objective: float, bound: float, relative_gap: float) -> bool:
    """Whether a rota is proven within `relative_gap` of the best possible (a limit of 0: never)."""
    return relative_gap > 0 and math.isfinite(bound) and objective - bound <= relative_gap * abs(objective)


def _start(p: Problem, d: SeriesDemand, lay: Layout, splitter: SplitLP, lp: tuple[np.ndarray, float] | None
           ) -> tuple[Start, np.ndarray, float]:
    """The rounded LP relaxation `lp` (the pooled greedy start where there is none) with the exact
    split of its agents; and the LP bound. The pooled start ignores skills: on the sample it is 35 %
    dearer than the rounded LP, so it only stands in."""
    counts = round_counts(lp[0], p) if lp is not None else greedy_start(p)
    bound = lp[1] if lp is not None else -math.inf
    split = splitter.solve(d.on_site(p, counts))
    alloc = split.alloc if split is not None else greedy_allocation(d, d.on_site(p, counts))
    return Start(counts, sum(evaluate_split(p, d, counts, alloc)[2].values()), bound), alloc, bound


def solve_by_series(inp: ModelInput, demand: SeriesDemand, *, time_limit_s: float = 30, workers: int = 2,
                    seed: int = 0, progress: Progress | None = None, stop: threading.Event | None = None,
                    warm_start: bool = True, relative_gap: float = 0.0, log_search: bool = False,
                    deterministic_time: float | None = None) -> ModelResult:
    """Choose the counts and the hourly split of every skill group among its series; the best rota
    found when the time limit or `stop` comes first. `inp`'s pooled requirement is only checked;
    each series' need and price come from `demand`."""
    t_start = time.perf_counter()
    limits = Limits(t_start + float(time_limit_s), stop, relative_gap, deterministic_time)
    with stage("LP start and model"), ThreadPoolExecutor(1) as beside:
        p = Problem.from_input(inp)
        if demand.need.shape[1] != p.need.shape[0] or demand.group.shape[0] != p.pairs.shape[0]:
            raise ValueError("series demand must have the model's hours and one group per class")
        lay = Layout.of(p, demand)
        # the LP solver works outside the GIL: the split LP and the CP-SAT model are built meanwhile
        relaxed = beside.submit(lp_relaxation, p, demand, lay) if warm_start else None
        splitter = SplitLP(demand, lay, p.over_cost)
        b = build(p, demand, lay)
        start, start_alloc, lp_bound = _start(p, demand, lay, splitter, relaxed and relaxed.result())
        if warm_start:
            hint(b, lay, demand, start.counts, start_alloc, demand.on_site(p, start.counts))
    build_s = time.perf_counter() - t_start
    t0 = time.perf_counter()
    watch = ProgressWatch(b.scale, t0, progress)
    watch.offer(objective=start.objective, bound=lp_bound)
    start_value = start.objective   # the rota the model was hinted with
    if warm_start:   # the local search first (by the clock, or by a count of trials), then CP-SAT
        left = limits.deadline - time.perf_counter()
        timed = deterministic_time is None
        with stage("local search"):
            counts, alloc, value, trials = improve(
                p, demand, lay, start.counts, start.objective, start_alloc,
                time.perf_counter() + (LOCAL_SHARE * left if timed else left),
                should_stop=lambda: stop is not None and stop.is_set(),
                improved=lambda c, a, v: watch.offer(objective=v),
                max_trials=None if timed else round(TRIALS_PER_UNIT * deterministic_time),
                splitter=splitter, good_enough=_within_gap(lp_bound, relative_gap))
        if timed:   # a local search that ran out of moves early leaves CP-SAT its share, not all of it
            limits = dataclasses.replace(limits, deadline=min(limits.deadline,
                                                              time.perf_counter() + (1 - LOCAL_SHARE) * left))
        else:       # one budget of work: CP-SAT gets what the local search's trials left of it
            limits = dataclasses.replace(limits, deterministic_time=deterministic_time - trials / TRIALS_PER_UNIT)
        if value < start.objective:
            start, start_alloc = Start(counts, value, start.bound), alloc
    spent = limits.deterministic_time is not None and limits.deterministic_time < MIN_CP_WORK
    # within the gap limit, or the local search used the work limit: no search (the LP bound stands)
    searched = not spent and not _close_enough(start.objective, lp_bound, relative_gap)
    if searched and warm_start and start.objective < start_value:   # CP-SAT starts from the better rota
        b.model.clear_hints()
        hint(b, lay, demand, start.counts, start_alloc, demand.on_site(p, start.counts))
    solver = configure_solver(limits, workers, seed, log_search)
    best = (start.objective, start.counts, start_alloc)
    if not searched:
        status, cp_bound = "FEASIBLE", -math.inf
    else:
        with stage("CP-SAT"):
            code, _ = run_search(p, b, solver, watch, start, limits, use_repair=False, seed=seed)
        status, cp_bound = solver.status_name(code), solver.best_objective_bound / b.scale
    seconds = time.perf_counter() - t0
    if searched and status == "OPTIMAL" and solver.best_objective_bound < solver.objective_value:
        status = "FEASIBLE"   # stopped at relative_gap_limit: not a proof
    if status in ("INFEASIBLE", "MODEL_INVALID"):
        raise RuntimeError(f"CP-SAT returned {status} for a model that cannot be infeasible")
    if searched and status in ("OPTIMAL", "FEASIBLE"):
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
    bound = max(cp_bound, watch.bound)
    bound = min(bound if math.isfinite(bound) else -math.inf, objective)
    status = "OPTIMAL" if status == "OPTIMAL" else "FEASIBLE"
    gap = 0.0 if status == "OPTIMAL" else max(objective - bound, 0.0) / max(abs(objective), 1e-9)
    return ModelResult(
        counts=counts, status=status, objective=objective, bound=bound, gap=gap, solve_seconds=seconds,
        scheduled=scheduled, shortfall=short.sum(axis=0), penalties=penalties, scale=b.scale,
        build_seconds=build_s, start_objective=start.objective, variables=b.variables, log=tuple(watch.log),
        allocation=alloc,
    )
