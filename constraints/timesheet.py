"""The T-13 timesheet: one code and the hours of every agent on every calendar day.

The codes of the unified form T-13 that rota uses, defined here once:

    Я   day work (hours worked outside the night window)      В   day off
    Н   night work (the night hours of the day)               ОТ  annual leave
    РВ  work on an art. 112 non-working holiday               Б   sick leave
    С   overtime (in the totals: summed accounting finds      ПК  training off the job
        it at the end of the period, not on a day)            ДО  unpaid leave

An absence given without a kind (or as `other`) gets the neutral mark `?`, not T-13's `НН`
("absent for unknown reasons", which reads as truancy): HR decides its code.

A day's hours are the hours of the shifts' parts on that day (`constraints.hours`): a night
shift is split at midnight, so 31 Dec 19:00 - 1 Jan 07:00 is `Я/Н` 5 h on 31 December and
`РВ/Н` 7 h on 1 January. A holiday inside annual leave is no leave day (art. 120): it is coded
`В` and not counted among the leave days.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from constraints.calendar import RU_CALENDAR, ProductionCalendar
from constraints.hours import day_parts
from constraints.night import NightWindow

DAY_WORK, NIGHT_WORK, HOLIDAY_WORK, OVERTIME, DAY_OFF = "Я", "Н", "РВ", "С", "В"
#: Absence kind of the absences file -> T-13 code (the kinds the loader accepts).
ABSENCE_CODES: dict[str, str] = {"vacation": "ОТ", "sick": "Б", "training": "ПК", "unpaid": "ДО", "other": "?"}
ABSENCE_KINDS: tuple[str, ...] = tuple(ABSENCE_CODES)
UNSPECIFIED_KIND = "other"
ANNUAL_LEAVE = "vacation"           # art. 120: its holidays are days off, not leave days
TIMESHEET_COLUMNS = ("agent_id", "date", "code", "hours", "night_hours")


def work_code(hours: float, night: float, holiday: bool) -> str:
    """T-13 code of a day with hours: `РВ` on a holiday, else `Я` for hours outside the night,
    with `/Н` when some of them are night hours (`Я/Н`, `РВ/Н`; `Н` alone for night hours only)."""
    first = HOLIDAY_WORK if holiday else (DAY_WORK if hours - night > 1e-9 else None)
    parts = [p for p in (first, NIGHT_WORK if night > 1e-9 else None) if p]
    return "/".join(parts) or DAY_WORK


def absence_kinds(absences: pd.DataFrame, first: date, last: date) -> dict[tuple[str, date], str]:
    """(agent, day) -> absence kind for the days of [first, last] (the first listed wins); a kind
    that is missing or unknown is `other`."""
    out: dict[tuple[str, date], str] = {}
    if absences is None or absences.empty:
        return out
    kinds = absences["kind"] if "kind" in absences else pd.Series(UNSPECIFIED_KIND, index=absences.index)
    for a, st, en, kind in zip(absences["agent_id"], absences["start"], absences["end"], kinds):
        lo, hi = max(pd.Timestamp(st).date(), first), min(pd.Timestamp(en).date(), last)
        kind = kind if kind in ABSENCE_CODES else UNSPECIFIED_KIND
        for k in range((hi - lo).days + 1):
            out.setdefault((str(a), lo + timedelta(days=k)), kind)
    return out


def _hours_by_day(shifts: pd.DataFrame, night: NightWindow, calendar: ProductionCalendar) -> pd.DataFrame:
    """(agent_id, date) -> hours and night hours of the shifts (agent_id, start, end, break_h,
    credit_h) on each calendar day they touch."""
    parts = day_parts(shifts["start"], shifts["end"], shifts["break_h"], shifts["credit_h"], night, calendar)
    parts["agent_id"] = shifts["agent_id"].astype(str).to_numpy()[parts["shift"].to_numpy()]
    parts["date"] = pd.to_datetime(parts["date"]).dt.date
    return parts.groupby(["agent_id", "date"])[["hours", "night_h"]].sum()


def timesheet_days(shifts: pd.DataFrame, absences: pd.DataFrame, agent_ids: list[str], start: date, days: int,
                   night: NightWindow, calendar: ProductionCalendar = RU_CALENDAR) -> pd.DataFrame:
    """One row per agent and calendar day of [start, start + days): agent_id, date, code, hours,
    night_hours, and for the reports holiday (an art. 112 day), kind (day, night, off or the
    absence kind) and absent (an absence day: counted among days absent).

    `shifts` are every shift on site during those days (agent_id, start, end, break_h, credit_h),
    the night begun the evening before included; only their hours on those days count. A day
    with hours is a work day even inside an absence (the hours were worked); a holiday inside
    annual leave is a day off (art. 120).
    """
    dates = [start + timedelta(days=k) for k in range(days)]
    grid = pd.MultiIndex.from_product([[str(a) for a in agent_ids], dates], names=["agent_id", "date"])
    if len(shifts):
        worked = _hours_by_day(shifts, night, calendar).reindex(grid, fill_value=0.0)
    else:
        worked = pd.DataFrame({"hours": 0.0, "night_h": 0.0}, index=grid)
    away = absence_kinds(absences, dates[0], dates[-1])
    holiday_of = {d: calendar.is_holiday(d) for d in dates}
    hours, night_h = worked["hours"].to_numpy(float), worked["night_h"].to_numpy(float)
    kinds, codes = [], []
    for (a, d), h, n in zip(grid, hours, night_h):
        kind = away.get((a, d))
        if h > 0:
            kind, code = ("night" if n > 0 else "day"), work_code(h, n, holiday_of[d])
        elif kind is None or (kind == ANNUAL_LEAVE and holiday_of[d]):
            kind, code = "off", DAY_OFF
        else:
            code = ABSENCE_CODES[kind]
        kinds.append(kind)
        codes.append(code)
    return pd.DataFrame({
        "agent_id": grid.get_level_values(0), "date": grid.get_level_values(1), "code": codes,
        "hours": hours.round(6), "night_hours": night_h.round(6),
        "holiday": [holiday_of[d] for d in grid.get_level_values(1)], "kind": kinds,
        "absent": [k in ABSENCE_CODES for k in kinds],
    })


def leave_days(days: pd.DataFrame) -> pd.Series:
    """Annual-leave days (`ОТ`) per agent; holidays inside the leave are not among them (art. 120)."""
    return days["code"].eq(ABSENCE_CODES[ANNUAL_LEAVE]).groupby(days["agent_id"], sort=False).sum()


def worked_days(days: pd.DataFrame) -> pd.Series:
    """Days with hours per agent."""
    return days["hours"].gt(0).groupby(days["agent_id"], sort=False).sum()
