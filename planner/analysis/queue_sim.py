"""The queue simulator: contacts of one channel and queue served hour by hour, many times over.

Erlang formulas assume every hour is a steady state of its own. A real day is not: volume moves
hour by hour, queues carry over from one hour to the next, shifts start and end, callers hang
up. `planner.analysis.simulate` replays a results folder of `rota plan` through this engine, contact by
contact, many times with different seeds, and reports the service that the rota delivers with 95 %
confidence intervals beside what Erlang predicted.

Model, per channel and queue (the pooled staff of an hour are split across its queues in
proportion to their requirement, after the requirement's own shrinkage, exactly as
`planner.solve.service.delivered_service` does for the prediction):
- arrivals: non-homogeneous Poisson, the forecast's contacts per hour, uniform inside the hour;
- handle times: exponential, or lognormal with a given coefficient of variation, mean = aht_s;
- phone: first come first served; with `patience_s` (Erlang A channels) a caller hangs up after
  an exponential patience, and counts as a miss;
- chat: a seat holds `concurrency` sessions, so an hour with s seats has floor(s x concurrency)
  session slots, each working one session at the full handle time; the wait is the first
  response;
- e-mail: deferred work in arrival order, agents working it back to back (the formula plans
  them at the occupancy cap); on time when the reply is finished within the response window
  (answer_s of the requirement); work still open at the end of the horizon whose window reaches
  beyond it counts as on time, as in the formula;
- shift ends: a server slot that goes off duty finishes the contact in hand, then leaves; a
  contact still waiting is taken the moment a slot is on duty again.
The system starts empty at the first hour of coverage.csv.

Engine: our own event loop, one heap of server slots per queue, contacts taken in arrival order
(first come first served makes the order of starts the order of arrivals, so no event calendar
is needed). On the same 20,000 draws of an M/M/7 queue it gives SimPy 4.1.2's answers to the
last digit about 20 times faster (0.015 s against 0.28 s, bench/simulate_speed.py), so SimPy
is not a dependency.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from common.errors import InputError
from forecasts.erlang import erlang_a, erlang_c

HOUR_S = 3600.0
AHT_DISTRIBUTIONS = ("exponential", "lognormal")
_INF = math.inf
# two-sided 97.5 % Student t quantiles for 1..30 degrees of freedom; above 30 the normal 1.96
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
         2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
         2.052, 2.048, 2.045, 2.042)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class QueueSpec:
    """One queue to simulate over `n` hours; arrays have one value per hour.

    `servers` are slots that each work one contact at a time (chat: seats x concurrency).
    `answer_s` is the answer target (e-mail: the response window). `patience_s` None means
    nobody hangs up. `deferred` marks e-mail: on time means finished within the window.
    """

    channel: str
    queue: str
    contacts: np.ndarray
    aht_s: np.ndarray
    answer_s: np.ndarray
    servers: np.ndarray
    patience_s: float | None = None
    deferred: bool = False
    concurrency: float = 1.0  # sessions per agent (chat); servers = floor(agents x concurrency)
    agents: np.ndarray | None = None  # productive agents per hour (chat: seats); None: = servers
    concurrent: bool = False  # chat: an agent holds several sessions at once (skill routing)


def formula_service_level(spec: QueueSpec) -> np.ndarray:
    """What Erlang predicts per hour for the queue's own agents (NaN: no contacts, or e-mail).

    Phone: Erlang C, or exact Erlang A with patience. Chat as the requirement models it: one
    server per seat working AHT / concurrency. E-mail is left out: its formula needs the
    occupancy cap, which a results folder does not record.
    """
    out = np.full(spec.contacts.size, np.nan)
    busy = spec.contacts > 0
    if spec.deferred or not busy.any():
        return out
    agents = (spec.servers if spec.agents is None else spec.agents)[busy].astype(np.float64)
    ok = agents > 0
    kw = {"calls": spec.contacts[busy][ok], "interval_s": 3600, "aht_s": spec.aht_s[busy][ok] / spec.concurrency,
          "agents": agents[ok], "answer_s": spec.answer_s[busy][ok]}
    res = erlang_a(**kw, patience_s=spec.patience_s) if spec.patience_s else erlang_c(**kw)
    level = np.zeros(int(busy.sum()))
    level[ok] = np.atleast_1d(res.service_level)
    out[busy] = level
    return out


@dataclass(frozen=True)
class QueueRun:
    """What one replication of one queue gave, per contact (times in seconds from hour 0)."""

    arrival: np.ndarray
    wait: np.ndarray  # until answered, or until hanging up; censored at the end for the unanswered
    answered: np.ndarray  # bool: a server took it
    on_time: np.ndarray  # bool: counts towards the service level
    abandoned: np.ndarray  # bool
    busy_s: np.ndarray  # server-seconds worked in each hour
    slot_s: np.ndarray  # server-seconds on duty in each hour


def _next_on_duty(servers: np.ndarray) -> list[list[int]]:
    """nxt[j][h]: the first hour >= h in which slot j is on duty (n if none)."""
    n = servers.size
    top = int(servers.max()) if n else 0
    on = servers[None, :] > np.arange(top)[:, None]
    idx = np.where(on, np.arange(n)[None, :], n)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]
    return nxt.tolist()


def _handle_times(rng: np.random.Generator, mean: np.ndarray, dist: str, cv: float) -> np.ndarray:
    if dist == "exponential":
        return rng.exponential(1.0, mean.size) * mean
    if dist == "lognormal":
        sigma2 = math.log1p(cv * cv)
        return mean * np.exp(rng.normal(-sigma2 / 2.0, math.sqrt(sigma2), mean.size))
    raise InputError(f"the handle-time distribution must be exponential or lognormal (got {dist!r})")


def _busy_per_hour(start: np.ndarray, end: np.ndarray, n: int, weight: np.ndarray | None = None) -> np.ndarray:
    """Server-seconds worked inside each hour by services [start, end), each times its weight."""
    edges = np.arange(n + 1) * HOUR_S
    if weight is not None:
        upto = np.zeros(n + 1)
        for times, sign in ((start, 1.0), (end, -1.0)):
            order = np.argsort(times, kind="stable")
            t, w = times[order], weight[order]
            k = np.searchsorted(t, edges, side="left")
            cw = np.r_[0.0, np.cumsum(w)]
            ctw = np.r_[0.0, np.cumsum(t * w)]
            upto += sign * (edges * cw[k] - ctw[k])
        return np.diff(upto)
    s = np.sort(start)
    e = np.sort(end)
    cs = np.r_[0.0, np.cumsum(s)]
    ce = np.r_[0.0, np.cumsum(e)]
    ks = np.searchsorted(s, edges, side="left")
    ke = np.searchsorted(e, edges, side="left")
    upto = (edges * ks - cs[ks]) - (edges * ke - ce[ke])  # busy time before each edge
    return np.diff(upto)


@dataclass(frozen=True)
class Contacts:
    """One replication's draws for one queue, in arrival order (seconds from hour 0)."""

    arrival: np.ndarray
    hour: np.ndarray
    service: np.ndarray
    patience: np.ndarray  # inf: never hangs up


def draw_contacts(spec: QueueSpec, rng: np.random.Generator, aht_dist: str = "exponential",
                  cv: float = 1.0) -> Contacts:
    """Arrivals (Poisson per hour, uniform inside it), handle times and patience of one queue.

    The pooled engine and the skill-routing engine draw in this one order from the same stream,
    so a seed gives both the same contacts."""
    n = spec.contacts.size
    counts = rng.poisson(np.maximum(spec.contacts, 0.0))
    hour = np.repeat(np.arange(n), counts)
    arrival = np.sort(hour + rng.random(hour.size)) * HOUR_S
    hour = (arrival // HOUR_S).astype(np.int64)
    service = _handle_times(rng, spec.aht_s[hour], aht_dist, cv)
    patience = (rng.exponential(spec.patience_s, arrival.size) if spec.patience_s
                else np.full(arrival.size, _INF))
    return Contacts(arrival=arrival, hour=hour, service=service, patience=patience)


def outcome(spec: QueueSpec, drawn: Contacts, start: np.ndarray,
            work: np.ndarray | None = None) -> QueueRun:
    """What the starts of service mean for one queue: waits, answers, on time, hang-ups, work.

    `work` weighs each contact's handle time in the busy time (a chat session is 1/sessions of
    an agent); None: 1 each. slot_s is the queue's own server time (0 where agents are shared)."""
    n = spec.contacts.size
    arrival, hour, service, patience = drawn.arrival, drawn.hour, drawn.service, drawn.patience
    answered = np.isfinite(start)
    end_of_horizon = n * HOUR_S
    wait = np.where(answered, start - arrival,
                    np.minimum(patience, np.maximum(end_of_horizon - arrival, 0.0)))
    abandoned = ~answered & np.isfinite(patience) & (arrival + patience <= end_of_horizon)
    target = spec.answer_s[hour]
    if spec.deferred:
        due = arrival + target
        on_time = np.where(answered, start + service <= due, due > end_of_horizon)
    else:
        on_time = answered & (start - arrival <= target)
    busy = _busy_per_hour(start[answered], start[answered] + service[answered], n,
                          None if work is None else work[answered])
    return QueueRun(arrival=arrival, wait=wait, answered=answered, on_time=on_time, abandoned=abandoned,
                    busy_s=busy, slot_s=spec.servers.astype(np.float64) * HOUR_S)


def simulate_queue(spec: QueueSpec, rng: np.random.Generator, aht_dist: str = "exponential",
                   cv: float = 1.0) -> QueueRun:
    """One replication of one queue: draw arrivals, handle times and patience, serve FCFS."""
    drawn = draw_contacts(spec, rng, aht_dist, cv)
    start = _serve(drawn.arrival.tolist(), drawn.service.tolist(), drawn.patience.tolist(), spec.servers)
    return outcome(spec, drawn, start)


def _serve(arrival: list[float], service: list[float], patience: list[float], servers: np.ndarray) -> np.ndarray:
    """Start of service of each contact (inf: hung up or never answered), FCFS.

    The heap holds (time the slot may next start, slot). A key below the arrival time is stale:
    the slot is either free and on duty now (take it) or off duty now (move its key to its next
    duty hour). A slot going off duty keeps its contact until done (its free time may pass the
    end of its hour) and starts nothing more until it is on duty again.
    """
    n = servers.size
    start = [_INF] * len(arrival)
    if n == 0 or not arrival or servers.max() <= 0:
        return np.asarray(start, dtype=np.float64)
    nxt = _next_on_duty(servers)
    free = [0.0] * len(nxt)

    def next_on(j: int, t: float) -> float:
        h = int(t // HOUR_S)
        if h >= n:
            return _INF
        h2 = nxt[j][h]
        if h2 == h:
            return t
        return _INF if h2 >= n else h2 * HOUR_S

    heap = [(next_on(j, 0.0), j) for j in range(len(nxt))]
    heapq.heapify(heap)
    replace = heapq.heapreplace
    for k, a in enumerate(arrival):
        key, j = heap[0]
        while key < a:
            t = free[j] if free[j] > a else a  # noqa: FURB136 (hot loop: cheaper than max())
            key = next_on(j, t)
            if key == a:
                break
            replace(heap, (key, j))
            key, j = heap[0]
        if key == _INF:
            break  # nobody is on duty ever again
        if key - a > patience[k]:
            continue
        start[k] = key
        done = key + service[k]
        free[j] = done
        replace(heap, (next_on(j, done), j))
    return np.asarray(start, dtype=np.float64)


# --------------------------------------------------------------------------- replications


def _t975(df: int) -> float:
    return _T975[df - 1] if 1 <= df <= len(_T975) else 1.96


def _ci(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95 % t-interval across replications (axis 0), ignoring NaN."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.sum(~np.isnan(v), axis=0)
        mean = np.where(k > 0, np.nansum(v, axis=0) / np.maximum(k, 1), np.nan)
        dev = np.where(np.isnan(v), 0.0, v - mean)
        sd = np.sqrt(np.sum(dev * dev, axis=0) / np.maximum(k - 1, 1))
        t = np.array([_t975(int(x) - 1) if x > 1 else np.nan for x in np.atleast_1d(k)]).reshape(np.shape(k))
        half = t * sd / np.sqrt(np.maximum(k, 1))
    return mean, mean - half, mean + half


TALLY_FIELDS = ("arrivals", "queued", "on_time", "wait_s", "abandoned", "busy_s", "slot_s")


@dataclass(frozen=True)
class Tally:
    """Per replication (rows) and group (columns): sums from which every figure is a ratio."""

    arrivals: np.ndarray
    queued: np.ndarray  # arrivals of phone and chat (ASA and abandonment are theirs)
    on_time: np.ndarray
    wait_s: np.ndarray
    abandoned: np.ndarray
    busy_s: np.ndarray
    slot_s: np.ndarray

    def figures(self) -> pd.DataFrame:
        """Service level, ASA, abandonment and occupancy with 95 % intervals, per group."""
        with np.errstate(invalid="ignore", divide="ignore"):
            per_rep = {
                "service_level": np.where(self.arrivals > 0, self.on_time / self.arrivals, np.nan),
                "asa_s": np.where(self.queued > 0, self.wait_s / self.queued, np.nan),
                "abandonment": np.where(self.queued > 0, self.abandoned / self.queued, np.nan),
                "occupancy": np.where(self.slot_s > 0, self.busy_s / self.slot_s, np.nan),
            }
        out = {"arrivals": self.arrivals.mean(axis=0)}
        for name, v in per_rep.items():
            mean, low, high = _ci(v)
            out[name], out[f"{name}_low"], out[f"{name}_high"] = mean, low, high
        return pd.DataFrame(out)

    def record(self, r: int, run: QueueRun, deferred: bool) -> None:
        """Bin replication r of one queue by the hour of arrival (work and slots by the hour done)."""
        n = self.arrivals.shape[1]
        h = (run.arrival // HOUR_S).astype(np.int64)
        self.arrivals[r] = np.bincount(h, minlength=n)
        if not deferred:
            self.queued[r] = self.arrivals[r]
        self.on_time[r] = np.bincount(h, weights=run.on_time, minlength=n)
        self.abandoned[r] = np.bincount(h, weights=run.abandoned, minlength=n)
        self.wait_s[r] = np.bincount(h, weights=run.wait * (not deferred), minlength=n)
        self.busy_s[r] = run.busy_s
        self.slot_s[r] = run.slot_s

    def grouped(self, group: np.ndarray, k: int) -> Tally:
        """Sum the columns into `k` groups (e.g. hours into days)."""
        def g(a: np.ndarray) -> np.ndarray:
            out = np.zeros((a.shape[0], k))
            for col in range(a.shape[1]):
                out[:, group[col]] += a[:, col]
            return out
        return Tally(*(g(getattr(self, f)) for f in TALLY_FIELDS))


def empty_tallies(specs: list[QueueSpec], replications: int, aht_dist: str, cv: float) -> dict[tuple[str, str], Tally]:
    """Check the run's settings; a zero tally per queue (replications x hours)."""
    if replications < 2:
        raise InputError(f"at least 2 replications are needed for a confidence interval (got {replications})")
    if aht_dist not in AHT_DISTRIBUTIONS:
        raise InputError(f"the handle-time distribution must be exponential or lognormal (got {aht_dist!r})")
    if not (cv > 0 and math.isfinite(cv)):
        raise InputError(f"the coefficient of variation (cv) must be a number > 0 (got {cv!r})")
    if not specs:
        raise InputError("nothing to simulate: no queue has contacts")
    n = specs[0].contacts.size
    return {(s.channel, s.queue): Tally(*(np.zeros((replications, n)) for _ in TALLY_FIELDS)) for s in specs}


def at_volume(specs: list[QueueSpec], volume: np.ndarray | None, r: int) -> list[QueueSpec]:
    """The queues of replication r: each one's rate times its factors `volume[r, queue]` (one per
    hour: the forecast's error drawn for this replication); the queues as they are without."""
    if volume is None:
        return specs
    return [replace(s, contacts=s.contacts * volume[r, j]) for j, s in enumerate(specs)]


def simulate(specs: list[QueueSpec], replications: int = 10, seed: int = 0, aht_dist: str = "exponential",
             cv: float = 1.0, *, per_queue: bool = False,
             volume: np.ndarray | None = None) -> Tally | dict[tuple[str, str], Tally]:
    """Replicate every queue; per-hour tallies summed over queues (or kept per queue).

    Replication r uses `numpy.random.default_rng([seed, r])`, so a run is reproducible and
    replications are independent streams. Occupancy is worked over on-duty slot time (a slot
    finishing a contact after its duty counts that work, so an hour can exceed 100 %).
    `volume` (replications x queues x hours) multiplies the rates (`at_volume`); all ones is
    the same run as None.
    """
    tallies = empty_tallies(specs, replications, aht_dist, cv)
    for r in range(replications):
        rng = np.random.default_rng([seed, r])
        for s in at_volume(specs, volume, r):
            tallies[(s.channel, s.queue)].record(r, simulate_queue(s, rng, aht_dist, cv), s.deferred)
    if per_queue:
        return tallies
    total = [sum(getattr(t, f) for t in tallies.values())
             for f in TALLY_FIELDS]
    return Tally(*total)
