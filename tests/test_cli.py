"""End-to-end: the real `rota` command line on small workspaces.

Every figure checked here is computed independently of the code under test: from the files the
test wrote, from the law (night 22:00-06:00, 42 h weekly rest), or from the published Erlang C
example (the reference values: 10 Erlangs at 80/20 -> 14 agents, SL 0.88835, ASA 7.836 s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from conftest import small_agents, small_history
from forecasts.erlang import required_agents
from forecasts.models import METHODS

START = "2026-11-23"  # a Monday, one week after the small history ends
ROTA_COLUMNS = ["agent_id", "date", "start", "end", "paid_hours", "night_hours", "holiday_hours", "pattern", "shift",
                "serves"]
SUMMARY_KEYS = {
    "status", "objective", "bound", "gap", "solve_seconds", "agents", "required_agent_hours",
    "scheduled_agent_hours", "shortfall_agent_hours", "service_level", "cost", "violations",
}
COST_KEYS = {"base", "night_premium", "holiday_premium", "overtime", "total"}


def invoke(*args: object):
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def table_rows(text: str) -> list[list[str]]:
    """Body rows of a rich table printed to the terminal."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def night_hours(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Hours of [start, end) between 22:00 and 06:00, counted minute by minute (art. 96)."""
    minutes = pd.date_range(start, end, freq="min", inclusive="left")
    return float(((minutes.hour >= 22) | (minutes.hour < 6)).sum()) / 60


def on_duty_from_rota(rota: pd.DataFrame, hours: pd.Series) -> np.ndarray:
    """Agents on site at the start of each hour, counted from rota.csv's start and end alone."""
    ts = hours.to_numpy()[:, None]
    return ((ts >= rota["start"].to_numpy()[None, :]) & (ts < rota["end"].to_numpy()[None, :])).sum(axis=1)


# ------------------------------------------------------------------------------ help


@pytest.mark.parametrize("command", ["forecast", "backtest", "requirements", "schedule", "plan", "init", "validate", "simulate"])
def test_help_of_every_command_shows_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert f"Example: rota {command}" in result.output


def test_installed_console_script_runs(tmp_path: Path) -> None:
    rota = shutil.which("rota")
    if rota is None:
        pytest.skip("the rota console script is not installed")
    helped = subprocess.run([rota, "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0, helped.stderr
    for command in ("forecast", "backtest", "requirements", "schedule", "plan"):
        assert command in helped.stdout

    forecast = tmp_path / "forecast.csv"
    forecast.write_text("ts,channel,contacts\n2026-11-23 10:00,phone,200\n", encoding="utf-8")
    out = tmp_path / "req.csv"
    ran = subprocess.run([rota, "requirements", "--forecast", str(forecast), "--out", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    req = pd.read_csv(out)
    assert len(req) == 1 and req.loc[0, "contacts"] == 200 and req.loc[0, "agents"] > 0


# ------------------------------------------------------------------------------ forecast


def test_forecast_writes_every_hour_of_the_horizon_and_a_plot(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    small_history(weeks=6).to_csv(history, index=False)
    out, png = tmp_path / "fc" / "forecast.csv", tmp_path / "fc.png"
    result = invoke("forecast", "--history", history, "--start", "2026-11-16", "--days", 3, "--out", out, "--plot", png)
    assert result.exit_code == 0, result.output

    fc = pd.read_csv(out)
    assert list(fc.columns) == ["ts", "channel", "queue", "contacts", "contacts_p10", "contacts_p90", "dispersion", "burstiness"]
    assert (fc["contacts_p10"] <= fc["contacts_p90"]).all() and (fc["contacts_p10"] >= 0).all()
    hours = pd.date_range("2026-11-16 00:00", periods=72, freq="h")
    for series in (("phone", "buyers"), ("chat", "buyers")):
        part = fc[(fc["channel"] == series[0]) & (fc["queue"] == series[1])]
        assert list(pd.to_datetime(part["ts"])) == list(hours)
    assert len(fc) == 2 * 72
    assert (fc["contacts"] >= 0).all() and fc["contacts"].notna().all()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_uses_only_history_before_start(tmp_path: Path) -> None:
    history = small_history(weeks=6)
    later = pd.to_datetime(history["ts"]) >= pd.Timestamp("2026-11-09")
    assert later.any()
    changed = history.copy()
    changed.loc[later, "contacts"] = changed.loc[later, "contacts"] * 3 + 7
    outputs = []
    for name, frame in (("original", history), ("changed", changed)):
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        out = tmp_path / f"{name}_fc.csv"
        result = invoke("forecast", "--history", path, "--start", "2026-11-09", "--days", 2, "--out", out)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    fc = pd.read_csv(tmp_path / "original_fc.csv")
    assert pd.to_datetime(fc["ts"]).min() == pd.Timestamp("2026-11-09 00:00")


def test_forecast_is_not_shaped_by_hours_that_open_after_start(tmp_path: Path) -> None:
    """Closed 02:00-04:00 (no rows) before --start, open after it: the forecast stays closed."""
    hours = pd.date_range("2026-10-05", periods=8 * 168, freq="h")
    frame = pd.DataFrame({"ts": hours, "contacts": 10})
    closed = frame["ts"].dt.hour.isin([2, 3])
    before = frame["ts"] < pd.Timestamp("2026-11-16")
    outputs = []
    for name, rows in (("until_start", before & ~closed), ("beyond_start", ~before | ~closed)):
        path = tmp_path / f"{name}.csv"
        frame[rows].assign(ts=lambda f: f["ts"].dt.strftime("%Y-%m-%d %H:%M")).to_csv(path, index=False)
        out = tmp_path / f"{name}_fc.csv"
        result = invoke("forecast", "--history", path, "--start", "2026-11-16", "--days", 1,
                        "--method", "seasonal_naive", "--out", out)
        assert result.exit_code == 0, result.output
        outputs.append(pd.read_csv(out))
    for fc in outputs:
        night = pd.to_datetime(fc["ts"]).dt.hour.isin([2, 3])
        assert (fc.loc[night, "contacts"] == 0).all() and (fc.loc[~night, "contacts"] == 10).all()


# ------------------------------------------------------------------------------ backtest


def test_backtest_scores_every_method_and_marks_one_best_per_series(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    small_history(weeks=6).to_csv(history, index=False)
    result = invoke("backtest", "--history", history, "--origins", 2)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    series = {r[0] for r in rows}
    assert series == {"phone/buyers", "chat/buyers"}
    for key in series:
        mine = [r for r in rows if r[0] == key]
        assert sorted(r[1] for r in mine) == sorted(METHODS)
        best = [r for r in mine if r[4] == "best"]
        assert len(best) == 1
        assert float(best[0][2]) == min(float(r[2]) for r in mine)
        coverage = [float(r[5].rstrip("%")) for r in mine]      # the 80 % interval's share of open hours
        assert all(0 <= c <= 100 for c in coverage) and all(float(r[6]) >= 0 for r in mine)


# ------------------------------------------------------------------------------ requirements


def test_requirements_reproduce_the_published_erlang_example(tmp_path: Path) -> None:
    """200 calls in an hour at AHT 180 s is 10 Erlangs, as 100 calls in 30 minutes: 14 agents."""
    config = tmp_path / "rota.toml"
    config.write_text(
        "[staffing]\nshrinkage = 0.30\nmax_occupancy = 1.0\n\n"
        '[channels.phone]\nmodel = "erlang_c"\naht_s = 180\nanswer_s = 20\nsl_target = 0.80\n',
        encoding="utf-8",
    )
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("ts,channel,queue,contacts\n2026-11-23 10:00,phone,main,200\n2026-11-23 11:00,phone,main,0\n",
                        encoding="utf-8")
    out = tmp_path / "req.csv"
    result = invoke("requirements", "--forecast", forecast, "--config", config, "--out", out)
    assert result.exit_code == 0, result.output
    req = pd.read_csv(out)
    for col in ("ts", "channel", "queue", "contacts", "aht_s", "agents", "scheduled_agents", "service_level"):
        assert col in req.columns
    busy = req.iloc[0]
    assert busy["agents"] == 14
    assert busy["agents"] == int(required_agents(calls=200, interval_s=3600, aht_s=180, answer_s=20, sl_target=0.8))
    assert busy["scheduled_agents"] == 20          # 14 / (1 - 0.30)
    assert busy["service_level"] == pytest.approx(0.88835, abs=5e-6)
    if "asa_s" in req.columns:
        assert busy["asa_s"] == pytest.approx(7.836, abs=5e-4)
    assert req.iloc[1]["agents"] == 0


def test_forecast_then_requirements_round_trip(tmp_path: Path) -> None:
    """A series without handle time in the history forecasts an empty aht_s; requirements then
    use the channel's own aht_s instead of refusing the forecast they were handed."""
    hours = pd.date_range("2026-10-26", periods=28 * 24, freq="h").strftime("%Y-%m-%d %H:%M")
    history = tmp_path / "history.csv"
    pd.concat([
        pd.DataFrame({"ts": hours, "channel": "phone", "contacts": 20, "aht_s": 300}),
        pd.DataFrame({"ts": hours, "channel": "email", "contacts": 5, "aht_s": np.nan}),
    ]).to_csv(history, index=False)
    forecast, req = tmp_path / "fc.csv", tmp_path / "req.csv"
    assert invoke("forecast", "--history", history, "--start", START, "--days", 1, "--out", forecast).exit_code == 0
    result = invoke("requirements", "--forecast", forecast, "--out", req)
    assert result.exit_code == 0, result.output
    out = pd.read_csv(req)
    assert len(out) == 2 * 24 and out["aht_s"].notna().all() and out["agents"].notna().all()
    assert np.allclose(out.loc[out["channel"] == "phone", "aht_s"], 300)
    assert np.allclose(out["contacts"], np.where(out["channel"] == "phone", 20, 5))


# ------------------------------------------------------------------------------ schedule


def test_schedule_from_a_ts_agents_requirements_file(tmp_path: Path) -> None:
    hours = pd.date_range(START, periods=7 * 24, freq="h")
    need = np.where((hours.hour >= 8) & (hours.hour < 20), 4, 2)
    requirements = tmp_path / "req.csv"
    pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "agents": need}).to_csv(requirements, index=False)
    agents = tmp_path / "agents.csv"
    small_agents(n22=8, n33=2, n52=4).to_csv(agents, index=False)
    out = tmp_path / "out"
    result = invoke("schedule", "--requirements", requirements, "--agents", agents, "--start", START,
                    "--weeks", 1, "--time-limit", 2, "--out", out)
    assert result.exit_code == 0, result.output
    rota = pd.read_csv(out / "rota.csv")
    assert list(rota.columns) == ROTA_COLUMNS
    assert set(rota["agent_id"]) <= set(pd.read_csv(agents)["agent_id"])
    coverage = pd.read_csv(out / "coverage.csv")
    assert list(pd.to_datetime(coverage["ts"])) == list(hours)
    assert list(coverage["required"]) == list(need)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["violations"] == 0
    assert summary["required_agent_hours"] == need.sum()


def test_a_rota_that_ends_the_month_settles_its_overtime_with_worked_csv(tmp_path: Path) -> None:
    """Summed accounting (art. 104) end to end: `rota schedule` from Tuesday 24 to Monday 30
    November 2026, which ends November (159 h, DESIGN.md §6). worked.csv (cp1251, `;`, decimal
    commas, as HR's export) says T001 worked 150,5 h before, 40 of them at night, all on 2-23
    November, none on a holiday; T002 nothing. pay.csv settles November from those figures: T001's
    overtime is 150.5 + the week's hours - 159, paid (2 x 0.5 + the rest x 1.0) x rate x (1 + 0.2
    x night share of all its hours) (art. 152, ruling 35-П). A bad row stops the run: exit 2, one
    line naming the file, row and column, nothing written."""
    hours = pd.date_range("2026-11-24", periods=7 * 24, freq="h")
    requirements = tmp_path / "req.csv"
    pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "agents": 2}).to_csv(requirements, index=False)
    (tmp_path / "rota.toml").write_text("[solver]\ntime_limit_s = 2\nseed = 1\n", encoding="utf-8")
    agents = tmp_path / "agents.csv"
    small_agents(n22=4, n33=0, n52=2).to_csv(agents, index=False)
    days = [f"{d:02d}.11.2026" for d in range(2, 24) if d != 4][:14]
    rows = [f"T001;{d};10,75;{'4' if k < 10 else '0'}" for k, d in enumerate(days)]
    (tmp_path / "worked.csv").write_bytes(("agent_id;date;hours;night_hours\n" + "\n".join(rows) + "\n")
                                          .encode("cp1251"))
    out = tmp_path / "out"
    args = ("schedule", "--requirements", requirements, "--agents", agents, "--config", tmp_path / "rota.toml",
            "--start", "2026-11-24", "--time-limit", 2, "--out", out)
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    pay = pd.read_csv(out / "pay.csv").set_index("agent_id")
    sheet = pd.read_csv(out / "timesheet.csv")
    week = sheet.groupby("agent_id")[["hours", "night_hours"]].sum()
    t001 = pay.loc["T001"]
    assert (t001["period"], bool(t001["settled"]), t001["period_norm_hours"]) == ("2026-11", True, 159)
    assert t001["hours_before"] == pytest.approx(14 * 10.75) and pay.loc["T002", "hours_before"] == 0
    total = 14 * 10.75 + week.loc["T001", "hours"]
    over = max(total - 159, 0.0)
    assert t001["overtime_hours"] == pytest.approx(over) and t001["balance"] == pytest.approx(total - 159)
    share = (10 * 4 + week.loc["T001", "night_hours"]) / total
    rate = float(pd.read_csv(agents).set_index("agent_id").loc["T001", "rate_rub_h"])
    premium = min(over, 2) * 0.5 + max(over - 2, 0) * 1.0
    assert over > 0 and t001["overtime"] == pytest.approx(round(premium * rate * (1 + 0.2 * share), 2), abs=0.01)
    assert (pay["overtime"] > 0).sum() == 1                     # nobody else reaches 159 h in one week
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["cost"]["overtime"] == pytest.approx(pay["overtime"].sum(), abs=0.01)
    assert summary["period_balance"][0]["period"] == "2026-11" and summary["period_balance"][0]["settled"]
    assert "2026-11 balance" in result.output and "(projected)" not in result.output

    (tmp_path / "worked.csv").write_text("agent_id,date,hours\nT001,2026-11-09,11\nT002,2026-11-09,26\n",
                                         encoding="utf-8")
    again = tmp_path / "again"
    bad = invoke(*args[:-1], again)
    assert bad.exit_code == 2
    assert "worked.csv, row 3, column 'hours': 26 h is more than the 24 h of a day" in " ".join(bad.output.split())
    assert not again.exists() or not any(again.iterdir())


# ------------------------------------------------------------------------------ plan


@pytest.fixture(scope="module")
def plan_run(staffed_workspace: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("plan") / "out"
    result = CliRunner().invoke(cli.app, ["plan", "--workspace", str(staffed_workspace), "--start", START,
                                          "--weeks", "1", "--time-limit", "5", "--out", str(out)])
    return result, out, staffed_workspace


@pytest.fixture(scope="module")
def plan_rota(plan_run) -> pd.DataFrame:
    _, out, _ = plan_run
    return pd.read_csv(out / "rota.csv", parse_dates=["start", "end"])


def test_plan_exits_0_and_writes_the_three_results(plan_run) -> None:
    result, out, ws = plan_run
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with open(out / "rota.csv", encoding="utf-8") as fh:
        assert fh.readline().strip().split(",") == ROTA_COLUMNS
    coverage = pd.read_csv(out / "coverage.csv")
    assert list(coverage.columns[:4]) == ["ts", "required", "scheduled", "service_level"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert SUMMARY_KEYS <= set(summary)
    assert COST_KEYS <= set(summary["cost"])
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["violations"] == 0
    assert summary["agents"] == len(pd.read_csv(ws / "agents.csv"))


def test_plan_writes_pay_csv_and_timesheet_csv_beside_rota_csv(plan_run, plan_rota: pd.DataFrame) -> None:
    """Issue #13: pay.csv (one row per agent) and timesheet.csv (one row per agent and calendar day
    of the horizon, hours split at midnight), and each adds up to the other."""
    _, out, ws = plan_run
    pay = pd.read_csv(out / "pay.csv")
    sheet = pd.read_csv(out / "timesheet.csv", parse_dates=["date"])
    agents = pd.read_csv(ws / "agents.csv")
    assert list(pay.columns) == ["agent_id", "period", "settled", "period_norm_hours", "hours_before", "planned_hours",
                                 "projected_period_hours", "balance", "night_hours", "holiday_hours", "overtime_hours",
                                 "projected_overtime_hours", "base", "night_premium", "holiday_premium", "overtime",
                                 "total"]
    assert list(sheet.columns) == ["agent_id", "date", "code", "hours", "night_hours"]
    assert sorted(pay["agent_id"]) == sorted(agents["agent_id"])
    days = pd.date_range(START, periods=7)
    assert len(sheet) == len(agents) * 7 and set(sheet["date"]) == set(days)
    per_agent = sheet.groupby("agent_id")[["hours", "night_hours"]].sum().reindex(pay["agent_id"])
    assert pay["planned_hours"].tolist() == pytest.approx(per_agent["hours"].tolist())
    assert pay["night_hours"].tolist() == pytest.approx(per_agent["night_hours"].tolist())
    rate = pay["agent_id"].map(agents.set_index("agent_id")["rate_rub_h"])
    assert pay["base"].tolist() == pytest.approx((pay["planned_hours"] * rate).round(2).tolist())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["cost"]["total"] == pytest.approx(pay["total"].sum(), abs=0.01)
    # a shift's hours are on the calendar days it touches. Nobody here was hired for night work, and
    # breaks are 1 h: a night shift's break and its art. 96 hour fall on the same (longer) part, so
    # each of its days holds exactly its time on site there; a day shift holds on site - 1 h.
    expected: dict[tuple[str, pd.Timestamp], float] = {}
    for r in plan_rota.itertuples():
        day = r.start.normalize()
        while day < r.end:
            on_site = (min(r.end, day + timedelta(days=1)) - max(r.start, day)) / timedelta(hours=1)
            key = (r.agent_id, day)
            expected[key] = expected.get(key, 0.0) + on_site - (r.night_hours == 0)
            day += timedelta(days=1)
    got = sheet.set_index(["agent_id", "date"])["hours"]
    assert all(got[k] == pytest.approx(v) for k, v in expected.items() if k[1] in set(days))
    assert got.sum() == pytest.approx(sum(v for k, v in expected.items() if k[1] in set(days)))
    assert not (out / ".rota-partial").exists()


def test_plan_staffs_every_hour_of_the_week(plan_run) -> None:
    _, out, _ = plan_run
    coverage = pd.read_csv(out / "coverage.csv", parse_dates=["ts"])
    assert list(coverage["ts"]) == list(pd.date_range(START, periods=168, freq="h"))
    assert (coverage["scheduled"] >= 1).all(), coverage[coverage["scheduled"] < 1]
    assert coverage["service_level"].between(0, 1).all()


def test_plan_summary_adds_up(plan_run, plan_rota: pd.DataFrame) -> None:
    _, out, ws = plan_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    coverage = pd.read_csv(out / "coverage.csv")
    assert summary["required_agent_hours"] == pytest.approx(coverage["required"].sum())
    assert summary["scheduled_agent_hours"] == pytest.approx(coverage["scheduled"].sum())
    short = np.maximum(coverage["required"] - coverage["scheduled"], 0).sum()
    assert summary["shortfall_agent_hours"] == pytest.approx(short)
    assert 0 <= summary["service_level"] <= 1
    cost = summary["cost"]
    assert cost["total"] == pytest.approx(cost["base"] + cost["night_premium"] + cost["holiday_premium"]
                                          + cost["overtime"], abs=0.05)
    rates = pd.read_csv(ws / "agents.csv").set_index("agent_id")["rate_rub_h"]
    sheet = pd.read_csv(out / "timesheet.csv")              # the hours of the week's calendar days
    rate = sheet["agent_id"].map(rates)
    assert cost["base"] == pytest.approx((sheet["hours"] * rate).sum(), abs=0.05)
    assert cost["night_premium"] == pytest.approx((sheet["night_hours"] * rate * 0.20).sum(), abs=0.05)


def test_the_next_plan_takes_last_weeks_results_folder_as_previous(plan_run, tmp_path: Path) -> None:
    """`--previous week49/` as `rota simulate --rota week49/` takes it: the folder's rota.xlsx."""
    _, out, ws = plan_run
    nxt = tmp_path / "next"
    result = invoke("plan", "--workspace", ws, "--start", "2026-11-30", "--previous", out, "--time-limit", 2,
                    "--out", nxt)
    assert result.exit_code == 0, result.output
    assert f"previous rota: {out / 'rota.xlsx'}" in " ".join(result.output.split())
    first = pd.read_csv(nxt / "rota.csv", parse_dates=["start"])
    assert first["start"].min() >= pd.Timestamp("2026-11-30")   # the rota before it is known: no eve column


@pytest.mark.parametrize("command", ["plan", "compare", "size", "validate"])
def test_a_workspace_that_is_not_there_is_said_before_anything_runs(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "no_such_site"
    args = [missing] if command == "validate" else ["--workspace", missing]
    result = invoke(command, *args, *(["--mix", "2/2=1"] if command == "size" else []))
    assert result.exit_code == 2
    assert "Planning" not in result.output and "Comparing" not in result.output
    assert f"{missing}: workspace folder not found" in result.stderr


def test_plan_rota_keeps_the_law_and_the_agents_file(plan_run, plan_rota: pd.DataFrame) -> None:
    _, _, ws = plan_run
    rota = plan_rota.sort_values(["agent_id", "start"])
    agents = pd.read_csv(ws / "agents.csv").set_index("agent_id")
    on_site = (rota["end"] - rota["start"]).dt.total_seconds() / 3600
    twelve = rota["pattern"].isin(["2/2", "3/3"])
    assert (on_site[twelve] == 12).all() and (on_site[~twelve] == 9).all()
    # one unpaid hour of breaks; a night shift is paid one hour more (art. 96: none hired for nights)
    night_shift = 2 * rota["night_hours"] >= on_site
    assert (rota["paid_hours"] == on_site - 1 + night_shift).all()
    assert list(rota["night_hours"]) == [night_hours(s, e) for s, e in zip(rota["start"], rota["end"])]
    assert (rota["holiday_hours"] == 0).all()                  # no art. 112 holiday in that week
    assert (rota["pattern"] == rota["agent_id"].map(agents["pattern"])).all()
    assert (pd.to_datetime(rota["date"]) == rota["start"].dt.normalize()).all()

    monday, sunday_night = pd.Timestamp(START), pd.Timestamp(START) + timedelta(days=7)
    for agent, shifts in rota.groupby("agent_id"):
        rest = (shifts["start"].iloc[1:].to_numpy() - shifts["end"].iloc[:-1].to_numpy()) / np.timedelta64(1, "h")
        assert (rest >= 12).all(), agent                      # labour.min_daily_rest_h default
        # art. 110: a rest of 42 h, at least half of it inside this Monday-to-Sunday week; the time before
        # the first and after the last shift is open-ended (nothing is known beyond the horizon)
        ends = [monday - timedelta(days=30), *shifts["end"]]
        starts = [*shifts["start"], sunday_night + timedelta(days=30)]
        ok = [(b - a) / timedelta(hours=1) >= 42 and (min(b, sunday_night) - max(a, monday)) / timedelta(hours=1) >= 21
              for a, b in zip(ends, starts)]
        assert any(ok), agent

    assert str(agents.loc["T003", "night_ok"]).lower() == "false"
    assert (rota.loc[rota["agent_id"] == "T003", "night_hours"] == 0).all()
    assert "T020" not in set(rota["agent_id"])                # on vacation all week
    sick = rota[(rota["agent_id"] == "T002")]
    assert not sick["date"].isin(["2026-11-24", "2026-11-25", "2026-11-26"]).any()


def test_plan_coverage_counts_the_shifts_of_rota_csv(plan_run, plan_rota: pd.DataFrame) -> None:
    """From midday of the first day on, no shift of an earlier day can reach the horizon."""
    _, out, _ = plan_run
    coverage = pd.read_csv(out / "coverage.csv", parse_dates=["ts"])
    on_duty = on_duty_from_rota(plan_rota, coverage["ts"])
    later = coverage["ts"] >= pd.Timestamp(START) + timedelta(hours=12)
    assert (on_duty[later] == coverage.loc[later, "scheduled"]).all()


def test_plan_first_morning_is_staffed_by_the_rota_itself(plan_run, plan_rota: pd.DataFrame) -> None:
    _, out, _ = plan_run
    coverage = pd.read_csv(out / "coverage.csv", parse_dates=["ts"])
    on_duty = on_duty_from_rota(plan_rota, coverage["ts"])
    assert (on_duty == coverage["scheduled"]).all()
    assert (on_duty >= 1).all()


# ------------------------------------------------------------------------------ results, init, validate


def test_plan_writes_the_workbook_and_the_charts(plan_run) -> None:
    result, out, _ = plan_run
    for name in ("rota.xlsx", "coverage_by_day.png", "service_by_hour.png", "forecast.png"):
        assert (out / name).stat().st_size > 0, name
        assert f"wrote {out / name}" in " ".join(result.output.split())
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_a_rota_that_breaks_a_rule_is_written_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit code 1 means: results written, but the checker found a broken rule (listed)."""
    import planner.solve.schedule
    from constraints.checker import Violation

    def one_violation(rota, *args, **kwargs):
        return [Violation("daily_rest", str(rota["agent_id"].iloc[0]), None, "rest 10 h < 12 h")]

    monkeypatch.setattr(planner.solve.schedule, "check_rota", one_violation)
    hours = pd.date_range(START, periods=7 * 24, freq="h")
    requirements = tmp_path / "req.csv"
    pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "agents": 2}).to_csv(requirements, index=False)
    agents = tmp_path / "agents.csv"
    small_agents(n22=4, n33=0, n52=2).to_csv(agents, index=False)
    out = tmp_path / "out"
    result = invoke("schedule", "--requirements", requirements, "--agents", agents, "--start", START,
                    "--time-limit", 2, "--out", out)
    assert result.exit_code == 1, result.output
    assert "daily_rest" in result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 1


def test_init_makes_a_workspace_that_validates_and_refuses_a_used_folder(tmp_path: Path) -> None:
    ws = tmp_path / "site"
    result = invoke("init", ws)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in ws.iterdir()) == ["absences.csv", "agents.csv", "history.csv", "rota.toml",
                                                    "scenarios"]
    assert (ws / "agents.csv").read_bytes() == (cli.SAMPLE / "agents.csv").read_bytes()
    result = invoke("validate", ws, "--start", START)
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    again = invoke("init", ws)
    assert again.exit_code == 2
    assert "not empty" in again.output


def test_validate_lists_every_problem_at_once(tmp_path: Path) -> None:
    ws = tmp_path / "site"
    assert invoke("init", ws).exit_code == 0
    agents = pd.read_csv(ws / "agents.csv", dtype=str, keep_default_na=False)
    agents.loc[2, "pattern"] = "4/4"          # spreadsheet row 4
    agents.loc[6, "rate_rub_h"] = "дорого"     # row 8
    agents.loc[9, "night_ok"] = "maybe"       # row 11
    agents.to_csv(ws / "agents.csv", index=False)
    absences = pd.read_csv(ws / "absences.csv", dtype=str, keep_default_na=False)
    absences.loc[0, "agent_id"] = "NOBODY"    # row 2
    absences.to_csv(ws / "absences.csv", index=False)
    result = invoke("validate", ws, "--start", START)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for where in ("agents.csv, row 4, column 'pattern'", "agents.csv, row 8, column 'rate_rub_h'",
                  "agents.csv, row 11, column 'night_ok'", "absences.csv, row 2, column 'agent_id'"):
        assert where in text, where
    assert "4 problem(s)" in text


def test_dates_may_be_typed_the_russian_way() -> None:
    result = invoke("validate", cli.SAMPLE, "--start", "23.11.2026")
    assert result.exit_code == 0, result.output
    bad = invoke("validate", cli.SAMPLE, "--start", "2026/11/23")
    assert bad.exit_code == 2 and "--start expects a date" in bad.output


# ------------------------------------------------------------------------------ a month, and the rotas before it


@pytest.mark.parametrize("command", ["plan", "schedule"])
@pytest.mark.parametrize("other", [("--start", "2026-12-01"), ("--weeks", "2")])
def test_month_with_start_or_weeks_is_a_usage_error(command: str, other: tuple[str, str], tmp_path: Path) -> None:
    files = ["--requirements", tmp_path / "req.csv", "--agents", tmp_path / "agents.csv"]
    args = files if command == "schedule" else []
    result = invoke(command, *args, "--month", "2026-12", *other, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: --month plans a whole calendar month from its 1st: give it without "
                                     f"{other[0]}")
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def month_run(staffed_workspace: Path, tmp_path_factory: pytest.TempPathFactory):
    """December 2026 (from a Tuesday, 31 days) planned on 16 November (ROTA_TODAY, conftest)."""
    out = tmp_path_factory.mktemp("month") / "out"
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, [
        "plan", "--workspace", str(staffed_workspace), "--month", "2026-12", "--time-limit", "5", "--out", str(out)])
    return result, out, staffed_workspace


def test_a_month_plan_covers_every_day_of_the_month(month_run) -> None:
    result, out, ws = month_run
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Planning the 31 days of December 2026" in text and "Rota 2026-12-01 + 31 days" in text
    agents = pd.read_csv(ws / "agents.csv")
    hours = pd.date_range("2026-12-01", periods=31 * 24, freq="h")
    assert list(pd.to_datetime(pd.read_csv(out / "coverage.csv")["ts"])) == list(hours)
    assert (pd.read_csv(out / "coverage.csv")["scheduled"] >= 1).all()
    sheet = pd.read_csv(out / "timesheet.csv", parse_dates=["date"])
    assert len(sheet) == 31 * len(agents) and set(sheet["date"]) == set(pd.date_range("2026-12-01", "2026-12-31"))
    pay = pd.read_csv(out / "pay.csv")
    assert sorted(pay["agent_id"]) == sorted(agents["agent_id"])
    assert (pay["period_norm_hours"] == 176).all()   # December 2026's norm, the month whole (nobody away)
    assert (pay["planned_hours"] <= 176 + 1e-6).all() and pay["overtime"].sum() == 0   # no planned overtime
    rota = pd.read_csv(out / "rota.csv", parse_dates=["date"])
    assert rota["date"].min() >= pd.Timestamp("2026-11-30") and rota["date"].max() == pd.Timestamp("2026-12-31")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["start"], summary["days"], summary["violations"]) == ("2026-12-01", 31, 0)
    assert summary["cost"]["total"] == pytest.approx(pay["total"].sum(), abs=0.01)


def test_a_month_plan_made_two_weeks_ahead_is_warned_about_art_103(month_run) -> None:
    result, out, _ = month_run
    said = " ".join(result.output.split())
    assert ("warning: the plan starts on 2026-12-01, 15 days after today (2026-11-16): art. 103 of the Labour Code "
            "wants a shift schedule shown to the staff at least one month before it takes effect (this one by "
            "2026-11-01)") in said
    warnings = json.loads((out / "summary.json").read_text(encoding="utf-8"))["warnings"]
    assert any("art. 103" in w for w in warnings)
    assert any("history.csv" in w for w in warnings)       # the history ends 15 days before: said as well


def test_a_month_prints_a_week_per_page_from_its_first_day(month_run) -> None:
    import openpyxl

    _, out, _ = month_run
    wb = openpyxl.load_workbook(out / "rota.xlsx")
    for name in ("Rota", "Timesheet"):
        ws = wb[name]
        cols = {c.value.date(): c.column for c in ws[3] if hasattr(c.value, "date")}
        breaks = [b.id for b in ws.col_breaks.brk]
        weeks = [cols[pd.Timestamp(d).date()] for d in ("2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28")]
        assert breaks[:4] == weeks, name                           # then 29-31 December on a page of their own
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
    horizon = {p.name: p.value for p in wb.custom_doc_props.props}
    assert horizon["rota_horizon"] == "2026-12-01/2026-12-31"    # --previous rota.xlsx knows where it ends


def test_schedule_plans_a_leap_february_without_a_warning_a_month_ahead(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ROTA_TODAY", "2027-12-30")
    hours = pd.date_range("2028-02-01", periods=29 * 24, freq="h")
    requirements = tmp_path / "req.csv"
    pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "agents": 2}).to_csv(requirements, index=False)
    agents = tmp_path / "agents.csv"
    small_agents(n22=6, n33=0, n52=2).to_csv(agents, index=False)
    out = tmp_path / "out"
    result = invoke("schedule", "--requirements", requirements, "--agents", agents, "--month", "02.2028",
                    "--time-limit", 2, "--out", out)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["start"], summary["days"], summary["warnings"]) == ("2028-02-01", 29, [])
    assert list(pd.to_datetime(pd.read_csv(out / "coverage.csv")["ts"])) == list(hours)
    assert pd.read_csv(out / "timesheet.csv")["date"].nunique() == 29


@pytest.fixture(scope="module")
def two_weeks(plan_run, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The weeks of 23 and 30 November, the second planned with the first as its previous rota."""
    _, week1, ws = plan_run
    week2 = tmp_path_factory.mktemp("week2") / "out"
    result = CliRunner().invoke(cli.app, ["plan", "--workspace", str(ws), "--start", "2026-11-30", "--previous",
                                          str(week1), "--time-limit", "2", "--out", str(week2)])
    assert result.exit_code == 0, result.output
    return ws, week1, week2


def test_the_weeks_so_far_are_given_as_several_previous_rotas(two_weeks, tmp_path: Path) -> None:
    ws, week1, week2 = two_weeks
    out = tmp_path / "week3"
    result = invoke("plan", "--workspace", ws, "--start", "2026-12-07", "--previous", week1, "--previous", week2,
                    "--time-limit", 2, "--out", out)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"previous rota: {week1 / 'rota.xlsx'}" in text and f"previous rota: {week2 / 'rota.xlsx'}" in text
    rota = pd.read_csv(out / "rota.csv", parse_dates=["start", "end"])
    assert rota["start"].min() >= pd.Timestamp("2026-12-07")      # the nights of 6 December are week 2's
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["violations"] == 0
    # everyone's daily rest runs on from the last shift of week 2, which the checker was given too
    last = pd.read_csv(week2 / "rota.csv", parse_dates=["end"]).groupby("agent_id")["end"].max()
    first = rota.groupby("agent_id")["start"].min()
    both = first.index.intersection(last.index)
    assert ((first[both] - last[both]) >= pd.Timedelta(hours=12)).all()


@pytest.mark.parametrize("start, previous, words", [
    ("2026-12-08", (1, 2), ("the previous rota ends on 2026-12-06 and the plan starts on 2026-12-08: 2026-12-07 is "
                            "in neither; give the rota of that day as another --previous, or start on 2026-12-07")),
    ("2026-12-07", (1,), ("the previous rota ends on 2026-11-29 and the plan starts on 2026-12-07: 2026-11-30 to "
                          "2026-12-06 are in neither; give the rota of those days as another --previous, or start on "
                          "2026-11-30")),
])
def test_days_in_no_previous_rota_are_named_before_anything_is_planned(two_weeks, tmp_path: Path, start: str,
                                                                        previous: tuple[int, ...], words: str) -> None:
    ws, week1, week2 = two_weeks
    weeks = {1: week1, 2: week2}
    out = tmp_path / "out"
    args = [a for k in previous for a in ("--previous", weeks[k])]
    result = invoke("plan", "--workspace", ws, "--start", start, *args, "--out", out)
    assert result.exit_code == 2
    line = " ".join(result.stderr.split())
    assert line == f"error: {weeks[previous[-1]] / 'rota.xlsx'}: {words}"
    assert "Traceback" not in result.output and not out.exists()


@pytest.fixture(scope="module")
def published_week(staffed_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week of 30 November planned and published (the results folder the team lead hands out)."""
    out = tmp_path_factory.mktemp("published") / "out"
    result = CliRunner().invoke(cli.app, ["plan", "--workspace", str(staffed_workspace), "--start", "2026-11-30",
                                          "--time-limit", "10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_a_replan_with_the_same_inputs_changes_no_published_shift(staffed_workspace: Path, published_week: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "again"
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, [
        "plan", "--workspace", str(staffed_workspace), "--start", "2026-11-30", "--time-limit", "10",
        "--published", str(published_week), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "published rota:" in result.output
    changes = pd.read_csv(out / "changes.csv")
    assert list(changes.columns) == ["agent_id", "date", "published", "planned", "reason"] and changes.empty
    wb = openpyxl.load_workbook(out / "rota.xlsx", read_only=True)
    assert wb.sheetnames[1] == "Changes" and "No change" in str(wb["Changes"]["A2"].value)


def test_a_sick_agent_changes_only_its_own_published_days(staffed_workspace: Path, published_week: Path,
                                                          tmp_path: Path) -> None:
    """Sick leave from 1 to 3 December for an agent published to work then: the re-plan lists
    that agent's published shifts on those days as changed for sickness, and no other change of
    that agent's days that the sickness does not explain."""
    ws = tmp_path / "ws"
    shutil.copytree(staffed_workspace, ws)
    rota = pd.read_csv(published_week / "rota.csv", parse_dates=["date"])
    sick_days = pd.date_range("2026-12-01", "2026-12-03")
    worker = str(rota[rota["date"].isin(sick_days)]["agent_id"].iloc[0])
    absences = pd.read_csv(ws / "absences.csv")
    absences.loc[len(absences)] = [worker, "2026-12-01", "2026-12-03", "sick"]
    absences.to_csv(ws / "absences.csv", index=False)
    out = tmp_path / "replan"
    result = CliRunner().invoke(cli.app, ["plan", "--workspace", str(ws), "--start", "2026-11-30", "--time-limit",
                                          "10", "--published", str(published_week), "--out", str(out)])
    assert result.exit_code == 0, result.output
    changes = pd.read_csv(out / "changes.csv", parse_dates=["date"])
    mine = changes[changes["agent_id"] == worker]
    published = set(rota.loc[(rota["agent_id"] == worker) & rota["date"].isin(sick_days), "date"])
    assert set(mine.loc[mine["reason"] == "sick", "date"]) == published and len(published) > 0
    assert (mine.loc[mine["reason"] == "sick", "planned"].isna()).all()
    assert set(changes["reason"]) <= {"sick", "demand", "norm"}
    assert len(changes) <= len(published) + 4   # a few covering changes at most: each costs changed_shift_rub
