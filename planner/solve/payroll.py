"""From the named rota to what HR pays: each shift's hours with the agent's art. 96 credit, the
T-13 timesheet of the horizon, and the pay per agent and accounting period.

The horizon's timesheet holds the hours worked on its calendar days (`constraints.hours`): the
morning part of the night begun the evening before its first day, not that night's evening (the
previous period's); the evening part of its last night, not the morning after. Pay is the
timesheet's hours priced (`constraints.pay.period_pay`), so the two files HR receives,
timesheet.csv and pay.csv, add up to each other exactly.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.hours import agent_credit
from constraints.pay import period_pay, shift_hours_frame
from constraints.timesheet import timesheet_days
from planner.workspace.config import RotaConfig
from planner.workspace.people import hired_for_nights


def with_breaks(rota: pd.DataFrame, agents: pd.DataFrame, cfg: RotaConfig) -> pd.DataFrame:
    """The rota's shifts (agent_id, start, end, shift) with break_h (their template's unpaid
    break) and credit_h (the agent's art. 96 hour)."""
    brk = rota["shift"].map(lambda t: cfg.book.templates[t].break_h).astype(float)
    return rota.assign(break_h=brk.to_numpy(), credit_h=agent_credit(rota, hired_for_nights(agents), cfg.labour))


def credited(rota: pd.DataFrame, agents: pd.DataFrame, cfg: RotaConfig) -> pd.DataFrame:
    """The rota with paid_hours, night_hours and holiday_hours as each agent is paid them: the
    art. 96 hour of a night shift included unless the agent was hired for night work."""
    if rota.empty:
        return rota
    hours = shift_hours_frame(with_breaks(rota, agents, cfg)[["start", "end", "break_h", "credit_h"]],
                              RU_CALENDAR, cfg.pay)
    return rota.assign(paid_hours=hours["paid_hours"].to_numpy(), night_hours=hours["night_hours"].to_numpy(),
                       holiday_hours=hours["holiday_hours"].to_numpy())


def horizon_timesheet(on_site: pd.DataFrame, agents: pd.DataFrame, absences: pd.DataFrame, cfg: RotaConfig,
                      start: date, days: int) -> pd.DataFrame:
    """The T-13 timesheet of every agent and day of the horizon (`constraints.timesheet`).

    `on_site` is every shift on site during the horizon, the night begun the evening before
    included even when the previous rota lists it (its morning was worked on the first day).
    """
    shifts = with_breaks(on_site, agents, cfg) if not on_site.empty else on_site
    return timesheet_days(shifts, absences, [str(a) for a in agents["agent_id"]], start, days, cfg.pay.night)


def horizon_pay(timesheet: pd.DataFrame, agents: pd.DataFrame, ledger: pd.DataFrame, cfg: RotaConfig,
                future: pd.DataFrame | None = None) -> pd.DataFrame:
    """pay.csv: per agent and accounting period the plan touches, the period's norm, the hours
    before, in and (continued, `future`) after the plan, and what the plan's hours cost, with the
    overtime of each period the plan ends (`constraints.pay.period_pay`)."""
    rates = {str(a): float(r) for a, r in zip(agents["agent_id"], agents["rate_rub_h"])}
    return period_pay(timesheet, ledger, rates, cfg.pay, future)
