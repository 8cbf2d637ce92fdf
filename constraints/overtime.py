"""Overtime under summed accounting (art. 99, 104, 152): how much, which hours, and the limits
of art. 99.

Under summed accounting overtime is what the hours of an accounting period exceed its norm by;
the law does not say which hours those were. Pay (the night premium in the overtime rate,
art. 152 after ruling 35-П) and the limit of 4 h in two consecutive days need to know, so one
convention attributes them, here and nowhere else:

    the period's overtime is spread evenly over the hours that count towards it: every hour
    worked in the period, except those on an art. 112 holiday (paid double already, art. 152
    part 3), carries the same share, overtime / those hours. A day's overtime is its hours
    times that share; the overtime hours are night hours in the proportion the counted hours
    are (their night hours / their hours).

E.g. a norm of 151 h and 165 h worked, 55 of them at night: 14 h of overtime, 14/165 of every
hour; a day of 11 h holds 0.93 h of it, and the overtime hours are one third night hours.
Spreading, rather than calling the last hours of the period overtime, keeps an ordinary 2/2
month a few hours above its norm from looking like a burst of overtime on its last shift; a
rota that works far above its norm still exceeds 4 h in two days (art. 99).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np
import pandas as pd

from constraints.calendar import RU_CALENDAR, ProductionCalendar

OVERTIME_TWO_DAYS_H = 4.0     # art. 99: at most 4 h of overtime in two consecutive days
OVERTIME_YEAR_H = 120.0       # art. 99: at most 120 h a year
TOLERANCE_H = 1e-6


def overtime_by_day(group: np.ndarray, hours: np.ndarray, holiday: np.ndarray, norm: np.ndarray,
                    before: np.ndarray | None = None) -> np.ndarray:
    """Overtime hours of each day (the module's convention): its counted hours times the group's
    overtime over the group's counted hours. A group is an agent, or an agent's accounting
    period; `norm` is the group's norm and `before` the counted hours it holds outside the rows
    given (worked before the rota), both repeated on each of its rows."""
    counted = np.where(np.asarray(holiday, bool), 0.0, np.asarray(hours, float))
    prior = np.zeros(len(counted)) if before is None else np.asarray(before, float)
    total = pd.Series(counted).groupby(np.asarray(group)).transform("sum").to_numpy() + prior
    over = np.maximum(total - np.asarray(norm, float), 0.0)
    return np.divide(counted * over, total, out=np.zeros(len(counted)), where=total > 0)


def accounting_periods(first: date, last: date, period: str) -> list[tuple[date, date]]:
    """The accounting periods (first and last day of each) that [first, last] touches."""
    out: list[tuple[date, date]] = []
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    d = date(first.year, (first.month - 1) // months * months + 1, 1)
    while d <= last:
        m = d.month - 1 + months
        nxt = date(d.year + m // 12, m % 12 + 1, 1)
        out.append((d, date.fromordinal(nxt.toordinal() - 1)))
        d = nxt
    return out


def certain_overtime(days: pd.DataFrame, absent: Mapping[str, Iterable[date]], period: str,
                     hours_per_week: float, calendar: ProductionCalendar = RU_CALENDAR,
                     before: Mapping[tuple[str, date], float] | None = None) -> pd.DataFrame:
    """Overtime a rota makes certain, per agent and day: each accounting period's hours that the
    rota lists (agent_id, date, hours, holiday), plus `before` (agent, period's first day) -> the
    hours outside holidays already worked in the period before the rota, against the period's
    whole norm less the agent's absences in it (art. 104, order 588н).

    Adds `period` (its first day), `overtime_h` (the day's share, the module's convention, the
    hours before taking theirs) and `period_overtime_h` (the period's whole certain overtime, on
    each of its rows). Over a whole period this is its overtime. Over part of one it is a floor:
    hours worked outside the rota and not in `before` only add to it, never take from it.
    """
    if days.empty:
        return days.assign(period=pd.Series(dtype=object), overtime_h=pd.Series(dtype=float),
                           period_overtime_h=pd.Series(dtype=float))
    d = days.sort_values(["agent_id", "date"], kind="stable").reset_index(drop=True)
    when = pd.to_datetime(d["date"]).dt.date
    spans = accounting_periods(min(when), max(when), period)
    which = [next(p for p in spans if p[0] <= x <= p[1]) for x in when]
    norms: dict[tuple[str, tuple[date, date]], float] = {}
    for agent, span in set(zip(d["agent_id"], which)):
        full = calendar.norm_h(span[0], span[1], hours_per_week)
        off = calendar.absence_norm_h(span[0], span[1], absent.get(agent, ()), hours_per_week)
        norms[agent, span] = max(full - off, 0.0)
    norm = np.array([norms[a, p] for a, p in zip(d["agent_id"], which)])
    prior = np.array([float((before or {}).get((a, p[0]), 0.0)) for a, p in zip(d["agent_id"], which)])
    group = pd.Series([f"{a}|{p[0]}" for a, p in zip(d["agent_id"], which)]).factorize()[0]
    counted = np.where(d["holiday"].to_numpy(bool), 0.0, d["hours"].to_numpy(float))
    over = np.maximum(pd.Series(counted).groupby(group).transform("sum").to_numpy() + prior - norm, 0.0)
    ot = overtime_by_day(group, d["hours"].to_numpy(float), d["holiday"].to_numpy(bool), norm, prior)
    return d.assign(period=[p[0] for p in which], overtime_h=ot, period_overtime_h=over)


def two_day_excess(overtime: pd.DataFrame) -> pd.DataFrame:
    """Where overtime passes OVERTIME_TWO_DAYS_H in two consecutive days (art. 99), once per run
    of such pairs: agent_id, date (the run's first day with overtime), overtime_h (the largest
    two-day total in the run)."""
    rows = []
    for agent, mine in overtime[overtime["overtime_h"] > TOLERANCE_H].groupby("agent_id", sort=True):
        per_day = mine.groupby(pd.to_datetime(mine["date"]))["overtime_h"].sum()
        per_day = per_day.reindex(pd.date_range(per_day.index.min(), per_day.index.max(), freq="D"),
                                  fill_value=0.0)
        pair = (per_day + per_day.shift(-1, fill_value=0.0)).to_numpy()
        bad = pair > OVERTIME_TWO_DAYS_H + TOLERANCE_H
        k = 0
        while k < len(bad):
            if not bad[k]:
                k += 1
                continue
            end = k
            while end + 1 < len(bad) and bad[end + 1]:
                end += 1
            first = k if per_day.iloc[k] > TOLERANCE_H else k + 1
            rows.append((agent, per_day.index[first].date(), float(pair[k:end + 1].max())))
            k = end + 1
    return pd.DataFrame(rows, columns=["agent_id", "date", "overtime_h"])
