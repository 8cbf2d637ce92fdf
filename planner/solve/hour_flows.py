"""The split of a rota's agents among series, hour by hour, as one small min-cost flow per hour.

With the agents on site fixed, each hour is its own transportation problem with convex costs
(`skill_lp.SplitLP` solves all hours at once as one LP). A local-search move changes the agents on
site in a few dozen hours only; re-solving just those hours' flows (C++ network simplex, arcs built
once, only the supplies reset) prices a move several times faster than the whole LP.

Per hour: a node per group with agents on site there (supply = its agents), a node per series with
need, a sink. Group -> series arcs where the group may serve the series; series -> sink arcs, one
per shortfall segment, cost = minus (what serving one more agent saves + the over-staffing price it
avoids); group -> sink arcs for idle agents at cost 0. So an hour's optimal cost is its split value
less a constant (the shortfall with nobody serving). Costs are integers: roubles x COST_SCALE.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from planner.solve.allocation import SeriesDemand
from planner.solve.skill_layout import Layout, segments

COST_SCALE = 1000   # milli-roubles: the flows' integer costs round each unit by at most 0.0005 RUB
_KNOWN_MAX = 1_000_000   # hour values remembered (a local search revisits the same hours' agents often)


class HourFlows:
    """One min-cost flow per hour with demand; `values(on_site, hours)` prices those hours."""

    def __init__(self, d: SeriesDemand, lay: Layout, over_cost: float) -> None:
        G, _, H = d.shape
        self.G, self.H = G, H
        self._flows: dict[int, min_cost_flow.SimpleMinCostFlow] = {}
        self._groups: dict[int, np.ndarray] = {}
        self._sink: dict[int, int] = {}
        self._known: dict[tuple[int, bytes], int] = {}
        by_hour: dict[int, list[tuple[int, int]]] = {}
        for g, s, h in lay.flows:
            by_hour.setdefault(h, []).append((g, s))
        for h, arcs in by_hour.items():
            groups = np.array(sorted({g for g, _ in arcs}), dtype=np.int64)
            series = sorted({s for _, s in arcs})
            g_node = {int(g): i for i, g in enumerate(groups)}
            s_node = {s: len(groups) + i for i, s in enumerate(series)}
            sink = len(groups) + len(series)
            arc = [(g_node[g], s_node[s], int(d.need[s, h]), 0) for g, s in arcs]        # serve
            arc += [(s_node[s], sink, width, -round((unit + over_cost) * COST_SCALE))       # what it saves
                    for s in series for width, unit in segments(d.cost[s, h], int(d.need[s, h]))]
            idle = int(d.need[:, h].sum()) + 10 ** 6
            arc += [(i, sink, idle, 0) for i in range(len(groups))]                        # idle
            tails, heads, caps, costs = (np.array(col, dtype=np.int64) for col in zip(*arc))
            f = min_cost_flow.SimpleMinCostFlow()
            f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
            self._flows[h], self._groups[h], self._sink[h] = f, groups, sink
        self._nodes = {h: np.append(np.arange(len(g), dtype=np.int64), self._sink[h]) for h, g in self._groups.items()}

    def hour_values(self, on_site: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """Each hour's optimal cost (integer milli-roubles, less a constant of the hour) with these
        agents on site per group and hour; 0 for an hour without demand."""
        out = np.zeros(len(hours), dtype=np.int64)
        for k, h in enumerate(hours):
            f = self._flows.get(int(h))
            if f is None:
                continue
            supply = on_site[self._groups[int(h)], int(h)].astype(np.int64)
            key = (int(h), supply.tobytes())
            known = self._known.get(key)
            if known is None:
                f.set_nodes_supplies(self._nodes[int(h)], np.append(supply, -supply.sum()))
                if f.solve() != f.OPTIMAL:
                    raise RuntimeError(f"the split of hour {int(h)} has no optimum")
                if len(self._known) >= _KNOWN_MAX:
                    self._known.clear()
                known = self._known[key] = f.optimal_cost()
            out[k] = known
        return out

    def values(self, on_site: np.ndarray) -> np.ndarray:
        """`hour_values` of every hour of the horizon."""
        return self.hour_values(on_site, np.arange(self.H))
