"""The contract every forecasting method keeps, and the two public baselines.

Every method is a small frozen dataclass with a `name` and
`forecast(y, horizon, calendar=None) -> np.ndarray`: `y` is an hourly series on a complete
DatetimeIndex (NaN = no data, 0 = really zero/closed), the result covers the `horizon` hours
right after `y`'s last hour and is >= 0. `SeasonalNaive` and `WeeklyMean` are the public
baselines (same hour last week; mean of the same hour of the week over the last 4 weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from forecasts.calendar_features import DayCalendar

WEEK = 168
DAY = 24


@runtime_checkable
class ForecastMethod(Protocol):
    """What the backtest and the forecast stage need from a method."""

    name: str

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray: ...


def _values(y: pd.Series, horizon: int) -> np.ndarray:
    if not isinstance(y.index, pd.DatetimeIndex):
        raise TypeError("y needs a DatetimeIndex")
    if horizon < 0:
        raise ValueError("horizon must be >= 0")
    return np.asarray(y.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _hour_of_day_mean(v: np.ndarray, first_hour: int, horizon: int) -> np.ndarray:
    """Last-resort forecast for very short histories: the mean of each hour of the day."""
    n = len(v)
    hours = (first_hour + np.arange(n)) % DAY
    out = np.zeros(horizon)
    if n == 0 or np.all(np.isnan(v)):
        return out
    overall = np.nanmean(v)
    fut = (first_hour + n + np.arange(horizon)) % DAY
    for h in range(DAY):
        vals = v[hours == h]
        vals = vals[~np.isnan(vals)]
        out[fut == h] = vals.mean() if vals.size else overall
    return out


def nan_mean(a: np.ndarray) -> np.ndarray:
    """Column means over the values that are there (NaN where a column has none), without numpy's
    "mean of empty slice" warning: an hour with no data in any week is expected (outages, masked
    holidays), not a mistake to shout about on a team lead's terminal."""
    seen = ~np.isnan(a)
    n = seen.sum(axis=0)
    total = np.where(seen, a, 0.0).sum(axis=0)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _first_hour(y: pd.Series) -> int:
    return int(y.index[0].hour) if len(y) else 0


def origin_positions(n: int, origins: int, horizon: int, step: int, min_history: int) -> list[int]:
    """Indices of the first forecast hour of each origin, oldest first; the last origin's
    horizon ends with the series. Origins with less than `min_history` hours before them
    are dropped."""
    if origins < 1 or horizon < 1 or step < 1:
        raise ValueError("origins, horizon and step must be >= 1")
    pos = [n - horizon - step * (origins - 1 - k) for k in range(origins)]
    return [p for p in pos if p >= max(min_history, 1)]


@dataclass(frozen=True)
class SeasonalNaive:
    """Same hour last week; where that hour is missing, the same hour a week earlier."""

    name: str = "seasonal_naive"
    season: int = WEEK

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        v = _values(y, horizon)
        n = len(v)
        if n < self.season or np.all(np.isnan(v)):
            if n >= DAY and self.season != DAY:
                return SeasonalNaive(season=DAY).forecast(y, horizon)
            return _hour_of_day_mean(v, _first_hour(y), horizon)
        ext = np.concatenate([v, np.full(horizon, np.nan)])
        fallback = _hour_of_day_mean(v, _first_hour(y), horizon)
        for i in range(horizon):
            j = n + i - self.season
            while j >= 0 and np.isnan(ext[j]):
                j -= self.season
            ext[n + i] = ext[j] if j >= 0 else fallback[i]
        return np.maximum(ext[n:], 0.0)


@dataclass(frozen=True)
class WeeklyMean:
    """Mean of the same hour of the week over the last `weeks` weeks (missing hours skipped)."""

    name: str = "weekly_mean"
    weeks: int = 4

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        v = _values(y, horizon)
        n = len(v)
        if n < WEEK or np.all(np.isnan(v)):
            return SeasonalNaive().forecast(y, horizon)
        full = n // WEEK
        take = min(self.weeks, full)
        # rows: the last `take` weeks, aligned so that column p is the hour p steps after y ends
        block = v[n - take * WEEK :].reshape(take, WEEK)
        template = nan_mean(block) if take else np.full(WEEK, np.nan)
        gaps = np.isnan(template)
        if gaps.any():
            older = v[n - full * WEEK :].reshape(full, WEEK)
            template[gaps] = nan_mean(older[:, gaps])
            still = np.isnan(template)
            if still.any():
                template[still] = _hour_of_day_mean(v, _first_hour(y), WEEK)[still]
        reps = -(-horizon // WEEK)
        return np.maximum(np.tile(template, reps)[:horizon], 0.0)
