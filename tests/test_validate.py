"""rota validate: every problem of a workspace in one pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from planner.workspace.scaffold import init_workspace
from planner.validate import MAX_PER_COLUMN, check_agents, validate_workspace

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
MONDAY = date(2026, 11, 23)


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    init_workspace(SAMPLE, ws)
    return ws


def test_the_sample_workspace_has_no_problem() -> None:
    assert [p for p in validate_workspace(SAMPLE, MONDAY) if p.severity == "error"] == []


def test_every_bad_cell_of_a_column_is_listed_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    pd.DataFrame({
        "agent_id": ["A1", "A2", "A3", "A4"],
        "pattern": ["2/2", "7/7", "3/3", "9/1"],
        "rate_rub_h": ["400", "x", "-1", "500"],
    }).to_csv(path, index=False)
    ids, problems = check_agents(path, ["2/2", "3/3", "5/2"])
    assert ids == {"A1", "A2", "A3", "A4"}
    found = {(p.row, p.column) for p in problems}
    assert found == {(3, "pattern"), (5, "pattern"), (3, "rate_rub_h"), (4, "rate_rub_h")}


def test_the_list_per_column_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    n = MAX_PER_COLUMN + 5
    pd.DataFrame({"agent_id": [f"A{k}" for k in range(n)], "pattern": ["1/9"] * n,
                  "rate_rub_h": ["400"] * n}).to_csv(path, index=False)
    _, problems = check_agents(path, ["2/2"])
    assert len(problems) == MAX_PER_COLUMN


def test_broken_files_are_each_reported_and_the_others_still_checked(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    (ws / "history.csv").write_text("", encoding="utf-8")
    absences = pd.read_csv(ws / "absences.csv", dtype=str, keep_default_na=False)
    absences.loc[1, ["start", "end"]] = ["2026-12-10", "2026-12-01"]
    absences.to_csv(ws / "absences.csv", index=False)
    problems = validate_workspace(ws, MONDAY)
    assert {p.file for p in problems} == {"history.csv", "absences.csv"}
    assert any(p.row == 3 and p.column == "end" for p in problems)


def test_an_impossible_rule_is_found_before_planning(tmp_path: Path) -> None:
    """Night-only 2/2 for someone who may not work nights: no legal line exists."""
    ws = _workspace(tmp_path)
    with open(ws / "rota.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[patterns."2/2"]\nvariants = { night = ["night", "night", "off", "off"] }\n')
    problems = validate_workspace(ws, MONDAY)
    assert len(problems) == 1
    assert "night_ok" in problems[0].message and problems[0].file == "agents.csv"


def test_a_workspace_folder_that_is_not_there_is_said_as_such(tmp_path: Path) -> None:
    problems = validate_workspace(tmp_path / "no_such_site", MONDAY)
    assert [(p.message, p.severity) for p in problems] == [("workspace folder not found", "error")]


def test_a_skill_typo_is_a_warning_naming_the_agent(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    agents = pd.read_csv(ws / "agents.csv", dtype=str, keep_default_na=False)
    agents.loc[4, "skills"] = "chta;buyers"
    agents.to_csv(ws / "agents.csv", index=False)
    problems = validate_workspace(ws, MONDAY)
    assert [p for p in problems if p.severity == "error"] == []
    (typo,) = [p for p in problems if "'chta'" in p.message]
    assert typo.severity == "warning" and typo.file == "agents.csv" and typo.column == "skills"
    assert agents.loc[4, "agent_id"] in typo.message and "did you mean 'chat'" in typo.message


def test_a_series_with_contacts_that_nobody_may_serve_is_an_error(tmp_path: Path) -> None:
    """Nobody speaks English any more: both English sellers' series are named, nothing else."""
    ws = _workspace(tmp_path)
    agents = pd.read_csv(ws / "agents.csv", dtype=str, keep_default_na=False)
    agents["skills"] = agents["skills"].str.replace(";en", "", regex=False)
    agents.to_csv(ws / "agents.csv", index=False)
    errors = [p for p in validate_workspace(ws, MONDAY) if p.severity == "error"]
    assert sorted(p.message.split(" has ")[0] for p in errors) == ["series chat/sellers_en", "series email/sellers_en"]
    assert all(p.file == "agents.csv" and "'en', 'sellers'" in p.message for p in errors)


def test_an_empty_skills_column_serves_every_series(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    agents = pd.read_csv(ws / "agents.csv", dtype=str, keep_default_na=False)
    agents.assign(skills="").to_csv(ws / "agents.csv", index=False)
    assert validate_workspace(ws, MONDAY) == []


def test_a_bad_queues_table_is_named_in_rota_toml(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    text = (ws / "rota.toml").read_text(encoding="utf-8").replace('needs = ["buyers"]', 'needs = "buyers"')
    (ws / "rota.toml").write_text(text, encoding="utf-8")
    problems = validate_workspace(ws, MONDAY)
    assert any(p.file == "rota.toml" and p.column == "queues.buyers.needs" for p in problems)


def test_worked_csv_is_checked_when_the_workspace_has_one(tmp_path: Path) -> None:
    """A bad cell of worked.csv is an error naming its row and column; a row of someone not in the
    agents file is a warning (the row is left out); a worked.csv named in rota.toml must be there."""
    ws = _workspace(tmp_path)
    (ws / "worked.csv").write_text("agent_id,date,hours\nA001,2026-11-02,11\nA001,2026-11-03,25\n", encoding="utf-8")
    bad = [p for p in validate_workspace(ws, MONDAY) if p.file == "worked.csv"]
    assert [(p.row, p.column, p.severity) for p in bad] == [(3, "hours", "error")]
    (ws / "worked.csv").write_text("agent_id,date,hours\nA001,2026-11-02,11\nX9,2026-11-03,8\n", encoding="utf-8")
    [note] = [p for p in validate_workspace(ws, MONDAY) if p.file == "worked.csv"]
    assert note.severity == "warning" and "X9" in note.message and not note.message.startswith("worked.csv")
    (ws / "worked.csv").unlink()
    assert not [p for p in validate_workspace(ws, MONDAY) if p.file == "worked.csv"]
    toml = ws / "rota.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('absences = "absences.csv"',
                                                             'absences = "absences.csv"\nworked = "tabel.csv"'),
                    encoding="utf-8")
    assert [(p.file, p.message) for p in validate_workspace(ws, MONDAY) if p.severity == "error"] == \
        [("tabel.csv", "worked hours file not found")]
