"""A history that ends long before the start: said by `rota validate` and `rota plan`, refused past
eight weeks unless forced (forecasts.freshness)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from forecasts.freshness import REFUSE_DAYS, WARN_DAYS, freshness

END = pd.Timestamp("2026-11-15 23:00")   # the small history's last hour (a Sunday)


def invoke(*args: object):
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(text: str) -> str:
    """Terminal text with the console's line wrapping undone."""
    return " ".join(text.split())


@pytest.mark.parametrize(("start", "missing", "severity"), [
    (date(2026, 11, 16), 0, None),           # the day after the last hour
    (date(2026, 11, 23), 7, None),           # the usual weekly lag
    (date(2026, 11, 30), WARN_DAYS, None),   # two weeks: still fine
    (date(2026, 12, 1), WARN_DAYS + 1, "warning"),
    (date(2027, 1, 11), REFUSE_DAYS, "warning"),
    (date(2027, 1, 12), REFUSE_DAYS + 1, "error"),
    (date(2027, 6, 7), 203, "error"),
])
def test_days_missing_between_the_history_and_the_start(start: date, missing: int, severity: str | None) -> None:
    ts = pd.Series(pd.date_range(END - pd.Timedelta(days=30), END, freq="h"))
    fresh = freshness(ts, start)
    assert (fresh.last, fresh.missing_days, fresh.severity) == (END, missing, severity)


def test_forcing_turns_the_refusal_into_a_warning_and_the_message_says_what_it_means() -> None:
    fresh = freshness(pd.Series([END]), date(2027, 6, 7))
    severity, message = fresh.verdict()
    assert severity == "error"
    assert "2026-11-15" in message and "29 weeks" in message and "--force" in message
    assert "put the latest history in place" in message
    assert fresh.verdict(force=True)[0] == "warning"


def test_only_history_before_the_start_counts() -> None:
    ts = pd.Series(pd.to_datetime(["2026-10-01 10:00", "2027-06-10 10:00"]))
    assert freshness(ts, date(2027, 6, 7)).last == pd.Timestamp("2026-10-01 10:00")
    assert freshness(ts, date(2026, 9, 1)) is None


def test_validate_warns_of_a_stale_history_and_refuses_one_past_the_limit(small_workspace: Path) -> None:
    fresh = invoke("validate", small_workspace, "--start", "2026-12-14")
    assert fresh.exit_code == 0, fresh.output
    assert "warning:" in fresh.stderr and "4 weeks before the start 2026-12-14" in said(fresh.stderr)
    assert "(1 warning(s))" in fresh.stdout
    stale = invoke("validate", small_workspace, "--start", "2027-06-07")
    assert stale.exit_code == 2
    assert "error:" in stale.stderr and "history.csv" in stale.stderr and "29 weeks" in said(stale.stderr)
    forced = invoke("validate", small_workspace, "--start", "2027-06-07", "--force")
    assert forced.exit_code == 0, forced.output


def test_plan_refuses_a_history_that_ends_months_before_the_start_unless_forced(small_workspace: Path,
                                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    refused = invoke("plan", "--workspace", small_workspace, "--start", "2027-06-07", "--out", out)
    assert refused.exit_code == 2
    assert len(refused.stderr.splitlines()) == 1 and "2026-11-15" in refused.stderr
    assert not out.exists()
    forced = invoke("plan", "--workspace", small_workspace, "--start", "2027-06-07", "--force",
                    "--time-limit", 1, "--out", out)
    assert forced.exit_code in (0, 1), forced.output
    assert "warning:" in forced.output and "29 weeks" in said(forced.output)
    assert (out / "rota.csv").is_file()


def test_plan_warns_when_the_history_ends_weeks_before_the_start(small_workspace: Path, tmp_path: Path) -> None:
    result = invoke("plan", "--workspace", small_workspace, "--start", "2026-12-07", "--time-limit", 1,
                    "--out", tmp_path / "out")
    assert result.exit_code in (0, 1), result.output
    assert "warning:" in result.output and "3 weeks before the start 2026-12-07" in said(result.output)


def test_the_sample_without_start_plans_the_week_after_its_history() -> None:
    """The bundled sample's data is fixed: without --start it is planned as the week its history
    was made for, never months later (which would now be refused)."""
    assert cli._first_day(None, cli.SAMPLE) == date(2026, 11, 23)
    assert cli._first_day("2026-12-07", cli.SAMPLE) == date(2026, 12, 7)
