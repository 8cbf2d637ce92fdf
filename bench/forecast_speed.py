"""Forecaster speed: fit + forecast of one two-year hourly series, and a full backtest (every
method, 8 weekly origins) over every series of the sample workspace. Best of 3 runs.

Uses sample_data/history.csv when it is there (its busiest series for the single-series
timing), else a synthetic 24/7 series of two years.

Run: python3 bench/forecast_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forecasts.calendar_features import DayCalendar  # noqa: E402
from forecasts.forecast import backtest_frame, forecast_frame  # noqa: E402
from forecasts.models import METHODS, forget_inner_forecasts  # noqa: E402

SAMPLE = REPO / "sample_data" / "history.csv"
REPEATS = 3


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best of `repeats` cold runs: the blend's memory of inner forecasts is emptied before each."""
    times = []
    for _ in range(repeats):
        forget_inner_forecasts()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def synthetic_hourly(weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2024-11-18", periods=weeks * 168, freq="h")
    hour, dow = ts.hour.to_numpy(), ts.day_of_week.to_numpy()
    rate = 40 * (0.15 + np.exp(-0.5 * ((hour - 14) / 4.5) ** 2)) * np.where(dow >= 5, 0.8, 1.0)
    rate = rate * (1 + 0.3 * np.arange(len(ts)) / len(ts))
    return pd.DataFrame({"ts": ts, "channel": "phone", "queue": "main", "contacts": rng.poisson(rate).astype(float)})


def load_hourly() -> tuple[pd.DataFrame, str]:
    if SAMPLE.is_file():
        try:
            from forecasts.history import load_history, to_hourly

            return to_hourly(load_history(SAMPLE)), f"{SAMPLE.relative_to(REPO)}"
        except ImportError:
            pass
    return synthetic_hourly(), "synthetic 24/7 series, 2 years"


def main() -> None:
    hourly, source = load_hourly()
    sizes = hourly.groupby(["channel", "queue"])["contacts"].sum().sort_values(ascending=False)
    channel, queue = sizes.index[0]
    part = hourly[(hourly["channel"] == channel) & (hourly["queue"] == queue)]
    y = pd.Series(part["contacts"].to_numpy(float), index=pd.DatetimeIndex(part["ts"]))
    n_series = len(sizes)
    print(f"data: {source}; {n_series} series; timed series {channel}/{queue}: {len(y)} hours "
          f"({len(y) / 8760:.1f} years), {y.index[0]} .. {y.index[-1]}; best of {REPEATS}\n")

    ru = DayCalendar("RU")
    print("| what | seconds |")
    print("|---|---|")
    for name, method in METHODS.items():
        t = best_of(lambda: method.forecast(y, 168, None))
        print(f"| fit + forecast 168 h, one series, `{name}` | {t:.4f} |")
    t = best_of(lambda: METHODS["daily_profile"].forecast(y, 168, ru))
    print(f"| fit + forecast 168 h, one series, `daily_profile` with RU holidays | {t:.4f} |")
    t = best_of(lambda: backtest_frame(hourly, calendar=None), repeats=REPEATS)
    print(f"| backtest, {n_series} series x {len(METHODS)} methods x 8 origins, no calendar | {t:.2f} |")
    t = best_of(lambda: backtest_frame(hourly), repeats=REPEATS)
    print(f"| backtest, {n_series} series x {len(METHODS)} methods x 8 origins, RU holidays | {t:.2f} |")
    start = (pd.Timestamp(hourly["ts"].max()) + pd.Timedelta(hours=1)).normalize()
    t = best_of(lambda: forecast_frame(hourly, start.date(), 28), repeats=REPEATS)
    print(f"| forecast_frame: blend (the default) + intervals, 28 days, {n_series} series, RU holidays | {t:.2f} |")
    t = best_of(lambda: forecast_frame(hourly, start.date(), 28, methods="best"), repeats=REPEATS)
    print(f"| forecast_frame: best pick of all methods + intervals, 28 days, {n_series} series, RU holidays | {t:.2f} |")


if __name__ == "__main__":
    main()
