"""The bundled sample planned end to end by the real command line: a week inside November pays no
overtime and says each agent's projected balance; December 2026 keeps every agent within the
month's norm (176 h by the production calendar, 8 h less per weekday of absence: DESIGN.md §6)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def plan(out: Path, *args: str) -> Path:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, ["plan", "--workspace", str(SAMPLE), *args,
                                                               "--time-limit", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_sample_week_pays_no_overtime_and_projects_every_balance(tmp_path: Path) -> None:
    out = plan(tmp_path / "week", "--start", "2026-11-23")
    pay = pd.read_csv(out / "pay.csv")
    assert (pay["period"] == "2026-11").all() and not pay["settled"].any()
    assert pay["overtime"].sum() == 0 and pay["overtime_hours"].sum() == 0
    assert pay["projected_period_hours"].notna().all() and pay["balance"].notna().all()
    assert (pay["projected_period_hours"] >= pay["planned_hours"] - 1e-6).all()   # the cycle goes on to 30.11
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 0


def december_norm(absent: set[date]) -> float:
    """176 h (22 working days of the five-day calendar; 31 December 2026 is a transferred day off)
    less 8 h for each of them inside an absence (order 588н)."""
    working = [date(2026, 12, 1) + timedelta(days=k) for k in range(31)]
    working = [d for d in working if d.weekday() < 5 and d != date(2026, 12, 31)]
    assert len(working) == 22
    return 8.0 * sum(d not in absent for d in working)


def test_a_month_of_the_sample_keeps_every_agent_within_the_norm(tmp_path: Path) -> None:
    out = plan(tmp_path / "month", "--month", "2026-12")
    absences = pd.read_csv(SAMPLE / "absences.csv", parse_dates=["start", "end"])
    away: dict[str, set[date]] = {}
    for a, s, e in zip(absences["agent_id"], absences["start"], absences["end"]):
        away.setdefault(a, set()).update(d.date() for d in pd.date_range(s, e))
    sheet = pd.read_csv(out / "timesheet.csv", parse_dates=["date"])
    december = sheet[sheet["date"].dt.month == 12].groupby("agent_id")["hours"].sum()
    pay = pd.read_csv(out / "pay.csv").set_index("agent_id")
    for agent, hours in december.items():
        norm = december_norm(away.get(agent, set()))
        assert pay.at[agent, "period_norm_hours"] == pytest.approx(norm)
        assert hours <= norm + 1e-6, (agent, hours, norm)
    assert pay["settled"].all() and pay["overtime"].sum() == 0
    off = pd.read_csv(out / "days_off.csv")
    assert len(off) > 0 and set(off["reason"]) == {"norm"}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 0
