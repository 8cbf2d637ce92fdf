"""rota.xlsx: the workbook HR hands on as it is.

Sheets, in the order a reader meets them: Rota (agents x days grid), Timesheet (T-13 codes and
hours), Pay, Coverage (with a chart), Summary, Assumptions, and Shifts, the machine-readable
copy of rota.csv that `--previous rota.xlsx` reads back.

Two promises hold in every sheet. Numbers are numeric cells and dates are date cells, so a
clerk can sum, sort and filter them. Text is always a text cell: a name such as
`=HYPERLINK(...)` is stored as a string with Excel's quote prefix, so neither openpyxl nor an
edit in Excel turns it into a formula. The file is written to a temporary file and renamed, so
a failed run never leaves a half-written workbook.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from constraints.calendar import RU_CALENDAR
from planner.solve.continuity import PREVIOUS_SHEET
from common.files import atomic_path
from planner.solve.schedule import ROTA_COLUMNS, absence_days, horizon_norm

if TYPE_CHECKING:
    from planner.pipeline import PlanRun

SHEETS = ("Rota", "Timesheet", "Pay", "Coverage", "Summary", "Assumptions", PREVIOUS_SHEET)

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

MONEY = "#,##0.00"
HOURS = "0.##"
COUNT = "#,##0"
PERCENT = "0.0%"
DATE = "DD.MM.YYYY"
DATETIME = "DD.MM.YYYY HH:MM"
DAY_HEADER = "DD.MM"

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_WEEKEND_FILL = PatternFill("solid", fgColor="FCE4D6")
_HOLIDAY_FILL = PatternFill("solid", fgColor="FF7C80")
_HOLIDAY_FONT = Font(bold=True, color="9C0006")
_NOTE_FONT = Font(italic=True, size=8, color="9C0006")
_GREY_FONT = Font(color="808080", size=9)
_TOP_BORDER = Border(top=Side(style="thin"))
_SEPARATOR = Border(top=Side(style="thin", color="808080"))
_CENTER = Alignment(horizontal="center", vertical="center")
_FORMULA_START = ("=", "+", "-", "@")


# --------------------------------------------------------------------------- cells


def _plain(value: Any) -> Any:
    """A value openpyxl stores natively: NaN/NaT -> empty, numpy -> python, Timestamp -> datetime."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    return value


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> Cell:
    """Write one cell; text always stays text (never a formula, error code or number).

    A string starting with =, +, - or @ also gets the quote prefix, so editing the cell in
    Excel keeps it text too. Characters XML cannot hold are dropped rather than failing the run.
    """
    value = _plain(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isinf(value):
        value = None
    if isinstance(value, (list, tuple, set, frozenset)):
        return put(ws, row, col, ", ".join(str(v) for v in value), number_format)
    if value is not None and not isinstance(value, (bool, int, float, date, time)):
        return put(ws, row, col, str(value))  # anything else is shown, never a failed run
    cell.value = value
    if number_format is not None and value is not None:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME
    elif isinstance(value, date):
        cell.number_format = DATE
    return cell


def _header(ws: Worksheet, row: int, labels: Sequence[str], first_col: int = 1) -> None:
    for k, label in enumerate(labels):
        c = put(ws, row, first_col + k, label)
        c.font = _BOLD
        c.fill = _HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _text_width(values: Iterable[Any], lo: float = 6, hi: float = 40) -> float:
    """Column width that fits the longest value (in characters), within [lo, hi]."""
    longest = max((len(str(v)) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))),
                  default=0)
    return float(min(max(longest + 2, lo), hi))


def _frame_sheet(ws: Worksheet, header_row: int, last_row: int, last_col: int, freeze_col: int = 1) -> None:
    """Frozen header (and first columns), and a filter over the header and its data rows."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_col)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{max(last_row, header_row)}"


# --------------------------------------------------------------------------- days


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


def day_grid(run: "PlanRun") -> DayGrid:
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


def _day_headers(ws: Worksheet, days: Sequence[date], first_col: int, note_row: int, weekday_row: int,
                 header_row: int) -> None:
    """Holiday names, weekdays and dates above the day columns; weekends and holidays coloured."""
    for k, d in enumerate(days):
        col = first_col + k
        name = RU_CALENDAR.holiday_name(d)
        weekend = d.weekday() >= 5
        note = put(ws, note_row, col, name)
        note.font = _NOTE_FONT
        note.alignment = Alignment(horizontal="center", vertical="bottom", wrap_text=True, shrink_to_fit=False)
        wd = put(ws, weekday_row, col, WEEKDAYS_RU[d.weekday()])
        head = put(ws, header_row, col, d, DAY_HEADER)
        for c in (wd, head):
            c.alignment = _CENTER
            c.font = _HOLIDAY_FONT if name else _BOLD
            c.fill = _HOLIDAY_FILL if name else (_WEEKEND_FILL if weekend else _HEADER_FILL)


# --------------------------------------------------------------------------- Rota


def _agent_info(run: "PlanRun") -> pd.DataFrame:
    cols = [c for c in ("agent_id", "name", "team", "pattern") if c in run.agents]
    info = run.agents[cols].copy()
    for c in ("name", "team", "pattern"):
        if c not in info:
            info[c] = ""
    info["agent_id"] = info["agent_id"].astype(str)
    return info[["agent_id", "name", "team", "pattern"]].reset_index(drop=True)


def write_rota_sheet(ws: Worksheet, run: "PlanRun", grid: DayGrid) -> None:
    """Agents x days: each cell the shift (08–20, 20–08) or the day's code, coloured by kind."""
    info = _agent_info(run)
    fixed = ["agent_id", "name", "team", "pattern"]
    first_day = len(fixed) + 1
    note_row, weekday_row, header_row = 1, 2, 3
    days = grid.days
    put(ws, 1, 1, f"Rota {days[0]:%d.%m}{DASH}{days[-1]:%d.%m.%Y}").font = Font(bold=True, size=12)
    put(ws, 2, 1, run.cfg.site.name).font = _GREY_FONT
    put(ws, note_row, len(fixed), "holiday").font = _GREY_FONT
    put(ws, weekday_row, len(fixed), "weekday").font = _GREY_FONT
    for r in (note_row, weekday_row):
        ws.cell(row=r, column=len(fixed)).alignment = Alignment(horizontal="right")
    _header(ws, header_row, fixed)
    _day_headers(ws, days, first_day, note_row, weekday_row, header_row)

    fills = {k: PatternFill("solid", fgColor=v[0]) for k, v in KIND_STYLE.items()}
    fonts = {k: Font(color=v[1], bold=k in ("day", "night")) for k, v in KIND_STYLE.items()}
    cells = {(a, d): (kind, label) for a, d, kind, label in
             zip(grid.frame["agent_id"], grid.frame["date"], grid.frame["kind"], grid.frame["label"])}
    row = header_row
    for rec in info.itertuples(index=False):
        row += 1
        for k, v in enumerate((rec.agent_id, rec.name, rec.team, rec.pattern)):
            put(ws, row, k + 1, v)
        for k, d in enumerate(days):
            kind, label = cells[(rec.agent_id, d)]
            c = put(ws, row, first_day + k, label)
            c.fill, c.font, c.alignment = fills[kind], fonts[kind], _CENTER
    last_row = row
    last_col = first_day + len(days) - 1
    _frame_sheet(ws, header_row, last_row, last_col, freeze_col=first_day)
    if any(RU_CALENDAR.is_holiday(d) for d in days):  # room for the holiday's name, wrapped
        ws.row_dimensions[note_row].height = 36
    label_w = _text_width(grid.frame["label"], lo=6.5, hi=14)
    _widths(ws, {1: _text_width(info["agent_id"], 9, 16), 2: _text_width(info["name"], 12, 34),
                 3: _text_width(info["team"], 8, 20), 4: 8.5,
                 **{first_day + k: label_w for k in range(len(days))}})

    row = last_row + 2
    put(ws, row, 2, "Legend").font = _BOLD
    for kind, (_, _, meaning) in KIND_STYLE.items():
        row += 1
        sample = {"day": "08" + DASH + "20", "night": "20" + DASH + "08"}.get(kind, ABSENCE_CODES.get(kind, OFF_CODE))
        c = put(ws, row, 1, sample)
        c.fill, c.font, c.alignment = fills[kind], fonts[kind], _CENTER
        put(ws, row, 2, meaning)
    row += 1
    c = put(ws, row, 1, "")
    c.fill = _HOLIDAY_FILL
    mult = run.cfg.pay.holiday_multiplier
    put(ws, row, 2, f"non-working holiday (art. 112 ТК РФ): its hours are paid ×{mult:g} (art. 153)")
    row += 1
    ws.cell(row=row, column=1).fill = _WEEKEND_FILL
    put(ws, row, 2, "Saturday, Sunday: ordinary working days for rota staff")
    row += 1
    put(ws, row, 2, "Times are local; a night shift belongs to the day it starts.").font = _GREY_FONT


# --------------------------------------------------------------------------- Timesheet


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


def agent_norms(run: "PlanRun") -> dict[str, float]:
    """Norm of the horizon per agent, its absence days taken out (as the pay is computed)."""
    s = run.schedule
    absent = absence_days(run.absences, s.start, s.days)
    known = dict(zip(s.pay["agent_id"].astype(str), s.pay["norm_hours"])) if "norm_hours" in s.pay else {}
    return {str(a): float(known[str(a)]) if str(a) in known else
            horizon_norm(run.cfg, s.start, s.days, absent.get(a, ()))
            for a in run.agents["agent_id"]}


def timesheet_totals(run: "PlanRun", grid: DayGrid) -> pd.DataFrame:
    """Per agent: days worked, paid, day, night, holiday and overtime hours, norm, days absent."""
    g = grid.frame
    per = g.groupby("agent_id", sort=False).agg(
        days_worked=("worked", "sum"), paid_hours=("paid", "sum"), night_hours=("night", "sum"),
        holiday_hours=("holiday", "sum"),
        days_absent=("kind", lambda k: int((~k.isin(["day", "night", "off"])).sum())),
    )
    per["day_hours"] = per["paid_hours"] - per["night_hours"]
    ot = dict(zip(run.schedule.pay["agent_id"].astype(str), run.schedule.pay["overtime_hours"]))
    per["overtime_hours"] = [float(ot.get(a, 0.0)) for a in per.index]
    norms = agent_norms(run)
    per["norm_hours"] = [norms[a] for a in per.index]
    return per.reset_index()


def write_timesheet_sheet(ws: Worksheet, run: "PlanRun", grid: DayGrid) -> None:
    """T-13 style: per agent a row of codes, a row of paid hours and a row of night hours."""
    info = _agent_info(run)
    fixed = ["agent_id", "name", "team", "pattern", "line"]
    first_day = len(fixed) + 1
    days = grid.days
    first_total = first_day + len(days)
    note_row, weekday_row, header_row = 1, 2, 3
    put(ws, 1, 1, f"Timesheet {days[0]:%d.%m}{DASH}{days[-1]:%d.%m.%Y}").font = Font(bold=True, size=12)
    put(ws, 2, 1, run.cfg.site.name).font = _GREY_FONT
    _header(ws, header_row, fixed)
    _day_headers(ws, days, first_day, note_row, weekday_row, header_row)
    _header(ws, header_row, [t[0] for t in TIMESHEET_TOTALS], first_col=first_total)

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
                    c.border = _SEPARATOR
            for k, d in enumerate(days):
                code, kind, paid, night, worked = cells[(rec.agent_id, d)]
                if line == "code":
                    c = put(ws, row, first_day + k, code)
                    c.fill = fills[kind]
                    c.border = _SEPARATOR
                elif line == "hours":
                    c = put(ws, row, first_day + k, paid if worked else None, HOURS)
                else:
                    c = put(ws, row, first_day + k, night if night > 0 else None, HOURS)
                c.alignment = _CENTER
            if line == "hours":
                t = totals.loc[rec.agent_id]
                for k, (_, key, fmt) in enumerate(TIMESHEET_TOTALS):
                    put(ws, row, first_total + k, t[key], fmt).font = _BOLD
            elif line == "code":
                for k in range(len(TIMESHEET_TOTALS)):
                    ws.cell(row=row, column=first_total + k).border = _SEPARATOR
    last_row = row
    last_col = first_total + len(TIMESHEET_TOTALS) - 1
    _frame_sheet(ws, header_row, last_row, last_col, freeze_col=first_day)
    if any(RU_CALENDAR.is_holiday(d) for d in days):  # room for the holiday's name, wrapped
        ws.row_dimensions[note_row].height = 36
    ws.row_dimensions[header_row].height = 30
    _widths(ws, {1: _text_width(info["agent_id"], 9, 16), 2: _text_width(info["name"], 12, 34),
                 3: _text_width(info["team"], 8, 20), 4: 8.5, 5: 7,
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
        put(ws, last_row + 2 + k, 1, text).font = _GREY_FONT


# --------------------------------------------------------------------------- Pay


PAY_SHEET_COLUMNS = (
    ("agent_id", "agent_id", None), ("name", "name", None), ("team", "team", None), ("pattern", "pattern", None),
    ("rate, RUB/h", "rate_rub_h", MONEY), ("norm h", "norm_hours", HOURS), ("paid h", "paid_hours", HOURS),
    ("night h", "night_hours", HOURS), ("holiday h", "holiday_hours", HOURS),
    ("overtime h", "overtime_hours", HOURS), ("base, RUB", "base", MONEY),
    ("night premium, RUB", "night_premium", MONEY), ("holiday premium, RUB", "holiday_premium", MONEY),
    ("overtime pay, RUB", "overtime", MONEY), ("total, RUB", "total", MONEY),
)
PAY_SUMS = ("paid_hours", "night_hours", "holiday_hours", "overtime_hours", "base", "night_premium",
            "holiday_premium", "overtime", "total")


def pay_table(run: "PlanRun") -> pd.DataFrame:
    """Pay per agent of the workspace (zero for an agent without shifts), with rate and norm."""
    info = _agent_info(run)
    rates = dict(zip(run.agents["agent_id"].astype(str), run.agents["rate_rub_h"])) if "rate_rub_h" in run.agents \
        else {}
    pay = run.schedule.pay.assign(agent_id=run.schedule.pay["agent_id"].astype(str))
    out = info.merge(pay.drop(columns=["norm_hours"], errors="ignore"), on="agent_id", how="left")
    for col in PAY_SUMS:
        out[col] = out[col].fillna(0.0) if col in out else 0.0
    out["rate_rub_h"] = out["agent_id"].map(rates)
    norms = agent_norms(run)
    out["norm_hours"] = out["agent_id"].map(norms)
    return out


def write_pay_sheet(ws: Worksheet, run: "PlanRun") -> None:
    """Per agent base pay, night and holiday premiums, overtime and total; a totals row below."""
    table = pay_table(run)
    _header(ws, 1, [c[0] for c in PAY_SHEET_COLUMNS])
    row = 1
    for rec in table.itertuples(index=False):
        row += 1
        for k, (_, key, fmt) in enumerate(PAY_SHEET_COLUMNS):
            put(ws, row, k + 1, getattr(rec, key), fmt)
    last_data = row
    row += 1
    put(ws, row, 1, "Total").font = _BOLD
    for k, (_, key, fmt) in enumerate(PAY_SHEET_COLUMNS):
        c = ws.cell(row=row, column=k + 1)
        c.border = _TOP_BORDER
        if key in PAY_SUMS:
            put(ws, row, k + 1, round(float(table[key].sum()), 2), fmt).font = _BOLD
    _frame_sheet(ws, 1, last_data, len(PAY_SHEET_COLUMNS), freeze_col=3)
    info = _agent_info(run)
    _widths(ws, {1: _text_width(info["agent_id"], 9, 16), 2: _text_width(info["name"], 12, 34),
                 3: _text_width(info["team"], 8, 20), 4: 8.5,
                 **{k: 11 for k in range(5, 11)}, **{k: 15 for k in range(11, len(PAY_SHEET_COLUMNS) + 1)}})
    ws.row_dimensions[1].height = 30
    p = run.cfg.pay
    put(ws, row + 2, 1, (f"Night premium +{p.night_premium:.0%} of the rate per hour 22:00–06:00 (art. 154); "
                         f"holiday hours paid ×{p.holiday_multiplier:g} (art. 153); overtime above the norm "
                         f"×{p.overtime_first_multiplier:g} for the first {p.overtime_first_hours:g} h, "
                         f"×{p.overtime_after_multiplier:g} after (art. 152). Premiums are extras on top of "
                         "base pay.")).font = _GREY_FONT


# --------------------------------------------------------------------------- Coverage


COVERAGE_COLUMNS = (
    ("ts", "hour starting", DATETIME), ("required", "agents required", COUNT),
    ("scheduled", "agents scheduled", COUNT), ("short", "agents short", COUNT),
    ("service_level", "expected service level", PERCENT), ("contacts", "contacts", "#,##0.0"),
)


def write_coverage_sheet(ws: Worksheet, run: "PlanRun") -> None:
    """Per hour: required and scheduled agents, shortfall, expected service level; a line chart."""
    cov = run.schedule.coverage.copy()
    cov["short"] = np.maximum(cov["required"] - cov["scheduled"], 0)
    _header(ws, 1, [c[1] for c in COVERAGE_COLUMNS])
    short_fill = PatternFill("solid", fgColor="FFC7CE")
    row = 1
    for rec in cov.itertuples(index=False):
        row += 1
        for k, (key, _, fmt) in enumerate(COVERAGE_COLUMNS):
            c = put(ws, row, k + 1, getattr(rec, key), fmt)
            if key == "short" and getattr(rec, key) > 0:
                c.fill = short_fill
    last = row
    _frame_sheet(ws, 1, last, len(COVERAGE_COLUMNS))
    _widths(ws, {1: 17, 2: 11, 3: 11, 4: 9, 5: 12, 6: 10})
    ws.row_dimensions[1].height = 30
    if last < 3:
        return
    chart = LineChart()
    chart.title = "Agents on duty against the requirement"
    chart.y_axis.title = "agents"
    chart.x_axis.title = "hour"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.x_axis.number_format = "DD.MM HH:MM"
    chart.x_axis.tickLblSkip = 24
    chart.x_axis.tickMarkSkip = 24
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    for series, colour, width in zip(chart.series, ("C00000", "2F5597"), (22000, 16000)):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = width
        series.smooth = False
    chart.width = 32
    chart.height = 11
    ws.add_chart(chart, "H2")


# --------------------------------------------------------------------------- Summary


_SUMMARY_LABELS: dict[str, tuple[str, str, str | None]] = {
    # key: (group, label, number format)
    "status": ("Solver", "solver status", None),
    "gap": ("Solver", "gap to the best bound", "0.00%"),
    "objective": ("Solver", "objective, RUB", MONEY),
    "bound": ("Solver", "best bound, RUB", MONEY),
    "solve_seconds": ("Solver", "solve time, s", "0.0"),
    "start": ("Horizon", "first day", DATE),
    "days": ("Horizon", "days", COUNT),
    "agents": ("People", "agents in the workspace", COUNT),
    "agents_scheduled": ("People", "agents with shifts", COUNT),
    "shifts": ("People", "shifts", COUNT),
    "against_preference": ("People", "agents against their day/night wish", None),
    "required_agent_hours": ("Coverage", "agent-hours required", COUNT),
    "scheduled_agent_hours": ("Coverage", "agent-hours scheduled", COUNT),
    "shortfall_agent_hours": ("Coverage", "agent-hours short", COUNT),
    "hours_short": ("Coverage", "hours with too few agents", COUNT),
    "hours_without_agents": ("Coverage", "hours with nobody on duty", COUNT),
    "contacts": ("Coverage", "contacts expected", COUNT),
    "service_level": ("Coverage", "expected service level", PERCENT),
    "cost.base": ("Pay", "base pay, RUB", MONEY),
    "cost.night_premium": ("Pay", "night premium, RUB", MONEY),
    "cost.holiday_premium": ("Pay", "holiday premium, RUB", MONEY),
    "cost.overtime": ("Pay", "overtime pay, RUB", MONEY),
    "cost.total": ("Pay", "total pay, RUB", MONEY),
    "cost_per_contact": ("Pay", "pay per contact, RUB", MONEY),
    "paid_hours": ("Hours", "paid hours", HOURS),
    "night_hours": ("Hours", "night hours", HOURS),
    "holiday_hours": ("Hours", "holiday hours", HOURS),
    "overtime_hours": ("Hours", "overtime hours", HOURS),
    "overtime_yearly_cap_h": ("Hours", "overtime cap a year, h (art. 99)", HOURS),
    "agents_above_overtime_cap_pace": ("Hours", "agents whose overtime pace exceeds the yearly cap", None),
    "violations": ("Labour rules", "labour-rule violations", COUNT),
    "model.classes": ("Model", "agent classes", COUNT),
    "model.lines": ("Model", "lines (ways to work a pattern)", COUNT),
    "model.objective_parts_rub.shortfall": ("Model", "objective: shortfall, RUB", MONEY),
    "model.objective_parts_rub.pay": ("Model", "objective: pay, RUB", MONEY),
    "model.objective_parts_rub.overstaffing": ("Model", "objective: over-staffing, RUB", MONEY),
    "model.time_limit_s": ("Model", "time limit, s", "0.0"),
    "model.workers": ("Model", "solver workers", COUNT),
    "model.seed": ("Model", "solver seed", COUNT),
}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v and key != "violations_by_rule":
            out.extend(_flatten(v, key + "."))
        elif key == "violations_by_rule":
            out.extend((f"{key}.{rule}", n) for rule, n in v.items())
        else:
            out.append((key, v))
    return out


def summary_rows(summary: Mapping[str, Any]) -> list[tuple[str, str, Any, str | None]]:
    """(group, label, value, number format) for every figure of summary.json, grouped."""
    order = list(dict.fromkeys(g for g, _, _ in _SUMMARY_LABELS.values()))
    rows: list[tuple[str, str, Any, str | None]] = []
    for key, value in _flatten(summary):
        if key in _SUMMARY_LABELS:
            group, label, fmt = _SUMMARY_LABELS[key]
        elif key.startswith("violations_by_rule."):
            group, label, fmt = "Labour rules", f"violations: {key.split('.', 1)[1]}", COUNT
        else:
            group, label, fmt = "Other", key.replace("_", " ").replace(".", ": "), None
        if key == "start" and isinstance(value, str):
            value = date.fromisoformat(value)
        if isinstance(value, (list, tuple)):
            value = f"{len(value)}: {', '.join(map(str, value))}" if value else "none"
        rows.append((group, label, value, fmt))
    rank = {g: i for i, g in enumerate(order + ["Labour rules", "Other"])}
    return sorted(rows, key=lambda r: rank[r[0]])


def write_summary_sheet(ws: Worksheet, run: "PlanRun") -> None:
    """KPIs, solver status and gap, with labels a reader understands."""
    s = run.schedule
    put(ws, 1, 1, f"Rota {s.start:%d.%m.%Y}{DASH}{s.start + timedelta(days=s.days - 1):%d.%m.%Y}, "
                  f"{run.cfg.site.name}").font = Font(bold=True, size=12)
    _header(ws, 3, ["group", "figure", "value"])
    row = 3
    prev_group = None
    for group, label, value, fmt in summary_rows(run.summary):
        row += 1
        g = put(ws, row, 1, group if group != prev_group else None)
        g.font = _BOLD
        put(ws, row, 2, label)
        c = put(ws, row, 3, value, fmt)
        c.alignment = Alignment(horizontal="right", wrap_text=isinstance(value, str) and len(value) > 40)
        if group != prev_group and prev_group is not None:
            for col in (1, 2, 3):
                ws.cell(row=row, column=col).border = _SEPARATOR
        prev_group = group
    ws.freeze_panes = "A4"
    _widths(ws, {1: 14, 2: 48, 3: 40})


# --------------------------------------------------------------------------- Assumptions


def _in_toml(raw: Mapping[str, Any], *keys: str) -> bool:
    node: Any = raw
    for k in keys:
        if not isinstance(node, Mapping) or k not in node:
            return False
        node = node[k]
    return True


def _show(value: Any) -> Any:
    """A setting as a cell: numbers stay numbers, times HH:MM, lists joined, None 'not set'."""
    if value is None:
        return "not set"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_show(v)) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {_show(v)}"
                         for k, v in value.items() if v not in (None, [], ()))
    return str(value)


_LABOUR_WORDS = {
    "minimum daily rest": ("min_daily_rest_h",), "weekly rest": ("weekly_rest_h",),
    "longest shift": ("max_shift_h",), "night": ("night_start", "night_end"),
    "consecutive night shifts": ("max_consecutive_nights",),
}


def assumption_rows(run: "PlanRun") -> list[tuple[str, str, Any, str, str]]:
    """(section, setting, value, source, meaning) for every setting the run used, and the calendar."""
    cfg = run.cfg
    raw = cfg.raw if cfg.source != "defaults" else {}
    toml = cfg.source if cfg.source != "defaults" else "rota.toml"
    rows: list[tuple[str, str, Any, str, str]] = []

    def src(*keys: str) -> str:
        return toml if _in_toml(raw, *keys) else "default"

    def model_rows(section: str, model: Any, keys: tuple[str, ...], meaning: Mapping[str, str] | None = None) -> None:
        for name, value in model.model_dump().items():
            rows.append((section, ".".join((*keys, name)), _show(value), src(*keys, name),
                         (meaning or {}).get(name, "")))

    model_rows("site", cfg.site, ("site",))
    model_rows("data files", cfg.data, ("data",))

    fc = cfg.forecast
    rows.append(("forecast", "forecast.methods", _show(fc.methods), src("forecast", "methods"),
                 "best: each series' method picked by backtest"))
    rows.append(("forecast", "forecast.country", _show(fc.country), src("forecast", "country"),
                 "holidays and transferred days off shaping the volume"))
    model_rows("forecast", fc.backtest, ("forecast", "backtest"))
    for i, ev in enumerate(fc.events):
        d = {k: v for k, v in ev.model_dump().items() if k != "name" and v not in (None, [], (), 0)}
        rows.append(("forecast", f"forecast.events[{i}]", f"{ev.name}: {_show(d)}", src("forecast", "events"),
                     "sales event learnt from the history"))

    st = cfg.staffing
    rows.append(("staffing", "staffing.shrinkage", st.shrinkage, src("staffing", "shrinkage"),
                 "share of paid time off the phones: required / (1 − shrinkage)"))
    rows.append(("staffing", "staffing.max_occupancy", st.max_occupancy, src("staffing", "max_occupancy"),
                 "busiest an agent may be"))
    for name, ch in st.channels.items():
        dumped = ch.model_dump()
        order = ["model"] + [f for f in dumped if f not in ("model", "periods")] + ["periods"]
        for field, value in ((f, dumped[f]) for f in order if f in dumped):
            key = ("channels", name, field)
            if field == "periods":
                for i, p in enumerate(ch.periods):
                    over = {k: v for k, v in p.model_dump().items() if k not in ("start", "end") and v is not None}
                    rows.append(("staffing", f"channels.{name}.periods[{i}]", f"{p.start}{DASH}{p.end}: {_show(over)}",
                                 src(*key), "other targets for part of the day"))
                continue
            meaning = {"shrinkage": "not set: the [staffing] value", "max_occupancy": "not set: the [staffing] value",
                       "aht_s": "handle time where the forecast has none"}.get(field, "") if value is None else ""
            rows.append(("staffing", ".".join(key), _show(value), src(*key), meaning))

    for name, t in cfg.book.templates.items():
        key = ("shifts", name)
        rows.append(("shifts", f"shifts.{name}.starts", _show(list(t.starts)), src(*key, "starts"),
                     "start times the planner may choose"))
        rows.append(("shifts", f"shifts.{name}.length_h", t.length_h, src(*key, "length_h"), "hours on site"))
        rows.append(("shifts", f"shifts.{name}.break_h", t.break_h, src(*key, "break_h"),
                     f"unpaid break: {t.paid_h:g} paid hours"))
    for name, p in cfg.book.patterns.items():
        for v in p.variants:
            cycle = ", ".join(t if t not in (None, "off") else "off" for t in v.cycle)
            rows.append(("patterns", f"patterns.{name}.variants.{v.name}", cycle, src("patterns", name),
                         f"{len(v.cycle)}-day cycle, {v.work_days} work days"))

    words = cfg.labour.assumptions()
    covered: set[str] = set()
    for text_key, text in words.items():
        fields = _LABOUR_WORDS.get(text_key, ())
        covered.update(fields)
        if not fields:  # a rule of the law, not a setting
            rows.append(("labour rules", text_key, text, "law", ""))
            continue
        value = (_show(getattr(cfg.labour, fields[0])) if len(fields) == 1
                 else DASH.join(str(_show(getattr(cfg.labour, f))) for f in fields))
        source = toml if any(_in_toml(raw, "labour", f) for f in fields) else "default"
        rows.append(("labour rules", "labour." + "/".join(fields), value, source, f"{text_key}: {text}"))
    for name, value in cfg.labour.model_dump().items():
        if name not in covered:
            rows.append(("labour rules", f"labour.{name}", _show(value), src("labour", name), ""))

    pay_meaning = {
        "night_premium": "extra share of the rate per night hour (art. 154: at least 0.20)",
        "holiday_multiplier": "pay of an hour on an art. 112 holiday (art. 153: at least 2)",
        "overtime_first_multiplier": "first overtime hours (art. 152)",
        "overtime_after_multiplier": "later overtime hours (art. 152)",
        "overtime_cap_year_h": "art. 99",
        "accounting_period": "summed accounting of hours (art. 104)",
        "hours_per_week": "art. 91; the norm is derived from it",
    }
    model_rows("pay", cfg.pay, ("pay",), pay_meaning)
    model_rows("solver", cfg.solver, ("solver",))
    model_rows("objective", cfg.objective, ("objective",), {
        "missed_contact_rub": "price of a contact that misses its service target",
        "over_staffing_rub_h": "price of an agent-hour above need",
    })

    s = run.schedule
    first, last = s.start, s.start + timedelta(days=s.days - 1)
    cal = "production calendar"
    hpw = cfg.pay.hours_per_week
    rows.append(("calendar", "horizon", f"{first:%d.%m.%Y}{DASH}{last:%d.%m.%Y} ({s.days} days)", "run", ""))
    hols = RU_CALENDAR.holidays_between(first, last)
    rows.append(("calendar", "art. 112 holidays in the horizon",
                 "; ".join(f"{d:%d.%m.%Y} {n}" for d, n in hols.items()) or "none", cal,
                 "work on these days is paid at the holiday multiplier, 00:00–24:00 of the day"))
    days = RU_CALENDAR.days(first, last, hpw)
    short = [d for d, sh in zip(days["date"], days["shortened"]) if sh]
    rows.append(("calendar", "shortened pre-holiday days", "; ".join(f"{d:%d.%m.%Y}" for d in short) or "none",
                 cal, "one hour shorter in the norm (art. 95)"))
    rows.append(("calendar", "working days of the 5-day week", int(days["working"].sum()), cal,
                 "transferred days off included; for rota staff weekends are ordinary days"))
    rows.append(("calendar", "norm of the horizon, h", horizon_norm(run.cfg, first, (last - first).days + 1), cal,
                 f"the {run.cfg.pay.accounting_period}'s norm ({hpw:g}-hour week ÷ 5 × working days − shortened "
                 "days) spread over its calendar days (summed accounting, art. 104); absence days carry none"))
    month = date(first.year, first.month, 1)
    while month <= last:
        rows.append(("calendar", f"norm of {month:%m.%Y}, h", RU_CALENDAR.month_norm_h(month.year, month.month, hpw),
                     cal, "the whole month, for the monthly accounting period"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    rows += [
        ("conventions", "day of a shift", "the day it starts", "rota",
         "a night shift's hours are shown on the day it begins, in the rota, timesheet and pay"),
        ("conventions", "night and holiday hours", "counted on site, at most the paid hours", "rota",
         "the unpaid break is not placed inside the shift"),
        ("conventions", "holiday pay", "art. 112 holidays only", "rota",
         "transferred days off (e.g. 31.12.2026) are paid once"),
        ("conventions", "overtime", "paid hours − holiday hours above the horizon's norm", "rota",
         "holiday hours paid double are not overtime (art. 152 part 3); the norm is pro-rated for absences"),
    ]
    return rows


def write_assumptions_sheet(ws: Worksheet, run: "PlanRun") -> None:
    """Every setting used, with its source (rota.toml or default), and the calendar facts."""
    _header(ws, 1, ["section", "setting", "value", "source", "meaning"])
    row = 1
    prev = None
    for section, setting, value, source, meaning in assumption_rows(run):
        row += 1
        put(ws, row, 1, section).font = _BOLD if section != prev else Font()
        put(ws, row, 2, setting)
        c = put(ws, row, 3, value)
        c.alignment = Alignment(horizontal="left", wrap_text=isinstance(value, str) and len(value) > 45)
        put(ws, row, 4, source)
        put(ws, row, 5, meaning)
        if section != prev and prev is not None:
            for col in range(1, 6):
                ws.cell(row=row, column=col).border = _SEPARATOR
        prev = section
    _frame_sheet(ws, 1, row, 5)
    _widths(ws, {1: 14, 2: 40, 3: 45, 4: 18, 5: 70})


# --------------------------------------------------------------------------- Shifts


def write_shifts_sheet(ws: Worksheet, run: "PlanRun") -> None:
    """Exactly the rota.csv columns, one row per shift: what `--previous rota.xlsx` reads back."""
    cols = list(ROTA_COLUMNS)
    fmts = {"date": DATE, "start": DATETIME, "end": DATETIME, "paid_hours": HOURS, "night_hours": HOURS,
            "holiday_hours": HOURS}
    for k, c in enumerate(cols):
        put(ws, 1, k + 1, c).font = _BOLD
    rota = run.schedule.rota
    row = 1
    for rec in rota[cols].itertuples(index=False):
        row += 1
        for k, c in enumerate(cols):
            v = rec[k]
            if c == "date":
                v = pd.Timestamp(v).date()
            put(ws, row, k + 1, v, fmts.get(c))
    _frame_sheet(ws, 1, row, len(cols))
    _widths(ws, {1: 10, 2: 12, 3: 17, 4: 17, 5: 11, 6: 11, 7: 12, 8: 9, 9: 10})


# --------------------------------------------------------------------------- workbook


def build_workbook(run: "PlanRun") -> Workbook:
    """The whole workbook in memory."""
    wb = Workbook()
    grid = day_grid(run)
    writers = {
        "Rota": lambda ws: write_rota_sheet(ws, run, grid),
        "Timesheet": lambda ws: write_timesheet_sheet(ws, run, grid),
        "Pay": lambda ws: write_pay_sheet(ws, run),
        "Coverage": lambda ws: write_coverage_sheet(ws, run),
        "Summary": lambda ws: write_summary_sheet(ws, run),
        "Assumptions": lambda ws: write_assumptions_sheet(ws, run),
        PREVIOUS_SHEET: lambda ws: write_shifts_sheet(ws, run),
    }
    for i, name in enumerate(SHEETS):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        writers[name](ws)
    wb.properties.title = f"Rota {run.schedule.start:%Y-%m-%d}"
    wb.properties.creator = "rota"
    return wb


def write_workbook(run: "PlanRun", path: str | os.PathLike[str]) -> Path:
    """Write rota.xlsx atomically: built in memory, saved to a temporary file, then renamed."""
    wb = build_workbook(run)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
