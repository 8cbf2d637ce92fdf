"""`DailyProfile`, the workforce-management model: a forecast of each day's total times an
intraday shape per weekday.

Week-ahead error on contact data is dominated by the level of each day, not by Poisson noise,
so the model spends its effort there: the level is pooled over all open days (deseasonalised
by weekday factors) instead of using one weekday's few values, outliers are clipped, closures
and outages count as missing instead of as volume, the level's memory (and whether a damped
trend helps) is chosen by an inner backtest on the training data, the first and last open
days of a month and calendar days (holidays, events, the day after a holiday) get
multiplicative effects estimated from their past occurrences. The shape pools many weeks
normalised by the day total, which makes it far less noisy than an hour-by-hour mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from forecasts.baselines import DAY, _first_hour, _hour_of_day_mean, _values, nan_mean
from forecasts.calendar_features import DayCalendar, event_uplifts


@dataclass(frozen=True)
class DailyProfile:
    """Day totals (level x weekday factor x month position x calendar effect) times an
    intraday shape per weekday.

    Parameters are principles rather than fits: `half_lives` are candidate memories of the
    level in days (one, two, four, eight weeks); with `trend`, a damped local-linear level
    is a candidate too for memories of at least `trend_min_half_life` days; the candidate
    that forecast the training data's own last `inner_weeks` weeks best is used.
    `window_weeks` is how far back weekday factors and shapes are pooled (a quarter: long
    enough to average out noise, short enough to follow seasonal change). A day below
    `outage_share` of its weekday's typical volume is a closure or an outage, not
    information about the level. Deseasonalised daily values are clipped at `clip_mads`
    robust standard deviations so one odd day cannot move the level. The first and last
    `month_days` open days of a month get their own (shrunk) effects. A weekday's shape is
    shrunk towards the all-days shape with the weight of `shape_prior_days` days.
    """

    name: str = "daily_profile"
    half_lives: tuple[float, ...] = (7.0, 14.0, 28.0, 56.0)
    inner_weeks: int = 6
    window_weeks: int = 13
    outage_share: float = 0.2
    clip_mads: float = 3.0
    shape_prior_days: float = 4.0
    month_days: int = 3
    trend: bool = True
    trend_min_half_life: float = 14.0

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        v = _values(y, horizon)
        if len(v) == 0 or np.all(np.isnan(v)):
            return np.zeros(horizon)
        if len(v) < DAY:
            return _hour_of_day_mean(v, _first_hour(y), horizon)
        grid = _DayGrid.build(y.index[0], v, horizon)
        fit = _fit_days(grid, self, calendar)
        hourly = fit.totals[:, None] * fit.shape[grid.weekday]
        flat = hourly.reshape(-1)[grid.lead + grid.n : grid.lead + grid.n + horizon]
        return np.maximum(np.nan_to_num(flat), 0.0)


# --------------------------------------------------------------------------------------
# DailyProfile internals


@dataclass(frozen=True)
class _DayGrid:
    """History and horizon laid out as whole days (rows) x 24 hours, NaN where unknown."""

    hours: np.ndarray  # (days, 24) history values, NaN outside history and in gaps
    weekday: np.ndarray  # (days,) 0 = Monday
    first_day: pd.Timestamp
    lead: int  # hours of the first day before y starts
    n: int  # hours of history
    hist_days: int  # days that hold at least one history hour

    @staticmethod
    def build(start: pd.Timestamp, v: np.ndarray, horizon: int) -> "_DayGrid":
        first_day = start.normalize()
        lead = int((start - first_day) // pd.Timedelta(hours=1))
        n = len(v)
        days = -(-(lead + n + horizon) // DAY)
        flat = np.full(days * DAY, np.nan)
        flat[lead : lead + n] = v
        weekday = (first_day.weekday() + np.arange(days)) % 7
        return _DayGrid(flat.reshape(days, DAY), weekday, first_day, lead, n, -(-(lead + n) // DAY))


@dataclass(frozen=True)
class _DayFit:
    totals: np.ndarray  # (days,) forecast day totals (history days: fitted values)
    shape: np.ndarray  # (7, 24) intraday share of the day total per weekday


def _fit_days(grid: _DayGrid, p: DailyProfile, calendar: DayCalendar | None) -> _DayFit:
    H = grid.hours[: grid.hist_days]
    wd = grid.weekday
    nd = grid.hist_days
    days = len(grid.weekday)
    keys = _day_keys(grid, calendar, days)
    window = np.arange(nd) >= nd - 7 * p.window_weeks

    complete = ~np.isnan(H).any(axis=1)
    raw = np.nansum(H, axis=1)

    # typical volume per weekday: the median complete ordinary day in the window
    special = keys[:nd] != ""
    typical = np.zeros(7)
    for w in range(7):
        sel = complete & ~special & window & (wd[:nd] == w)
        if not sel.any():
            sel = complete & ~special & (wd[:nd] == w)
        typical[w] = np.median(raw[sel]) if sel.any() else np.nan
    if np.isnan(typical).all():
        typical[:] = np.nanmax(raw) if np.isfinite(raw).any() else 0.0
    else:
        typical[np.isnan(typical)] = np.nanmedian(typical)
    open_day = typical > 0
    if calendar is not None:
        keys = np.where(_after_holiday(keys, wd, open_day), "after:holiday", keys)
        special = keys[:nd] != ""

    outage = complete & open_day[wd[:nd]] & (raw < p.outage_share * typical[wd[:nd]])
    usable = complete & ~special & ~outage & window
    shape = _shapes(H, wd[:nd], usable, p.shape_prior_days)

    # day totals, gaps filled through the shape (a day with less than half its usual volume
    # observed is treated as missing)
    observed = ~np.isnan(H)
    coverage = (shape[wd[:nd]] * observed).sum(axis=1)
    with np.errstate(all="ignore"):
        totals = np.where(coverage >= 0.5, raw / coverage, np.nan)
    closed = ~open_day[wd[:nd]]
    totals[closed] = np.where(observed.any(axis=1), raw, np.nan)[closed]
    partial_outage = open_day[wd[:nd]] & (totals < p.outage_share * typical[wd[:nd]])
    totals[partial_outage & ~special] = np.nan
    special_totals = np.where(special, totals, np.nan)
    totals[special] = np.nan

    factor = _weekday_factors(totals, wd[:nd], window, open_day)
    des = np.full(nd, np.nan)
    ok = np.isfinite(totals) & (factor[wd[:nd]] > 0)
    des[ok] = totals[ok] / factor[wd[:nd]][ok]

    month = np.ones(days)
    if p.month_days > 0:
        # month-position effects, then weekday factors again without them (the 1st of a
        # month falls on some weekdays more often than on others within the window)
        pos = _month_positions(grid, keys, open_day, p.month_days, calendar)
        for _ in range(2):
            month = _month_position_effects(pos, des, p.month_days)
            factor = _weekday_factors(totals / month[:nd], wd[:nd], window, open_day)
            des = np.full(nd, np.nan)
            des[ok] = totals[ok] / factor[wd[:nd]][ok]
        des = des / month[:nd]
    des = _clip_robust(des, window, p.clip_mads)

    candidates = [(float(h), False) for h in p.half_lives]
    if p.trend:
        candidates += [(float(h), True) for h in p.half_lives if h >= p.trend_min_half_life]
    fac_hist = factor[wd[:nd]] * month[:nd]
    best = _choose_level_model(des, totals, fac_hist, candidates, p.inner_weeks)
    a, b = _level_paths(des, *best)
    steps = np.arange(days) - (nd - 1)
    lev = a[-1] + b[-1] * _damped_steps(steps, best[0])
    if not np.isfinite(a[-1]):
        lev = np.full(days, np.nanmedian(des) if np.isfinite(des).any() else 0.0)
    level = np.maximum(lev, 0.0)

    effects = _calendar_effects(keys, special_totals, des, factor, wd, nd, calendar)
    out = level * factor[wd] * np.where(keys != "", 1.0, month) * effects
    return _DayFit(out, shape)


def _month_positions(
    grid: _DayGrid, keys: np.ndarray, open_day: np.ndarray, k: int, calendar: DayCalendar | None
) -> np.ndarray:
    """Per grid day: 1..k = the n-th open day of its month, -1..-k = the n-th open day from
    the month's end, 0 = neither (or a calendar day, whose own label takes precedence)."""
    days = len(keys)
    first = grid.first_day
    # whole months around the grid, so that 'the last open days' are known at its edges
    lo = first.replace(day=1)
    hi = (first + pd.Timedelta(days=days - 1) + pd.offsets.MonthEnd(0)).normalize()
    ext = pd.date_range(lo, hi, freq="D")
    is_open = open_day[ext.day_of_week.to_numpy()]
    if calendar is not None:
        ext_keys = calendar.keys(lo.date(), hi.date()).astype(str)
        is_open = is_open & ~np.char.startswith(ext_keys, "holiday:")
    o = is_open.astype(int)
    month = (ext.year * 12 + ext.month).to_numpy()
    n = len(ext)
    at = np.arange(n)
    starts = np.r_[True, month[1:] != month[:-1]]
    ends = np.r_[month[1:] != month[:-1], True]
    first_of = np.maximum.accumulate(np.where(starts, at, 0))
    last_of = np.minimum.accumulate(np.where(ends, at, n - 1)[::-1])[::-1]
    cs = np.cumsum(o)
    before = cs[first_of] - o[first_of]
    from_start = cs - before
    from_end = (cs[last_of] - before) - from_start + o
    sl = slice((first - lo).days, (first - lo).days + days)
    fs, fe, op = from_start[sl], from_end[sl], is_open[sl]
    pos = np.where(op & (fe <= k), -fe, 0)
    pos = np.where(op & (fs <= k), fs, pos)
    pos[keys != ""] = 0
    return pos


def _month_position_effects(pos: np.ndarray, des: np.ndarray, k: int) -> np.ndarray:
    """Effect of the first and last `k` open days of each month (bills, pay days, statements).

    Each position's effect is the mean ratio of its past days to the local level, shrunk to 1
    by a positive-part James-Stein factor, so a position whose deviation is not clearly
    larger than its standard error has no effect at all.
    """
    nd = len(des)
    effects = np.ones(len(pos))
    level = _centred_median(des, 14)
    with np.errstate(all="ignore"):
        ratio = des / level
    ratio[max(0, nd - 14) :] = np.nan  # a one-sided median lags behind a trend
    for q in [*range(1, k + 1), *range(-k, 0)]:
        effects[pos == q] = _shrunk_mean(ratio[(pos[:nd] == q) & np.isfinite(ratio)])
    return effects


def _centred_median(x: np.ndarray, span: int) -> np.ndarray:
    """Median of the finite values within +-span of each point (the local level)."""
    s = pd.Series(x)
    return s.rolling(2 * span + 1, center=True, min_periods=1).median().to_numpy()


def _day_keys(grid: _DayGrid, calendar: DayCalendar | None, days: int) -> np.ndarray:
    """Calendar key per day ('' = ordinary) over the whole grid, history and horizon."""
    if calendar is None:
        return np.full(days, "", dtype=object)
    start = grid.first_day.date()
    end = (grid.first_day + pd.Timedelta(days=days - 1)).date()
    return calendar.keys(start, end)


def _shapes(H: np.ndarray, wd: np.ndarray, usable: np.ndarray, prior_days: float) -> np.ndarray:
    """Intraday share of the day total per weekday, pooled over usable days.

    Each weekday's own shape is shrunk towards the all-days shape with the weight of
    `prior_days` days, so a weekday seen only a few times borrows strength from the others.
    """
    sums = np.zeros((7, DAY))
    tot = np.zeros(7)
    counts = np.zeros(7)
    for w in range(7):
        sel = usable & (wd == w)
        if sel.any():
            sums[w] = H[sel].sum(axis=0)
            tot[w] = sums[w].sum()
            counts[w] = sel.sum()
    if tot.sum() > 0:
        pooled = sums.sum(axis=0) / tot.sum()
    else:
        finite = H[~np.isnan(H).all(axis=1)]
        prof = nan_mean(finite) if len(finite) else np.ones(DAY)
        prof = np.nan_to_num(prof)
        pooled = prof / prof.sum() if prof.sum() > 0 else np.full(DAY, 1.0 / DAY)
    shape = np.empty((7, DAY))
    for w in range(7):
        own = sums[w] / tot[w] if tot[w] > 0 else pooled
        k = counts[w] if tot[w] > 0 else 0.0
        shape[w] = (k * own + prior_days * pooled) / (k + prior_days)
    return shape


def _weekday_factors(totals: np.ndarray, wd: np.ndarray, window: np.ndarray, open_day: np.ndarray) -> np.ndarray:
    """Mean volume of each weekday relative to the mean open weekday (closed weekdays: 0)."""
    factor = np.zeros(7)
    for w in range(7):
        if not open_day[w]:
            continue
        sel = np.isfinite(totals) & (wd == w) & window
        if not sel.any():
            sel = np.isfinite(totals) & (wd == w)
        factor[w] = totals[sel].mean() if sel.any() else np.nan
    opened = open_day & np.isfinite(factor) & (factor > 0)
    if not opened.any():
        return np.where(open_day, 1.0, 0.0)
    factor[open_day & ~opened] = factor[opened].mean()
    return factor / factor[open_day].mean()


def _clip_robust(des: np.ndarray, window: np.ndarray, k: float) -> np.ndarray:
    """Clip each value to within `k` robust standard deviations of its local level.

    The local level is a centred four-week median, so a trend is not mistaken for outliers;
    the spread is the MAD of the relative deviations within the recent window.
    """
    local = _centred_median(des, 14)
    with np.errstate(all="ignore"):
        dev = des / local - 1.0
    vals = dev[window & np.isfinite(dev)]
    if vals.size < 5:
        return des
    scale = 1.4826 * np.median(np.abs(vals - np.median(vals)))
    if not scale > 0:
        return des
    return np.clip(des, local * (1.0 - k * scale), local * (1.0 + k * scale))


def _level_paths(des: np.ndarray, half_life: float, trend: bool) -> tuple[np.ndarray, np.ndarray]:
    """Exponentially weighted level (and slope) of the values before each day, NaN skipped.

    Returns (a, b), each len(des)+1 long: with the data before day o, the level on day o-1
    is a[o] and the slope per day b[o] (0 without trend): a weighted local-linear fit whose
    weights halve every `half_life` days.
    """
    r = 0.5 ** (1.0 / half_life)
    ok = np.isfinite(des)
    x = np.where(ok, des, 0.0)
    w = ok.astype(float)
    i = np.arange(len(des), dtype=float)

    def run(v: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], _ew_sum(v, r)])

    s0, y0 = run(w), run(x)
    with np.errstate(all="ignore"):
        if not trend:
            a = np.where(s0 > 1e-9, y0 / s0, np.nan)
            return a, np.zeros_like(a)
        s1, s2, y1 = run(w * i), run(w * i * i), run(x * i)
        last = np.arange(len(des) + 1) - 1.0  # the day the fit is centred on
        u1 = s1 - last * s0
        u2 = s2 - 2 * last * s1 + last**2 * s0
        v1 = y1 - last * y0
        det = s0 * u2 - u1**2
        enough = (s0 > 1e-9) & (det > 1e-9 * np.maximum(s0 * u2, 1e-300))
        b = np.where(enough, (s0 * v1 - u1 * y0) / det, 0.0)
        a = np.where(s0 > 1e-9, (y0 - b * u1) / s0, np.nan)
    return a, b


def _ew_sum(x: np.ndarray, r: float, block: int = 128) -> np.ndarray:
    """s[i] = sum_{j<=i} r**(i-j) * x[j], vectorised in blocks (no overflow of r**-j)."""
    out = np.empty(len(x))
    k = np.arange(block, dtype=float)
    up, down = r**k, r**-k
    carry = 0.0
    for lo in range(0, len(x), block):
        seg = x[lo : lo + block]
        m = len(seg)
        out[lo : lo + m] = up[:m] * (np.cumsum(seg * down[:m]) + carry)
        carry = out[lo + m - 1] * r
    return out


def _damped_steps(steps: np.ndarray, half_life: float) -> np.ndarray:
    """Sum of phi**i for i = 1..k: the slope is extrapolated no further than its own memory
    (phi / (1 - phi) = half_life days in total)."""
    phi = half_life / (1.0 + half_life)
    k = np.maximum(steps, 0).astype(float)
    return phi * (1.0 - phi**k) / (1.0 - phi)


def _choose_level_model(
    des: np.ndarray,
    totals: np.ndarray,
    fac: np.ndarray,
    candidates: Sequence[tuple[float, bool]],
    inner_weeks: int,
) -> tuple[float, bool]:
    """The (half-life, trend) whose week-ahead day totals were best over the training
    data's own last `inner_weeks` weeks; the middle half-life without trend if too short."""
    nd = len(des)
    plain = sorted(h for h, t in candidates if not t) or [candidates[0][0]]
    default = (plain[len(plain) // 2], False)
    origins = [nd - 7 * j for j in range(1, inner_weeks + 1) if nd - 7 * j >= 14]
    if len(candidates) == 1:
        return candidates[0]
    if len(origins) < 2:
        return default
    k = np.arange(1, 8)
    best, best_err = default, np.inf
    for h, trend in candidates:
        a, b = _level_paths(des, h, trend)
        damp = _damped_steps(k, h)
        err = 0.0
        for o in origins:
            target = totals[o : o + 7]
            pred = (a[o] + b[o] * damp[: len(target)]) * fac[o : o + 7]
            ok = np.isfinite(target) & np.isfinite(pred)
            err += np.abs(target[ok] - pred[ok]).sum()
        if best_err == np.inf or err < best_err * (1.0 - 1e-9):
            best, best_err = (h, trend), err
    return best


def _calendar_effects(
    keys: np.ndarray,
    special_totals: np.ndarray,
    des: np.ndarray,
    factor: np.ndarray,
    wd: np.ndarray,
    nd: int,
    calendar: DayCalendar | None,
) -> np.ndarray:
    """Multiplicative effect per day: 1 for ordinary days, estimated ratios for special ones.

    A holiday is measured against the level alone, not against its weekday: a holiday is a
    quiet day whatever weekday it falls on. A holiday seen before takes the median of its own
    past occurrences; one never seen takes the median of all past holidays, and with none in
    the history, the site's quietest weekday ("a holiday is like a Sunday"); either way it is
    never busier than its own weekday. The first open day after non-working days
    ('after:holiday') carries the catch-up volume of past such days, shrunk to none unless
    it is clearly more than noise (as the month positions are). An event uses its own past
    occurrences, else its configured `uplift`, else 1.
    """
    days = len(keys)
    effects = np.ones(days)
    if calendar is None or not (keys != "").any():
        return effects
    ratios: dict[str, list[float]] = {}
    for d in np.flatnonzero((keys[:nd] != "") & np.isfinite(special_totals)):
        if factor[wd[d]] <= 0:
            continue
        local = _local_level(des, d)
        if np.isfinite(local) and local > 0:
            weekday = 1.0 if keys[d].startswith("holiday:") else factor[wd[d]]
            ratios.setdefault(keys[d], []).append(special_totals[d] / (local * weekday))
    pooled_holidays = [r for k, v in ratios.items() if k.startswith("holiday:") for r in v]
    holiday_prior = float(np.median(pooled_holidays)) if pooled_holidays else float(np.min(factor))
    catch_up = _shrunk_mean(ratios.get("after:holiday", []))
    priors = event_uplifts(calendar.events)
    for d in range(nd, days):
        key, own = keys[d], factor[wd[d]]
        if not key or own <= 0:
            continue
        if key.startswith("holiday:"):
            if key in ratios:
                effects[d] = float(np.median(ratios[key])) / own
            else:
                effects[d] = min(own, holiday_prior) / own
        elif key == "after:holiday":
            effects[d] = catch_up
        elif key in ratios:
            effects[d] = float(np.median(ratios[key]))
        elif key.startswith("event:"):
            effects[d] = priors.get(key, 1.0)
    return effects


def _shrunk_mean(ratios: Sequence[float]) -> float:
    """Mean ratio shrunk to 1 by a positive-part James-Stein factor (1 with fewer than two)."""
    r = np.asarray(ratios, dtype=float)
    if r.size < 2:
        return 1.0
    delta = r.mean() - 1.0
    se2 = r.var(ddof=1) / r.size
    return 1.0 + delta * (max(0.0, 1.0 - se2 / delta**2) if delta != 0 else 0.0)


def _after_holiday(keys: np.ndarray, wd: np.ndarray, open_day: np.ndarray) -> np.ndarray:
    """First open ordinary day after a non-working day (closed weekdays in between allowed)."""
    days = len(keys)
    out = np.zeros(days, dtype=bool)
    for d in range(1, days):
        if keys[d] or not open_day[wd[d]]:
            continue
        j = d - 1
        while j >= 0 and not keys[j] and not open_day[wd[j]]:
            j -= 1
        out[d] = j >= 0 and str(keys[j]).startswith("holiday:")
    return out


def _local_level(des: np.ndarray, d: int, span: int = 14) -> float:
    """Robust level around day d (special days are NaN in `des`, so d itself never counts)."""
    vals = des[max(0, d - span) : d + span + 1]
    vals = vals[np.isfinite(vals)]
    return float(np.median(vals)) if vals.size else np.nan
