"""Rolling-origin backtest: how well each method would have forecast the recent past.

The origins sit at the end of the series, `step` hours apart, each forecasting the next
`horizon` hours from the history before it (nothing after an origin is seen). Errors are
pooled over origins before dividing, as WFM tools report them:
WAPE = sum|y - yhat| / sum y, bias = sum(yhat - y) / sum y. Hours without data (NaN) are
left out of both sums.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from forecasts.calendar_features import DayCalendar
from forecasts.intervals import dispersion_sums
from forecasts.models import ForecastMethod

RESULT_COLUMNS = ["method", "origin", "wape", "bias", "actual", "forecast", "abs_error", "excess_sq", "forecast_sq"]
SCORE_COLUMNS = ["method", "origins", "actual", "forecast", "abs_error", "wape", "bias"]


def origin_positions(n: int, origins: int, horizon: int, step: int, min_history: int) -> list[int]:
    """Indices of the first forecast hour of each origin, oldest first; the last origin's
    horizon ends with the series. Origins with less than `min_history` hours before them
    are dropped."""
    if origins < 1 or horizon < 1 or step < 1:
        raise ValueError("origins, horizon and step must be >= 1")
    pos = [n - horizon - step * (origins - 1 - k) for k in range(origins)]
    return [p for p in pos if p >= max(min_history, 1)]


def backtest(
    y: pd.Series,
    methods: Sequence[ForecastMethod] | Mapping[str, ForecastMethod],
    origins: int = 8,
    horizon: int = 168,
    step: int = 168,
    calendar: DayCalendar | None = None,
    min_history: int = 168,
) -> pd.DataFrame:
    """One row per method and origin: `method, origin` (first forecast hour), `wape, bias`
    for that origin, and the sums `actual, forecast, abs_error` that pool across origins, and
    `excess_sq, forecast_sq` that pool into the method's dispersion (`forecasts.intervals`)."""
    named = dict(methods) if isinstance(methods, Mapping) else {m.name: m for m in methods}
    v = y.to_numpy(dtype=float, na_value=np.nan)
    rows = []
    for o in origin_positions(len(v), origins, horizon, step, min_history):
        history = y.iloc[:o]
        actual = v[o : o + horizon]
        seen = ~np.isnan(actual)
        for name, method in named.items():
            fc = np.asarray(method.forecast(history, horizon, calendar), dtype=float)
            a, f = actual[seen].sum(), fc[seen].sum()
            err = np.abs(actual[seen] - fc[seen]).sum()
            excess_sq, forecast_sq = dispersion_sums(actual, fc)   # the prediction interval's error
            rows.append(
                {
                    "method": name,
                    "origin": y.index[o],
                    "wape": err / a if a > 0 else np.nan,
                    "bias": (f - a) / a if a > 0 else np.nan,
                    "actual": a,
                    "forecast": f,
                    "abs_error": err,
                    "excess_sq": excess_sq,
                    "forecast_sq": forecast_sq,
                }
            )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def score_table(results: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Pool a backtest's rows per series (`by` columns) and method: WAPE and bias over all
    origins together (not the mean of per-origin ratios, which over-weights quiet weeks)."""
    keys = [*by, "method"]
    if results.empty:
        return pd.DataFrame(columns=[*by, *SCORE_COLUMNS])
    g = results.groupby(keys, sort=False, dropna=False)
    out = g[["actual", "forecast", "abs_error"]].sum()
    out.insert(0, "origins", g.size())
    with np.errstate(all="ignore"):
        out["wape"] = np.where(out["actual"] > 0, out["abs_error"] / out["actual"], np.nan)
        out["bias"] = np.where(out["actual"] > 0, (out["forecast"] - out["actual"]) / out["actual"], np.nan)
    return out.reset_index()[[*by, *SCORE_COLUMNS]]


def best_pick(scores: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """`scores` with a boolean `best` column: the lowest-WAPE method of each series.

    Ties (and series whose WAPE is undefined because nothing was observed) go to the method
    listed first, so list the preferred method first.
    """
    out = scores.copy()
    out["best"] = False
    if out.empty:
        return out
    gid = out.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy() if by else np.zeros(len(out))
    for g in np.unique(gid):
        idx = out.index[gid == g]
        part = out.loc[idx, "wape"]
        finite = part.dropna()
        pick = finite.idxmin() if len(finite) else part.index[0]
        out.loc[pick, "best"] = True
    return out


def best_method(scores: pd.DataFrame, default: str | None = None) -> str | None:
    """The best method's name for a single series' score table (`default` if it is empty)."""
    if scores.empty:
        return default
    marked = best_pick(scores)
    return str(marked.loc[marked["best"], "method"].iloc[0])
