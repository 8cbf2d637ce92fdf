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

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: above this mean the normal approximation (with the same variance) is used: exact enough, and
#: the count grid would be long
NORMAL_ABOVE = 400.0


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


def _check_quantile(q: float) -> None:
    if not 0.0 < q < 1.0:
        raise ValueError(f"a quantile must be between 0 and 1, exclusive (got {q!r})")


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
    _check_quantile(q)
    big = mu > NORMAL_ABOVE
    if big.any():
        z = NormalDist().inv_cdf(q)
        out[big] = mu[big] + z * np.sqrt(_variance(mu[big], d)) - 0.5   # each count spread over (k - 1, k]
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


#: above this shape the Wilson-Hilferty cube is exact to about 1e-8 and the series would be long
_WH_EXACT_ABOVE = 1e5


def _gamma_cdf(k: float, x: float) -> float:
    """P(X <= x) for X ~ Gamma(shape k, scale 1): the regularised lower incomplete gamma function,
    by its series below k + 1 and by its continued fraction (modified Lentz) above (Numerical
    Recipes 6.2)."""
    if x <= 0.0:
        return 0.0
    log_front = k * math.log(x) - x - math.lgamma(k)
    if x < k + 1.0:
        term = total = 1.0 / k
        a = k
        while abs(term) > abs(total) * 1e-16:
            a += 1.0
            term *= x / a
            total += term
        return min(total * math.exp(log_front), 1.0)
    tiny = 1e-300
    b = x + 1.0 - k
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - k)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return max(1.0 - math.exp(log_front) * h, 0.0)


def _standard_gamma_quantile(k: float, q: float) -> float:
    """The q-quantile of Gamma(shape k, scale 1).

    Wilson-Hilferty's cube k (1 - 1/(9k) + z sqrt(1/(9k)))^3 (z the normal q-quantile) is the
    start, exact enough for a large k; for k <= 1e5 Newton's method on the distribution function,
    kept inside the bracket found so far, makes it exact. Where the cube fails (a small k, where it
    may even go negative) the start is the lower-tail bound (q Gamma(k + 1))^(1/k), which is never
    above the quantile since P(X <= x) <= x^k / Gamma(k + 1)."""
    z = NormalDist().inv_cdf(q)
    base = 1.0 - 1.0 / (9.0 * k) + z * math.sqrt(1.0 / (9.0 * k))
    cube = k * base ** 3 if base > 0 else 0.0
    if k > _WH_EXACT_ABOVE:
        return cube
    x = max(cube, math.exp((math.log(q) + math.lgamma(k + 1.0)) / k))
    lo, hi = 0.0, math.inf
    for _ in range(200):
        p = _gamma_cdf(k, x)
        if p < q:
            lo = x
        else:
            hi = x
        density = math.exp((k - 1.0) * math.log(x) - x - math.lgamma(k)) if x > 0 else 0.0
        step = x - (p - q) / density if density > 0 else math.nan
        nxt = step if lo < step < hi else (lo + hi) / 2 if math.isfinite(hi) else 2.0 * x + 1.0
        if abs(nxt - x) <= 1e-14 * x or (math.isfinite(hi) and hi - lo <= 1e-15 * hi):
            return nxt
        x = nxt
    return x


def rate_quantile(mu: np.ndarray | float, phi: np.ndarray | float, q: float) -> np.ndarray:
    """The q-quantile of each hour's contact rate: Gamma with mean `mu` and variance phi mu^2
    (shape k = 1/phi, scale mu phi), the rate whose Poisson counts `quantile` describes.

    Staffing plans at a quantile of the rate, not of the count: Erlang's formulas already take
    arrivals as Poisson around the rate, so a quantile of the count would count that noise twice.
    phi = 0 (or NaN: no dispersion known) gives `mu` itself, whatever q. `phi` may be one value
    or one per hour; no scipy needed (`_standard_gamma_quantile`)."""
    _check_quantile(q)
    mu = np.maximum(np.atleast_1d(np.asarray(mu, dtype=np.float64)), 0.0)
    phi = np.broadcast_to(np.asarray(phi, dtype=np.float64), mu.shape)
    out = mu.copy()
    error = np.isfinite(phi) & (phi > 0)
    for value in np.unique(phi[error]):
        rows = error & (phi == value)
        k = 1.0 / float(value)
        out[rows] = mu[rows] * _standard_gamma_quantile(k, q) / k   # scale mu phi = mu / k
    return out


def interval(mu: np.ndarray, d: Dispersion | float, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The central `level` interval (p10 and p90 for 0.8) of each hour's count."""
    lo, hi = round((1 - level) / 2, 10), round(1 - (1 - level) / 2, 10)
    return quantile(mu, d, lo), quantile(mu, d, hi)
