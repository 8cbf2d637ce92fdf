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
from pathlib import Path

import pandas as pd

from constraints.labour import LabourRules
from constraints.lines import phase_on
from constraints.patterns import OFF, PatternBook
from forecasts.errors import InputError
from forecasts.tables import read_table, to_numbers, to_strings, to_timestamps

PREVIOUS_COLUMNS = ("agent_id", "date", "start", "end")
PREVIOUS_SHEET = "Shifts"  # the sheet of rota.xlsx that holds rota.csv's rows


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


def _previous_sheet(path: Path) -> str | None:
    """The Shifts sheet when `path` is a workbook that has one (rota.xlsx), else None (first sheet)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return None
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return PREVIOUS_SHEET if PREVIOUS_SHEET in wb.sheetnames else None
        finally:
            wb.close()
    except Exception:  # missing or damaged: read_table names the problem
        return None


def read_previous(path: Path) -> pd.DataFrame:
    """Read a previous rota.csv, rota.xlsx (its Shifts sheet), or any table with agent_id, date, start, end."""
    name = Path(path).name
    df = read_table(path, required=PREVIOUS_COLUMNS,
                    optional=("paid_hours", "night_hours", "holiday_hours", "pattern", "shift"),
                    what="previous rota", sheet=_previous_sheet(Path(path)))
    out = pd.DataFrame({"agent_id": to_strings(df, "agent_id", file=name)})
    out["date"] = to_timestamps(df, "date", file=name).dt.normalize()
    out["start"] = to_timestamps(df, "start", file=name)
    out["end"] = to_timestamps(df, "end", file=name)
    bad = out.index[out["end"] <= out["start"]]
    if len(bad):
        raise InputError("a shift must end after it starts", file=name, row=int(bad[0]), column="end")
    for col in ("night_hours", "holiday_hours"):
        out[col] = to_numbers(df, col, file=name, min_value=0, allow_empty=True).fillna(0.0) if col in df else 0.0
    if "shift" in df:
        out["shift"] = to_strings(df, "shift", file=name, allow_empty=True)
    return out.reset_index(drop=True)


def _phase_from_days(worked: dict[date, str | None], absent: set[date], first: date, start: date,
                     variants: list[tuple[str, tuple[str | None, ...]]],
                     overnight: frozenset[str] = frozenset()) -> tuple[int | None, str | None]:
    """The one phase (and, where the shifts tell, the one variant) that fits [first, start)."""
    fits = _fitting_phases(worked, absent, first, start, variants, overnight)
    if len(fits) != 1:
        return None, None
    (phase, names), = fits.items()
    return phase, names[0] if len(names) == 1 else None


def _fitting_phases(worked: dict[date, str | None], absent: set[date], first: date, start: date,
                    variants: list[tuple[str, tuple[str | None, ...]]],
                    overnight: frozenset[str] = frozenset()) -> dict[int, list[str]]:
    """Every phase (cycle day index of `start`) with the variants that fit [first, start).

    `worked` maps each worked day to its shift template when the previous rota names it.
    A day of absence fits a work day or a rest day alike, and so does a work day of an
    `overnight` template (a night) on the eve of an absence, which the rota leaves out.
    """
    length = len(variants[0][1])
    fits: dict[int, list[str]] = {}
    for p in range(length):
        for name, cycle in variants:
            ok = True
            d = first
            while ok and d < start:
                template = cycle[(p + (d - start).days) % length]
                works = template is not None and template != OFF
                if d in worked:
                    ok = works and (worked[d] is None or worked[d] == template)
                elif works:
                    ok = d in absent or (template in overnight and d + timedelta(days=1) in absent)
                d += timedelta(days=1)
            if ok:
                fits.setdefault(p, []).append(name)
    return fits


def carry_over(agents: pd.DataFrame, absences: pd.DataFrame, book: PatternBook, labour: LabourRules,
               start: date, previous: pd.DataFrame | None = None) -> dict[str, Carry]:
    """Phase, earliest start, spill-in shifts and fairness history of every agent."""
    horizon = datetime.combine(start, datetime.min.time())
    out: dict[str, Carry] = {}
    prev_by_agent = {} if previous is None else {a: g for a, g in previous.groupby("agent_id")}
    for row in agents.itertuples(index=False):
        pattern = book.pattern(row.pattern)
        variants = [(v.name, tuple(v.cycle)) for v in pattern.variants]
        phase, source = None, "free"
        if isinstance(row.cycle_start, (pd.Timestamp, date)) and not pd.isna(row.cycle_start):
            phase, source = phase_on(pattern, pd.Timestamp(row.cycle_start).date(), start), "cycle_start"
        carry = Carry(phase, source)
        g = prev_by_agent.get(row.agent_id)
        if g is not None:
            before = g[g["start"] < horizon]
            if not before.empty:
                templates = before["shift"] if "shift" in before else pd.Series(None, index=before.index)
                worked = {d.date(): (t if isinstance(t, str) and t else None)
                          for d, t in zip(before["date"], templates)}
                first = min(max(min(worked), start - timedelta(days=2 * pattern.cycle_length)), start)
                mine = absences[absences["agent_id"] == row.agent_id]
                absent = {
                    (s + timedelta(days=k)).date()
                    for s, e in zip(mine["start"], mine["end"])
                    for k in range((e - s).days + 1)
                }
                overnight = frozenset(n for n, t in book.templates.items() if t.may_cross_midnight)
                fits = _fitting_phases(worked, absent, first, start, variants, overnight)
                p, variant, phases = None, None, ()
                if len(fits) == 1:
                    (p, names), = fits.items()
                    phase, source, variant = p, "previous rota", names[0] if len(names) == 1 else None
                elif len(fits) > 1 and phase is None:
                    # an absence hides which phase the agent is in: without a cycle_start to
                    # decide, keep to the phases that fit the previous rota
                    source, phases = "previous rota, one of several phases", tuple(sorted(fits))
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
                )
        out[row.agent_id] = carry
    return out
