"""The accounting-period ledger: what each agent's summed accounting (art. 104) stands at when a
plan begins.

Rota staff are paid by summed accounting: their hours are held against the norm of the whole
accounting period (a month, a quarter or a year), not against a week's, and overtime is what
the period's hours exceed that norm by, known only at the period's end. A plan of a week or
a few therefore cannot settle overtime on its own: it needs, for every period it touches, the
period's whole norm less the agent's absences (order 588н, as `overtime.certain_overtime`
takes it) and the hours already worked in the period before the plan's first day; and only
for a period whose last day the plan reaches is the overtime known.

Worked days come in as the T-13 timesheet counts them (`constraints.hours`): hours on the
calendar day they were worked, a night shift split at midnight, the art. 96 hour included as
pay counts it. This module imports neither the planner nor the forecasts: reading a timesheet
or a previous rota is the workspace's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import pandas as pd

from common.errors import RuleError
from constraints.calendar import RU_CALENDAR, ProductionCalendar
from constraints.overtime import accounting_periods

WORKED_COLUMNS = ("agent_id", "date", "hours", "night_hours", "holiday")
LEDGER_COLUMNS = ("agent_id", "period", "period_start", "period_end", "norm_hours", "hours_before",
                  "night_hours_before", "holiday_hours_before", "ends_in_plan", "known_from")


def period_label(first: date, period: str) -> str:
    """How HR names an accounting period: `2026-11` (month), `2026-Q4` (quarter), `2026` (year)."""
    if period == "month":
        return f"{first:%Y-%m}"
    if period == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if period == "year":
        return f"{first.year}"
    raise RuleError(f"unknown accounting period {period!r}: use month, quarter or year",
                    setting="pay.accounting_period")


def period_norm(first: date, last: date, absent: Iterable[date], hours_per_week: float,
                calendar: ProductionCalendar = RU_CALENDAR, whole: float | None = None) -> float:
    """The norm of [first, last] less the norm hours of the 5-day calendar's working days inside
    the absences (art. 104, order 588н; never below 0); `whole` is the period's norm when known."""
    full = calendar.norm_h(first, last, hours_per_week) if whole is None else whole
    return max(round(full - calendar.absence_norm_h(first, last, absent, hours_per_week), 6), 0.0)


def period_ledger(
    agent_ids: Sequence[str],
    worked_days: pd.DataFrame,
    absent: Mapping[str, Iterable[date]],
    start: date,
    days: int,
    period: str,
    hours_per_week: float,
    calendar: ProductionCalendar = RU_CALENDAR,
) -> pd.DataFrame:
    """One row per agent and accounting period that the plan [start, start + days) touches.

    `period` (label such as `2026-11`), `period_start`, `period_end`, `norm_hours` (the whole
    period's norm less the norm hours of the agent's absence days in it), `hours_before`,
    `night_hours_before` and `holiday_hours_before` (what `worked_days` holds for the agent on the
    period's days before `start`; the night hours are those of days outside art. 112 holidays,
    the ones overtime's night share counts, art. 152), `ends_in_plan` (the plan reaches the
    period's last day, so its overtime is known) and `known_from`: the first of the period's days
    before the plan that `worked_days` has for anyone (the same on every row of the period; the
    period's first day when it begins inside the plan; None when nothing was given): the days
    before it count as not worked, which a report should say.

    `worked_days` is a long frame agent_id, date, hours, night_hours, holiday (hours on the day
    worked, as the T-13 timesheet counts them); rows on or after `start`, or of agents not
    listed, are not read. `absent` maps an agent to its absence days (any kind, any range).
    """
    if days < 1:
        raise RuleError(f"a plan needs at least one day, got {days}")
    missing = sorted(set(WORKED_COLUMNS) - set(worked_days.columns))
    if missing:
        raise RuleError(f"the worked days lack column(s) {', '.join(missing)}")
    last = start + timedelta(days=days - 1)
    spans = accounting_periods(start, last, period)
    w = worked_days.assign(agent_id=worked_days["agent_id"].astype(str),
                           date=pd.to_datetime(worked_days["date"]).dt.date)
    w = w[(w["date"] >= spans[0][0]) & (w["date"] < start)]
    holiday = w["holiday"].astype(bool)
    sums = pd.DataFrame({"hours": w["hours"].astype(float),
                         "night": w["night_hours"].astype(float).where(~holiday, 0.0),
                         "holiday": w["hours"].astype(float).where(holiday, 0.0),
                         "agent_id": w["agent_id"]}).groupby("agent_id").sum()
    rows = []
    for first, end in spans:
        whole = calendar.norm_h(first, end, hours_per_week)
        seen = w["date"][(w["date"] >= first) & (w["date"] <= end)]
        known = first if first >= start else (min(seen) if len(seen) else None)
        for agent in map(str, agent_ids):
            before = sums.loc[agent] if first < start and agent in sums.index else None
            rows.append((agent, period_label(first, period), first, end,
                         period_norm(first, end, absent.get(agent, ()), hours_per_week, calendar, whole),
                         *((float(before["hours"]), float(before["night"]), float(before["holiday"]))
                           if before is not None else (0.0, 0.0, 0.0)),
                         end <= last, known))
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
