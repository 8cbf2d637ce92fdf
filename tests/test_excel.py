"""rota.xlsx read back with openpyxl and pandas: sheets, types, totals against rota.csv and
summary.json, text that looks like a formula, atomic writing, and the Shifts sheet as --previous.

One small workspace is planned once for the module over the week of 2026-11-02, which holds
the art. 112 holiday of November 4 and the shortened day of November 3.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from conftest import SMALL_TOML, small_agents, small_history
from planner.workspace.previous import read_previous
from constraints.timesheet import work_code
from planner.output.excel.workbook import write_workbook
from planner.pipeline import run_plan, write_schedule

START = date(2026, 11, 2)
HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = {"T001": ("name", HYPERLINK), "T002": ("team", "+team"), "T004": ("name", "-минус"),
           "T005": ("name", "@at")}


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    ws = tmp_path_factory.mktemp("ws")
    (ws / "rota.toml").write_text(SMALL_TOML, encoding="utf-8")
    small_history().to_csv(ws / "history.csv", index=False)
    agents = small_agents(n22=24, n33=8, n52=8)
    for agent, (col, text) in HOSTILE.items():
        agents.loc[agents["agent_id"] == agent, col] = text
    agents.to_csv(ws / "agents.csv", index=False)
    pd.DataFrame([
        {"agent_id": "T006", "start": "2026-11-03", "end": "2026-11-05", "kind": "sick"},
        {"agent_id": "T020", "start": "2026-11-02", "end": "2026-11-08", "kind": "vacation"},
        {"agent_id": "T018", "start": "2026-11-06", "end": "2026-11-06", "kind": "training"},
    ]).to_csv(ws / "absences.csv", index=False)
    run = run_plan(ws, START, days=7, time_limit_s=5)
    out = tmp_path_factory.mktemp("out")
    write_schedule(run, out)
    path = write_workbook(run, out / "rota.xlsx")
    return {"ws": ws, "run": run, "out": out, "path": path,
            "rota": pd.read_csv(out / "rota.csv", parse_dates=["date", "start", "end"]),
            "summary": json.loads((out / "summary.json").read_text(encoding="utf-8")),
            "wb": openpyxl.load_workbook(path)}


def _rows(ws, header_row: int) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return list(rows[0]), rows[1:]


def _day_columns(ws, header_row: int) -> dict[date, int]:
    return {c.value.date(): c.column for c in ws[header_row] if isinstance(c.value, datetime)}


def test_the_sheets_are_there_in_reading_order(planned):
    assert planned["wb"].sheetnames == ["Rota", "Timesheet", "Pay", "Coverage", "Coverage by queue", "Summary",
                                        "Assumptions", "Shifts"]
    assert pd.ExcelFile(planned["path"]).sheet_names == planned["wb"].sheetnames


def test_rota_grid_shows_each_shift_and_absence(planned):
    ws = planned["wb"]["Rota"]
    days = _day_columns(ws, 3)
    eve = START - timedelta(days=1)
    first = [eve] if (planned["rota"]["date"].dt.date == eve).any() else []  # nights begun the evening before
    assert list(days) == first + [START + timedelta(days=k) for k in range(7)]
    days = {d: c for d, c in days.items() if d >= START}
    assert all(ws.cell(row=3, column=c).is_date for c in days.values())
    weekdays = [ws.cell(row=2, column=c).value for c in days.values()]
    assert weekdays == ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    assert ws.cell(row=1, column=days[date(2026, 11, 4)]).value == "День народного единства"
    assert ws.freeze_panes == "F4"     # agent_id, name, team, pattern, skills stay in view
    assert ws.auto_filter.ref.startswith("A3:")

    rows = {r[0].value: r for r in ws.iter_rows(min_row=4, max_row=3 + 40)}
    assert len(rows) == 40
    shifts = {(r.agent_id, r.date.date()): r for r in planned["rota"].itertuples()}
    fills = {}
    for agent, cells in rows.items():
        for d, col in days.items():
            cell = cells[col - 1]
            s = shifts.get((agent, d))
            if s is not None:
                assert cell.value == f"{s.start:%H}\u2013{s.end:%H}"
                fills.setdefault("night" if s.night_hours > 0 else "day", set()).add(cell.fill.fgColor.rgb)
            elif agent == "T020":      # annual leave all week; Nov 4 inside it is a holiday (art. 120)
                assert cell.value == ("В" if d == date(2026, 11, 4) else "ОТ")
            elif agent == "T006" and date(2026, 11, 3) <= d <= date(2026, 11, 5):
                assert cell.value == "Б"
            elif agent == "T018" and d == date(2026, 11, 6):
                assert cell.value == "ПК"
            else:
                assert cell.value == "В"
    assert len(fills["day"]) == 1 and len(fills["night"]) == 1 and fills["day"] != fills["night"]


def test_timesheet_totals_equal_timesheet_csv_and_pay_csv(planned):
    ts = pd.read_excel(planned["path"], sheet_name="Timesheet", header=2)
    hours = ts[ts["line"] == "hours"].set_index("agent_id")
    sheet = pd.read_csv(planned["out"] / "timesheet.csv", parse_dates=["date"])
    pay = pd.read_csv(planned["out"] / "pay.csv").set_index("agent_id").reindex(hours.index)
    assert len(hours) == 40
    per = sheet.groupby("agent_id")
    expected = pd.DataFrame({
        "hours": per["hours"].sum(), "night h (Н)": per["night_hours"].sum(),
        "days worked": per["hours"].apply(lambda h: (h > 0).sum()),
        "holiday h (РВ)": pay["holiday_hours"], "overtime h (С)": pay["overtime_hours"],
    }).reindex(hours.index)
    for col in expected:
        assert hours[col].astype(float).tolist() == pytest.approx(expected[col].astype(float).tolist()), col
    assert (hours["day h (Я)"] + hours["night h (Н)"]).tolist() == pytest.approx(hours["hours"].tolist())
    assert pay["planned_hours"].tolist() == pytest.approx(hours["hours"].tolist())
    # the sheet's days are the week's calendar days, no column for the evening before
    day_cols = [c for c in ts.columns if isinstance(c, datetime)]
    assert [c.date() for c in day_cols] == [START + timedelta(days=k) for k in range(7)]
    assert hours[day_cols].fillna(0).sum(axis=1).tolist() == pytest.approx(hours["hours"].tolist())
    night = ts[ts["line"] == "night"].set_index("agent_id")
    assert night[day_cols].fillna(0).sum(axis=1).tolist() == pytest.approx(hours["night h (Н)"].tolist())
    # summed accounting by month: the norm is November 2026's whole 159 h (DESIGN.md §6), on pay.csv
    assert pay.loc["T001", "period_norm_hours"] == 159 and "norm h" not in hours
    # T006 is sick Nov 3-5: the working days inside are Nov 3 (shortened, 7 h) and Nov 5 (8 h);
    # Nov 4 is a holiday and takes nothing off (art. 104, order 588н)
    assert pay.loc["T006", "period_norm_hours"] == 159 - 15
    # T020 is on leave all week: the working days Nov 2, 3, 5, 6 (31 h) come off the month's norm
    assert pay.loc["T020", "period_norm_hours"] == 159 - 31
    assert hours.loc["T020", "days absent"] == 6 and hours.loc["T020", "leave days (ОТ)"] == 6   # Nov 4 is В
    assert hours.loc["T006", "days absent"] == 3 and hours.loc["T006", "leave days (ОТ)"] == 0


def test_timesheet_codes_follow_t13(planned):
    ws = planned["wb"]["Timesheet"]
    days = _day_columns(ws, 3)
    codes = {(r[0].value, d): r[c - 1].value for r in ws.iter_rows(min_row=4) if r[4].value == "code"
             for d, c in days.items()}
    sheet = pd.read_csv(planned["out"] / "timesheet.csv", parse_dates=["date"])
    assert len(sheet) == 40 * 7
    for r in sheet.itertuples():
        code = r.code
        assert codes[(r.agent_id, r.date.date())] == code
        if r.hours > 0:
            assert ("Н" in code.split("/")) == (r.night_hours > 0)
            assert ("РВ" in code.split("/")) == (r.date.date() == date(2026, 11, 4))
        else:
            assert code in ("В", "ОТ", "Б", "ПК", "ДО", "?")
    assert codes[("T020", START)] == "ОТ"
    assert codes[("T020", date(2026, 11, 4))] == "В"        # a holiday inside annual leave (art. 120)
    assert codes[("T006", date(2026, 11, 4))] == "Б"        # sick leave covers the holiday
    assert work_code(11, 0, False) == "Я"
    assert work_code(11, 8, False) == "Я/Н"
    assert work_code(11, 0, True) == "РВ"   # a day shift on November 4
    assert work_code(8, 6, True) == "РВ/Н"  # Nov 4 00:00-08:00 of a night begun on Nov 3
    assert work_code(2, 2, False) == "Н"    # only night hours: 22:00-24:00


def test_the_holiday_is_worked_and_paid_double(planned):
    rota = planned["rota"]
    on_holiday = rota[rota["date"] == "2026-11-04"]
    assert len(on_holiday) > 0
    # a day shift on the holiday: all 11 paid hours are holiday hours (art. 153: 00:00-24:00)
    day = on_holiday[on_holiday["night_hours"] == 0]
    assert (day["holiday_hours"] == day["paid_hours"]).all()
    assert planned["summary"]["cost"]["holiday_premium"] > 0


def test_pay_totals_equal_summary_json(planned):
    cost = planned["summary"]["cost"]
    ws = planned["wb"]["Pay"]
    header, rows = _rows(ws, 1)
    total = next(r for r in rows if r[0] == "Total")
    col = {name: header.index(name) for name in header if name}
    for key, label in (("base", "base, RUB"), ("night_premium", "night premium, RUB"),
                       ("holiday_premium", "holiday premium, RUB"), ("overtime", "overtime pay, RUB"),
                       ("total", "total, RUB")):
        assert total[col[label]] == pytest.approx(cost[key], abs=0.005), key
    pay = pd.read_excel(planned["path"], sheet_name="Pay")
    agents = pay[pay["agent_id"].astype(str).str.match(r"T\d+")]
    assert len(agents) == 40
    assert agents["total, RUB"].sum() == pytest.approx(cost["total"], abs=0.01)
    assert (agents[["base, RUB", "night premium, RUB", "holiday premium, RUB", "overtime pay, RUB"]].sum(axis=1)
            .to_numpy() == pytest.approx(agents["total, RUB"].to_numpy(), abs=0.011))
    t001 = agents.set_index("agent_id").loc["T001"]
    assert t001["base, RUB"] == pytest.approx(t001["planned h"] * t001["rate, RUB/h"], abs=0.005)
    # the week 2-8 November does not end November: its row is projected, its overtime unpaid
    assert (t001["period"], t001["settled"], t001["overtime pay, RUB"]) == ("2026-11", "no, projected", 0)
    assert t001["balance h"] == pytest.approx(t001["projected h"] - 159)
    assert t001["night premium, RUB"] == pytest.approx(t001["night h"] * t001["rate, RUB/h"] * 0.2, abs=0.005)
    money = [c for c in ws[2] if c.column - 1 >= col["base, RUB"]]
    assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in money)


def test_numbers_are_numbers_and_dates_are_dates(planned):
    wb = planned["wb"]
    shifts = wb["Shifts"]
    assert [c.value for c in shifts[1]] == ["agent_id", "date", "start", "end", "paid_hours", "night_hours",
                                           "holiday_hours", "pattern", "shift", "serves"]
    for row in shifts.iter_rows(min_row=2, max_row=30):
        assert row[1].is_date and row[2].is_date and row[3].is_date
        assert all(c.data_type == "n" for c in row[4:7])
        assert row[0].data_type == "s"
    cov = wb["Coverage"]
    for row in cov.iter_rows(min_row=2, max_row=30):
        assert row[0].is_date
        assert all(c.data_type == "n" for c in row[1:4])
    assert "%" in cov.cell(row=2, column=5).number_format
    frame = pd.read_excel(planned["path"], sheet_name="Coverage")
    assert pd.api.types.is_datetime64_any_dtype(frame["hour starting"])
    assert len(frame) == 7 * 24
    assert frame["agents required"].sum() == planned["summary"]["required_agent_hours"]
    assert frame["agents scheduled"].sum() == planned["summary"]["scheduled_agent_hours"]
    summary = {r[1]: r[2] for r in wb["Summary"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert summary["solver status"] == planned["summary"]["status"]
    assert isinstance(summary["gap to the best bound"], (int, float))
    assert summary["first day"] == datetime(2026, 11, 2)
    assert summary["total pay, RUB"] == pytest.approx(planned["summary"]["cost"]["total"])


def test_text_that_looks_like_a_formula_stays_text(planned):
    wb = planned["wb"]
    for sheet, header_row in (("Rota", 3), ("Timesheet", 3), ("Pay", 1)):
        ws = wb[sheet]
        cells = {r[0].value: r for r in ws.iter_rows(min_row=header_row + 1) if r[0].value in HOSTILE}
        for agent, (col, text) in HOSTILE.items():
            cell = cells[agent][1 if col == "name" else 2]
            assert cell.value == text and cell.data_type == "s", (sheet, agent)
            assert cell.quotePrefix
    pay = pd.read_excel(planned["path"], sheet_name="Pay").set_index("agent_id")
    assert pay.loc["T001", "name"] == HYPERLINK
    assert pay.loc["T002", "team"] == "+team"
    with zipfile.ZipFile(planned["path"]) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 8
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_assumptions_name_each_setting_and_its_source(planned):
    rows = {r[1]: r for r in planned["wb"]["Assumptions"].iter_rows(min_row=2, values_only=True)}
    assert rows["staffing.shrinkage"][2:4] == (0.25, "rota.toml")
    assert rows["channels.phone.aht_s"][2:4] == (240, "rota.toml")
    assert rows["labour.min_daily_rest_h"][2:4] == (12, "default")
    assert rows["pay.night_premium"][2:4] == (0.2, "default")
    assert rows["solver.seed"][2:4] == (1, "rota.toml")
    assert "04.11.2026" in rows["art. 112 holidays in the horizon"][2]
    assert rows["shortened pre-holiday days"][2] == "03.11.2026"
    assert rows["accounting periods"][2] == "2026-11 (01.11–30.11.2026, 159 h, goes on after the rota)"
    assert rows["norm of 11.2026, h"][2] == 159  # DESIGN §6: November 2026


def test_shifts_sheet_reads_back_as_the_previous_rota(planned):
    from_xlsx = read_previous(planned["path"])
    from_csv = read_previous(planned["out"] / "rota.csv")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    assert len(from_xlsx) == len(planned["rota"])


def test_a_plain_workbook_is_read_from_its_first_sheet(tmp_path):
    path = tmp_path / "prev.xlsx"
    pd.DataFrame({"agent_id": ["A1"], "date": [datetime(2026, 11, 1)], "start": [datetime(2026, 11, 1, 20)],
                  "end": [datetime(2026, 11, 2, 8)]}).to_excel(path, index=False, sheet_name="whatever")
    prev = read_previous(path)
    assert prev["end"].iloc[0] == pd.Timestamp("2026-11-02 08:00")
    assert prev["night_hours"].iloc[0] == 0.0


def test_next_week_from_the_workbook_keeps_every_cycle(planned):
    run2 = run_plan(planned["ws"], START + timedelta(days=7), days=7, time_limit_s=5, previous=[planned["path"]])
    both = pd.concat([planned["rota"][["agent_id", "date"]],
                      run2.schedule.rota[["agent_id", "date"]].assign(date=lambda f: pd.to_datetime(f["date"]))])
    absent = ({("T006", START + timedelta(days=k)) for k in (1, 2, 3)} | {("T018", date(2026, 11, 6))}
              | {("T020", START + timedelta(days=k)) for k in range(7)})
    agents = small_agents(n22=24, n33=8, n52=8)
    checked = 0
    for row in agents[agents["pattern"].isin(["2/2", "3/3"])].itertuples():
        k = int(row.pattern[0])
        worked = {d.date() for d in both.loc[both["agent_id"] == row.agent_id, "date"]}
        days = [START + timedelta(days=i) for i in range(14)]
        fits = [p for p in range(2 * k)
                if all(((i + p) % (2 * k) < k) == (d in worked) for i, d in enumerate(days)
                       if (row.agent_id, d) not in absent)]
        assert fits, f"{row.agent_id} ({row.pattern}) breaks its cycle: {sorted(worked)}"
        checked += 1
    assert checked == 32


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(planned, tmp_path, monkeypatch):
    target = tmp_path / "rota.xlsx"

    def broken_close(self):   # XlsxWriter writes the file when the workbook is closed
        Path(self.filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(planned["run"], target)
    assert list(tmp_path.iterdir()) == []

    target.write_bytes(b"last week's workbook")
    with pytest.raises(OSError):
        write_workbook(planned["run"], target)
    assert target.read_bytes() == b"last week's workbook"
    assert list(tmp_path.iterdir()) == [target]


def test_a_successful_write_leaves_only_the_workbook(planned, tmp_path):
    target = tmp_path / "sub" / "rota.xlsx"
    assert write_workbook(planned["run"], target) == target
    assert [p.name for p in target.parent.iterdir()] == ["rota.xlsx"]
    assert zipfile.is_zipfile(target)
