"""Erlang C and exact Erlang A (M/M/N+M) for contact-centre staffing, vectorised.

Every input may be a scalar, a numpy array or a pandas column; all are broadcast together
with numpy rules. Results are frozen dataclasses whose fields are float64 arrays of the
broadcast shape; when every input is a scalar the fields are plain Python floats
(`required_agents` returns an int64 array, or a Python int for scalar inputs).

Conventions shared by both models (times in seconds):
- traffic A = calls * aht_s / interval_s Erlangs, for `calls` offered per `interval_s`.
- `p_wait` = probability that an arrival finds every agent busy.
- `asa_s` = mean wait over ALL arrivals (those answered at once count 0 s; in Erlang A those
  who abandon count the time they waited before hanging up).
- Erlang C with N <= A has no steady state: p_wait = 1, service_level = 0, asa_s = inf.
- No contacts (A = 0): p_wait 0, service_level 1, asa_s 0, occupancy 0.

Numerics: nothing is evaluated as A**N / N!. Erlang B comes from the stable recursion on
R_k = 1/B_k = 1 + (k/A) R_{k-1}. That recursion contracts errors by k/A below k = A, so it
is started about 10*sqrt(A) below min(N, A) from an approximate value instead of at k = 0;
the start error is damped by ~e^-50. Erlang A's queue sums are hypergeometric-type series,
summed in blocks in scaled arithmetic over a window around their largest term (log of the
first term from a Stirling difference of lgamma). Work per interval is O(sqrt(A) + (N - A)+)
for Erlang C and O(sqrt(A * patience_s / aht_s)) terms for Erlang A, mostly as numpy work:
5,000 Erlangs take milliseconds; only absurd patience (10^6 x AHT) takes about a second.
No scipy: numpy and the standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from common.errors import InputError

ArrayLike = Any  # scalar, numpy array or pandas Series

_EPS = 1e-17  # truncation target of the Erlang A series, relative to their sum
_TOL = 1e-9  # slack when comparing a computed service level / occupancy with its target
_R_CAP = 1e300  # 1/B beyond this is "blocking is zero" for every purpose here
_MIN_TRAFFIC = 1e-200  # Erlangs; less is no traffic (1 / A must not overflow)
_PROBE_BUDGET = 4096  # Erlang A evaluations per round of the staffing search
_BLOCK_CELLS = 1 << 19  # terms per block of the Erlang A series, shared by the open intervals
_lgamma = np.frompyfunc(math.lgamma, 1, 1)


@dataclass(frozen=True, eq=False)
class ErlangCResult:
    """Erlang C (M/M/N, no abandonment) figures for given agents.

    service_level = P(wait <= answer_s) = 1 - p_wait * exp(-(N - A) * answer_s / aht_s).
    occupancy = A / N (capped at 1; 0 when N = 0).
    """

    traffic: Any
    agents: Any
    p_wait: Any
    service_level: Any
    asa_s: Any
    occupancy: Any


@dataclass(frozen=True, eq=False)
class ErlangAResult:
    """Exact Erlang A (M/M/N+M: exponential patience with mean patience_s) figures.

    service_level = fraction of ALL arrivals that are answered within answer_s, i.e.
    P(offered wait <= answer_s and the caller is still waiting then). Callers who hang up
    count as misses (they are not excluded), so when answer_s is long next to patience the
    figure can sit below Erlang C's for the same agents. Limits: patience -> inf gives Erlang
    C's service level, patience -> 0 gives 1 - ErlangB (callers who find no free agent leave).
    p_abandon = fraction of arrivals who hang up before being answered.
    occupancy = served traffic / N = A * (1 - p_abandon) / N (0 when N = 0).
    """

    traffic: Any
    agents: Any
    p_wait: Any
    p_abandon: Any
    service_level: Any
    asa_s: Any
    occupancy: Any


# ----------------------------------------------------------------------------- checks


def _as_float(name: str, value: ArrayLike) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric", column=name) from None
    if np.isnan(arr).any():
        raise InputError(f"{name} has a missing (NaN) value", column=name)
    return arr


def _check(name: str, arr: np.ndarray, ok: np.ndarray, rule: str) -> None:
    bad = ~np.asarray(ok)
    if bad.any():
        first = arr[bad].flat[0] if arr.ndim else arr.item()
        raise InputError(f"{name} must be {rule} (got {first:g})", column=name)


def _inputs(**named: ArrayLike) -> tuple[tuple[int, ...], dict[str, np.ndarray]]:
    """Validate, broadcast and flatten the named inputs."""
    arrays = {k: _as_float(k, v) for k, v in named.items() if v is not None}
    rules = {
        "calls": (lambda a: np.isfinite(a) & (a >= 0), "a finite number >= 0"),
        "interval_s": (lambda a: np.isfinite(a) & (a > 0), "a finite number > 0"),
        "aht_s": (lambda a: np.isfinite(a) & (a > 0), "a finite number > 0"),
        "answer_s": (lambda a: np.isfinite(a) & (a >= 0), "a finite number >= 0"),
        "agents": (lambda a: np.isfinite(a) & (a >= 0) & (a == np.floor(a)), "a whole number >= 0"),
        "patience_s": (lambda a: a > 0, "> 0 (inf means no abandonment)"),
        "sl_target": (lambda a: (a > 0) & (a < 1), "a fraction strictly between 0 and 1"),
        "max_occupancy": (lambda a: (a > 0) & (a <= 1), "a fraction in (0, 1]"),
    }
    for name, arr in arrays.items():
        test, rule = rules[name]
        _check(name, arr, test(arr), rule)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        raise InputError("inputs have shapes that do not broadcast together: "
                         + ", ".join(f"{k}{a.shape}" for k, a in arrays.items())) from None
    flat = {k: np.broadcast_to(a, shape).ravel() for k, a in arrays.items()}
    return shape, flat


def _shape_out(shape: tuple[int, ...], arr: np.ndarray, kind: type = float) -> Any:
    if shape == ():
        return kind(arr[0])
    return arr.reshape(shape)


# ----------------------------------------------------------------------------- Erlang B


def _inv_erlang_b(traffic: np.ndarray, agents: np.ndarray) -> np.ndarray:
    """R = 1 / ErlangB(agents, traffic) for traffic > 0, capped at 1e300.

    Uses R_k = 1 + (k / A) R_{k-1}, linear in R: an error at step k0 reaches step N multiplied
    by prod_{k0 < i <= N} i / A, which is below e^-50 relative to R_N when k0 starts
    10*sqrt(A) + 40 below min(N, A). So the recursion starts there from A / (A - k0).
    """
    n = traffic.size
    if n == 0:
        return np.empty(0)
    # beyond A + 40 sqrt(A) + 800 agents R exceeds 1e300 for every A: stop there
    agents = np.minimum(agents, np.floor(traffic + 40.0 * np.sqrt(traffic) + 800.0))
    k0 = np.maximum(np.floor(np.minimum(agents, traffic) - 10.0 * np.sqrt(traffic) - 40.0), 0.0)
    start = np.where(k0 > 0, traffic / np.maximum(traffic - k0, 1.0), 1.0)
    steps = (agents - k0).astype(np.int64)
    order = np.argsort(-steps, kind="stable")
    todo = steps[order]
    k = k0[order]
    inv_a = 1.0 / traffic[order]
    r = start[order]
    if todo[0] > 0:
        # number of intervals still stepping at step s (todo is sorted descending)
        active = np.searchsorted(-todo, -np.arange(1, todo[0] + 1), side="right")
        with np.errstate(over="ignore"):
            for m in active:
                km = k[:m]
                km += 1.0
                r[:m] = 1.0 + km * inv_a[:m] * r[:m]
    out = np.empty(n)
    out[order] = np.minimum(r, _R_CAP)
    return out


# ----------------------------------------------------------------------------- Erlang C


def _erlang_c_core(traffic: np.ndarray, agents: np.ndarray, answer_rel: np.ndarray):
    """p_wait, service level, ASA in units of AHT, occupancy (all 1-D)."""
    busy = traffic > _MIN_TRAFFIC
    stable = agents > traffic
    r = np.ones_like(traffic)
    use = busy & stable
    r[use] = _inv_erlang_b(traffic[use], agents[use])
    gap = agents - traffic
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_wait = np.where(stable, agents / (gap * r + traffic), 1.0)
        sl = np.where(stable, 1.0 - p_wait * np.exp(-gap * answer_rel), 0.0)
        asa = np.where(stable, p_wait / gap, np.inf)
        occ = np.where(agents > 0, np.minimum(traffic / agents, 1.0), 0.0)
    idle = ~busy
    p_wait[idle], sl[idle], asa[idle], occ[idle] = 0.0, 1.0, 0.0, 0.0
    return p_wait, np.clip(sl, 0.0, 1.0), asa, occ


def erlang_c(
    calls: ArrayLike,
    interval_s: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    answer_s: ArrayLike = 20,
) -> ErlangCResult:
    """Erlang C for `agents` agents facing `calls` per `interval_s` with handle time `aht_s`.

    >>> r = erlang_c(calls=100, interval_s=1800, aht_s=180, agents=14, answer_s=20)
    >>> round(r.p_wait, 7), round(r.service_level, 5), round(r.asa_s, 4)
    (0.1741319, 0.88835, 7.8359)
    """
    shape, v = _inputs(calls=calls, interval_s=interval_s, aht_s=aht_s, agents=agents, answer_s=answer_s)
    traffic = v["calls"] * v["aht_s"] / v["interval_s"]
    p_wait, sl, asa, occ = _erlang_c_core(traffic, v["agents"], v["answer_s"] / v["aht_s"])
    return ErlangCResult(
        traffic=_shape_out(shape, traffic),
        agents=_shape_out(shape, v["agents"]),
        p_wait=_shape_out(shape, p_wait),
        service_level=_shape_out(shape, sl),
        asa_s=_shape_out(shape, asa * v["aht_s"]),
        occupancy=_shape_out(shape, occ),
    )


# ----------------------------------------------------------------------------- Erlang A


def _lgamma_ratio(z: np.ndarray, m: np.ndarray) -> np.ndarray:
    """lgamma(z + m) - lgamma(z) for z > 0, m >= 0, without the cancellation of two huge
    lgamma values when z is large (Stirling's series, differenced term by term)."""
    out = np.empty(z.size)
    small = z < 10.0
    if small.any():
        zs, ms = z[small], m[small]
        out[small] = _lgamma(zs + ms).astype(np.float64) - _lgamma(zs).astype(np.float64)
    big = ~small
    if big.any():
        zb, mb = z[big], m[big]
        zm = zb + mb

        def tail(v: np.ndarray) -> np.ndarray:
            w = 1.0 / (v * v)
            return (1.0 / 12.0 - w * (1.0 / 360.0 - w * (1.0 / 1260.0 - w / 1680.0))) / v

        out[big] = (zb - 0.5) * np.log1p(mb / zb) + mb * np.log(zm) - mb + tail(zm) - tail(zb)
    return out


def _log_series(x: np.ndarray, c: np.ndarray, weighted: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log S0, log(S0 - 1) and log S1 for S0 = sum_k u_k, S1 = sum_k k u_k, with u_0 = 1 and
    u_k = u_{k-1} x / (c + k).

    x >= 0, c >= 0. The terms are log-concave in k with the largest near k* = x - c and a
    width ~sqrt(x): summation starts 10*sqrt(x) + 10 below k* (the skipped head is below
    e^-50 of the sum) and stops past k* once the geometric bound on the rest is below
    1e-17 of the sum. Terms are summed in blocks (a cumulative product along a second
    axis), so long windows cost numpy work rather than Python loops; they are kept
    relative to the first term, whose log comes from lgamma.
    """
    n = x.size
    log_s0 = np.zeros(n)
    log_rest = np.full(n, -np.inf)
    log_s1 = np.full(n, -np.inf)
    if n == 0:
        return log_s0, log_rest, log_s1
    mode = np.floor(np.maximum(x - c, 0.0))
    k0 = np.maximum(mode - np.ceil(10.0 * np.sqrt(x) + 10.0), 0.0)
    offset = np.zeros(n)
    far = k0 > 0
    if far.any():
        offset[far] = k0[far] * np.log(x[far]) - _lgamma_ratio(c[far] + 1.0, k0[far])

    idx = np.arange(n)
    head = (~far).astype(np.float64)  # u_0, when the window starts at k = 0
    k, u, s1 = k0.copy(), np.ones(n), k0.copy()
    rest = 1.0 - head  # sum of the terms after u_0 (relative to the first term)
    xa, ca, ma, off = x, c, mode, offset
    cap = 8
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        while idx.size:
            width = int(np.clip(_BLOCK_CELLS // idx.size, 8, cap))
            cap = min(cap * 2, 1 << 16)
            ks = k[:, None] + np.arange(1.0, width + 1.0)
            terms = u[:, None] * np.cumprod(xa[:, None] / (ca[:, None] + ks), axis=1)
            rest = rest + terms.sum(axis=1)
            if weighted:
                s1 = s1 + (ks * terms).sum(axis=1)
            u, k = terms[:, -1], k + width
            big = rest > 1e100  # keep the next block far from overflow
            if big.any():
                scale = rest[big]
                u[big] /= scale
                s1[big] /= scale
                head = head.copy()
                head[big] /= scale
                off = off.copy()
                off[big] += np.log(scale)
                rest[big] = 1.0
            rho = xa / (ca + k + 1.0)
            done = (k > ma) & (u * rho / (1.0 - rho) <= _EPS * (rest + head))
            if weighted:
                done &= u * (k * rho / (1.0 - rho) + rho / (1.0 - rho) ** 2) <= _EPS * s1
            if done.any():
                d = idx[done]
                log_s0[d] = off[done] + np.log(rest[done] + head[done])
                log_rest[d] = off[done] + np.log(rest[done])
                log_s1[d] = off[done] + np.log(s1[done])
                keep = ~done
                idx, k, u, rest, s1, head = idx[keep], k[keep], u[keep], rest[keep], s1[keep], head[keep]
                xa, ca, ma, off = xa[keep], ca[keep], ma[keep], off[keep]
    return log_s0, log_rest, log_s1


def _erlang_a_core(
    traffic: np.ndarray, agents: np.ndarray, aht_over_patience: np.ndarray, answer_over_patience: np.ndarray
):
    """p_wait, p_abandon, service level, mean wait / AHT, occupancy for traffic > 0 and
    finite patience (1-D arrays).

    Time unit AHT (mu = 1), theta = r = AHT / patience. With a = A / r, b = N / r and all
    probabilities relative to pi_N (state "N busy, nobody waiting"):
      below N:   sum_{j<N} pi_j / pi_N = (N / A) / B(N - 1, A)          (Erlang B)
      waiting:   T0 = sum_k t_k,  t_k = prod_{i<=k} a / (b + i)   -> P(wait)
                 T1 = sum_k k t_k = mean queue / pi_N             -> P(abandon) = Lq / a
      answered within t (virtual wait density, Baccelli-Hebuterne, integrated in closed form):
                 b / (b + 1) * [U(a) - q^(b+1) e^(a(1-q)) U(a q)],  q = exp(-t / patience),
                 U(y) = sum_k prod_{i<=k} y / (b + 1 + i).
    """
    a = traffic / aht_over_patience
    b = agents / aht_over_patience
    has = agents > 0
    log_low = np.full(traffic.shape, -np.inf)
    if has.any():
        r_prev = _inv_erlang_b(traffic[has], agents[has] - 1.0)
        log_low[has] = np.log(agents[has] / traffic[has]) + np.log(r_prev)
    log_t0, log_t0_rest, log_t1 = _log_series(a, b, weighted=True)
    log_u1 = log_t0_rest + np.log((b + 1.0) / a)  # T0 = 1 + a / (b + 1) * U(a)
    q = np.exp(-answer_over_patience)
    log_u2, _, _ = _log_series(a * q, b + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pref = -(b + 1.0) * answer_over_patience - a * np.expm1(-answer_over_patience)
        diff = np.minimum(log_pref + log_u2 - log_u1, 0.0)
        log_answered = np.log(b / (b + 1.0)) + log_u1 + np.log(-np.expm1(diff))
        log_z = np.logaddexp(log_low, log_t0)
        p_wait = np.exp(log_t0 - log_z)
        queue = np.exp(log_t1 - log_z)
        p_ab = np.minimum(queue / a, 1.0)
        sl = np.exp(log_low - log_z) + np.exp(log_answered - log_z)
        occ = np.where(has, traffic * (1.0 - p_ab) / agents, 0.0)
    return p_wait, p_ab, np.clip(sl, 0.0, 1.0), queue / traffic, np.clip(occ, 0.0, 1.0)


def _erlang_a_flat(traffic, agents, aht_s, answer_s, patience_s):
    """Erlang A on flat arrays; infinite patience and zero traffic handled as limits."""
    n = traffic.size
    p_wait, p_ab, sl, wait_rel, occ = (np.zeros(n), np.zeros(n), np.ones(n), np.zeros(n), np.zeros(n))
    busy = traffic > _MIN_TRAFFIC
    patient = busy & np.isinf(patience_s)
    if patient.any():
        pw, s, w, o = _erlang_c_core(traffic[patient], agents[patient], answer_s[patient] / aht_s[patient])
        p_wait[patient], sl[patient], wait_rel[patient], occ[patient] = pw, s, w, o
    ab = busy & ~patient
    if ab.any():
        pw, pa, s, w, o = _erlang_a_core(
            traffic[ab], agents[ab], aht_s[ab] / patience_s[ab], answer_s[ab] / patience_s[ab]
        )
        p_wait[ab], p_ab[ab], sl[ab], wait_rel[ab], occ[ab] = pw, pa, s, w, o
    return p_wait, p_ab, sl, wait_rel * aht_s, occ


def erlang_a(
    calls: ArrayLike,
    interval_s: ArrayLike,
    aht_s: ArrayLike,
    agents: ArrayLike,
    answer_s: ArrayLike = 20,
    *,
    patience_s: ArrayLike,
) -> ErlangAResult:
    """Exact Erlang A (M/M/N+M) with exponential patience of mean `patience_s`.

    patience_s = inf gives Erlang C (p_abandon 0). See ErlangAResult for the definitions.
    """
    shape, v = _inputs(
        calls=calls, interval_s=interval_s, aht_s=aht_s, agents=agents, answer_s=answer_s, patience_s=patience_s
    )
    traffic = v["calls"] * v["aht_s"] / v["interval_s"]
    p_wait, p_ab, sl, asa, occ = _erlang_a_flat(traffic, v["agents"], v["aht_s"], v["answer_s"], v["patience_s"])
    return ErlangAResult(
        traffic=_shape_out(shape, traffic),
        agents=_shape_out(shape, v["agents"]),
        p_wait=_shape_out(shape, p_wait),
        p_abandon=_shape_out(shape, p_ab),
        service_level=_shape_out(shape, sl),
        asa_s=_shape_out(shape, asa),
        occupancy=_shape_out(shape, occ),
    )


# ----------------------------------------------------------------------------- staffing


def _required_erlang_c(traffic, answer_rel, sl_target, max_occ) -> np.ndarray:
    """Smallest N > A with SL >= target and A / N <= max_occ; steps every interval together
    from the lower bound max(floor(A) + 1, ceil(A / max_occ)), one Erlang B step per agent."""
    n = traffic.size
    need = np.zeros(n, dtype=np.int64)
    busy = np.flatnonzero(traffic > _MIN_TRAFFIC)
    if busy.size == 0:
        return need
    a = traffic[busy]
    start = np.maximum(np.floor(a) + 1.0, np.ceil(a / max_occ[busy] * (1.0 - _TOL)))
    r = _inv_erlang_b(a, start)
    idx, m, t, target = busy, start, answer_rel[busy], sl_target[busy] - _TOL
    with np.errstate(over="ignore"):
        while idx.size:
            gap = m - a
            p_wait = m / (gap * r + a)
            ok = 1.0 - p_wait * np.exp(-gap * t) >= target
            if ok.any():
                need[idx[ok]] = m[ok]
                keep = ~ok
                idx, m, r, a, t, target = idx[keep], m[keep], r[keep], a[keep], t[keep], target[keep]
            m = m + 1.0
            r = np.minimum(1.0 + m / a * r, _R_CAP)
    return need


def _smallest_passing(passes, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Smallest N in (lo, hi] with passes(positions, N) true, for a test monotone in N,
    lo known to fail and hi known to pass.

    Each round probes every open interval at up to 32 evenly spaced points at once (fewer
    when many intervals are open, so a round costs about _PROBE_BUDGET evaluations): one
    large interval is searched in two or three rounds, a year of small ones by bisection.
    """
    lo, hi = lo.astype(np.float64), hi.astype(np.float64)
    open_ = np.flatnonzero(hi - lo > 1.0)
    while open_.size:
        k = int(np.clip(_PROBE_BUDGET // open_.size, 1, 32))
        l, h = lo[open_], hi[open_]
        count = np.minimum(k, h - l - 1.0).astype(np.int64)
        owner = np.repeat(np.arange(open_.size), count)
        j = (np.arange(owner.size) - np.repeat(np.cumsum(count) - count, count)).astype(np.float64)
        probe = l[owner] + np.floor((j + 1.0) * (h - l)[owner] / (count[owner] + 1.0))
        who = open_[owner]
        ok = passes(who, probe)
        np.minimum.at(hi, who[ok], probe[ok])
        np.maximum.at(lo, who[~ok], probe[~ok])
        lo[open_] = np.minimum(lo[open_], hi[open_] - 1.0)  # guard against rounding blips
        open_ = open_[hi[open_] - lo[open_] > 1.0]
    return hi


def _required_erlang_a(traffic, aht_s, answer_s, patience_s, sl_target, max_occ) -> np.ndarray:
    """Smallest N meeting SL and occupancy under Erlang A (both monotone in N).

    Bracket: N below sl_target * A fails (at most N / A of the arrivals can be served);
    the Erlang C staffing for a zero answer target passes (abandonment only shortens the
    queue, so P(no wait) is at least Erlang C's, and occupancy is at most A / N). The
    Erlang C staffing for the real target is probed first: it is usually close.
    """
    n = traffic.size
    need = np.zeros(n, dtype=np.int64)
    busy = np.flatnonzero(traffic > _MIN_TRAFFIC)
    if busy.size == 0:
        return need
    a, aht, ans, pat = traffic[busy], aht_s[busy], answer_s[busy], patience_s[busy]
    target, cap = sl_target[busy] - _TOL, max_occ[busy] * (1.0 + _TOL)

    def passes(sel: np.ndarray, agents: np.ndarray) -> np.ndarray:
        _, _, sl, _, occ = _erlang_a_flat(a[sel], agents, aht[sel], ans[sel], pat[sel])
        return (sl >= target[sel]) & (occ <= cap[sel])

    lo = np.maximum(np.ceil(a * sl_target[busy] * (1.0 - _TOL)) - 1.0, 0.0)
    hi = _required_erlang_c(a, np.zeros(a.size), sl_target[busy], max_occ[busy]).astype(np.float64)
    guess = _required_erlang_c(a, ans / aht, sl_target[busy], max_occ[busy]).astype(np.float64)
    try_ = np.flatnonzero((guess > lo) & (guess < hi))
    ok = passes(try_, guess[try_])
    hi[try_[ok]] = guess[try_[ok]]
    lo[try_[~ok]] = guess[try_[~ok]]
    need[busy] = _smallest_passing(passes, lo, hi).astype(np.int64)
    return need


def required_agents(
    calls: ArrayLike,
    interval_s: ArrayLike,
    aht_s: ArrayLike,
    answer_s: ArrayLike,
    sl_target: ArrayLike,
    max_occupancy: ArrayLike = 1.0,
    patience_s: ArrayLike | None = None,
) -> Any:
    """Smallest number of agents meeting the service-level target AND the occupancy cap.

    Erlang C when patience_s is None (also N > A is required), else exact Erlang A with the
    service level of ErlangAResult. No calls -> 0 agents; any calls -> at least 1.
    Returns an int64 array of the broadcast shape (a Python int for scalar inputs).

    >>> required_agents(calls=100, interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8)
    14
    """
    shape, v = _inputs(
        calls=calls, interval_s=interval_s, aht_s=aht_s, answer_s=answer_s, sl_target=sl_target,
        max_occupancy=max_occupancy, patience_s=patience_s,
    )
    traffic = v["calls"] * v["aht_s"] / v["interval_s"]
    if patience_s is None:
        need = _required_erlang_c(traffic, v["answer_s"] / v["aht_s"], v["sl_target"], v["max_occupancy"])
    else:
        need = _required_erlang_a(
            traffic, v["aht_s"], v["answer_s"], v["patience_s"], v["sl_target"], v["max_occupancy"]
        )
    need[(need == 0) & (v["calls"] > 0)] = 1  # traffic too small to register in floating point
    return _shape_out(shape, need, int)
