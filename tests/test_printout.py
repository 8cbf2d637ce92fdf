"""rota.xlsx as HR sees and prints it: hours without a stray point, a legend of the shifts the
rota really has, one meaning per code, titles with the plan's own dates, print settings on every
sheet and an explanation on every row of the Assumptions (bench/render_workbook.sh renders it).

A small workspace is planned for two weeks from Monday 30 November 2026 without --previous, so
the grid starts with the nights begun the evening before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest

from conftest import SMALL_TOML, small_agents, small_history
from planner.output.excel.assumptions import assumption_rows
from planner.output.excel.days import DASH
from planner.output.excel.workbook import DAY_SHEETS, SHEETS, write_workbook
from planner.pipeline import run_plan

START = date(2026, 11, 30)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    ws = tmp_path_factory.mktemp("ws")
    (ws / "rota.toml").write_text(SMALL_TOML + '\n[shifts.day]\nstarts = ["07:00", "09:00"]\n', encoding="utf-8")
    small_history(end="2026-11-29 23:00").to_csv(ws / "history.csv", index=False)
    small_agents(n22=16, n33=4, n52=8).to_csv(ws / "agents.csv", index=False)
    run = run_plan(ws, START, days=14, time_limit_s=3)
    path = write_workbook(run, tmp_path_factory.mktemp("out") / "rota.xlsx")
    return run, openpyxl.load_workbook(path)


def _day_columns(ws) -> dict[date, int]:
    return {c.value.date(): c.column for c in ws[3] if isinstance(c.value, datetime)}


def test_the_plan_starts_with_the_nights_of_the_evening_before(planned) -> None:
    run, _ = planned
    assert (run.schedule.rota["date"].dt.date < START).any(), "the case this file is about"


def test_whole_hours_show_without_a_trailing_point(planned) -> None:
    """Excel's 0.## shows 44 as '44.': a whole number of hours gets a format without a point."""
    _, wb = planned
    seen = 0
    for name in ("Timesheet", "Pay", "Summary", "Shifts"):
        for row in wb[name].iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and "#" in c.number_format:
                    if float(c.value).is_integer() and "0." not in c.number_format and "%" not in c.number_format:
                        seen += 1
                    assert not (float(c.value).is_integer() and c.number_format.endswith(".##")), (name, c.coordinate)
    assert seen > 100


def _legend(ws) -> list[tuple[str, str]]:
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[1] == "Legend")
    return [(r[0] or "", r[1]) for r in rows[at + 1:] if r[1]]


def test_the_legend_shows_the_shifts_of_the_rota_and_each_code_once(planned) -> None:
    _, wb = planned
    ws = wb["Rota"]
    cols = _day_columns(ws)
    shifts = {ws.cell(row=r, column=c).value for r in range(4, ws.max_row + 1) for c in cols.values()}
    shifts = {s for s in shifts if isinstance(s, str) and DASH in s}
    legend = _legend(ws)
    assert shifts and {k for k, _ in legend if DASH in k} == shifts
    assert all("h paid" in m for k, m in legend if k in shifts)
    assert [m for k, m in legend if k == "В"] == ["day off"], "В means a day off and nothing else"
    assert [k for k, m in legend if "night before" in m] == [""]


def test_titles_carry_the_plans_own_dates_and_mark_the_evening_before(planned) -> None:
    """The Rota lists the nights begun the evening before in a column marked so; the Timesheet
    counts hours by calendar day, so its days are the plan's own (those nights' hours after
    midnight fall on the first day)."""
    _, wb = planned
    for name, first_day in (("Rota", date(2026, 11, 29)), ("Timesheet", START)):
        ws = wb[name]
        assert ws["A1"].value == f"{name} 30.11–13.12.2026"
        first = min(_day_columns(ws).items())
        assert first[0] == first_day, name
        assert (ws.cell(row=1, column=first[1]).value == "night before") == (name == "Rota")


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_rows_and_a_title(planned) -> None:
    run, wb = planned
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        if name not in DAY_SHEETS:   # those print a week per page at a fixed scale (below)
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, name
        assert ws.oddHeader.center.text == f"{name} 30.11–13.12.2026 · {run.cfg.site.name}"
    assert wb["Rota"].print_title_rows == "$1:$3" and wb["Timesheet"].print_title_rows == "$1:$3"
    # agent_id, name, team, pattern and skills repeated on every page of the rota
    assert wb["Rota"].print_title_cols == "$A:$E" and wb["Rota"]["E3"].value == "skills"
    assert wb["Pay"].print_title_rows == "$1:$1" and wb["Coverage by queue"].print_title_rows == "$1:$1"
    assert _fit_width(wb["Coverage by queue"]) == 1
    assert _fit_width(wb["Pay"]) == 1


def test_a_plan_of_two_weeks_prints_a_week_per_page_width(planned) -> None:
    """Breaks after each week, which "fit to N pages wide" would ignore (Excel and LibreOffice
    both spread the columns evenly then): a fixed scale at which the widest block fits instead."""
    _, wb = planned
    for name in DAY_SHEETS:
        ws = wb[name]
        cols = _day_columns(ws)
        breaks = [b.id for b in ws.col_breaks.brk]
        assert breaks[0] == cols[date(2026, 12, 6)]            # after Sunday of week one
        assert breaks[1:] == ([cols[date(2026, 12, 13)]] if name == "Timesheet" else [])   # totals on their own
        assert not ws.sheet_properties.pageSetUpPr.fitToPage and 10 <= ws.page_setup.scale <= 100


def _fit_width(ws) -> int:
    """Pages wide a sheet fits to: a file that does not say means 1 (the file format's default)."""
    return 1 if ws.page_setup.fitToWidth is None else ws.page_setup.fitToWidth


def _sheet(days: int, widths: dict[int, float], eve: bool, totals: int, path) -> tuple:
    """A sheet of 5 name columns and `days` day columns (an evening before first, if `eve`), then
    `totals` columns, as the Rota and Timesheet sheets lay them out; frozen at the first day; its
    week breaks set, saved to `path` and read back."""
    from planner.output.excel.cells import print_setup, put
    from planner.output.excel.sheet import Book
    from planner.output.excel.workbook import week_breaks

    book = Book(path)
    sh = book.add_sheet("Sheet")
    n = days + eve
    for col in range(1, 6 + n + totals):
        put(sh, 3, col, "x")
        sh.width(col, widths.get(col, 7))
    sh.freeze(4, 6)
    print_setup(sh, "t")
    start = date(2027, 1, 1)
    days_shown = [start - timedelta(days=1)] * eve + [start + timedelta(days=k) for k in range(days)]
    week_breaks(sh, days_shown, start)
    book.save()
    return sh, openpyxl.load_workbook(path).active, days_shown


@pytest.mark.parametrize("days, eve, totals, blocks", [
    (31, True, 0, [8, 7, 7, 7, 3]),        # January from a Friday, with the nights of 31 December
    (31, False, 9, [7, 7, 7, 7, 3, 9]),    # the Timesheet: its totals on a page of their own
    (28, False, 0, [7, 7, 7, 7]),          # February: four whole weeks
    (29, True, 0, [8, 7, 7, 7, 1]),        # February of a leap year: one day on the last page
    (7, True, 0, None),                    # a week: one page wide, as before
])
def test_a_month_prints_a_week_per_page_and_its_last_days_on_a_page_of_their_own(days, eve, totals, blocks,
                                                                                   tmp_path) -> None:
    from planner.output.excel.workbook import A4_LANDSCAPE_PT, _column_pt

    sh, ws, shown = _sheet(days, {2: 30, 5: 24}, eve, totals, tmp_path / "month.xlsx")
    if blocks is None:
        assert not ws.col_breaks.brk and ws.sheet_properties.pageSetUpPr.fitToPage and _fit_width(ws) == 1
        return
    ends = [b.id for b in ws.col_breaks.brk] + [5 + len(shown) + totals]
    assert [b - a for a, b in zip([5, *ends], ends)] == blocks
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    # the widest block and the names repeated before it fit the page at the scale set, with 3 % to spare
    scale = ws.page_setup.scale / 100
    titles = sum(_column_pt(sh, c) for c in range(1, 6))
    widest = max(sum(_column_pt(sh, c) for c in range(a + 1, b + 1)) for a, b in zip([5, *ends], ends))
    printable = A4_LANDSCAPE_PT - 72 * (ws.page_margins.left + ws.page_margins.right)
    assert (titles + widest) * scale <= 0.97 * printable < (titles + widest) * (scale + 0.01)


def test_every_assumption_says_what_it_means(planned) -> None:
    run, wb = planned
    rows = assumption_rows(run)
    assert [r[1] for r in rows if not r[4]] == []
    sheet = list(wb["Assumptions"].iter_rows(min_row=2, values_only=True))
    assert len(sheet) == len(rows) and all(r[4] for r in sheet)
    used = {r[1]: r for r in rows}["history used"]
    assert used[2] == "up to 29.11.2026 23:00" and "reaches the first day" in used[4]


def test_the_sample_config_has_a_meaning_for_every_setting(planned) -> None:
    """Every setting of the sample's rota.toml (channels, periods, events) gets an explanation."""
    from dataclasses import replace

    from planner.workspace.config import load_config
    import cli

    run, _ = planned
    sample = replace(run, cfg=load_config(cli.SAMPLE / "rota.toml"))
    assert [r[1] for r in assumption_rows(sample) if not r[4]] == []
    assert len(assumption_rows(sample)) > 80
