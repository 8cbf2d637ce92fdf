"""What every agent does on every day of the horizon: the grid behind the Rota and Timesheet
sheets, its T-13 codes and the day headers (holidays and weekends marked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from constraints.calendar import RU_CALENDAR
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
from planner.runs import PlanRun

WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DASH = "\u2013"  # en dash, as in 08–20

#: Rota cell text and T-13 code of a day without a shift, by absence kind.
ABSENCE_CODES = {"vacation": "ОТ", "sick": "Б", "training": "ПК", "unpaid": "ДО", "other": "НН"}
OFF_CODE = "В"

#: What each kind of day looks like in the grid: (fill, font colour, meaning for the legend).
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "day": ("FFF2CC", "000000", "day shift (start–end hour)"),
    "night": ("8EA9DB", "000000", "night shift, ends the next morning"),
    "off": ("F2F2F2", "808080", "day off"),
    "vacation": ("C6EFCE", "006100", "annual leave"),
    "sick": ("F8CBAD", "9C0006", "sick leave"),
    "training": ("E4DFEC", "3F3151", "training"),
    "unpaid": ("FCE4D6", "833C0B", "unpaid leave"),
    "other": ("D9D9D9", "000000", "absent, reason not given"),
    "before": ("FFFFFF", "808080", "the evening before the plan: only night shifts running into its first day"),
}




@dataclass(frozen=True)
class DayGrid:
    """One row per agent and day of the horizon: what the agent does that day and its hours.

    kind: day, night, off, or the absence kind; label: the Rota cell; code: the T-13 code.
    Hours of a shift belong to the day it starts, as in rota.csv, so the timesheet adds up to it.
    """

    days: tuple[date, ...]
    frame: pd.DataFrame  # agent_id, date, kind, label, code, paid, night, holiday, worked


def _shift_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    fmt = "%H" if start.minute == 0 and end.minute == 0 else "%H:%M"
    return f"{start:{fmt}}{DASH}{end:{fmt}}"


def work_code(paid: float, night: float, holiday: float) -> str:
    """T-13 code of a worked day: Я day hours, Н night hours, РВ work on an art. 112 holiday."""
    parts = []
    if holiday >= paid > 0:
        parts.append("РВ")
    elif paid - night > 0:
        parts.append("Я")
    if night > 0:
        parts.append("Н")
    if 0 < holiday < paid:
        parts.append("РВ")
    return "/".join(parts) or "Я"


def day_grid(run: PlanRun) -> DayGrid:
    """What every agent does on every day of the horizon (shift, absence or day off)."""
    s = run.schedule
    days = tuple(s.start + timedelta(days=k) for k in range(s.days))
    eve = s.start - timedelta(days=1)
    if (s.rota["date"].dt.date == eve).any():  # nights begun the evening before are part of the rota
        days = (eve,) + days
    agents = [str(a) for a in run.agents["agent_id"]]
    absent_kind: dict[tuple[str, date], str] = {}
    first, last = days[0], days[-1]
    for a, st, en, kind in zip(run.absences["agent_id"], run.absences["start"], run.absences["end"],
                               run.absences["kind"] if "kind" in run.absences else ["other"] * len(run.absences)):
        lo, hi = max(pd.Timestamp(st).date(), first), min(pd.Timestamp(en).date(), last)
        for k in range((hi - lo).days + 1):
            absent_kind.setdefault((str(a), lo + timedelta(days=k)), str(kind))
    shifts: dict[tuple[str, date], list[Any]] = {}
    for r in s.rota.itertuples(index=False):
        shifts.setdefault((str(r.agent_id), pd.Timestamp(r.date).date()), []).append(r)
    rows = []
    for a in agents:
        for d in days:
            mine = shifts.get((a, d))
            if mine:
                paid = float(sum(r.paid_hours for r in mine))
                night = float(sum(r.night_hours for r in mine))
                hol = float(sum(r.holiday_hours for r in mine))
                label = ", ".join(_shift_label(pd.Timestamp(r.start), pd.Timestamp(r.end)) for r in mine)
                kind = "night" if night > 0 else "day"
                rows.append((a, d, kind, label, work_code(paid, night, hol), paid, night, hol, True))
            elif d < s.start:
                rows.append((a, d, "before", "", "", 0.0, 0.0, 0.0, False))
            else:
                kind = absent_kind.get((a, d), "off")
                kind = kind if kind == "off" or kind in ABSENCE_CODES else "other"
                code = OFF_CODE if kind == "off" else ABSENCE_CODES[kind]
                rows.append((a, d, kind, code, code, 0.0, 0.0, 0.0, False))
    frame = pd.DataFrame(rows, columns=["agent_id", "date", "kind", "label", "code", "paid", "night", "holiday",
                                        "worked"])
    return DayGrid(days, frame)


def day_headers(ws: Worksheet, days: Sequence[date], first_col: int, note_row: int, weekday_row: int,
                 header_row: int) -> None:
    """Holiday names, weekdays and dates above the day columns; weekends and holidays coloured."""
    for k, d in enumerate(days):
        col = first_col + k
        name = RU_CALENDAR.holiday_name(d)
        weekend = d.weekday() >= 5
        note = put(ws, note_row, col, name)
        note.font = NOTE_FONT
        note.alignment = Alignment(horizontal="center", vertical="bottom", wrap_text=True, shrink_to_fit=False)
        wd = put(ws, weekday_row, col, WEEKDAYS_RU[d.weekday()])
        head = put(ws, header_row, col, d, DAY_HEADER)
        for c in (wd, head):
            c.alignment = CENTER
            c.font = HOLIDAY_FONT if name else BOLD
            c.fill = HOLIDAY_FILL if name else (WEEKEND_FILL if weekend else HEADER_FILL)





def agent_info(run: PlanRun) -> pd.DataFrame:
    cols = [c for c in ("agent_id", "name", "team", "pattern") if c in run.agents]
    info = run.agents[cols].copy()
    for c in ("name", "team", "pattern"):
        if c not in info:
            info[c] = ""
    info["agent_id"] = info["agent_id"].astype(str)
    return info[["agent_id", "name", "team", "pattern"]].reset_index(drop=True)
