"""rota.xlsx, a module per sheet: `workbook` puts them together; `cells` is how every sheet
writes a cell; `days` is the agents x days grid the Rota and Timesheet sheets share."""
