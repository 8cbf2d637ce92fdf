"""Hours of a shift on each calendar day it touches: what the timesheet, the pay and the rule
checker all count, defined once.

A shift belongs to the day it starts (rota.csv), but its hours go on the calendar day they were
worked (T-13): a night shift 31 Dec 19:00 - 1 Jan 07:00 is split at midnight into 5 h on site on
31 December and 7 h on 1 January, and a shift across a month's end puts its hours in two months.
Each part of a shift gets:

- **worked hours**: its time on site less its share of the unpaid break. The break's place in
  the shift is not planned, so a rule places it: it is taken from the part with more hours on site
  (the later part on a tie), and only what does not fit there from the other part. The parts'
  worked hours add up to the shift's: on site less the break.
- **the art. 96 credit**: a night shift (at least half of it on site at night,
  `constraints.night.is_night_shift`) is one hour shorter by law without making it up, unless
  the agent was hired for night work or the site turns it off (`[labour] shorter_night_shifts`).
  The shift keeps its time on site and the hour is credited as worked: paid at the base rate,
  counted against the norm, filed on the same part as the break (the one with more hours), so
  with the usual 1 h break each day of such a shift shows exactly its time on site. It is no
  night hour (nobody worked it at night).
- **hours**: worked hours plus the credit; what the timesheet shows and the pay pays.
- **night hours**: the part's time on site in the night window, at most its worked hours (the
  break comes out of the day-time hours of a part first).
- **holiday**: whether the day is an art. 112 holiday; then all its hours are holiday hours.

So the 31 Dec 19:00 - 1 Jan 07:00 shift with a 1 h break gives 5 h (2 at night) on 31 December
and 7 - 1 break + 1 credited = 7 h (6 at night, all holiday hours) on 1 January; paid 12 h in
all (11 for an agent hired for night work: 5 h and 6 h).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from constraints.calendar import RU_CALENDAR, ProductionCalendar
from constraints.labour import NIGHT_SHIFT_CREDIT_H, LabourRules
from constraints.night import DAY_S, NightWindow, is_night_shift

PART_COLUMNS = ("shift", "date", "on_site_h", "worked_h", "hours", "night_h", "holiday")


def wall_seconds(ts: Any) -> np.ndarray:
    """Seconds since 1970-01-01 00:00 of the wall clock, as int64 (vectorised); aware times are
    read on their own wall clock (Russia keeps no daylight saving time)."""
    s = pd.Series(pd.to_datetime(ts))
    if s.dt.tz is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy().astype("datetime64[s]").astype(np.int64)


def night_credit_h(starts: Any, ends: Any, hired_for_nights: Any, rules: LabourRules) -> np.ndarray:
    """The art. 96 hour credited to each shift: NIGHT_SHIFT_CREDIT_H on a night shift of an agent
    not hired for night work (with `shorter_night_shifts` on), else 0."""
    a, b = wall_seconds(starts), wall_seconds(ends)
    if not rules.shorter_night_shifts or a.size == 0:
        return np.zeros(a.size)
    night = (rules.night.seconds_before(b) - rules.night.seconds_before(a)) / 3600
    exempt = np.asarray(hired_for_nights, dtype=bool)
    return np.where(is_night_shift(night, (b - a) / 3600) & ~exempt, NIGHT_SHIFT_CREDIT_H, 0.0)


def day_parts(starts: Any, ends: Any, break_h: Any, credit_h: Any, night: NightWindow,
              calendar: ProductionCalendar = RU_CALENDAR) -> pd.DataFrame:
    """One row per shift and calendar day it touches (see the module's note): `shift` (position
    of the shift in the input), `date` (datetime64, midnight), on_site_h, worked_h, hours, night_h,
    holiday. Every shift must end after it starts."""
    s, e = wall_seconds(starts), wall_seconds(ends)
    brk = np.broadcast_to(np.asarray(break_h, float), s.shape)
    credit = np.broadcast_to(np.asarray(credit_h, float), s.shape)
    if s.size == 0:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c == "date" else float) for c in PART_COLUMNS})
    first, last = s // DAY_S, (e - 1) // DAY_S
    count = last - first + 1
    shift = np.repeat(np.arange(s.size), count)
    k = np.arange(shift.size) - np.repeat(np.cumsum(count) - count, count)
    day = first[shift] + k
    a, b = np.maximum(s[shift], day * DAY_S), np.minimum(e[shift], (day + 1) * DAY_S)
    on_site = (b - a) / 3600
    order = np.lexsort((-day, -on_site, shift))                # per shift: most hours first, later first
    before = np.zeros(shift.size)
    sorted_on_site = on_site[order]
    running = np.cumsum(sorted_on_site)
    group_start = np.r_[0, np.flatnonzero(np.diff(shift[order])) + 1]
    offset = np.repeat(running[group_start] - sorted_on_site[group_start], np.diff(np.r_[group_start, shift.size]))
    before[order] = running - sorted_on_site - offset          # on-site hours ahead of the part
    taken = np.clip(brk[shift] - before, 0.0, on_site)
    worked = on_site - taken
    night_h = np.minimum((night.seconds_before(b) - night.seconds_before(a)) / 3600, worked)
    hours = worked + np.where(before == 0, credit[shift], 0.0)         # on the part the break starts in
    dates = day.astype("datetime64[D]")
    return pd.DataFrame({"shift": shift, "date": dates.astype("datetime64[s]"), "on_site_h": on_site,
                         "worked_h": worked, "hours": hours, "night_h": night_h,
                         "holiday": calendar.holiday_mask(dates)})


def shift_totals(parts: pd.DataFrame, n: int) -> pd.DataFrame:
    """paid_hours, night_hours, holiday_hours of each of `n` shifts: the sums of their parts, so a
    shift's figures and its days' figures can never disagree."""
    sums = pd.DataFrame({"paid_hours": parts["hours"], "night_hours": parts["night_h"],
                         "holiday_hours": parts["hours"].where(parts["holiday"], 0.0), "shift": parts["shift"]})
    return sums.groupby("shift").sum().reindex(range(n), fill_value=0.0).reset_index(drop=True)


def agent_credit(rota: pd.DataFrame, hired_for_nights: Mapping[str, bool], rules: LabourRules) -> np.ndarray:
    """The art. 96 credit of each row of a rota (agent_id, start, end); an agent missing from
    `hired_for_nights` was not hired for night work."""
    hired = rota["agent_id"].astype(str).map(lambda a: bool(hired_for_nights.get(a, False))).to_numpy(bool)
    return night_credit_h(rota["start"], rota["end"], hired, rules)
