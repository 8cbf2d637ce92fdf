"""rota.xlsx: the workbook HR hands on as it is.

Sheets, in the order a reader meets them: Rota (agents x days grid), Changes (a re-plan against the
published rota only), Timesheet (T-13 codes and
hours), Pay, Coverage (with a chart), Coverage by queue, Summary, Assumptions, and Shifts, the
machine-readable copy of rota.csv that `--previous rota.xlsx` reads back (with the plan's days, a
property of the file: `planner.workspace.previous.HORIZON_PROPERTY`). The file is written to a
temporary file and renamed, so a failed run never leaves a half-written workbook.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from common.files import atomic_path
from planner.output.excel.assumptions import write_assumptions_sheet
from planner.output.excel.cells import period, print_setup
from planner.output.excel.changes_sheet import write_changes_sheet
from planner.output.excel.days import day_grid
from planner.output.excel.pay_sheet import write_pay_sheet
from planner.output.excel.report_sheets import (
    write_coverage_sheet,
    write_queue_coverage_sheet,
    write_shifts_sheet,
    write_summary_sheet,
)
from planner.output.excel.rota_sheet import write_rota_sheet
from planner.output.excel.timesheet import write_timesheet_sheet
from planner.runs import PlanRun
from planner.workspace.previous import (
    HORIZON_PROPERTY,
    PREVIOUS_SHEET,
    horizon_property,
)

SHEETS = ("Rota", "Changes", "Timesheet", "Pay", "Coverage", "Coverage by queue", "Summary", "Assumptions",
          PREVIOUS_SHEET)   # Changes only in a re-plan against a published rota
DAY_SHEETS = ("Rota", "Timesheet")   # a column per day: printed a week per page width


A4_LANDSCAPE_PT = 841.9       # the page's width
DEFAULT_WIDTH = 8.43          # characters: a column whose width was never set
CHAR_PX = 9.5                 # a width unit: 7 px in Calibri, but 9.3 px in DejaVu Sans, which stands in for
                              # it where Calibri is missing (LibreOffice on Linux): the wider one, to be safe


def _column_pt(ws: Worksheet, col: int) -> float:
    """A column's printed width in points: `width` characters, plus 5 px of padding."""
    width = ws.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH
    return 0.75 * (CHAR_PX * width + 5)


def week_breaks(ws: Worksheet, days: Sequence[date], start: date) -> None:
    """A week across each page of a plan longer than a week: page breaks after every 7th day
    from the first (an evening before, on the Rota, goes with the first week; the last week may be
    shorter, and whatever follows the days, the Timesheet's totals, gets a page of its own), the
    names repeated on each. Printing "fit to N pages wide" would ignore the breaks (Excel and
    LibreOffice both do) and spread the columns evenly instead, so the sheet is printed at the
    largest scale at which its widest block fits the page."""
    frozen = ws[ws.freeze_panes].column
    first = frozen + (1 if days[0] < start else 0)
    weeks = (len(days) - (first - frozen) + 6) // 7
    if weeks < 2:
        return
    after_days = frozen + len(days) - 1
    ends = [first + 7 * k - 1 for k in range(1, weeks)] + [after_days]
    if ws.max_column > after_days:
        ends.append(ws.max_column)
    for end in ends[:-1]:
        ws.col_breaks.append(Break(id=end))
    titles = sum(_column_pt(ws, c) for c in range(1, frozen))
    widest = max(sum(_column_pt(ws, c) for c in range(lo + 1, hi + 1)) for lo, hi in zip([frozen - 1, *ends], ends))
    printable = (A4_LANDSCAPE_PT - 72 * (ws.page_margins.left + ws.page_margins.right)) * 0.97
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = max(10, min(100, int(100 * printable / (titles + widest))))


def build_workbook(run: PlanRun) -> Workbook:
    """The whole workbook in memory."""
    wb = Workbook()
    grid = day_grid(run)
    writers = {
        "Rota": lambda ws: write_rota_sheet(ws, run, grid),
        "Changes": lambda ws: write_changes_sheet(ws, run),
        "Timesheet": lambda ws: write_timesheet_sheet(ws, run),
        "Pay": lambda ws: write_pay_sheet(ws, run),
        "Coverage": lambda ws: write_coverage_sheet(ws, run),
        "Coverage by queue": lambda ws: write_queue_coverage_sheet(ws, run),
        "Summary": lambda ws: write_summary_sheet(ws, run),
        "Assumptions": lambda ws: write_assumptions_sheet(ws, run),
        PREVIOUS_SHEET: lambda ws: write_shifts_sheet(ws, run),
    }
    s = run.schedule
    dates = period(s.start, s.start + timedelta(days=s.days - 1))
    for i, name in enumerate(n for n in SHEETS if n != "Changes" or s.changes is not None):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        writers[name](ws)
        print_setup(ws, f"{name} {dates} · {run.cfg.site.name}")
        if name in DAY_SHEETS:   # the Timesheet has the plan's days only: hours by calendar day
            week_breaks(ws, grid.days if name == "Rota" else sorted(set(s.timesheet["date"])), s.start)
    wb.properties.title = f"Rota {run.schedule.start:%Y-%m-%d}"
    wb.properties.creator = "rota"
    # the plan's days, so that `--previous rota.xlsx` knows where the rota ends even on days off
    wb.custom_doc_props.append(StringProperty(name=HORIZON_PROPERTY, value=horizon_property(s.start, s.days)))
    return wb


def write_workbook(run: PlanRun, path: str | os.PathLike[str]) -> Path:
    """Write rota.xlsx atomically: built in memory, saved to a temporary file, then renamed."""
    wb = build_workbook(run)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
