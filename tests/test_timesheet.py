"""The T-13 timesheet (constraints.timesheet): one row per agent and calendar day, codes, and the
absences' codes (art. 120 for holidays inside annual leave, a neutral mark for an unknown kind)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from constraints.night import LEGAL_NIGHT
from constraints.timesheet import (
    ABSENCE_CODES,
    ABSENCE_KINDS,
    DAY_OFF,
    TIMESHEET_COLUMNS,
    leave_days,
    timesheet_days,
    work_code,
    worked_days,
)

D = datetime


def shifts(*rows: tuple) -> pd.DataFrame:
    """(agent, start, hours[, credit]) with a 1 h break."""
    out = [{"agent_id": a, "start": pd.Timestamp(s), "end": pd.Timestamp(s) + pd.Timedelta(hours=h), "break_h": 1.0,
            "credit_h": c[0] if c else 0.0} for a, s, h, *c in rows]
    return pd.DataFrame(out, columns=["agent_id", "start", "end", "break_h", "credit_h"])


def absences(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"agent_id": a, "start": pd.Timestamp(s), "end": pd.Timestamp(e), **({"kind": k} if k else {})}
                         for a, s, e, k in rows])


def sheet(sh: pd.DataFrame, ab: pd.DataFrame, agents: list[str], first: date, days: int) -> pd.DataFrame:
    return timesheet_days(sh, ab, agents, first, days, LEGAL_NIGHT).set_index(["agent_id", "date"])


def test_the_night_into_new_year_is_split_with_rv_on_january_1_only() -> None:
    """Issue #13: 31 Dec 19:00 - 1 Jan 07:00: 5 h on 31 Dec (Я/Н, 2 at night), 7 h on 1 Jan (РВ/Н)."""
    t = sheet(shifts(("A", "2026-12-31 19:00", 12, 1.0)), absences(), ["A"], date(2026, 12, 31), 2)
    assert t.loc[("A", date(2026, 12, 31)), ["code", "hours", "night_hours"]].tolist() == ["Я/Н", 5.0, 2.0]
    assert t.loc[("A", date(2027, 1, 1)), ["code", "hours", "night_hours"]].tolist() == ["РВ/Н", 7.0, 6.0]
    assert t.loc[("A", date(2027, 1, 1)), "holiday"] and not t.loc[("A", date(2026, 12, 31)), "holiday"]


def test_only_the_horizons_days_count() -> None:
    """The night begun the evening before gives its morning; the last night its evening; every
    agent has a row for every day, with or without a shift."""
    sh = shifts(("A", "2026-11-22 20:00", 12, 1.0), ("A", "2026-11-24 20:00", 12, 1.0))
    t = timesheet_days(sh, absences(), ["A", "B"], date(2026, 11, 23), 2, LEGAL_NIGHT)
    assert list(t.columns[:5]) == list(TIMESHEET_COLUMNS)
    assert len(t) == 4 and t["hours"].tolist() == [8.0, 4.0, 0.0, 0.0]
    assert t["code"].tolist() == ["Я/Н", "Я/Н", DAY_OFF, DAY_OFF]
    assert worked_days(t).to_dict() == {"A": 2, "B": 0}


def test_holidays_inside_annual_leave_are_days_off_not_leave_days() -> None:
    """Art. 120 (issue #13): leave 30 Dec - 10 Jan has 4 leave days, Dec 30, 31, Jan 9 and 10: its
    art. 112 holidays (Jan 1-8) are days off, not leave days. Sick leave keeps its code on a holiday."""
    ab = absences(("A", "2026-12-30", "2027-01-10", "vacation"), ("B", "2026-12-31", "2027-01-02", "sick"))
    t = sheet(shifts(), ab, ["A", "B"], date(2026, 12, 28), 14)
    a = t.loc["A", "code"]
    assert a[date(2026, 12, 30)] == "ОТ" and a[date(2027, 1, 1)] == DAY_OFF and a[date(2027, 1, 8)] == DAY_OFF
    assert a[date(2027, 1, 9)] == "ОТ" and a[date(2027, 1, 10)] == "ОТ"
    assert leave_days(t.reset_index()).to_dict()["A"] == 4          # Dec 30, 31, Jan 9, 10
    assert int(t.loc["A", "absent"].sum()) == 4
    assert t.loc["B", "code"][date(2027, 1, 1)] == "Б" and int(t.loc["B", "absent"].sum()) == 3


def test_an_absence_without_a_kind_is_neutral_not_nn() -> None:
    """Issue #13: `НН` reads as truancy; an absence with no kind is marked `?` for HR to code."""
    assert ABSENCE_CODES["other"] == "?" and "НН" not in ABSENCE_CODES.values()
    assert set(ABSENCE_KINDS) == {"vacation", "sick", "training", "unpaid", "other"}
    t = sheet(shifts(), absences(("A", "2026-11-24", "2026-11-24", None)), ["A"], date(2026, 11, 23), 3)
    assert t["code"].tolist() == [DAY_OFF, "?", DAY_OFF]
    odd = sheet(shifts(), absences(("A", "2026-11-24", "2026-11-24", "moonlighting")), ["A"], date(2026, 11, 23), 3)
    assert odd["code"].tolist() == [DAY_OFF, "?", DAY_OFF]


def test_hours_worked_on_an_absence_day_are_still_work() -> None:
    t = sheet(shifts(("A", "2026-11-24 08:00", 12)), absences(("A", "2026-11-24", "2026-11-24", "sick")), ["A"],
              date(2026, 11, 24), 1)
    assert t["code"].tolist() == ["Я"] and t["hours"].tolist() == [11.0] and not t["absent"].any()


def test_work_codes() -> None:
    assert work_code(11, 0, False) == "Я" and work_code(11, 8, False) == "Я/Н" and work_code(2, 2, False) == "Н"
    assert work_code(11, 0, True) == "РВ" and work_code(7, 6, True) == "РВ/Н"
