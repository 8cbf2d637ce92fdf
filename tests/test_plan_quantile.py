"""`[staffing] plan_quantile`: each hour staffed for a quantile of its forecast RATE (Gamma with
mean mu and variance phi mu^2), against chi-square tables, closed forms and scipy; then staffing,
`rota requirements` end to end and the warning when the forecast has no dispersion."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from common.errors import InputError
from forecasts.channels import parse_staffing
from forecasts.erlang import erlang_c, required_agents
from forecasts.intervals import rate_quantile
from forecasts.staffing import requirements
from planner.pipeline import read_forecast, read_requirements

# Gamma(shape k, scale 2) is chi-square with 2k degrees of freedom, so the rate quantile with
# mu = 2k (mean k x 2) and phi = 1/k is the chi-square quantile. Values: the chi-square table of
# Abramowitz & Stegun, Handbook of Mathematical Functions, table 26.8 (also NIST/SEMATECH
# e-Handbook 1.3.6.7.4), to the 3 decimals printed there: (degrees of freedom, q, quantile).
CHI_SQUARE_TABLE = [
    (1, 0.95, 3.841), (4, 0.10, 1.064), (4, 0.90, 7.779), (10, 0.05, 3.940), (10, 0.50, 9.342),
    (10, 0.90, 15.987), (10, 0.95, 18.307), (30, 0.99, 50.892), (100, 0.95, 124.342),
]


@pytest.mark.parametrize("dof, q, expected", CHI_SQUARE_TABLE)
def test_rate_quantile_is_the_chi_square_table(dof: int, q: float, expected: float) -> None:
    k = dof / 2
    assert rate_quantile(2 * k, 1 / k, q)[0] == pytest.approx(expected, abs=6e-4)


@pytest.mark.parametrize("q", [0.01, 0.1, 0.5, 0.8, 0.9, 0.99])
def test_phi_one_is_the_exponential_distribution(q: float) -> None:
    """phi = 1 is shape 1: an exponential rate with mean mu, whose quantile is -mu ln(1 - q)."""
    assert rate_quantile(40.0, 1.0, q)[0] == pytest.approx(-40.0 * math.log(1 - q), rel=1e-10)


def test_rate_quantile_agrees_with_scipy() -> None:
    gamma = pytest.importorskip("scipy.stats").gamma
    for phi in (1e-4, 0.003, 0.05, 0.24, 1.0, 5.0, 50.0):
        for q in (0.001, 0.1, 0.5, 0.8, 0.9, 0.99, 0.999):
            mine = rate_quantile(np.array([12.5]), phi, q)[0]
            assert mine == pytest.approx(gamma.ppf(q, 1 / phi, scale=12.5 * phi), rel=1e-8), (phi, q)


def test_no_dispersion_is_the_mean_and_a_huge_one_never_goes_negative() -> None:
    mu = np.array([0.0, 3.0, 250.0])
    for q in (0.05, 0.5, 0.95):
        np.testing.assert_array_equal(rate_quantile(mu, 0.0, q), mu)
        np.testing.assert_array_equal(rate_quantile(mu, np.nan, q), mu)
    wild = rate_quantile(np.array([10.0, 10.0]), np.array([200.0, 2000.0]), 0.05)
    assert (wild >= 0).all() and np.isfinite(wild).all()
    per_hour = rate_quantile(np.array([10.0, 10.0, 10.0]), np.array([0.0, 0.1, 0.5]), 0.9)
    assert per_hour[0] == 10.0 and 10.0 < per_hour[1] < per_hour[2]
    # the median of a gamma is below its mean: q = 0.5 plans a little less than the forecast
    assert rate_quantile(100.0, 0.2, 0.5)[0] == pytest.approx(10 * 9.342, abs=6e-3)  # 10 x chi2(10) median
    with pytest.raises(ValueError, match="between 0 and 1"):
        rate_quantile(mu, 0.1, 1.0)


# --------------------------------------------------------------------------- staffing


PHONE = {"model": "erlang_c", "aht_s": 180, "answer_s": 20, "sl_target": 0.8}


def settings(q: float | None = None, **channels) -> object:
    staffing = {"shrinkage": 0.3, "max_occupancy": 1.0} | ({} if q is None else {"plan_quantile": q})
    return parse_staffing({"staffing": staffing, "channels": channels or {"phone": PHONE}}, "rota.toml")


def phone(contacts, **extra) -> pd.DataFrame:
    ts = pd.date_range("2026-11-23 08:00", periods=len(contacts), freq="h")
    return pd.DataFrame({"ts": ts, "channel": "phone", "queue": "main", "contacts": contacts, **extra})


def test_the_median_without_dispersion_is_todays_requirement() -> None:
    calls = [100.0, 37.5, 0.0, 212.0]
    today = [int(required_agents(calls=c, interval_s=3600, aht_s=180, answer_s=20, sl_target=0.8)) for c in calls]
    plain = requirements(phone(calls), settings())
    assert plain["agents"].tolist() == today
    np.testing.assert_array_equal(plain["contacts_planned"], calls)
    zero = requirements(phone(calls, dispersion=0.0), settings(0.5))
    pd.testing.assert_frame_equal(zero, plain)
    # without a forecast error any quantile is the forecast itself
    pd.testing.assert_frame_equal(requirements(phone(calls, dispersion=""), settings(0.9)), plain)


def test_a_higher_quantile_buys_the_erlang_agents_of_its_volume() -> None:
    """mu = 100 calls an hour, phi = 0.2: the rate is Gamma(5, 20) = 10 x chi-square(10), whose
    90 % quantile is 10 x 15.987 = 159.87 calls (A&S table 26.8) and its median 10 x 9.342."""
    at_90, at_50 = 159.87, 93.42
    out90 = requirements(phone([100.0], dispersion=0.2), settings(0.9))
    out50 = requirements(phone([100.0], dispersion=0.2), settings(0.5))
    assert out90["contacts_planned"].iloc[0] == pytest.approx(at_90, abs=6e-3)
    assert out50["contacts_planned"].iloc[0] == pytest.approx(at_50, abs=6e-3)
    need90 = int(required_agents(calls=at_90, interval_s=3600, aht_s=180, answer_s=20, sl_target=0.8))
    need50 = int(required_agents(calls=at_50, interval_s=3600, aht_s=180, answer_s=20, sl_target=0.8))
    assert (out90["agents"].iloc[0], out50["agents"].iloc[0]) == (need90, need50)
    assert need90 > need50
    # every other figure is at the forecast's own 100 calls: the buffer shows as service above target
    assert out90["contacts"].iloc[0] == 100.0
    assert out90["traffic_erl"].iloc[0] == pytest.approx(100 * 180 / 3600)
    assert out90["service_level"].iloc[0] == pytest.approx(
        erlang_c(calls=100, interval_s=3600, aht_s=180, agents=need90, answer_s=20).service_level)
    assert out90["service_level"].iloc[0] > 0.95


def test_email_is_sized_for_the_planned_volume_too() -> None:
    email = {"email": {"model": "email", "aht_s": 600, "response_h": 1}}
    ts = pd.date_range("2026-11-23 08:00", periods=4, freq="h")
    fc = pd.DataFrame({"ts": ts, "channel": "email", "queue": "main", "contacts": 30.0, "dispersion": 0.1})
    low, high = requirements(fc, settings(0.5, **email)), requirements(fc, settings(0.95, **email))
    assert (high["agents"] >= low["agents"]).all() and high["agents"].sum() > low["agents"].sum()
    assert (high["service_level"] == 1.0).all()         # at the forecast's 30 mails, all on time


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.2, "high"])
def test_plan_quantile_must_lie_strictly_between_0_and_1(value) -> None:
    with pytest.raises(InputError) as caught:
        parse_staffing({"staffing": {"plan_quantile": value}}, "rota.toml")
    assert "staffing.plan_quantile" in str(caught.value) and "rota.toml" in str(caught.value)
    assert parse_staffing({"staffing": {"plan_quantile": 0.8}}).plan_quantile == 0.8
    assert parse_staffing({}).plan_quantile == 0.5


def test_a_bad_dispersion_cell_is_named() -> None:
    with pytest.raises(InputError) as caught:
        requirements(phone([10.0, 20.0, 30.0], dispersion=[0.1, -1.0, 0.1]), settings(0.9), source="fc.csv")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("fc.csv", 3, "dispersion")


# --------------------------------------------------------------------------- rota requirements


def write_config(path: Path, q: float) -> Path:
    path.write_text(f"[staffing]\nshrinkage = 0.30\nmax_occupancy = 1.0\nplan_quantile = {q}\n\n"
                    '[channels.phone]\nmodel = "erlang_c"\naht_s = 180\nanswer_s = 20\nsl_target = 0.80\n',
                    encoding="utf-8")
    return path


def day_forecast(path: Path, dispersion: bool = True) -> Path:
    hours = pd.date_range("2026-11-23", periods=24, freq="h")
    calls = np.where((hours.hour >= 8) & (hours.hour < 20), 120.0, 15.0)
    frame = pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "channel": "phone", "queue": "main",
                          "contacts": calls})
    if dispersion:
        frame["dispersion"] = 0.05
        frame.loc[3, "dispersion"] = np.nan          # an empty cell: no error known for that hour
    frame.to_csv(path, index=False)
    return path


def run_requirements(tmp_path: Path, q: float, dispersion: bool = True) -> tuple[object, pd.DataFrame]:
    forecast = day_forecast(tmp_path / f"fc_{dispersion}.csv", dispersion)
    config = write_config(tmp_path / f"rota_{q}.toml", q)
    out = tmp_path / f"req_{q}_{dispersion}.csv"
    result = CliRunner().invoke(cli.app, ["requirements", "--forecast", str(forecast), "--config", str(config),
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result, pd.read_csv(out)


def test_requirements_at_the_90th_percentile_ask_for_more_agents(tmp_path: Path) -> None:
    _, at_50 = run_requirements(tmp_path, 0.5)
    _, at_90 = run_requirements(tmp_path, 0.9)
    assert at_90["agents"].sum() > at_50["agents"].sum()
    assert at_90["scheduled_agents"].sum() > at_50["scheduled_agents"].sum()
    columns = list(at_90.columns)
    assert columns[columns.index("contacts") + 1] == "contacts_planned"
    assert (at_90["contacts_planned"] > at_90["contacts"]).iloc[[0, 10]].all()
    assert at_90.loc[3, "contacts_planned"] == at_90.loc[3, "contacts"]    # the empty cell: phi 0
    back = read_requirements(tmp_path / "req_0.9_True.csv")              # `rota schedule` reads it back
    np.testing.assert_allclose(back["contacts_planned"], at_90["contacts_planned"])
    assert read_forecast(tmp_path / "fc_True.csv")["dispersion"].tolist()[2:5] == [0.05, 0.0, 0.05]


def test_a_forecast_without_dispersion_is_staffed_at_its_contacts_with_a_warning(tmp_path: Path) -> None:
    said, at_90 = run_requirements(tmp_path, 0.9, dispersion=False)
    _, at_50 = run_requirements(tmp_path, 0.5, dispersion=False)
    text = " ".join(said.output.split())
    assert "warning:" in text and "no dispersion column" in text and "plan_quantile = 0.9 has no effect" in text
    assert at_90["agents"].tolist() == at_50["agents"].tolist()
    np.testing.assert_array_equal(at_90["contacts_planned"], at_90["contacts"])


def test_a_negative_dispersion_in_the_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    forecast = day_forecast(tmp_path / "fc.csv")
    frame = pd.read_csv(forecast)
    frame.loc[5, "dispersion"] = -0.3
    frame.to_csv(forecast, index=False)
    result = CliRunner().invoke(cli.app, ["requirements", "--forecast", str(forecast), "--out",
                                          str(tmp_path / "req.csv")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "fc.csv" in result.output and "row 7" in result.output and "dispersion" in result.output


def test_rota_plans_forecast_carries_its_dispersion_to_staffing() -> None:
    """In `rota plan` the forecast never goes through a file: the frame `forecast_frame` returns
    must reach staffing with its dispersion. Six weeks whose days miss their level at random
    (Gamma, variance 0.04) give the forecast an error of its own, and 0.9 asks for more agents."""
    from dataclasses import replace

    from forecasts.forecast import forecast_frame
    from planner.pipeline import size_staff
    from planner.workspace.config import load_config

    rng = np.random.default_rng(5)
    hours = pd.date_range("2026-10-12", periods=42 * 24, freq="h")
    level = np.repeat(rng.gamma(25.0, 1 / 25.0, 42), 24)
    shape = np.where((hours.hour >= 8) & (hours.hour < 20), 80.0, 10.0)
    history = pd.DataFrame({"ts": hours, "channel": "phone", "queue": "main",
                            "contacts": rng.poisson(shape * level).astype(float)})
    fc = forecast_frame(history, pd.Timestamp("2026-11-23").date(), 1)
    assert (fc["dispersion"] > 0).all()
    cfg = load_config(None)
    at_50, said = size_staff(fc, replace(cfg, staffing=settings(0.5)))
    at_90, _ = size_staff(fc, replace(cfg, staffing=settings(0.9)))
    assert said == [] and at_90["agents"].sum() > at_50["agents"].sum()
    np.testing.assert_allclose(at_90["contacts_planned"],
                               rate_quantile(fc["contacts"].to_numpy(), fc["dispersion"].to_numpy(), 0.9))
