"""Volume risk for `rota simulate`: the forecast's own error drawn into the replay, and the chance
that the horizon meets its service-level target.

Without it the replay takes the forecast as the true rate and draws only Poisson noise around it,
so it answers "does the rota work if the forecast is right?". A forecast misses, and by how much
is measured: forecast.csv's `dispersion` phi per series (`forecasts.intervals`: the rate is Gamma
with mean mu and variance phi mu^2). Each replication draws, for every series and calendar day, one
factor G ~ Gamma(shape 1/phi, scale phi) (mean 1, variance phi) and runs the day's hours at
mu x G. One draw per day, not per hour: a forecast's misses are mostly the level of a day (a
busier Monday than expected is busier all day), and independent hourly misses would cancel out
over a day and understate the risk. phi is measured on hours, so using it as the variance of a
whole day's level is on the conservative side: a day's level varies less than its single hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.errors import InputError
from forecasts.staffing import forecast_dispersion
from planner.analysis.queue_sim import Tally

#: the stream of the day-level draws: `default_rng([seed, r, FORECAST_STREAM])`, apart from the
#: contacts' (`[seed, r]`) and the routing's (`[seed, r, 1]`), so that phi = 0 replays exactly
FORECAST_STREAM = 2


def series_dispersion(forecast: pd.DataFrame, file: str = "forecast.csv") -> dict[tuple[str, str], float] | None:
    """phi per (channel, queue) of a forecast frame (channel lower case); None without a
    `dispersion` column. An empty cell is 0; a cell that is no number >= 0 is named."""
    if "dispersion" not in forecast.columns:
        return None
    values = np.asarray(forecast_dispersion(forecast), dtype=np.float64)
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0)))
    if bad.size:
        raise InputError(f"must be a number >= 0 or empty (got {forecast['dispersion'].iloc[bad[0]]!r})", file=file,
                         row=int(bad[0]) + 2, column="dispersion")
    keys = pd.DataFrame({"channel": forecast["channel"].astype(str).str.lower(),
                         "queue": forecast["queue"].astype(str) if "queue" in forecast.columns else "main",
                         "phi": values})
    return {(str(c), str(q)): float(phi) for (c, q), phi in keys.groupby(["channel", "queue"])["phi"].max().items()}


def day_factors(hours: pd.DatetimeIndex, phis: list[float], replications: int, seed: int) -> np.ndarray:
    """(replications, series, hours): per replication, series and calendar day one factor
    G ~ Gamma(1/phi, phi) on the series' rate, the same in every hour of that day (see the module
    docstring for why a day); 1 where phi is 0."""
    _, day_of = np.unique(hours.normalize().to_numpy(), return_inverse=True)
    days = int(day_of.max()) + 1 if len(day_of) else 0
    out = np.ones((replications, len(phis), len(hours)))
    for r in range(replications):
        rng = np.random.default_rng([seed, r, FORECAST_STREAM])
        for j, phi in enumerate(phis):
            if phi > 0:
                out[r, j] = rng.gamma(1.0 / phi, phi, days)[day_of]
    return out


def share_meeting(tally: Tally, target: float) -> float:
    """P(horizon meets target): the share of replications whose service level over the whole
    horizon (on-time contacts over arrivals, pooled over the tally's hours and queues) reaches
    `target`, the contact-weighted target of the requirement as `simulate.target_checks` takes
    it. One replication is one possible week: there is no interval to allow for, so a week at
    99.9 % of a 100 % e-mail target has not met it. NaN without a target or contacts."""
    arrivals, on_time = tally.arrivals.sum(axis=1), tally.on_time.sum(axis=1)
    seen = arrivals > 0
    if not np.isfinite(target) or not seen.any():
        return float("nan")
    return float(np.mean(on_time[seen] / arrivals[seen] >= target - 1e-9))
