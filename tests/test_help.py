"""`rota COMMAND --help` is the manual a new user reads first: every option's text must show in
full at 80 columns, and every example must run as written.

The examples are taken from the commands themselves (their epilog), not copied here, and run in
the order a user meets them on a copy of the sample workspace whose solver is told to stop early.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cli

GROUP = typer.main.get_command(cli.app)
COMMANDS = sorted(GROUP.commands)
# the order the examples build on each other: init makes my_site, forecast -> requirements ->
# schedule, plan writes the out/ that simulate reads
ORDER = ("init", "validate", "forecast", "requirements", "schedule", "plan", "simulate", "backtest", "compare",
         "size")


def example(name: str) -> list[str]:
    """The arguments of a command's one `Example: rota …` line."""
    lines = [line for line in (GROUP.commands[name].epilog or "").splitlines() if line.startswith("Example: rota ")]
    assert len(lines) == 1, f"rota {name} --help should show exactly one example, has {lines}"
    return shlex.split(lines[0].removeprefix("Example: rota "))


def help_text(name: str) -> str:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, [name, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_help_shows_each_option_text_whole_and_no_stray_type(name: str) -> None:
    text = help_text(name)
    assert "<bool>" not in text
    squeezed = "".join(text.split())   # the wrapping at 80 columns moves words, never drops them
    for param in GROUP.commands[name].params:
        if getattr(param, "help", None):
            assert "".join(param.help.split()) in squeezed, (param.name, param.help)
    assert max(len(line) for line in text.splitlines() if not line.lstrip().startswith("Example:")) <= 80


def test_forecast_and_backtest_help_name_the_optional_columns() -> None:
    for name in ("forecast", "backtest"):
        assert "ts, [channel], [queue], contacts, [aht_s]" in help_text(name)


def test_every_command_has_one_example_and_the_test_runs_them_all() -> None:
    assert sorted(ORDER) == COMMANDS
    for name in COMMANDS:
        assert example(name)[0] == name


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """The folder a user runs the examples from: a copy of sample_data whose solver stops after
    a few seconds (the examples' own arguments are not changed)."""
    sample = tmp_path / "sample_data"
    shutil.copytree(cli.SAMPLE, sample, ignore=shutil.ignore_patterns("example", "generate.py", "__pycache__"))
    toml = sample / "rota.toml"
    text = re.sub(r"time_limit_s = \d+", "time_limit_s = 3", toml.read_text(encoding="utf-8"))
    toml.write_text(text.replace("gap_limit = 0.001", "gap_limit = 0.01\ndeterministic_time = 1"), encoding="utf-8")
    return tmp_path


def test_every_help_example_runs_as_written(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_copy)
    runner = CliRunner()
    for name in ORDER:
        args = example(name)
        result = runner.invoke(cli.app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
        assert result.exit_code == 0, (name, args, result.output)


def test_plan_help_says_previous_takes_the_results_folder_or_rota_xlsx() -> None:
    text = " ".join(help_text("plan").split())
    assert "--previous PATH Last period's results folder, or its rota.xlsx or rota.csv" in text
