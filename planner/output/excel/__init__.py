"""rota.xlsx, a module per sheet: `workbook` puts them together; `sheet` is the thin layer they
write through (a `Style` per cell, a `Sheet` that keeps the layout, XlsxWriter underneath);
`cells` is how every sheet writes a cell; `days` is the agents x days grid the Rota and Timesheet
sheets share. A new sheet is a function of a `Sheet` and the run, added to `workbook.SHEETS`."""
