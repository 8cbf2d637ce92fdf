"""No planned overtime (art. 103, 104): each agent's hours in an accounting period stay within the
period's norm, by balancing days off placed where they cost service least.

Under summed accounting a rota must not plan hours beyond the period's norm: overtime is what
happens, with consent, not what is planned. A 2/2 month of 16 shifts x 11 h is 176 h against a
norm of 159 h in November 2026, so some of its work days must become days off. Which ones is the
model's choice: every line that works more than a class may is replaced, for that class, by a few
*balanced* lines, the same cycle with the fewest shifts dropped that bring it within the cap, each
dropping other shifts (those whose hours need the fewest agents first). Dropping a shift only adds
rest, so a balanced line keeps every labour rule its line kept; the objective then picks the line
and so the day off.

A class's cap per period is what its agents may still work in the period's days of the horizon:
the period's norm (absences applied) less the hours already worked in it (`hours_before`), plus,
where the site allows planned overtime (`[labour] planned_overtime`) and the agent consents
(`overtime_ok`), what art. 99 still allows: the year's 120 h less the overtime so far, and no
more than 4 h of overtime in two consecutive days (overtime spread evenly over the period's hours,
as `constraints.overtime` attributes it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from constraints.hours import day_parts, night_credit_h
from constraints.lines import Line
from constraints.overtime import OVERTIME_TWO_DAYS_H, OVERTIME_YEAR_H, accounting_periods

TOLERANCE_H = 1e-6
VARIANTS = 2   # balanced lines per line over a cap: each drops other shifts


@dataclass(frozen=True)
class PeriodCaps:
    """Per agent and accounting period the plan touches, the most hours it may work in the period's
    days of the horizon, and the planned overtime art. 99 still allows it (0 when not allowed)."""

    periods: tuple[tuple[date, date], ...]
    cap: Mapping[str, tuple[float, ...]]          # agent -> per period: norm - hours before
    overtime: Mapping[str, tuple[float, ...]]     # agent -> per period: planned overtime allowed
    before: Mapping[str, tuple[float, ...]] = field(default_factory=dict)   # hours before, per period

    def key(self, agent: str) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
        """What sets the agent's class apart: caps, allowances and hours before, to a tenth of an
        hour (down)."""
        def tenth(v: tuple[float, ...]) -> tuple[float, ...]:
            return tuple(float(x) for x in np.floor(np.asarray(v) * 10 + TOLERANCE_H) / 10)
        return (tenth(self.cap.get(agent, ())), tenth(self.overtime.get(agent, ())),
                tenth(self.before.get(agent, ())))


def period_caps(ledger: pd.DataFrame, periods: Sequence[tuple[date, date]], *, planned_overtime: bool,
                overtime_ok: Mapping[str, bool], overtime_ytd_h: Mapping[str, float]) -> PeriodCaps:
    """Caps from the period ledger (agent_id, period_start, norm_hours, hours_before and, when
    given, holiday_hours_before, which count towards no norm, art. 152): one row per agent and
    period; an agent or period missing from it has no cap. Planned overtime, where
    allowed and consented, is the year's art. 99 hours left, shared by the periods the plan ends."""
    firsts = [p[0] for p in periods]
    cap: dict[str, list[float]] = {}
    before: dict[str, list[float]] = {}
    before_h = ledger["hours_before"] - (ledger["holiday_hours_before"] if "holiday_hours_before" in ledger else 0.0)
    for a, first, norm, hours in zip(ledger["agent_id"], ledger["period_start"], ledger["norm_hours"], before_h):
        first = pd.Timestamp(first).date()
        if first in firsts:
            cap.setdefault(str(a), [np.inf] * len(periods))[firsts.index(first)] = float(norm) - float(hours)
            before.setdefault(str(a), [0.0] * len(periods))[firsts.index(first)] = float(hours)
    overtime: dict[str, tuple[float, ...]] = {}
    for a in cap:
        left = max(OVERTIME_YEAR_H - float(overtime_ytd_h.get(a, 0.0)), 0.0) if planned_overtime and \
            overtime_ok.get(a, False) else 0.0
        overtime[a] = (left / max(len(periods), 1),) * len(periods)
    return PeriodCaps(tuple(periods), {a: tuple(v) for a, v in cap.items()}, overtime,
                      {a: tuple(v) for a, v in before.items()})


def plan_periods(start: date, days: int, period: str) -> list[tuple[date, date]]:
    """The accounting periods (first and last day) that the horizon touches."""
    return accounting_periods(start, start + timedelta(days=days - 1), period)


@dataclass(frozen=True)
class LineHours:
    """Hours of each shift of the lines inside each period's days of the horizon."""

    shift_line: np.ndarray     # (N,) line of each shift (row order: lines in order, their shifts in order)
    hours: np.ndarray          # (N, P) hours counted against each period's norm (art. 96 hour included)
    two_day: np.ndarray        # (L, P) most hours in two consecutive days of the period

    def per_line(self, n_lines: int) -> np.ndarray:
        """(L, P) hours of each line in each period."""
        out = np.zeros((n_lines, self.hours.shape[1]))
        np.add.at(out, self.shift_line, self.hours)
        return out


def line_hours(lines: Sequence[Line], periods: Sequence[tuple[date, date]], start: date, days: int,
               labour, credit: bool) -> LineHours:
    """The hours the timesheet would count towards each period's norm for each shift: its parts on
    the horizon's days (a night split at midnight), the art. 96 hour with `credit`, no holiday
    hours (paid double, they are no overtime: art. 152)."""
    rows = [(i, s.start, s.end, s.break_h) for i, l in enumerate(lines) for s in l.shifts]
    P = len(periods)
    if not rows:
        return LineHours(np.zeros(0, dtype=np.int64), np.zeros((0, P)), np.zeros((len(lines), P)))
    frame = pd.DataFrame(rows, columns=["line", "start", "end", "break_h"])
    cred = night_credit_h(frame["start"], frame["end"], not credit, labour)
    parts = day_parts(frame["start"], frame["end"], frame["break_h"], cred, labour.night)
    day = parts["date"].to_numpy().astype("datetime64[D]")
    first = np.datetime64(start, "D")
    inside = (day >= first) & (day < first + np.timedelta64(days, "D"))
    which = np.full(len(day), -1)
    for k, (a, b) in enumerate(periods):
        which[(day >= np.datetime64(a, "D")) & (day <= np.datetime64(b, "D")) & inside] = k
    hours = np.zeros((len(frame), P))
    keep = which >= 0
    counted = parts["hours"].where(~parts["holiday"].astype(bool), 0.0).to_numpy()   # art. 152: no norm hours
    np.add.at(hours, (parts["shift"].to_numpy()[keep], which[keep]), counted[keep])
    # most hours in two consecutive days, per line and period (art. 99's 4 h of overtime)
    two_day = np.zeros((len(lines), P))
    by_day = pd.DataFrame({"line": frame["line"].to_numpy()[parts["shift"].to_numpy()[keep]],
                           "period": which[keep], "day": pd.to_datetime(parts["date"].to_numpy()[keep]),
                           "hours": counted[keep]}).groupby(["line", "period", "day"])["hours"].sum()
    for (l, k), series in by_day.groupby(level=[0, 1]):
        s = series.droplevel([0, 1])
        s = s.reindex(pd.date_range(s.index.min(), s.index.max(), freq="D"), fill_value=0.0)
        two_day[l, k] = float((s + s.shift(-1, fill_value=0.0)).max())
    return LineHours(frame["line"].to_numpy(), hours, two_day)


def fits(hours: np.ndarray, two_day: np.ndarray, cap: np.ndarray, overtime: np.ndarray,
         before: np.ndarray | None = None) -> np.ndarray:
    """(L,) whether each line's hours (L, P) keep within the caps (P,): at most the cap, or above it
    by no more than the planned overtime allowed, and then with at most 4 h of it in any two
    consecutive days (overtime spread evenly over the period's hours, the `before` ones too)."""
    over = hours - cap[None, :]
    total = hours + (0.0 if before is None else before[None, :])
    share = np.divide(np.maximum(over, 0.0), total, out=np.zeros_like(hours), where=total > 0)
    ok = (over <= TOLERANCE_H) | ((over <= overtime[None, :] + TOLERANCE_H)
                                  & (two_day * share <= OVERTIME_TWO_DAYS_H + TOLERANCE_H))
    return ok.all(axis=1)


def drop_sets(hours: np.ndarray, cap: np.ndarray, weight: np.ndarray, movable: np.ndarray,
              variants: int = VARIANTS) -> list[tuple[int, ...]]:
    """Up to `variants` sets of shifts (indices into the line's shifts) whose dropping brings the
    line's hours (shifts x periods) within `cap`: the shifts whose hours need fewest agents first,
    each set starting further down that order. Shifts not `movable` (a night begun before the
    horizon, which the previous rota fixed) are never dropped; when even dropping every movable
    shift leaves the line above its cap, that is the one set."""
    excess = hours.sum(axis=0) - cap
    if np.all(excess <= TOLERANCE_H):
        return [()]
    useful = movable & (hours[:, excess > TOLERANCE_H] > 0).any(axis=1)
    ranked = [int(i) for i in np.flatnonzero(useful)[np.argsort(weight[useful], kind="stable")]]
    out: list[tuple[int, ...]] = []
    for v in range(min(variants, max(len(ranked), 1))):
        left = excess.copy()
        chosen = []
        for i in ranked[v:] + ranked[:v]:
            if np.all(left <= TOLERANCE_H):
                break
            if np.any(hours[i, left > TOLERANCE_H] > 0):
                chosen.append(i)
                left = left - hours[i]
        drop = tuple(sorted(chosen))
        if drop not in out:
            out.append(drop)
    return out


def balanced(line: Line, drop: tuple[int, ...]) -> Line:
    """The line with those shifts turned into days off (balancing days, for the norm)."""
    if not drop:
        return line
    off = tuple(line.shifts[i].day for i in drop)
    return Line(f"{line.key} -bal {','.join(f'{d:%m-%d}' for d in off)}", line.pattern, line.variant, line.phase,
                line.starts, tuple(s for i, s in enumerate(line.shifts) if i not in set(drop)), line.cycle_starts,
                tuple(sorted(set(line.days_off) | set(off))))


def shift_weight(line: Line, cum: np.ndarray, origin) -> np.ndarray:
    """Per shift of the line: the weight of its hours in the horizon (`cum`: the running sum of
    the class's per-hour weights, from 0), so a shift over hours that need the class least is the
    cheaper day off."""
    hours = cum.size - 1
    w = np.zeros(len(line.shifts))
    for k, s in enumerate(line.shifts):
        a = int(np.clip(np.floor((s.start - origin).total_seconds() / 3600), 0, hours))
        b = int(np.clip(np.ceil((s.end - origin).total_seconds() / 3600), 0, hours))
        w[k] = cum[b] - cum[a]
    return w


def need_per_agent(need: np.ndarray, serves: np.ndarray, group: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(groups, hours) how much an agent of each skill group is needed in each hour: per series it
    may serve, the agents the series needs over the agents who may serve it at all. A night of the
    English queue that only a few may serve weighs like a busy hour of a queue everyone serves."""
    able = np.array([sizes[serves[group, s]].sum() for s in range(serves.shape[1])], dtype=float)
    scarce = np.divide(need, able[:, None], out=np.zeros(need.shape), where=able[:, None] > 0)   # (S, H)
    return serves.astype(float) @ scarce


def balance_lines(lines: list[Line], allowed: np.ndarray,
                  caps: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, bool] | None],
                  start: date, days: int, periods: Sequence[tuple[date, date]], labour, per_hour: np.ndarray,
                  origin) -> tuple[list[Line], np.ndarray]:
    """Lines and the (classes x lines) allowed matrix with no class on a line above its caps: such a
    line is replaced, for that class, by its balanced lines. `caps[c]` is (cap per period,
    planned overtime allowed per period, hours before per period, whether the class gets the
    art. 96 hour), or None for a class without caps. `per_hour` (classes x hours) is how much an
    agent of each class is needed in each hour: the shifts over its least needed hours go first."""
    L = len(lines)
    hours = {cr: line_hours(lines, periods, start, days, labour, cr) for cr in {c[3] for c in caps if c is not None}}
    totals = {cr: h.per_line(L) for cr, h in hours.items()}
    first_row = {cr: np.searchsorted(h.shift_line, np.arange(L + 1)) for cr, h in hours.items()}
    out_lines = list(lines)
    index = {l: i for i, l in enumerate(lines)}    # by key and shifts: "-abs" lines share keys
    extra: list[tuple[int, int]] = []
    keep = allowed.copy()
    for c, cc in enumerate(caps):
        if cc is None:
            continue
        cap, overtime, before, credit = cc
        cum = np.concatenate([[0.0], np.cumsum(per_hour[c])])
        idx = np.flatnonzero(allowed[c])
        ok = fits(totals[credit][idx], hours[credit].two_day[idx], cap, overtime, before)
        for l in idx[~ok]:
            keep[c, l] = False
            rows = slice(first_row[credit][l], first_row[credit][l + 1])
            movable = np.array([s.day >= start for s in lines[l].shifts], dtype=bool)
            for drop in drop_sets(hours[credit].hours[rows], cap, shift_weight(lines[l], cum, origin), movable):
                v = balanced(lines[l], drop)
                if v not in index:
                    index[v] = len(out_lines)
                    out_lines.append(v)
                extra.append((c, index[v]))
    out = np.zeros((allowed.shape[0], len(out_lines)), dtype=bool)
    out[:, :L] = keep
    for c, l in extra:
        out[c, l] = True
    return out_lines, out


def hours_caps(agents: pd.DataFrame, ledger: pd.DataFrame, periods: Sequence[tuple[date, date]],
               planned_overtime: bool) -> PeriodCaps:
    """Every agent's caps from the period ledger and the agents' consent to planned overtime."""
    ok = dict(zip(agents["agent_id"].astype(str), agents["overtime_ok"])) if "overtime_ok" in agents else {}
    ytd = dict(zip(agents["agent_id"].astype(str), agents["overtime_ytd_h"])) if "overtime_ytd_h" in agents else {}
    return period_caps(ledger, periods, planned_overtime=planned_overtime, overtime_ok=ok, overtime_ytd_h=ytd)


DAYS_OFF_COLUMNS = ("agent_id", "date", "reason")
BALANCING = "norm"   # the reason of a balancing day off: the period's norm (art. 104)


def days_off(assignment, lines: Sequence[Line], start: date, days: int) -> pd.DataFrame:
    """The balancing days off of the horizon, one row per agent and day (days_off.csv)."""
    end = start + timedelta(days=days)
    rows = sorted((str(a), d) for a, l in assignment.line_of.items() for d in lines[l].days_off if start <= d < end)
    return pd.DataFrame({"agent_id": pd.Series([a for a, _ in rows], dtype=object),
                         "date": pd.to_datetime(pd.Series([d for _, d in rows], dtype=object)),
                         "reason": BALANCING})

