"""What every agent does on every day of the horizon: the grid behind the Rota sheet (a shift on
the day it starts, or the day's T-13 code) and the day headers (holidays and weekends marked).
The Timesheet sheet shows the hours by calendar day instead (`constraints.timesheet`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.timesheet import ABSENCE_CODES, ANNUAL_LEAVE, DAY_OFF, absence_kinds
from planner.output.excel.cells import (
    BOLD,
    CENTER,
    DAY_HEADER,
    HEADER_FILL,
    HOLIDAY_FILL,
    HOLIDAY_FONT,
    NOTE_FONT,
    WEEKEND_FILL,
    put,
)
from planner.output.excel.sheet import Sheet, Style
from planner.runs import PlanRun

WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DASH = "\u2013"  # en dash, as in 08–20


#: What each kind of day looks like in the grid: (fill, font colour, meaning for the legend).
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "day": ("FFF2CC", "000000", "day shift (start–end hour)"),
    "night": ("8EA9DB", "000000", "night shift, ends the next morning"),
    "off": ("F2F2F2", "808080", "day off"),
    "balancing": ("DDEBF7", "1F4E78", "day off that keeps the month within its norm (a work day of the cycle, art. 104)"),
    "vacation": ("C6EFCE", "006100", "annual leave"),
    "sick": ("F8CBAD", "9C0006", "sick leave"),
    "training": ("E4DFEC", "3F3151", "training"),
    "unpaid": ("FCE4D6", "833C0B", "unpaid leave"),
    "other": ("D9D9D9", "000000", "absent, reason not given (neutral mark ?, not НН: HR sets the T-13 code)"),
    "before": ("FFFFFF", "808080", "the evening before the plan: only night shifts running into its first day"),
}




@dataclass(frozen=True)
class DayGrid:
    """One row per agent and day of the horizon (and the evening before, when nights begun then
    are listed): what the agent does that day, as the Rota sheet shows it.

    kind: day, night, off, before, or the absence kind; label: the Rota cell (the shift's hours
    on the day it starts, or the day's code; a holiday inside annual leave is a day off, art. 120);
    paid, night: the paid and night hours of the day's shifts, for the legend.
    """

    days: tuple[date, ...]
    frame: pd.DataFrame  # agent_id, date, kind, label, paid, night


def _shift_labels(rota: pd.DataFrame) -> list[str]:
    """Each shift's hours as the grid shows them: 08–20, or 08:30–20:30 when one of its times is
    not on the hour (formatted column-wise: a Timestamp at a time is slow at 100,000 shifts)."""
    start, end = rota["start"], rota["end"]
    whole = (start.dt.minute == 0) & (end.dt.minute == 0)
    hours = start.dt.strftime("%H") + DASH + end.dt.strftime("%H")
    return hours.where(whole, start.dt.strftime("%H:%M") + DASH + end.dt.strftime("%H:%M")).tolist()


def _rest_day(kind: str | None, d: date) -> tuple[str, str]:
    """(kind, label) of a day without a shift: the absence's code, or a day off (a holiday inside
    annual leave included)."""
    if kind is None or (kind == ANNUAL_LEAVE and RU_CALENDAR.is_holiday(d)):
        return "off", DAY_OFF
    return kind, ABSENCE_CODES[kind]


def day_grid(run: PlanRun) -> DayGrid:
    """What every agent does on every day of the horizon (shift, absence or day off)."""
    s = run.schedule
    days = tuple(s.start + timedelta(days=k) for k in range(s.days))
    eve = s.start - timedelta(days=1)
    if (s.rota["date"].dt.date == eve).any():  # nights begun the evening before are part of the rota
        days = (eve,) + days
    away = absence_kinds(run.absences, days[0], days[-1])
    off = s.days_off if s.days_off is not None else pd.DataFrame({"agent_id": [], "date": []})
    balancing = {(str(a), pd.Timestamp(d).date()) for a, d in zip(off["agent_id"], off["date"])}
    r = s.rota
    shifts: dict[tuple[str, date], list[tuple[str, float, float]]] = {}   # (label, paid, night hours)
    for a, d, label, paid, night in zip(r["agent_id"].astype(str), r["date"].dt.date, _shift_labels(r),
                                        r["paid_hours"].tolist(), r["night_hours"].tolist()):
        shifts.setdefault((a, d), []).append((label, paid, night))
    rows = []
    for a in (str(x) for x in run.agents["agent_id"]):
        for d in days:
            mine = shifts.get((a, d))
            if mine:
                night = float(sum(n for _, _, n in mine))
                rows.append((a, d, "night" if night > 0 else "day", ", ".join(lab for lab, _, _ in mine),
                             float(sum(p for _, p, _ in mine)), night))
            elif d < s.start:
                rows.append((a, d, "before", "", 0.0, 0.0))
            elif (a, d) in balancing and (a, d) not in away:
                rows.append((a, d, "balancing", DAY_OFF, 0.0, 0.0))
            else:
                rows.append((a, d, *_rest_day(away.get((a, d)), d), 0.0, 0.0))
    return DayGrid(days, pd.DataFrame(rows, columns=["agent_id", "date", "kind", "label", "paid", "night"]))


def day_headers(sh: Sheet, days: Sequence[date], first_col: int, note_row: int, weekday_row: int,
                header_row: int) -> None:
    """Holiday names, weekdays and dates above the day columns; weekends and holidays coloured."""
    note = NOTE_FONT.but(align="center", valign="bottom", wrap=True)
    for k, d in enumerate(days):
        col = first_col + k
        name = RU_CALENDAR.holiday_name(d)
        weekend = d.weekday() >= 5
        put(sh, note_row, col, name, style=note)
        fill = HOLIDAY_FILL if name else (WEEKEND_FILL if weekend else HEADER_FILL)
        look = (HOLIDAY_FONT if name else BOLD).but(fill=fill, align=CENTER.align, valign=CENTER.valign)
        put(sh, weekday_row, col, WEEKDAYS_RU[d.weekday()], style=look)
        put(sh, header_row, col, d, DAY_HEADER, style=look)


def kind_styles() -> dict[str, Style]:
    """The look of each kind of day in the grid: its fill and font colour, centred; shifts bold."""
    return {k: CENTER.but(fill=fill, color=colour, bold=k in ("day", "night"))
            for k, (fill, colour, _) in KIND_STYLE.items()}


def agent_info(run: PlanRun) -> pd.DataFrame:
    cols = [c for c in ("agent_id", "name", "team", "pattern") if c in run.agents]
    info = run.agents[cols].copy()
    for c in ("name", "team", "pattern"):
        if c not in info:
            info[c] = ""
    info["agent_id"] = info["agent_id"].astype(str)
    return info[["agent_id", "name", "team", "pattern"]].reset_index(drop=True)
