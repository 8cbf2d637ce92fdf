"""The thin layer the sheets write through: a `Style` says how a cell looks, a `Sheet` takes cells
as they come and remembers the layout (widths, frozen panes, filter, print setup, chart) that is
applied when the workbook is saved.

A workbook of 5,000 agents over 4 weeks has more than a million cells. openpyxl keeps an object
per cell and a style object per styled cell and compares them on every assignment, which made
writing rota.xlsx take longer than planning (bench/README.md); XlsxWriter streams cells into
compact rows and gets one shared format per distinct look, made once here (`Book.format`).
Reading workbooks stays with openpyxl. A sheet module needs nothing of either library: a new
sheet is written with `cells.put`, `cells.header` and the setters of `Sheet`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NamedTuple

import xlsxwriter
from xlsxwriter.worksheet import Worksheet


class Style(NamedTuple):
    """How a cell looks. A tuple, so that it hashes fast: it is the key of the format cache.

    Colours are RRGGBB; `top` is the colour of a thin border above the cell ("" for automatic);
    `align` and `valign` as Excel names them (left, center, right; top, center, bottom).
    """

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    top: str | None = None
    align: str | None = None
    valign: str | None = None
    wrap: bool = False
    quote: bool = False   # Excel's quote prefix: text that stays text when edited

    def but(self, **changes: Any) -> Style:
        """This style with some of its fields changed."""
        return self._replace(**changes)


PLAIN = Style()
DEFAULT_WIDTH = 8.43       # characters: Excel's width of a column whose width was never set
DEFAULT_COLUMN_PX = 64     # the same on screen, padding included


@dataclass
class PageSetup:
    """How a sheet prints; `scale` (percent) instead of fitting the columns to `fit_width` pages."""

    title: str = ""
    landscape: bool = True
    fit_width: int = 1
    scale: int | None = None
    repeat_rows: tuple[int, int] | None = None   # 1-based, inclusive
    repeat_cols: tuple[int, int] | None = None
    col_breaks: list[int] = field(default_factory=list)   # a page break after each of these columns
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6)   # left, right, top, bottom, inches
    header_margin: float = 0.25


@dataclass(frozen=True)
class LineChart:
    """A line chart of columns of the sheet against a category column (the Coverage sheet's)."""

    title: str
    x_title: str
    y_title: str
    header_row: int               # the series' names
    last_row: int
    category_col: int
    series: tuple[tuple[int, str, float], ...]   # (column, colour RRGGBB, line width in points)
    x_format: str
    label_every: int              # a category label (and tick) every so many points
    anchor: tuple[int, int]       # the cell of its top-left corner
    size_cm: tuple[float, float]


class Sheet:
    """One worksheet: cells are written at once, the layout is kept to be applied at the end.

    Rows and columns are 1-based, as a clerk counts them. Subclasses write to one library.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.frozen: tuple[int, int] | None = None   # the first row and column that scroll
        self.filter: tuple[int, int, int, int] | None = None
        self.merged: list[tuple[int, int, int, int]] = []
        self.page: PageSetup | None = None   # printed as the spreadsheet likes, unless set (cells.print_setup)
        self.charts: list[LineChart] = []
        self.max_col = 0

    def write(self, row: int, col: int, value: Any, number_format: str | None, style: Style) -> None:
        """One cell: `value` is str, bool, int, float, date, datetime, time or None (a styled blank).
        A subclass keeps `max_col` (the Timesheet's totals get a page of their own)."""
        raise NotImplementedError

    def width(self, col: int, width: float) -> None:
        self.widths[col] = width

    def height(self, row: int, height: float) -> None:
        self.heights[row] = height

    def freeze(self, row: int, col: int) -> None:
        """Rows above `row` and columns left of `col` stay in view."""
        self.frozen = (row, col)

    def autofilter(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.filter = (first_row, first_col, last_row, last_col)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, style: Style = PLAIN) -> None:
        """One cell over the range, in `style`; write its value with `put` to the first cell after."""
        self.merged.append((first_row, first_col, last_row, last_col))

    def add_chart(self, chart: LineChart) -> None:
        """A chart over the cells from its anchor. The columns under it get Excel's default width
        set: the chart is anchored to cells, and LibreOffice takes a column of no set width as
        85 px wide where Excel takes 64, which printed the chart a third wider than asked."""
        self.charts.append(chart)
        col = chart.anchor[1]
        for k in range(math.ceil(chart.size_cm[0] / 2.54 * 96 / DEFAULT_COLUMN_PX)):
            self.widths.setdefault(col + k, DEFAULT_WIDTH)

    def finish(self) -> None:
        """Apply the layout; called once, when the workbook is saved."""
        raise NotImplementedError


# --------------------------------------------------------------------------- XlsxWriter


_ALIGN = {"center": "center", "left": "left", "right": "right"}
_VALIGN = {"center": "vcenter", "top": "top", "bottom": "bottom"}


class XlsxSheet(Sheet):
    """A Sheet written by XlsxWriter: cells go straight into its row tables."""

    def __init__(self, book: Book, ws: Worksheet) -> None:
        super().__init__(ws.name)
        self._book = book
        self._formats = book.formats
        self._ws = ws

    def write(self, row: int, col: int, value: Any, number_format: str | None, style: Style) -> None:
        if col > self.max_col:   # noqa: PLR1730 (not max(): a call less, a million times)
            self.max_col = col
        fmt = self._formats.get((style, number_format), False)   # the cache read here: a million cells
        if fmt is False:
            fmt = self._book.format(style, number_format)
        r, c, kind = row - 1, col - 1, type(value)
        if kind is str:
            self._ws.write_string(r, c, value, fmt)
        elif kind is float or kind is int:
            self._ws.write_number(r, c, value, fmt)
        elif value is None:
            if fmt is not None:
                self._ws.write_blank(r, c, None, fmt)
        elif kind is bool:
            self._ws.write_boolean(r, c, value, fmt)
        elif isinstance(value, (date, datetime, time)):
            self._ws.write_datetime(r, c, value, fmt)
        else:
            raise TypeError(f"{kind.__name__} is not a cell value: cells.put converts values")

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, style: Style = PLAIN) -> None:
        super().merge(first_row, first_col, last_row, last_col, style)
        self.max_col = max(self.max_col, last_col)
        self._ws.merge_range(first_row - 1, first_col - 1, last_row - 1, last_col - 1, "",
                             self._book.format(style, None))

    def finish(self) -> None:
        ws, p = self._ws, self.page
        for col, width in self.widths.items():
            # the width stored as given (openpyxl's way), not XlsxWriter's width plus padding
            ws.set_column_pixels(col - 1, col - 1, round(width * 7))
        for row, height in self.heights.items():
            ws.set_row(row - 1, height)
        if self.frozen:
            ws.freeze_panes(self.frozen[0] - 1, self.frozen[1] - 1)
        if self.filter:
            ws.autofilter(*(k - 1 for k in self.filter))
        if p is not None:
            self._page_setup(p)
        for chart in self.charts:
            self._chart(chart)

    def _page_setup(self, p: PageSetup) -> None:
        ws = self._ws
        if p.landscape:
            ws.set_landscape()
        ws.set_paper(9)   # A4
        if p.scale is not None:
            ws.set_print_scale(p.scale)
        else:
            ws.fit_to_pages(p.fit_width, 0)
        ws.center_horizontally()
        ws.set_margins(*p.margins)
        if p.title:
            ws.set_header(f'&C&"Arial,Bold"&11{p.title}', {"margin": p.header_margin})
        ws.set_footer("&L&A&Rpage &P", {"margin": p.header_margin})
        if p.repeat_rows:
            ws.repeat_rows(p.repeat_rows[0] - 1, p.repeat_rows[1] - 1)
        if p.repeat_cols:
            ws.repeat_columns(p.repeat_cols[0] - 1, p.repeat_cols[1] - 1)
        if p.col_breaks:
            ws.set_v_pagebreaks(p.col_breaks)

    def _chart(self, spec: LineChart) -> None:
        chart = self._book.workbook.add_chart({"type": "line"})
        head, first, last = spec.header_row - 1, spec.header_row, spec.last_row - 1   # 0-based rows
        cats = [self.name, first, spec.category_col - 1, last, spec.category_col - 1]
        for col, colour, width in spec.series:
            chart.add_series({"name": [self.name, head, col - 1], "categories": cats,
                              "values": [self.name, first, col - 1, last, col - 1],
                              "line": {"color": f"#{colour}", "width": width}, "smooth": False})
        chart.set_title({"name": spec.title})
        # a text axis, one point an hour: a date axis would pile each day's hours onto its date
        chart.set_x_axis({"name": spec.x_title, "num_format": spec.x_format, "interval_unit": spec.label_every,
                          "interval_tick": spec.label_every, "text_axis": True})
        chart.set_y_axis({"name": spec.y_title})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": round(spec.size_cm[0] / 2.54 * 96), "height": round(spec.size_cm[1] / 2.54 * 96)})
        self._ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart)


class Book:
    """A workbook written by XlsxWriter, each distinct (style, number format) one shared format."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.workbook = xlsxwriter.Workbook(os.fspath(path))
        self.sheets: list[XlsxSheet] = []
        self.formats: dict[tuple[Style, str | None], Any] = {}   # (style, number format) -> format

    def add_sheet(self, name: str) -> XlsxSheet:
        sheet = XlsxSheet(self, self.workbook.add_worksheet(name))
        self.sheets.append(sheet)
        return sheet

    def format(self, style: Style, number_format: str | None) -> Any:
        """The shared format of a look; None for a plain cell."""
        key = (style, number_format)
        fmt = self.formats.get(key, False)
        if fmt is False:
            fmt = self.formats[key] = self._new_format(style, number_format)
        return fmt

    def _new_format(self, s: Style, number_format: str | None) -> Any:
        props: dict[str, Any] = {}
        if number_format:
            props["num_format"] = number_format
        if s.bold:
            props["bold"] = True
        if s.italic:
            props["italic"] = True
        if s.size:
            props["font_size"] = s.size
        if s.color:
            props["font_color"] = f"#{s.color}"
        if s.fill:
            props.update(pattern=1, bg_color=f"#{s.fill}")
        if s.top is not None:
            props["top"] = 1
            if s.top:
                props["top_color"] = f"#{s.top}"
        if s.align:
            props["align"] = _ALIGN[s.align]
        if s.valign:
            props["valign"] = _VALIGN[s.valign]
        if s.wrap:
            props["text_wrap"] = True
        if s.quote:
            props["quote_prefix"] = True
        return self.workbook.add_format(props) if props else None

    def properties(self, title: str, creator: str, custom: dict[str, str]) -> None:
        self.workbook.set_properties({"title": title, "author": creator})
        for name, value in custom.items():
            self.workbook.set_custom_property(name, value)

    def save(self) -> None:
        """Apply every sheet's layout and write the file."""
        for sheet in self.sheets:
            sheet.finish()
        self.workbook.close()
