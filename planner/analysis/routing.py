"""Skill routing: the contacts of every series served by individual agents, each allowed some series.

`planner.analysis.queue_sim` splits a pooled team across queues; a skill-aware plan says instead
which series (channel/queue) each agent may serve, and a contact can only go to one of them. This
engine puts every agent of the rota on duty as a server of its own and routes the contacts of
all series together, as an ACD (automatic call distributor) does:

- who works contacts: in each hour, `productive[h]` of the agents on duty (the plan's ratio of
  productive to scheduled agents, as the pooled engine takes it) work contacts; the others are
  off the phones (breaks, coaching, ...). Which ones is a uniform random draw for each hour and
  replication, from the replication's own stream `default_rng([seed, r, 1])`: reproducible for a
  seed, the same contacts whatever the rota (contacts come from `default_rng([seed, r])`, drawn
  as the pooled engine draws them), and the interval covers who happens to be on a break.
- specialists before generalists: an arriving contact goes to an eligible agent free to take it
  who may serve the fewest series; among equals, the one free the longest (ties: rota order).
  A chat goes first to such an agent already in chat with a free session, else to an idle one
  (at each breadth), so that idle agents stay free for calls.
- an agent who becomes free takes the oldest waiting live contact (phone or chat) among the
  series it may serve, and only when none waits the oldest e-mail: e-mail is deferred work,
  worked between live contacts.
- chat: an agent holds up to its number of sessions at once, each session at the full handle
  time; agent k of the team (0-based, rota order) holds floor((k+1) c) - floor(k c) sessions
  (at least 1) for the concurrency c, so the team holds about c per head (2.5: 2, 3, 2, 3 ...).
  While holding a chat an agent takes only more chats; on a call or an e-mail it takes nothing.
- phone: a caller hangs up after its patience (Erlang A channels) if not answered by then.
- shift ends: an agent going off duty (or off the phones) finishes what it holds and takes
  nothing more; the system starts empty at hour 0 and nobody starts work after the last hour.

Work is counted per contact: a call or e-mail is one agent-second a second, a chat session
1/sessions of its agent. Occupancy is that work over the productive agents' time.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np

from common.errors import InputError
from planner.analysis.queue_sim import (
    HOUR_S,
    Contacts,
    QueueSpec,
    Tally,
    at_volume,
    draw_contacts,
    empty_tallies,
    outcome,
)

_INF = float("inf")


@dataclass(frozen=True)
class Team:
    """The agents of a rota as individual servers.

    `serves`: agents x series (the order of the specs) — may the agent serve it; `on_duty`:
    agents x hours — the agent's shift covers the whole hour; `productive`: per hour, how many
    of the agents on duty work contacts; `sessions`: chat sessions each agent holds at once.
    """

    serves: np.ndarray
    on_duty: np.ndarray
    productive: np.ndarray
    sessions: np.ndarray

    def working(self) -> np.ndarray:
        """Agents working contacts per hour (never more than are on duty)."""
        return np.minimum(self.productive, self.on_duty.sum(axis=0))

    def draw_working(self, rng: np.random.Generator) -> np.ndarray:
        """agents x hours: who works contacts — `working()[h]` of the agents on duty, at random."""
        keys = np.where(self.on_duty, rng.random(self.on_duty.shape), _INF)
        order = np.argsort(keys, axis=0, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(order.shape[0])[:, None], axis=0)
        return self.on_duty & (rank < self.working()[None, :])


def chat_sessions(agents: int, concurrency: float) -> np.ndarray:
    """Whole chat sessions per agent: floor((k+1) c) - floor(k c), at least 1."""
    total = np.floor(np.arange(agents + 1) * concurrency + 1e-9)
    return np.maximum(np.diff(total), 1).astype(np.int64)


def simulate_routed(specs: list[QueueSpec], team: Team, replications: int = 10, seed: int = 0,
                    aht_dist: str = "exponential", cv: float = 1.0, *,
                    volume: np.ndarray | None = None) -> dict[tuple[str, str], Tally]:
    """Replicate the skill-routed site; a tally per series (its slot_s is 0: agents are shared,
    their time is `team.working() x 3600`). `volume` multiplies the rates as in
    `queue_sim.simulate`."""
    tallies = empty_tallies(specs, replications, aht_dist, cv)
    n = specs[0].contacts.size
    if team.serves.shape != (team.on_duty.shape[0], len(specs)) or team.on_duty.shape[1] != n:
        raise InputError("the team's skills and duty hours do not match the series and hours simulated")
    for r in range(replications):
        rng = np.random.default_rng([seed, r])
        drawn = [draw_contacts(s, rng, aht_dist, cv) for s in at_volume(specs, volume, r)]
        working = team.draw_working(np.random.default_rng([seed, r, 1]))
        routed = route(specs, drawn, team, working)
        for s, d, st, w in zip(specs, drawn, routed.start, routed.work):
            run = outcome(s, d, st, w)
            tallies[(s.channel, s.queue)].record(r, run, s.deferred)
            tallies[(s.channel, s.queue)].slot_s[r] = 0.0
    return tallies


def _levels(serves: np.ndarray) -> tuple[list[int], list[list[list[int]]], list[int]]:
    """Skill groups: group of each agent, per series the groups that may serve it by breadth
    (fewest series first), and each group's breadth."""
    keys, group = np.unique(serves, axis=0, return_inverse=True)
    group = np.asarray(group).reshape(-1)
    breadth = keys.sum(axis=1).astype(int).tolist()
    levels = []
    for s in range(serves.shape[1]):
        mine = [g for g in range(len(keys)) if keys[g, s]]
        levels.append([[g for g in mine if breadth[g] == b] for b in sorted({breadth[g] for g in mine})])
    return group.tolist(), levels, breadth


@dataclass(frozen=True)
class Routed:
    """One replication, per series (lists in the order of the specs), per contact."""

    start: list[np.ndarray]  # start of service, seconds from hour 0 (inf: never answered)
    work: list[np.ndarray]  # share of its agent the contact took (a chat session: 1/sessions)
    agent: list[np.ndarray]  # the agent who served it (-1: nobody)


def route(specs: list[QueueSpec], drawn: list[Contacts], team: Team, working: np.ndarray) -> Routed:
    """Serve one replication's contacts (`drawn`, one per spec) by the routing policy.

    `working` is agents x hours: who works contacts in each hour (`Team.draw_working`)."""
    n = working.shape[1]
    sizes = [d.arrival.size for d in drawn]
    series = np.repeat(np.arange(len(specs)), sizes)
    arrival_all = np.concatenate([d.arrival for d in drawn])
    order = np.argsort(arrival_all, kind="stable")
    arr = arrival_all[order].tolist()
    ser = series[order].tolist()
    svc = np.concatenate([d.service for d in drawn])[order].tolist()
    pat = np.concatenate([d.patience for d in drawn])[order].tolist()
    chat = [s.concurrent and not s.deferred for s in specs]
    group, levels, breadth = _levels(team.serves)
    keys = np.unique(team.serves, axis=0)
    live = [[s for s in range(len(specs)) if keys[g, s] and not specs[s].deferred] for g in range(len(keys))]
    mail = [[s for s in range(len(specs)) if keys[g, s] and specs[s].deferred] for g in range(len(keys))]
    chats_of = [[s for s in live[g] if chat[s]] for g in range(len(keys))]
    cap = team.sessions.tolist()
    agents = len(cap)
    # who comes on and goes off at each hour start (hour n: everyone off); specialists come on first
    padded = np.concatenate([np.zeros((agents, 1), bool), working, np.zeros((agents, 1), bool)], axis=1)
    rank = np.lexsort((np.arange(agents), np.asarray(breadth)[group]))
    joins = [[a for a in rank.tolist() if padded[a, h + 1] and not padded[a, h]] for h in range(n + 1)]
    leaves = [np.flatnonzero(padded[:, h] & ~padded[:, h + 1]).tolist() for h in range(n + 1)]

    count = len(arr)
    start = [_INF] * count
    weight = [1.0] * count
    served_by = [-1] * count
    held = [0] * agents  # chat sessions held
    busy = [False] * agents  # on a call or an e-mail
    on = [False] * agents
    stamp = [0] * agents  # a queue entry is current while the agent's stamp is unchanged
    idle_q = [deque() for _ in keys]
    room_q = [deque() for _ in keys]
    waiting = [deque() for _ in specs]
    done: list[tuple[float, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop

    def oldest(t: float, candidates: list[int]) -> int:
        best, best_t = -1, _INF
        for s in candidates:
            q = waiting[s]
            while q:
                k = q[0]
                if t - arr[k] > pat[k]:  # hung up while waiting
                    q.popleft()
                    continue
                if arr[k] < best_t:
                    best, best_t = k, arr[k]
                break
        if best >= 0:
            waiting[ser[best]].popleft()
        return best

    def begin(a: int, k: int, t: float) -> None:
        start[k] = t
        served_by[k] = a
        stamp[a] += 1
        if chat[ser[k]]:
            held[a] += 1
            weight[k] = 1.0 / cap[a]
        else:
            busy[a] = True
        push(done, (t + svc[k], k, a))

    def wait_in(queues: list[deque], a: int, t: float) -> None:
        stamp[a] += 1
        queues[group[a]].append((t, a, stamp[a]))

    def settle(a: int, t: float) -> None:
        """A productive agent whose state changed takes waiting work, or waits in its queue:
        idle, the oldest call or chat, else the oldest e-mail; holding chats, more chats."""
        g = group[a]
        if not busy[a] and not held[a]:
            k = oldest(t, live[g])
            k = k if k >= 0 else oldest(t, mail[g])
            if k < 0:
                return wait_in(idle_q, a, t)
            begin(a, k, t)
        while not busy[a] and held[a] < cap[a]:
            k = oldest(t, chats_of[g])
            if k < 0:
                return wait_in(room_q, a, t)
            begin(a, k, t)
        return None

    def first(queues: list[deque], level: list[int]) -> int:
        best, best_since = -1, _INF
        for g in level:
            q = queues[g]
            while q:
                since, a, st = q[0]
                if st != stamp[a]:
                    q.popleft()
                    continue
                if since < best_since or (since == best_since and a < best):
                    best, best_since = a, since
                break
        return best

    i, h = 0, 0
    t_hour = 0.0
    while h <= n:
        t_arr = arr[i] if i < count else _INF
        t_done = done[0][0] if done else _INF
        if t_done <= t_hour and t_done <= t_arr:
            _, k, a = pop(done)
            if chat[ser[k]]:
                held[a] -= 1
            else:
                busy[a] = False
            stamp[a] += 1
            if on[a]:
                settle(a, t_done)
        elif t_hour <= t_arr:
            for a in leaves[h]:
                on[a] = False
                stamp[a] += 1
            for a in joins[h]:
                on[a] = True
                stamp[a] += 1
                settle(a, t_hour)
            h += 1
            t_hour = h * HOUR_S
        else:
            s = ser[i]
            a = -1
            for level in levels[s]:
                if chat[s]:
                    a = first(room_q, level)
                if a < 0:
                    a = first(idle_q, level)
                if a >= 0:
                    break
            if a < 0:
                waiting[s].append(i)
            else:
                begin(a, i, t_arr)
                if chat[s]:
                    settle(a, t_arr)
            i += 1
    bounds = np.cumsum([0, *sizes])

    def per_series(values: list, dtype: type) -> list[np.ndarray]:
        out = np.empty(count, dtype=dtype)
        out[order] = values
        return [out[bounds[j]:bounds[j + 1]] for j in range(len(specs))]

    return Routed(start=per_series(start, np.float64), work=per_series(weight, np.float64),
                  agent=per_series(served_by, np.int64))
