"""`rota simulate` with the forecast's own error: one Gamma draw per series and day on the rate,
and P(week meets target), the share of simulated weeks whose service level reaches the target."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from forecasts.erlang import erlang_c, required_agents
from planner.analysis.forecast_error import day_factors, share_meeting
from planner.analysis.queue_sim import TALLY_FIELDS, Tally
from planner.analysis.simulate import simulate_plan

CALLS, AHT = 20.0, 300.0


def week(root: Path, phi: float | None, *, serves: bool = False, name: str = "week") -> Path:
    """A week of one phone queue at CALLS an hour, staffed around the clock exactly for the mean:
    the agents Erlang C asks for at 80 % in 20 s (4, at 91 % by Erlang); forecast.csv with `phi`
    as the dispersion (None: no such column)."""
    folder = root / name
    folder.mkdir()
    hours = pd.date_range("2026-11-23", periods=7 * 24, freq="h")
    stamp = hours.strftime("%Y-%m-%d %H:%M")
    n = int(required_agents(calls=CALLS, interval_s=3600, aht_s=AHT, answer_s=20, sl_target=0.8))
    level = float(erlang_c(calls=CALLS, interval_s=3600, aht_s=AHT, agents=n, answer_s=20).service_level)
    pd.DataFrame({"ts": stamp, "channel": "phone", "queue": "main", "contacts": CALLS, "aht_s": AHT, "agents": n,
                  "scheduled_agents": n, "service_level": level, "traffic_erl": CALLS * AHT / 3600,
                  "patience_s": np.nan, "answer_s": 20.0, "sl_target": 0.8, "model": "erlang_c",
                  }).to_csv(folder / "requirements.csv", index=False)
    rota = pd.DataFrame({"agent_id": [f"A{i}" for i in range(n)], "start": "2026-11-23T00:00",
                         "end": "2026-11-30T00:00"})
    if serves:
        rota["serves"] = "phone/main"
    rota.to_csv(folder / "rota.csv", index=False)
    pd.DataFrame({"ts": stamp, "required": n, "scheduled": n, "service_level": level, "contacts": CALLS,
                  }).to_csv(folder / "coverage.csv", index=False)
    forecast = pd.DataFrame({"ts": stamp, "channel": "phone", "queue": "main", "contacts": CALLS})
    if phi is not None:
        forecast["dispersion"] = phi
    forecast.to_csv(folder / "forecast.csv", index=False)
    return folder


@pytest.mark.parametrize("serves", [False, True], ids=["pooled", "routed by skill"])
def test_no_dispersion_replays_exactly_as_without_forecast_error(tmp_path: Path, serves: bool) -> None:
    folder = week(tmp_path, 0.0, serves=serves)
    drawn = simulate_plan(folder, replications=5, seed=4, forecast_error=True)
    plain = simulate_plan(folder, replications=5, seed=4, forecast_error=False)
    assert drawn.forecast_error == {"phone/main": 0.0} and plain.forecast_error is None
    pd.testing.assert_frame_equal(drawn.table, plain.table)
    assert drawn.summary()["p_horizon_meets_target"] == plain.summary()["p_horizon_meets_target"] == 1.0
    other = simulate_plan(week(tmp_path, 0.2, serves=serves, name="wide"), replications=5, seed=4)
    assert not np.allclose(other.table["arrivals"], plain.table["arrivals"])   # phi > 0 does draw


def test_the_chance_of_meeting_the_target_falls_as_the_forecast_error_grows(tmp_path: Path) -> None:
    """Staffed for the mean forecast (91 % by Erlang against an 80 % target), the week misses only
    when the week's volume runs well above the forecast: never with a perfect forecast, more often
    the wider the forecast's own error."""
    chances = []
    for phi in (0.0, 0.03, 0.1, 0.3, 1.0):
        sim = simulate_plan(week(tmp_path, phi, name=f"phi{phi}"), replications=60, seed=0)
        chances.append(sim.horizon()["p_meets_target"])
        series = sim.table[sim.table["level"] == "series"].iloc[0]
        assert series["p_meets_target"] == chances[-1]       # one queue: the week is the queue
    assert chances[0] == 1.0
    assert all(a >= b for a, b in zip(chances, chances[1:])), chances
    assert chances[-1] < 0.6 and chances[2] < 1.0


def test_the_error_is_one_draw_per_series_and_day_with_mean_1_and_variance_phi() -> None:
    hours = pd.date_range("2026-11-23 06:00", periods=3 * 24, freq="h")    # 4 calendar days
    factors = day_factors(hours, [0.1, 0.0], replications=3, seed=7)
    assert factors.shape == (3, 2, len(hours))
    day = hours.normalize()
    for r in range(3):
        per_day = pd.Series(factors[r, 0]).groupby(day).nunique()
        assert (per_day == 1).all() and pd.Series(factors[r, 0]).nunique() == 4
    assert (factors[:, 1] == 1.0).all()
    np.testing.assert_array_equal(factors, day_factors(hours, [0.1, 0.0], replications=3, seed=7))
    many = day_factors(pd.date_range("2026-11-23", periods=1, freq="h"), [0.25], replications=4000, seed=1)[:, 0, 0]
    assert many.mean() == pytest.approx(1.0, abs=0.03) and many.var() == pytest.approx(0.25, rel=0.1)


def test_a_week_meets_the_target_when_its_pooled_level_reaches_it() -> None:
    """Three replications of two hours: 18/20, 15/20 and 16/20 on time; no arrivals is not judged."""
    zeros = {f: np.zeros((4, 2)) for f in TALLY_FIELDS}
    tally = Tally(**(zeros | {"arrivals": np.array([[10, 10], [10, 10], [10, 10], [0, 0]], float),
                              "on_time": np.array([[9, 9], [9, 6], [8, 8], [0, 0]], float)}))
    assert share_meeting(tally, 0.8) == pytest.approx(2 / 3)
    assert share_meeting(tally, 0.9) == pytest.approx(1 / 3)
    assert np.isnan(share_meeting(tally, np.nan))


def test_simulate_draws_the_forecast_error_when_forecast_csv_has_it(tmp_path: Path) -> None:
    folder = week(tmp_path, 0.1)
    runner = CliRunner(env={"COLUMNS": "80"})
    result = runner.invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "6", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines()) and "…" not in result.output
    text = " ".join(result.output.split())
    sim = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["simulation"]
    p = sim["p_horizon_meets_target"]
    assert sim["forecast_error"] == {"drawn": True, "per": "series and day", "dispersion": {"phone/main": 0.1}}
    assert f"P(week meets target) = {p:.2f}: in {round(p * 6)} of 6 simulated weeks" in text
    assert "forecast missing by its own error" in text and "forecast error (phi)" in text
    assert sim["by_queue"][0]["p_horizon_meets_target"] == p
    table = pd.read_csv(folder / "simulation.csv")
    assert table.loc[table["level"] == "horizon", "p_meets_target"].iloc[0] == p
    assert table.loc[table["level"].isin(["hour", "day"]), "p_meets_target"].isna().all()

    off = runner.invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "6", "--seed", "3",
                                  "--no-forecast-error"])
    assert off.exit_code == 0, off.output
    sim = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["simulation"]
    assert sim["forecast_error"]["drawn"] is False and sim["forecast_error"]["dispersion"] is None
    assert "forecast taken as exact" in " ".join(off.output.split())


@pytest.mark.parametrize("folder_has", ["no dispersion", "no forecast.csv"])
def test_without_a_dispersion_the_error_is_off_and_asking_for_it_is_one_line(tmp_path: Path, folder_has: str) -> None:
    folder = week(tmp_path, None)
    if folder_has == "no forecast.csv":
        (folder / "forecast.csv").unlink()
    plain = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "2"])
    assert plain.exit_code == 0, plain.output
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["simulation"]["forecast_error"][
        "drawn"] is False
    asked = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "2", "--forecast-error"])
    assert asked.exit_code == 2
    assert len(asked.output.strip().splitlines()) == 1
    assert "forecast.csv" in asked.output and "--no-forecast-error" in asked.output


def test_a_bad_dispersion_cell_in_forecast_csv_is_named(tmp_path: Path) -> None:
    folder = week(tmp_path, 0.1)
    forecast = pd.read_csv(folder / "forecast.csv").astype({"dispersion": object})
    forecast.loc[9, "dispersion"] = "lots"
    forecast.to_csv(folder / "forecast.csv", index=False)
    result = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "2"])
    assert result.exit_code == 2
    assert "forecast.csv" in result.output and "row 11" in result.output and "dispersion" in result.output
