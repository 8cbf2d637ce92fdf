"""Prediction intervals of hourly contact counts: Poisson noise and model error together.

An hour's contacts, given the forecast mean mu, are taken as negative binomial: Poisson noise
around a rate that itself misses by the model's error, Var = mu + phi * mu^2. phi = 0 is pure
Poisson noise (a perfect rate); the model's own misses set phi, measured on its backtest
(`dispersion`: moments of the errors left after the Poisson part). The interval then widens with
volume as Poisson noise says (sd = sqrt(mu)) and faster where the model is unsure (phi * mu).

Counts are whole, so a quantile is read off the distribution function with each count's probability
spread evenly over (k - 1, k] (the count less a uniform fraction): a quiet hour's 80 % interval is
then not inflated to whole counts, and a whole count falls inside it about 80 % of the time, at
night as by day (on a simulated Poisson week with 0.3 to 40 contacts an hour: 80.5 % of the night
hours under 2 contacts, 81.4 % of the others; spread over [k, k + 1) instead, 43.5 % at night).
"""

from __future__ import annotations

import numpy as np

#: above this mean the normal approximation (with the same variance) is used: exact enough, and
#: the count grid would be long
NORMAL_ABOVE = 400.0
#: two-sided z-scores of the quantiles used here (no scipy): 10 % / 90 %, 5 % / 95 %, 25 % / 75 %
_Z = {0.1: -1.2815515655446004, 0.9: 1.2815515655446004, 0.05: -1.6448536269514722,
      0.95: 1.6448536269514722, 0.25: -0.6744897501960817, 0.75: 0.6744897501960817, 0.5: 0.0}


def dispersion_sums(actual: np.ndarray, forecast: np.ndarray) -> tuple[float, float]:
    """(squared errors beyond Poisson noise, squared forecasts) over the hours with a forecast above
    zero and an actual (not NaN): the two sums `dispersion` divides, which pool over origins."""
    y, mu = np.asarray(actual, float), np.asarray(forecast, float)
    keep = ~np.isnan(y) & ~np.isnan(mu) & (mu > 0)
    y, mu = y[keep], mu[keep]
    return float(np.sum((y - mu) ** 2 - mu)), float(np.sum(mu ** 2))


def pooled_dispersion(excess: float, forecast_sq: float) -> float:
    """phi from `dispersion_sums` (summed over any number of origins); 0 when there is nothing."""
    return max(excess / forecast_sq, 0.0) if forecast_sq > 0 else 0.0


def dispersion(actual: np.ndarray, forecast: np.ndarray) -> float:
    """phi of Var = mu + phi mu^2 from backtest pairs (hours with a forecast above zero): the
    squared errors beyond what Poisson noise explains, over mu^2; 0 when Poisson noise explains
    them all. Hours without an actual (NaN) are left out."""
    return pooled_dispersion(*dispersion_sums(actual, forecast))


def _log_pmf_table(mu: np.ndarray, phi: float, kmax: int) -> np.ndarray:
    """(hours, kmax + 1) log P(Y = k): Poisson when phi = 0, else negative binomial with
    n = 1 / phi, by the ratio P(k+1) / P(k) (no gamma function needed)."""
    k = np.arange(kmax, dtype=float)
    m = mu[:, None]
    if phi <= 0:
        first = -mu
        ratio = np.log(m) - np.log(k + 1)[None, :]
    else:
        n = 1.0 / phi
        first = n * (np.log(n) - np.log(n + mu))
        ratio = np.log(k + n)[None, :] - np.log(k + 1)[None, :] + np.log(m) - np.log(n + m)
    return np.concatenate([first[:, None], first[:, None] + np.cumsum(ratio, axis=1)], axis=1)


def quantile(mu: np.ndarray, phi: float, q: float) -> np.ndarray:
    """The q-quantile of each hour's count (mean `mu`, dispersion `phi`), on a continuous scale
    (see the module's note), never below 0."""
    mu = np.maximum(np.asarray(mu, float), 0.0)
    out = np.zeros(mu.shape)
    if q not in _Z:
        raise ValueError(f"quantile {q} is not one of {sorted(_Z)}")
    big = mu > NORMAL_ABOVE
    if big.any():
        sd = np.sqrt(mu[big] + phi * mu[big] ** 2)
        out[big] = mu[big] + _Z[q] * sd - 0.5    # the spread of each count over (k - 1, k]
    small = (~big) & (mu > 0)
    if small.any():
        m = mu[small]
        sd = np.sqrt(m + phi * m ** 2)
        kmax = int(np.ceil(float(np.max(m + 10 * sd)) + 10))
        pmf = np.exp(_log_pmf_table(m, phi, kmax))
        cdf = np.cumsum(pmf, axis=1)
        k = np.argmax(cdf >= q, axis=1)                       # smallest count with F(k) >= q
        rows = np.arange(m.size)
        below = np.where(k > 0, cdf[rows, np.maximum(k - 1, 0)], 0.0)
        step = np.maximum(pmf[rows, k], 1e-300)
        out[small] = k - 1 + (q - below) / step                # count k spread over (k - 1, k]
    return np.maximum(out, 0.0)


def interval(mu: np.ndarray, phi: float, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The central `level` interval (p10 and p90 for 0.8) of each hour's count."""
    lo, hi = round((1 - level) / 2, 10), round(1 - (1 - level) / 2, 10)
    return quantile(mu, phi, lo), quantile(mu, phi, hi)
