"""From the named rota to what HR pays (planner.solve.payroll): the art. 96 hour per agent, the
timesheet and the pay per accounting period."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from conftest import agents_frame

from constraints.labour import parse_labour
from constraints.patterns import parse_pattern_book
from planner.solve.payroll import credited, horizon_pay, horizon_timesheet
from planner.solve.periods import plan_ledger
from planner.solve.schedule import solve_schedule
from planner.workspace.config import default_config

CFG = default_config()
NO_ABSENCES = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                            "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


def night_rota(agents: list[str]) -> pd.DataFrame:
    start = pd.Timestamp("2026-12-31 19:00")
    return pd.DataFrame({"agent_id": agents, "date": start.normalize(), "start": start,
                         "end": start + pd.Timedelta(hours=12), "paid_hours": 0.0, "night_hours": 0.0,
                         "holiday_hours": 0.0, "pattern": "2/2", "shift": "night"})


def test_a_night_shift_is_an_hour_shorter_unless_hired_for_nights() -> None:
    """Art. 96: 31 Dec 19:00 - 1 Jan 07:00 with a 1 h break is paid 12 h (11 worked + the hour
    credited), 7 of them holiday hours; 11 and 6 for an agent hired for night work; 11 for everyone
    at a site that turns the rule off."""
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "H"}).assign(hired_for_nights=[False, True])
    r = credited(night_rota(["A", "H"]), ag, CFG).set_index("agent_id")
    assert r.loc["A", ["paid_hours", "night_hours", "holiday_hours"]].tolist() == [12, 8, 7]
    assert r.loc["H", ["paid_hours", "night_hours", "holiday_hours"]].tolist() == [11, 8, 6]
    off = dataclasses.replace(CFG, labour=parse_labour({"shorter_night_shifts": False}))
    assert credited(night_rota(["A"]), ag, off)["paid_hours"].tolist() == [11]
    # without the column nobody was hired for night work
    assert credited(night_rota(["A"]), agents_frame({"agent_id": "A"}), CFG)["paid_hours"].tolist() == [12]


def test_pay_is_the_timesheets_hours_priced() -> None:
    """The night into New Year, horizon 1-7 January: only its 7 h on 1 January are the horizon's,
    all holiday hours, 6 at night; base 7 x 400, night 6 x 400 x 0.2, holiday 7 x 400 x 1."""
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "B"})
    sheet = horizon_timesheet(night_rota(["A"]), ag, NO_ABSENCES, CFG, date(2027, 1, 1), 7)
    assert len(sheet) == 14 and sheet["hours"].sum() == 7
    ledger = plan_ledger(CFG, ag, NO_ABSENCES, date(2027, 1, 1), 7)
    pay = horizon_pay(sheet, ag, ledger, CFG).set_index("agent_id")
    assert pay.loc["A", ["planned_hours", "night_hours", "holiday_hours", "overtime_hours"]].tolist() == [7, 6, 7, 0]
    assert pay.loc["A", ["base", "night_premium", "holiday_premium", "total"]].tolist() == [2800, 480, 2800, 6080]
    assert pay.loc["B", "total"] == 0 and pay.loc["B", "period_norm_hours"] == 120       # January 2027


def test_the_schedule_credits_the_hour_to_each_agent_as_hired() -> None:
    """Two agents on a nights-only 2/2: the one hired for night work is paid 11 h a night, the
    other 12 h, in rota.csv, the timesheet and the pay alike."""
    cfg = dataclasses.replace(CFG, book=parse_pattern_book(
        {"2/2": {"variants": {"night": ["night", "night", "off", "off"]}}}, {"night": {"starts": ["20:00"]}}))
    ts = pd.date_range("2026-11-23", periods=7 * 24, freq="h")
    need = np.where((ts.hour >= 20) | (ts.hour < 8), 1.0, 0.0)
    req = pd.DataFrame({"ts": ts, "channel": "all", "queue": "main", "agents": need, "scheduled_agents": need,
                        "contacts": 20 * need})
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "H"}).assign(hired_for_nights=[False, True])
    s = solve_schedule(cfg, req, ag, NO_ABSENCES, date(2026, 11, 23), 7, time_limit_s=3)
    paid = s.rota.groupby("agent_id")["paid_hours"].unique()
    assert list(paid["A"]) == [12.0] and list(paid["H"]) == [11.0]
    assert s.violations == ()
    t = s.timesheet.groupby("agent_id")["hours"].sum()
    assert s.pay.set_index("agent_id")["planned_hours"].to_dict() == pytest.approx(t.to_dict())
