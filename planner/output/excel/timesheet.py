"""The Timesheet sheet in the manner of form T-13: per agent a row of codes, of paid hours and of
night hours, and the totals HR pays from against the norm."""

from __future__ import annotations

import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from constraints.calendar import RU_CALENDAR
from planner.output.excel.cells import (
    BOLD,
    CENTER,
    COUNT,
    GREY_FONT,
    HOURS,
    SEPARATOR,
    frame_sheet,
    header,
    note_evening_before,
    period,
    put,
    text_width,
    widths,
)
from planner.output.excel.days import KIND_STYLE, DayGrid, agent_info, day_headers
from planner.runs import PlanRun
from planner.solve.schedule import absence_days, horizon_norm

TIMESHEET_LINES = ("code", "hours", "night")
TIMESHEET_TOTALS = (
    ("days worked", "days_worked", COUNT),
    ("paid h", "paid_hours", HOURS),
    ("day h (Я)", "day_hours", HOURS),
    ("night h (Н)", "night_hours", HOURS),
    ("holiday h (РВ)", "holiday_hours", HOURS),
    ("overtime h (С)", "overtime_hours", HOURS),
    ("norm h", "norm_hours", HOURS),
    ("days absent", "days_absent", COUNT),
)


def agent_norms(run: PlanRun) -> dict[str, float]:
    """Norm of the horizon per agent, its absence days taken out (as the pay is computed)."""
    s = run.schedule
    absent = absence_days(run.absences, s.start, s.days)
    known = dict(zip(s.pay["agent_id"].astype(str), s.pay["norm_hours"])) if "norm_hours" in s.pay else {}
    return {str(a): float(known[str(a)]) if str(a) in known else
            horizon_norm(run.cfg, s.start, s.days, absent.get(a, ()))
            for a in run.agents["agent_id"]}


def timesheet_totals(run: PlanRun, grid: DayGrid) -> pd.DataFrame:
    """Per agent: days worked, paid, day, night, holiday and overtime hours, norm, days absent."""
    g = grid.frame
    per = g.groupby("agent_id", sort=False).agg(
        days_worked=("worked", "sum"), paid_hours=("paid", "sum"), night_hours=("night", "sum"),
        holiday_hours=("holiday", "sum"),
        days_absent=("kind", lambda k: int((~k.isin(["day", "night", "off", "before"])).sum())),
    )
    per["day_hours"] = per["paid_hours"] - per["night_hours"]
    ot = dict(zip(run.schedule.pay["agent_id"].astype(str), run.schedule.pay["overtime_hours"]))
    per["overtime_hours"] = [float(ot.get(a, 0.0)) for a in per.index]
    norms = agent_norms(run)
    per["norm_hours"] = [norms[a] for a in per.index]
    return per.reset_index()


def write_timesheet_sheet(ws: Worksheet, run: PlanRun, grid: DayGrid) -> None:
    """T-13 style: per agent a row of codes, a row of paid hours and a row of night hours."""
    info = agent_info(run)
    fixed = ["agent_id", "name", "team", "pattern", "line"]
    first_day = len(fixed) + 1
    days = grid.days
    first_total = first_day + len(days)
    note_row, weekday_row, header_row = 1, 2, 3
    put(ws, 1, 1, f"Timesheet {period(run.schedule.start, days[-1])}").font = Font(bold=True, size=12)
    put(ws, 2, 1, run.cfg.site.name).font = GREY_FONT
    header(ws, header_row, fixed)
    day_headers(ws, days, first_day, note_row, weekday_row, header_row)
    note_evening_before(ws, days, run.schedule.start, first_day, note_row)
    header(ws, header_row, [t[0] for t in TIMESHEET_TOTALS], first_col=first_total)

    totals = timesheet_totals(run, grid).set_index("agent_id")
    f = grid.frame
    cells = {(a, d): (code, kind, paid, night, worked) for a, d, code, kind, paid, night, worked in
             zip(f["agent_id"], f["date"], f["code"], f["kind"], f["paid"], f["night"], f["worked"])}
    fills = {k: PatternFill("solid", fgColor=v[0]) for k, v in KIND_STYLE.items()}
    row = header_row
    for rec in info.itertuples(index=False):
        for line in TIMESHEET_LINES:
            row += 1
            for k, v in enumerate((rec.agent_id, rec.name, rec.team, rec.pattern, line)):
                c = put(ws, row, k + 1, v)
                if line == "code":
                    c.border = SEPARATOR
            for k, d in enumerate(days):
                code, kind, paid, night, worked = cells[(rec.agent_id, d)]
                if line == "code":
                    c = put(ws, row, first_day + k, code)
                    c.fill = fills[kind]
                    c.border = SEPARATOR
                elif line == "hours":
                    c = put(ws, row, first_day + k, paid if worked else None, HOURS)
                else:
                    c = put(ws, row, first_day + k, night if night > 0 else None, HOURS)
                c.alignment = CENTER
            if line == "hours":
                t = totals.loc[rec.agent_id]
                for k, (_, key, fmt) in enumerate(TIMESHEET_TOTALS):
                    put(ws, row, first_total + k, t[key], fmt).font = BOLD
            elif line == "code":
                for k in range(len(TIMESHEET_TOTALS)):
                    ws.cell(row=row, column=first_total + k).border = SEPARATOR
    last_row = row
    last_col = first_total + len(TIMESHEET_TOTALS) - 1
    frame_sheet(ws, header_row, last_row, last_col, freeze_col=first_day)
    if any(RU_CALENDAR.is_holiday(d) for d in days):  # room for the holiday's name, wrapped
        ws.row_dimensions[note_row].height = 36
    ws.row_dimensions[header_row].height = 30
    widths(ws, {1: text_width(info["agent_id"], 9, 16), 2: text_width(info["name"], 12, 34),
                 3: text_width(info["team"], 8, 20), 4: 8.5, 5: 7,
                 **{first_day + k: 6.5 for k in range(len(days))},
                 **{first_total + k: 10 for k in range(len(TIMESHEET_TOTALS))}})
    notes = (
        "Codes (T-13): Я day work · Н night work · РВ work on a non-working holiday (art. 112) · "
        "С overtime (totals only) · В day off · ОТ annual leave · Б sick leave · ПК training · "
        "ДО unpaid leave · НН absent, reason not given",
        "'hours' are the paid hours of the shift (unpaid break taken out); 'night' the part of them in "
        f"{run.cfg.pay.night_start:%H:%M}–{run.cfg.pay.night_end:%H:%M}. A shift's hours are shown on the day it "
        "starts.",
    )
    for k, text in enumerate(notes):
        put(ws, last_row + 2 + k, 1, text).font = GREY_FONT
