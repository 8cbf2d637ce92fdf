"""The counts problem as checked arrays, and what a counts matrix costs.

`ModelInput` is what callers hand over: plain arrays, possibly inconsistent. `Problem` is the
same data checked once, with per-class duplicate lines dropped, so that the warm start, the
CP-SAT model and the repair search all read one typed object instead of eight positional
arrays, and price a rota through one `Problem.evaluate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID")


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
    allocation: np.ndarray | None = field(default=None, repr=False)  # (G, S, H) skill groups on series, or None (pooled)


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


# ----------------------------------------------------------------------------- shortfall prices


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


# ----------------------------------------------------------------------------- the problem


def _read_only(a: np.ndarray) -> np.ndarray:
    """A view that cannot be written through (the caller's own array stays writable)."""
    v = a.view()
    v.flags.writeable = False
    return v


@dataclass(frozen=True, eq=False)
class Problem:
    """The checked counts problem (H hours, C classes, L lines, K shortfall steps).

    Arrays are read-only views. `pairs` is `allowed` without per-class duplicate lines and
    without classes that have no agents: the (class, line) pairs the model may use.
    """

    need: np.ndarray        # (H,) int64 agents required per hour, rounded up
    cost: np.ndarray        # (H, K) float cost of the k-th missing agent; beyond K: the K-th
    over_cost: float        # per surplus agent-hour
    sizes: np.ndarray       # (C,) int64 agents per class
    cov: np.ndarray         # (L, H) int64 0/1: line l is on site in hour h
    pairs: np.ndarray       # (C, L) bool: class c may work line l (distinct lines only)
    avail: np.ndarray       # (C, H) int64 0/1: 0 where the class is absent
    line_cost: np.ndarray   # (C, L) float roubles for one agent of class c on line l

    @classmethod
    def from_input(cls, inp: ModelInput) -> Problem:
        """Check `inp` (ValueError, or NoLineError for a class with agents and no line) and
        keep one line per class for each set of on-site hours."""
        need, cost, sizes, cov, allowed, avail, line_cost = _validated(inp)
        pairs = distinct_lines(allowed, cov, avail, line_cost) & (sizes[:, None] > 0)
        arrays = (need, cost, sizes, cov, pairs, avail, line_cost)
        need, cost, sizes, cov, pairs, avail, line_cost = (_read_only(a) for a in arrays)
        return cls(need, cost, inp.over_cost, sizes, cov, pairs, avail, line_cost)

    @property
    def shape(self) -> tuple[int, int]:
        """(classes, lines): the shape of a counts matrix."""
        return self.pairs.shape

    def scheduled(self, counts: np.ndarray) -> np.ndarray:
        """(H,) agents on site per hour for a (C, L) counts matrix (absences removed)."""
        return np.einsum("cl,lh,ch->h", counts, self.cov, self.avail)

    def evaluate(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
        """Scheduled agents, shortfall and the named penalties of a counts matrix, at exact costs."""
        scheduled = self.scheduled(counts)
        short = np.maximum(self.need - scheduled, 0)
        over = np.maximum(scheduled - self.need, 0)
        penalties = {
            "shortfall": shortfall_penalty(short, self.cost),
            "pay": float(np.sum(np.where(counts > 0, counts * np.nan_to_num(self.line_cost), 0.0))),
            "overstaffing": float(self.over_cost * over.sum()),
        }
        return scheduled, short, penalties

    def objective(self, counts: np.ndarray) -> float:
        """The total of the named penalties (roubles): what the model minimises."""
        return sum(self.evaluate(counts)[2].values())
