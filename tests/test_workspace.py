"""planner/workspace.py: agents and absences as team leads and HR export them (CSV or Excel)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from constraints.patterns import DEFAULT_BOOK
from common.errors import InputError
from planner.workspace.people import load_absences, load_agents


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def refused(fn, *args) -> InputError:
    with pytest.raises(InputError) as info:
        fn(*args)
    return info.value


FULL = [
    "agent_id,name,team,pattern,shift_pref,skills,rate_rub_h,cycle_start,night_ok,hired_for_nights,overtime_ytd_h",
    "A001,Сафонова Дарья,buyers-1,2/2,Night,Chat; phone,525,2026-11-07,true,да,12.5",
    "A002,Раевский Павел,buyers-1,3/3,,phone,490.5,,нет,,",
    "A003,Мухина Валерия,sellers,5/2,day,,455,,ложь,false,0",
]


def test_agents_with_every_column(tmp_path: Path) -> None:
    agents = load_agents(write(tmp_path / "agents.csv", FULL), DEFAULT_BOOK)
    assert list(agents["agent_id"]) == ["A001", "A002", "A003"]
    assert list(agents["name"]) == ["Сафонова Дарья", "Раевский Павел", "Мухина Валерия"]
    assert list(agents["pattern"]) == ["2/2", "3/3", "5/2"]
    assert list(agents["shift_pref"]) == ["night", "any", "day"]          # case-insensitive, empty = any
    assert list(agents["skills"]) == ["chat;phone", "phone", ""]
    assert list(agents["rate_rub_h"]) == [525.0, 490.5, 455.0]
    assert agents.loc[0, "cycle_start"] == pd.Timestamp("2026-11-07") and pd.isna(agents.loc[1, "cycle_start"])
    assert list(agents["night_ok"]) == [True, False, False]
    assert list(agents["hired_for_nights"]) == [True, False, False]       # empty = not hired for nights
    assert list(agents["overtime_ytd_h"]) == [12.5, 0.0, 0.0]             # empty = none this year


def test_an_empty_night_ok_is_no_consent_but_an_error(tmp_path: Path) -> None:
    """Issue #13: a blank night_ok once passed as "may work nights". Art. 96 bars some people from
    night work, so with the column present every cell must say yes or no."""
    lines = [FULL[0], FULL[1].replace(",true,", ",,")]
    err = refused(load_agents, write(tmp_path / "staff.csv", lines), DEFAULT_BOOK)
    assert (err.file, err.row, err.column) == ("staff.csv", 2, "night_ok") and "empty" in err.message


def test_agents_with_only_the_required_columns_get_defaults(tmp_path: Path) -> None:
    agents = load_agents(write(tmp_path / "a.csv", ["agent_id,pattern,rate_rub_h", "7,2/2,400", "8,5/2,380"]),
                         DEFAULT_BOOK)
    assert list(agents["agent_id"]) == ["7", "8"]
    assert list(agents["name"]) == ["7", "8"]
    assert list(agents["shift_pref"]) == ["any", "any"]
    assert list(agents["night_ok"]) == [True, True]
    assert list(agents["hired_for_nights"]) == [False, False]
    assert list(agents["overtime_ytd_h"]) == [0.0, 0.0]
    assert agents["cycle_start"].isna().all()
    assert list(agents["skills"]) == ["", ""]


def test_agents_from_a_russian_csv_export(tmp_path: Path) -> None:
    lines = ["agent_id;name;pattern;rate_rub_h;cycle_start;night_ok",
             "A1;Иванова Мария;2/2;450,5;07.11.2026;да",
             "A2;Петров Илья;3/3;1 200;;нет"]
    agents = load_agents(write(tmp_path / "staff.csv", lines, "cp1251"), DEFAULT_BOOK)
    assert list(agents["name"]) == ["Иванова Мария", "Петров Илья"]
    assert list(agents["rate_rub_h"]) == [450.5, 1200.0]
    assert agents.loc[0, "cycle_start"] == pd.Timestamp("2026-11-07")
    assert list(agents["night_ok"]) == [True, False]


def test_agents_from_excel_with_typed_cells(tmp_path: Path) -> None:
    """Excel stores ids as numbers (1001 or 1001.0), dates as dates, flags as booleans."""
    path = workbook(tmp_path / "staff.xlsx", [
        ["Agent_ID", "Pattern", "Rate_RUB_H", "cycle_start", "night_ok", "shift_pref"],
        [1001, "2/2", 450, dt.datetime(2026, 11, 10), True, "day"],
        [1002.0, "3/3 ", 512.5, dt.date(2026, 11, 3), False, None],
        [1003, "5/2", 400, None, 1, "ANY"],
    ])
    agents = load_agents(path, DEFAULT_BOOK)
    assert list(agents["agent_id"]) == ["1001", "1002", "1003"]
    assert list(agents["pattern"]) == ["2/2", "3/3", "5/2"]
    assert list(agents["rate_rub_h"]) == [450.0, 512.5, 400.0]
    assert list(agents["cycle_start"][:2]) == [pd.Timestamp("2026-11-10"), pd.Timestamp("2026-11-03")]
    assert list(agents["night_ok"]) == [True, False, True]
    assert list(agents["shift_pref"]) == ["day", "any", "any"]


def test_patterns_of_the_workspace_are_the_ones_allowed(tmp_path: Path) -> None:
    from constraints.patterns import parse_pattern_book

    book = parse_pattern_book({"4/3": {"variants": {"office": ["office"] * 4 + ["off"] * 3}}}, {})
    agents = load_agents(write(tmp_path / "a.csv", ["agent_id,pattern,rate_rub_h", "X,4/3,400"]), book)
    assert list(agents["pattern"]) == ["4/3"]


@pytest.mark.parametrize("change, row, column, words", [
    (lambda L: L.__setitem__(2, L[2].replace(",3/3,", ",4/4,")), 3, "pattern", "4/4"),
    (lambda L: L.append(L[1]), 5, "agent_id", "rows 2 and 5"),
    (lambda L: L.__setitem__(1, L[1].replace(",525,", ",-525,")), 2, "rate_rub_h", "-525"),
    (lambda L: L.__setitem__(1, L[1].replace(",525,", ",0,")), 2, "rate_rub_h", "above zero"),
    (lambda L: L.__setitem__(3, L[3].replace(",day,", ",evening,")), 4, "shift_pref", "evening"),
    (lambda L: L.__setitem__(1, L[1].replace(",true", ",maybe")), 2, "night_ok", "maybe"),
    (lambda L: L.__setitem__(1, L[1].replace(",2026-11-07,", ",2026-11-07 08:00,")), 2, "cycle_start", "time"),
    (lambda L: L.__setitem__(2, L[2].replace("A002", "")), 3, "agent_id", "empty"),
    (lambda L: L.__setitem__(1, L[1].replace(",да,", ",n,")), 2, "hired_for_nights", "'n'"),
    (lambda L: L.__setitem__(1, L[1].replace(",12.5", ",-1")), 2, "overtime_ytd_h", "-1"),
])
def test_bad_agents_name_file_row_and_column(tmp_path: Path, change, row: int, column: str, words: str) -> None:
    lines = list(FULL)
    change(lines)
    err = refused(load_agents, write(tmp_path / "staff.csv", lines), DEFAULT_BOOK)
    assert (err.file, err.row, err.column) == ("staff.csv", row, column)
    assert words in err.message


def test_agents_file_without_agents_or_a_required_column(tmp_path: Path) -> None:
    err = refused(load_agents, write(tmp_path / "a.csv", FULL[:1]), DEFAULT_BOOK)
    assert err.file == "a.csv" and "no data rows" in err.message
    err = refused(load_agents, write(tmp_path / "b.csv", ["agent_id,name", "A1,X"]), DEFAULT_BOOK)
    assert err.file == "b.csv" and "pattern" in err.message and "rate_rub_h" in err.message


# ------------------------------------------------------------------------------ absences


@pytest.fixture
def agents(tmp_path: Path) -> pd.DataFrame:
    return load_agents(write(tmp_path / "agents.csv", FULL), DEFAULT_BOOK)


def test_no_absences_file_or_a_header_only_file_means_no_absences(tmp_path: Path, agents: pd.DataFrame) -> None:
    assert load_absences(None, agents).empty
    empty = load_absences(write(tmp_path / "leave.csv", ["agent_id,start,end,kind"]), agents)
    assert empty.empty and {"agent_id", "start", "end", "kind"} <= set(empty.columns)


def test_absences_are_read_with_dates_and_kinds(tmp_path: Path, agents: pd.DataFrame) -> None:
    lines = ["agent_id,start,end,kind", "A001,2026-11-24,2026-11-26,Sick", "A003,25.11.2026,2026-12-05,", "A002,2026-11-30,2026-11-30,training"]
    ab = load_absences(write(tmp_path / "leave.csv", lines), agents)
    assert list(ab["agent_id"]) == ["A001", "A003", "A002"]
    assert list(ab["start"]) == [pd.Timestamp("2026-11-24"), pd.Timestamp("2026-11-25"), pd.Timestamp("2026-11-30")]
    assert list(ab["end"]) == [pd.Timestamp("2026-11-26"), pd.Timestamp("2026-12-05"), pd.Timestamp("2026-11-30")]
    assert list(ab["kind"]) == ["sick", "other", "training"]


def test_absences_without_kind_column(tmp_path: Path, agents: pd.DataFrame) -> None:
    ab = load_absences(write(tmp_path / "leave.csv", ["agent_id,start,end", "A001,2026-11-24,2026-11-26"]), agents)
    assert list(ab["kind"]) == ["other"]


def test_excel_ids_of_absences_match_excel_ids_of_agents(tmp_path: Path) -> None:
    staff = load_agents(workbook(tmp_path / "staff.xlsx", [["agent_id", "pattern", "rate_rub_h"], [1001, "2/2", 400]]),
                        DEFAULT_BOOK)
    ab = load_absences(workbook(tmp_path / "leave.xlsx", [["agent_id", "start", "end", "kind"],
                                                          [1001.0, dt.datetime(2026, 11, 24), dt.date(2026, 11, 25), "vacation"]]),
                       staff)
    assert list(ab["agent_id"]) == ["1001"]
    assert (ab.loc[0, "start"], ab.loc[0, "end"]) == (pd.Timestamp("2026-11-24"), pd.Timestamp("2026-11-25"))


@pytest.mark.parametrize("line, column, words", [
    ("Z999,2026-11-24,2026-11-25,sick", "agent_id", "Z999"),
    ("A001,2026-11-26,2026-11-24,sick", "end", "before start"),
    ("A001,,2026-11-24,sick", "start", "missing"),
    ("A001,2026-11-24,someday,sick", "end", "someday"),
    ("A001,2026-11-24,2026-11-25,holiday", "kind", "holiday"),
])
def test_bad_absences_name_file_row_and_column(tmp_path: Path, agents: pd.DataFrame, line: str, column: str,
                                               words: str) -> None:
    lines = ["agent_id,start,end,kind", "A002,2026-11-23,2026-11-23,sick", line]
    err = refused(load_absences, write(tmp_path / "leave.csv", lines), agents)
    assert (err.file, err.row, err.column) == ("leave.csv", 3, column)
    assert words in err.message


def test_a_pattern_that_excel_turned_into_a_date_is_read_as_the_pattern(tmp_path: Path) -> None:
    """Typed into Excel, `2/2` becomes 2 February and `5/2` becomes 2 May (or 5 February)."""
    from datetime import datetime

    from openpyxl import Workbook

    from constraints.patterns import DEFAULT_BOOK
    from planner.workspace.people import load_agents

    wb = Workbook()
    ws = wb.active
    ws.append(["agent_id", "pattern", "rate_rub_h"])
    ws.append(["A1", datetime(2026, 2, 2), 400])
    ws.append(["A2", datetime(2026, 5, 2), 400])
    ws.append(["A3", datetime(2026, 3, 3), 400])
    ws.append(["A4", "3/3", 400])
    path = tmp_path / "agents.xlsx"
    wb.save(path)
    assert load_agents(path, DEFAULT_BOOK)["pattern"].tolist() == ["2/2", "5/2", "3/3", "3/3"]


def test_absence_kinds_written_in_russian_are_read(tmp_path: Path, agents: pd.DataFrame) -> None:
    lines = ["agent_id,start,end,kind", "A001,2026-11-24,2026-11-26,Отпуск", "A002,2026-11-24,2026-11-24,больничный",
             "A003,2026-11-25,2026-11-25,обучение", "A001,2026-11-30,2026-11-30,без  содержания",
             "A002,2026-12-01,2026-12-01,другое"]
    ab = load_absences(write(tmp_path / "leave.csv", lines, "cp1251"), agents)
    assert list(ab["kind"]) == ["vacation", "sick", "training", "unpaid", "other"]
    err = refused(load_absences, write(tmp_path / "bad.csv", ["agent_id,start,end,kind", "A001,2026-11-24,2026-11-24,отгул"]),
                  agents)
    assert (err.row, err.column) == (2, "kind") and "отпуск" in err.message and "vacation" in err.message


def test_previous_rota_from_a_results_folder(tmp_path: Path) -> None:
    """`--previous week49/` takes the folder `rota plan` wrote, as `rota simulate --rota` does:
    its rota.xlsx, else its rota.csv; a folder with neither is named."""
    from planner.workspace.previous import previous_file, read_previous

    folder = tmp_path / "week49"
    folder.mkdir()
    err = refused(previous_file, folder)
    assert err.file == str(folder) and "rota.xlsx" in err.message and "rota.csv" in err.message
    write(folder / "rota.csv", ["agent_id,date,start,end", "A001,2026-11-29,2026-11-29T19:00,2026-11-30T07:00"])
    assert previous_file(folder) == folder / "rota.csv"
    assert list(read_previous(folder)["agent_id"]) == ["A001"]
    workbook(folder / "rota.xlsx", [["agent_id", "date", "start", "end"],
                                    ["A002", dt.date(2026, 11, 29), dt.datetime(2026, 11, 29, 7), dt.datetime(2026, 11, 29, 19)]])
    assert previous_file(folder) == folder / "rota.xlsx"
    assert list(read_previous(folder)["agent_id"]) == ["A002"]
    assert previous_file(folder / "rota.csv") == folder / "rota.csv"


# --- skills: the warnings worded for a team lead --------------------------------------------------

SKILLS_TOML = '[queues.sellers]\nneeds = ["sellers"]\n[queues.sellers_en]\nneeds = ["sellers", "en"]\n'


def _skills_config(tmp_path: Path):
    from planner.workspace.config import load_config

    return load_config(write(tmp_path / "rota.toml", [SKILLS_TOML]))


def test_skills_are_kept_as_sorted_lower_case_tokens(tmp_path: Path) -> None:
    path = write(tmp_path / "agents.csv", ["agent_id,pattern,rate_rub_h,skills",
                                           'A1,2/2,400,"Phone, CHAT;Sellers"', "A2,2/2,400,", "A3,2/2,400,en;;chat"])
    assert list(load_agents(path, DEFAULT_BOOK)["skills"]) == ["chat;phone;sellers", "", "chat;en"]


def test_a_typo_is_named_with_the_agent_and_the_closest_token(tmp_path: Path) -> None:
    from planner.workspace.people import skill_warnings

    cfg = _skills_config(tmp_path)
    agents = pd.DataFrame({"agent_id": ["A1", "A2", "A3", "A4"],
                           "skills": ["chat;sellers", "chta;sellers", "chat;sellers;englsh", ""]})
    warnings = skill_warnings(agents, cfg)
    assert len(warnings) == 3                  # chta, englsh, and A2 left with no channel at all
    chta = next(w for w in warnings if "'chta'" in w)
    assert "A2" in chta and "did you mean 'chat'" in chta and "A1" not in chta
    english = next(w for w in warnings if "'englsh'" in w)
    assert "A3" in english and "A2" not in english
    assert "A2 may serve no series" in warnings[-1]
    assert skill_warnings(agents.iloc[[0, 3]], cfg) == []                 # known tokens and empty cells


def test_one_line_per_unknown_token_names_its_agents(tmp_path: Path) -> None:
    from planner.workspace.people import skill_warnings

    cfg = _skills_config(tmp_path)
    agents = pd.DataFrame({"agent_id": [f"A{k}" for k in range(8)], "skills": ["phone;vip"] * 8})
    (line,) = skill_warnings(agents, cfg)
    assert "'vip'" in line and "A0, A1, A2, A3, A4 and 3 more" in line


def test_agents_with_no_channel_among_their_skills_serve_nothing(tmp_path: Path) -> None:
    from planner.workspace.people import skill_warnings

    cfg = _skills_config(tmp_path)
    agents = pd.DataFrame({"agent_id": ["A1", "A2"], "skills": ["sellers;en", "chat;sellers"]})
    (line,) = skill_warnings(agents, cfg)
    assert "A1" in line and "A2" not in line and "no channel" in line


def test_unserved_series_are_those_with_demand_and_nobody_eligible(tmp_path: Path) -> None:
    from planner.workspace.people import skill_report, unserved_message, unserved_series

    cfg = _skills_config(tmp_path)
    agents = pd.DataFrame({"agent_id": ["A1", "A2"], "skills": ["chat;sellers", "email;sellers;en"]})
    demand = pd.DataFrame({"channel": ["chat", "chat", "email", "phone", "Chat"],
                           "queue": ["sellers", "sellers_en", "sellers_en", "buyers", "sellers_en"],
                           "agents": [3, 2, 1, 0, 1]})
    assert unserved_series(agents, demand, cfg.queues, "agents") == [("chat", "sellers_en")]
    assert unserved_series(agents.assign(skills=["chat;sellers", ""]), demand, cfg.queues, "agents") == []
    assert unserved_series(agents, demand[["agents"]], cfg.queues, "agents") == []     # pooled: everyone
    message = unserved_message("chat", "sellers_en", cfg.queues)
    assert "chat/sellers_en" in message and "'chat'" in message and "'en', 'sellers'" in message
    assert skill_report(agents, demand, cfg) == [message + "; the other series are planned"]
