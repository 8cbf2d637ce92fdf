"""The accounting periods a plan touches (art. 104): the ledger of each agent's period before the
plan, the hours the agent's pattern would add after the plan to the end of a period the plan
does not end, and the overtime the optimiser prices on its lines.

Overtime belongs to the period, not to the plan: a plan pays it only for a period whose last day
it reaches, on the period's whole hours (those worked before the plan included) against its whole
norm; for a period that goes on after the plan, the agent's cycle continued to the period's end
gives the hours it heads for (`projected_period_hours`), an estimate and never a payment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.hours import day_parts, night_credit_h
from constraints.ledger import period_ledger
from constraints.lines import Line
from constraints.overtime import accounting_periods
from constraints.patterns import FLEX
from constraints.pay import FUTURE_COLUMNS, overtime
from planner.workspace.config import RotaConfig
from planner.workspace.people import hired_for_nights
from planner.workspace.worked import worked_days


def absent_dates(absences: pd.DataFrame, first: date, last: date) -> dict[str, set[date]]:
    """Every absence day of each agent inside [first, last] (any kind: the norm loses them all)."""
    out: dict[str, set[date]] = {}
    for a, s, e in zip(absences["agent_id"], absences["start"], absences["end"]):
        lo, hi = max(pd.Timestamp(s).date(), first), min(pd.Timestamp(e).date(), last)
        for k in range((hi - lo).days + 1):
            out.setdefault(str(a), set()).add(lo + timedelta(days=k))
    return out


def plan_ledger(cfg: RotaConfig, agents: pd.DataFrame, absences: pd.DataFrame, start: date, days: int,
                previous: pd.DataFrame | None = None, worked: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ledger (`constraints.ledger.period_ledger`) of every agent for the periods the plan
    touches: hours before the plan from the previous rotas and worked.csv (`worked_days`), the
    norm less every absence inside the period, before, in or after the plan."""
    spans = accounting_periods(start, start + timedelta(days=days - 1), cfg.pay.accounting_period)
    return period_ledger(list(agents["agent_id"].astype(str)), worked_days(previous, worked, agents, cfg),
                         absent_dates(absences, spans[0][0], spans[-1][1]), start, days,
                         cfg.pay.accounting_period, cfg.pay.hours_per_week)


def counted_before(ledger: pd.DataFrame) -> dict[tuple[str, date], float]:
    """(agent_id, period_start) -> the hours worked in the period before the plan that count
    towards its norm: holiday hours do not (art. 152). What the rule checker's art. 99 counts."""
    hours = ledger["hours_before"] - ledger["holiday_hours_before"]
    return dict(zip(zip(ledger["agent_id"], ledger["period_start"]), hours.astype(float)))


def line_overtime(cfg: RotaConfig, members: Sequence[Sequence[str]], n_lines: int, shifts: pd.DataFrame,
                  ledger: pd.DataFrame, hired: Mapping[str, bool], start: date, days: int) -> np.ndarray:
    """(classes x lines) overtime premium in rate-hours of one agent of each class on each line:
    only for the periods the plan ends, its hours outside holidays in the period against the
    norm less the hours already worked (the members' mean), on the base rate (the optimiser's
    estimate). `shifts` are the lines' shifts (line, start, end, break_h, credit_h)."""
    out = np.zeros((len(members), n_lines))
    settled = ledger[ledger["ends_in_plan"].astype(bool)]
    if settled.empty or shifts.empty:
        return out
    spans = settled[["period_start", "period_end"]].drop_duplicates().to_numpy()
    parts = day_parts(shifts["start"], shifts["end"], shifts["break_h"], shifts["credit_h"], cfg.pay.night,
                      RU_CALENDAR)
    when = pd.to_datetime(parts["date"]).dt.date.to_numpy()
    line = shifts["line"].to_numpy()[parts["shift"].to_numpy()]
    keep = ~parts["holiday"].to_numpy(bool) & (when >= start) & (when < start + timedelta(days=days))
    before = counted_before(settled)
    room = {k: float(n) - before[k] for k, n in zip(zip(settled["agent_id"], settled["period_start"]),
                                                    settled["norm_hours"])}
    for p0, p1 in spans:
        mine = keep & (when >= p0) & (when <= p1)
        worked = np.bincount(line[mine], parts["worked_h"].to_numpy()[mine], minlength=n_lines)
        credit = np.bincount(line[mine], (parts["hours"] - parts["worked_h"]).to_numpy()[mine], minlength=n_lines)
        for c, who in enumerate(members):
            share = float(np.mean([not hired.get(str(a), False) for a in who]))       # art. 96 hours
            left = float(np.mean([room.get((str(a), p0), 0.0) for a in who]))
            out[c] += overtime(worked + credit * share, left, cfg.pay)[1]
    return out


def _future_shifts(line: Line, cfg: RotaConfig, start: date, first: int, last: int,
                   away: set[date]) -> list[tuple[datetime, datetime, str]]:
    """The line's cycle continued over day offsets [first, last] from `start`: (start, end,
    template) of each shift, leaving out one on site during a day of absence (as the plan does).
    Day `first` is the plan's last day: its shift is there only if the line really has it (a
    balanced line may give it off, and then no night runs on into the next morning)."""
    cycle = cfg.book.pattern(line.pattern).variant(line.variant).cycle
    n = len(cycle)
    planned = {s.day for s in line.shifts}
    out = []
    for k in range(first, last + 1):
        i = (line.phase + k) % n
        name = cycle[i]
        if name is None or (k == first and start + timedelta(days=k) not in planned):
            continue
        template = cfg.book.templates[name]
        at = line.cycle_starts[i] if line.cycle_starts else line.starts.get(name, template.starts[0])
        a = datetime.combine(start + timedelta(days=k), at or time())
        b = a + timedelta(hours=template.length_h)
        on = {a.date() + timedelta(days=j) for j in range(((b - timedelta(microseconds=1)).date() - a.date()).days + 1)}
        if not on & away:
            out.append((a, b, name))
    return out


def continued_hours(line_of: Mapping[str, int], lines: Sequence[Line], agents: pd.DataFrame,
                    absences: pd.DataFrame, ledger: pd.DataFrame, cfg: RotaConfig, start: date,
                    days: int) -> pd.DataFrame:
    """The hours each agent's pattern adds after the plan to the end of each period the plan does
    not end (FUTURE_COLUMNS: agent_id, period_start, hours, holiday_hours).

    The agent's line goes on with its cycle, phase and start times, shift by shift, its hours on
    the calendar days they fall on as the timesheet counts them (the evening part of the plan's
    last night included, the morning after the period's end not), without the shifts that would
    fall on a day of absence.
    """
    open_ = ledger[~ledger["ends_in_plan"].astype(bool)]
    if open_.empty:
        return pd.DataFrame(columns=list(FUTURE_COLUMNS))
    plan_end = start + timedelta(days=days)
    p0, p1 = open_["period_start"].iloc[0], open_["period_end"].iloc[0]
    away = absent_dates(absences, start, p1 + timedelta(days=1))
    rows = []
    for agent in sorted(set(open_["agent_id"]) & set(map(str, line_of))):
        line = lines[line_of[agent]]
        if line.pattern == FLEX:      # a flex roster has no cycle to go on: its next plan says
            continue
        for a, b, name in _future_shifts(line, cfg, start, days - 1, (p1 - start).days, away.get(agent, set())):
            rows.append((agent, a, b, cfg.book.templates[name].break_h))
    if not rows:
        return pd.DataFrame(columns=list(FUTURE_COLUMNS))
    shifts = pd.DataFrame(rows, columns=["agent_id", "start", "end", "break_h"])
    exempt = hired_for_nights(agents)
    hired = shifts["agent_id"].map(lambda a: exempt.get(a, False)).to_numpy(bool)
    credit = night_credit_h(shifts["start"], shifts["end"], hired, cfg.labour)
    parts = day_parts(shifts["start"], shifts["end"], shifts["break_h"], credit, cfg.pay.night, RU_CALENDAR)
    when = pd.to_datetime(parts["date"]).dt.date
    inside = ((when >= max(plan_end, p0)) & (when <= p1)).to_numpy()
    parts = parts[inside]
    agent = shifts["agent_id"].to_numpy()[parts["shift"].to_numpy()]
    out = pd.DataFrame({"agent_id": agent, "hours": parts["hours"].to_numpy(),
                        "holiday_hours": parts["hours"].where(parts["holiday"], 0.0).to_numpy()})
    out = out.groupby("agent_id", as_index=False).sum()
    return out.assign(period_start=p0)[list(FUTURE_COLUMNS)]
