"""The Timesheet sheet in the manner of form T-13: per agent a row of codes, of hours and of
night hours on each calendar day of the horizon, and the totals HR pays from against the norm.

It shows `Schedule.timesheet` (timesheet.csv), whose hours are split at midnight
(`constraints.timesheet`), beside pay.csv's norm and overtime, so the sheet, the two files and
the Pay sheet agree to the hour."""

from __future__ import annotations

import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.labour import NIGHT_SHIFT_CREDIT_H
from constraints.timesheet import (
    ABSENCE_CODES,
    DAY_OFF,
    OVERTIME,
    leave_days,
    worked_days,
)
from planner.output.excel.cells import (
    BOLD,
    CENTER,
    COUNT,
    GREY_FONT,
    HOURS,
    SEPARATOR,
    TITLE,
    frame_sheet,
    header,
    period,
    put,
    text_width,
    widths,
)
from planner.output.excel.days import KIND_STYLE, agent_info, day_headers
from planner.output.excel.sheet import PLAIN, Sheet
from planner.runs import PlanRun

TIMESHEET_LINES = ("code", "hours", "night")
TIMESHEET_TOTALS = (
    ("days worked", "days_worked", COUNT),
    ("hours", "planned_hours", HOURS),
    ("day h (Я)", "day_hours", HOURS),
    ("night h (Н)", "night_hours", HOURS),
    ("holiday h (РВ)", "holiday_hours", HOURS),
    (f"overtime h ({OVERTIME})", "overtime_hours", HOURS),
    ("days absent", "days_absent", COUNT),
    ("leave days (ОТ)", "leave_days", COUNT),
)


def timesheet_totals(run: PlanRun) -> pd.DataFrame:
    """Per agent: days worked, hours (day, night, holiday) and the overtime settled from pay.csv
    (summed over its accounting periods), days absent and annual-leave days (holidays inside the
    leave are neither, art. 120)."""
    t = run.schedule.timesheet
    absent = t["absent"].groupby(t["agent_id"], sort=False).sum()
    per = pd.DataFrame({"days_worked": worked_days(t), "days_absent": absent, "leave_days": leave_days(t)})
    cols = ["planned_hours", "night_hours", "holiday_hours", "overtime_hours"]
    pay = run.schedule.pay.assign(agent_id=run.schedule.pay["agent_id"].astype(str)).groupby("agent_id")[cols].sum()
    for col in cols:
        per[col] = pay[col].reindex(per.index).fillna(0.0)
    per["day_hours"] = per["planned_hours"] - per["night_hours"]
    return per.rename_axis("agent_id").reset_index()


def write_timesheet_sheet(sh: Sheet, run: PlanRun) -> None:
    """T-13 style: per agent a row of codes, a row of hours and a row of night hours per day."""
    info = agent_info(run)
    fixed = ["agent_id", "name", "team", "pattern", "line"]
    first_day = len(fixed) + 1
    t = run.schedule.timesheet
    days = sorted(set(t["date"]))
    first_total = first_day + len(days)
    note_row, weekday_row, header_row = 1, 2, 3
    put(sh, 1, 1, f"Timesheet {period(run.schedule.start, days[-1])}", style=TITLE)
    put(sh, 2, 1, run.cfg.site.name, style=GREY_FONT)
    header(sh, header_row, fixed)
    day_headers(sh, days, first_day, note_row, weekday_row, header_row)
    header(sh, header_row, [name for name, _, _ in TIMESHEET_TOTALS], first_col=first_total)

    per = timesheet_totals(run)
    totals = dict(zip(per["agent_id"], per[[key for _, key, _ in TIMESHEET_TOTALS]].itertuples(index=False)))
    cells = {(a, d): (code, kind, hours, night) for a, d, code, kind, hours, night in
             zip(t["agent_id"], t["date"], t["code"], t["kind"], t["hours"], t["night_hours"])}
    # the code line opens an agent's three rows: a grey line above it
    codes = {k: CENTER.but(fill=v[0], top=SEPARATOR) for k, v in KIND_STYLE.items()}
    first = PLAIN.but(top=SEPARATOR)
    row = header_row
    for rec in info.itertuples(index=False):
        mine = totals[rec.agent_id]
        for line in TIMESHEET_LINES:
            row += 1
            for k, v in enumerate((rec.agent_id, rec.name, rec.team, rec.pattern, line)):
                put(sh, row, k + 1, v, style=first if line == "code" else PLAIN)
            for k, d in enumerate(days):
                code, kind, hours, night = cells[(rec.agent_id, d)]
                if line == "code":
                    put(sh, row, first_day + k, code, style=codes[kind])
                elif line == "hours":
                    put(sh, row, first_day + k, hours if hours > 0 else None, HOURS, CENTER)
                else:
                    put(sh, row, first_day + k, night if night > 0 else None, HOURS, CENTER)
            if line == "hours":
                for k, (_, _, fmt) in enumerate(TIMESHEET_TOTALS):
                    put(sh, row, first_total + k, mine[k], fmt, BOLD)
            elif line == "code":
                for k in range(len(TIMESHEET_TOTALS)):
                    put(sh, row, first_total + k, None, style=first)
    last_row = row
    last_col = first_total + len(TIMESHEET_TOTALS) - 1
    frame_sheet(sh, header_row, last_row, last_col, freeze_col=first_day)
    if any(RU_CALENDAR.is_holiday(d) for d in days):  # room for the holiday's name, wrapped
        sh.height(note_row, 36)
    sh.height(header_row, 30)
    widths(sh, {1: text_width(info["agent_id"], 9, 16), 2: text_width(info["name"], 12, 34),
                 3: text_width(info["team"], 8, 20), 4: 8.5, 5: 7,
                 **{first_day + k: 6.5 for k in range(len(days))},
                 **{first_total + k: 10 for k in range(len(TIMESHEET_TOTALS))}})
    p = run.cfg.pay
    absent = " · ".join(f"{code} {what}" for code, what in (
        (ABSENCE_CODES["vacation"], "annual leave"), (ABSENCE_CODES["sick"], "sick leave"),
        (ABSENCE_CODES["training"], "training"), (ABSENCE_CODES["unpaid"], "unpaid leave"),
        (ABSENCE_CODES["other"], "absent, reason not given (not НН: HR sets the code)")))
    notes = (
        (f"Codes (T-13): Я day work · Н night work · РВ work on a non-working holiday (art. 112) · {OVERTIME} "
         f"overtime (totals only: summed accounting finds it at the end of the period) · {DAY_OFF} day off · "
         f"{absent}"),
        (f"Hours go on the calendar day they were worked: a night shift is split at midnight. 'hours' are worked "
         f"hours (the unpaid break taken from the part of the shift with more hours) plus, on a night shift, the "
         f"{NIGHT_SHIFT_CREDIT_H:g} h art. 96 takes off without making it up, credited on the day the shift ends "
         f"(not for agents hired for night work); 'night' the hours in {p.night_start:%H:%M}–{p.night_end:%H:%M}."),
        (f"A holiday inside annual leave is a day off ({DAY_OFF}), not a leave day (art. 120). {OVERTIME}: the "
         "overtime of the accounting periods this timesheet ends (art. 104); each period's norm, the hours before "
         "and the balance are on the Pay sheet."),
    )
    for k, text in enumerate(notes):
        put(sh, last_row + 2 + k, 1, text, style=GREY_FONT)
