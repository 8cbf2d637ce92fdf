"""rota.xlsx written by XlsxWriter against what its sheets must hold.

The sample workspace is planned for two weeks (so the day sheets print a week per page), with a
Changes sheet as a re-plan against a published rota has (its rows made up here, one of them text
that looks like a formula). Then:

- fact for fact, the file equals the workbook the same sheets write through openpyxl, the way
  rota.xlsx was written before (tests/openpyxl_book.py): every cell's value, type, number format,
  font, fill, border and alignment, widths, heights, frozen panes, filters, merged cells, print
  setup, page breaks, the chart and the properties (tests/workbook_facts.py);
- against the run's own tables: the sheets in order, the Shifts and Coverage sheets cell by cell
  with their types and formats, the Rota grid's codes and colours, frozen panes and filter ranges;
- and `--previous rota.xlsx` reads it back as rota.csv.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from openpyxl_book import OpenpyxlBook
from workbook_facts import differences, workbook_facts

import cli
from planner.output.excel.days import KIND_STYLE, day_grid
from planner.output.excel.report_sheets import COVERAGE_COLUMNS
from planner.output.excel.workbook import build_workbook
from planner.pipeline import run_plan, write_schedule
from planner.solve.schedule import ROTA_COLUMNS
from planner.workspace.previous import HORIZON_PROPERTY, read_previous, rota_horizon

START = date(2026, 11, 23)
DAYS = 14
FORMULA = "=1+1 (a reason typed by hand)"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    run = run_plan(cli.SAMPLE, START, days=DAYS, time_limit_s=5)
    first = run.schedule.rota.iloc[0]
    changes = pd.DataFrame({"agent_id": [str(first["agent_id"]), "A9999"],
                            "date": [pd.Timestamp(START), pd.Timestamp(START + timedelta(days=1))],
                            "published": ["08–20", None], "planned": [None, "20–08"], "reason": ["demand", FORMULA]})
    run = replace(run, schedule=replace(run.schedule, changes=changes))
    out = tmp_path_factory.mktemp("out")
    write_schedule(run, out)                       # rota.xlsx by XlsxWriter, beside rota.csv
    reference = OpenpyxlBook(tmp_path_factory.mktemp("ref") / "rota.xlsx")
    build_workbook(run, reference)                 # the same sheets, through openpyxl
    reference.save()
    return {"run": run, "out": out, "path": out / "rota.xlsx", "reference": reference.path,
            "wb": openpyxl.load_workbook(out / "rota.xlsx")}


def test_the_workbook_equals_the_one_openpyxl_writes_fact_for_fact(written) -> None:
    new, old = workbook_facts(written["path"]), workbook_facts(written["reference"])
    assert differences(new, old) == []
    assert sum(len(new[name]["cells"]) for name in new["sheets"]) > 20_000      # it compared something
    assert new["Rota"]["print"]["breaks"] and new["Timesheet"]["print"]["breaks"]   # two weeks: a week a page
    assert new["Coverage"]["charts"] == [("LineChart", 2)]


def test_the_sheets_and_properties(written) -> None:
    wb = written["wb"]
    assert wb.sheetnames == ["Rota", "Changes", "Timesheet", "Pay", "Wishes", "Coverage", "Coverage by queue",
                             "Summary", "Assumptions", "Shifts"]     # Wishes: the sample has flex agents
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    last = START + timedelta(days=DAYS - 1)
    assert props[HORIZON_PROPERTY] == f"{START.isoformat()}/{last.isoformat()}"
    assert rota_horizon(written["path"]) == (START, DAYS)
    assert (wb.properties.title, wb.properties.creator) == (f"Rota {START:%Y-%m-%d}", "rota")


def test_frozen_panes_and_filters_cover_each_table(written) -> None:
    wb, run = written["wb"], written["run"]
    agents, s = len(run.agents), run.schedule
    days = len(day_grid(run).days)
    expected = {
        "Rota": ("F4", f"A3:{_col(5 + days)}{3 + agents}"),
        "Changes": ("A2", "A1:G3"),
        "Timesheet": ("F4", f"A3:{_col(5 + DAYS + 8)}{3 + 3 * agents}"),
        "Pay": ("C2", f"A1:U{1 + len(s.pay)}"),
        "Coverage": ("A2", f"A1:F{1 + len(s.coverage)}"),
        "Coverage by queue": ("A2", f"A1:I{1 + len(s.by_queue)}"),
        "Summary": ("A4", None),
        "Shifts": ("A2", f"A1:J{1 + len(s.rota)}"),
    }
    for name, (freeze, ref) in expected.items():
        assert (wb[name].freeze_panes, wb[name].auto_filter.ref) == (freeze, ref), name


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def test_the_shifts_sheet_holds_the_rota_with_its_types(written) -> None:
    ws, rota = written["wb"]["Shifts"], written["run"].schedule.rota
    rows = list(ws.iter_rows(min_row=1))
    assert [c.value for c in rows[0]] == list(ROTA_COLUMNS)
    assert len(rows) - 1 == len(rota)
    for cells, rec in zip(rows[1:], rota[list(ROTA_COLUMNS)].itertuples(index=False)):
        agent, day, start, end, paid, night, holiday, pattern, shift, _ = cells
        assert agent.value == str(rec.agent_id) and agent.data_type == "s"
        assert day.value == datetime.combine(pd.Timestamp(rec.date).date(), datetime.min.time())
        assert day.is_date and day.number_format == "DD.MM.YYYY"
        assert (start.value, end.value) == (rec.start.to_pydatetime(), rec.end.to_pydatetime())
        assert start.number_format == end.number_format == "DD.MM.YYYY HH:MM"
        for c, v in ((paid, rec.paid_hours), (night, rec.night_hours), (holiday, rec.holiday_hours)):
            assert c.data_type == "n" and c.value == pytest.approx(v)
            assert c.number_format == ("#,##0" if float(v).is_integer() else "#,##0.0#")
        assert (pattern.value, shift.value) == (rec.pattern, rec.shift)


def test_the_coverage_sheet_holds_each_hour(written) -> None:
    ws, cov = written["wb"]["Coverage"], written["run"].schedule.coverage
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(cov) == DAYS * 24
    for cells, rec in zip(rows, cov.itertuples(index=False)):
        assert cells[0].value == rec.ts.to_pydatetime() and cells[0].number_format == "DD.MM.YYYY HH:MM"
        short = max(rec.required - rec.scheduled, 0)
        for c, (key, _, fmt), v in zip(cells[1:6], COVERAGE_COLUMNS[1:], (rec.required, rec.scheduled, short,
                                                                            rec.service_level, rec.contacts)):
            assert c.data_type == "n" and c.value == pytest.approx(v) and c.number_format == fmt, key
        fill = cells[3].fill.fgColor.rgb[-6:] if cells[3].fill.fill_type == "solid" else None
        assert fill == ("FFC7CE" if short > 0 else None)


def test_the_rota_grid_shows_each_day_in_its_colours(written) -> None:
    ws, run = written["wb"]["Rota"], written["run"]
    grid = day_grid(run)
    col = {d: 6 + k for k, d in enumerate(grid.days)}
    row = {a: 4 + k for k, a in enumerate(run.agents["agent_id"].astype(str))}
    cells = {(r[0].value, c.column): c for r in ws.iter_rows(min_row=4, max_row=3 + len(row)) for c in r}
    for a, d, kind, label in zip(grid.frame["agent_id"], grid.frame["date"], grid.frame["kind"], grid.frame["label"]):
        c = cells[(a, col[d])]
        assert c.row == row[a] and c.value == (label or None), (a, d)
        fill, colour, _ = KIND_STYLE[kind]
        assert c.fill.fgColor.rgb[-6:] == fill and c.font.color.rgb[-6:] == colour
        assert c.font.b == (kind in ("day", "night")) and c.alignment.horizontal == "center"


def test_text_like_a_formula_stays_text(written) -> None:
    ws = written["wb"]["Changes"]
    reason = next(c for c in ws["F"] if c.value == FORMULA)
    assert reason.data_type == "s" and reason.quotePrefix
    with zipfile.ZipFile(written["path"]) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(written["wb"].sheetnames) == 10
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_previous_reads_the_workbook_back_as_the_csv(written) -> None:
    out = written["out"]
    from_xlsx, from_csv = read_previous(out / "rota.xlsx"), read_previous(out / "rota.csv")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    assert len(from_xlsx) == len(written["run"].schedule.rota)


def test_a_new_sheet_written_with_the_helpers_is_the_same_through_either_writer(tmp_path) -> None:
    """What a sheet to come (say, agents' wishes) would use: a title over merged cells, a header,
    dates, times, booleans, numbers in formats, text like a formula, blanks with a fill, a frozen
    header with a filter, widths and print setup: the same facts from XlsxWriter as from openpyxl."""
    from datetime import time

    from planner.output.excel.cells import (
        DATE,
        HEADER_FILL,
        HOURS,
        TITLE,
        frame_sheet,
        header,
        print_setup,
        put,
    )
    from planner.output.excel.sheet import PLAIN, Book

    rows = [("A1", date(2026, 12, 1), time(8, 0), True, 11.0, "=wish()"),
            ("A2", date(2026, 12, 2), time(20, 30), False, 7.5, "+7 nights"),
            ("A3", None, None, None, None, "")]

    def wishes(book) -> None:
        sh = book.add_sheet("Wishes")
        sh.merge(1, 1, 1, 6, TITLE.but(align="center"))
        put(sh, 1, 1, "Wishes 01.12–07.12.2026", style=TITLE.but(align="center"))
        header(sh, 2, ["agent", "day", "from", "may swap", "hours", "note"])
        for r, values in enumerate(rows, start=3):
            for c, (value, fmt) in enumerate(zip(values, (None, DATE, None, None, HOURS, None)), start=1):
                put(sh, r, c, value, fmt, PLAIN.but(fill=HEADER_FILL) if value is None else PLAIN)
        frame_sheet(sh, 2, 2 + len(rows), 6)
        sh.width(6, 30)
        print_setup(sh, "Wishes & notes")
        book.properties("Wishes", "rota", {})
        book.save()

    wishes(Book(tmp_path / "new.xlsx"))
    wishes(OpenpyxlBook(tmp_path / "old.xlsx"))
    new, old = workbook_facts(tmp_path / "new.xlsx"), workbook_facts(tmp_path / "old.xlsx")
    assert differences(new, old) == []
    sheet = new["Wishes"]
    assert sheet["merged"] == ["A1:F1"] and sheet["freeze"] == "A3" and sheet["filter"] == "A2:F5"
    assert sheet["cells"]["B3"][:3] == (datetime(2026, 12, 1), "d", "DD.MM.YYYY")
    assert sheet["cells"]["C3"][0] == time(8, 0) and sheet["cells"]["D3"][:2] == (True, "b")
    assert sheet["cells"]["E4"][:3] == (7.5, "n", "#,##0.0#") and sheet["cells"]["E3"][2] == "#,##0"
    assert sheet["cells"]["F3"][0] == "=wish()" and sheet["cells"]["F3"][-1]          # text, quote prefix
    assert sheet["cells"]["B5"][4] == HEADER_FILL and "F5" not in sheet["cells"]     # "": an empty cell
    assert sheet["print"]["header"][0] == "Wishes && notes"
