"""Rolling-origin backtest: origins, hand-computed WAPE and bias, pooling, best pick, no
look-ahead, and the published baseline figures on the real bank data."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA, Constant

from forecasts.backtest import DISPERSION_ORIGINS, backtest, best_method, best_pick, origin_positions, score_table
from forecasts.models import DailyProfile, SeasonalNaive, WeeklyMean

BANK = SHARED_DATA / "us_bank_calls_5min.csv"


@dataclass
class Spy:
    """Records the last timestamp of every history it is shown."""

    name: str = "spy"
    seen: list = field(default_factory=list)

    def forecast(self, y, horizon, calendar=None):
        self.seen.append(y.index[-1])
        return np.zeros(horizon)


def series(values, start="2026-01-05") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="h"))


def test_origin_positions_end_with_the_series():
    assert origin_positions(1000, 3, 168, 168, 0) == [496, 664, 832]
    assert origin_positions(1000, 3, 24, 100, 0) == [776, 876, 976]
    # origins without enough history before them are dropped
    assert origin_positions(400, 3, 168, 168, 168) == [232]
    with pytest.raises(ValueError):
        origin_positions(400, 0, 168, 168, 0)


def test_wape_and_bias_by_hand():
    # history of 4 hours, then two origins of 2 hours each: actuals [10, 30] and [20, 40]
    y = series([0, 0, 0, 0, 10, 30, 20, 40])
    res = backtest(y, [Constant("c", 25.0)], origins=2, horizon=2, step=2, min_history=4)
    assert list(res["origin"]) == [y.index[4], y.index[6]]
    # origin 1: |10-25| + |30-25| = 20 over 40; bias (50-40)/40
    # origin 2: |20-25| + |40-25| = 20 over 60; bias (50-60)/60
    np.testing.assert_allclose(res["wape"], [20 / 40, 20 / 60])
    np.testing.assert_allclose(res["bias"], [10 / 40, -10 / 60])
    scores = score_table(res)
    # pooled: 40 / 100, not the mean of the two ratios (0.4167)
    assert scores.loc[0, "wape"] == pytest.approx(0.40)
    assert scores.loc[0, "bias"] == pytest.approx(0.0)
    assert scores.loc[0, "origins"] == 2


def test_hours_without_data_are_left_out_of_the_scores():
    y = series([0, 0, 0, 0, 10, np.nan, 20, 40])
    res = backtest(y, [Constant("c", 25.0)], origins=1, horizon=4, step=4, min_history=4)
    # |10-25| + |20-25| + |40-25| = 35 over 70
    assert res.loc[0, "wape"] == pytest.approx(35 / 70)
    assert res.loc[0, "actual"] == 70


def test_methods_never_see_the_hours_they_forecast():
    y = series(np.arange(24 * 30))
    spy = Spy()
    res = backtest(y, [spy], origins=4, horizon=48, step=24, intervals=False)
    assert len(spy.seen) == 4
    for last, origin in zip(spy.seen, res["origin"]):
        assert last == origin - pd.Timedelta(hours=1)


def test_interval_scores_use_only_origins_whose_horizons_ended_before():
    """With intervals, DISPERSION_ORIGINS x (horizon / step) earlier origins are forecast first, to
    measure the dispersion the first scored origin would have had; they are not returned."""
    y = series(np.arange(24 * 30))
    spy = Spy()
    res = backtest(y, [spy], origins=4, horizon=48, step=24)
    assert len(res) == 4 and len(spy.seen) == 4 + DISPERSION_ORIGINS * 2
    assert spy.seen[-4:] == [o - pd.Timedelta(hours=1) for o in res["origin"]]
    assert res["covered"].notna().all() and (res["covered"] <= res["interval_hours"]).all()


def test_best_pick_chooses_the_lowest_wape_per_series():
    rows = pd.DataFrame(
        {
            "channel": ["phone"] * 3 + ["chat"] * 3,
            "method": ["a", "b", "c"] * 2,
            "wape": [0.20, 0.10, 0.15, 0.30, 0.30, np.nan],
        }
    )
    marked = best_pick(rows, by=["channel"])
    assert marked.loc[marked["best"], "method"].tolist() == ["b", "a"]  # tie -> listed first
    assert best_method(rows[rows["channel"] == "phone"]) == "b"
    assert best_method(rows.iloc[0:0], default="a") == "a"


def test_best_pick_with_a_known_winner():
    y = series(np.tile([10.0, 12.0], 24 * 14))
    res = backtest(y, [Constant("low", 5.0), Constant("right", 11.0), Constant("high", 30.0)], origins=3)
    scores = score_table(res)
    assert best_method(scores) == "right"
    assert scores.set_index("method").loc["right", "wape"] == pytest.approx(2 / 22)
    assert scores.set_index("method").loc["low", "wape"] == pytest.approx(12 / 22)


def test_score_table_per_series_columns():
    y = series(np.ones(24 * 21))
    res = backtest(y, [Constant("one", 1.0), Constant("two", 2.0)], origins=2)
    res.insert(0, "queue", "q")
    scores = score_table(res, by=["queue"])
    assert list(scores.columns) == ["queue", "method", "origins", "actual", "forecast", "abs_error", "wape", "bias",
                                    "coverage", "pinball"]
    assert scores.set_index("method").loc["two", "bias"] == pytest.approx(1.0)


def test_empty_backtest_when_history_is_too_short():
    res = backtest(series(np.ones(100)), [Constant("c", 1.0)], origins=2)
    assert res.empty and list(res.columns)[:2] == ["method", "origin"]
    assert score_table(res).empty


def bank_hourly() -> pd.Series:
    """The README protocol: 5-minute counts summed to hours, weekends and closed hours zero,
    the grid ending Sunday 2003-10-26 23:00 so that origins fall on Monday midnight."""
    if not BANK.is_file():
        pytest.skip(f"reference data {BANK} not available")
    raw = pd.read_csv(BANK)
    ts = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))
    hourly = raw["Calls"].groupby(ts.dt.floor("h")).sum()
    grid = pd.date_range("2003-03-03 00:00", "2003-10-26 23:00", freq="h")
    return hourly.reindex(grid, fill_value=0).astype(float)


def test_bank_calls_reproduce_the_published_baselines_and_ours_beats_them():
    y = bank_hourly()
    res = backtest(y, [SeasonalNaive(), WeeklyMean(), DailyProfile()], origins=8, horizon=168, step=168)
    wape = score_table(res).set_index("method")["wape"]
    assert round(wape["seasonal_naive"], 3) == 0.198
    assert round(wape["weekly_mean"], 3) == 0.158
    assert wape["daily_profile"] < 0.142  # 10 % below the best public baseline (0.158)
