"""The forecasting methods the product offers, by name (`METHODS`).

- `SeasonalNaive` and `WeeklyMean` (`forecasts.baselines`) are the public baselines.
- `DailyProfile` (`forecasts.daily_profile`) is the workforce-management model: day totals
  times an intraday shape per weekday.
- `Blend`, the default, weights the two by how they would have done on the history's own last
  eight weeks.
- `Ensemble` combines methods (median or mean per hour).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts.baselines import DAY, WEEK, ForecastMethod, SeasonalNaive, WeeklyMean, _values, origin_positions
from forecasts.calendar_features import DayCalendar
from forecasts.daily_profile import DailyProfile

__all__ = ["METHODS", "DEFAULT_METHOD", "Blend", "DailyProfile", "Ensemble", "ForecastMethod", "SeasonalNaive",
           "WeeklyMean", "origin_positions"]


@dataclass(frozen=True)
class Blend:
    """A weighted mean of `daily_profile` and `weekly_mean`, the weight chosen on the history's
    own last `inner_origins` weekly origins (the weight that would have had the least absolute
    error there, in steps of a tenth; ties go to `daily_profile`).

    Why: picking one method by a short backtest does not protect, because a few weeks' winner
    is often luck. Judging a weight on eight weeks, with the two members' errors pooled, moves
    away from the structural model only where the plain four-week mean really did better. With
    fewer than `min_origins` inner origins (under about four weeks of history) the weight
    stays on `daily_profile`.

    Days the calendar labels (holidays, days off, sales events) belong to the first member, which
    models them: the plain mean sees them as missing (a sale's peak must not leak into the ordinary
    weeks after it), and on such days the forecast is the first member's alone.
    """

    name: str = "blend"
    members: tuple[ForecastMethod, ForecastMethod] = (DailyProfile(), WeeklyMean())
    inner_origins: int = 8
    min_origins: int = 2
    steps: int = 10

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        labelled = _labelled_hours(y, horizon, calendar)
        n = len(y)
        first = np.asarray(self.members[0].forecast(y, horizon, calendar), dtype=float)
        second = np.asarray(self.members[1].forecast(_unlabelled(y, labelled[:n]), horizon, calendar), dtype=float)
        w = self.weight(y, calendar, labelled[:n])
        return np.maximum(np.where(labelled[n:], first, w * first + (1.0 - w) * second), 0.0)

    def weight(self, y: pd.Series, calendar: DayCalendar | None = None, labelled: np.ndarray | None = None
               ) -> float:
        """The first member's weight (1.0 when the history is too short to judge), judged on the
        hours of unlabelled days (on the others the blend is the first member whatever the weight);
        `labelled` is `_labelled_hours(y, 0, calendar)` when the caller has it already."""
        v = _values(y, 0)
        positions = origin_positions(len(v), self.inner_origins, WEEK, WEEK, 2 * WEEK)
        if len(positions) < self.min_origins:
            return 1.0
        labelled = _labelled_hours(y, 0, calendar) if labelled is None else labelled
        plain = _unlabelled(y, labelled)
        grid = np.linspace(1.0, 0.0, self.steps + 1)
        errors = np.zeros(grid.size)
        for p in positions:
            actual = v[p : p + WEEK]
            seen = ~np.isnan(actual) & ~labelled[p : p + WEEK]
            a = _inner_forecast(self.members[0], y.iloc[:p], calendar)[seen]
            b = _inner_forecast(self.members[1], plain.iloc[:p], calendar)[seen]
            errors += np.abs(actual[seen][None, :] - (grid[:, None] * a + (1.0 - grid[:, None]) * b)).sum(axis=1)
        return float(grid[int(np.argmin(errors))])   # argmin takes the first: the largest weight on ties


#: week-ahead member forecasts of the blend's inner origins, by the history they saw. A backtest's
#: origins a week apart, and then the forecast itself, share seven of their eight inner weeks, so
#: each inner forecast is fitted once instead of up to eight times.
_INNER: OrderedDict[tuple, np.ndarray] = OrderedDict()
_INNER_SIZE = 512
_INNER_LOCK = threading.Lock()    # scenarios may forecast in threads


def _inner_forecast(member: ForecastMethod, y: pd.Series, calendar: DayCalendar | None) -> np.ndarray:
    """`member.forecast(y, WEEK, calendar)`, remembered by the member, the calendar and the history's
    start, length and values (a digest)."""
    v = y.to_numpy(dtype=float, na_value=np.nan)
    key = (member, calendar, y.index[0] if len(y) else None, len(v),
           hashlib.blake2b(np.ascontiguousarray(v).tobytes(), digest_size=16).digest())
    with _INNER_LOCK:
        if key in _INNER:
            _INNER.move_to_end(key)
            return _INNER[key]
    out = np.asarray(member.forecast(y, WEEK, calendar), dtype=float)
    out.setflags(write=False)
    with _INNER_LOCK:
        _INNER[key] = out
        if len(_INNER) > _INNER_SIZE:
            _INNER.popitem(last=False)
    return out


def forget_inner_forecasts() -> None:
    """Empty the blend's memory of inner forecasts (a benchmark timing a cold start)."""
    with _INNER_LOCK:
        _INNER.clear()


def _labelled_hours(y: pd.Series, horizon: int, calendar: DayCalendar | None) -> np.ndarray:
    """Per hour of the history and the horizon after it: whether the calendar labels its day."""
    n = len(y) + horizon
    if calendar is None or n == 0:
        return np.zeros(n, dtype=bool)
    first = y.index[0]
    lead = int((first - first.normalize()) // pd.Timedelta(hours=1))
    days = (lead + n - 1) // DAY + 1
    start = first.normalize().date()
    keys = np.asarray(calendar.keys(start, (first.normalize() + pd.Timedelta(days=days - 1)).date()), dtype=str)
    return (keys != "")[(lead + np.arange(n)) // DAY]


def _unlabelled(y: pd.Series, labelled: np.ndarray) -> pd.Series:
    """The history with the hours of labelled days as missing."""
    return y.mask(labelled) if labelled.any() else y


@dataclass(frozen=True)
class Ensemble:
    """The per-hour median (or mean) of several methods' forecasts."""

    name: str = "ensemble"
    members: tuple[ForecastMethod, ...] = field(default_factory=tuple)
    combine: str = "median"

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        if not self.members:
            raise ValueError("an ensemble needs members")
        if self.combine not in ("median", "mean"):
            raise ValueError(f"combine must be 'median' or 'mean', not '{self.combine}'")
        stack = np.vstack([m.forecast(y, horizon, calendar) for m in self.members])
        out = np.median(stack, axis=0) if self.combine == "median" else stack.mean(axis=0)
        return np.maximum(out, 0.0)


# --------------------------------------------------------------------------------------
# Registry

#: Every method the product offers by name, preferred first (a best pick's ties go to it).
METHODS: dict[str, ForecastMethod] = {m.name: m for m in (Blend(), DailyProfile(), WeeklyMean(), SeasonalNaive())}
DEFAULT_METHOD = "blend"
