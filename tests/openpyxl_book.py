"""The workbook written the old way, with openpyxl, for tests only: the reference that rota.xlsx
written by XlsxWriter (`planner.output.excel.sheet.Book`) must match fact for fact.

It is the openpyxl code the sheets used before they wrote through `Sheet`: a cell object per
cell with its Font, PatternFill, Border and Alignment, the layout set on the worksheet, and the
Coverage chart as openpyxl's LineChart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart as OpenpyxlLineChart
from openpyxl.chart import Reference
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from planner.output.excel.sheet import PLAIN, LineChart, Sheet, Style


class OpenpyxlSheet(Sheet):
    def __init__(self, ws: Any) -> None:
        super().__init__(ws.title)
        self.ws = ws

    def write(self, row: int, col: int, value: Any, number_format: str | None, s: Style) -> None:
        self.max_col = max(self.max_col, col)
        c = self.ws.cell(row=row, column=col)
        c.value = value
        if isinstance(value, str):
            c.data_type = "s"
        if number_format:
            c.number_format = number_format
        if s.bold or s.italic or s.size or s.color:
            c.font = Font(bold=s.bold, italic=s.italic, size=s.size, color=s.color)
        if s.fill:
            c.fill = PatternFill("solid", fgColor=s.fill)
        if s.top is not None:
            c.border = Border(top=Side(style="thin", color=s.top or None))
        if s.align or s.valign or s.wrap:
            c.alignment = Alignment(horizontal=s.align, vertical=s.valign, wrap_text=s.wrap or None)
        if s.quote:
            c.quotePrefix = True

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, style: Style = PLAIN) -> None:
        super().merge(first_row, first_col, last_row, last_col, style)
        self.max_col = max(self.max_col, last_col)
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                self.write(row, col, None, None, style)

    def finish(self) -> None:
        ws, p = self.ws, self.page
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for row, height in self.heights.items():
            ws.row_dimensions[row].height = height
        if self.frozen:
            ws.freeze_panes = ws.cell(row=self.frozen[0], column=self.frozen[1])
        if self.filter:
            r0, c0, r1, c1 = self.filter
            ws.auto_filter.ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
        for r0, c0, r1, c1 in self.merged:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        for spec in self.charts:
            self._chart(spec)
        if p is None:
            return
        ws.page_setup.orientation = "landscape" if p.landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=p.scale is None)
        if p.scale is None:
            ws.page_setup.fitToWidth = p.fit_width
            ws.page_setup.fitToHeight = 0
        else:
            ws.page_setup.scale = p.scale
        ws.print_options.horizontalCentered = True
        ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom = p.margins
        ws.page_margins.header = ws.page_margins.footer = p.header_margin
        if p.repeat_rows:
            ws.print_title_rows = f"{p.repeat_rows[0]}:{p.repeat_rows[1]}"
        if p.repeat_cols:
            ws.print_title_cols = f"{get_column_letter(p.repeat_cols[0])}:{get_column_letter(p.repeat_cols[1])}"
        ws.oddHeader.center.text = p.title
        ws.oddHeader.center.size = 11
        ws.oddHeader.center.font = "Arial,Bold"
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.right.text = "page &P"
        for end in p.col_breaks:
            ws.col_breaks.append(Break(id=end))

    def _chart(self, spec: LineChart) -> None:
        ws = self.ws
        chart = OpenpyxlLineChart()
        chart.title, chart.y_axis.title, chart.x_axis.title = spec.title, spec.y_title, spec.x_title
        cols = [col for col, _, _ in spec.series]
        chart.add_data(Reference(ws, min_col=min(cols), max_col=max(cols), min_row=spec.header_row,
                                 max_row=spec.last_row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=spec.category_col, min_row=spec.header_row + 1,
                                       max_row=spec.last_row))
        chart.x_axis.number_format = spec.x_format
        chart.x_axis.tickLblSkip = chart.x_axis.tickMarkSkip = spec.label_every
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.legend.position = "b"
        for series, (_, colour, width) in zip(chart.series, spec.series):
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = round(width * 12700)
            series.smooth = False
        chart.width, chart.height = spec.size_cm
        ws.add_chart(chart, f"{get_column_letter(spec.anchor[1])}{spec.anchor[0]}")


class OpenpyxlBook:
    """The same calls as `sheet.Book`, into an openpyxl Workbook."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.workbook = Workbook()
        self.sheets: list[OpenpyxlSheet] = []

    def add_sheet(self, name: str) -> OpenpyxlSheet:
        ws = self.workbook.active if not self.sheets else self.workbook.create_sheet()
        ws.title = name
        self.sheets.append(OpenpyxlSheet(ws))
        return self.sheets[-1]

    def properties(self, title: str, creator: str, custom: dict[str, str]) -> None:
        self.workbook.properties.title = title
        self.workbook.properties.creator = creator
        for name, value in custom.items():
            self.workbook.custom_doc_props.append(StringProperty(name=name, value=value))

    def save(self) -> None:
        for sheet in self.sheets:
            sheet.finish()
        self.workbook.save(self.path)
