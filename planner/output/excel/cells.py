"""Cells and styles of rota.xlsx: every sheet writes through `put`, so text is never a formula.

Numbers are numeric cells and dates date cells, so a clerk can sum, sort and filter them. Text is
always a text cell: a name such as `=HYPERLINK(...)` is stored as a string with Excel's quote
prefix, so neither a reader nor an edit in Excel turns it into a formula. A cell's look is a
`Style` given with its value (`sheet.Style`): the writer makes one shared format per look.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from planner.output.excel.sheet import PLAIN, PageSetup, Sheet, Style

MONEY = "#,##0.00"
HOURS = "0.##"         # asked for by the sheets; `put` writes a whole number as 44, not Excel's "44."
_WHOLE_HOURS = "#,##0"
_PART_HOURS = "#,##0.0#"
COUNT = "#,##0"
PERCENT = "0.0%"
DATE = "DD.MM.YYYY"
DATETIME = "DD.MM.YYYY HH:MM"
DAY_HEADER = "DD.MM"

BOLD = Style(bold=True)
TITLE = Style(bold=True, size=12)
HEADER_FILL = "D9E1F2"
WEEKEND_FILL = "FCE4D6"
HOLIDAY_FILL = "FF7C80"
HOLIDAY_FONT = Style(bold=True, color="9C0006")
NOTE_FONT = Style(italic=True, size=8, color="9C0006")
GREY_FONT = Style(color="808080", size=9)
TOP_BORDER = ""          # a thin border above, automatic colour (Style.top)
SEPARATOR = "808080"     # a thin grey border above: the first row of a group
CENTER = Style(align="center", valign="center")
HEADER = Style(bold=True, fill=HEADER_FILL, align="center", valign="center", wrap=True)
_FORMULA_START = ("=", "+", "-", "@")


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    """Text without the characters XML cannot hold; remembered, since the same codes, names and
    shifts come back thousands of times in a large rota."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _plain(value: Any) -> Any:
    """A value a cell holds: NaN/NaT -> empty, numpy -> python, Timestamp -> datetime."""
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


def put(sh: Sheet, row: int, col: int, value: Any, number_format: str | None = None, style: Style = PLAIN) -> None:
    """Write one cell; text always stays text (never a formula, error code or number).

    A string starting with =, +, - or @ also gets the quote prefix, so editing the cell in
    Excel keeps it text too. Characters XML cannot hold are dropped rather than failing the run.
    None writes an empty cell, which still shows its style (a fill, a border).
    """
    kind = type(value)
    if kind is not str and kind is not int and value is not None:   # those two, the most common, as they are
        value = _plain(value)
    if isinstance(value, str):
        text = _clean(value)
        # "" is an empty cell (with its style), as a reader finds it anyway
        sh.write(row, col, text or None, None, style.but(quote=True) if text.startswith(_FORMULA_START) else style)
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isinf(value):
        value = None
    if isinstance(value, (list, tuple, set, frozenset)):
        return put(sh, row, col, ", ".join(str(v) for v in value), number_format, style)
    if value is not None and not isinstance(value, (bool, int, float, date, time)):
        return put(sh, row, col, str(value), style=style)  # anything else is shown, never a failed run
    if value is None:
        number_format = None
    elif number_format == HOURS and isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel has no format that drops the point of a whole number ("0.##" shows 44 as "44.")
        number_format = _WHOLE_HOURS if abs(value - round(value)) < 0.005 else _PART_HOURS
    elif number_format is None and isinstance(value, datetime):
        number_format = DATETIME
    elif number_format is None and isinstance(value, date):
        number_format = DATE
    elif number_format is None and isinstance(value, time):
        number_format = "h:mm:ss"
    sh.write(row, col, value, number_format, style)


def plain_column(values: pd.Series) -> list[Any]:
    """A column as Python values, converted once for all its cells (timestamps as datetimes)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return list(values.dt.to_pydatetime())
    return values.tolist()


def put_rows(sh: Sheet, first_row: int, columns: Sequence[tuple[Sequence[Any], str | None]],
             style: Style = PLAIN) -> int:
    """A table's rows from its columns (values, number format), from column 1; the last row written."""
    rows = len(columns[0][0]) if columns else 0
    for i in range(rows):
        for k, (values, number_format) in enumerate(columns):
            put(sh, first_row + i, k + 1, values[i], number_format, style)
    return first_row + rows - 1


def header(sh: Sheet, row: int, labels: Sequence[str], first_col: int = 1) -> None:
    for k, label in enumerate(labels):
        put(sh, row, first_col + k, label, style=HEADER)


def widths(sh: Sheet, widths: Mapping[int, float]) -> None:
    for col, width in widths.items():
        sh.width(col, width)


Cells = Mapping[int, tuple[Any, str | None, Style]]   # a row's cells: column -> (value, number format, style)


def fitted(sh: Sheet, row: int, cells: Cells, column_widths: Mapping[int, float], line_height: float = 15.0) -> None:
    """Write a row's cells, wrapping the text cells that are wider than their column, and make the
    row tall enough for the longest: a spreadsheet does not grow a row for wrapped text by itself
    when printed, and the next row's text would be drawn over it."""
    lines = 1
    for col, (value, number_format, style) in cells.items():
        width = column_widths.get(col)
        if width is not None and isinstance(value, str) and len(value) > width:
            style = style.but(valign="top", wrap=True)
            lines = max(lines, math.ceil(len(value) / width))
        put(sh, row, col, value, number_format, style)
    if lines > 1:
        sh.height(row, line_height * lines)


def text_width(values: Iterable[Any], lo: float = 6, hi: float = 40) -> float:
    """Column width that fits the longest value (in characters), within [lo, hi]."""
    longest = max((len(str(v)) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))),
                  default=0)
    return float(min(max(longest + 2, lo), hi))


def frame_sheet(sh: Sheet, header_row: int, last_row: int, last_col: int, freeze_col: int = 1) -> None:
    """Frozen header (and first columns), and a filter over the header and its data rows."""
    sh.freeze(header_row + 1, freeze_col)
    sh.autofilter(header_row, 1, max(last_row, header_row), last_col)


def period(first: date, last: date) -> str:
    """Dates of a plan as a title says them: 30.11–06.12.2026."""
    return f"{first:%d.%m}\u2013{last:%d.%m.%Y}"


def note_evening_before(sh: Sheet, days: Sequence[date], start: date, first_col: int, note_row: int) -> None:
    """Say over an extra first day column (the nights begun the evening before the plan, which
    staff its first morning) that it is not a day of the plan."""
    if days and days[0] < start:
        put(sh, note_row, first_col, "night before", style=GREY_FONT.but(align="center", valign="bottom", wrap=True))


def print_setup(sh: Sheet, title: str) -> None:
    """How a sheet comes out of the printer: A4 landscape, all columns on one page width (as many
    pages down as it takes), the rows and columns frozen on screen repeated on every page, and a
    page header that names the sheet, the site and the dates (HR hangs the rota on the wall)."""
    p = sh.page = PageSetup(title=title.replace("&", "&&"))   # A4 landscape, 1 page wide: its defaults
    if sh.frozen:
        row, col = sh.frozen
        if row > 1:
            p.repeat_rows = (1, row - 1)
        if col > 2:   # the names, not just the first column, on every page of a wide sheet
            p.repeat_cols = (1, col - 1)
