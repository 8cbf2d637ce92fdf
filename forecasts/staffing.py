"""Forecast -> staffing requirement: productive agents per interval and channel, then
scheduled agents after shrinkage.

Per channel model (settings in forecasts.channels):
- erlang_c / erlang_a: the smallest N meeting the interval's service-level target and the
  occupancy cap (forecasts.erlang), AHT from the forecast's `aht_s` where given, else the
  channel's `aht_s`; targets from the time-of-day period the interval starts in.
- chat: Erlang C on sessions with the effective handle time AHT / concurrency (see
  `_queue_rows`).
- email: deferred work spread inside the response window (see `deferred_agents`).

Volume planned for (`[staffing] plan_quantile`, q): each interval is sized for the q-quantile
of its contact RATE, `contacts_planned`: Gamma with mean `contacts` and variance phi contacts^2,
phi the forecast's `dispersion` (its own error, `forecasts.intervals.rate_quantile`). Not of the
count: Erlang already takes arrivals as Poisson noise around the rate, so a quantile of the
count would count that noise twice. The default 0.5 is the median rate, a little below the mean
(by about phi/3); without a dispersion (phi = 0) it is `contacts` itself, whatever q. Every
other figure of the row (service level, traffic, occupancy, waits) is what the agents deliver
at the forecast's own `contacts`, so a quantile above the median shows as a service level above
the target.

Policy: an interval with contacts > 0 always gets at least one productive agent (a 24/7
site keeps someone on every channel it has demand on, however small); an interval with no
contacts gets none, except e-mail hours that still have backlog to clear.
Shrinkage divides: scheduled_agents = ceil(agents / (1 - shrinkage)).
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd

from forecasts.erlang import erlang_a, erlang_c, required_agents
from common.errors import InputError
from forecasts.channels import ChatChannel, EmailChannel, ErlangAChannel, ErlangCChannel, StaffingSettings
from forecasts.intervals import rate_quantile

COLUMNS = [
    "ts", "channel", "queue", "contacts", "contacts_planned", "aht_s", "agents", "scheduled_agents", "service_level",
    "traffic_erl", "occupancy", "asa_s", "p_abandon", "patience_s", "answer_s", "sl_target", "model",
]
_SLACK = 1e-9


# --------------------------------------------------------------------------- e-mail


def deferred_agents(work_s: np.ndarray, window: np.ndarray, capacity_s: float) -> np.ndarray:
    """Agents per interval so that the work arriving in interval h is done by the end of
    interval h + window[h] - 1, with the load spread as evenly as the deadlines allow.

    One O(n * max(window)) pass. Each interval runs at the lowest constant rate that would
    still meet every pending deadline if nothing else arrived, max_d (work due within the
    next d + 1 intervals) / (d + 1), rounded up to whole agents of `capacity_s` seconds of
    work each (interval length x occupancy cap). The agents work earliest deadline first at
    full capacity, so rounding up pulls work forward. Because the rate covers the work due
    now (d = 0), no deadline is ever missed. No backlog is assumed before the first
    interval; work due after the last one is spread as if staffing continued.
    """
    work = np.asarray(work_s, dtype=np.float64)
    win = np.asarray(window, dtype=np.int64)
    n = work.size
    agents = np.zeros(n, dtype=np.int64)
    if n == 0:
        return agents
    span = int(win.max())
    due = [0.0] * span  # due[(h + d) % span]: work to finish by the end of interval h + d
    for h in range(n):
        due[(h + int(win[h]) - 1) % span] += float(work[h])
        cum = rate = 0.0
        for d in range(span):
            cum += due[(h + d) % span]
            if cum > rate * (d + 1):
                rate = cum / (d + 1)
        if rate <= _SLACK:
            continue
        m = math.ceil(rate / capacity_s - _SLACK)
        agents[h] = m
        left = m * capacity_s
        for d in range(span):
            i = (h + d) % span
            take = min(due[i], left)
            due[i] -= take
            left -= take
            if left <= 0.0:
                break
        due[h % span] = 0.0  # finished (rate >= what is due now); the slot now holds h + span
    return agents


def deferred_service_level(
    work_s: np.ndarray, window: np.ndarray, agents: np.ndarray, capacity_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """(fraction of each interval's arrivals done within its window, work done per interval)
    for given agents, simulating earliest-deadline-first work (late work keeps its place).

    Works for any staffing (e.g. a rota's actual coverage). Work still open at the end of
    the horizon whose deadline lies beyond it counts as on time.
    """
    work = np.asarray(work_s, dtype=np.float64)
    win = np.asarray(window, dtype=np.int64)
    n = work.size
    on_time = np.zeros(n)
    done = np.zeros(n)
    open_: list[list[float]] = []  # [deadline, arrival, remaining]
    for h in range(n):
        if work[h] > 0:
            heapq.heappush(open_, [h + int(win[h]) - 1, h, float(work[h])])
        left = float(agents[h]) * capacity_s
        while left > _SLACK and open_:
            item = open_[0]
            take = min(item[2], left)
            item[2] -= take
            left -= take
            if h <= item[0]:
                on_time[int(item[1])] += take
            if item[2] <= _SLACK:
                heapq.heappop(open_)
        done[h] = float(agents[h]) * capacity_s - left
    for deadline, arrival, remaining in open_:
        if deadline >= n:
            on_time[int(arrival)] += remaining
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(work > 0, np.minimum(on_time / work, 1.0), 1.0)
    return level, done


def _email_rows(part: pd.DataFrame, ch: EmailChannel, interval_s: int, occ_cap: float, name: str) -> pd.DataFrame:
    out = []
    for _, series in part.groupby("queue", sort=False):
        series = series.sort_values("ts")
        slot_f = (series["ts"] - series["ts"].iloc[0]).dt.total_seconds().to_numpy() / interval_s
        slot = np.rint(slot_f).astype(np.int64)
        if (np.abs(slot_f - slot) > 1e-6).any() or (np.diff(slot) == 0).any():
            bad = int(np.flatnonzero((np.abs(slot_f - slot) > 1e-6) | np.r_[False, np.diff(slot) == 0])[0])
            raise InputError(
                f"e-mail series {name}/{series['queue'].iloc[0]} needs one row per {interval_s} s interval "
                f"(duplicate or off-grid ts {series['ts'].iloc[bad]})",
                row=int(series.index[bad]) + 2, column="ts",
            )
        work, planned = np.zeros(slot[-1] + 1), np.zeros(slot[-1] + 1)
        work[slot] = (series["contacts"] * series["aht_s"]).to_numpy()
        planned[slot] = (series["contacts_planned"] * series["aht_s"]).to_numpy()
        minute = np.zeros(slot[-1] + 1, dtype=np.int64)
        start = series["ts"].iloc[0]
        grid = start + pd.to_timedelta(np.arange(slot[-1] + 1) * interval_s, unit="s")
        minute[:] = grid.hour * 60 + grid.minute
        hours = ch.target("response_h", minute)
        window = np.maximum(np.floor(hours * 3600.0 / interval_s + _SLACK), 1).astype(np.int64)
        capacity = interval_s * occ_cap
        agents = deferred_agents(planned, window, capacity)
        level, done = deferred_service_level(work, window, agents, capacity)
        with np.errstate(divide="ignore", invalid="ignore"):
            occupancy = np.where(agents > 0, done / (agents * interval_s), 0.0)
        out.append(pd.DataFrame({
            "agents": agents[slot],
            "service_level": level[slot],
            "traffic_erl": work[slot] / interval_s,
            "occupancy": occupancy[slot],
            "asa_s": np.nan,
            "p_abandon": np.nan,
            "patience_s": np.nan,
            "answer_s": window[slot] * float(interval_s),
            "sl_target": 1.0,
        }, index=series.index))
    return pd.concat(out)


# --------------------------------------------------------------------------- queues


def _queue_rows(
    part: pd.DataFrame, ch: ErlangCChannel | ErlangAChannel | ChatChannel, interval_s: int, occ_cap: float
) -> pd.DataFrame:
    """Erlang C / Erlang A / chat rows: agents sized for `contacts_planned`, the figures at `contacts`.

    Chat assumption: a seat working `concurrency` sessions at once is one server that is
    `concurrency` times as fast (effective handle time AHT / concurrency), and the first-
    response target is the answer target. It keeps the seat's capacity right but treats
    sessions as served one after another, so the first-response wait it predicts is on the
    safe (long) side; it ignores that agents slow down as they juggle more sessions (set
    aht_s for the concurrency you run at), and that customers leave chats unanswered.
    """
    minute = (part["ts"].dt.hour * 60 + part["ts"].dt.minute).to_numpy()
    answer = ch.target("answer_s", minute)
    target = ch.target("sl_target", minute)
    calls = part["contacts"].to_numpy(dtype=np.float64)
    aht = part["aht_s"].to_numpy(dtype=np.float64)
    if isinstance(ch, ChatChannel):
        aht = aht / ch.concurrency
    patience = ch.patience_s if isinstance(ch, ErlangAChannel) else None
    agents = np.asarray(required_agents(calls=part["contacts_planned"].to_numpy(dtype=np.float64),
                                        interval_s=interval_s, aht_s=aht, answer_s=answer, sl_target=target,
                                        max_occupancy=occ_cap, patience_s=patience))
    agents = np.maximum(agents, calls > 0)   # a rate quantile that underflows to 0 still gets its agent
    if patience is None:
        res = erlang_c(calls=calls, interval_s=interval_s, aht_s=aht, agents=agents, answer_s=answer)
        p_abandon = np.zeros(calls.size)
    else:
        res = erlang_a(calls=calls, interval_s=interval_s, aht_s=aht, agents=agents, answer_s=answer,
                       patience_s=patience)
        p_abandon = np.atleast_1d(res.p_abandon)
    return pd.DataFrame({
        "agents": agents,
        "service_level": np.atleast_1d(res.service_level),
        "traffic_erl": np.atleast_1d(res.traffic),
        "occupancy": np.atleast_1d(res.occupancy),
        "asa_s": np.atleast_1d(res.asa_s),
        "p_abandon": p_abandon,
        "patience_s": np.nan if patience is None else patience,
        "answer_s": answer,
        "sl_target": target,
    }, index=part.index)


# --------------------------------------------------------------------------- frame


def forecast_dispersion(forecast: pd.DataFrame) -> np.ndarray | float:
    """The forecast's phi per row: 0 without the column or in an empty cell (no error known); a
    cell that is no number stays NaN for `_checked` to name."""
    if "dispersion" not in forecast.columns:
        return 0.0
    raw = forecast["dispersion"]
    empty = (raw.isna() | (raw.astype(str).str.strip() == "")).to_numpy()
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
    return np.where(empty, 0.0, values)


def _checked(forecast: pd.DataFrame, source: str | None) -> pd.DataFrame:
    missing = [c for c in ("ts", "channel", "contacts") if c not in forecast.columns]
    if missing:
        raise InputError(f"forecast lacks column(s) {', '.join(missing)}", file=source, column=missing[0])
    frame = pd.DataFrame({
        "ts": forecast["ts"].to_numpy(),
        "channel": forecast["channel"].astype(str).to_numpy(),
        "queue": forecast["queue"].astype(str).to_numpy() if "queue" in forecast.columns else "main",
        "contacts": pd.to_numeric(forecast["contacts"], errors="coerce").to_numpy(dtype=np.float64),
        "aht_s": (pd.to_numeric(forecast["aht_s"], errors="coerce").to_numpy(dtype=np.float64)
                  if "aht_s" in forecast.columns else np.nan),
        "dispersion": forecast_dispersion(forecast),
    })
    try:
        frame["ts"] = pd.to_datetime(frame["ts"])
    except (ValueError, TypeError):
        frame["ts"] = [pd.to_datetime(v, errors="coerce") for v in frame["ts"]]
    for column, ok, rule in (
        ("ts", frame["ts"].notna(), "a date-time"),
        ("contacts", np.isfinite(frame["contacts"]) & (frame["contacts"] >= 0), "a number >= 0"),
        ("aht_s", frame["aht_s"].isna() | (np.isfinite(frame["aht_s"]) & (frame["aht_s"] > 0)), "a number > 0"),
        ("dispersion", np.isfinite(frame["dispersion"]) & (frame["dispersion"] >= 0), "a number >= 0 or empty"),
    ):
        bad = np.flatnonzero(~np.asarray(ok))
        if bad.size:
            value = forecast[column].iloc[bad[0]] if column in forecast.columns else None
            raise InputError(f"must be {rule} (got {value!r})", file=source, row=int(bad[0]) + 2, column=column)
    return frame


def requirements(
    forecast: pd.DataFrame, settings: StaffingSettings, interval_s: int = 3600, *, source: str | None = None
) -> pd.DataFrame:
    """Staffing requirement per interval (the requirements contract plus extras).

    Columns: ts, channel, queue, contacts, contacts_planned (the volume `agents` are sized
    for: the `settings.plan_quantile` quantile of the rate, from the forecast's `dispersion`
    column when it has one, else `contacts`), aht_s (used), agents (productive, int),
    scheduled_agents (after shrinkage, int), service_level (what `agents` deliver against
    the interval's target at `contacts`: Erlang SL, or for e-mail the fraction answered within
    the window), traffic_erl (Erlangs; chat: seats, AHT / concurrency), occupancy, asa_s (mean
    wait of all arrivals; NaN for e-mail), p_abandon (Erlang A; 0 for Erlang C and chat,
    NaN for e-mail), patience_s (Erlang A, else NaN), answer_s (target; e-mail: the window
    in seconds), sl_target (e-mail: 1.0), model. Rows keep the forecast's order. `source`
    names the forecast in errors.
    """
    if not isinstance(interval_s, (int, np.integer)) or interval_s <= 0:
        raise InputError(f"interval_s must be a whole number of seconds > 0 (got {interval_s!r})", column="interval_s")
    frame = _checked(forecast.reset_index(drop=True), source)
    frame["contacts_planned"] = rate_quantile(frame["contacts"].to_numpy(), frame["dispersion"].to_numpy(),
                                              settings.plan_quantile)
    parts = []
    for name, part in frame.groupby("channel", sort=False):
        ch = settings.channel(str(name))
        if part["aht_s"].isna().any():
            if ch.aht_s is None:
                raise InputError(
                    f"the forecast gives no aht_s for channel {name!r} and channels.{name}.aht_s is not set",
                    column=f"channels.{name}.aht_s",
                )
            part = part.assign(aht_s=part["aht_s"].fillna(ch.aht_s))
        occ_cap = settings.max_occupancy_for(str(name))
        if isinstance(ch, EmailChannel):
            rows = _email_rows(part, ch, int(interval_s), occ_cap, str(name))
        else:
            rows = _queue_rows(part, ch, int(interval_s), occ_cap)
        shrinkage = settings.shrinkage_for(str(name))
        rows["scheduled_agents"] = np.ceil(rows["agents"] / (1.0 - shrinkage) - _SLACK).astype(np.int64)
        rows["model"] = ch.model
        parts.append(part[["ts", "channel", "queue", "contacts", "contacts_planned", "aht_s"]].join(rows))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    out = pd.concat(parts).sort_index()
    out["agents"] = out["agents"].astype(np.int64)
    return out[COLUMNS].reset_index(drop=True)


def quantile_warnings(forecast: pd.DataFrame, settings: StaffingSettings, source: str = "the forecast") -> list[str]:
    """What to tell the user when `plan_quantile` cannot act: a forecast without `dispersion` is
    staffed at its contacts, whatever the quantile."""
    if settings.plan_quantile == 0.5 or "dispersion" in forecast.columns:
        return []
    return [f"{source} has no dispersion column (the forecast's own error): [staffing] plan_quantile = "
            f"{settings.plan_quantile:g} has no effect, every hour is staffed for its forecast contacts"]


# --------------------------------------------------------------------------- the reverse


def service_delivered(
    req: pd.DataFrame, agents: np.ndarray, settings: StaffingSettings, interval_s: int = 3600
) -> np.ndarray:
    """Service level that `agents` productive agents per row deliver, for a requirements frame.

    The reverse of `requirements`, on the same models and targets: Erlang C / A on the row's
    handle time and answer target; chat on the effective handle time the requirement used
    (traffic_erl x interval / contacts, i.e. AHT / concurrency); e-mail by simulating the
    backlog against the response window with the given staffing. Rows without contacts get NaN.
    """
    agents = np.asarray(agents, dtype=np.float64)
    out = np.full(len(req), np.nan)
    frame = req.reset_index(drop=True)
    for (name, queue), part in frame.groupby(["channel", "queue"], sort=False):
        ch = settings.channel(str(name))
        idx = part.index.to_numpy()
        calls = part["contacts"].to_numpy(np.float64)
        n = agents[idx]
        if isinstance(ch, EmailChannel):
            order = np.argsort(part["ts"].to_numpy())
            idx, calls, n = idx[order], calls[order], n[order]
            work = calls * part["aht_s"].to_numpy(np.float64)[order]
            window = np.maximum(np.rint(part["answer_s"].to_numpy(np.float64)[order] / interval_s), 1)
            capacity = interval_s * settings.max_occupancy_for(str(name))
            level, _ = deferred_service_level(work, window.astype(np.int64), n, capacity)
            out[idx] = np.where(calls > 0, level, np.nan)
            continue
        aht = part["aht_s"].to_numpy(np.float64)
        if isinstance(ch, ChatChannel):
            aht = aht / ch.concurrency
        answer = part["answer_s"].to_numpy(np.float64)
        busy = calls > 0
        sl = np.zeros(len(part))
        ok = busy & (n > 0)
        if ok.any():
            if isinstance(ch, ErlangAChannel):
                res = erlang_a(calls=calls[ok], interval_s=interval_s, aht_s=aht[ok], agents=n[ok],
                               answer_s=answer[ok], patience_s=ch.patience_s)
            else:
                res = erlang_c(calls=calls[ok], interval_s=interval_s, aht_s=aht[ok], agents=n[ok],
                               answer_s=answer[ok])
            sl[ok] = np.atleast_1d(res.service_level)
        out[idx] = np.where(busy, sl, np.nan)
    return out


# --------------------------------------------------------------------------- agents on site -> productive


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number in proportion to weights, in whole numbers that add up to it."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    base = np.floor(exact + 1e-9).astype(np.int64)   # 2.9999999 of float error is 3 whole agents
    rest = total - int(base.sum())
    if rest > 0:
        base[np.argsort(-(exact - base), kind="stable")[:rest]] += 1
    return base


def productive_agents(req: pd.DataFrame, hours: pd.DatetimeIndex, on_site: np.ndarray,
                      shrinkage: float) -> np.ndarray:
    """Productive agents per row of a requirements frame, given the agents on site per hour.

    The reverse of `requirements`' shrinkage, for judging a rota: the agents on site in an hour
    are one pooled team; the hour's own ratio of productive to scheduled agents (its rows'
    `agents` / `scheduled_agents`) takes shrinkage off, or 1 - `shrinkage` in an hour that
    required nobody; the whole productive agents left are split between the hour's series by
    largest remainder in proportion to their `agents` (evenly when none needed any). Every row's
    `ts` must be one of `hours`; `on_site` has one count per hour.
    """
    pos = hours.get_indexer(req["ts"])
    need = req["agents"].to_numpy(float)
    scheduled = req["scheduled_agents"].to_numpy(float)
    productive = np.zeros(len(req), dtype=np.int64)
    for h in np.unique(pos):
        rows = np.flatnonzero(pos == h)
        ratio = need[rows].sum() / scheduled[rows].sum() if scheduled[rows].sum() > 0 else 1.0 - shrinkage
        pool = int(np.floor(on_site[h] * ratio + 1e-9))
        weights = np.where(need[rows] > 0, need[rows], 0.0)
        productive[rows] = largest_remainder(pool, weights if weights.sum() > 0 else np.ones(len(rows)))
    return productive
