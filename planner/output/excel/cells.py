"""Cells and styles of rota.xlsx: every sheet writes through `put`, so text is never a formula.

Numbers are numeric cells and dates date cells, so a clerk can sum, sort and filter them. Text is
always a text cell: a name such as `=HYPERLINK(...)` is stored as a string with Excel's quote
prefix, so neither openpyxl nor an edit in Excel turns it into a formula.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

MONEY = "#,##0.00"
HOURS = "0.##"         # asked for by the sheets; `put` writes a whole number as 44, not Excel's "44."
_WHOLE_HOURS = "#,##0"
_PART_HOURS = "#,##0.0#"
COUNT = "#,##0"
PERCENT = "0.0%"
DATE = "DD.MM.YYYY"
DATETIME = "DD.MM.YYYY HH:MM"
DAY_HEADER = "DD.MM"

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WEEKEND_FILL = PatternFill("solid", fgColor="FCE4D6")
HOLIDAY_FILL = PatternFill("solid", fgColor="FF7C80")
HOLIDAY_FONT = Font(bold=True, color="9C0006")
NOTE_FONT = Font(italic=True, size=8, color="9C0006")
GREY_FONT = Font(color="808080", size=9)
TOP_BORDER = Border(top=Side(style="thin"))
SEPARATOR = Border(top=Side(style="thin", color="808080"))
CENTER = Alignment(horizontal="center", vertical="center")
_FORMULA_START = ("=", "+", "-", "@")


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
    if number_format == HOURS and isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel has no format that drops the point of a whole number ("0.##" shows 44 as "44.")
        number_format = _WHOLE_HOURS if abs(value - round(value)) < 0.005 else _PART_HOURS
    if number_format is not None and value is not None:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME
    elif isinstance(value, date):
        cell.number_format = DATE
    return cell


def header(ws: Worksheet, row: int, labels: Sequence[str], first_col: int = 1) -> None:
    for k, label in enumerate(labels):
        c = put(ws, row, first_col + k, label)
        c.font = BOLD
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def fit_row(ws: Worksheet, row: int, column_widths: Mapping[int, float], line_height: float = 15.0) -> None:
    """Wrap the text cells of a row that are wider than their column and make the row tall
    enough for the longest: a spreadsheet does not grow a row for wrapped text by itself when
    printed, and the next row's text would be drawn over it."""
    lines = 1
    for col, width in column_widths.items():
        cell = ws.cell(row=row, column=col)
        if isinstance(cell.value, str) and len(cell.value) > width:
            cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top", wrap_text=True)
            lines = max(lines, math.ceil(len(cell.value) / width))
    if lines > 1:
        ws.row_dimensions[row].height = line_height * lines


def text_width(values: Iterable[Any], lo: float = 6, hi: float = 40) -> float:
    """Column width that fits the longest value (in characters), within [lo, hi]."""
    longest = max((len(str(v)) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))),
                  default=0)
    return float(min(max(longest + 2, lo), hi))


def frame_sheet(ws: Worksheet, header_row: int, last_row: int, last_col: int, freeze_col: int = 1) -> None:
    """Frozen header (and first columns), and a filter over the header and its data rows."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_col)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{max(last_row, header_row)}"


def period(first: date, last: date) -> str:
    """Dates of a plan as a title says them: 30.11–06.12.2026."""
    return f"{first:%d.%m}\u2013{last:%d.%m.%Y}"


def note_evening_before(ws: Worksheet, days: Sequence[date], start: date, first_col: int, note_row: int) -> None:
    """Say over an extra first day column (the nights begun the evening before the plan, which
    staff its first morning) that it is not a day of the plan."""
    if days and days[0] < start:
        c = put(ws, note_row, first_col, "night before")
        c.font = GREY_FONT
        c.alignment = Alignment(horizontal="center", vertical="bottom", wrap_text=True)


def print_setup(ws: Worksheet, title: str) -> None:
    """How a sheet comes out of the printer: A4 landscape, all columns on one page width (as many
    pages down as it takes), the rows and columns frozen on screen repeated on every page, and a
    page header that names the sheet, the site and the dates (HR hangs the rota on the wall)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if ws.freeze_panes:
        frozen = ws[ws.freeze_panes]
        if frozen.row > 1:
            ws.print_title_rows = f"1:{frozen.row - 1}"
        if frozen.column > 2:   # the names, not just the first column, on every page of a wide sheet
            ws.print_title_cols = f"A:{get_column_letter(frozen.column - 1)}"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 11
    ws.oddHeader.center.font = "Arial,Bold"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "page &P"
