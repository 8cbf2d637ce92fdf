"""Continuity between two rotas: an agent already in a 2/2 or 3/3 cycle keeps its phase.

The phase comes from the previous rota when one is given (what really happened beats what the
agents file says), else from `cycle_start`; otherwise the optimiser chooses it. The previous
rota also fixes the earliest legal start of the first shift (daily rest after the last one),
the night shift that runs over into the horizon, and the nights, weekends and holiday hours
each agent already had, which the fair assignment balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from constraints.labour import LabourRules
from constraints.lines import phase_on
from constraints.patterns import OFF, PatternBook
from planner.workspace.spans import first_day as previous_first_day


@dataclass(frozen=True)
class Carry:
    """What one agent brings into the horizon."""

    phase: int | None                                   # cycle day index of the horizon's first day
    phase_source: str                                   # "previous rota", "cycle_start", "free" or
                                                        # "previous rota, one of several phases" (see phases)
    variant: str | None = None                          # kept from the previous rota (day, night, …)
    earliest_start: datetime | None = None              # first shift may not start before this
    spill_in: tuple[tuple[datetime, datetime], ...] = ()  # shifts of the previous rota running into the horizon
    history: tuple[float, float, float] = (0.0, 0.0, 0.0)  # nights, weekend days, holiday hours before
    phases: tuple[int, ...] = ()                        # when phase is None: the phases the previous rota allows
    recent: tuple[tuple[datetime, datetime], ...] = ()  # the previous rota's shifts of the last 8 days before
                                                        # the horizon (the weekly rest across the boundary)


def _days_given_off(worked: dict[date, str | None], absent: set[date], first: date, start: date,
                    variants: list[tuple[str, tuple[str | None, ...]]],
                    overnight: frozenset[str] = frozenset()) -> dict[tuple[int, str], int]:
    """For each (phase, variant) whose work days hold every shift worked in [first, start): the
    work days of the cycle there that were not worked (0: the phase fits exactly). The phase is
    the cycle day index of `start`; `worked` maps each worked day to its shift template when the
    previous rota names it. A day of absence fits a work day or a rest day alike, and so does a
    work day of an `overnight` template (a night) on the eve of an absence, which the rota leaves out.
    """
    length = len(variants[0][1])
    out: dict[tuple[int, str], int] = {}
    for p in range(length):
        for name, cycle in variants:
            off, d = 0, first
            while d < start:
                template = cycle[(p + (d - start).days) % length]
                works = template is not None and template != OFF
                if d in worked:
                    if not (works and (worked[d] is None or worked[d] == template)):
                        break
                elif works:
                    off += not (d in absent or (template in overnight and d + timedelta(days=1) in absent))
                d += timedelta(days=1)
            else:
                out[p, name] = off
    return out


def _phases(given_off: dict[tuple[int, str], int], off: int) -> dict[int, list[str]]:
    """The phases, each with its variants, that leave exactly `off` work days unworked."""
    fits: dict[int, list[str]] = {}
    for (p, name), n in given_off.items():
        if n == off:
            fits.setdefault(p, []).append(name)
    return fits


def _fitting_phases(worked: dict[date, str | None], absent: set[date], first: date, start: date,
                    variants: list[tuple[str, tuple[str | None, ...]]],
                    overnight: frozenset[str] = frozenset()) -> dict[int, list[str]]:
    """Every phase with the variants that fit [first, start) exactly (`_days_given_off`)."""
    return _phases(_days_given_off(worked, absent, first, start, variants, overnight), 0)


def _phases_with_days_given_off(worked: dict[date, str | None], absent: set[date], first: date, start: date,
                                variants: list[tuple[str, tuple[str | None, ...]]],
                                overnight: frozenset[str]) -> dict[int, list[str]]:
    """When no phase fits [first, start) exactly: the phases whose work days hold every shift the
    agent worked, with the fewest work days of the cycle left unworked, if those are few (one, or
    a quarter of the shifts). A plan gives work days of the cycle off to keep an agent within the
    norm (days_off.csv, reason norm), and an absence may be missing from the absences file; a
    shift on a rest day of the cycle has no such reason."""
    given_off = _days_given_off(worked, absent, first, start, variants, overnight)
    fewest = min(given_off.values(), default=None)
    if fewest is None or fewest > max(1, len(worked) // 4):
        return {}   # too many days off for a cycle kept: a shift or two tell nothing of the phase
    return _phases(given_off, fewest)


def _absent_days(absences: pd.DataFrame, agent: str) -> set[date]:
    mine = absences[absences["agent_id"] == agent]
    return {(s + timedelta(days=k)).date() for s, e in zip(mine["start"], mine["end"])
            for k in range((e - s).days + 1)}


def _phase_from_previous(worked: dict[date, str | None], absent: set[date], known: date, start: date,
                         variants: list[tuple[str, tuple[str | None, ...]]], book: PatternBook,
                         phase: int | None, night_ok: bool = True,
                         ) -> tuple[int | None, str | None, str | None, tuple[int, ...]]:
    """What the previous rota, known from day `known`, tells of the agent's cycle on `start`:
    (phase, source, variant, phases). Source None: nothing (no phase fits). The last two cycles
    decide; when they leave several phases, the rest of the rota may tell which; when they fit
    none exactly, the phases that hold every shift worked with the fewest work days given off
    (`_phases_with_days_given_off`). With several phases and no `phase` from cycle_start, the
    agent is kept to those phases. An agent who may
    not work nights never had a night left out on the eve of an absence."""
    n = len(variants[0][1])
    overnight = frozenset(name for name, t in book.templates.items() if t.may_cross_midnight and night_ok)
    first = min(max(known, start - timedelta(days=2 * n)), start)
    fits = _fitting_phases(worked, absent, first, start, variants, overnight)
    if len(fits) > 1 and known < first:
        # the last two cycles leave several phases (a long absence): the rest of the previous
        # rota tells which, as long as the agent kept to one cycle
        fits = _fitting_phases(worked, absent, known, start, variants, overnight) or fits
    if not fits and worked:
        fits = _phases_with_days_given_off({d: t for d, t in worked.items() if d >= first}, absent, first, start,
                                           variants, overnight)
    if len(fits) == 1:
        (p, names), = fits.items()
        return p, "previous rota", names[0] if len(names) == 1 else None, ()
    if len(fits) > 1 and phase is None:
        # an absence hides which phase the agent is in: without a cycle_start to decide, keep to
        # the phases that fit the previous rota
        return None, "previous rota, one of several phases", None, tuple(sorted(fits))
    return None, None, None, ()


def carry_over(agents: pd.DataFrame, absences: pd.DataFrame, book: PatternBook, labour: LabourRules,
               start: date, previous: pd.DataFrame | None = None) -> dict[str, Carry]:
    """Phase, earliest start, spill-in shifts and fairness history of every agent."""
    horizon = datetime.combine(start, datetime.min.time())
    out: dict[str, Carry] = {}
    prev_by_agent = {} if previous is None else {a: g for a, g in previous.groupby("agent_id")}
    rota_first = previous_first_day(previous) if previous is not None else None
    for row in agents.itertuples(index=False):
        pattern = book.pattern(row.pattern)
        variants = [(v.name, tuple(v.cycle)) for v in pattern.variants]
        phase, source = None, "free"
        if isinstance(row.cycle_start, (pd.Timestamp, date)) and not pd.isna(row.cycle_start):
            phase, source = phase_on(pattern, pd.Timestamp(row.cycle_start).date(), start), "cycle_start"
        carry = Carry(phase, source)
        g = prev_by_agent.get(row.agent_id)
        before = g[g["start"] < horizon] if g is not None else g
        if before is None or before.empty:
            if rota_first is not None and rota_first < start:
                # not a shift in the previous rota: its days were days off or absences, which
                # may tell the phase (a long absence); a new agent fits no phase and stays free
                p, how, variant, phases = _phase_from_previous(
                    {}, _absent_days(absences, row.agent_id), rota_first, start, variants, book, phase,
                    bool(row.night_ok))
                if how is not None:
                    carry = Carry(p if p is not None else phase, how, variant, phases=phases)
        else:
            templates = before["shift"] if "shift" in before else pd.Series(None, index=before.index)
            worked = {d.date(): (t if isinstance(t, str) and t else None)
                      for d, t in zip(before["date"], templates)}
            # from the previous rota's first day: a day it covers without a shift of the
            # agent (and no absence) was a day off, even before the agent's first shift
            known = min(min(worked), rota_first) if rota_first is not None else min(worked)
            p, how, variant, phases = _phase_from_previous(
                worked, _absent_days(absences, row.agent_id), known, start, variants, book, phase,
                bool(row.night_ok))
            if how is not None:
                phase, source = (p, how) if p is not None else (phase, how)
            last_end = before["end"].max().to_pydatetime()
            rest = timedelta(hours=max(labour.min_daily_rest_h, 0.0))
            spill = before[before["end"] > horizon]
            nights = float((before["night_hours"] > 0).sum())
            weekends = float((before["date"].dt.day_of_week >= 5).sum())
            holidays = float(before["holiday_hours"].sum())
            carry = Carry(
                phase, source, variant,
                earliest_start=last_end + rest if rest > timedelta(0) else last_end + timedelta(minutes=1),
                spill_in=tuple(sorted((s.to_pydatetime(), e.to_pydatetime())
                                      for s, e in zip(spill["start"], spill["end"]))),
                history=(nights, weekends, holidays),
                phases=phases,
                recent=tuple(sorted((s.to_pydatetime(), e.to_pydatetime()) for s, e in zip(
                    before["start"], before["end"]) if e > horizon - timedelta(days=8))),
            )
        out[row.agent_id] = carry
    return out
