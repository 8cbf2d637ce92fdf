"""The rule checker: does a finished rota keep the labour law and the agents' facts?

It reads only the rota itself (rota.csv columns), the agents, their absences, the rules and the
pattern book, and recomputes everything it needs (rest, night hours, cycle fit) from the
shifts' start and end. It does not use `lines.py` nor the planner, so it cannot inherit their
mistakes: it is the proof that what the optimiser built is lawful.

Each rule is one small function of the prepared `RotaFacts`, returning `Violation`s:

- overlap, back_to_back (art. 103), daily_rest (`min_daily_rest_h`), weekly_rest (art. 110),
- shift_length, shift_day, absence, night_ok, consecutive_nights, pattern, unknown_agent,
  hours_consistency (paid, night and holiday hours as `constraints.hours` counts them),
- overtime_two_days and overtime_year (art. 99), on the overtime the rota makes certain
  (`constraints.overtime.certain_overtime`).

The agents' yes/no columns (`night_ok`, `hired_for_nights`) are read with the loader's own
words (`common.words`); a value that is not one of them is an error, never a yes.

Weekly rest (art. 110) is read over every 7 days in a row, from 00:00 of any day, not only
calendar weeks: each such window that touches the horizon must hold an uninterrupted rest of at
least `weekly_rest_h` (42 h) of which at least half lies inside the window. A rest is the time
between the end of one shift and the start of the agent's next. Counting half of it inside,
rather than all of it, lets a rest that spans two windows serve both, as it does in practice:
an office week, Monday to Friday 09:00-18:00, rests 63 h every 7 days, and a window from Sunday
00:00 holds only 33 h of it, yet nobody would call that week unlawful. Half is the largest share
that every cycle repeating each 7 days passes in every window. With windows from every day, no
run of work longer than 7 days minus half the rest can slip between two calendar weeks.
The rule is monotone: removing a shift (an absence) never creates a
violation. Before an agent's first known shift (no previous rota given, or nothing in it) and
after the last shift, rest is open-ended: the checker cannot see beyond the horizon and assumes
nothing worse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from common.errors import RuleError
from constraints.labour import LabourRules
from constraints.night import is_night_shift
from constraints.overtime import OVERTIME_TWO_DAYS_H, two_day_excess
from constraints.patterns import FLEX, PatternBook
from constraints.pay import PayRules
from constraints.rota_facts import HOUR, ROTA_COLUMNS, RotaFacts, night_hours, prepare

HOURS_TOLERANCE = 0.01
__all__ = ["ROTA_COLUMNS", "RULES", "RotaFacts", "Violation", "check_rota", "night_hours", "prepare"]


@dataclass(frozen=True)
class Violation:
    """One broken rule: which, who, when (a shift's start or a day), and why."""

    rule: str
    agent_id: str
    when: datetime | date | None
    detail: str


def _dt(value) -> datetime | date | None:
    if value is None or value is pd.NaT:
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _v(rule: str, agent_id, when, detail: str) -> Violation:
    return Violation(rule, str(agent_id), _dt(when), detail)


def _fmt(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------- rules


def check_unknown_agent(f: RotaFacts) -> list[Violation]:
    """A shift for someone who is not in the agents table."""
    bad = f.shifts[~f.shifts["agent_id"].isin(f.agents.index)]
    return [_v("unknown_agent", r.agent_id, r.start, "agent is not in the agents table")
            for r in bad.drop_duplicates("agent_id").itertuples()]


def check_overlap(f: RotaFacts) -> list[Violation]:
    """Two shifts of one agent that overlap in time."""
    t = f.timeline
    bad = t[t["current"] & (t["gap_h"] < 0)]
    return [_v("overlap", r.agent_id, r.start, f"shift from {_fmt(r.start)} starts before the "
               f"previous one ends at {_fmt(r.prev_end)}") for r in bad.itertuples()]


def check_back_to_back(f: RotaFacts) -> list[Violation]:
    """A shift after a rest shorter than the shift before it: two shifts in a row (art. 103,
    `constraints.labour.in_a_row`), 20:00-08:00 right after 08:00-20:00 or a minute later alike."""
    t = f.timeline
    bad = t[t["current"] & t["in_a_row"]]
    return [_v("back_to_back", r.agent_id, r.start, f"shift from {_fmt(r.start)} follows the previous "
               f"one after {r.gap_h:g} h of rest, less than that shift's {r.prev_h:g} h (two shifts in a row, "
               "art. 103)") for r in bad.itertuples()]


def check_daily_rest(f: RotaFacts) -> list[Violation]:
    """Less rest between two shifts than `min_daily_rest_h` (shorter still is back_to_back)."""
    t = f.timeline
    need = f.rules.min_daily_rest_h
    bad = t[t["current"] & (t["gap_h"] >= 0) & ~t["in_a_row"] & (t["gap_h"] < need)]
    return [_v("daily_rest", r.agent_id, r.start, f"only {r.gap_h:g} h of rest before the shift from "
               f"{_fmt(r.start)}; the minimum is {need:g} h") for r in bad.itertuples()]


def _rests(t: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """Every rest per agent in hours from `origin`; open-ended before the first and after the last shift."""
    first = t.groupby("agent_id", sort=False)["start"].min()
    last = t.groupby("agent_id", sort=False)["end"].max()
    inner = t[t["gap_h"] > 0]
    frames = [
        pd.DataFrame({"agent_id": inner["agent_id"].to_numpy(),
                      "a": ((inner["prev_end"] - origin) / HOUR).to_numpy(float),
                      "b": ((inner["start"] - origin) / HOUR).to_numpy(float)}),
        pd.DataFrame({"agent_id": first.index.to_numpy(), "a": -np.inf,
                      "b": ((first - origin) / HOUR).to_numpy(float)}),
        pd.DataFrame({"agent_id": last.index.to_numpy(), "a": ((last - origin) / HOUR).to_numpy(float),
                      "b": np.inf}),
    ]
    return pd.concat(frames, ignore_index=True)


def check_weekly_rest(f: RotaFacts) -> list[Violation]:
    """Seven days in a row without 42 h of uninterrupted rest, half of it inside them (art. 110).

    Every window of 7 days from 00:00 of any day is checked, not only calendar weeks, from the
    window that ends on the horizon's first day (with the previous rota's shifts, if given) to the
    one that starts on its last. The rest must be whole (42 h) and at least half of it inside the
    window: an ordinary office week, Monday to Friday 09:00-18:00, passes every window that way,
    while a long run of work days cannot hide behind the rests at its ends. Consecutive failing
    windows of an agent are reported once, on the first day of the first.
    """
    if f.shifts.empty:
        return []
    need = f.rules.weekly_rest_h
    rests = _rests(f.timeline, f.start)
    rests["length"] = rests["b"] - rests["a"]
    agents = pd.Index(f.shifts["agent_id"].unique())
    whole = rests["length"] >= need
    failing: dict[str, list[int]] = {}
    longest: dict[tuple[str, int], float] = {}
    for day in range(-6, f.days):
        lo = 24.0 * day
        inside = np.minimum(rests["b"], lo + 168) - np.maximum(rests["a"], lo)
        passed = set(rests.loc[whole & (inside >= need / 2), "agent_id"])
        most = inside.clip(lower=0).groupby(rests["agent_id"]).max()
        for agent in agents.difference(list(passed)):
            failing.setdefault(agent, []).append(day)
            longest[agent, day] = float(most.get(agent, 0.0))
    out = []
    for agent, days in failing.items():
        runs = np.split(np.array(days), np.flatnonzero(np.diff(days) > 1) + 1)
        for run in runs:
            first = (f.start + pd.Timedelta(days=int(run[0]))).date()
            more = f" (and the {len(run) - 1} window{'s' if len(run) > 2 else ''} after it)" if len(run) > 1 else ""
            out.append(_v("weekly_rest", agent, first, f"7 days from {first}{more}: no uninterrupted rest of "
                          f"{need:g} h with {need / 2:g} h of it inside them (the longest rest inside is "
                          f"{min(longest[agent, int(d)] for d in run):g} h; art. 110)"))
    return out


def check_shift_length(f: RotaFacts) -> list[Violation]:
    """A shift that ends before it starts or keeps the agent on site longer than `max_shift_h`."""
    s = f.shifts
    out = [_v("shift_length", r.agent_id, r.start, f"shift from {_fmt(r.start)} ends at {_fmt(r.end)}, "
              "not after it starts") for r in s[s["on_site_h"] <= 0].itertuples()]
    longest = f.rules.max_shift_h
    out += [_v("shift_length", r.agent_id, r.start, f"shift from {_fmt(r.start)} is {r.on_site_h:g} h on "
               f"site; the longest allowed is {longest:g} h") for r in s[s["on_site_h"] > longest].itertuples()]
    return out


def check_shift_day(f: RotaFacts) -> list[Violation]:
    """A shift filed under another day than the one it starts on (a night shift belongs to its start)."""
    s = f.shifts
    bad = s[s["day"] != s["start"].dt.normalize()]
    return [_v("shift_day", r.agent_id, r.start, f"shift from {_fmt(r.start)} is dated {r.day.date()}; "
               "a shift belongs to the day it starts") for r in bad.itertuples()]


def check_absence(f: RotaFacts) -> list[Violation]:
    """A shift on site during a day the agent is absent (vacation, sick leave, training...).

    An absence from day a to day b is the time from a 00:00 to b + 1 00:00, so a night begun the
    evening before its first day breaks it too: the agent would be at work on a day of leave.
    """
    if f.absences.empty or f.shifts.empty:
        return []
    m = f.shifts[["agent_id", "day", "start", "end"]].merge(f.absences, on="agent_id", suffixes=("", "_abs"))
    on_day = (m["day"] >= m["start_abs"]) & (m["day"] <= m["end_abs"])
    on_site = (m["start"] < m["end_abs"] + pd.Timedelta(days=1)) & (m["end"] > m["start_abs"])
    bad = m[on_day | on_site].drop_duplicates(["agent_id", "start"])
    return [_v("absence", r.agent_id, r.day.date(),
               f"works on {r.day.date()} during an absence {r.start_abs.date()}..{r.end_abs.date()}"
               if r.day >= r.start_abs else
               f"the shift from {_fmt(r.start)} to {_fmt(r.end)} runs into an absence "
               f"{r.start_abs.date()}..{r.end_abs.date()}")
            for r in bad.itertuples()]


def check_night_ok(f: RotaFacts) -> list[Violation]:
    """Night-window hours for an agent who may not work at night."""
    s = f.shifts
    no_nights = f.agents.index[~f.agents["night_ok"]]
    mine = s[s["agent_id"].isin(no_nights)]
    if mine.empty:
        return []
    hours = night_hours(mine["start"], mine["end"], f.rules)
    bad = mine[hours > 0].assign(night=hours[hours > 0])
    return [_v("night_ok", r.agent_id, r.start, f"shift from {_fmt(r.start)} has {r.night:g} night hours "
               "but the agent may not work at night") for r in bad.itertuples()]


def check_consecutive_nights(f: RotaFacts) -> list[Violation]:
    """More night shifts on consecutive days than `max_consecutive_nights` allows.

    A night shift is one with at least half of its hours in the night window.
    """
    limit = f.rules.max_consecutive_nights
    s = f.shifts
    if limit is None or s.empty:
        return []
    hours = night_hours(s["start"], s["end"], f.rules)
    nights = s[is_night_shift(hours, s["on_site_h"].to_numpy(float))]
    nights = nights.drop_duplicates(["agent_id", "day"]).sort_values(["agent_id", "day"])
    step = nights.groupby("agent_id")["day"].diff() != pd.Timedelta(days=1)
    run = nights.groupby(step.cumsum()).cumcount() + 1
    bad = nights[run == limit + 1]
    return [_v("consecutive_nights", r.agent_id, r.day.date(), f"night shift on {r.day.date()} is more than "
               f"{limit} in a row") for r in bad.itertuples()]


def _cycle_table(book: PatternBook, pattern: str, offsets: np.ndarray) -> tuple[list[tuple[str, int]], np.ndarray]:
    """For each (variant, phase) of the pattern, the template index planned on each day offset (-1 off)."""
    pat = book.patterns[pattern]
    names = list(book.templates)
    n = pat.cycle_length
    keys, rows = [], []
    for v in pat.variants:
        codes = np.array([-1 if t is None else names.index(t) for t in v.cycle])
        for p in range(n):
            keys.append((v.name, p))
            rows.append(codes[(p + offsets) % n])
    return keys, np.array(rows)


def check_pattern(f: RotaFacts) -> list[Violation]:
    """Worked days that fit no phase of the agent's pattern cycle (absence days count as off).

    Inside the horizon, the agent works exactly the cycle's work days that are not absence days
    or balancing days off, except a night (a template that may run past midnight) on the eve of an absence day, which
    would run into it; a shift before or after the horizon (a night begun the day before) must
    fall on a work day.
    When the `shift` column names a template, it must be the cycle's template of that day. With
    a cycle_start, only the phase it implies is allowed. All agents of a pattern are matched
    against all (variant, phase) cycles at once: agents x cycles x days booleans.
    """
    s = f.shifts[f.shifts["agent_id"].isin(f.agents.index)]
    if s.empty:
        return []
    out: list[Violation] = []
    own = s["agent_id"].map(f.agents["pattern"])
    wrong = s[s["pattern"].notna() & (s["pattern"] != own)].drop_duplicates("agent_id")
    out += [_v("pattern", r.agent_id, None, f"the rota gives pattern {r.pattern!r}; the agent's pattern is "
               f"{f.agents.at[r.agent_id, 'pattern']!r}") for r in wrong.itertuples()]
    unknown = s[~own.isin([*f.book.patterns, FLEX])].drop_duplicates("agent_id")   # flex: per person, no cycle
    out += [_v("pattern", a, None, f"unknown pattern {f.agents.at[a, 'pattern']!r}") for a in unknown["agent_id"]]

    names = list(f.book.templates)
    offset = ((s["day"] - f.start) / pd.Timedelta(days=1)).astype(int).to_numpy()
    lo, hi = min(-1, int(offset.min())), max(f.days, int(offset.max()) + 1)
    offsets = np.arange(lo, hi)
    in_horizon = (offsets >= 0) & (offsets < f.days)
    code = s["shift"].map({n: i for i, n in enumerate(names)}).fillna(-2).astype(int).to_numpy()
    overnight = np.array([f.book.templates[n].may_cross_midnight for n in names])
    for pattern, rows in s.groupby(own.to_numpy()).indices.items():
        if pattern not in f.book.patterns:
            continue
        keys, plan = _cycle_table(f.book, pattern, offsets)                    # (K, D)
        ids, who = np.unique(s["agent_id"].to_numpy()[rows], return_inverse=True)
        worked = np.full((len(ids), len(offsets)), -1)                         # (A, D) template or -1
        worked[who, offset[rows] - lo] = code[rows]
        absent = np.zeros((len(ids), len(offsets) + 1), dtype=bool)            # absence days, one more
        ab = f.absences[f.absences["agent_id"].isin(ids)]
        pos = pd.Index(ids)
        for agent, a, b in zip(ab["agent_id"], ab["start"], ab["end"]):
            i = pos.get_loc(agent)
            absent[i, max((a - f.start).days - lo, 0):max((b - f.start).days - lo + 1, 0)] = True
        off = absent[:, :-1].copy()
        given = f.days_off[f.days_off["agent_id"].isin(ids)]
        for agent, day in zip(given["agent_id"], given["date"]):
            k = (day - f.start).days - lo
            if 0 <= k < len(offsets):
                off[pos.get_loc(agent), k] = True      # a balancing day: not worked, nothing else changes
        # a night shift may not be worked on the eve of an absence (it would run into it)
        eve_of_absence = absent[:, 1:][:, None, :] & overnight[np.maximum(plan, 0)][None, :, :] & (plan >= 0)[None]
        n = f.book.patterns[pattern].cycle_length
        cycle_start = f.agents["cycle_start"].reindex(ids)
        fixed = cycle_start.notna().to_numpy()
        phase = ((f.start - cycle_start).dt.days % n).fillna(-1).astype(int).to_numpy()
        allowed = ~fixed[:, None] | (np.array([k[1] for k in keys])[None, :] == phase[:, None])   # (A, K)
        w, p = worked[:, None, :], plan[None, :, :]
        wrong_template = (w >= 0) & (p >= 0) & (w != p)
        on_off_day = (w != -1) & (p == -1)
        missing = in_horizon & (p >= 0) & (w == -1) & ~off[:, None, :] & ~eve_of_absence
        bad = wrong_template | on_off_day | missing                            # (A, K, D)
        errors = np.where(allowed, bad.sum(axis=2), np.iinfo(np.int64).max)
        for i in np.flatnonzero(errors.min(axis=1) > 0):
            best = int(np.argmin(errors[i]))
            variant, ph = keys[best]
            j = int(np.flatnonzero(bad[i, best])[0])
            day = (f.start + pd.Timedelta(days=int(offsets[j]))).date()
            why = ("works a day off" if on_off_day[i, best, j] else
                   "does not work a work day" if missing[i, best, j] else
                   f"works {names[worked[i, j]]!r} where the cycle has {names[plan[best, j]]!r}")
            fixed_by = f" (phase fixed by cycle_start {cycle_start.iloc[i].date()})" if fixed[i] else ""
            out.append(_v("pattern", ids[i], day, f"worked days fit no phase of {pattern}{fixed_by}; closest "
                          f"is variant {variant} phase {ph}, which on {day} {why}"))
    return out


def check_hours_consistency(f: RotaFacts) -> list[Violation]:
    """paid_hours, night_hours and holiday_hours that disagree with start, end, the template's
    break and the agent's art. 96 credit, as `constraints.hours` counts them (a shift split at
    midnight, the break placed by its rule, night hours at most the worked hours of their day)."""
    s = f.shifts
    breaks = s["shift"].map({n: t.break_h for n, t in f.book.templates.items()})
    out = [_v("hours_consistency", r.agent_id, r.start, f"shift template {r.shift!r} is not defined, so "
              "its paid hours cannot be checked") for r in s[breaks.isna()].itertuples()]
    short = s[breaks.notna() & (s["on_site_h"] <= breaks)]
    out += [_v("hours_consistency", r.agent_id, r.start, f"shift from {_fmt(r.start)} is {r.on_site_h:g} h on "
               f"site, no longer than its {r.shift} break") for r in short.itertuples()]
    h = f.hours
    stated = [("paid_hours", "expected_paid", "paid hours; on site less the break, with the art. 96 hour, is"),
              ("night_hours", "expected_night", f"night hours; its {f.rules.night} share is"),
              ("holiday_hours", "expected_holiday", "holiday hours; its hours on art. 112 holidays are")]
    for col, expected, words in stated:
        given = h[col] if col != "holiday_hours" else h[col].fillna(h[expected])   # an optional column
        bad = h[~((given - h[expected]).abs() <= HOURS_TOLERANCE)]
        out += [_v("hours_consistency", r.agent_id, r.start, f"shift from {_fmt(r.start)} states "
                   f"{getattr(r, col):g} {words} {getattr(r, expected):g} h") for r in bad.itertuples()]
    return out


def check_overtime_two_days(f: RotaFacts) -> list[Violation]:
    """More than 4 h of overtime in two consecutive days (art. 99): the hours of an accounting
    period worked after its whole norm is used up (`constraints.overtime`), so only what the rota
    makes certain whatever was worked before it."""
    bad = two_day_excess(f.overtime)
    return [_v("overtime_two_days", r.agent_id, r.date, f"{r.overtime_h:g} h of overtime in two consecutive "
               f"days from {r.date}; art. 99 allows {OVERTIME_TWO_DAYS_H:g} h") for r in bad.itertuples()]


def check_overtime_year(f: RotaFacts) -> list[Violation]:
    """The year's overtime above `pay.overtime_cap_year_h` (art. 99: at most 120 h): the agent's
    overtime_ytd_h (the periods settled before the horizon), for the horizon's first year, plus
    the overtime the rota makes certain in each accounting period it touches, the hours worked
    in it before the horizon included, in the period's year."""
    ot = f.overtime
    cap, first_year = f.pay.overtime_cap_year_h, f.start.year
    out = []
    periods = ot.groupby(["agent_id", "period"], as_index=False)["period_overtime_h"].first()
    per_year = periods.groupby(["agent_id", periods["period"].map(lambda p: p.year)])["period_overtime_h"].sum()
    for (agent, year), hours in per_year.items():
        before = float(f.agents.at[agent, "overtime_ytd_h"]) if year == first_year and agent in f.agents.index else 0.0
        if before + hours > cap + 1e-6:
            out.append(_v("overtime_year", agent, date(int(year), 12, 31), f"{before:g} h of overtime in {year} "
                          f"before the rota (overtime_ytd_h) and {hours:g} h in its accounting periods make "
                          f"{before + hours:g} h; the cap is {cap:g} h a year (art. 99, pay.overtime_cap_year_h)"))
    return out


RULES: dict[str, Callable[[RotaFacts], list[Violation]]] = {
    "unknown_agent": check_unknown_agent,
    "overlap": check_overlap,
    "back_to_back": check_back_to_back,
    "daily_rest": check_daily_rest,
    "weekly_rest": check_weekly_rest,
    "shift_length": check_shift_length,
    "shift_day": check_shift_day,
    "absence": check_absence,
    "night_ok": check_night_ok,
    "consecutive_nights": check_consecutive_nights,
    "pattern": check_pattern,
    "hours_consistency": check_hours_consistency,
    "overtime_two_days": check_overtime_two_days,
    "overtime_year": check_overtime_year,
}


def check_rota(
    rota: pd.DataFrame,
    agents: pd.DataFrame,
    absences: pd.DataFrame,
    rules: LabourRules,
    book: PatternBook,
    start: date,
    days: int,
    previous: pd.DataFrame | None = None,
    *,
    only: Iterable[str] | None = None,
    pay: PayRules | None = None,
    before: Mapping[tuple[str, date], float] | None = None,
    days_off: pd.DataFrame | None = None,
) -> list[Violation]:
    """Every violation of every rule (or of the rules named in `only`), sorted by agent and time.

    `previous` is the rota before the horizon (same columns); it gives the rest before the first
    shift, so continuity across two planning runs is checked too. `pay` gives the accounting
    period, the week and the yearly overtime cap (the law's when not given). `before` maps
    (agent, accounting period's first day) to the hours outside holidays worked in the period
    before the horizon (`constraints.ledger`), which art. 99's overtime counts too. `days_off`
    (agent_id, date) are work days of the cycle given off to keep within the period's norm
    (balancing days, art. 104): the cycle need not be worked on them.
    """
    names = list(RULES) if only is None else list(only)
    for name in names:
        if name not in RULES:
            raise RuleError(f"unknown rule {name!r}; known: {', '.join(RULES)}")
    facts = prepare(rota, agents, absences, rules, book, start, days, previous, pay, before, days_off)
    found = [v for name in names for v in RULES[name](facts)]
    return sorted(found, key=lambda v: (v.agent_id, str(v.when) if v.when is not None else "", v.rule, v.detail))
