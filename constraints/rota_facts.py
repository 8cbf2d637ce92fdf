"""A rota and its inputs normalised once for the rule checker (`constraints.checker`): types,
columns, each agent's timeline of shifts, and the hours `constraints.hours` gives every shift.

Like the checker, it reads only the rota itself (rota.csv columns), the agents, their absences,
the rules and the pattern book, never the planner. The agents' yes/no columns (`night_ok`,
`hired_for_nights`) are read with the loader's own words (`common.words`): a value that is not
one of them is an error, never a yes; an empty `night_ok` too (art. 96 protects some people
from night work, so a blank is not taken as consent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from common.errors import RuleError
from common.words import YES_NO_HINT, is_blank, yes_no
from constraints.hours import agent_credit, day_parts
from constraints.labour import LabourRules, in_a_row
from constraints.overtime import certain_overtime
from constraints.patterns import PatternBook
from constraints.pay import PayRules, parse_pay, shift_hours_frame

ROTA_COLUMNS = ("agent_id", "date", "start", "end", "paid_hours", "night_hours", "shift")
HOUR = pd.Timedelta(hours=1)

@dataclass(frozen=True, eq=False)
class RotaFacts:
    """The inputs, normalised once, that every rule reads.

    shifts: the rota, one row per shift, with `day` (midnight of `date`) and `on_site_h`.
    timeline: rota plus earlier shifts of the previous rota, per agent by start, `current`
    marking rota rows. agents: indexed by agent_id. absences: inclusive day ranges.
    """

    shifts: pd.DataFrame
    timeline: pd.DataFrame
    agents: pd.DataFrame
    absences: pd.DataFrame
    rules: LabourRules
    book: PatternBook
    start: pd.Timestamp      # midnight of the horizon's first day
    days: int
    pay: PayRules
    before: Mapping[tuple[str, date], float] = field(default_factory=dict)   # (agent, period start) -> hours
    days_off: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"agent_id": [], "date": []}))

    @property
    def end(self) -> pd.Timestamp:
        return self.start + pd.Timedelta(days=self.days)

    @cached_property
    def overtime(self) -> pd.DataFrame:
        """The overtime the rota makes certain, per agent and day of the horizon (art. 104); once
        per check, though two rules read it."""
        absent: dict[str, list] = {}
        for a, lo, hi in zip(self.absences["agent_id"], self.absences["start"], self.absences["end"]):
            absent.setdefault(a, []).extend(d.date() for d in pd.date_range(lo, hi, freq="D"))
        days = self.days_worked.assign(date=lambda d: d["date"].dt.date)
        return certain_overtime(days, absent, self.pay.accounting_period, self.pay.hours_per_week, before=self.before)

    @cached_property
    def hours(self) -> pd.DataFrame:
        """The shifts of a known template that outlast its break, with break_h, credit_h (the
        agent's art. 96 hour) and the paid, night and holiday hours `constraints.hours` gives them
        as expected_paid, expected_night, expected_holiday."""
        s = self.shifts.assign(break_h=self.shifts["shift"].map({n: t.break_h for n, t in self.book.templates.items()}))
        s = s[s["break_h"].notna() & (s["on_site_h"] > s["break_h"])]
        s = s.assign(credit_h=agent_credit(s, self.agents["hired_for_nights"].to_dict(), self.rules))
        h = shift_hours_frame(s[["start", "end", "break_h", "credit_h"]], rules=self.pay)
        return s.assign(expected_paid=h["paid_hours"].to_numpy(), expected_night=h["night_hours"].to_numpy(),
                        expected_holiday=h["holiday_hours"].to_numpy())

    @cached_property
    def days_worked(self) -> pd.DataFrame:
        """Hours per agent and calendar day of the horizon (agent_id, date, hours, holiday)."""
        s = self.hours
        parts = day_parts(s["start"], s["end"], s["break_h"], s["credit_h"], self.pay.night)
        parts["agent_id"] = s["agent_id"].to_numpy()[parts["shift"].to_numpy()]
        parts = parts[(parts["date"] >= self.start) & (parts["date"] < self.end)]
        return parts.groupby(["agent_id", "date"], as_index=False).agg(hours=("hours", "sum"),
                                                                       holiday=("holiday", "first"))




def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RuleError(f"the {what} has no column {missing[0]!r}")


def _text(s: pd.Series) -> pd.Series:
    """Stripped strings, with missing cells as None (not the text "nan")."""
    return s.map(lambda x: None if pd.isna(x) else str(x).strip()).astype(object)


def _timestamps(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).astype("datetime64[s]")


def _shift_frame(rota: pd.DataFrame) -> pd.DataFrame:
    _require(rota, ROTA_COLUMNS, "rota")
    out = pd.DataFrame({
        "agent_id": _text(rota["agent_id"]),
        "day": _timestamps(rota["date"]).dt.normalize(),
        "start": _timestamps(rota["start"]),
        "end": _timestamps(rota["end"]),
        "paid_hours": pd.to_numeric(rota["paid_hours"], errors="coerce"),
        "night_hours": pd.to_numeric(rota["night_hours"], errors="coerce"),
        "holiday_hours": (pd.to_numeric(rota["holiday_hours"], errors="coerce") if "holiday_hours" in rota
                          else pd.Series(np.nan, index=rota.index)),
        "shift": _text(rota["shift"]),
        "pattern": _text(rota["pattern"]) if "pattern" in rota else pd.Series(None, index=rota.index, dtype=object),
    })
    out["on_site_h"] = (out["end"] - out["start"]) / HOUR
    return out.reset_index(drop=True)


def _yes_no_column(agents: pd.DataFrame, col: str, absent: bool, blank: bool | None) -> pd.Series:
    """A yes/no column read as the agents file's loader reads it (`common.words`): `absent` for
    every agent without the column, `blank` for an empty cell (None: an error), and any word
    outside the table is an error naming the row, never a yes."""
    if col not in agents:
        return pd.Series(absent, index=agents.index, dtype=bool)
    out = []
    for pos, value in enumerate(agents[col]):
        word = blank if is_blank(value) else yes_no(value)
        if word is None:
            what = "empty" if is_blank(value) else f"{str(value)!r} is not yes/no"
            raise RuleError(f"agents table, row {pos + 2}, column '{col}': {what} ({YES_NO_HINT})",
                            agent_id=str(agents["agent_id"].iloc[pos]))
        out.append(word)
    return pd.Series(out, index=agents.index, dtype=bool)


def _hours_column(agents: pd.DataFrame, col: str) -> pd.Series:
    """Hours of a column such as overtime_ytd_h: blank is 0, text or a negative number an error."""
    if col not in agents:
        return pd.Series(0.0, index=agents.index)
    raw = agents[col].map(lambda v: 0.0 if is_blank(v) else v)
    values = pd.to_numeric(raw.map(lambda v: str(v).replace(",", ".") if isinstance(v, str) else v), errors="coerce")
    bad = np.flatnonzero(values.isna().to_numpy() | (values < 0).to_numpy())
    if bad.size:
        i = int(bad[0])
        raise RuleError(f"agents table, row {i + 2}, column '{col}': {agents[col].iloc[i]!r} is not a number of hours "
                        "of 0 or more", agent_id=str(agents["agent_id"].iloc[i]))
    return values.astype(float)


def _agent_frame(agents: pd.DataFrame) -> pd.DataFrame:
    _require(agents, ("agent_id", "pattern"), "agents table")
    out = pd.DataFrame({
        "agent_id": _text(agents["agent_id"]),
        "pattern": _text(agents["pattern"]),
        "night_ok": _yes_no_column(agents, "night_ok", absent=True, blank=None),
        "hired_for_nights": _yes_no_column(agents, "hired_for_nights", absent=False, blank=False),
        "overtime_ytd_h": _hours_column(agents, "overtime_ytd_h"),
    })
    cycle = agents["cycle_start"] if "cycle_start" in agents else pd.Series(pd.NaT, index=agents.index)
    cycle = cycle.map(lambda x: None if pd.isna(x) or (isinstance(x, str) and not x.strip()) else x)
    out["cycle_start"] = pd.to_datetime(cycle).astype("datetime64[s]").dt.normalize()
    return out.drop_duplicates("agent_id").set_index("agent_id")


def _absence_frame(absences: pd.DataFrame | None) -> pd.DataFrame:
    if absences is None or absences.empty:
        return pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[s]"),
                             "end": pd.Series(dtype="datetime64[s]")})
    _require(absences, ("agent_id", "start", "end"), "absences table")
    return pd.DataFrame({
        "agent_id": _text(absences["agent_id"]),
        "start": _timestamps(absences["start"]).dt.normalize(),
        "end": _timestamps(absences["end"]).dt.normalize(),
    })


def _timeline(shifts: pd.DataFrame, previous: pd.DataFrame | None, start: pd.Timestamp) -> pd.DataFrame:
    """Rota shifts plus the previous rota's earlier shifts that the rota does not repeat."""
    cur = shifts[["agent_id", "start", "end"]].assign(current=True)
    parts = [cur]
    if previous is not None and not previous.empty:
        _require(previous, ("agent_id", "start", "end"), "previous rota")
        prev = pd.DataFrame({
            "agent_id": _text(previous["agent_id"]),
            "start": _timestamps(previous["start"]),
            "end": _timestamps(previous["end"]),
        })
        prev = prev[prev["start"] < start]
        prev = prev.merge(cur[["agent_id", "start", "end"]].drop_duplicates(), how="left", indicator=True)
        parts.append(prev[prev["_merge"] == "left_only"].drop(columns="_merge").assign(current=False))
    t = pd.concat(parts, ignore_index=True).sort_values(["agent_id", "start", "end"], kind="stable")
    t = t.reset_index(drop=True)
    ends_so_far = t.groupby("agent_id")["end"].cummax()
    t["prev_end"] = ends_so_far.groupby(t["agent_id"]).shift()
    t["gap_h"] = (t["start"] - t["prev_end"]) / HOUR
    by_agent = t.groupby("agent_id")
    t["prev_h"] = (by_agent["end"].shift() - by_agent["start"].shift()) / HOUR    # the shift before, on site
    t["in_a_row"] = in_a_row(t["gap_h"].to_numpy(float), t["prev_h"].to_numpy(float))
    return t


def prepare(rota: pd.DataFrame, agents: pd.DataFrame, absences: pd.DataFrame | None, rules: LabourRules,
            book: PatternBook, start: date, days: int, previous: pd.DataFrame | None = None,
            pay: PayRules | None = None, before: Mapping[tuple[str, date], float] | None = None,
            days_off: pd.DataFrame | None = None) -> RotaFacts:
    """Normalise the inputs once (types, columns, the agent's timeline) for the rules. Without
    `pay`, the law's pay rules on the labour rules' night. `before`: (agent, accounting period's
    first day) -> the hours outside holidays worked in the period before the horizon."""
    if days < 1:
        raise RuleError(f"a horizon needs at least one day, got {days}")
    origin = pd.Timestamp(start).normalize().as_unit("s")
    shifts = _shift_frame(rota)
    pay = pay if pay is not None else parse_pay(None, rules.night)
    off = pd.DataFrame({"agent_id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[s]")})
    if days_off is not None and not days_off.empty:
        off = pd.DataFrame({"agent_id": days_off["agent_id"].astype(str).to_numpy(),
                            "date": pd.to_datetime(days_off["date"]).dt.normalize().to_numpy()})
    return RotaFacts(shifts, _timeline(shifts, previous, origin), _agent_frame(agents),
                     _absence_frame(absences), rules, book, origin, days, pay, dict(before or {}), off)


# ----------------------------------------------------------------------------- hour arithmetic


def night_hours(start: pd.Series, end: pd.Series, rules: LabourRules) -> np.ndarray:
    """Hours of each [start, end) on site inside the night window, e.g. 8 for 20:00-08:00 (art. 96)."""
    def seconds(ts: pd.Series) -> np.ndarray:
        return (pd.to_datetime(ts).to_numpy().astype("datetime64[s]").astype(np.int64))
    return (rules.night.seconds_before(seconds(end)) - rules.night.seconds_before(seconds(start))) / 3600
