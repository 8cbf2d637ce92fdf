"""rota.xlsx: the workbook HR hands on as it is.

Sheets, in the order a reader meets them: Rota (agents x days grid), Changes (a re-plan against the
published rota only), Timesheet (T-13 codes and
hours), Pay, Coverage (with a chart), Coverage by queue, Summary, Assumptions, and Shifts, the
machine-readable copy of rota.csv that `--previous rota.xlsx` reads back. The file is written to a
temporary file and renamed, so a failed run never leaves a half-written workbook.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
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
from planner.workspace.previous import PREVIOUS_SHEET

SHEETS = ("Rota", "Changes", "Timesheet", "Pay", "Coverage", "Coverage by queue", "Summary", "Assumptions",
          PREVIOUS_SHEET)   # Changes only in a re-plan against a published rota
DAY_SHEETS = ("Rota", "Timesheet")   # a column per day: printed a week per page width


def week_breaks(ws: Worksheet, days: Sequence[date], start: date) -> None:
    """Page breaks after each week's last day column, so that a printed rota of several weeks
    shows one week across the page (with the names repeated) instead of shrinking them all onto
    one page width. The sheet's day columns (`days`) start at the frozen column (an evening
    before, on the Rota, goes with the first week)."""
    first = ws[ws.freeze_panes].column + (1 if days[0] < start else 0)
    weeks = (len(days) - (first - ws[ws.freeze_panes].column) + 6) // 7
    for k in range(1, weeks):
        ws.col_breaks.append(Break(id=first + 7 * k - 1))
    ws.page_setup.fitToWidth = weeks


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
    return wb


def write_workbook(run: PlanRun, path: str | os.PathLike[str]) -> Path:
    """Write rota.xlsx atomically: built in memory, saved to a temporary file, then renamed."""
    wb = build_workbook(run)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
