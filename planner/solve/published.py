"""Weekly re-plans against the published rota: keep what the staff were shown unless a change is
worth its price, and list every change.

Art. 103: the shift schedule is shown to the staff a month ahead, and changing it needs each
worker's agreement. So a re-plan (sickness, a new forecast) starts from the published rota: every
agent's published shifts in the horizon are its own line (when it is still legal for the agent:
an absence removes the shifts it covers), and every other line costs `changed_shift_rub` per day
whose shift differs from the published one (added, removed or moved). Agents with the same
published shifts share a class, so the model still grows with lines, not with headcount.

Days are compared as each day's shift (start and end) in the horizon: a day with the same shift in
both is unchanged; anything else is one change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from constraints.lines import Line, PlannedShift
from constraints.patterns import ShiftTemplate

Signature = tuple[tuple[datetime, datetime], ...]
CHANGES_COLUMNS = ("agent_id", "date", "published", "planned", "reason")
DEMAND = "demand"           # a change the plan chose: the service it buys is worth its price
BALANCING = "norm"          # a balancing day off for the period's norm (planner.solve.balancing)


def published_shifts(published: pd.DataFrame, start: date, days: int) -> dict[str, Signature]:
    """Per agent of the published rota, its shifts that belong to the horizon's days."""
    end = start + timedelta(days=days)
    day = pd.to_datetime(published["start"]).dt.date if "date" not in published else \
        pd.to_datetime(published["date"]).dt.date
    mine = published[(day >= start) & (day < end)]
    out: dict[str, Signature] = {str(a): () for a in published["agent_id"].astype(str).unique()}
    for a, group in mine.groupby(mine["agent_id"].astype(str)):
        out[a] = tuple(sorted((pd.Timestamp(s).to_pydatetime(), pd.Timestamp(e).to_pydatetime())
                              for s, e in zip(group["start"], group["end"])))
    return out


def _codes(shifts: Sequence[tuple[datetime, datetime]], origin: datetime, days: int) -> np.ndarray:
    """(days,) one integer per day of the horizon: 0 = no shift, else the shift's start and end in
    minutes from the origin, packed."""
    out = np.zeros(days, dtype=np.int64)
    for a, b in shifts:
        k = (a.date() - origin.date()).days
        if 0 <= k < days:
            out[k] = int((a - origin).total_seconds() // 60) * 100_000 + int((b - a).total_seconds() // 60) + 1
    return out


def line_codes(lines: Sequence[Line], start: date, days: int) -> np.ndarray:
    """(L, days) the day codes (`_codes`) of every line: computed once, compared with any number
    of published rotas by `change_counts`."""
    origin = datetime.combine(start, time())
    return np.array([_codes([(s.start, s.end) for s in l.shifts], origin, days) for l in lines],
                    dtype=np.int64).reshape(len(lines), days)


def change_counts(codes: np.ndarray, signatures: Sequence[Signature | None], start: date, days: int) -> np.ndarray:
    """(C, L) days of the horizon on which line l (its `line_codes` row) differs from class c's
    published shifts (0 for a class with nothing published)."""
    origin = datetime.combine(start, time())
    out = np.zeros((len(signatures), codes.shape[0]), dtype=np.int64)
    for c, sig in enumerate(signatures):
        if sig is not None:
            out[c] = (codes != _codes(sig, origin, days)[None, :]).sum(axis=1)
    return out


def published_line(sig: Signature, like: Line, templates: Mapping[str, ShiftTemplate], start: date, name: str) -> Line:
    """The published shifts as a line of the same cycle as `like` (the closest line the class may
    work): its night begun before the horizon, each published shift with the template `like`
    works that day (else the template of the same length), and as balancing days off the cycle's
    work days the published rota left free."""
    own = {s.day: s for s in like.shifts}
    shifts = [s for s in like.shifts if s.day < start]
    for a, b in sig:
        template = own[a.date()].template if a.date() in own else _same_length(templates, (b - a).total_seconds() / 3600)
        shifts.append(PlannedShift(a.date(), a, b, template, templates[template].break_h))
    worked = {a.date() for a, _ in sig}
    off = {s.day for s in like.shifts if s.day >= start and s.day not in worked} | set(like.days_off)
    return Line(f"{like.key} published {name}", like.pattern, like.variant, like.phase, like.starts,
                tuple(sorted(shifts, key=lambda s: s.start)), like.cycle_starts, tuple(sorted(off)))


def _same_length(templates: Mapping[str, ShiftTemplate], hours: float) -> str:
    """The first template as long as the shift (on site), else the first one."""
    return next((name for name, t in templates.items() if abs(t.length_h - hours) < 1e-6), next(iter(templates)))


def changes_frame(rota: pd.DataFrame, signatures: Mapping[str, Signature], absences: pd.DataFrame,
                  days_off: pd.DataFrame, start: date, days: int) -> pd.DataFrame:
    """changes.csv: one row per agent and day whose shift differs from the published one, with
    the published and planned shifts ("HH:MM-HH:MM", empty for none) and why: the agent's absence
    kind on that day, `norm` for a balancing day off, else `demand`."""
    origin = datetime.combine(start, time())
    planned: dict[str, list[tuple[datetime, datetime]]] = {}
    for a, s, e in zip(rota["agent_id"].astype(str), rota["start"], rota["end"]):
        planned.setdefault(a, []).append((pd.Timestamp(s).to_pydatetime(), pd.Timestamp(e).to_pydatetime()))
    away: dict[tuple[str, date], str] = {}
    for a, s, e, kind in zip(absences["agent_id"].astype(str), absences["start"], absences["end"],
                             absences["kind"] if "kind" in absences else ["absence"] * len(absences)):
        d = pd.Timestamp(s).date()
        while d <= pd.Timestamp(e).date():
            away.setdefault((a, d), str(kind))
            d += timedelta(days=1)
    off = {(str(a), pd.Timestamp(d).date()) for a, d in zip(days_off["agent_id"], days_off["date"])}
    rows = []
    for a, sig in sorted(signatures.items()):
        mine = planned.get(a, [])
        before, after = _codes(sig, origin, days), _codes(mine, origin, days)
        for k in np.flatnonzero(before != after):
            d = start + timedelta(days=int(k))
            reason = away.get((a, d)) or (BALANCING if (a, d) in off else DEMAND)
            rows.append((a, d, _shown(sig, d), _shown(mine, d), reason))
    frame = pd.DataFrame(rows, columns=list(CHANGES_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _shown(shifts: Sequence[tuple[datetime, datetime]], d: date) -> str:
    return next((f"{a:%H:%M}-{b:%H:%M}" for a, b in shifts if a.date() == d), "")
