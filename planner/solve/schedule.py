"""From requirements and people to a named, checked, costed rota.

1. Agents with the same hard attributes (pattern, phase, night_ok, absence days, rest carried
   over from the previous rota) form a class.
2. `constraints.lines` gives every legal line of each pattern; a class may work the lines its
   attributes allow. A class with absences gets its own copies of those lines with the absent
   days' shifts removed, and the nights that would run into an absent day, so what a line
   delivers is exact.
3. The CP-SAT model (`planner.solve.model`) chooses how many agents of each class work each line.
4. `planner.solve.assign` names the agents inside each class (preferences, fairness).
5. The rota is written out shift by shift, costed with `constraints.pay` and proven legal by
   the independent `constraints.checker`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.checker import Violation, check_rota
from constraints.patterns import FLEX
from constraints.labour import LabourRules
from constraints.lines import Line, coverage_matrix, generate_lines, weekly_rest_kept
from constraints.hours import night_credit_h
from constraints.pay import night_hours_of, rate_hours, shift_hours_frame
from common.errors import InputError
from common.stages import stage
from planner.solve.assign import Assignment, assign, line_traits
from planner.workspace.config import RotaConfig
from planner.solve.continuity import Carry, carry_over
from planner.solve.flex_inputs import FlexInputs
from planner.solve.flex_plan import (
    FLEX_SHARE, STAFF_FIRST, STAFF_FIRST_GAP, FlexPlan, after_previous, carried_nights, contract_violations,
    flex_book, flex_residual, plan_flex, wishes_frame, with_carried, with_fixed_lines,
)
from planner.workspace.people import flex_refusal, hired_for_nights
from planner.solve.model import ModelInput, ModelResult, NoLineError, solve
from planner.solve.allocation import SeriesDemand, spread_idle
from planner.solve.balancing import (
    PeriodCaps, balance_lines, days_off, hours_caps, need_per_agent, plan_periods,
)
from planner.solve.payroll import credited, horizon_pay, horizon_timesheet
from planner.solve.periods import continued_hours, counted_before, line_overtime, plan_ledger
from planner.solve.penalties import ShortfallPenalty, horizon_penalty
from planner.solve.published import (
    Signature, change_counts, changes_frame, line_codes, published_line, published_shifts,
)
from planner.solve.queues import SkillSetup, coverage_by_queue, pooled_split, series_demand, skill_setup
from planner.solve.service import coverage_frame, on_duty_per_hour
from planner.solve.skill_model import solve_by_series

ROTA_COLUMNS = ("agent_id", "date", "start", "end", "paid_hours", "night_hours", "holiday_hours", "pattern", "shift",
                "serves")   # serves: the series the agent may serve, channel/queue joined by ";", or * for all


@dataclass(frozen=True)
class AgentClass:
    """Agents the model may treat as one: same pattern and the same hard restrictions."""

    pattern: str
    phase: int | None
    variant: str | None
    night_ok: bool
    absent_days: tuple[date, ...]
    earliest_start: datetime | None
    spill_in: tuple[tuple[datetime, datetime], ...]
    phases: tuple[int, ...] = ()         # with phase None: the phases the previous rota allows (empty = any)
    recent: tuple[tuple[datetime, datetime], ...] = ()   # previous rota's shifts of its last 8 days
    group: int = 0                       # skill group: the series its agents may serve (planner.solve.queues)
    caps: tuple[tuple[float, ...], ...] = ((), (), ())   # per period: hours cap, planned overtime, hours before
    published: Signature | None = None   # the shifts the published rota gives its agents in the horizon
    credit: bool = True                  # art. 96: its night shifts count an hour more (not hired for nights)
    members: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> str:
        free = "phase " + " or ".join(map(str, self.phases)) if self.phases else "free phase"
        bits = [self.pattern, free if self.phase is None else f"phase {self.phase}"]
        if self.variant:
            bits.append(f"{self.variant} shifts")
        if not self.night_ok:
            bits.append("no nights")
        if self.absent_days:
            bits.append(f"absent {len(self.absent_days)} day(s)")
        if self.earliest_start:
            bits.append(f"rest until {self.earliest_start:%Y-%m-%d %H:%M}")
        return ", ".join(bits)


@dataclass(frozen=True)
class Schedule:
    """Everything one scheduling run produced."""

    start: date
    days: int
    rota: pd.DataFrame
    coverage: pd.DataFrame
    pay: pd.DataFrame
    violations: tuple[Violation, ...]
    model: ModelResult
    assignment: Assignment
    classes: tuple[AgentClass, ...]
    lines: tuple[Line, ...]
    penalty: ShortfallPenalty
    by_queue: pd.DataFrame | None = None     # coverage per hour and series (coverage_by_queue.csv)
    skills: SkillSetup | None = None         # series and skill groups; pooled when everyone serves all
    timesheet: pd.DataFrame | None = None   # T-13 days of the horizon (planner.solve.payroll)
    ledger: pd.DataFrame | None = None      # each accounting period's norm and hours before (planner.solve.periods)
    days_off: pd.DataFrame | None = None    # balancing days off (planner.solve.balancing): agent_id, date
    changes: pd.DataFrame | None = None     # against the published rota (planner.solve.published)
    flex: FlexPlan | None = None            # the flex agents' rosters (planner.solve.flex_plan)
    wishes: pd.DataFrame | None = None      # wishes.csv: each flex wish, granted or not
    model_input: ModelInput | None = None   # what the (last) class model was given: benchmarks rebuild on it


def absence_days(absences: pd.DataFrame, start: date, days: int) -> dict[str, set[date]]:
    """Days of the horizon each agent is absent, and the days either side of it: a night shift
    begun the day before would run into the horizon's first morning, and an absent agent did not
    work it; the night of the horizon's last day would run into an absence that begins the day
    after (see `_without`)."""
    last = start + timedelta(days=days)
    start = start - timedelta(days=1)
    out: dict[str, set[date]] = {}
    for a, s, e in zip(absences["agent_id"], absences["start"], absences["end"]):
        lo, hi = max(pd.Timestamp(s).date(), start), min(pd.Timestamp(e).date(), last)
        for k in range((hi - lo).days + 1):
            out.setdefault(a, set()).add(lo + timedelta(days=k))
    return out


def agent_classes(agents: pd.DataFrame, absent: dict[str, set[date]], carry: dict[str, Carry],
                  group_of: dict[str, int] | None = None, caps: PeriodCaps | None = None,
                  published: dict[str, Signature] | None = None) -> list[AgentClass]:
    """Group agents by their hard attributes (skill group, hours caps and published shifts
    included); members sorted, classes in a stable order."""
    groups: dict[tuple, list[str]] = {}
    hired = hired_for_nights(agents)
    for row in agents.itertuples(index=False):
        c = carry[row.agent_id]
        a = str(row.agent_id)
        key = (row.pattern, c.phase, c.variant, bool(row.night_ok), tuple(sorted(absent.get(row.agent_id, ()))),
               c.earliest_start, c.spill_in, c.phases, c.recent, (group_of or {}).get(a, 0),
               caps.key(a) if caps is not None else ((), (), ()), (published or {}).get(a), not hired.get(a, False))
        groups.setdefault(key, []).append(row.agent_id)
    return [AgentClass(*key, members=tuple(sorted(m))) for key, m in sorted(groups.items(), key=lambda kv: kv[1][0])]


def _class_caps(cls: AgentClass) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool] | None:
    cap, overtime, before = cls.caps
    return (np.array(cap), np.array(overtime), np.array(before), cls.credit) if cap else None


def _runs_into(shift, days: set[date]) -> bool:
    """Whether the shift is on site during any of `days` (00:00-24:00): the day it belongs to, or
    the next one for a night that runs past midnight."""
    d, last = shift.start.date(), (shift.end - timedelta(microseconds=1)).date()
    while d <= last:
        if d in days:
            return True
        d += timedelta(days=1)
    return shift.day in days


def _without(line: Line, absent: tuple[date, ...],
             keep: tuple[tuple[datetime, datetime], ...] = ()) -> Line:
    """The line as an agent absent on those days works it: no shift on an absence day, and no
    night begun the evening before one either (it would keep the agent at work on a day of
    leave until the morning). `keep` are shifts the previous rota says were worked (a night
    running into the horizon), which stay whatever the absences now say."""
    days = set(absent)
    return Line(line.key + " -abs", line.pattern, line.variant, line.phase, line.starts,
                tuple(s for s in line.shifts if (s.start, s.end) in keep or not _runs_into(s, days)),
                line.cycle_starts, line.days_off)


def _as_before(line: Line, start: date, spill_in: tuple[tuple[datetime, datetime], ...]) -> Line:
    """The line with its night begun before the horizon only if the previous rota has it: that
    rota is what was worked, and it may have given the cycle's last day off (balancing, a day off
    granted), leaving no night to run into the first morning."""
    keep = set(spill_in)
    shifts = tuple(s for s in line.shifts if s.day >= start or (s.start, s.end) in keep)
    if len(shifts) == len(line.shifts):
        return line
    return Line(line.key + " -prev", line.pattern, line.variant, line.phase, line.starts, shifts,
                line.cycle_starts, line.days_off)


def _spill(line: Line, start: date) -> tuple[tuple[datetime, datetime], ...]:
    """The line's shifts begun before the horizon (a night running into its first morning)."""
    return tuple((s.start, s.end) for s in line.shifts if s.day < start)


def _fits(cls: AgentClass, line: Line, start: date, rules: LabourRules) -> bool:
    """Whether agents of the class may work the line (as they work it, absence days removed);
    after a previous rota, its first shift keeps the daily rest and the weekly rest of the
    7-day windows that span both rotas is kept too."""
    if cls.phase is not None and line.phase != cls.phase:
        return False
    if cls.phases and line.phase not in cls.phases:
        return False
    if cls.variant is not None and line.variant != cls.variant:
        return False
    if cls.earliest_start is not None:
        if _spill(line, start) != cls.spill_in:
            return False
        first = next((s for s in line.shifts if s.day >= start), None)
        if first is not None and first.start < cls.earliest_start:
            return False
    if cls.recent:
        shifts = list(cls.recent) + [(s.start, s.end) for s in line.shifts]
        if not weekly_rest_kept(shifts, start - timedelta(days=6), start + timedelta(days=6), rules):
            return False
    return True


def _no_line_reason(cls: AgentClass, pattern_lines: list[Line], night_lines: set[str], start: date,
                    rules: LabourRules) -> str:
    if not pattern_lines:
        return (f"no way to work {cls.pattern} keeps {rules.in_words()} with the start times its "
                "shifts may take ([shifts] of rota.toml)")
    same_phase = [l for l in pattern_lines if (cls.phase is None or l.phase == cls.phase)
                  and (not cls.phases or l.phase in cls.phases)]
    phases = [cls.phase] if cls.phase is not None else list(cls.phases)
    where = f"{cls.pattern} line" + (f" in phase {' or '.join(map(str, phases))}" if phases else "")
    if not same_phase:
        return f"no {where} keeps {rules.in_words()}"
    if not cls.night_ok and all(l.key in night_lines for l in same_phase):
        return f"every {where} that keeps {rules.in_words()} works at night, and night_ok is false"
    if cls.spill_in and not any(_spill(l, start) == cls.spill_in for l in same_phase):
        a, b = cls.spill_in[0]
        return (f"the previous rota's shift {a:%Y-%m-%d %H:%M}-{b:%Y-%m-%d %H:%M} runs into the horizon, "
                f"and no {where} has that shift on {a:%Y-%m-%d}")
    if cls.earliest_start is not None:
        return ("no line continues the previous rota with the minimum daily rest of "
                f"{rules.min_daily_rest_h:g} h (labour.min_daily_rest_h) and the weekly rest of "
                f"{rules.weekly_rest_h:g} h (labour.weekly_rest_h) in the 7 days that span both: the first "
                f"shift may not start before {cls.earliest_start:%Y-%m-%d %H:%M}")
    return f"no {where} fits the agents' cycle, absences and night_ok"


def _usable(cls: AgentClass, pattern_lines: list[Line], day_only: set[str], start: date,
            rules: LabourRules) -> list[tuple[Line, Line]]:
    """(line, the line as the class works it) for every line the class may work."""
    usable = [l for l in pattern_lines if cls.night_ok or l.key in day_only]
    worked = [_without(l, cls.absent_days, cls.spill_in) if cls.absent_days else l for l in usable]
    if cls.earliest_start is not None:   # after a previous rota, before the horizon is what it says
        worked = [_as_before(w, start, cls.spill_in) for w in worked]
    return [(l, w) for l, w in zip(usable, worked) if _fits(cls, w, start, rules)]


def build_lines(cfg: RotaConfig, classes: list[AgentClass], start: date, days: int) -> tuple[list[Line], np.ndarray]:
    """All lines the model may use and the (classes x lines) allowed matrix.

    Lines keep one start time per shift template. A class that no such line fits may work the
    lines whose start times slide within the cycle (07:00, then 09:00 the next day), which is how
    a pattern of 12-hour shifts on consecutive days keeps a daily rest above 12 h; a class is
    refused only when no line of either kind is legal for it.
    """
    def generate(p: str, sliding: bool) -> tuple[list[Line], set[str]]:
        return (generate_lines(cfg.book, p, start, days, rules=cfg.labour, sliding=sliding),
                {l.key for l in generate_lines(cfg.book, p, start, days, night_ok=False, rules=cfg.labour,
                                               sliding=sliding)})

    stable = {p: generate(p, False) for p in sorted({c.pattern for c in classes})}
    sliding: dict[str, tuple[list[Line], set[str]]] = {}
    lines: list[Line] = [l for p in sorted(stable) for l in stable[p][0]]
    index = {l.key: i for i, l in enumerate(lines)}
    rows: list[list[int]] = []
    for cls in classes:
        ok = _usable(cls, *stable[cls.pattern], start, cfg.labour)
        if not ok:
            if cls.pattern not in sliding:
                sliding[cls.pattern] = generate(cls.pattern, True)
            ok = _usable(cls, *sliding[cls.pattern], start, cfg.labour)
        if not ok:
            every = stable[cls.pattern][0] + sliding[cls.pattern][0]
            night_lines = {l.key for l in every} - stable[cls.pattern][1] - sliding[cls.pattern][1]
            raise InputError(
                f"no legal rota for {', '.join(cls.members)} ({cls.describe()}): "
                + _no_line_reason(cls, every, night_lines, start, cfg.labour),
                column="agents",
            )
        idx = []
        for l, w in ok:   # a line as this class works it (absences, the previous rota) is its own
            if w is l:
                if l.key not in index:
                    index[l.key] = len(lines)
                    lines.append(l)
                idx.append(index[l.key])
            else:
                lines.append(w)
                idx.append(len(lines) - 1)
        rows.append(idx)
    allowed = np.zeros((len(classes), len(lines)), dtype=bool)
    for c, idx in enumerate(rows):
        allowed[c, idx] = True
    return lines, allowed


def _with_published(cfg: RotaConfig, classes: list[AgentClass], lines: list[Line], allowed: np.ndarray,
                    start: date, days: int) -> tuple[list[Line], np.ndarray]:
    """Each class with published shifts may also work exactly those (less what its absences now
    take away), as a line of the cycle closest to them, when that is still legal for it."""
    extra: list[tuple[int, Line]] = []
    codes = line_codes(lines, start, days) if any(c.published is not None for c in classes) else None
    for c, cls in enumerate(classes):
        idx = np.flatnonzero(allowed[c])
        if cls.published is None or idx.size == 0:
            continue
        near = change_counts(codes[idx], [cls.published], start, days)[0]
        line = published_line(cls.published, lines[idx[int(np.argmin(near))]], cfg.book.templates, start,
                              cls.members[0])
        line = _without(line, cls.absent_days, cls.spill_in) if cls.absent_days else line
        mine = tuple((s.start, s.end) for s in line.shifts if s.day >= start)
        if change_counts(codes[idx], [mine], start, days)[0].min() > 0 and _fits(cls, line, start, cfg.labour):
            extra.append((c, line))
    out = np.zeros((allowed.shape[0], allowed.shape[1] + len(extra)), dtype=bool)
    out[:, :allowed.shape[1]] = allowed
    for k, (c, _) in enumerate(extra):
        out[c, allowed.shape[1] + k] = True
    return lines + [l for _, l in extra], out


def _change_counts(lines: list[Line], classes: list[AgentClass], allowed: np.ndarray, start: date,
                   days: int) -> np.ndarray:
    """(classes x lines) days each allowed line changes of its class's published shifts; all 0
    without a published rota."""
    signatures = [c.published for c in classes]
    if all(sig is None for sig in signatures):
        return np.zeros(allowed.shape, dtype=np.int64)
    return np.where(allowed, change_counts(line_codes(lines, start, days), signatures, start, days), 0)


def _shift_table(lines: list[Line], cfg: RotaConfig) -> pd.DataFrame:
    """Every shift of every line with its paid, night and holiday hours (pay rules), before the
    art. 96 hour, which depends on the agent; `credit_h` is that hour for an agent not hired for
    night work."""
    rows = [(i, s.day, s.start, s.end, s.break_h, s.template) for i, l in enumerate(lines) for s in l.shifts]
    df = pd.DataFrame(rows, columns=["line", "day", "start", "end", "break_h", "shift"])
    if df.empty:
        return df.assign(paid_hours=[], night_hours=[], holiday_hours=[], credit_h=[])
    out = shift_hours_frame(df, RU_CALENDAR, cfg.pay)
    return out.assign(credit_h=night_credit_h(out["start"], out["end"], False, cfg.labour))


def _counted(shifts: pd.DataFrame, start: date, days: int, with_eve: bool) -> pd.DataFrame:
    """The shifts a rota lists: those of its days, and the night begun the evening before the
    first day when no previous rota already lists it (the agent's cycle puts it there)."""
    first = start - timedelta(days=1) if with_eve else start
    return shifts[(shifts["day"] >= first) & (shifts["day"] < start + timedelta(days=days))]


def line_costs(cfg: RotaConfig, classes: list[AgentClass], lines: list[Line], allowed: np.ndarray,
               agents: pd.DataFrame, start: date, days: int, shifts: pd.DataFrame,
               ledger: pd.DataFrame) -> np.ndarray:
    """Roubles for one agent of class c on line l: base and premiums over the horizon, and the
    overtime of each accounting period the plan ends, against its norm less the hours already
    worked in it (`ledger`, `planner.solve.periods.line_overtime`)."""
    sums = {}
    for eve in (False, True):
        per_line = (_counted(shifts, start, days, eve)
                    .groupby("line")[["paid_hours", "night_hours", "holiday_hours", "credit_h"]]
                    .sum().reindex(range(len(lines)), fill_value=0.0))
        paid = per_line["paid_hours"].to_numpy()
        hol = per_line["holiday_hours"].to_numpy()
        sums[eve] = (rate_hours(paid, per_line["night_hours"].to_numpy(), hol, cfg.pay), per_line["credit_h"].to_numpy())
    rates = agents.set_index("agent_id")["rate_rub_h"]
    hired = hired_for_nights(agents)
    cost = np.zeros(allowed.shape)
    ot_extra = line_overtime(cfg, [c.members for c in classes], len(lines), shifts, ledger, hired, start, days)
    for c, cls in enumerate(classes):
        rate_h, credit = sums[cls.earliest_start is None]
        credit = credit * float(np.mean([not hired.get(str(a), False) for a in cls.members]))  # art. 96 hours
        cost[c] = float(rates.loc[list(cls.members)].mean()) * (rate_h + credit + ot_extra[c])
    return np.where(allowed, cost, 0.0)


def rota_frame(agents: pd.DataFrame, assignment: Assignment, lines: list[Line], shifts: pd.DataFrame,
               start: date, days: int, carried: set[str] = frozenset()) -> pd.DataFrame:
    """One row per agent-shift in the rota.csv layout: the shifts of the horizon's days, and
    the night begun the evening before for agents whose previous rota is not given (`carried`
    lists those whose previous rota already has it), so that the first morning is staffed by
    shifts the rota itself lists and pays."""
    line_of = pd.DataFrame({"agent_id": list(assignment.line_of), "line": list(assignment.line_of.values())})
    rota = line_of.merge(_counted(shifts, start, days, True), on="line")
    rota = rota[(rota["day"] >= start) | ~rota["agent_id"].isin(carried)]
    rota = rota.merge(agents[["agent_id", "pattern"]], on="agent_id")
    rota = rota.assign(date=pd.to_datetime(rota["day"]), serves="*").sort_values(["agent_id", "start"])
    return rota[list(ROTA_COLUMNS)].reset_index(drop=True)


def solve_schedule(
    cfg: RotaConfig,
    requirements: pd.DataFrame,
    agents: pd.DataFrame,
    absences: pd.DataFrame,
    start: date,
    days: int,
    previous: pd.DataFrame | None = None,
    *,
    worked: pd.DataFrame | None = None,
    time_limit_s: float | None = None,
    progress: Callable[[float, float, float], None] | None = None,
    stop: threading.Event | None = None,
    published: pd.DataFrame | None = None,
    flex: FlexInputs | None = None,
) -> Schedule:
    """Schedule every agent over [start, start + days) against the requirements: as one pooled
    team when everyone may serve every series, else each series by the agents who may serve it.
    `previous` (every previous rota) and `worked` (worked.csv) give the hours already worked in
    the accounting periods the plan touches (`planner.solve.periods.plan_ledger`). With a
    `published` rota, its shifts are kept unless a change is worth `changed_shift_rub`. Agents on
    a flexible schedule (`flex`, from `planner.solve.flex_inputs`) are planned per person against
    what the rota leaves, then fixed on their rosters while the rota is solved again
    (`planner.solve.flex_plan`)."""
    flexers = [str(a) for a in agents.loc[agents["pattern"] == FLEX, "agent_id"]]
    if flexers and flex is None:
        raise InputError(flex_refusal(flexers), column="pattern")
    nights = {}   # a flex agent's night from the previous rota that runs into day one
    if flexers:
        nights = carried_nights(previous, flexers, start)
        cfg = replace(cfg, book=with_carried(flex_book(cfg.book, flex.shift_types), nights))
        flex = after_previous(flex, previous, start, cfg.labour.min_daily_rest_h)
    staff = agents[agents["pattern"] != FLEX]
    with stage("prices"):
        penalty = horizon_penalty(requirements, cfg, start, days)
    with stage("classes and lines"):
        ledger = plan_ledger(cfg, agents, absences, start, days, previous, worked)
        absent = absence_days(absences, start, days)
        carry = {**carry_over(staff, absences, cfg.book, cfg.labour, start, previous),
                 **{a: Carry(None, FLEX) for a in flexers}}
        hours_ix = penalty.ts
        setup = skill_setup(agents, requirements[requirements["ts"].isin(hours_ix)], cfg.queues)
        periods = plan_periods(start, days, cfg.pay.accounting_period)
        caps = hours_caps(staff, ledger, periods, cfg.labour.planned_overtime)
        shown = published_shifts(published, start, days) if published is not None else {}
        classes = agent_classes(staff, absent, carry, None if setup.pooled else setup.group_of, caps, shown)
        lines, allowed = build_lines(cfg, classes, start, days)
        lines, allowed = _with_published(cfg, classes, lines, allowed, start, days)
        hours = days * 24
        origin = datetime.combine(start, time())
        demand = None if setup.pooled else series_demand(requirements, cfg, hours_ix, setup,
                                                         np.array([c.group for c in classes]))
        per_hour = (np.broadcast_to(penalty.required, (len(classes), hours)) if demand is None else
                    need_per_agent(demand.need, demand.serves, demand.group,
                                   np.array([len(c.members) for c in classes]))[demand.group])
        lines, allowed = balance_lines(lines, allowed, [_class_caps(c) for c in classes], start, days, periods,
                                       cfg.labour, per_hour, origin)
    limit = time_limit_s or cfg.solver.time_limit_s
    options = dict(workers=cfg.solver.workers, seed=cfg.solver.seed, progress=progress, stop=stop)

    def run(share: float, gap: float = cfg.solver.gap_limit) -> tuple[ModelResult, pd.DataFrame, np.ndarray, ModelInput]:
        """The class model on the classes and lines as they stand, with `share` of the time."""
        with stage("line costs"):
            shifts, coverage = _shift_table(lines, cfg), coverage_matrix(lines, origin, hours)
            inp = ModelInput(
                required=penalty.required.astype(float), shortfall_cost=penalty.cost,
                over_cost=cfg.objective.over_staffing_rub_h,
                class_sizes=np.array([len(c.members) for c in classes], dtype=np.int64),
                coverage=coverage, allowed=allowed, availability=None,
                line_cost=line_costs(cfg, classes, lines, allowed, agents, start, days, shifts, ledger)
                + cfg.objective.changed_shift_rub * _change_counts(lines, classes, allowed, start, days),
            )
        work = cfg.solver.deterministic_time
        budget = dict(options, relative_gap=gap, time_limit_s=limit * share,
                      deterministic_time=None if work is None else work * share)
        try:
            got = solve(inp, **budget) if demand is None else solve_by_series(inp, demand, **budget)
        except NoLineError as exc:  # build_lines already names them; kept as a safety net
            names = "; ".join(", ".join(classes[c].members) for c in exc.classes)
            raise InputError(f"no legal line for {names}", column="agents") from None
        return got, shifts, coverage, inp

    plan = None
    if not flexers:
        result, shifts, coverage, inp = run(1.0)
    else:
        result, shifts, coverage, inp = (run(STAFF_FIRST, max(cfg.solver.gap_limit, STAFF_FIRST_GAP)) if classes
                                         else (None, None, np.zeros((len(lines), hours)), None))
        with stage("flex agents"):
            residual = flex_residual(result, coverage, penalty, demand, [c.group for c in classes],
                                     cfg.objective.over_staffing_rub_h)
            groups = {a: np.ones(1, dtype=bool) if setup.pooled else setup.serves[setup.group_of[a]]
                      for a in flexers}
            plan = plan_flex(flex, residual, groups, dict(zip(agents["agent_id"].astype(str), agents["rate_rub_h"])),
                             start, cfg.pay, time_limit_s=limit * FLEX_SHARE, workers=cfg.solver.workers,
                             seed=cfg.solver.seed, carried=nights)
        own = flex_classes(agents, flexers, {} if setup.pooled else setup.group_of)
        lines, allowed = with_fixed_lines(lines, allowed, [plan.lines[a] for a in flexers])
        classes = classes + own
        if demand is not None:
            demand = series_demand(requirements, cfg, hours_ix, setup, np.array([c.group for c in classes]))
        result, shifts, coverage, inp = run(1.0)   # the whole time limit: the rota as it will be
    with stage("naming agents"):
        traits = line_traits(lines, start, days,
                             night_hours=lambda a, b: night_hours_of(a, b, cfg.pay),
                             holiday_hours=None)
        assignment = assign(result.counts, [c.members for c in classes], traits,
                            shift_pref=dict(zip(agents["agent_id"], agents["shift_pref"])),
                            history={a: c.history for a, c in carry.items()})
        carried = {a for a, c in carry.items() if c.earliest_start is not None} | set(nights)
        rota = credited(rota_frame(agents, assignment, lines, shifts, start, days, carried), agents, cfg)
        rota["serves"] = [setup.serves_text(str(a)) for a in rota["agent_id"]]
    with stage("coverage"):
        on_duty = on_duty_per_hour(assignment, coverage)
        by_series, able = _series_on_site(requirements, hours_ix, setup, assignment, coverage, result, demand)
        by_queue = coverage_by_queue(requirements, hours_ix, setup.series, by_series, cfg, able)
        cover = coverage_frame(requirements, penalty, on_duty, cfg, None if setup.pooled else by_queue)
    with stage("timesheet and pay"):
        on_site = rota_frame(agents, assignment, lines, shifts, start, days)   # carried nights' mornings too
        timesheet = horizon_timesheet(on_site, agents, absences, cfg, start, days)
        pay = horizon_pay(timesheet, agents, ledger, cfg,
                          continued_hours(assignment.line_of, lines, agents, absences, ledger, cfg, start, days))
        off = days_off(assignment, lines, start, days)
    with stage("checker"):
        violations = check_rota(rota, cycles_as_planned(agents, carry, start), absences, cfg.labour, cfg.book,
                                start, days, previous, pay=cfg.pay, before=counted_before(ledger), days_off=off)
    if plan is not None:
        violations += [Violation(*v) for v in contract_violations(flex, plan.roster, start)]
    changes = changes_frame(rota, {a: v for a, v in shown.items() if a in set(agents["agent_id"].astype(str))},
                            absences, off, start, days) if published is not None else None
    return Schedule(start, days, rota, cover, pay, tuple(violations), result, assignment,
                    tuple(classes), tuple(lines), penalty, by_queue, setup, timesheet,
                    ledger=ledger, days_off=off, changes=changes, flex=plan, model_input=inp,
                    wishes=wishes_frame(flex, plan.roster, start) if plan is not None else None)


def flex_classes(agents: pd.DataFrame, flexers: list[str], group_of: dict[str, int]) -> list[AgentClass]:
    """A one-agent class per flex agent, for the one line its roster is (`flex_plan.with_fixed_lines`)."""
    night_ok = dict(zip(agents["agent_id"].astype(str), agents["night_ok"]))
    hired = hired_for_nights(agents)
    return [AgentClass(FLEX, 0, FLEX, bool(night_ok[a]), (), None, (), group=group_of.get(a, 0),
                       credit=not hired.get(a, False), members=(a,)) for a in flexers]


def _series_on_site(requirements: pd.DataFrame, hours: pd.DatetimeIndex, setup: SkillSetup,
                    assignment: Assignment, coverage: np.ndarray, result: ModelResult,
                    demand: SeriesDemand | None) -> tuple[np.ndarray, np.ndarray]:
    """(S, H) agents on site per series: the model's split (idle agents added to a series they may
    serve), or, for a pooled team, each hour's agents in proportion to what each series asked; and
    (S, H) the agents on site who may serve each series."""
    on_site = np.zeros((setup.serves.shape[0], coverage.shape[1]), dtype=np.int64)
    for agent, line in assignment.line_of.items():
        on_site[setup.group_of[str(agent)]] += coverage[line]
    able = setup.serves.T.astype(np.int64) @ on_site
    if demand is None or result.allocation is None:
        return pooled_split(requirements, hours, setup.series, on_duty_per_hour(assignment, coverage)), able
    return spread_idle(demand, on_site, result.allocation).sum(axis=0), able


def cycles_as_planned(agents: pd.DataFrame, carry: dict[str, Carry], start: date) -> pd.DataFrame:
    """Agents with the cycle start the rota continues: where the previous rota showed a phase
    other than the agents file's `cycle_start`, what really happened wins and is checked."""
    out = agents.copy()
    for i, a in enumerate(out["agent_id"]):
        c = carry[a]
        if c.phase_source == "previous rota":
            out.loc[out.index[i], "cycle_start"] = pd.Timestamp(start - timedelta(days=c.phase))
    return out
