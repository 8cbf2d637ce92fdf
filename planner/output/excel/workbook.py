"""rota.xlsx: the workbook HR hands on as it is.

Sheets, in the order a reader meets them: Rota (agents x days grid), Changes (a re-plan against the
published rota only), Timesheet (T-13 codes and
hours), Pay, Wishes (flex agents' wishes, granted or not; only with flex agents), Coverage (with a chart), Coverage by queue, Summary, Assumptions, and Shifts, the
machine-readable copy of rota.csv that `--previous rota.xlsx` reads back (with the plan's days, a
property of the file: `planner.workspace.previous.HORIZON_PROPERTY`). The file is written to a
temporary file and renamed, so a failed run never leaves a half-written workbook. XlsxWriter
writes it (`sheet.Book`): openpyxl took more than half of a 5,000-agent run to style its cells.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

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
from planner.output.excel.sheet import DEFAULT_WIDTH, Book, Sheet
from planner.output.excel.timesheet import write_timesheet_sheet
from planner.output.excel.wishes_sheet import write_wishes_sheet
from planner.runs import PlanRun
from planner.workspace.previous import (
    HORIZON_PROPERTY,
    PREVIOUS_SHEET,
    horizon_property,
)

SHEETS = ("Rota", "Changes", "Timesheet", "Pay", "Wishes", "Coverage", "Coverage by queue", "Summary",
          "Assumptions", PREVIOUS_SHEET)   # Changes only in a re-plan against a published rota, Wishes only with flex agents
DAY_SHEETS = ("Rota", "Timesheet")   # a column per day: printed a week per page width


A4_LANDSCAPE_PT = 841.9       # the page's width
CHAR_PX = 9.5                 # a width unit: 7 px in Calibri, but 9.3 px in DejaVu Sans, which stands in for
                              # it where Calibri is missing (LibreOffice on Linux): the wider one, to be safe


def _column_pt(sh: Sheet, col: int) -> float:
    """A column's printed width in points: `width` characters, plus 5 px of padding."""
    width = sh.widths.get(col) or DEFAULT_WIDTH
    return 0.75 * (CHAR_PX * width + 5)


def week_breaks(sh: Sheet, days: Sequence[date], start: date) -> None:
    """A week across each page of a plan longer than a week: page breaks after every 7th day
    from the first (an evening before, on the Rota, goes with the first week; the last week may be
    shorter, and whatever follows the days, the Timesheet's totals, gets a page of its own), the
    names repeated on each. Printing "fit to N pages wide" would ignore the breaks (Excel and
    LibreOffice both do) and spread the columns evenly instead, so the sheet is printed at the
    largest scale at which its widest block fits the page."""
    if sh.frozen is None or sh.page is None:
        raise ValueError(f"{sh.name}: a day sheet is framed and set up for printing before its week breaks")
    frozen = sh.frozen[1]
    first = frozen + (1 if days[0] < start else 0)
    weeks = (len(days) - (first - frozen) + 6) // 7
    if weeks < 2:
        return
    after_days = frozen + len(days) - 1
    ends = [first + 7 * k - 1 for k in range(1, weeks)] + [after_days]
    if sh.max_col > after_days:
        ends.append(sh.max_col)
    sh.page.col_breaks = ends[:-1]
    titles = sum(_column_pt(sh, c) for c in range(1, frozen))
    widest = max(sum(_column_pt(sh, c) for c in range(lo + 1, hi + 1)) for lo, hi in zip([frozen - 1, *ends], ends))
    left, right = sh.page.margins[:2]
    printable = (A4_LANDSCAPE_PT - 72 * (left + right)) * 0.97
    sh.page.scale = max(10, min(100, int(100 * printable / (titles + widest))))


def build_workbook(run: PlanRun, book: Book) -> None:
    """Every sheet of the workbook, and its properties, into `book`."""
    grid = day_grid(run)
    writers = {
        "Rota": lambda sh: write_rota_sheet(sh, run, grid),
        "Changes": lambda sh: write_changes_sheet(sh, run),
        "Timesheet": lambda sh: write_timesheet_sheet(sh, run),
        "Pay": lambda sh: write_pay_sheet(sh, run),
        "Wishes": lambda sh: write_wishes_sheet(sh, run),
        "Coverage": lambda sh: write_coverage_sheet(sh, run),
        "Coverage by queue": lambda sh: write_queue_coverage_sheet(sh, run),
        "Summary": lambda sh: write_summary_sheet(sh, run),
        "Assumptions": lambda sh: write_assumptions_sheet(sh, run),
        PREVIOUS_SHEET: lambda sh: write_shifts_sheet(sh, run),
    }
    s = run.schedule
    dates = period(s.start, s.start + timedelta(days=s.days - 1))
    optional = {"Changes": s.changes is not None, "Wishes": s.wishes is not None}
    for name in (n for n in SHEETS if optional.get(n, True)):
        sh = book.add_sheet(name)
        writers[name](sh)
        print_setup(sh, f"{name} {dates} · {run.cfg.site.name}")
        if name in DAY_SHEETS:   # the Timesheet has the plan's days only: hours by calendar day
            week_breaks(sh, grid.days if name == "Rota" else sorted(set(s.timesheet["date"])), s.start)
    # the plan's days, so that `--previous rota.xlsx` knows where the rota ends even on days off
    book.properties(f"Rota {s.start:%Y-%m-%d}", "rota", {HORIZON_PROPERTY: horizon_property(s.start, s.days)})


def write_workbook(run: PlanRun, path: str | os.PathLike[str]) -> Path:
    """Write rota.xlsx atomically: written to a temporary file, then renamed."""
    with atomic_path(path) as tmp:
        book = Book(tmp)
        build_workbook(run, book)
        book.save()
    return Path(path)
