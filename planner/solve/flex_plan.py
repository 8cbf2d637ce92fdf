"""Flex agents in a rota: planned per person against what the rota classes leave, then fixed as
one line each, so that rota.csv, the timesheet, pay, the checker and the workbook treat them like
everyone.

A decomposition of what one CP-SAT model over both would do (`bench/flex_joint.py` measures the
loss): the class model runs first without the flex agents; the per-person engine
(`planner.solve.flex_model`) then plans each flex skill group in turn against the hours' missing
agents, priced as the class model prices them (`planner.solve.flex_join.Residual`); last, the class
model runs again with every flex agent on its own roster as a one-agent class on one line, so the
rota staff can move away from the hours the flex agents now cover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from constraints.flex import ShiftType, flex_violations
from constraints.lines import Line, PlannedShift
from constraints.patterns import FLEX, PatternBook, ShiftTemplate
from constraints.pay import PayRules
from planner.solve.allocation import SeriesDemand, greedy_allocation
from planner.solve.flex_inputs import FlexInputs
from planner.solve.flex_join import Residual, flex_problem
from planner.solve.flex_model import solve_flex
from planner.solve.flex_problem import FlexProblem, build_index, from_roster, on_duty
from planner.solve.penalties import ShortfallPenalty
from planner.solve.problem import ModelResult

#: shares of the time limit for the rota alone and for the flex rosters; the rota with the flex
#: rosters fixed then gets the whole limit, as a plan without flex agents does (with less, a month's
#: plan ended 13 % from its bound)
STAFF_FIRST, FLEX_SHARE = 0.5, 0.15
#: the rota alone only shapes what the flex agents are planned against: a looser proof will do
STAFF_FIRST_GAP = 0.02
#: seconds a skill group's rosters get at least, whatever the time limit: under a short limit on
#: a busy machine a share of it found no roster at all, and an empty roster breaks every least-hours
#: contract (the help example's `--time-limit 3`, four runs on one core)
FLEX_GROUP_MIN_S = 2.0
WISHES_COLUMNS = ("agent_id", "date", "wish", "weight", "planned", "granted")


@dataclass(frozen=True)
class FlexPlan:
    """The flex agents' rosters and how they were found."""

    roster: pd.DataFrame            # person, day (0-based), shift: the engine's long roster
    lines: Mapping[str, Line]       # agent -> its roster as a line of the horizon
    objective: int                  # roubles: their shortfall against the residual, pay and wishes
    status: str                     # OPTIMAL when every group's roster was proven best
    seconds: float
    groups: int                     # flex skill groups planned one after another


def flex_book(book: PatternBook, shift_types: tuple[ShiftType, ...]) -> PatternBook:
    """The book with every flex shift type as a template of its own name (`08:00+6`), one start,
    all of it paid (a flex shift's breaks are the short paid ones), so that pay, the timesheet and
    the checker read flex shifts as they read any other."""
    templates = dict(book.templates)
    for t in shift_types:
        if t.start_min is not None and t.id not in templates:
            templates[t.id] = ShiftTemplate(t.id, (time(t.start_min // 60, t.start_min % 60),), t.minutes / 60, 0.0)
    return PatternBook(book.patterns, templates)


def flex_line(agent: str, rows: pd.DataFrame, types: Mapping[str, ShiftType], start: date,
              before: PlannedShift | None = None) -> Line:
    """One agent's roster (rows of person, day, shift) as a line of the horizon, after `before`,
    the previous rota's shift that runs into the first day (`carried_nights`)."""
    shifts = [] if before is None else [before]
    for day, shift in sorted(zip(rows["day"].astype(int), rows["shift"])):
        t = types[shift]
        at = datetime.combine(start + timedelta(days=day), time()) + timedelta(minutes=t.start_min or 0)
        shifts.append(PlannedShift(start + timedelta(days=day), at, at + timedelta(minutes=t.minutes), t.id, 0.0))
    return Line(f"flex {agent}", FLEX, FLEX, 0, {}, tuple(shifts))


def plan_flex(inputs: FlexInputs, residual: Residual, groups: Mapping[str, np.ndarray],
              rates: Mapping[str, float], start: date, pay: PayRules, *, time_limit_s: float,
              workers: int, seed: int, carried: Mapping[str, PlannedShift] | None = None) -> FlexPlan:
    """Plan the flex agents of `inputs`, each skill group (agent -> the series it may serve, (S,))
    in turn against the residual, which each group's roster then reduces (`Residual.take`). A group
    whose agents may serve more series goes later: the narrow ones take what only they can."""
    types = {t.id: t for t in inputs.shift_types}
    by_serves: dict[bytes, list[str]] = {}
    for c in inputs.contracts:
        by_serves.setdefault(np.asarray(groups[c.person], dtype=bool).tobytes(), []).append(c.person)
    order = sorted(by_serves.items(), key=lambda kv: (int(np.frombuffer(kv[0], dtype=bool).sum()), kv[1][0]))
    rosters, objective, proven, seconds = [], 0, True, 0.0
    hours = inputs.horizon_days * 24
    for k, (key, people) in enumerate(order):
        serves = np.frombuffer(key, dtype=bool)
        mine = set(people)
        sub = replace(inputs, contracts=tuple(c for c in inputs.contracts if c.person in mine),
                      wishes=tuple(w for w in inputs.wishes if w.person in mine), notes=())
        problem: FlexProblem = flex_problem(sub, residual.cover(serves), {p: rates[p] for p in people}, start, pay)
        got = solve_flex(problem, time_limit_s=max((time_limit_s - seconds) / (len(order) - k), FLEX_GROUP_MIN_S),
                         workers=workers, seed=seed)
        ix = build_index(problem)
        residual.take(serves, on_duty(ix, from_roster(ix, got.roster.itertuples(index=False)))[:hours])
        rosters.append(got.roster)
        objective += got.objective or 0
        proven &= got.status == "OPTIMAL"
        seconds += got.seconds
    roster = pd.concat(rosters, ignore_index=True) if rosters else pd.DataFrame(columns=["person", "day", "shift"])
    lines = {c.person: flex_line(c.person, roster[roster["person"] == c.person], types, start,
                                 (carried or {}).get(c.person))
             for c in inputs.contracts}
    return FlexPlan(roster, lines, objective, "OPTIMAL" if proven else "FEASIBLE", seconds, len(order))


def contract_violations(inputs: FlexInputs, roster: pd.DataFrame, start: date
                        ) -> list[tuple[str, str, date | None, str]]:
    """(rule, agent, day, detail) of every flex contract rule the roster breaks (`constraints.flex`)."""
    return [(f"flex_{v.rule}", v.person, None if v.day is None else start + timedelta(days=v.day), v.detail)
            for v in flex_violations(inputs.contracts, inputs.shift_types, roster, inputs.horizon_days,
                                     inputs.first_weekday)]


def wishes_frame(inputs: FlexInputs, roster: pd.DataFrame, start: date) -> pd.DataFrame:
    """wishes.csv: every wish of a flex agent, what the plan gives that day, and whether it was
    granted. A wished day off is one row (granted when nothing is planned that day), though the
    engine holds it as a wish against each shift of the day."""
    types = {t.id: t for t in inputs.shift_types}
    planned = {(str(p), int(d)): s for p, d, s in roster[["person", "day", "shift"]].itertuples(index=False)}
    seen: set[tuple[str, int, str]] = set()
    rows = []
    for w in inputs.wishes:
        what = w.shift if w.on else "off"
        if (w.person, w.day, what) in seen:
            continue
        seen.add((w.person, w.day, what))
        got = planned.get((w.person, w.day))
        granted = got == w.shift if w.on else got is None
        rows.append((w.person, start + timedelta(days=w.day), _shown(types, what), w.weight,
                     _shown(types, got) if got else "off", granted))
    out = pd.DataFrame(rows, columns=list(WISHES_COLUMNS))
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["agent_id", "date"], kind="stable").reset_index(drop=True)


def _shown(types: Mapping[str, ShiftType], shift: str) -> str:
    """A shift as a person reads it, `18:00-24:00`; "off" stays."""
    t = types.get(shift)
    if t is None or t.start_min is None:
        return shift
    a, b = t.start_min, t.start_min + t.minutes
    return f"{a // 60:02d}:{a % 60:02d}-{(b // 60) % 24 if b > 24 * 60 else b // 60:02d}:{b % 60:02d}"


def flex_residual(result: ModelResult | None, coverage: np.ndarray, penalty: ShortfallPenalty,
                  demand: SeriesDemand | None, class_groups: Sequence[int], over_price: float) -> Residual:
    """What the rota classes' solution (`result`, None when there are none) leaves uncovered: per
    hour for a pooled team, else per series after the model's split of the agents on site."""
    H = coverage.shape[1]
    counts = result.counts if result is not None else np.zeros((0, coverage.shape[0]), dtype=np.int64)
    if demand is None:
        return Residual.pooled(penalty.required, penalty.cost, counts.sum(axis=0) @ coverage, over_price)
    on_site = np.zeros((demand.serves.shape[0], H), dtype=np.int64)
    for c, g in enumerate(class_groups):
        on_site[g] += counts[c] @ coverage
    if result is None:
        allocation = np.zeros(demand.shape, dtype=np.int64)
    else:
        allocation = result.allocation if result.allocation is not None else greedy_allocation(demand, on_site)
    return Residual.of_demand(demand, allocation, on_site, over_price)


def with_fixed_lines(lines: list[Line], allowed: np.ndarray, fixed: Sequence[Line]) -> tuple[list[Line], np.ndarray]:
    """The lines with `fixed` appended, and the allowed matrix with a row per fixed line that may
    work only it (a one-agent class on its own roster)."""
    C, L = allowed.shape
    out = np.zeros((C + len(fixed), L + len(fixed)), dtype=bool)
    out[:C, :L] = allowed
    for k in range(len(fixed)):
        out[C + k, L + k] = True
    return [*lines, *fixed], out


def with_carried(book: PatternBook, nights: Mapping[str, PlannedShift]) -> PatternBook:
    """The book with a template for each carried night's label it lacks (its start and length,
    no unpaid break), so that pay and the checker read that shift as they read the others."""
    templates = dict(book.templates)
    for s in nights.values():
        if s.template not in templates:
            templates[s.template] = ShiftTemplate(s.template, (s.start.time(),), s.on_site_h, 0.0)
    return PatternBook(book.patterns, templates) if len(templates) > len(book.templates) else book


def carried_nights(previous: pd.DataFrame | None, people: Sequence[str], start: date) -> dict[str, PlannedShift]:
    """Each flex agent's shift of the previous rota that runs into the first day (a night begun the
    evening before). Its hours after midnight are worked on this plan's first day, so the agent's
    line carries it, as a rota agent's line carries its cycle's night: `rota_frame` leaves it out of
    rota.csv (the previous rota lists it), the timesheet, pay and coverage count its hours here. A
    flex shift has no unpaid break (`flex_book`), so none is taken off."""
    if previous is None or previous.empty:
        return {}
    horizon = pd.Timestamp(start)
    begins, ends = pd.to_datetime(previous["start"]), pd.to_datetime(previous["end"])
    into = previous["agent_id"].astype(str).isin(set(people)) & (begins < horizon) & (ends > horizon)
    labels = previous["shift"] if "shift" in previous else pd.Series(FLEX, index=previous.index)
    return {str(agent): PlannedShift(b.date(), b.to_pydatetime(), e.to_pydatetime(), str(label or FLEX), 0.0)
            for agent, b, e, label in zip(previous["agent_id"][into], begins[into], ends[into], labels[into])}


def after_previous(inputs: FlexInputs, previous: pd.DataFrame | None, start: date, min_rest_h: float) -> FlexInputs:
    """The flex agents' contracts with the daily rest after their last shift of the previous rota:
    a shift of the horizon that would start before it ends is not offered."""
    if previous is None or previous.empty:
        return inputs
    horizon = pd.Timestamp(start)
    ends = previous[pd.to_datetime(previous["start"]) < horizon].groupby(
        previous["agent_id"].astype(str))["end"].max()
    types = {t.id: t for t in inputs.shift_types}
    out = []
    for c in inputs.contracts:
        if c.person not in ends.index:
            out.append(c)
            continue
        earliest = pd.Timestamp(ends[c.person]) + pd.Timedelta(hours=min_rest_h)
        days = range(max((earliest - horizon).days + 1, 0) + 1)
        early = {(d, s) for d in days if d < inputs.horizon_days for s in c.allowed
                 if horizon + pd.Timedelta(days=d, minutes=types[s].start_min or 0) < earliest}
        out.append(replace(c, unavailable_shifts=c.unavailable_shifts | frozenset(early)))
    return replace(inputs, contracts=tuple(out))
