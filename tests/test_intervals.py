"""Prediction intervals of hourly counts (`forecasts.intervals`) and the forecast's p10/p90."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecasts.forecast import SHORT_HISTORY_DISPERSION, forecast_frame, model_dispersion
from forecasts.intervals import Dispersion, dispersion, interval, quantile
from forecasts.models import METHODS


def poisson_cdf(k: int, mu: float) -> float:
    """P(Y <= k), summed term by term from the textbook formula."""
    return sum(math.exp(-mu) * mu ** j / math.factorial(j) for j in range(k + 1))


def test_a_quantile_is_read_off_the_poisson_distribution_with_each_count_spread_over_its_step():
    """mu = 10: P(Y <= 5) = 0.0671, P(Y <= 6) = 0.1301, so the 10 % quantile lies in count 6's
    step (5, 6], (0.1 - 0.0671) / (0.1301 - 0.0671) of the way: 5.52."""
    lo, hi = poisson_cdf(5, 10.0), poisson_cdf(6, 10.0)
    assert quantile(np.array([10.0]), 0.0, 0.1)[0] == pytest.approx(5 + (0.1 - lo) / (hi - lo), abs=1e-9)
    lo, hi = poisson_cdf(13, 10.0), poisson_cdf(14, 10.0)
    assert quantile(np.array([10.0]), 0.0, 0.9)[0] == pytest.approx(13 + (0.9 - lo) / (hi - lo), abs=1e-9)


def test_intervals_widen_with_volume_as_poisson_noise_says():
    """Pure Poisson noise: the 80 % interval is about 2 x 1.2816 sqrt(mu) wide, so four times the
    volume doubles it; a model error (phi > 0) widens it further, the more so the busier the hour."""
    mu = np.array([25.0, 100.0, 400.0, 1600.0])
    lo, hi = interval(mu, 0.0)
    width = hi - lo
    assert width[1:] / width[:-1] == pytest.approx([2.0, 2.0, 2.0], rel=0.08)
    assert width[-1] == pytest.approx(2 * 1.2815515655446004 * 40.0, rel=0.01)
    lo_m, hi_m = interval(mu, 0.02)
    assert ((hi_m - lo_m) > width).all()
    assert ((hi_m - lo_m) / width)[-1] > ((hi_m - lo_m) / width)[0]


def test_coverage_on_a_simulated_poisson_series_with_a_known_rate_is_near_80_percent():
    """Eight weeks of hourly Poisson counts with a daily and weekly shape (0.3 to 40 an hour): the
    80 % interval at the true rate holds 75-85 % of the hours, at night as by day."""
    rng = np.random.default_rng(1)
    h = np.arange(168 * 8)
    mu = 0.3 + 40 * np.exp(-0.5 * ((h % 24 - 13) / 4) ** 2) * np.where((h // 24) % 7 >= 5, 0.6, 1.0)
    y = rng.poisson(mu)
    lo, hi = interval(mu, 0.0)
    inside = (y >= lo) & (y <= hi)
    assert abs(inside.mean() - 0.8) <= 0.05
    assert abs(inside[mu < 2].mean() - 0.8) <= 0.05 and abs(inside[mu >= 2].mean() - 0.8) <= 0.05


def test_dispersion_measures_the_model_error_beyond_poisson_noise():
    """Counts drawn around rates that themselves miss by a gamma error (negative binomial with
    phi = 0.05): phi is recovered and no burstiness is invented; with exact rates (Poisson only),
    both are about 0."""
    rng = np.random.default_rng(2)
    mu = rng.uniform(1, 200, 60_000)
    y = rng.poisson(rng.gamma(1 / 0.05, 0.05 * mu))
    d = dispersion(y, mu)
    assert d.phi == pytest.approx(0.05, abs=0.005) and d.psi < 0.3
    plain = dispersion(rng.poisson(mu), mu)
    assert plain.phi < 0.002 and plain.psi < 0.05
    lo, hi = interval(mu, d)
    assert abs(((y >= lo) & (y <= hi)).mean() - 0.8) <= 0.02


def test_bursty_arrivals_are_measured_apart_from_the_model_error():
    """Contacts that come in clusters: batches of 1 to 5 (mean 3, so Var = mu (1 + 10/3)), i.e.
    psi = (E[B^2] - E[B]) / E[B] = (11 - 3) / 3 = 2.67, with no model error. A phi-only fit would
    widen busy hours and leave quiet ones under-covered; the two-term fit finds psi and holds 80 %
    of quiet hours and of busy ones alike."""
    rng = np.random.default_rng(4)
    mu = np.tile(np.r_[np.full(12, 1.5), np.full(12, 40.0)], 4000)
    batches = rng.poisson(mu / 3.0)
    y = np.array([rng.integers(1, 6, n).sum() for n in batches])
    d = dispersion(y, mu)
    assert d.psi == pytest.approx(8 / 3, rel=0.1) and d.phi < 0.005
    lo, hi = interval(mu, d)
    inside = (y >= lo) & (y <= hi)
    assert abs(inside[mu < 2].mean() - 0.8) <= 0.05 and abs(inside[mu > 2].mean() - 0.8) <= 0.05
    phi_only = interval(mu, Dispersion(phi=float(np.sum((y - mu) ** 2 - mu) / np.sum(mu**2))))
    quiet = (y >= phi_only[0]) & (y <= phi_only[1])
    assert quiet[mu < 2].mean() < 0.75    # what the two-term fit fixes


def hourly(weeks: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2026-10-05", periods=weeks * 168, freq="h")
    rate = 2 + 30 * np.exp(-0.5 * ((ts.hour.to_numpy() - 13) / 4) ** 2)
    return pd.DataFrame({"ts": ts, "channel": "phone", "queue": "main", "contacts": rng.poisson(rate).astype(float)})


def test_the_forecast_carries_p10_and_p90_from_its_own_backtest_errors():
    h = hourly(8)
    fc = forecast_frame(h, h["ts"].max().normalize() + pd.Timedelta(days=1), 7, calendar=None)
    assert (fc["contacts_p10"] <= fc["contacts_p90"]).all()
    assert (fc["contacts_p90"] - fc["contacts_p10"]).max() > 5
    y = h.set_index("ts")["contacts"].asfreq("h")
    d = model_dispersion(y, METHODS["weekly_mean"], None)
    assert 0 <= d.phi < 0.05 and d.psi < 0.5    # a 4-week mean of a steady Poisson series: little beyond noise


def test_with_less_than_two_weeks_of_history_the_dispersion_falls_back():
    """Ten days: no week-ahead origin with a week before it; the fallback phi is used and the
    forecast still has its interval."""
    h = hourly(2).iloc[: 240]
    y = h.set_index("ts")["contacts"].asfreq("h")
    assert model_dispersion(y, METHODS["seasonal_naive"], None) == SHORT_HISTORY_DISPERSION
    fc = forecast_frame(h, pd.Timestamp("2026-10-16"), 3, methods=["seasonal_naive"], calendar=None)
    assert fc.attrs["dispersion"] == {"phone/main": SHORT_HISTORY_DISPERSION}
    assert (fc["contacts_p90"] > fc["contacts_p10"]).any()
