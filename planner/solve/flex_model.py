"""The per-person CP-SAT model of flexible schedules, for the whole roster or a neighbourhood of it.

Flexible part-timers are each unique (their own days, hours and wishes), so rota's class × line
count model does not fit them: here every person has Booleans x[p, d, s] (works shift s on day d;
at most one a day) and w[p, d] = Σ_s x[p, d, s] (works that day).

Hard rules, written so that CP-SAT propagates them well and the LP relaxation stays tight:
- shifts not allowed or on unavailable days have no variable at all;
- a forbidden succession s -> t is the clause ¬x[d, s] ∨ ¬x[d+1, t];
- at most k working days in a row: every window of k+1 days has Σ w <= k;
- at least m working days in a row: for every run length l < m the pattern
  off, work × l, off is forbidden by one clause (w[a-1] ∨ ¬w[a] ∨ … ∨ ¬w[a+l-1] ∨ w[a+l]);
  a pattern that would need a day outside the horizon is never written, which is exactly the
  benchmark's exemption of runs touching the first or last day. Days off likewise;
- weekends: one Boolean per weekend, at least each of its days' w; their sum is capped;
- least and most minutes, most shifts of each type: linear sums.

Objective, one list of terms: wish costs are linear in x (an on-wish pays its weight unless
granted, an off-wish pays when granted), and coverage adds under × shortage + over × surplus per
cell. The model's objective includes every constant, so it equals `flex_problem.objective`.

A neighbourhood is a mask `free[p, d]`: only free person-days get variables; the others keep
the incumbent's value as constants, so the same builder makes the full model (all free) and the
small sub-models of the search (`planner.solve.flex_search`). Only windows and patterns that touch
a free day are written, and the fixed part of each total is a constant.

Coverage is a mode (`flex_problem.COVER_MODES`); `_cover_terms` is the one place that turns a
mode into model terms: per (day, shift) cell, or per hour (`_hourly_terms`, rota's coverage: the
k-th missing agent of an hour priced, cheapest first, like the class model's shortfall).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from constraints.flex import flex_violations
from planner.solve.flex_first import greedy_roster
from planner.solve.flex_polish import polish
from planner.solve.flex_problem import (NO_LIMIT, OFF, DayShiftCover, FlexIndex, FlexProblem, HourlyCover,
                                        build_index, counts, cover_cost, fairness_cost, hour_cost, objective, on_duty,
                                        to_roster, weekend_days, weekend_pairs)
from planner.solve.flex_search import NEIGHBOURHOODS, Adaptive, pick, pick_rate

Lit = cp_model.IntVar | int


@dataclass
class SubModel:
    """A built model and the variables needed to read the roster back and to hint it."""

    model: cp_model.CpModel
    free: np.ndarray
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    w: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    aux: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)   # (var, hinted value)
    const: int = 0       # objective terms of this model's people that no variable carries


@dataclass(frozen=True)
class Solved:
    """What one CP-SAT run gave: the assignment (None if nothing found), its status and bound."""

    A: np.ndarray | None
    status: str
    objective: float | None
    bound: float | None
    seconds: float


def _clause(model: cp_model.CpModel, lits: Sequence[tuple[Lit, bool]]) -> None:
    """At least one of (w, wanted value) holds; constants are folded in, a clause already true is
    dropped. Called only for clauses with a free day, so at least one literal is a variable."""
    out = []
    for v, want in lits:
        if isinstance(v, int):
            if bool(v) == want:
                return
            continue
        out.append(v if want else v.Not())
    model.add_bool_or(out)


def _window_days(lo: int, hi: int, span: int, days: int) -> range:
    """First days a of windows [a, a + span) that touch the free days lo..hi."""
    return range(max(0, lo - span + 1), min(hi, days - span) + 1)


def _person(m: SubModel, ix: FlexIndex, A: np.ndarray, p: int, terms: list) -> None:
    """Variables and hard rules of one person whose free days are m.free[p]."""
    model, D = m.model, ix.days
    free_days = np.nonzero(m.free[p])[0]
    lo, hi = int(free_days[0]), int(free_days[-1])
    wv: dict[int, Lit] = {}
    mine: list[tuple[int, cp_model.IntVar]] = []   # (shift, x) of this person's free days
    by_day: dict[int, list[tuple[int, cp_model.IntVar]]] = {}

    def w(d: int) -> Lit:
        return wv[d] if d in wv else int(A[p, d] >= 0)

    for d in free_days:
        d = int(d)
        xs = []
        for s in np.nonzero(ix.may[p, d])[0]:
            v = model.new_bool_var(f"x{p}_{d}_{s}")
            m.x[p, d, int(s)] = v
            mine.append((int(s), v))
            by_day.setdefault(d, []).append((int(s), v))
            xs.append(v)
            if ix.wish[p, d, s]:
                terms.append((v, int(ix.wish[p, d, s])))
        if xs:
            wd = model.new_bool_var(f"w{p}_{d}")
            model.add(sum(xs) == wd)
            m.w[p, d] = wv[d] = wd
        else:
            wv[d] = 0

    # forbidden successions, only between the shifts the two days can hold (a year of 32 shift
    # types made this loop two thirds of a search move when it went over every forbidden pair)
    def options(d: int) -> list[tuple[int, Lit]]:
        if m.free[p, d]:
            return by_day.get(d, [])
        return [(int(A[p, d]), 1)] if A[p, d] >= 0 else []

    if ix.forbid.any():
        for d in range(max(lo - 1, 0), min(hi, D - 2) + 1):
            later = options(d + 1)
            for s, a in options(d):
                for t, b in later:
                    if ix.forbid[s, t] and not (isinstance(a, int) and isinstance(b, int)):
                        _clause(model, [(a, False), (b, False)])

    k = int(ix.max_run[p])
    if k < D:
        for a in _window_days(lo, hi, k + 1, D):
            window = [w(d) for d in range(a, a + k + 1)]
            if any(not isinstance(v, int) for v in window):
                model.add(sum(window) <= k)

    for least, worked in ((int(ix.min_run[p]), True), (int(ix.min_off[p]), False)):
        for length in range(1, least):
            # the run a..a+length-1 with its two neighbours inside the horizon
            for a in range(max(1, lo - length), min(hi + 1, D - 1 - length) + 1):
                _clause(model, [(w(a - 1), worked), *[(w(d), not worked) for d in range(a, a + length)],
                                (w(a + length), worked)])

    _off_pairs(m, ix, p, w, lo, hi)
    _weekend_fairness(m, ix, A, p, w, terms)

    fixed = np.where(m.free[p], OFF, A[p])
    fixed_minutes = int(ix.minutes[fixed[fixed >= 0]].sum())
    if ix.min_minutes[p] > fixed_minutes or ix.max_minutes[p] < NO_LIMIT:
        expr = sum(int(ix.minutes[s]) * v for s, v in mine) + fixed_minutes
        if ix.min_minutes[p] > 0:
            model.add(expr >= int(ix.min_minutes[p]))
        if ix.max_minutes[p] < NO_LIMIT:
            model.add(expr <= int(ix.max_minutes[p]))
    of_type: dict[int, list[cp_model.IntVar]] = {}
    for t, v in mine:
        of_type.setdefault(t, []).append(v)
    for t, of_s in of_type.items():
        cap = int(ix.cap[p, t])
        if cap < len(of_s) + len(fixed):
            done = int((fixed == t).sum())
            if cap < done + len(of_s):
                model.add(sum(of_s) + done <= cap)

    if ix.max_weekends[p] < len(ix.weekend_groups):
        # weekends with no free day are constants, counted at once (a move of a few days on a
        # year of 52 weekends looked at every one of them)
        groups = weekend_pairs(ix.weekend_groups)
        touched = m.free[p][groups].any(axis=1)
        worked = [int((fixed[groups[~touched]] >= 0).any(axis=1).sum())]
        for g in np.nonzero(touched)[0]:
            g = ix.weekend_groups[int(g)]
            vals = [w(d) for d in g]
            if any(isinstance(v, int) and v for v in vals):
                worked.append(1)
            elif all(isinstance(v, int) for v in vals):
                continue
            else:
                we = model.new_bool_var(f"we{p}_{g[0]}")
                for v in vals:
                    if not isinstance(v, int):
                        model.add_implication(v, we)
                m.aux.append((we, int(any(A[p, d] >= 0 for d in g))))
                worked.append(we)
        model.add(sum(worked) <= int(ix.max_weekends[p]))


def _off_pairs(m: SubModel, ix: FlexIndex, p: int, w: Callable[[int], Lit], lo: int, hi: int) -> None:
    """Two days off in a row in every window of `ix.off_pair[p]` days that touches the free days:
    pair[e] may be true only when days e and e + 1 are both off, and each window holds one."""
    n, D = int(ix.off_pair[p]), ix.days
    if n > D:
        return
    pair: dict[int, Lit] = {}
    for a in _window_days(lo, hi, n, D):
        lits = []
        for e in range(a, a + n - 1):
            if e not in pair:
                x, y = w(e), w(e + 1)
                if isinstance(x, int) and isinstance(y, int):
                    pair[e] = int(not x and not y)
                elif (isinstance(x, int) and x) or (isinstance(y, int) and y):
                    pair[e] = 0
                else:
                    v = m.model.new_bool_var(f"pair{p}_{e}")
                    for z in (x, y):
                        if not isinstance(z, int):
                            m.model.add_implication(v, z.Not())
                    pair[e] = v
            lits.append(pair[e])
        if not any(isinstance(v, int) and v for v in lits):
            m.model.add_bool_or([v for v in lits if not isinstance(v, int)])


def _weekend_fairness(m: SubModel, ix: FlexIndex, A: np.ndarray, p: int, w: Callable[[int], Lit],
                      terms: list) -> None:
    """n weekend days worked cost n² x ix.weekend_fair: the k-th one (2k - 1) x that, one Boolean
    per possible day, the cheapest taken first (convex, so the LP is exact)."""
    if not ix.weekend_fair:
        return
    days = [w(d) for d in weekend_days(ix)]
    free = [v for v in days if not isinstance(v, int)]
    fixed = sum(v for v in days if isinstance(v, int))
    if not free:
        m.const += ix.weekend_fair * fixed * fixed
        return
    now = int((A[p, weekend_days(ix)] >= 0).sum())
    units = [m.model.new_bool_var(f"we_fair{p}_{k}") for k in range(len(days))]
    m.model.add(sum(units) >= sum(free) + fixed)
    for k, u in enumerate(units):
        terms.append((u, ix.weekend_fair * (2 * k + 1)))
        m.aux.append((u, int(k < now)))


def _hourly_terms(m: SubModel, ix: FlexIndex, A: np.ndarray, terms: list) -> int:
    """HourlyCover's terms: per hour a free shift can reach, one Boolean per agent that may still
    be missing (the k-th costs hour_price[h, k], cheapest first, so a shortage of m costs the m
    cheapest, as `hour_cost` counts it) and the surplus; returns the cost of the other hours."""
    fixed = np.where(m.free, OFF, A)
    n_fixed = on_duty(ix, fixed)
    hinted = on_duty(ix, A)
    cost = hour_cost(ix, n_fixed)
    by_hour: dict[int, list] = {}
    for (p, d, s), v in m.x.items():
        first, k = (int(x) for x in ix.on_hours[s])
        for h in range(d * 24 + first, d * 24 + first + k):
            by_hour.setdefault(h, []).append(v)
    const = int(cost.sum())
    for h, vs in sorted(by_hour.items()):
        const -= int(cost[h])
        want, n = int(ix.hour_wanted[h]), sum(vs) + int(n_fixed[h])
        short_a = max(want - int(hinted[h]), 0)
        units = [m.model.new_bool_var(f"m{h}_{k}") for k in range(max(want - int(n_fixed[h]), 0))]
        if units:
            m.model.add(sum(units) >= want - n)
            for k, u in enumerate(units):
                terms.append((u, int(ix.hour_price[h, k])))
                m.aux.append((u, int(k < short_a)))
        if ix.hour_over:
            o = m.model.new_int_var(0, len(vs) + int(n_fixed[h]), f"o{h}")
            m.model.add(o >= n - want)
            terms.append((o, ix.hour_over))
            m.aux.append((o, max(int(hinted[h]) - want, 0)))
    return const


def _cover_terms(m: SubModel, ix: FlexIndex, A: np.ndarray, cover: object, terms: list) -> int:
    """Coverage terms of the mode; returns the constant cost of the cells left out of the model."""
    if isinstance(cover, HourlyCover):
        return _hourly_terms(m, ix, A, terms)
    if not isinstance(cover, DayShiftCover):
        raise TypeError(f"coverage mode {type(cover).__name__} has no model terms")
    fixed = np.where(m.free, OFF, A)
    n_fixed = counts(ix, fixed)
    cost = cover_cost(ix, n_fixed)
    by_cell: dict[tuple[int, int], list] = {}
    for (p, d, s), v in m.x.items():
        by_cell.setdefault((d, s), []).append(v)
    const = int(cost.sum())
    for (d, s), vs in by_cell.items():
        under, over, wanted = int(ix.under[d, s]), int(ix.over[d, s]), int(ix.wanted[d, s])
        if not under and not over:
            continue
        const -= int(cost[d, s])
        n = sum(vs) + int(n_fixed[d, s])
        hinted = int((A[:, d] == s).sum())
        if under and wanted > n_fixed[d, s]:
            u = m.model.new_int_var(0, wanted, f"u{d}_{s}")
            m.model.add(u >= wanted - n)
            terms.append((u, under))
            m.aux.append((u, max(wanted - hinted, 0)))   # else the fixed people alone suffice
        if over:
            o = m.model.new_int_var(0, len(vs) + int(n_fixed[d, s]), f"o{d}_{s}")
            m.model.add(o >= n - wanted)
            terms.append((o, over))
            m.aux.append((o, max(hinted - wanted, 0)))
    return const


def build(ix: FlexIndex, A: np.ndarray, free: np.ndarray, cover: object) -> SubModel:
    """The model of the free person-days, everything else fixed at A (A is also the hint when
    it is a complete, lawful roster; the caller decides whether to hint)."""
    m = SubModel(model=cp_model.CpModel(), free=free)
    terms: list[tuple[cp_model.IntVar, int]] = []
    for p in np.nonzero(free.any(axis=1))[0]:
        _person(m, ix, A, int(p), terms)
    fixed = np.where(free, OFF, A)
    fp, fd = np.nonzero(fixed >= 0)
    const = ix.wish_const + int(ix.wish[fp, fd, fixed[fp, fd]].sum()) + m.const
    const += fairness_cost(ix, np.where(free.any(axis=1)[:, None], OFF, A))   # the people left out
    const += _cover_terms(m, ix, A, cover, terms)
    m.model.minimize(sum(c * v for v, c in terms) + const)
    return m



def hint(m: SubModel, A: np.ndarray) -> None:
    """Start the solver from the complete roster A."""
    for (p, d, s), v in m.x.items():
        m.model.add_hint(v, int(A[p, d] == s))
    for (p, d), v in m.w.items():
        m.model.add_hint(v, int(A[p, d] >= 0))
    for v, val in m.aux:
        m.model.add_hint(v, val)


def solve(m: SubModel, A: np.ndarray, seconds: float, workers: int, seed: int,
          stop_after_first: bool = False) -> Solved:
    """Run CP-SAT; the returned assignment is A with the free cells replaced by the solution."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(seconds, 0.01)
    params.num_workers = workers
    params.random_seed = seed
    params.stop_after_first_solution = stop_after_first
    params.catch_sigint_signal = False   # Ctrl-C is the command's, as in `model.configure_solver`
    # The full linear relaxation (cuts on the run clauses and totals) is what proves rosters:
    # measured on Instance 3, default workers stall at a bound of 300 for an optimum of 1001,
    # with it the optimum is proven in 2-3 s. CP-SAT only runs it with 8+ workers by default.
    if workers == 1:
        params.linearization_level = 2
    elif workers <= 4:
        params.subsolvers.extend(["max_lp", "quick_restart", "default_lp", "pseudo_costs"][:workers])
    t0 = time.perf_counter()
    status = solver.solve(m.model)
    took = time.perf_counter() - t0
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved(None, name, None, None, took)
    out = np.where(m.free, OFF, A)
    for (p, d, s), v in m.x.items():
        if solver.boolean_value(v):
            out[p, d] = s
    return Solved(out, name, solver.objective_value, solver.best_objective_bound, took)


# ----------------------------------------------------------------------------- the whole solve

#: the full model is tried first while it has at most this many x variables
FULL_MODEL_MAX_VARS = 8_000
#: share of the time the full model gets before the search takes over
FULL_MODEL_SHARE = 0.25
#: longest single CP-SAT run on a neighbourhood; on a large instance (the greedy first roster's),
#: more and shorter moves, each neighbourhood drawn by its gain per second (364 x 100 x 16, one
#: worker: 122,749 and 123,663 with 0.15 s against 127,248 and 124,973 with 0.3 s, seeds 1 and 2;
#: on 84 and 182 days neither measured better, so they keep 0.3 s and the success count)
PART_SECONDS = 0.3
PART_SECONDS_LARGE = 0.15
#: the first roster: person-days per group, longest run per group, share of the time left
FIRST_GROUP_DAYS = 400
FIRST_GROUP_SECONDS = 0.5
FIRST_SHARE = 0.4
#: the first roster person by person costs about this per person-day (measured: 18 s for 182 days x
#: 100 people, 42 s for 364 x 150); when that is more than this share of the time limit, the greedy
#: first roster (`flex_first`, a second at most) is used instead. From the greedy, the search gains
#: less per move (on 182 x 100 x 8: 78,948 against 74,587 after 45 s), so it pays only when the
#: time it saves is large.
FIRST_SECONDS_PER_DAY = 1e-3
FIRST_SHARE_MOST = 0.35
#: longest CP-SAT run re-planning one person the greedy first roster left breaking a rule
REPAIR_SECONDS = 0.5
#: most share of the time left the single-cell moves of `flex_polish` may take before the search
POLISH_SHARE = 0.15


@dataclass(frozen=True)
class FlexResult:
    """The roster (long: person, day, shift), its objective, the best proven bound (None if no
    full model was run), the status, seconds spent, and (seconds, objective) at each improvement."""

    roster: pd.DataFrame
    objective: int | None
    best_bound: float | None
    status: str
    seconds: float
    trace: tuple[tuple[float, int], ...] = ()
    moves: int = 0


def solve_flex(problem: FlexProblem, time_limit_s: float = 60.0, workers: int = 2, seed: int = 1,
               start: np.ndarray | None = None,
               progress: Callable[[float, int], None] | None = None) -> FlexResult:
    """Plan every flexible person within `time_limit_s` seconds (model building included).

    1. The full model, if it is small, gets a quarter of the time (and ends everything when it
       proves its roster optimal); its bound is the reported bound.
    2. Otherwise, or when it found nothing, a first roster: a few people at a time, each group
       optimised with the ones before it fixed (a group is always feasible on its own); or, when
       that would take more than a third of the time (about a millisecond per person-day), the
       greedy roster of `flex_first` (a second for a year of 150 people), its broken rows
       re-planned by CP-SAT, then the single-cell moves of `flex_polish`.
    3. Large-neighbourhood search (`planner.solve.flex_search`) until the time is up.
    `start` (an assignment, e.g. last month's) replaces steps 1-2 when given.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    rng = np.random.default_rng(seed)
    ix = build_index(problem)
    P, D, S = ix.size
    trace: list[tuple[float, int]] = []

    def note(A: np.ndarray) -> int:
        obj = objective(ix, A)
        if not trace or obj < trace[-1][1]:
            trace.append((time.perf_counter() - t0, obj))
            if progress:
                progress(*trace[-1])
        return obj

    A, bound, proved = start, None, False
    if A is None and int(ix.may.sum()) <= FULL_MODEL_MAX_VARS:
        empty = np.full((P, D), OFF, dtype=np.int64)
        m = build(ix, empty, np.ones((P, D), dtype=bool), problem.cover)
        got = solve(m, empty, FULL_MODEL_SHARE * time_limit_s - (time.perf_counter() - t0), workers, seed)
        A, bound, proved = got.A, got.bound, got.status == "OPTIMAL"
    large = P * D * FIRST_SECONDS_PER_DAY > FIRST_SHARE_MOST * time_limit_s
    if A is None and large:
        A = _lawful(problem, ix, greedy_roster(ix), deadline, workers, seed)
        if A is not None:
            A = polish(ix, A, time.perf_counter() + POLISH_SHARE * (deadline - time.perf_counter()), rng)
    if A is None:
        A = _first_roster(ix, problem.cover, deadline, workers, seed)
    if A is None:
        return FlexResult(to_roster(ix, np.full((P, D), OFF)), None, bound, "UNKNOWN",
                          time.perf_counter() - t0)
    best = note(A)
    moves = 0
    if not proved:
        A, best, moves = _search(ix, problem.cover, A, best, deadline, rng, workers, seed, note, large)
    if bound is not None and best <= math.ceil(bound - 1e-6):   # integer weights: an integer optimum
        proved = True
    return FlexResult(to_roster(ix, A), best, bound, "OPTIMAL" if proved else "FEASIBLE",
                      time.perf_counter() - t0, tuple(trace), moves)


def _lawful(problem: FlexProblem, ix: FlexIndex, A: np.ndarray, deadline: float, workers: int,
            seed: int) -> np.ndarray | None:
    """A with every person whose row breaks a rule (by the checker) re-planned alone by CP-SAT,
    everyone else fixed; None if one of them finds no lawful row in time."""
    broken = {v.person for v in flex_violations(problem.contracts, problem.shift_types, to_roster(ix, A),
                                                ix.days, problem.first_weekday)}
    where = {name: p for p, name in enumerate(ix.people)}
    for name in sorted(broken, key=where.get):
        free = np.zeros(A.shape, dtype=bool)
        free[where[name]] = True
        got = solve(build(ix, A, free, problem.cover), A, min(REPAIR_SECONDS, deadline - time.perf_counter()),
                    workers, seed)
        if got.A is None:
            got = solve(build(ix, A, free, problem.cover), A, deadline - time.perf_counter(), workers, seed,
                        stop_after_first=True)
        if got.A is None:
            return None
        A = got.A
    return A


def _first_roster(ix: FlexIndex, cover: object, deadline: float, workers: int, seed: int) -> np.ndarray | None:
    """People in groups of about FIRST_GROUP_DAYS person-days, each optimised for a moment with
    the earlier ones fixed and the later ones not yet working (a group is always feasible on its
    own: people are coupled only by coverage). A group with no roster in its moment is solved
    again to its first lawful roster. None if even that fails."""
    P, D, _ = ix.size
    A = np.full((P, D), OFF, dtype=np.int64)
    group = max(1, FIRST_GROUP_DAYS // max(D, 1))
    starts = list(range(0, P, group))
    for i, a in enumerate(starts):
        free = np.zeros((P, D), dtype=bool)
        free[a:a + group] = True
        m = build(ix, A, free, cover)
        share = (deadline - time.perf_counter()) * FIRST_SHARE / (len(starts) - i)
        got = solve(m, A, min(share, FIRST_GROUP_SECONDS), workers, seed)
        if got.A is None:
            got = solve(m, A, deadline - time.perf_counter(), workers, seed, stop_after_first=True)
        if got.A is None:
            return None
        A = got.A
    return A


def _search(ix: FlexIndex, cover: object, A: np.ndarray, best: int, deadline: float,
            rng: np.random.Generator, workers: int, seed: int,
            note: Callable[[np.ndarray], int], large: bool = False) -> tuple[np.ndarray, int, int]:
    """Large-neighbourhood search from A until the deadline: free a part, re-optimise it with
    CP-SAT from the incumbent as hint, keep it when the objective is not worse. `large`: shorter
    parts, neighbourhoods drawn by gain per second (`PART_SECONDS_LARGE`)."""
    P, D, _ = ix.size
    cap = PART_SECONDS_LARGE if large else PART_SECONDS
    size = Adaptive(size=min(P * D, max(60, 6 * D)), most=P * D)
    wins: dict[str, float] = {}
    moves = 0
    while (left := deadline - time.perf_counter()) > 0.05:
        kind = pick_rate(rng, wins) if large else pick(rng, wins)
        free = NEIGHBOURHOODS[kind](ix, A, int(size.size), rng)
        m = build(ix, A, free, cover)
        hint(m, A)
        got = solve(m, A, min(cap, deadline - time.perf_counter()), workers, seed + moves + 1)
        moves += 1
        size.update(got.status == "OPTIMAL")
        if got.A is None:
            continue
        obj = objective(ix, got.A)
        gain = best - obj
        if large:
            wins[kind] = 0.8 * wins.get(kind, 0.0) + 0.2 * max(gain, 0) / max(got.seconds, 0.01)
        else:
            wins[kind] = 0.9 * wins.get(kind, 1.0) + (1.0 if gain > 0 else 0.0)
        if gain >= 0:
            A, best = got.A, obj
            note(A)
    return A, best, moves
