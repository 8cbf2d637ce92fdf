"""Prediction intervals of hourly contact counts: Poisson noise and model error together.

An hour's contacts, given the forecast mean mu, are taken as negative binomial with
Var = (1 + psi) mu + phi mu^2: Poisson noise, arrivals that come in clusters (psi: the variance
grows with the volume) and a rate that itself misses by the model's error (phi: the variance grows
with its square). phi = psi = 0 is pure Poisson noise around a perfect rate; the method's own
misses set both, measured on its backtest (`dispersion`: moments of the errors left after the
Poisson part, once over all hours and once weighted towards quiet ones, because a model error
alone under-covers quiet hours of bursty series: an IT desk's nights held 66 % of their counts in
an interval that held 80 % overall). The interval widens with volume as Poisson noise says
(sd = sqrt(mu)) and faster where the model is unsure (phi mu).

Counts are whole, so a quantile is read off the distribution function with each count's probability
spread evenly over (k - 1, k] (the count less a uniform fraction): a quiet hour's 80 % interval is
then not inflated to whole counts, and a whole count falls inside it about 80 % of the time, at
night as by day (on a simulated Poisson week with 0.3 to 40 contacts an hour: 80.5 % of the night
hours under 2 contacts, 81.4 % of the others; spread over [k, k + 1) instead, 43.5 % at night).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: above this mean the normal approximation (with the same variance) is used: exact enough, and
#: the count grid would be long
NORMAL_ABOVE = 400.0
#: two-sided z-scores of the quantiles used here (no scipy): 10 % / 90 %, 5 % / 95 %, 25 % / 75 %
_Z = {0.1: -1.2815515655446004, 0.9: 1.2815515655446004, 0.05: -1.6448536269514722,
      0.95: 1.6448536269514722, 0.25: -0.6744897501960817, 0.75: 0.6744897501960817, 0.5: 0.0}


#: the sums `dispersion_sums` returns, in order; they add up over origins
DISPERSION_SUMS = ("excess", "mu", "mu_sq", "excess_w", "mu_w", "mu_sq_w")


@dataclass(frozen=True)
class Dispersion:
    """Var = (1 + psi) mu + phi mu^2: `phi` is the model's error in the rate (it grows with the
    square of the volume: a missed day level misses every hour in proportion), `psi` the arrivals'
    burstiness beyond Poisson (it grows with the volume: contacts that come in clusters, such as
    the tickets an outage raises)."""

    phi: float = 0.0
    psi: float = 0.0


#: the dispersion assumed when the history is too short to measure one (under two weeks: no
#: week-ahead origin with a week before it): a model error of about 22 % at 100 contacts an hour
#: on top of Poisson noise
SHORT_HISTORY_DISPERSION = Dispersion(phi=0.05)


def dispersion_sums(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """The sums (DISPERSION_SUMS) that `pooled_dispersion` solves, over the hours with a forecast
    above zero and an actual (not NaN): e = (y - mu)^2 - mu (the error beyond Poisson noise), mu
    and mu^2, plain and weighted by 1 / (1 + mu) (which gives quiet hours their say)."""
    y, mu = np.asarray(actual, float), np.asarray(forecast, float)
    keep = ~np.isnan(y) & ~np.isnan(mu) & (mu > 0)
    y, mu = y[keep], mu[keep]
    e, w = (y - mu) ** 2 - mu, 1.0 / (1.0 + mu)
    return np.array([e.sum(), mu.sum(), (mu**2).sum(), (e * w).sum(), (mu * w).sum(), (mu**2 * w).sum()])


def pooled_dispersion(sums: np.ndarray) -> Dispersion:
    """phi and psi from `dispersion_sums` (summed over any number of origins): the method of
    moments, E[e] = psi mu + phi mu^2, once over all hours and once weighted towards quiet hours.
    Where the two-term solution has a negative term, the better of the one-term fits; none when
    there is nothing."""
    e, m1, m2, ew, m1w, m2w = (float(x) for x in sums)
    if m2 <= 0 or m1w <= 0:
        return Dispersion()
    det = m1 * m2w - m2 * m1w
    if abs(det) > 1e-9 * m1 * m2w:
        psi, phi = (e * m2w - m2 * ew) / det, (m1 * ew - e * m1w) / det
        if psi >= 0 and phi >= 0:
            return Dispersion(phi, psi)

    def misfit(d: Dispersion) -> float:
        return ((e - d.psi * m1 - d.phi * m2) / m2) ** 2 + ((ew - d.psi * m1w - d.phi * m2w) / m2w) ** 2

    return min(Dispersion(phi=max(e / m2, 0.0)), Dispersion(psi=max(ew / m1w, 0.0)), key=misfit)


def dispersion(actual: np.ndarray, forecast: np.ndarray) -> Dispersion:
    """phi and psi of Var = (1 + psi) mu + phi mu^2 from backtest pairs (hours with a forecast
    above zero); zero where Poisson noise explains the errors. Hours without an actual (NaN) are
    left out."""
    return pooled_dispersion(dispersion_sums(actual, forecast))


def _log_pmf_table(mu: np.ndarray, size: np.ndarray, kmax: int) -> np.ndarray:
    """(hours, kmax + 1) log P(Y = k): Poisson where `size` is inf, else negative binomial with
    that size n (Var = mu + mu^2 / n), by the ratio P(k+1) / P(k) (no gamma function needed)."""
    k = np.arange(kmax, dtype=float)[None, :]
    m, n = mu[:, None], size[:, None]
    pois = ~np.isfinite(n)
    nn = np.where(pois, 1.0, n)
    with np.errstate(divide="ignore"):
        first = np.where(pois[:, 0], -mu, nn[:, 0] * (np.log(nn[:, 0]) - np.log(nn[:, 0] + mu)))
        ratio = np.where(pois, np.log(m) - np.log(k + 1), np.log(k + nn) - np.log(k + 1) + np.log(m) - np.log(nn + m))
    return np.concatenate([first[:, None], first[:, None] + np.cumsum(ratio, axis=1)], axis=1)


def _variance(mu: np.ndarray, d: Dispersion) -> np.ndarray:
    return (1.0 + d.psi) * mu + d.phi * mu**2


def quantile(mu: np.ndarray, d: Dispersion | float, q: float) -> np.ndarray:
    """The q-quantile of each hour's count (mean `mu`, dispersion `d`; a bare number is phi), on a
    continuous scale (see the module's note), never below 0."""
    d = d if isinstance(d, Dispersion) else Dispersion(phi=float(d))
    mu = np.maximum(np.asarray(mu, float), 0.0)
    out = np.zeros(mu.shape)
    if q not in _Z:
        raise ValueError(f"quantile {q} is not one of {sorted(_Z)}")
    big = mu > NORMAL_ABOVE
    if big.any():
        out[big] = mu[big] + _Z[q] * np.sqrt(_variance(mu[big], d)) - 0.5   # each count spread over (k - 1, k]
    small = (~big) & (mu > 0)
    if small.any():
        m = mu[small]
        extra = d.psi + d.phi * m                      # Var = mu + mu^2 / n  with  n = mu / extra
        with np.errstate(divide="ignore"):
            size = np.where(extra > 0, m / np.maximum(extra, 1e-300), np.inf)
        kmax = int(np.ceil(float(np.max(m + 10 * np.sqrt(_variance(m, d)))) + 10))
        pmf = np.exp(_log_pmf_table(m, size, kmax))
        cdf = np.cumsum(pmf, axis=1)
        k = np.argmax(cdf >= q, axis=1)                       # smallest count with F(k) >= q
        rows = np.arange(m.size)
        below = np.where(k > 0, cdf[rows, np.maximum(k - 1, 0)], 0.0)
        step = np.maximum(pmf[rows, k], 1e-300)
        out[small] = k - 1 + (q - below) / step                # count k spread over (k - 1, k]
    return np.maximum(out, 0.0)


def interval(mu: np.ndarray, d: Dispersion | float, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The central `level` interval (p10 and p90 for 0.8) of each hour's count."""
    lo, hi = round((1 - level) / 2, 10), round(1 - (1 - level) / 2, 10)
    return quantile(mu, d, lo), quantile(mu, d, hi)
