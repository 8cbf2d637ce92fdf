"""Who serves what: the agents on site split among the series (channel x queue) they may serve.

On a multi-skill site the agents of an hour are not one pool: an e-mail-only agent cannot take a
call, a buyers' agent cannot answer sellers, and only English speakers serve `sellers_en`.
Agents with the same skills form a *group*; `serves[g, s]` says whether group g may serve series
s. In each hour the agents on site of each group are split among its series, as a transportation
problem: no group gives more agents than it has on site, no series gets more than it needs.

This module holds the data of that problem and prices a split exactly; `skill_model` optimises it
inside CP-SAT. `greedy_allocation` is a quick split for warm starts (most valuable missing agent
first, given from the group that can serve the fewest other series), not an optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.solve.problem import Problem, shortfall_penalty


@dataclass(frozen=True)
class SeriesDemand:
    """Per series and hour what is needed and what a missing agent costs, and who may serve it."""

    need: np.ndarray     # (S, H) int64 agents on site required for series s in hour h
    cost: np.ndarray     # (S, H, K) float roubles for the k-th missing agent of s in h; non-decreasing in k
    serves: np.ndarray   # (G, S) bool: group g may serve series s
    group: np.ndarray    # (C,) int64: the group of each class
    empty: np.ndarray | None = None   # (S, H) roubles when nobody on site may serve s in h (24/7 rule)

    def __post_init__(self) -> None:
        S, H = self.need.shape
        G = self.serves.shape[0]
        if self.cost.ndim != 3 or self.cost.shape[:2] != (S, H) or self.cost.shape[2] < 1:
            raise ValueError(f"series cost must be (series={S}, hours={H}, steps>=1), got {self.cost.shape}")
        if self.serves.shape != (G, S):
            raise ValueError(f"serves must be (groups, series={S}), got {self.serves.shape}")
        if np.any(self.need < 0) or np.any(np.diff(self.cost, axis=2) < -1e-9 * np.maximum(1.0, self.cost[:, :, 1:])):
            raise ValueError("series need must be >= 0 and its cost non-decreasing in k")
        if self.group.size and (self.group.min() < 0 or self.group.max() >= G):
            raise ValueError("every class needs a group of `serves`")
        if self.empty is not None and (self.empty.shape != (S, H) or np.any(self.empty < 0)):
            raise ValueError(f"the empty-hour price must be (series={S}, hours={H}) and >= 0")

    @property
    def shape(self) -> tuple[int, int, int]:
        """(groups, series, hours): the shape of an allocation."""
        return self.serves.shape[0], self.need.shape[0], self.need.shape[1]

    def on_site(self, p: Problem, counts: np.ndarray) -> np.ndarray:
        """(G, H) agents on site per group and hour for a (C, L) counts matrix."""
        per_class = np.einsum("cl,lh,ch->ch", counts, p.cov, p.avail)
        out = np.zeros((self.serves.shape[0], per_class.shape[1]), dtype=np.int64)
        np.add.at(out, self.group, per_class)
        return out

    def able(self, on_site: np.ndarray) -> np.ndarray:
        """(S, H) agents on site who may serve each series (whatever they are allocated to)."""
        return self.serves.T.astype(np.int64) @ on_site

    def empty_cost(self, on_site: np.ndarray) -> float:
        """The 24/7 price of the series-hours with demand and nobody on site who may serve them."""
        if self.empty is None:
            return 0.0
        return float(self.empty[self.able(on_site) == 0].sum())

    def marginal(self, s: int, h: int, served: int) -> float:
        """What serving one more agent of series s in hour h saves, with `served` already there."""
        missing = int(self.need[s, h]) - served
        if missing <= 0:
            return 0.0
        return float(self.cost[s, h, min(missing, self.cost.shape[2]) - 1])


def series_penalty(short: np.ndarray, cost: np.ndarray) -> float:
    """Shortfall cost of an (S, H) shortfall against (S, H, K) unit costs."""
    S, H, K = cost.shape
    return shortfall_penalty(np.asarray(short).reshape(S * H), cost.reshape(S * H, K))


def evaluate_split(p: Problem, d: SeriesDemand, counts: np.ndarray, alloc: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Agents on site per hour, shortfall per series and hour, and the named penalties (roubles)
    of a counts matrix with its (G, S, H) allocation. Idle agents (on site but serving no series
    that still needed them) are the over-staffing; a series-hour with nobody on site who may serve
    it adds its empty-hour price to the shortfall."""
    scheduled = p.scheduled(counts)
    served = alloc.sum(axis=0)
    short = np.maximum(d.need - served, 0)
    idle = scheduled - served.sum(axis=0)
    penalties = {
        "shortfall": series_penalty(short, d.cost) + d.empty_cost(d.on_site(p, counts)),
        "pay": float(np.sum(np.where(counts > 0, counts * np.nan_to_num(p.line_cost), 0.0))),
        "overstaffing": float(p.over_cost * np.maximum(idle, 0).sum()),
    }
    return scheduled, short, penalties


def greedy_allocation(d: SeriesDemand, on_site: np.ndarray) -> np.ndarray:
    """A (G, S, H) split of the agents on site: hour by hour, the missing agent that costs most is
    served first, by the group with agents left that can serve the fewest series with demand."""
    G, S, H = d.shape
    alloc = np.zeros((G, S, H), dtype=np.int64)
    for h in range(H):
        need = d.need[:, h]
        live = need > 0
        if not live.any() or on_site[:, h].sum() == 0:
            continue
        left = on_site[:, h].astype(np.int64).copy()
        served = np.zeros(S, dtype=np.int64)
        breadth = (d.serves & live).sum(axis=1)
        while True:
            able = d.serves[left > 0].any(axis=0) & (served < need)
            if not able.any():
                break
            gains = np.full(S, -1.0)
            for s in np.flatnonzero(able):
                gains[s] = d.marginal(s, h, int(served[s]))
            s = int(np.argmax(gains))
            givers = np.flatnonzero(d.serves[:, s] & (left > 0))
            g = int(givers[np.lexsort((-left[givers], breadth[givers]))[0]])
            alloc[g, s, h] += 1
            left[g] -= 1
            served[s] += 1
    return alloc


def spread_idle(d: SeriesDemand, on_site: np.ndarray, alloc: np.ndarray) -> np.ndarray:
    """The allocation with each group's idle agents added to a series it may serve (the one with
    the most demand that hour; ties: the first), so that every agent on site is counted on a series
    and the split stays feasible."""
    out = alloc.copy()
    idle = on_site - alloc.sum(axis=1)
    for g, h in zip(*np.nonzero(idle > 0)):
        mine = np.flatnonzero(d.serves[g])
        if mine.size == 0:
            continue
        s = int(mine[np.argmax(d.need[mine, h])])
        out[g, s, h] += idle[g, h]
    return out
