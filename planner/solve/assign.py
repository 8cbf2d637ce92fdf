"""Step two of scheduling: give named agents the lines the model chose for their class.

Inside a class every agent may work every line (same pattern, phase rule, absences), so this is
an assignment problem solved per class as a min-cost flow (agents -> lines, line capacity = the
count the model chose). Costs, in order of weight:

1. preference: a `day` agent pays for each night shift of the line, a `night` agent for each
   day shift; `any` is indifferent. Weighted so that preferences win whenever the lines allow.
2. fairness: for nights, weekend days and holiday hours, minimising sum_i (past_i + line_i)^2
   over agents is the same as minimising sum_i past_i * line_i, because the multiset of lines
   is fixed; so the linear cost past_i * line_i spreads each total as evenly as the lines
   allow, counting what agents had in the previous rota (`history`).
3. ties: agents with identical costs are interchangeable; they get their lines in the order of
   agent_id and line index, so the same input always gives the same rota.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from ortools.graph.python import min_cost_flow

from constraints import pay

PREFS = ("day", "night", "any")
METRICS = ("nights", "weekends", "holidays")


@dataclass(frozen=True)
class LineTraits:
    """What an agent would get from each line over the horizon (arrays of length L)."""

    night_shifts: np.ndarray   # shifts with hours in the night window (22:00-06:00)
    day_shifts: np.ndarray     # the other shifts
    weekend_days: np.ndarray   # shifts belonging to a Saturday or Sunday
    holiday_h: np.ndarray      # hours worked on art. 112 holidays

    def metric(self, name: str) -> np.ndarray:
        return {"nights": self.night_shifts, "weekends": self.weekend_days,
                "holidays": self.holiday_h}[name].astype(float)


@dataclass(frozen=True)
class FairnessWeights:
    """Relative weight of each fairness total (each is first divided by its typical size)."""

    nights: float = 1.0
    weekends: float = 1.0
    holidays: float = 1.0


@dataclass(frozen=True)
class Assignment:
    """The line of every agent, who could not get their wish, and the totals after this rota."""

    line_of: dict[str, int]
    against_preference: tuple[str, ...]        # agents on a line with shifts they asked not to work
    totals: dict[str, tuple[float, float, float]]   # (nights, weekends, holiday hours) incl. history


_FAIR_UNITS = 1000      # integer resolution of one normalised fairness product


def _pref_mismatch(pref: str, traits: LineTraits, lines: np.ndarray) -> np.ndarray:
    if pref == "day":
        return traits.night_shifts[lines].astype(np.int64)
    if pref == "night":
        return traits.day_shifts[lines].astype(np.int64)
    return np.zeros(lines.size, dtype=np.int64)


def _assign_class(agents: list[str], lines: np.ndarray, caps: np.ndarray, traits: LineTraits,
                  prefs: Mapping[str, str], past: Mapping[str, tuple[float, float, float]],
                  weights: FairnessWeights) -> dict[str, int]:
    """Solve one class: agents grouped by identical (preference, history), flow to lines."""
    key = {a: (prefs.get(a, "any"), tuple(float(v) for v in past.get(a, (0.0, 0.0, 0.0)))) for a in agents}
    groups: dict[tuple, list[str]] = {}
    for a in sorted(agents):
        groups.setdefault(key[a], []).append(a)
    gkeys = sorted(groups, key=lambda k: groups[k][0])

    fair = np.zeros((len(gkeys), lines.size))
    for m, name in enumerate(METRICS):
        w = getattr(weights, name)
        vals = traits.metric(name)[lines]
        hist = np.array([k[1][m] for k in gkeys])
        if w == 0 or np.ptp(vals) == 0 or not hist.any():
            continue   # every assignment gives the same spread of this total
        size = max(float(np.average(vals, weights=caps)), 1e-9)
        fair += w * np.outer(hist / size, vals / size)
    fair_int = np.round(fair * _FAIR_UNITS).astype(np.int64)
    fair_int -= fair_int.min(axis=1, keepdims=True)
    # one mismatched shift outweighs any fairness difference the whole class could make
    per_shift = int(fair_int.max(initial=0)) * len(agents) + 1
    pref = np.array([_pref_mismatch(k[0], traits, lines) for k in gkeys]).reshape(len(gkeys), lines.size)
    cost = pref * per_shift + fair_int

    g_n, l_n = len(gkeys), lines.size
    src, sink = 0, 1 + g_n + l_n
    flow = min_cost_flow.SimpleMinCostFlow()
    for g, k in enumerate(gkeys):
        flow.add_arc_with_capacity_and_unit_cost(src, 1 + g, len(groups[k]), 0)
        for j in range(l_n):
            cap = int(min(len(groups[k]), caps[j]))
            flow.add_arc_with_capacity_and_unit_cost(1 + g, 1 + g_n + j, cap, int(cost[g, j]))
    for j in range(l_n):
        flow.add_arc_with_capacity_and_unit_cost(1 + g_n + j, sink, int(caps[j]), 0)
    flow.set_node_supply(src, len(agents))
    flow.set_node_supply(sink, -len(agents))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"assignment flow failed with status {status}")

    out: dict[str, int] = {}
    got: dict[int, list[int]] = {g: [] for g in range(g_n)}
    for arc in range(flow.num_arcs()):
        t, h, f = flow.tail(arc), flow.head(arc), flow.flow(arc)
        if f and 1 <= t <= g_n and h > g_n:
            got[t - 1].extend([int(lines[h - 1 - g_n])] * f)
    for g, k in enumerate(gkeys):
        for agent, line in zip(groups[k], sorted(got[g])):
            out[agent] = line
    return out


def assign(counts: np.ndarray, members: Sequence[Sequence[str]], traits: LineTraits,
           shift_pref: Mapping[str, str] | None = None,
           history: Mapping[str, tuple[float, float, float]] | None = None,
           *, weights: FairnessWeights = FairnessWeights()) -> Assignment:
    """Give each agent of class c one of the lines counts[c] asks for.

    `members[c]` lists the agent ids of class c (len = counts[c].sum()); `shift_pref` maps an
    agent to day / night / any (missing = any); `history` maps an agent to the (nights, weekend
    days, holiday hours) of the previous rota.
    """
    counts = np.asarray(counts, dtype=np.int64)
    prefs = dict(shift_pref or {})
    past = dict(history or {})
    bad = sorted({p for p in prefs.values()} - set(PREFS))
    if bad:
        raise ValueError(f"shift_pref must be one of {', '.join(PREFS)}, got {bad[0]!r}")
    if counts.ndim != 2 or counts.shape[0] != len(members):
        raise ValueError("counts must be (classes, lines) with one member list per class")
    if len(traits.night_shifts) != counts.shape[1]:
        raise ValueError("line traits must have one entry per line")
    line_of: dict[str, int] = {}
    for c, agents in enumerate(members):
        agents = [str(a) for a in agents]
        if len(set(agents)) != len(agents) or set(agents) & set(line_of):
            raise ValueError(f"class {c}: an agent appears twice")
        if int(counts[c].sum()) != len(agents):
            raise ValueError(f"class {c}: {len(agents)} agents but the counts place {int(counts[c].sum())}")
        if not agents:
            continue
        lines = np.flatnonzero(counts[c] > 0)
        line_of.update(_assign_class(agents, lines, counts[c, lines], traits, prefs, past, weights))
    against = tuple(sorted(
        a for a, l in line_of.items()
        if _pref_mismatch(prefs.get(a, "any"), traits, np.array([l]))[0] > 0
    ))
    totals = {
        a: tuple(float(past.get(a, (0.0, 0.0, 0.0))[m] + traits.metric(name)[l]) for m, name in enumerate(METRICS))
        for a, l in sorted(line_of.items())
    }
    return Assignment(line_of=dict(sorted(line_of.items())), against_preference=against, totals=totals)


def line_traits(lines: Sequence, start: date, days: int,
                night_hours: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                holiday_hours: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> LineTraits:
    """Traits of lines (objects with `.shifts` of `.day`, `.start`, `.end`) over the horizon.

    Only shifts that belong to a day of the horizon count: a night begun the day before the
    horizon was the previous rota's. Night and holiday hours come from the pay rules (default:
    `constraints.pay` with its default rules and calendar), so that fairness counts exactly what
    payroll pays as night and holiday work; both functions take arrays of starts and ends, so
    the thousands of shifts of a month's lines are costed in one pass.
    """
    night_hours = night_hours or pay.night_hours_of
    holiday_hours = holiday_hours or pay.holiday_hours_of
    first, last = start.toordinal(), start.toordinal() + days
    rows = [(i, s.day.weekday() >= 5, s.start, s.end) for i, line in enumerate(lines)
            for s in line.shifts if first <= s.day.toordinal() < last]
    n = len(lines)
    if not rows:
        return LineTraits(*(np.zeros(n) for _ in range(4)))
    which = np.array([r[0] for r in rows])
    weekend = np.array([r[1] for r in rows], dtype=float)
    starts = np.array([r[2] for r in rows], dtype="datetime64[s]")
    ends = np.array([r[3] for r in rows], dtype="datetime64[s]")
    night = np.asarray(night_hours(starts, ends)) > 0
    nights = np.bincount(which, weights=night.astype(float), minlength=n)
    dayz = np.bincount(which, weights=(~night).astype(float), minlength=n)
    weekends = np.bincount(which, weights=weekend, minlength=n)
    hol = np.bincount(which, weights=np.asarray(holiday_hours(starts, ends), dtype=float), minlength=n)
    return LineTraits(nights, dayz, weekends, hol)
