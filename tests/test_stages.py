"""common.stages (stages heard as they begin and end, timed) and the status line that shows them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from common.stages import StageTimes, listening, stage
from planner.output.status import RunStatus


def test_listeners_hear_each_stage_begin_and_end_in_order():
    heard: list[tuple[str, float | None]] = []
    with listening(lambda name, s: heard.append((name, s))):
        with stage("forecast"):
            pass
        with stage("checker"):
            pass
    assert [(n, s is None) for n, s in heard] == [("forecast", True), ("forecast", False),
                                                 ("checker", True), ("checker", False)]
    assert all(s >= 0 for _, s in heard if s is not None)


def test_a_failing_stage_still_ends_and_nobody_hears_after_listening():
    times = StageTimes()
    with listening(times):
        with pytest.raises(ValueError):
            with stage("CP-SAT"):
                raise ValueError("boom")
        with stage("CP-SAT"):   # a stage run twice (flex: the rota solved again) adds up
            pass
    with stage("workbook"):
        pass
    assert list(times.seconds) == ["CP-SAT"]


def test_status_line_says_the_stage_its_seconds_and_the_gap_within_80_columns():
    status = RunStatus(Console(file=io.StringIO(), width=80), "reading")
    assert status.line().startswith("reading … ")
    status.heard("naming agents", None)
    assert status.line().startswith("naming agents … ") and "gap" not in status.line()
    status.solver(12.0, 403_668_805.0, 401_002_917.0)
    line = status.line()
    assert "best 403,668,805 RUB" in line and "gap 0.66%" in line and line.endswith("s in all")
    assert len(line) + 2 <= 80   # the spinner and a space before it
    status.heard("LP start and model", None)   # the model solved again: the last search's gap is gone
    assert "gap" not in status.line()


def test_status_follows_the_stages_while_it_is_shown():
    status = RunStatus(Console(file=io.StringIO(), width=80), "reading")
    with status:
        with stage("timesheet and pay"):
            assert status.line().startswith("timesheet and pay … ")
    with stage("charts"):   # after the status is gone it hears nothing
        pass
    assert status.line().startswith("timesheet and pay … ")
