"""What a missing agent costs, hour by hour: the shortfall penalty the rota model minimises.

Under-staffing an hour costs the contacts that then miss their service target. For queueing
channels (Erlang C / A, chat) Erlang gives that per missing agent: with k scheduled agents
missing, the productive agents drop in the requirement's own ratio (agents / scheduled_agents,
i.e. 1 - shrinkage up to rounding) and

    missed(k) = contacts x (SL(productive at the requirement) - SL(productive with k missing)).

The k-th missing agent costs missed(k) - missed(k-1) contacts, priced at `missed_contact_rub`.
Where the columns do not allow Erlang (e-mail, no handle time), each missing agent costs the
contacts per required agent. Two rules keep the penalty usable by the model:
- convex: Erlang's missed contacts grow faster with each missing agent while the queue copes,
  then flatten once nearly every contact misses the target (its steady state cannot see the
  backlog and abandonment that spill into the next hours). The marginal cost is therefore
  held at its running maximum: exact for the first missing agents, where the model decides,
  and steeply rising beyond (so a fully missed hour may cost more contacts than it has);
- never free: each agent the requirement asks for costs at least `min_missed_per_agent`
  contacts, so hours staffed for the occupancy cap or a minimum stay staffed.
Several channels or queues in one hour share the agent pool: the cheapest missing agents come
first (merging sorted marginal costs is the exact cost of the best split for convex parts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from common.errors import InputError
from forecasts.erlang import erlang_a, erlang_c
from planner.workspace.config import RotaConfig

QUEUE_MODELS = ("erlang_c", "erlang_a", "chat")
_SL_BATCHES = 8   # groups of rows of similar headcount whose service levels are computed together


@dataclass(frozen=True)
class ShortfallPenalty:
    """Per hour of the horizon: agents required and the cost of each missing one."""

    ts: pd.DatetimeIndex       # (H,) hours, sorted
    required: np.ndarray       # (H,) scheduled agents required, summed over channels and queues
    cost: np.ndarray           # (H, K) roubles for the k-th missing agent; non-decreasing in k
    erlang_rows: int           # rows priced by Erlang (the rest by contacts per agent)


def _col(df: pd.DataFrame, name: str) -> np.ndarray | None:
    return df[name].to_numpy(float) if name in df.columns else None


def _erlang_rows(df: pd.DataFrame, interval_s: float) -> np.ndarray:
    """Rows whose columns allow a queueing model."""
    model = df["model"].astype(str).str.lower().to_numpy() if "model" in df.columns else np.full(len(df), "erlang_c")
    ok = np.isin(model, QUEUE_MODELS) & (df["agents"].to_numpy(float) > 0) & (df["contacts"].to_numpy(float) > 0)
    has_time = ("traffic_erl" in df.columns) or ("aht_s" in df.columns)
    if not has_time or "answer_s" not in df.columns:
        return np.zeros(len(df), dtype=bool)
    aht = _effective_aht(df, interval_s)
    return ok & np.isfinite(aht) & (aht > 0) & np.isfinite(df["answer_s"].to_numpy(float))


def _effective_aht(df: pd.DataFrame, interval_s: float) -> np.ndarray:
    """Handle time per contact as the queue sees it: from traffic when given (it already holds
    chat concurrency), else aht_s divided by any concurrency column."""
    contacts = df["contacts"].to_numpy(float)
    traffic = _col(df, "traffic_erl")
    if traffic is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(contacts > 0, traffic * interval_s / contacts, np.nan)
    aht = _col(df, "aht_s")
    conc = _col(df, "concurrency")
    return aht / conc if conc is not None else aht


def _service_levels(contacts, aht, answer, patience, n_max: int, interval_s: float) -> np.ndarray:
    """SL for 0..n_max productive agents, one row per interval (rows x (n_max + 1))."""
    n = np.arange(n_max + 1, dtype=float)[None, :]
    calls, aht, answer = contacts[:, None], aht[:, None], answer[:, None]
    sl = np.empty((contacts.size, n_max + 1))
    plain = ~np.isfinite(patience) | (patience <= 0)
    if plain.any():
        sl[plain] = erlang_c(calls=calls[plain], interval_s=interval_s, aht_s=aht[plain],
                             agents=n, answer_s=answer[plain]).service_level
    if (~plain).any():
        p = patience[:, None]
        sl[~plain] = erlang_a(calls=calls[~plain], interval_s=interval_s, aht_s=aht[~plain], agents=n,
                              answer_s=answer[~plain], patience_s=p[~plain]).service_level
    sl = np.nan_to_num(np.asarray(sl, dtype=float), nan=0.0)
    sl[:, 0] = 0.0
    return np.clip(sl, 0.0, 1.0)


def _marginals(df: pd.DataFrame, interval_s: float, min_missed: float) -> list[np.ndarray]:
    """Per row, missed contacts of the 1st, 2nd, ... missing scheduled agent (S0 values)."""
    contacts = df["contacts"].to_numpy(float)
    agents = df["agents"].to_numpy(float)
    sched = np.ceil(df["scheduled_agents"].to_numpy(float) - 1e-9).astype(np.int64)
    out = [np.zeros(0) for _ in range(len(df))]
    queue = _erlang_rows(df, interval_s) & (sched > 0)
    if queue.any():
        idx = np.flatnonzero(queue)
        patience = _col(df, "patience_s")
        model = df["model"].astype(str).str.lower().to_numpy() if "model" in df.columns else None
        pat = np.full(idx.size, np.nan)
        if patience is not None and model is not None:
            pat = np.where(model[idx] == "erlang_a", patience[idx], np.nan)
        aht, answer = _effective_aht(df, interval_s)[idx], df["answer_s"].to_numpy(float)[idx]
        # a row needs SL only up to its own agents: rows are sized in batches of similar need, so a
        # quiet hour is not computed up to the busiest hour's headcount (each SL is its own)
        top = np.ceil(agents[idx]).astype(np.int64)
        for batch in np.array_split(np.argsort(top, kind="stable"), min(_SL_BATCHES, idx.size)):
            n_max = int(top[batch].max())
            sl = _service_levels(contacts[idx[batch]], aht[batch], answer[batch], pat[batch], n_max, interval_s)
            grid = np.arange(n_max + 1, dtype=float)
            for j, i in enumerate(idx[batch]):
                k = np.arange(sched[i] + 1)
                productive = agents[i] * (sched[i] - k) / sched[i]
                level = np.interp(productive, grid, sl[j])
                missed = contacts[i] * np.maximum(level[0] - level, 0.0)
                out[i] = np.maximum.accumulate(np.diff(missed))
    for i in np.flatnonzero(~queue & (sched > 0)):
        out[i] = np.full(sched[i], contacts[i] / sched[i])
    return [np.maximum(m, min_missed) for m in out]


def shortfall_penalty(requirements: pd.DataFrame, *, missed_contact_rub: float = 500.0, steps: int | None = 20,
                      interval_s: float = 3600.0, min_missed_per_agent: float = 0.5,
                      source: str = "requirements") -> ShortfallPenalty:
    """Build the (H, K) shortfall cost of a requirements frame (see the module docstring).

    `steps` = K: the first K-1 missing agents of an hour are priced one by one and the K-th step
    carries the mean of all the remaining ones, so a fully missed hour costs the same as with
    one step per agent (a chord of the convex curve: never below it). None = one step per
    required agent. Without an `agents` column, scheduled agents are taken as productive.
    """
    for name in ("ts", "contacts", "scheduled_agents"):
        if name not in requirements.columns:
            raise InputError(f"the requirements have no '{name}' column", file=source, column=name)
    if missed_contact_rub < 0 or min_missed_per_agent < 0:
        raise ValueError("missed_contact_rub and min_missed_per_agent must be >= 0")
    if steps is not None and steps < 1:
        raise ValueError("steps must be at least 1")
    df = requirements.copy()
    if "agents" not in df.columns:
        df["agents"] = df["scheduled_agents"]
    for name in ("contacts", "agents", "scheduled_agents"):
        vals = pd.to_numeric(df[name], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(vals.to_numpy(float)) | (vals.to_numpy(float) < 0))
        if bad.size:
            raise InputError(f"{name} must be a number >= 0", file=source, row=int(bad[0]) + 2, column=name)
        df[name] = vals.astype(float)
    df["ts"] = pd.to_datetime(df["ts"])
    df = df.reset_index(drop=True)
    marg = _marginals(df, interval_s, min_missed_per_agent)

    hours = pd.DatetimeIndex(sorted(df["ts"].unique()))
    pos = hours.get_indexer(df["ts"])
    per_hour: list[list[np.ndarray]] = [[] for _ in range(len(hours))]
    for i, p in enumerate(pos):
        per_hour[p].append(marg[i])
    merged = [np.sort(np.concatenate(parts)) if parts else np.zeros(0) for parts in per_hour]
    required = np.array([m.size for m in merged], dtype=np.int64)
    K = int(steps) if steps is not None else max(int(required.max(initial=1)), 1)
    cost = np.zeros((len(hours), K))
    for h, m in enumerate(merged):
        if m.size == 0:
            continue
        head = m[: K - 1]
        tail = m[K - 1:]
        row = np.concatenate([head, [tail.mean()] if tail.size else []])
        cost[h, : row.size] = row
        cost[h, row.size:] = row[-1]
    erlang_rows = int((_erlang_rows(df, interval_s) & (df["scheduled_agents"].to_numpy(float) > 0)).sum())
    return ShortfallPenalty(hours, required, cost * missed_contact_rub, erlang_rows)


def shortfall_cost(requirements: pd.DataFrame, **kwargs) -> np.ndarray:
    """Just the (H, K) cost array of `shortfall_penalty`."""
    return shortfall_penalty(requirements, **kwargs).cost


def horizon_penalty(requirements: pd.DataFrame, cfg: RotaConfig, start: date, days: int) -> ShortfallPenalty:
    """The shortfall penalty on exactly the hours of the horizon (missing hours need nobody)."""
    hours = pd.date_range(pd.Timestamp(start), periods=days * 24, freq="h")
    req = requirements[(requirements["ts"] >= hours[0]) & (requirements["ts"] <= hours[-1])]
    if req.empty:
        raise InputError(f"the requirements have no hour between {hours[0]:%Y-%m-%d %H:%M} and "
                         f"{hours[-1]:%Y-%m-%d %H:%M}: nothing to schedule", column="ts")
    pen = shortfall_penalty(req, missed_contact_rub=cfg.objective.missed_contact_rub,
                            steps=cfg.objective.max_shortfall_steps,
                            min_missed_per_agent=cfg.objective.min_missed_per_agent)
    pos = hours.get_indexer(pen.ts)
    required = np.zeros(len(hours), dtype=np.int64)
    cost = np.zeros((len(hours), pen.cost.shape[1]))
    required[pos] = pen.required
    cost[pos] = pen.cost
    return ShortfallPenalty(hours, required, empty_hour_bump(cost, required, cfg.objective.empty_hour_rub),
                            pen.erlang_rows)


def empty_hour_bump(cost: np.ndarray, required: np.ndarray, price: float) -> np.ndarray:
    """Add `price` to the missing agent that would leave an hour with nobody on duty.

    That agent is the last one of the hour (k = required), the dearest step already, so the
    penalty stays convex. Past the last explicit step the remaining agents share one step,
    which then carries the price divided among them.
    """
    out = cost.copy()
    K = cost.shape[1]
    for h in np.flatnonzero(required > 0):
        r = int(required[h])
        if r <= K:
            out[h, r - 1:] += price
        else:
            out[h, K - 1] += price / (r - K + 1)
    return out
