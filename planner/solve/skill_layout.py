"""The index sets of the skill-aware model: which (class, line) counts, which (group, series, hour)
splits, which series-hours carry the 24/7 price, and how a group's agents on site in an hour are
read off the counts. Shared by the LP relaxation, the split LP and the CP-SAT model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from planner.solve.allocation import SeriesDemand
from planner.solve.problem import Problem


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


def segments(costs: np.ndarray, need: int) -> Iterator[tuple[int, float]]:
    """(width, unit cost) of the shortfall segments of one series-hour, runs of equal cost merged."""
    K = costs.size
    units = np.concatenate([costs[:need], np.full(max(need - K, 0), costs[K - 1])])
    start = 0
    for k in range(1, need + 1):
        if k == need or units[k] != units[start]:
            yield k - start, float(units[start])
            start = k


