"""Flex agents' data contract: `[flex]`, availability.csv, requests.csv, and their translation into
the shift types, contracts and wishes of the per-person engine (planner/solve/flex_inputs.py)."""

from __future__ import annotations

import json

from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from common.errors import InputError, RuleError
from constraints.flex import FlexContract, flex_violations, night_shifts
from planner.solve.flex_inputs import FlexInputs, flex_inputs, load_flex_inputs, minute_limits
from planner.solve.flex_problem import ShiftWish
from planner.workspace.config import default_config, load_config, load_config_dict
from planner.workspace.flex_files import load_availability, load_requests
from planner.workspace.flex_settings import FlexConfig, FlexTerms, check_overrides, parse_flex
from planner.workspace.people import load_agents
from tests.conftest import absences_frame, agents_frame

MONDAY = date(2026, 11, 23)
LABOUR, PAY = default_config().labour, default_config().pay


def refused(raw: dict) -> InputError:
    with pytest.raises(InputError) as info:
        load_config_dict(raw, "rota.toml", Path("."))
    return info.value


def agents() -> pd.DataFrame:
    """F1 and F2 on a flexible schedule (F2 may not work nights), R1 on 2/2."""
    return agents_frame({"agent_id": "F1", "pattern": "flex"}, {"agent_id": "F2", "pattern": "flex", "night_ok": False},
                        {"agent_id": "R1"})


def table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def small_flex(**terms: object) -> FlexConfig:
    """Starts 08:00, 16:00 and 20:00, lengths 4 and 8 h: six shift types, two of them with night hours."""
    return parse_flex({"shifts": {"starts": ["08:00", "16:00", "20:00"], "lengths_h": [4, 8]}, **terms}, LABOUR, "rota.toml")


def translate(flex: FlexConfig | None = None, availability: pd.DataFrame | None = None,
              requests: pd.DataFrame | None = None, absences: pd.DataFrame | None = None,
              start: date = MONDAY, days: int = 7) -> FlexInputs:
    a = agents()
    return flex_inputs(flex or small_flex(), a, availability if availability is not None else load_availability(None, a),
                       requests if requests is not None else load_requests(None, a),
                       absences if absences is not None else absences_frame(), start, days, LABOUR, PAY)


def contract(found: FlexInputs, person: str) -> FlexContract:
    return next(c for c in found.contracts if c.person == person)


def workable(c: FlexContract, day: int) -> set[str]:
    return {s for s in c.allowed if c.may_work_on(day, s)}


# ----------------------------------------------------------------------------- [flex] in rota.toml


def test_a_minimum_above_its_maximum_names_the_key() -> None:
    exc = refused({"flex": {"min_hours_week": 30, "max_hours_week": 20}})
    assert (exc.file, exc.column) == ("rota.toml", "flex.min_hours_week") and "above max_hours_week 20" in exc.message
    exc = refused({"flex": {"min_hours_month": 100, "max_hours_month": 80}})
    assert exc.column == "flex.min_hours_month"


def test_an_override_is_checked_with_the_section_it_overrides() -> None:
    exc = refused({"flex": {"max_hours_week": 30, "agents": {"F1": {"min_hours_week": 32}}}})
    assert exc.column == "flex.agents.F1.min_hours_week"
    exc = refused({"flex": {"agents": {"F1": {"max_hour_week": 20}}}})
    assert exc.column == "flex.agents.F1.max_hour_week" and "known ones are shifts, min_hours_week" in exc.message


def test_a_start_off_the_hour_is_refused() -> None:
    exc = refused({"flex": {"shifts": {"starts": ["08:00", "09:30"]}}})
    assert exc.column == "flex.shifts.starts" and "not on the hour" in exc.message
    exc = refused({"flex": {"shifts": {"first_start": "08:15"}}})
    assert exc.column == "flex.shifts.first_start"


def test_a_shift_longer_than_the_labour_rules_allow_is_refused() -> None:
    exc = refused({"flex": {"shifts": {"lengths_h": [4, 13]}}})
    assert exc.column == "flex.shifts.lengths_h" and "13 h shift" in exc.message and "min_daily_rest_h" in exc.message
    exc = refused({"flex": {"agents": {"F1": {"shifts": {"lengths_h": [4.5]}}}}})
    assert exc.column == "flex.agents.F1.shifts.lengths_h.0" and "whole number of hours" in exc.message


def test_starts_are_listed_or_spanned_not_both() -> None:
    exc = refused({"flex": {"shifts": {"starts": ["08:00"], "last_start": "20:00"}}})
    assert exc.column == "flex.shifts.last_start"
    spanned = parse_flex({"shifts": {"first_start": "10:00", "last_start": "16:00", "start_every_h": 3}}, LABOUR, "x")
    assert spanned.defaults.shifts.start_minutes() == (600, 780, 960)
    assert FlexTerms().shifts.start_minutes() == tuple(range(8 * 60, 20 * 60 + 1, 60))


def test_an_override_replaces_only_the_keys_it_names() -> None:
    flex = parse_flex({"max_hours_week": 30, "shifts": {"starts": ["08:00"], "lengths_h": [4, 8]},
                       "agents": {"F1": {"max_hours_week": 20, "shifts": {"lengths_h": [6]}},
                                  "F2": {"shifts": {"first_start": "10:00", "last_start": "11:00"}}}}, LABOUR, "x")
    assert flex.terms("F1").max_hours_week == 20 and flex.terms("F1").shift_specs() == ((480, 360),)
    assert flex.terms("F2").max_hours_week == 30 and flex.terms("F2").shifts.start_minutes() == (600, 660)
    assert flex.terms("F3") == flex.defaults


def test_an_override_for_an_agent_not_flex_or_not_in_the_file_is_refused() -> None:
    with pytest.raises(InputError) as info:
        check_overrides(parse_flex({"agents": {"R1": {}}}, LABOUR, "rota.toml"), agents(), "rota.toml", "agents.csv")
    assert info.value.column == "flex.agents.R1" and "pattern 2/2" in info.value.message
    with pytest.raises(InputError) as info:
        check_overrides(parse_flex({"agents": {"X9": {}}}, LABOUR, "rota.toml"), agents(), "rota.toml", "agents.csv")
    assert info.value.column == "flex.agents.X9" and "not in agents.csv" in info.value.message


def test_flex_is_not_a_pattern_name() -> None:
    exc = refused({"patterns": {"flex": {"variants": {"day": ["day", "off"]}}}})
    assert exc.column == "patterns.flex"


# ----------------------------------------------------------------------------- availability.csv


@pytest.mark.parametrize(("rows", "row", "column", "says"), [
    ("X9;mon;08:00;12:00", 2, "agent_id", "unknown agent 'X9'"),
    ("R1;mon;08:00;12:00", 2, "agent_id", "flex agents only"),
    ("F1;mon;08:00;12:00\nF1;someday;08:00;12:00", 3, "day", "neither a date"),
    ("F1;mon;8h;12:00", 2, "from", "not a time of day"),
    ("F1;mon;08:00;25:00", 2, "to", "not a time of day"),
    ("F1;mon;08:00;08:00", 2, "to", "empty window"),
    ("F1;mon;24:00;02:00", 2, "from", "before 24:00"),
    ("F1;mon;08:00;", 2, "to", "give both from and to"),
])
def test_a_bad_availability_row_names_file_row_and_column(tmp_path: Path, rows: str, row: int, column: str,
                                                          says: str) -> None:
    path = table(tmp_path, "availability.csv", "agent_id;day;from;to\n" + rows + "\n")
    with pytest.raises(InputError) as info:
        load_availability(path, agents())
    assert (info.value.file, info.value.row, info.value.column) == ("availability.csv", row, column)
    assert says in info.value.message


def test_availability_is_read_from_a_russian_export(tmp_path: Path) -> None:
    path = tmp_path / "availability.csv"
    path.write_bytes("agent_id;day;from;to\r\nF1;Пн;08:00;14:00\r\nF1;20.11.2026;18:00;02:00\r\n".encode("cp1251"))
    got = load_availability(path, agents())
    assert list(got["weekday"]) == [0, -1] and got["date"].iloc[1] == pd.Timestamp("2026-11-20")
    assert list(got["start"]) == [480, 1080] and list(got["end"]) == [840, 1560]


def test_a_date_replaces_the_weekday_and_a_window_may_pass_midnight(tmp_path: Path) -> None:
    path = table(tmp_path, "availability.csv",
                 "agent_id,day,from,to\nF1,mon,08:00,12:00\nF1,2026-11-30,16:00,24:00\nF1,wed,20:00,04:00\n")
    found = translate(availability=load_availability(path, agents()), days=14)
    c = contract(found, "F1")
    assert workable(c, 0) == {"08:00+4"}                     # Monday 23 Nov: its weekday's window
    assert workable(c, 7) == {"16:00+4", "16:00+8", "20:00+4"}   # Monday 30 Nov: the date's window
    assert workable(c, 2) == {"20:00+4", "20:00+8"}          # Wednesday, 20:00 to 04:00
    assert c.unavailable == {1, 3, 4, 5, 6, 8, 10, 11, 12, 13}   # days without a window
    assert (0, "16:00+4") in c.unavailable_shifts and not any(d == 1 for d, _ in c.unavailable_shifts)


def test_no_rows_is_any_time_and_dates_alone_leave_the_other_days_free(tmp_path: Path) -> None:
    path = table(tmp_path, "availability.csv", "agent_id,day,from,to\nF1,2026-11-25,,\nF1,2026-11-26,08:00,12:00\n"
                                               "F1,2026-11-26,12:00,16:00\n")
    found = translate(availability=load_availability(path, agents()))
    f1, f2 = contract(found, "F1"), contract(found, "F2")
    assert f1.unavailable == {2} and workable(f1, 0) == f1.allowed
    assert workable(f1, 3) == {"08:00+4", "08:00+8"}          # two touching windows are one: 08:00+8 fits
    assert f2.unavailable == frozenset() and f2.unavailable_shifts == frozenset()


# ----------------------------------------------------------------------------- requests.csv


@pytest.mark.parametrize(("rows", "column", "says"), [
    ("X9,2026-11-24,off,1", "agent_id", "unknown agent"),
    ("R1,2026-11-24,off,1", "agent_id", "requests are for flex agents only"),
    ("F1,2026-11-24,08:00-xx,1", "shift", "neither off nor a time range"),
    ("F1,2026-11-24,08:00-08:00,1", "shift", "empty window"),
    ("F1,2026-11-24,off,0", "weight", "must be greater than 0"),
    ("F1,2026-11-24,off,1.5", "weight", "not a whole number"),
    ("F1,24 ноября,off,1", "date", "not a date"),
])
def test_a_bad_request_names_file_row_and_column(tmp_path: Path, rows: str, column: str, says: str) -> None:
    path = table(tmp_path, "requests.csv", "agent_id,date,shift,weight\n" + rows + "\n")
    with pytest.raises(InputError) as info:
        load_requests(path, agents())
    assert (info.value.file, info.value.row, info.value.column) == ("requests.csv", 2, column)
    assert says in info.value.message


def test_a_wished_shift_must_be_one_the_agent_may_work(tmp_path: Path) -> None:
    path = table(tmp_path, "requests.csv", "agent_id,date,shift\nF1,2026-11-24,off\nF1,2026-11-24,09:00-12:00\n")
    with pytest.raises(InputError) as info:
        translate(requests=load_requests(path, agents()))
    assert (info.value.row, info.value.column) == (3, "shift")
    assert "09:00+3, which is no shift of theirs: shifts of 4, 8 h starting at 08:00, 16:00, 20:00" in info.value.message
    path = table(tmp_path, "requests.csv", "agent_id,date,shift\nF2,2026-11-24,20:00-24:00\n")
    with pytest.raises(InputError) as info:
        translate(requests=load_requests(path, agents()))
    assert info.value.row == 2 and "may not work nights" in info.value.message


def test_wishes_a_shift_and_a_day_off(tmp_path: Path) -> None:
    path = table(tmp_path, "requests.csv", "agent_id,date,shift,weight\nF1,2026-11-24,20:00-04:00,3\n"
                                           "F2,2026-11-25,off,\nF1,2027-01-10,off,1\nF1,2026-11-26,08:00-12:00,2\n")
    absences = absences_frame(("F1", "2026-11-26", "2026-11-26"))
    found = translate(requests=load_requests(path, agents()), absences=absences)
    assert ShiftWish("F1", 1, "20:00+8", 3, True) in found.wishes
    off = sorted(w.shift for w in found.wishes if w.person == "F2")
    assert off == ["08:00+4", "08:00+8", "16:00+4"] and all(not w.on and w.day == 2 and w.weight == 1
                                                             for w in found.wishes if w.person == "F2")
    assert len(found.wishes) == 4                             # the January day is outside the week: kept out
    assert [(n.row, n.column) for n in found.notes] == [(5, "shift")]   # on an absence day: told, left out


# ----------------------------------------------------------------------------- the translation


def test_shift_types_are_every_start_and_length_with_the_daily_rest() -> None:
    found = translate()
    assert [t.id for t in found.shift_types] == ["08:00+4", "08:00+8", "16:00+4", "16:00+8", "20:00+4", "20:00+8"]
    rest = {t.id: t.forbidden_next for t in found.shift_types}
    assert rest["20:00+8"] == {"08:00+4", "08:00+8"}          # ends 04:00: 12 h later is 16:00
    assert rest["16:00+8"] == {"08:00+4", "08:00+8"} and rest["08:00+4"] == frozenset()
    assert (found.horizon_days, found.first_weekday) == (7, 0)


def test_night_ok_false_removes_the_shifts_with_night_hours() -> None:
    found = translate()
    assert contract(found, "F1").allowed == {t.id for t in found.shift_types}
    assert contract(found, "F2").allowed == {"08:00+4", "08:00+8", "16:00+4"}   # 16:00+8 ends at midnight
    assert [c.person for c in found.contracts] == ["F1", "F2"]                     # the 2/2 agent is not flex


def test_an_absence_day_is_unavailable_and_so_is_a_night_shift_running_into_it() -> None:
    c = contract(translate(absences=absences_frame(("F1", "2026-11-25", "2026-11-26"))), "F1")
    assert c.unavailable == {2, 3}
    assert {s for d, s in c.unavailable_shifts if d == 1} == {"20:00+8"}    # 20:00+4 ends at midnight
    assert workable(c, 1) == {"08:00+4", "08:00+8", "16:00+4", "16:00+8", "20:00+4"}


def test_week_limits_are_scaled_to_the_horizon_in_minutes() -> None:
    c = contract(translate(small_flex(min_hours_week=10, max_hours_week=20, max_days_in_a_row=4,
                                      min_days_off_in_a_row=2, max_weekends=1), days=14), "F1")
    assert (c.min_minutes, c.max_minutes) == (20 * 60, 40 * 60)
    assert (c.max_consecutive_work, c.min_consecutive_off, c.max_weekends) == (4, 2, 1)
    week = contract(translate(small_flex(min_hours_week=10, max_hours_week=20), days=3), "F1")
    assert (week.min_minutes, week.max_minutes) == (round(10 * 3 / 7 * 60), round(20 * 3 / 7 * 60))


def test_month_limits_hold_when_the_horizon_is_whole_months() -> None:
    terms = FlexTerms(min_hours_week=10, max_hours_week=40, min_hours_month=60, max_hours_month=120)
    assert minute_limits(terms, date(2026, 12, 1), 31) == (60 * 60, 120 * 60)          # the month's, tighter
    assert minute_limits(terms, date(2026, 11, 23), 31) == (round(10 * 31 / 7 * 60), round(40 * 31 / 7 * 60))
    assert minute_limits(terms, date(2026, 11, 1), 61) == (120 * 60, 240 * 60)         # two months
    assert minute_limits(terms, date(2026, 12, 1), 31, present=0.5) == (30 * 60, 120 * 60)  # half away


def test_an_absence_shrinks_the_least_hours_and_limits_that_cannot_both_hold_are_refused() -> None:
    c = contract(translate(small_flex(min_hours_week=14), absences=absences_frame(("F1", "2026-11-23", "2026-11-29"))
                           , days=14), "F1")
    assert c.min_minutes == 14 * 60
    flex = small_flex(min_hours_week=30, max_hours_month=100)
    with pytest.raises(RuleError) as info:
        translate(flex, start=date(2026, 12, 1), days=31)
    assert info.value.setting == "flex" and info.value.agent_id == "F1"


def test_a_roster_inside_the_contracts_keeps_the_checker_and_one_outside_does_not() -> None:
    found = translate(small_flex(max_hours_week=40))
    ok = pd.DataFrame({"person": ["F1", "F1"], "day": [0, 2], "shift": ["08:00+8", "20:00+8"]})
    assert flex_violations(found.contracts, found.shift_types, ok, 7) == []
    late = pd.DataFrame({"person": ["F1", "F1"], "day": [0, 1], "shift": ["20:00+8", "08:00+4"]})
    assert [v.rule for v in flex_violations(found.contracts, found.shift_types, late, 7)] == ["forbidden_succession"]


# ----------------------------------------------------------------------------- the workspace and the CLI


@pytest.fixture
def flex_workspace(small_workspace: Path) -> Path:
    """The small workspace with two flex agents, a [flex] section and both flex files."""
    agents_csv = small_workspace / "agents.csv"
    rows = pd.read_csv(agents_csv, dtype=str, keep_default_na=False)
    extra = rows.iloc[:2].assign(agent_id=["F001", "F002"], pattern="flex", cycle_start="")
    pd.concat([rows, extra]).to_csv(agents_csv, index=False)
    with (small_workspace / "rota.toml").open("a", encoding="utf-8") as f:
        f.write('\n[flex]\nmax_hours_week = 30\n[flex.shifts]\nlengths_h = [4, 6]\nstarts = ["08:00", "14:00"]\n'
                '[flex.agents.F002]\nmax_hours_week = 20\n')
    table(small_workspace, "availability.csv", "agent_id;day;from;to\nF001;вт;08:00;14:00\n")
    table(small_workspace, "requests.csv", "agent_id,date,shift\nF002,2026-11-24,off\n")
    return small_workspace


def invoke(*args: object):
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def test_the_workspace_files_are_read_and_translated(flex_workspace: Path) -> None:
    found = load_flex_inputs(load_config(flex_workspace / "rota.toml"), MONDAY, 7)
    f1, f2 = found.contracts
    assert (f1.person, f1.unavailable, f1.max_minutes) == ("F001", {0, 2, 3, 4, 5, 6}, 30 * 60)
    assert f2.max_minutes == 20 * 60 and {w.shift for w in found.wishes} == {"08:00+4", "08:00+6", "14:00+4", "14:00+6"}
    assert load_agents(flex_workspace / "agents.csv", load_config(flex_workspace / "rota.toml").book,
                       flex=True)["pattern"].eq("flex").sum() == 2


def test_validate_says_a_bad_availability_row_and_exits_2(flex_workspace: Path) -> None:
    table(flex_workspace, "availability.csv", "agent_id;day;from;to\nF001;вт;08:00;14:00\nF001;пт;9:00;8:60\n")
    result = invoke("validate", flex_workspace, "--start", MONDAY)
    assert result.exit_code == 2
    assert "availability.csv, row 3, column 'to': '8:60' is not a time of day" in result.output


def test_validate_says_a_request_of_a_rota_agent_and_exits_2(flex_workspace: Path) -> None:
    table(flex_workspace, "requests.csv", "agent_id,date,shift\nT001,2026-11-24,off\n")
    result = invoke("validate", flex_workspace, "--start", MONDAY)
    assert result.exit_code == 2
    assert "requests.csv, row 2, column 'agent_id': agent T001 has pattern 2/2, not flex" in " ".join(result.output.split())


def test_validate_says_an_override_of_an_agent_not_in_the_file(flex_workspace: Path) -> None:
    with (flex_workspace / "rota.toml").open("a", encoding="utf-8") as f:
        f.write("[flex.agents.F404]\nmax_hours_week = 10\n")
    result = invoke("validate", flex_workspace, "--start", MONDAY)
    assert result.exit_code == 2 and "column 'flex.agents.F404': agent 'F404' is not in agents.csv" in result.output


def test_a_flex_workspace_validates_and_plans_its_flex_agents_like_everyone(flex_workspace: Path) -> None:
    """The real CLI: flex agents get shifts in rota.csv, days in the timesheet, a pay row, and the
    wishes report; every labour rule and contract rule holds."""
    assert invoke("validate", flex_workspace, "--start", MONDAY).exit_code == 0
    out = flex_workspace / "out"
    result = invoke("plan", "--workspace", flex_workspace, "--start", MONDAY, "--out", out, "--time-limit", 10)
    assert result.exit_code == 0, result.output
    rota = pd.read_csv(out / "rota.csv")
    mine = rota[rota["agent_id"].isin(["F001", "F002"])]
    assert set(mine["pattern"]) == {"flex"} and not mine.empty
    assert set(mine.loc[mine["agent_id"] == "F001", "date"].map(lambda d: date.fromisoformat(d).weekday())) <= {1}
    hours = mine.assign(h=(pd.to_datetime(mine["end"]) - pd.to_datetime(mine["start"])).dt.total_seconds() / 3600)
    assert set(hours["h"]) <= {4.0, 6.0} and set(mine["start"].str[11:]) <= {"08:00", "14:00"}
    assert hours.groupby("agent_id")["h"].sum().max() <= 30
    sheet = pd.read_csv(out / "timesheet.csv")
    assert sheet.loc[sheet["agent_id"].isin(["F001", "F002"]), "hours"].sum() == pytest.approx(hours["h"].sum())
    assert {"F001", "F002"} <= set(pd.read_csv(out / "pay.csv")["agent_id"])
    wishes = pd.read_csv(out / "wishes.csv")
    assert list(wishes[["agent_id", "date", "wish"]].itertuples(index=False, name=None)) == [("F002", "2026-11-24", "off")]
    assert bool(wishes["granted"].iloc[0]) == ("2026-11-24" not in set(mine.loc[mine["agent_id"] == "F002", "date"]))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["violations"] == 0 and summary["flex"]["agents"] == 2
    book = openpyxl.load_workbook(out / "rota.xlsx")
    assert book.sheetnames.index("Wishes") == book.sheetnames.index("Pay") + 1
    sheet_rows = list(book["Wishes"].iter_rows(min_row=2, max_row=2, max_col=7, values_only=True))
    granted = "yes" if wishes["granted"].iloc[0] else "no"
    names = dict(pd.read_csv(flex_workspace / "agents.csv", dtype=str)[["agent_id", "name"]].values)
    assert sheet_rows == [("F002", names["F002"], datetime(2026, 11, 24), "off", 1, wishes["planned"].iloc[0], granted)]
    per_agent = list(book["Wishes"].iter_rows(min_row=2, max_row=3, min_col=9, max_col=13, values_only=True))
    assert per_agent == [("F001", names["F001"], 0, 0, 0),
                         ("F002", names["F002"], 1, int(granted == "yes"), int(granted == "no"))]
    assert {r[0] for r in book["Rota"].iter_rows(values_only=True)} >= {"F001", "F002"}


def test_validate_checks_the_flex_files_when_the_history_is_broken(flex_workspace: Path) -> None:
    (flex_workspace / "history.csv").write_text("", encoding="utf-8")
    table(flex_workspace, "requests.csv", "agent_id,date,shift\nF001,2026-11-24,8-14\n")
    result = invoke("validate", flex_workspace, "--start", MONDAY)
    assert result.exit_code == 2
    assert "history.csv" in result.output and "requests.csv, row 2, column 'shift'" in result.output


def test_a_workspaces_flex_agents_fill_the_evening_gap_the_rota_leaves():
    """From the data contract to the engine: F1 and F2 (F2 may not work nights), shifts from 08:00,
    16:00 or 20:00 of 4 or 8 h; the rota leaves one agent missing 16:00-24:00 every day of the week
    (600 RUB each missing agent-hour). The roster keeps every contract rule, gives F2 no night hour,
    and covers the gap better than it costs."""
    from planner.solve.allocation import SeriesDemand
    from planner.solve.flex_join import flex_problem, residual_cover
    from planner.solve.flex_model import solve_flex
    from planner.solve.flex_problem import build_index, objective

    found = translate(small_flex(max_hours_week=24))
    hours = 8 * 24
    need = np.zeros((1, hours), dtype=np.int64)
    for d in range(7):
        need[0, d * 24 + 16: d * 24 + 24] = 1
    demand = SeriesDemand(need=need, cost=np.full((1, hours, 1), 600.0), serves=np.ones((1, 1), dtype=bool),
                          group=np.zeros(1, dtype=np.int64))
    cover = residual_cover(demand, np.zeros((1, 1, hours), dtype=np.int64), np.array([True]))
    problem = flex_problem(found, cover, {"F1": 300.0, "F2": 250.0}, MONDAY)
    res = solve_flex(problem, time_limit_s=10, workers=1, seed=1)
    assert flex_violations(problem.contracts, problem.shift_types, res.roster, 7, 0) == []
    night = night_shifts(problem.shift_types)
    assert not set(res.roster.loc[res.roster["person"] == "F2", "shift"]) & night
    minutes = res.roster["shift"].map({t.id: t.minutes for t in problem.shift_types}).groupby(res.roster["person"]).sum()
    assert (minutes <= 24 * 60).all()
    nobody = objective(build_index(problem), np.full((2, 7), -1))
    assert res.status == "OPTIMAL" and res.objective < nobody - 10_000   # 56 gap-hours at 600 RUB: 33,600
    assert minutes.sum() >= 30 * 60                 # at 250-360 RUB an hour, every allowed evening hour pays


def test_a_flex_night_from_the_previous_rota_counts_on_this_plans_first_morning(flex_workspace: Path) -> None:
    """F002 worked Sunday 22 November 22:00 to Monday 04:00 in the previous rota. Its hours after
    midnight are worked on this plan's first day: this timesheet has them (4 night hours on the
    23rd), rota.csv does not list the shift again (the previous rota does), and F002's first shift
    here keeps the daily rest after 04:00 (the flex shifts start at 08:00 or 14:00: none on the 23rd)."""
    previous = flex_workspace / "previous.csv"
    previous.write_text("agent_id,date,start,end,paid_hours,night_hours,holiday_hours,pattern,shift,serves\n"
                        "F002,2026-11-22,2026-11-22T22:00,2026-11-23T04:00,6,6,0,flex,22:00+6,*\n", encoding="utf-8")
    out = flex_workspace / "out"
    result = invoke("plan", "--workspace", flex_workspace, "--start", MONDAY, "--out", out, "--time-limit", 10,
                    "--previous", previous)
    assert result.exit_code == 0, result.output
    rota = pd.read_csv(out / "rota.csv")
    mine = rota[rota["agent_id"] == "F002"]
    assert "2026-11-22" not in set(mine["date"]) and "2026-11-23" not in set(mine["date"])
    sheet = pd.read_csv(out / "timesheet.csv")
    monday = sheet[(sheet["agent_id"] == "F002") & (sheet["date"] == "2026-11-23")].iloc[0]
    assert monday["night_hours"] == pytest.approx(4.0) and monday["hours"] >= 4.0
    shifts_hours = ((pd.to_datetime(mine["end"]) - pd.to_datetime(mine["start"])).dt.total_seconds() / 3600).sum()
    assert sheet.loc[sheet["agent_id"] == "F002", "hours"].sum() >= shifts_hours + 4.0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 0


def test_each_flex_group_gets_its_floor_of_time_under_a_short_limit(flex_workspace: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`--time-limit 1` leaves the flex rosters 0.15 s, which on a busy machine found no roster (an
    empty one breaks the least hours of every contract); each skill group now gets at least
    FLEX_GROUP_MIN_S, and the plan keeps every rule."""
    import planner.solve.flex_plan as fp

    limits = []
    real = fp.solve_flex

    def spy(problem, time_limit_s, **kwargs):
        limits.append(time_limit_s)
        return real(problem, time_limit_s=time_limit_s, **kwargs)

    monkeypatch.setattr(fp, "solve_flex", spy)
    out = flex_workspace / "out"
    result = invoke("plan", "--workspace", flex_workspace, "--start", MONDAY, "--out", out, "--time-limit", 1)
    assert result.exit_code == 0, result.output
    assert limits and min(limits) >= fp.FLEX_GROUP_MIN_S
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 0
