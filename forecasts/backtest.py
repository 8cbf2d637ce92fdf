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
from forecasts.intervals import (DISPERSION_SUMS, SHORT_HISTORY_DISPERSION, Dispersion, dispersion_sums, interval,
                                 pooled_dispersion)
from forecasts.models import ForecastMethod, origin_positions

#: weekly origins whose errors measure a method's dispersion (forecast.csv's interval, and the
#: interval scored at each backtest origin from the origins before it)
DISPERSION_ORIGINS = 4
#: the 80 % interval scored by the backtest: contacts_p10 .. contacts_p90
INTERVAL = (0.1, 0.9)

RESULT_COLUMNS = ["method", "origin", "wape", "bias", "actual", "forecast", "abs_error", *DISPERSION_SUMS,
                  "hours", "interval_hours", "covered", "pinball_sum"]
SCORE_COLUMNS = ["method", "origins", "actual", "forecast", "abs_error", "wape", "bias", "coverage", "pinball"]


def backtest(
    y: pd.Series,
    methods: Sequence[ForecastMethod] | Mapping[str, ForecastMethod],
    origins: int = 8,
    horizon: int = 168,
    step: int = 168,
    calendar: DayCalendar | None = None,
    min_history: int = 168,
    intervals: bool = True,
) -> pd.DataFrame:
    """One row per method and origin: `method, origin` (first forecast hour), `wape, bias`
    for that origin, and the sums `actual, forecast, abs_error` that pool across origins, and
    the DISPERSION_SUMS that pool into the method's dispersion (`forecasts.intervals`).

    With `intervals`, each origin's 80 % interval is scored as the forecast stage would have
    drawn it then: its dispersion from the method's errors at the DISPERSION_ORIGINS origins
    whose horizons ended by then (extra origins before the first are forecast for that and not
    returned). `hours` are the hours with an actual, `interval_hours` those with a forecast above
    zero (a closed hour has nothing to cover), `covered` how many of those the interval held,
    `pinball_sum` the pinball loss of p10 and p90 summed over `hours`."""
    named = dict(methods) if isinstance(methods, Mapping) else {m.name: m for m in methods}
    v = y.to_numpy(dtype=float, na_value=np.nan)
    scored = origin_positions(len(v), origins, horizon, step, min_history)
    warmup = DISPERSION_ORIGINS * max(1, -(-horizon // step)) if intervals else 0
    positions = origin_positions(len(v), origins + warmup, horizon, step, min_history) if scored else []
    rows = []
    for name, method in named.items():
        done: list[tuple[int, np.ndarray]] = []   # (end of horizon, dispersion sums)
        for o in positions:
            actual = v[o : o + horizon]
            seen = ~np.isnan(actual)
            fc = np.asarray(method.forecast(y.iloc[:o], horizon, calendar), dtype=float)
            a, f = actual[seen].sum(), fc[seen].sum()
            err = np.abs(actual[seen] - fc[seen]).sum()
            sums = dispersion_sums(actual, fc)   # the prediction interval's error
            row = {"method": name, "origin": y.index[o], "wape": err / a if a > 0 else np.nan,
                   "bias": (f - a) / a if a > 0 else np.nan, "actual": a, "forecast": f, "abs_error": err,
                   **dict(zip(DISPERSION_SUMS, sums)), "hours": int(seen.sum())}
            if intervals:
                before = [s for end, s in done if end <= o][-DISPERSION_ORIGINS:]
                d = pooled_dispersion(np.sum(before, axis=0)) if before else SHORT_HISTORY_DISPERSION
                row.update(_interval_scores(actual, fc, d))
            done.append((o + horizon, sums))
            if o >= scored[0]:
                rows.append(row)
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return out.sort_values("origin", kind="stable").reset_index(drop=True)   # origin by origin, as before


def _interval_scores(actual: np.ndarray, forecast: np.ndarray, d: Dispersion) -> dict[str, float]:
    """How the forecast's 80 % interval fared on one origin's hours (see `backtest`)."""
    seen = ~np.isnan(actual)
    a, f = actual[seen], forecast[seen]
    lo, hi = interval(f, d, INTERVAL[1] - INTERVAL[0])
    open_ = f > 0
    covered = (a >= lo) & (a <= hi) & open_
    pinball = sum(np.maximum(q * (a - x), (q - 1) * (a - x)).sum() for q, x in zip(INTERVAL, (lo, hi)))
    return {"interval_hours": int(open_.sum()), "covered": int(covered.sum()), "pinball_sum": float(pinball)}


def score_table(results: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Pool a backtest's rows per series (`by` columns) and method: WAPE and bias over all
    origins together (not the mean of per-origin ratios, which over-weights quiet weeks)."""
    keys = [*by, "method"]
    if results.empty:
        return pd.DataFrame(columns=[*by, *SCORE_COLUMNS])
    g = results.groupby(keys, sort=False, dropna=False)
    sums = [c for c in ("actual", "forecast", "abs_error", "hours", "interval_hours", "covered", "pinball_sum")
            if c in results.columns]
    out = g[sums].sum()
    out.insert(0, "origins", g.size())
    with np.errstate(all="ignore"):
        out["wape"] = np.where(out["actual"] > 0, out["abs_error"] / out["actual"], np.nan)
        out["bias"] = np.where(out["actual"] > 0, (out["forecast"] - out["actual"]) / out["actual"], np.nan)
        out["coverage"], out["pinball"] = np.nan, np.nan
        if {"hours", "interval_hours", "covered", "pinball_sum"} <= set(results.columns):
            # only where every origin of the group was scored (`backtest(intervals=True)`)
            whole = (g["covered"].count() == g.size()).to_numpy()
            out["coverage"] = np.where(whole & (out["interval_hours"] > 0), out["covered"] / out["interval_hours"],
                                       np.nan)
            out["pinball"] = np.where(whole & (out["hours"] > 0), out["pinball_sum"] / (2 * out["hours"]), np.nan)
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
