"""planner/pipeline.py: the readers between stages, the default start, and the refusals that
must come before any work is done."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from common.errors import InputError
from planner.workspace.config import load_config
from planner.pipeline import month_span, next_monday, read_forecast, read_requirements, run_forecast, run_plan


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ next_monday


@pytest.mark.parametrize("today, monday", [
    (date(2026, 11, 16), date(2026, 11, 23)),   # a Monday: the week after, not today
    (date(2026, 11, 18), date(2026, 11, 23)),
    (date(2026, 11, 22), date(2026, 11, 23)),   # a Sunday: tomorrow
    (date(2026, 12, 31), date(2027, 1, 4)),     # across New Year
    (date(2028, 2, 28), date(2028, 3, 6)),      # across a leap day
])
def test_next_monday(today: date, monday: date) -> None:
    assert next_monday(today) == monday


def test_next_monday_is_always_the_coming_monday() -> None:
    day = date(2026, 1, 1)
    for k in range(28):
        d = day + timedelta(days=k)
        m = next_monday(d)
        assert m.isoweekday() == 1 and 1 <= (m - d).days <= 7


# ------------------------------------------------------------------------------ month_span


@pytest.mark.parametrize("month, first, days", [
    ("2027-01", date(2027, 1, 1), 31),      # from a Friday: not a whole number of weeks
    ("2027-02", date(2027, 2, 1), 28),
    ("2028-02", date(2028, 2, 1), 29),      # a leap year
    ("2100-02", date(2100, 2, 1), 28),      # a century that is no leap year
    ("2026-04", date(2026, 4, 1), 30),
    ("2026-12", date(2026, 12, 1), 31),
    ("2026-7", date(2026, 7, 1), 31),
    ("03.2027", date(2027, 3, 1), 31),      # as Russian users type it
    (" 2027-06 ", date(2027, 6, 1), 30),
])
def test_a_month_is_its_calendar_days(month: str, first: date, days: int) -> None:
    assert month_span(month) == (first, days)


@pytest.mark.parametrize("month", ["2027-13", "2027-00", "2027", "январь", "2027-01-01", "13.2027", ""])
def test_a_month_that_is_no_month_is_refused(month: str) -> None:
    with pytest.raises(InputError) as info:
        month_span(month)
    assert "--month expects a month YYYY-MM" in info.value.message and repr(month) in info.value.message


# ------------------------------------------------------------------------------ read_forecast


def test_read_forecast_as_rota_forecast_writes_it(tmp_path: Path) -> None:
    fc = read_forecast(write(tmp_path / "fc.csv", [
        "ts,channel,queue,contacts,aht_s",
        "2026-11-23 00:00,Phone,buyers,12.5,300",
        "2026-11-23 00:00,chat,buyers,3,",
    ]))
    assert list(fc["ts"]) == [pd.Timestamp("2026-11-23 00:00")] * 2
    assert list(fc["channel"]) == ["phone", "chat"]
    assert list(fc["queue"]) == ["buyers", "buyers"]
    assert list(fc["contacts"]) == [12.5, 3.0]
    assert fc["aht_s"].iloc[0] == 300 and pd.isna(fc["aht_s"].iloc[1])   # empty: the channel's aht_s applies


def test_read_forecast_of_a_plain_ts_contacts_file(tmp_path: Path) -> None:
    fc = read_forecast(write(tmp_path / "fc.csv", ["ts,contacts", "23.11.2026 10:00,200"]))
    assert fc[["ts", "channel", "queue", "contacts"]].values.tolist() == \
        [[pd.Timestamp("2026-11-23 10:00"), "phone", "main", 200.0]]


@pytest.mark.parametrize("lines, row, column", [
    (["ts,contacts", "2026-11-23 00:00,4", "2026-11-23 01:00,-1"], 3, "contacts"),
    (["ts,contacts", "2026-11-23 00:00,four"], 2, "contacts"),
    (["ts,contacts", "tomorrow,4"], 2, "ts"),
    (["ts,contacts", "2026-11-23 00:00,100", "2026-11-23 00:30,100"], 3, "ts"),   # hourly only
    (["ts,contacts,aht_s", "2026-11-23 00:00,4,180", "2026-11-23 01:00,4,0"], 3, "aht_s"),
    (["ts,channel,contacts", "2026-11-23 00:00,phone,4", "2026-11-23 01:00,phone,4", "2026-11-23 00:00,phone,5"],
     4, "ts"),
])
def test_read_forecast_refuses_bad_rows(tmp_path: Path, lines: list[str], row: int, column: str) -> None:
    with pytest.raises(InputError) as info:
        read_forecast(write(tmp_path / "fc.csv", lines))
    assert (info.value.file, info.value.row, info.value.column) == ("fc.csv", row, column)


def test_read_forecast_needs_contacts(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_forecast(write(tmp_path / "fc.csv", ["ts,calls", "2026-11-23 00:00,4"]))
    assert info.value.file == "fc.csv" and "contacts" in info.value.message


# ------------------------------------------------------------------------------ read_requirements


def test_requirements_with_only_ts_and_agents(tmp_path: Path) -> None:
    req = read_requirements(write(tmp_path / "req.csv", ["ts,agents", "2026-11-23 00:00,3", "2026-11-23 01:00,0"]))
    assert list(req["ts"]) == [pd.Timestamp("2026-11-23 00:00"), pd.Timestamp("2026-11-23 01:00")]
    assert list(req["agents"]) == [3, 0]
    assert list(req["scheduled_agents"]) == [3, 0]      # no shrinkage column: agents are the head count
    assert list(req["contacts"]) == [0, 0]
    assert list(req.index) == [0, 1]


def test_requirements_as_rota_requirements_writes_them(tmp_path: Path) -> None:
    req = read_requirements(write(tmp_path / "req.csv", [
        "ts,channel,queue,contacts,aht_s,agents,scheduled_agents,service_level,answer_s,sl_target,model",
        "2026-11-23 10:00,phone,main,200,180,14,20,0.888,20,0.8,erlang_c",
        "2026-11-23 10:00,email,main,30,420,4,6,,,,email",
    ]))
    assert list(req["channel"]) == ["phone", "email"]
    assert list(req["agents"]) == [14, 4] and list(req["scheduled_agents"]) == [20, 6]
    assert list(req["contacts"]) == [200, 30]
    assert req.loc[0, "answer_s"] == 20 and pd.isna(req.loc[1, "answer_s"])
    assert list(req["model"]) == ["erlang_c", "email"]


@pytest.mark.parametrize("lines, row, column", [
    (["ts,agents", "2026-11-23 00:00,3", "2026-11-23 00:00,4"], 3, "ts"),
    (["ts,agents", "2026-11-23 00:00,three"], 2, "agents"),
    (["ts,agents", "2026-11-23 00:00,3", "2026-11-23 00:30,3"], 3, "ts"),
    (["ts,agents", "2026-11-23 00:00,-2"], 2, "agents"),
    (["ts,agents,scheduled_agents", "2026-11-23 00:00,2,"], 2, "scheduled_agents"),
])
def test_requirements_refuse_bad_rows(tmp_path: Path, lines: list[str], row: int, column: str) -> None:
    with pytest.raises(InputError) as info:
        read_requirements(write(tmp_path / "req.csv", lines))
    assert (info.value.file, info.value.row, info.value.column) == ("req.csv", row, column)


def test_requirements_without_agents_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_requirements(write(tmp_path / "req.csv", ["ts,contacts", "2026-11-23 00:00,3"]))
    assert (info.value.file, info.value.row) == ("req.csv", 1) and "'agents'" in info.value.message


# ------------------------------------------------------------------------------ run_forecast / run_plan


def test_forecast_needs_history_before_the_start(tmp_path: Path) -> None:
    history = write(tmp_path / "h.csv", ["ts,contacts"] + [f"2026-11-23 {h:02d}:00,4" for h in range(24)])
    with pytest.raises(InputError) as info:
        run_forecast(history, date(2026, 11, 23), 1, load_config(None))
    assert info.value.file == "h.csv" and "before" in info.value.message


def test_a_series_that_starts_after_the_start_cannot_be_forecast(tmp_path: Path) -> None:
    lines = ["ts,channel,contacts"] + [f"2026-11-22 {h:02d}:00,phone,4" for h in range(24)]
    lines += [f"2026-11-23 {h:02d}:00,chat,2" for h in range(24)]
    with pytest.raises(InputError) as info:
        run_forecast(write(tmp_path / "h.csv", lines), date(2026, 11, 23), 1, load_config(None))
    assert info.value.file == "h.csv" and "chat/main" in info.value.message


def test_unknown_forecast_method_is_input_error(tmp_path: Path) -> None:
    history = write(tmp_path / "h.csv", ["ts,contacts"] + [f"2026-11-22 {h:02d}:00,4" for h in range(24)])
    with pytest.raises(InputError) as info:
        run_forecast(history, date(2026, 11, 23), 1, load_config(None), method="crystal_ball")
    assert "crystal_ball" in info.value.message and "--method" in info.value.message


def test_plan_needs_a_rota_toml(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        run_plan(tmp_path, date(2026, 11, 23), days=7)
    assert "rota.toml" in info.value.message


def test_plan_refuses_an_absences_file_named_in_config_that_is_missing(small_workspace: Path) -> None:
    toml = small_workspace / "rota.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('[site]', '[data]\nabsences = "leave.csv"\n\n[site]')
                    + '\n[forecast]\nmethods = ["weekly_mean"]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        run_plan(small_workspace, date(2026, 11, 23), days=7, time_limit_s=1)
    assert info.value.file == "leave.csv" and "not found" in info.value.message


def test_a_forecast_whose_chart_fails_leaves_no_csv(tmp_path, monkeypatch) -> None:
    """All or nothing: the chart is drawn before the CSV is put in place."""
    from datetime import date as _date

    import planner.pipeline as pipeline
    from conftest import small_history
    from planner.workspace.config import default_config

    history = tmp_path / "history.csv"
    small_history(weeks=4).to_csv(history, index=False)
    result = pipeline.run_forecast(history, _date(2026, 11, 16), 2, default_config())

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "plot_forecast", broken)
    with pytest.raises(OSError):
        pipeline.write_forecast(result, tmp_path / "fc.csv", tmp_path / "fc.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]


# ------------------------------------------------------------------------------ skills


def test_schedule_says_the_skill_warnings_before_solving(tmp_path: Path, monkeypatch) -> None:
    """A typo and a series nobody may serve are each one warning line; the solver still runs."""
    import io

    from rich.console import Console

    import planner.pipeline as pipeline

    toml = write(tmp_path / "rota.toml", ["[queues.sellers_en]", 'needs = ["sellers", "en"]'])
    agents = write(tmp_path / "agents.csv", ["agent_id,pattern,rate_rub_h,skills",
                                             "A1,2/2,400,chta;sellers", "A2,2/2,400,chat;sellers"])
    req = pd.DataFrame({"ts": pd.to_datetime(["2026-11-23 10:00"] * 2), "channel": ["chat", "chat"],
                        "queue": ["sellers", "sellers_en"], "agents": [1.0, 1.0]})
    solved = []

    class Stop(Exception):
        pass

    def solver(*args, **kwargs):
        solved.append(True)
        raise Stop

    monkeypatch.setattr(pipeline, "solve_schedule", solver)
    out = io.StringIO()
    with pytest.raises(Stop):
        pipeline.run_schedule(load_config(toml), req, agents, None, date(2026, 11, 23), days=7,
                              console=Console(file=out, width=300))
    lines = [line for line in out.getvalue().splitlines() if line.startswith("warning:")]
    assert solved and len(lines) == 3
    assert any("A1" in line and "'chta'" in line and "did you mean 'chat'" in line for line in lines)
    assert any("A1 may serve no series" in line for line in lines)
    assert any("chat/sellers_en" in line and "other series are planned" in line for line in lines)


def test_a_plan_less_than_a_month_ahead_is_warned_about_and_listed_in_the_summary(tmp_path: Path, monkeypatch) -> None:
    """Art. 103 with `today` given (never the real date): said before solving, and kept in the
    run's summary (summary.json's `warnings`); no word when the rota is made a month ahead."""
    import io

    from rich.console import Console

    from planner import pipeline

    agents = write(tmp_path / "agents.csv", ["agent_id,pattern,rate_rub_h", "A1,2/2,400", "A2,2/2,400"])
    req = pd.DataFrame({"ts": pd.date_range("2027-01-01", periods=24, freq="h"), "agents": 1.0})
    monkeypatch.setattr(pipeline, "summary", lambda *args: {"days": 1})
    monkeypatch.setattr(pipeline, "solve_schedule", lambda *args, **kwargs: None)
    said = {}
    for today in (date(2026, 12, 1), date(2026, 12, 2)):
        out = io.StringIO()
        run = pipeline.run_schedule(load_config(None), req, agents, None, date(2027, 1, 1), days=1, today=today,
                                    console=Console(file=out, width=400))
        said[today] = (run.summary["warnings"], out.getvalue())
    assert said[date(2026, 12, 1)] == ([], "")
    warnings, printed = said[date(2026, 12, 2)]
    assert len(warnings) == 1 and "art. 103" in warnings[0] and "2027-01-01" in warnings[0]
    assert printed == f"warning: {warnings[0]}\n"
