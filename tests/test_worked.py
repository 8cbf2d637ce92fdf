"""Hours already worked (planner.workspace.worked): worked.csv as HR exports it, the previous
rotas' shifts by calendar day as the timesheet counts them (art. 96, T-13), and worked.csv
winning where both speak of the same agent and day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import agents_frame

from common.errors import InputError
from planner.workspace.config import default_config, load_config
from planner.workspace.worked import load_worked, rota_days, worked_days

CFG = default_config()
AGENTS = agents_frame({"agent_id": "A"}, {"agent_id": "H"}).assign(hired_for_nights=[False, True])


def shifts(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """A previous rota as read_previous gives it: agent_id, date, start, end, shift."""
    out = pd.DataFrame(rows, columns=["agent_id", "start", "end", "shift"])
    out["start"], out["end"] = pd.to_datetime(out["start"]), pd.to_datetime(out["end"])
    return out.assign(date=out["start"].dt.normalize())


def by_day(frame: pd.DataFrame) -> dict[tuple[str, date], tuple[float, float, bool]]:
    return {(r.agent_id, r.date): (r.hours, r.night_hours, r.holiday) for r in frame.itertuples()}


def test_a_previous_rotas_hours_go_on_the_calendar_day_they_were_worked() -> None:
    """A 20:00-08:00 night from 3 November 2026 with a 1 h break: 4 h on the 3rd (2 at night) and
    8 - 1 + 1 (art. 96) = 8 h on the 4th, a holiday (art. 112), 6 at night; 7 h on the 4th for an
    agent hired for night work. A 08:00-20:00 day: 11 h."""
    prev = shifts(("A", "2026-11-03 20:00", "2026-11-04 08:00", "night"),
                  ("H", "2026-11-03 20:00", "2026-11-04 08:00", "night"),
                  ("A", "2026-11-06 08:00", "2026-11-06 20:00", "day"))
    got = by_day(rota_days(prev, AGENTS, CFG))
    assert got == {("A", date(2026, 11, 3)): (4, 2, False), ("A", date(2026, 11, 4)): (8, 6, True),
                   ("A", date(2026, 11, 6)): (11, 0, False),
                   ("H", date(2026, 11, 3)): (4, 2, False), ("H", date(2026, 11, 4)): (7, 6, True)}


def test_several_previous_rotas_count_a_shift_they_both_list_once() -> None:
    """Two weekly rotas, the second listing again the night begun on the eve of its first day (a
    rota planned without --previous lists it): 9 and 16 November count 11 h each, the night of
    15-16 November 4 + 8 h, once."""
    week1 = shifts(("A", "2026-11-09 08:00", "2026-11-09 20:00", "day"),
                   ("A", "2026-11-15 20:00", "2026-11-16 08:00", "night"))
    week2 = shifts(("A", "2026-11-15 20:00", "2026-11-16 08:00", "night"),
                   ("A", "2026-11-16 20:00", "2026-11-17 08:00", "night"))
    got = by_day(worked_days(pd.concat([week1, week2], ignore_index=True), None, AGENTS, CFG))
    assert got[("A", date(2026, 11, 15))][0] == 4
    assert got[("A", date(2026, 11, 16))][0] == 8 + 4 and got[("A", date(2026, 11, 17))][0] == 8
    assert sum(h for h, _, _ in got.values()) == 11 + 4 + 12 + 8


def test_a_shift_without_a_known_template_takes_its_break_from_its_paid_hours() -> None:
    """12 h on site stated as 10.5 paid (a 1.5 h break): 10.5 h on the day."""
    prev = shifts(("A", "2026-11-09 08:00", "2026-11-09 20:00", "long")).assign(paid_hours=10.5)
    assert by_day(rota_days(prev, AGENTS, CFG)) == {("A", date(2026, 11, 9)): (10.5, 0, False)}
    assert by_day(rota_days(prev.drop(columns=["shift", "paid_hours"]), AGENTS, CFG)) == \
        {("A", date(2026, 11, 9)): (12, 0, False)}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_worked_csv_is_read_as_hr_exports_it_and_wins_over_the_rota(tmp_path: Path) -> None:
    """cp1251, `;`, decimal commas, DD.MM.YYYY dates: 11,5 h on 9 November replace the rota's 11 h;
    an agent who left (Z) is left out with a warning; a day the rota does not have is added."""
    path = write(tmp_path / "worked.csv", "agent_id;date;hours;night_hours\nA;09.11.2026;11,5;0\n"
                                          "Z;09.11.2026;8;0\nH;10.11.2026;7;6,5\n", "cp1251")
    worked, warnings = load_worked(path, AGENTS)
    assert worked[["agent_id", "hours", "night_hours"]].values.tolist() == [["A", 11.5, 0.0], ["H", 7.0, 6.5]]
    assert len(warnings) == 1 and "Z" in warnings[0] and "worked.csv" in warnings[0]
    prev = shifts(("A", "2026-11-09 08:00", "2026-11-09 20:00", "day"),
                  ("A", "2026-11-10 08:00", "2026-11-10 20:00", "day"))
    got = by_day(worked_days(prev, worked, AGENTS, CFG))
    assert got == {("A", date(2026, 11, 9)): (11.5, 0, False), ("A", date(2026, 11, 10)): (11, 0, False),
                   ("H", date(2026, 11, 10)): (7, 6.5, False)}
    without_night = write(tmp_path / "w2.csv", "agent_id,date,hours\nA,2026-11-04,11\n")
    assert by_day(worked_days(None, load_worked(without_night, AGENTS)[0], AGENTS, CFG)) == \
        {("A", date(2026, 11, 4)): (11, 0, True)}                       # 4 November: an art. 112 holiday


@pytest.mark.parametrize(("body", "row", "column", "words"), [
    ("A,2026-11-09,-1", 2, "hours", "below the minimum 0"),
    ("A,2026-11-09,25", 2, "hours", "more than the 24 h of a day"),
    ("A,2026-11-09,8,9", 2, "night_hours", "more than the day's hours"),
    ("A,2026-11-09,8\nA,2026-11-09,3", 3, "date", "listed twice (rows 2 and 3)"),
    ("A,9 ноября,8", 2, "date", "not a date"),
    ("A,,8", 2, "date", "empty cell"),
    ("A,2026-11-09,восемь", 2, "hours", "not a number"),
])
def test_a_bad_row_names_file_row_and_column(tmp_path: Path, body: str, row: int, column: str, words: str) -> None:
    header = "agent_id,date,hours,night_hours" if body.count(",") == 3 else "agent_id,date,hours"
    with pytest.raises(InputError) as err:
        load_worked(write(tmp_path / "worked.csv", f"{header}\n{body}\n"), AGENTS)
    assert (err.value.file, err.value.row, err.value.column) == ("worked.csv", row, column)
    assert words in err.value.message


def test_the_setting_is_optional_unless_named(tmp_path: Path) -> None:
    """`[data] worked` defaults to worked.csv, read when it is there; a file named in rota.toml
    must exist; an empty file (a header only) means nothing was worked."""
    (tmp_path / "rota.toml").write_text("[site]\nname = 'x'\n", encoding="utf-8")
    assert load_config(tmp_path / "rota.toml").worked_path() is None
    write(tmp_path / "worked.csv", "agent_id,date,hours\n")
    cfg = load_config(tmp_path / "rota.toml")
    assert cfg.worked_path() == tmp_path / "worked.csv" and load_worked(cfg.worked_path(), AGENTS)[0].empty
    (tmp_path / "rota.toml").write_text("[data]\nworked = 'tabel.xlsx'\n", encoding="utf-8")
    named = load_config(tmp_path / "rota.toml").worked_path()
    with pytest.raises(InputError, match="not found"):
        load_worked(named, AGENTS)
