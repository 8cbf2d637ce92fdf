"""rota init: a new workspace copied from the sample, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import InputError
from planner.workspace.scaffold import SCENARIOS, WORKSPACE_FILES, init_workspace

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def test_copies_every_workspace_file_into_an_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    written = init_workspace(SAMPLE, target)
    scenarios = sorted(p.name for p in (SAMPLE / SCENARIOS).glob("*.toml"))
    assert scenarios, "the sample has what-if scenarios to copy"
    assert [p.name for p in written] == [*WORKSPACE_FILES, *scenarios]
    for name in [*WORKSPACE_FILES, *(f"{SCENARIOS}/{n}" for n in scenarios)]:
        assert (target / name).read_bytes() == (SAMPLE / name).read_bytes()


def test_refuses_a_folder_with_files_and_leaves_it_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        init_workspace(SAMPLE, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_missing_sample_file_leaves_no_half_made_workspace(tmp_path: Path) -> None:
    broken = tmp_path / "broken_sample"
    broken.mkdir()
    (broken / "rota.toml").write_text("", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        init_workspace(broken, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken_sample"]
