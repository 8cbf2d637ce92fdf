"""The rota model: how many agents of each class work each line (CP-SAT on integer counts).

A per-agent, per-day Boolean model does not scale (DESIGN.md §5). Agents with the same hard
attributes form a *class*, and a *line* is one legal way to work a pattern over the horizon, so
the solver only chooses an integer count x[c, l] of class c on line l. The model grows with
classes and lines, not with headcount. Naming agents comes after, in `planner.solve.assign`.

Objective, all in roubles (one list of (term, coefficient) pairs, scaled to integers):
- shortfall: the k-th missing agent in hour h costs shortfall_cost[h, k] (convex, so the
  unit segments fill cheapest first and the LP relaxation is exact);
- pay: line_cost[c, l] per agent of class c on line l;
- over-staffing: over_cost per surplus agent-hour (small, keeps surplus where it helps least).
Service comes first because a missed contact is priced above the pay differences the solver can
still move (premiums, start times); the weights are data, set by the caller.

How it is solved, and why:
- per class, lines that cover the same hours are merged (the cheaper one stays): no symmetry;
- agents per line y[l] are shared by all classes and absences are subtracted hour by hour, so
  each hour's row has one term per line instead of one per class and line (a smaller LP);
- the LP relaxation (GLOP) is rounded and polished by single-agent moves, and a greedy start is
  built too; the better one is CP-SAT's full hint, and the LP optimum is an immediate bound;
- CP-SAT alone improves a good start slowly on sites short of staff (its own neighbourhoods
  rarely free the lines, hours and segments that must change together), so one worker runs a
  repair search instead: free a group of agents, re-place them exactly with a small CP-SAT
  model, keep the result if better. The other workers run CP-SAT on the full model.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID")

Progress = Callable[[float, float, float], None]


class NoLineError(ValueError):
    """Some classes have agents but no line they may work: the model would be infeasible.

    `classes` holds their indices so the caller can name the agents behind them.
    """

    def __init__(self, classes: tuple[int, ...], sizes: tuple[int, ...]) -> None:
        self.classes = classes
        self.sizes = sizes
        listed = ", ".join(f"class {c} ({n} agent{'s' if n != 1 else ''})" for c, n in zip(classes, sizes))
        super().__init__(
            f"no line may be worked by {listed}: their pattern, fixed phase or night_ok rule "
            "excludes every line of the horizon"
        )


@dataclass(frozen=True)
class ModelInput:
    """Everything the model needs, as plain arrays (H hours, C classes, L lines, K steps)."""

    required: np.ndarray          # (H,) scheduled agents required per hour; rounded up
    shortfall_cost: np.ndarray    # (H, K) cost of the k-th missing agent; beyond K: the K-th
    over_cost: float              # per surplus agent-hour
    class_sizes: np.ndarray       # (C,) agents per class
    coverage: np.ndarray          # (L, H) 1 where the line is on site in hour h
    allowed: np.ndarray           # (C, L) bool
    availability: np.ndarray | None  # (C, H) 0 where the class is absent; None = always there
    line_cost: np.ndarray         # (C, L) roubles for one agent of class c on line l


@dataclass(frozen=True)
class ModelResult:
    """The counts chosen and how good they are; objective and bound in roubles."""

    counts: np.ndarray            # (C, L) agents of class c on line l
    status: str                   # one of STATUSES
    objective: float
    bound: float
    gap: float                    # (objective - bound) / objective
    solve_seconds: float
    scheduled: np.ndarray         # (H,) agents on site per hour
    shortfall: np.ndarray         # (H,) agents missing per hour (vs the rounded-up requirement)
    penalties: dict[str, float]   # shortfall, pay, overstaffing, at the exact (unscaled) costs
    scale: float = 1.0            # integer objective units per rouble
    build_seconds: float = 0.0
    start_objective: float = math.nan   # the greedy warm start, roubles (exact costs)
    variables: int = 0
    log: tuple[tuple[float, float, float], ...] = field(default=(), repr=False)  # (t, obj, bound)


# ----------------------------------------------------------------------------- input checks


def _validated(inp: ModelInput) -> tuple[np.ndarray, ...]:
    """Arrays with checked shapes and values; raise ValueError on anything inconsistent."""
    req = np.asarray(inp.required, dtype=float)
    cost = np.asarray(inp.shortfall_cost, dtype=float)
    sizes = np.asarray(inp.class_sizes)
    cov = np.asarray(inp.coverage)
    allowed = np.asarray(inp.allowed, dtype=bool)
    line_cost = np.asarray(inp.line_cost, dtype=float)
    if req.ndim != 1:
        raise ValueError("required must be a vector of hours")
    H = req.shape[0]
    if cost.ndim != 2 or cost.shape[0] != H or cost.shape[1] < 1:
        raise ValueError(f"shortfall_cost must be (hours={H}, steps>=1), got {cost.shape}")
    if sizes.ndim != 1:
        raise ValueError("class_sizes must be a vector")
    C = sizes.shape[0]
    if cov.ndim != 2 or cov.shape[1] != H:
        raise ValueError(f"coverage must be (lines, hours={H}), got {cov.shape}")
    L = cov.shape[0]
    if allowed.shape != (C, L) or line_cost.shape != (C, L):
        raise ValueError(f"allowed and line_cost must be (classes={C}, lines={L})")
    if inp.availability is None:
        avail = np.ones((C, H), dtype=np.uint8)
    else:
        avail = np.asarray(inp.availability)
        if avail.shape != (C, H):
            raise ValueError(f"availability must be (classes={C}, hours={H}), got {avail.shape}")
    if not np.all(np.isfinite(req)) or np.any(req < 0):
        raise ValueError("required must be finite and >= 0")
    if not np.all(np.isfinite(cost)) or np.any(cost < 0):
        raise ValueError("shortfall_cost must be finite and >= 0")
    if np.any(np.diff(cost, axis=1) < -1e-9 * np.maximum(1.0, np.abs(cost[:, 1:]))):
        raise ValueError("shortfall_cost must be non-decreasing in k (a convex shortfall penalty)")
    if not math.isfinite(inp.over_cost) or inp.over_cost < 0:
        raise ValueError("over_cost must be finite and >= 0")
    if np.any(sizes < 0) or np.any(sizes != np.round(sizes)):
        raise ValueError("class_sizes must be non-negative integers")
    if np.any(~np.isin(cov, (0, 1))) or np.any(~np.isin(avail, (0, 1))):
        raise ValueError("coverage and availability must be 0/1")
    if not np.all(np.isfinite(line_cost[allowed])):
        raise ValueError("line_cost must be finite where a line is allowed")
    sizes = sizes.astype(np.int64)
    empty = tuple(int(c) for c in np.flatnonzero((sizes > 0) & ~allowed.any(axis=1)))
    if empty:
        raise NoLineError(empty, tuple(int(sizes[c]) for c in empty))
    need = np.ceil(req - 1e-9).astype(np.int64)
    return need, cost, sizes, cov.astype(np.int64), allowed, avail.astype(np.int64), line_cost


def distinct_lines(allowed: np.ndarray, cov: np.ndarray, avail: np.ndarray, line_cost: np.ndarray) -> np.ndarray:
    """Allowed pairs after dropping, per class, lines whose on-site hours duplicate a cheaper one.

    With absences two lines can cover exactly the same hours for a class; keeping only the
    cheapest (then the lowest index) removes symmetric solutions without losing any optimum.
    """
    keep = np.zeros_like(allowed)
    for c in range(allowed.shape[0]):
        idx = np.flatnonzero(allowed[c])
        if idx.size == 0:
            continue
        rows = cov[idx] * avail[c]
        _, group = np.unique(rows, axis=0, return_inverse=True)
        order = np.lexsort((idx, line_cost[c, idx], group.ravel()))
        g = group.ravel()[order]
        first = np.ones(order.size, dtype=bool)
        first[1:] = g[1:] != g[:-1]
        keep[c, idx[order[first]]] = True
    return keep


# ----------------------------------------------------------------------------- evaluation


def unit_costs(cost: np.ndarray, need: np.ndarray) -> list[np.ndarray]:
    """Per hour, the cost of the 1st, 2nd, ... missing agent up to the requirement."""
    K = cost.shape[1]
    out = []
    for h, n in enumerate(need):
        if n <= K:
            out.append(cost[h, :n])
        else:
            out.append(np.concatenate([cost[h], np.full(n - K, cost[h, K - 1])]))
    return out


def shortfall_penalty(short: np.ndarray, cost: np.ndarray) -> float:
    """Sum over hours of the first `short[h]` unit costs (beyond K the K-th cost)."""
    K = cost.shape[1]
    cum = np.concatenate([np.zeros((cost.shape[0], 1)), np.cumsum(cost, axis=1)], axis=1)
    s = np.asarray(short, dtype=np.int64)
    within = np.minimum(s, K)
    total = cum[np.arange(cost.shape[0]), within] + np.maximum(s - K, 0) * cost[:, K - 1]
    return float(total.sum())


def evaluate(counts: np.ndarray, need: np.ndarray, cost: np.ndarray, over_cost: float,
             cov: np.ndarray, avail: np.ndarray,
             line_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Scheduled agents, shortfall and the named penalties of a counts matrix, at exact costs."""
    scheduled = np.einsum("cl,lh,ch->h", counts, cov, avail)
    short = np.maximum(need - scheduled, 0)
    over = np.maximum(scheduled - need, 0)
    penalties = {
        "shortfall": shortfall_penalty(short, cost),
        "pay": float(np.sum(np.where(counts > 0, counts * np.nan_to_num(line_cost), 0.0))),
        "overstaffing": float(over_cost * over.sum()),
    }
    return scheduled, short, penalties


# ----------------------------------------------------------------------------- warm start


@dataclass
class _Search:
    """Incremental state for the warm-start heuristics: counts and agents on site per hour."""

    need: np.ndarray
    cost: np.ndarray
    over_cost: float
    lines: list[np.ndarray]       # per class, its line indices
    covc: list[np.ndarray]        # per class, coverage rows of its lines with absences removed
    price: list[np.ndarray]       # per class, line costs
    counts: np.ndarray
    sched: np.ndarray

    def gains(self, c: int) -> np.ndarray:
        """What one more agent of class c saves on each of its lines (roubles, higher = better).

        One more agent in hour h saves the cost of the last missing agent there (the dearest,
        as costs are convex), or costs over_cost if the hour is already covered.
        """
        missing = self.need - self.sched
        k = np.clip(missing, 1, self.cost.shape[1]) - 1
        marginal = np.where(missing > 0, self.cost[np.arange(self.need.size), k], -self.over_cost)
        return self.covc[c] @ marginal - self.price[c]

    def move(self, c: int, j: int, delta: int) -> None:
        self.counts[c, self.lines[c][j]] += delta
        self.sched += delta * self.covc[c][j]


def search_state(need, cost, over_cost, cov, pairs, avail, line_cost, counts) -> _Search:
    C = pairs.shape[0]
    lines = [np.flatnonzero(pairs[c]) for c in range(C)]
    covc = [cov[lines[c]] * avail[c] for c in range(C)]
    price = [line_cost[c, lines[c]] for c in range(C)]
    sched = np.einsum("cl,lh,ch->h", counts, cov, avail).astype(np.int64)
    return _Search(need, cost, over_cost, lines, covc, price, counts.astype(np.int64).copy(), sched)


def local_search(st: _Search, max_passes: int = 50) -> np.ndarray:
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


def greedy_start(need, cost, over_cost, sizes, cov, pairs, avail, line_cost) -> np.ndarray:
    """Place agents one by one where they gain most (most constrained classes first), then
    improve by local search. Always feasible: every agent gets one of its class's lines."""
    st = search_state(need, cost, over_cost, cov, pairs, avail, line_cost, np.zeros(pairs.shape, dtype=np.int64))
    for c in sorted(range(pairs.shape[0]), key=lambda c: (len(st.lines[c]), c)):
        for _ in range(int(sizes[c])):
            st.move(c, int(np.argmax(st.gains(c))), +1)
    return local_search(st)


def linear_model(solver: str, need, cost, over_cost, sizes, cov, pairs, avail, line_cost, *,
                 integer: bool = False):
    """The counts model for a pywraplp solver: (solver, objective, x[c, l]), or None if the
    solver is not available. Continuous counts give the LP relaxation (GLOP); integer counts
    give the same MIP as the CP-SAT model (for an exact solver such as SCIP). Agents per line
    are summed over classes first and absences subtracted hour by hour, as in `_build`.
    Shortfall segments and surplus stay continuous: with integer counts and convex segment
    costs they are integral at any optimum."""
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
            obj.SetCoefficient(x[c, l], float(line_cost[c, l]))
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
    for h, u in enumerate(unit_costs(cost, need)):
        for k in range(u.size):
            s = lp.NumVar(0.0, 1.0, "")
            hours[h].SetCoefficient(s, 1.0)
            obj.SetCoefficient(s, float(u[k]))
        over = lp.NumVar(0.0, lp.infinity(), "")
        hours[h].SetCoefficient(over, -1.0)
        obj.SetCoefficient(over, float(over_cost))
    obj.SetMinimization()
    return lp, obj, x


def lp_start(need, cost, over_cost, sizes, cov, pairs, avail, line_cost) -> tuple[np.ndarray, float] | None:
    """Solve the LP relaxation (GLOP), round each class's counts by largest remainder, then
    improve by local search. The LP is nearly tight, so this start is usually far better than
    the greedy one when the site is short of staff. Also returns the LP optimum, a lower bound
    on every rota's objective (CP-SAT reaches the same bound, but later). None if GLOP fails."""
    C, L = pairs.shape
    built = linear_model("GLOP", need, cost, over_cost, sizes, cov, pairs, avail, line_cost)
    if built is None:
        return None
    lp, obj, x = built
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    bound = obj.Value() - 1e-6 * max(abs(obj.Value()), 1.0)   # minus GLOP's tolerance
    frac = np.zeros((C, L))
    for (c, l), v in x.items():
        frac[c, l] = max(v.solution_value(), 0.0)
    counts = np.floor(frac + 1e-9).astype(np.int64)
    for c in range(C):
        left = int(sizes[c] - counts[c].sum())
        if left > 0:
            rest = np.where(pairs[c], frac[c] - counts[c], -np.inf)
            counts[c, np.argsort(-rest, kind="stable")[:left]] += 1
        elif left < 0:   # cannot happen for an exact LP solution; keep the counts valid anyway
            for _ in range(-left):
                counts[c, int(np.argmax(counts[c]))] -= 1
    st = search_state(need, cost, over_cost, cov, pairs, avail, line_cost, counts)
    return local_search(st), bound


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


def _build(need, cost, over_cost, sizes, cov, pairs, avail, line_cost) -> _Built:
    H = need.shape[0]
    C, L = pairs.shape
    m = cp_model.CpModel()
    units = unit_costs(cost, need)
    upper = (float(np.sum(sizes * np.nan_to_num(np.where(pairs, line_cost, 0)).max(axis=1, initial=0)))
             + float(sum(u.sum() for u in units)) + over_cost * float(sizes.sum()) * H)
    scale = objective_scale([line_cost[pairs], cost, np.array([over_cost])], upper)
    terms: list[tuple[cp_model.IntVar, int]] = []   # the objective: one list of (term, coefficient)

    # counts per class and line; every agent works exactly one line of their class
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for c in range(C):
        if sizes[c] == 0:
            continue
        ls = np.flatnonzero(pairs[c])
        for l in ls:
            x[c, l] = m.new_int_var(0, int(sizes[c]), f"x_{c}_{l}")
            terms.append((x[c, l], round(line_cost[c, l] * scale)))
        m.add(sum(x[c, l] for l in ls) == int(sizes[c]))

    # agents per line over all classes; absences are subtracted hour by hour below, so the
    # coverage rows stay short: sum_l cov[l,h] * y[l] - sum_{c,l} cov[l,h] (1 - avail[c,h]) x[c,l]
    used = sorted({l for (_, l) in x})
    per_line: dict[int, cp_model.LinearExprT] = {}
    y: dict[int, cp_model.IntVar] = {}
    for l in used:
        members = [x[c, l] for c in range(C) if (c, l) in x]
        if len(members) == 1:
            per_line[l] = members[0]
        else:
            y[l] = m.new_int_var(0, int(sum(sizes[c] for c in range(C) if (c, l) in x)), f"y_{l}")
            m.add(y[l] == cp_model.LinearExpr.sum(members))
            per_line[l] = y[l]
    used_arr = np.array(used, dtype=np.int64)
    absent = {c: np.flatnonzero(avail[c] == 0) for c in range(C) if (avail[c] == 0).any()}

    segs: list[tuple[int, cp_model.IntVar, int]] = []
    covT = cov[used_arr].T if used else np.zeros((H, 0), dtype=np.int64)
    absent_terms: dict[int, list] = {}
    for c, hours in absent.items():
        for l in np.flatnonzero(pairs[c]):
            if (c, l) not in x:
                continue
            for h in hours[cov[l, hours] == 1]:
                absent_terms.setdefault(int(h), []).append(x[c, l])
    total = int(sizes.sum())
    overs = []
    for h in range(H):
        on = used_arr[covT[h] == 1]
        sched = cp_model.LinearExpr.sum([per_line[l] for l in on]) - cp_model.LinearExpr.sum(absent_terms.get(h, []))
        short = []
        n = int(need[h])
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
        terms.append((over, round(over_cost * scale)))
        m.add(sched + cp_model.LinearExpr.sum(short) - over == n)
    m.minimize(cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [w for _, w in terms]))
    return _Built(m, x, y, segs, overs, scale, len(m.proto.variables))


def _hint(b: _Built, counts: np.ndarray, need: np.ndarray, cov, avail) -> None:
    """Hint every variable from a feasible counts matrix (a full hint is used as is)."""
    for (c, l), v in b.x.items():
        b.model.add_hint(v, int(counts[c, l]))
    scheduled = np.einsum("cl,lh,ch->h", counts, cov, avail)
    left = np.maximum(need - scheduled, 0)
    for h, v, w in b.segs:   # segments of an hour come in increasing cost order
        take = int(min(left[h], w))
        b.model.add_hint(v, take)
        left[h] -= take
    for h, v in enumerate(b.over):
        b.model.add_hint(v, int(max(scheduled[h] - need[h], 0)))
    for l, v in b.y.items():
        b.model.add_hint(v, int(counts[:, l].sum()))


# ----------------------------------------------------------------------------- repair search


def _objective(st: _Search, cum: np.ndarray) -> float:
    """Exact objective of the search state (cum[h, k] = cost of k missing agents in hour h)."""
    short = np.maximum(st.need - st.sched, 0)
    over = np.maximum(st.sched - st.need, 0)
    pay = sum(float(st.counts[c, st.lines[c]] @ st.price[c]) for c in range(len(st.lines)))
    return float(cum[np.arange(st.need.size), short].sum()) + st.over_cost * float(over.sum()) + pay


def _cumulative(cost: np.ndarray, need: np.ndarray) -> np.ndarray:
    """cum[h, k] for k = 0..max need: the shortfall cost of k missing agents in hour h."""
    n = int(need.max(initial=0))
    K = cost.shape[1]
    ext = np.concatenate([cost, np.repeat(cost[:, K - 1:], max(n - K, 0), axis=1)], axis=1)[:, :n]
    return np.concatenate([np.zeros((need.size, 1)), np.cumsum(ext, axis=1)], axis=1)


def _repair(st: _Search, units: list[np.ndarray], freed: dict[int, np.ndarray], scale: float,
            time_limit: float, seed: int) -> tuple[dict[int, np.ndarray], bool] | None:
    """Place the freed agents (per class: how many leave each of its lines) again, optimally.

    The agents stay removed from `st` while the small CP-SAT model is built: each hour's cost
    as a function of the agents added back is convex, so it becomes a few unit segments
    (savings while the hour is short, then the surplus price). Returns the new placement per
    class and whether it was proven optimal, or None.
    """
    m = cp_model.CpModel()
    cols, obj_v, obj_w, hint = [], [], [], []
    for c, out in freed.items():
        n = int(out.sum())
        vs = [m.new_int_var(0, n, "") for _ in st.lines[c]]
        m.add(cp_model.LinearExpr.sum(vs) == n)
        for j, v in enumerate(vs):
            cols.append((c, j, v))
            obj_v.append(v)
            obj_w.append(round(float(st.price[c][j]) * scale))
            hint.append((v, int(out[j])))
    rows_t = np.array([st.covc[c][j] for c, j, _ in cols]).T          # (H, vars)
    most = np.zeros(st.need.size, dtype=np.int64)
    for c, out in freed.items():
        most += int(out.sum()) * st.covc[c].max(axis=0)
    back = np.zeros(st.need.size, dtype=np.int64)
    for (c, j, _), (_, k) in zip(cols, hint):
        back += k * st.covc[c][j]
    for h in np.flatnonzero(most):
        d = np.arange(1, most[h] + 1)
        k = st.need[h] - st.sched[h] - d                 # agents still missing after adding d
        u = units[h]
        step = np.where(k >= 0, -u[np.clip(k, 0, max(u.size - 1, 0))] if u.size else 0.0, st.over_cost)
        w = np.round(step * scale).astype(np.int64)
        segs, a, left = [], 0, int(back[h])
        for b in range(1, w.size + 1):
            if b == w.size or w[b] != w[a]:
                v = m.new_int_var(0, b - a, "")
                segs.append(v)
                obj_v.append(v)
                obj_w.append(int(w[a]))
                take = min(left, b - a)
                hint.append((v, take))
                left -= take
                a = b
        terms = [cols[i][2] for i in np.flatnonzero(rows_t[h])]
        m.add(cp_model.LinearExpr.sum(terms) == cp_model.LinearExpr.sum(segs))
    m.minimize(cp_model.LinearExpr.weighted_sum(obj_v, obj_w))
    for v, k in hint:
        m.add_hint(v, k)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2   # small models: the full LP closes them fastest
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    placed: dict[int, np.ndarray] = {c: np.zeros(len(st.lines[c]), dtype=np.int64) for c in freed}
    for c, j, v in cols:
        placed[c][j] = solver.value(v)
    return placed, status == cp_model.OPTIMAL


def repair_search(st: _Search, cost: np.ndarray, scale: float, deadline: float, *, seed: int = 0,
                  should_stop: Callable[[], bool] = lambda: False,
                  improved: Callable[[np.ndarray, float], None] = lambda counts, obj: None) -> np.ndarray:
    """Large-neighbourhood search: free a group of agents, re-place them optimally, keep the
    result if it is better; repeat until the deadline.

    Single-agent moves stall when a better rota needs several agents to change lines at once;
    this search moves groups. Groups mix classes that share lines (those compete for the same
    hours) with random ones; their size adapts so that each repair is solved to optimality in
    a fraction of a second.
    """
    rng = np.random.default_rng(seed)
    units = unit_costs(cost, st.need)
    cum = _cumulative(cost, st.need)
    C = len(st.lines)
    movable = [c for c in range(C) if len(st.lines[c]) > 1 and st.counts[c].sum() > 0]
    if not movable:
        return st.counts
    shared = np.zeros((C, C))
    for a in movable:
        for b in movable:
            shared[a, b] = np.intersect1d(st.lines[a], st.lines[b]).size
    best = _objective(st, cum)
    everyone = int(sum(st.counts[c].sum() for c in movable))
    budget, limit, it = 8.0, 0.5, 0
    while time.perf_counter() < deadline - 0.05 and not should_stop():
        it += 1
        first = movable[int(rng.integers(len(movable)))]
        if rng.random() < 0.6:
            order = sorted(movable, key=lambda c: (-shared[first, c] - rng.random(), c))
        else:
            order = [first] + [movable[i] for i in rng.permutation(len(movable)) if movable[i] != first]
        freed: dict[int, np.ndarray] = {}
        room = int(round(budget))
        for c in order:
            if room <= 0:
                break
            have = st.counts[c, st.lines[c]]
            take = min(int(have.sum()), room)
            agents = np.repeat(np.arange(have.size), have)
            out = np.bincount(rng.choice(agents, size=take, replace=False), minlength=have.size)
            freed[c] = out
            room -= take
        for c, out in freed.items():
            for j in np.flatnonzero(out):
                st.move(c, j, -int(out[j]))
        t = time.perf_counter()
        res = _repair(st, units, freed, scale, min(limit, deadline - t), seed + it)
        took = time.perf_counter() - t
        for c, out in freed.items():
            for j in np.flatnonzero(out):
                st.move(c, j, int(out[j]))
        if res is None:
            budget = max(2.0, budget * 0.7)
            continue
        placed, optimal = res
        budget = min(budget * 1.15, 400.0) if optimal and took < 0.5 * limit else max(2.0, budget * 0.8)
        for c in freed:
            for j in range(len(st.lines[c])):
                st.move(c, j, int(placed[c][j] - freed[c][j]))
        value = _objective(st, cum)
        if value < best - 1e-6:
            best = value
            improved(st.counts.copy(), value)
        else:   # undo: equal or worse
            for c in freed:
                for j in range(len(st.lines[c])):
                    st.move(c, j, int(freed[c][j] - placed[c][j]))
        if optimal and sum(int(f.sum()) for f in freed.values()) == everyone:
            break   # every movable agent was re-placed optimally: nothing left to improve
    return st.counts


# ----------------------------------------------------------------------------- solving


class _Progress(cp_model.CpSolverSolutionCallback):
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
    deadline = t_start + float(time_limit_s)
    need, cost, sizes, cov, allowed, avail, line_cost = _validated(inp)
    C, L = allowed.shape
    pairs = distinct_lines(allowed, cov, avail, line_cost) & (sizes[:, None] > 0)
    args = (need, cost, inp.over_cost, sizes, cov, pairs, avail, line_cost)
    start = greedy_start(*args)
    start_obj = sum(evaluate(start, *args[:3], cov, avail, line_cost)[2].values())
    lp_bound = -math.inf
    if warm_start and (lp := lp_start(*args)) is not None:
        rounded, lp_bound = lp
        lp_obj = sum(evaluate(rounded, *args[:3], cov, avail, line_cost)[2].values())
        if lp_obj < start_obj:
            start, start_obj = rounded, lp_obj
    b = _build(*args)
    if warm_start:
        _hint(b, start, need, cov, avail)
    build_s = time.perf_counter() - t_start

    use_repair = repair and workers >= 2 and deterministic_time is None
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    prm.num_workers = int(workers - 1 if use_repair else workers)
    prm.random_seed = int(seed)
    if deterministic_time is not None:
        prm.max_deterministic_time = float(deterministic_time)
    prm.log_search_progress = bool(log_search)
    if relative_gap > 0:
        prm.relative_gap_limit = float(relative_gap)
    t0 = time.perf_counter()
    watch = _Progress(b.scale, t0, progress)
    watch.offer(objective=start_obj, bound=lp_bound)
    solver.best_bound_callback = watch.on_bound
    done = threading.Event()
    found: list[tuple[float, np.ndarray]] = [(start_obj, start)]
    result: dict[str, int] = {}

    def run_cp_sat() -> None:
        result["code"] = solver.solve(b.model, watch)
        done.set()

    def halted() -> bool:
        if done.is_set():
            return True
        if stop is not None and stop.is_set():
            return True
        # with a deterministic limit only CP-SAT's own gap test stops it, so the rota stays reproducible
        return (relative_gap > 0 and deterministic_time is None
                and watch.objective - watch.bound <= relative_gap * abs(watch.objective))

    cp_thread = threading.Thread(target=run_cp_sat, daemon=True)
    cp_thread.start()
    try:
        if use_repair:
            def better(counts: np.ndarray, value: float) -> None:
                found.append((value, counts))
                watch.offer(objective=value)
            st = search_state(need, cost, inp.over_cost, cov, pairs, avail, line_cost, start)
            repair_search(st, cost, b.scale, deadline, seed=seed, should_stop=halted, improved=better)
        while not done.wait(0.05):
            if halted():
                break
    finally:
        if not done.is_set():
            solver.stop_search()
        cp_thread.join()
    seconds = time.perf_counter() - t0
    status = solver.status_name(result["code"])
    if status == "OPTIMAL" and solver.best_objective_bound < solver.objective_value:
        status = "FEASIBLE"   # CP-SAT says OPTIMAL when it stops at relative_gap_limit: not a proof
    if status in ("INFEASIBLE", "MODEL_INVALID"):
        raise RuntimeError(f"CP-SAT returned {status} for a model that cannot be infeasible")
    if status in ("OPTIMAL", "FEASIBLE"):
        counts = np.zeros((C, L), dtype=np.int64)
        for (c, l), v in b.x.items():
            counts[c, l] = solver.value(v)
        found.append((sum(evaluate(counts, *args[:3], cov, avail, line_cost)[2].values()), counts))
    objective, counts = min(found, key=lambda f: f[0])
    if status == "OPTIMAL":
        objective, counts = found[-1]
    bound = max(solver.best_objective_bound / b.scale, watch.bound)
    status = "OPTIMAL" if status == "OPTIMAL" else "FEASIBLE"
    counts = counts.copy()
    counts[sizes == 0] = 0
    scheduled, short, penalties = evaluate(counts, *args[:3], cov, avail, line_cost)
    objective = sum(penalties.values())
    if not math.isfinite(bound):
        bound = -math.inf
    bound = min(bound, objective)
    gap = 0.0 if status == "OPTIMAL" else max(objective - bound, 0.0) / max(abs(objective), 1e-9)
    return ModelResult(
        counts=counts, status=status, objective=objective, bound=bound, gap=gap,
        solve_seconds=seconds, scheduled=scheduled, shortfall=short, penalties=penalties,
        scale=b.scale, build_seconds=build_s, start_objective=start_obj,
        variables=b.variables, log=tuple(watch.log),
    )
