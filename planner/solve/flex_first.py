"""A fast first roster of the flexible-schedule engine: everyone, day by day, rule-aware greedy.

Built person by person with CP-SAT, the first roster of a 364-day, 140-person instance took half
of a 60-second budget and left the search little time. This builds one in a single pass over the
days instead: each day, the people who must work (a run shorter than its minimum, or behind the
pace their least minutes need) are placed first, then free people are added while a shift of
that day still gains (its cover short, a wish granted), the best (person, shift) first. Every
step checks the rules it can see: a run starts only if its least length fits (days off, weekends,
minutes, shift caps), ends only when long enough, a shift keeps the succession rules, the caps,
most minutes and weekends.

The greedy cannot see every rule (a contract may be too tight for its pace, or have rota's weekly
rest); `flex_model` checks each row and re-plans the people it broke with CP-SAT, one at a time,
so the roster it starts from is always lawful.
"""

from __future__ import annotations

import numpy as np

from planner.solve.flex_problem import NO_LIMIT, OFF, FlexIndex

#: a person is placed as a must when the days left are scarcely enough for their least minutes
URGENT = 0.85
#: being PACE_SLACK of a budget ahead of the horizon's pace costs as much as PACE_PRICE
PACE_SLACK = 0.1
#: a person this many shifts behind the pro-rata share of their least minutes must work
LATE_SHIFTS = 3.0
PACE_PRICE = 100.0
#: the price of a weekend not yet worked, in PACE_SLACK units (both days of one are the cheaper use)
NEW_WEEKEND = 0.06


class _Cover:
    """What one more person on each shift of a day would gain, in the objective's units."""

    def __init__(self, ix: FlexIndex) -> None:
        self.ix = ix
        if ix.hourly:
            self.n = np.zeros(len(ix.hour_wanted), dtype=np.int64)
        else:
            self.n = np.zeros((ix.days, len(ix.shifts)), dtype=np.int64)

    def gains(self, d: int) -> np.ndarray:
        ix = self.ix
        if not ix.hourly:
            short = self.n[d] < ix.wanted[d]
            return np.where(short, ix.under[d], -ix.over[d]).astype(np.float64)
        out = np.zeros(len(ix.shifts))
        for s, (first, k) in enumerate(ix.on_hours):
            h = np.arange(d * 24 + first, d * 24 + first + k)
            n, want = self.n[h], ix.hour_wanted[h]
            idx = np.clip(want - n - 1, 0, ix.hour_price.shape[1] - 1)
            out[s] = np.where(n < want, ix.hour_price[h, idx], -ix.hour_over).sum()
        return out

    def add(self, d: int, s: int) -> None:
        if self.ix.hourly:
            first, k = self.ix.on_hours[s]
            self.n[d * 24 + first: d * 24 + first + k] += 1
        else:
            self.n[d, s] += 1


def greedy_roster(ix: FlexIndex) -> np.ndarray:
    """A roster A[person, day] built day by day; most rules kept (see the module's docstring)."""
    P, D, S = ix.size
    A = np.full((P, D), OFF, dtype=np.int64)
    minutes = np.zeros(P, dtype=np.int64)
    done = np.zeros((P, S), dtype=np.int64)
    run = np.zeros(P, dtype=np.int64)            # length of the current run (work or off) up to yesterday
    edge = np.ones(P, dtype=bool)                # the current run started on day 0 (exempt from minimums)
    weekend_of = np.full(D, -1, dtype=np.int64)
    for g, days in enumerate(ix.weekend_groups):
        weekend_of[list(days)] = g
    used = np.zeros((P, len(ix.weekend_groups)), dtype=bool)
    n_weekends = np.zeros(P, dtype=np.int64)
    shortest = np.where(ix.may.any(axis=1), ix.minutes[None, :], NO_LIMIT).min(axis=1)   # [P]
    can_day = ix.may.any(axis=2)                                                         # [P, D]
    avail_after = np.cumsum(can_day[:, ::-1], axis=1)[:, ::-1]                           # days left we may work
    typical = np.array([ix.minutes[ix.may[p].any(axis=0)].mean() if ix.may[p].any() else 0 for p in range(P)])
    density = ix.max_run / np.maximum(ix.max_run + ix.min_off, 1)
    cover = _Cover(ix)

    def shift_ok(p: int, d: int) -> np.ndarray:
        ok = ix.may[p, d] & (done[p] < ix.cap[p]) & (minutes[p] + ix.minutes <= ix.max_minutes[p])
        if d > 0 and A[p, d - 1] >= 0:
            ok &= ~ix.forbid[A[p, d - 1]]
        g = weekend_of[d]
        if g >= 0 and not used[p, g] and n_weekends[p] >= ix.max_weekends[p]:
            ok[:] = False
        return ok

    def can_start(p: int, d: int) -> bool:
        """A new run from day d can reach its least length (or the horizon's end)."""
        need = min(int(ix.min_run[p]), D - d)
        days = range(d, d + need)
        if not all(can_day[p, e] for e in days):
            return False
        new = {int(weekend_of[e]) for e in days if weekend_of[e] >= 0 and not used[p, weekend_of[e]]}
        return (n_weekends[p] + len(new) <= ix.max_weekends[p] and need <= ix.max_run[p]
                and minutes[p] + need * shortest[p] <= ix.max_minutes[p])

    budget_min = np.where(ix.max_minutes < NO_LIMIT, ix.max_minutes, 0).astype(np.float64)
    budget_we = np.where(ix.max_weekends < NO_LIMIT, ix.max_weekends, 0).astype(np.float64)
    budget_cap = np.where(ix.cap < NO_LIMIT, ix.cap, 0).astype(np.float64)
    n_groups = max(len(ix.weekend_groups), 1)

    def ahead(rows: np.ndarray, d: int) -> np.ndarray:
        """[len(rows), S]: the price of working someone ahead of the pace their budgets allow
        (minutes, weekends, shifts of a type, against the share of the horizon gone), so that the
        end of the horizon is not left to the people with budget left."""
        t = (d + 1) / D
        over = np.zeros((len(rows), S))
        ok = budget_min[rows] > 0
        over[ok] += np.maximum((minutes[rows][ok, None] + ix.minutes[None, :]) / budget_min[rows][ok, None] - t, 0)
        g = weekend_of[d]
        if g >= 0:
            new = ~used[rows, g] & (budget_we[rows] > 0)
            frac = (n_weekends[rows] + 1) / np.maximum(budget_we[rows], 1) - (g + 1) / n_groups
            over += np.where(new, np.maximum(frac, 0) + NEW_WEEKEND, 0)[:, None]
        capped = budget_cap[rows] > 0
        over += np.where(capped, np.maximum((done[rows] + 1) / np.maximum(budget_cap[rows], 1) - t, 0), 0)
        return PACE_PRICE * over / PACE_SLACK

    def put(p: int, d: int, s: int) -> None:
        A[p, d] = s
        minutes[p] += ix.minutes[s]
        done[p, s] += 1
        g = weekend_of[d]
        if g >= 0 and not used[p, g]:
            used[p, g] = True
            n_weekends[p] += 1
        cover.add(d, s)

    for d in range(D):
        working = A[:, d - 1] >= 0 if d > 0 else np.zeros(P, dtype=bool)
        must, may = [], []
        for p in range(P):
            if working[p]:
                if run[p] >= ix.max_run[p]:
                    continue
                (may if edge[p] or run[p] >= ix.min_run[p] else must).append(p)
            elif (edge[p] or run[p] >= ix.min_off[p]) and can_start(p, d):
                may.append(p)
        left = avail_after[:, d] * ix.minutes.mean() * density
        behind = (ix.min_minutes - minutes) / np.maximum(left, 1)
        late = minutes + LATE_SHIFTS * typical < ix.min_minutes * min(1.0, (d + 1) / D)   # behind the pro-rata least
        must += [p for p in may if behind[p] > URGENT or late[p]]
        free = [p for p in may if not (behind[p] > URGENT or late[p])]
        gains = cover.gains(d)
        for p in sorted(must, key=lambda q: -behind[q]):
            ok = shift_ok(p, d)
            if ok.any():
                score = np.where(ok, gains - ix.wish[p, d] + ix.minutes / 60.0, -np.inf)   # longer if equal
                put(p, d, int(np.argmax(score)))
                gains = cover.gains(d)
        if free:
            rows = np.array(free)
            score = gains[None, :] - ix.wish[rows, d] + 2.0 * behind[rows, None] - ahead(rows, d)
            ok = np.array([shift_ok(p, d) for p in free])
            score[~ok] = -np.inf
            while True:
                i, s = np.unravel_index(int(np.argmax(score)), score.shape)
                if score[i, s] <= 0:
                    break
                put(int(rows[i]), d, int(s))
                score[i, :] = -np.inf
                old, gains = gains, cover.gains(d)
                score += (gains - old)[None, :]   # per cell only s moves; per hour, overlapping shifts too
        # advance every person's run
        now = A[:, d] >= 0
        same = now == working
        run = np.where(same, run + 1, 1)
        edge = np.where(same, edge, d == 0)
    return A
