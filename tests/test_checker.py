"""The rule checker: for every rule a hand-made rota that breaks it and one that keeps it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, datetime

import pandas as pd
import pytest

from constraints.checker import RULES, Violation, check_rota, night_hours
from common.errors import RuleError
from constraints.labour import LabourRules
from constraints.patterns import DEFAULT_BOOK

MONDAY = date(2026, 11, 16)
BREAK = {"day": 1.0, "night": 1.0, "office": 1.0}
COLUMNS = ["agent_id", "date", "start", "end", "paid_hours", "night_hours", "holiday_hours", "pattern", "shift"]


def hand_night(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole-hour shifts: the hours beginning at 22:00 ... 05:00 are night hours."""
    return sum((start + pd.Timedelta(hours=k)).hour in (22, 23, 0, 1, 2, 3, 4, 5)
               for k in range(int((end - start) / pd.Timedelta(hours=1))))


def shift(agent: str, start: str, hours: float = 12, template: str = "day", *, pattern: str = "2/2",
          day: str | None = None, paid: float | None = None, night: float | None = None) -> dict:
    """A shift as rota.csv states it for an agent not hired for night work: paid = on site - break,
    plus the art. 96 hour on a shift at least half at night."""
    s = pd.Timestamp(start)
    e = s + pd.Timedelta(hours=hours)
    credit = 1 if 0 < hours <= 2 * hand_night(s, e) else 0
    return {"agent_id": agent, "date": pd.Timestamp(day).date() if day else s.date(), "start": s, "end": e,
            "paid_hours": hours - BREAK.get(template, 0) + credit if paid is None else paid,
            "night_hours": hand_night(s, e) if night is None else night, "holiday_hours": 0.0,
            "pattern": pattern, "shift": template}


def rota(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def agents(*rows: tuple) -> pd.DataFrame:
    """(agent_id, pattern[, night_ok[, cycle_start]])"""
    full = [r + (True, None)[len(r) - 2:] for r in rows]
    return pd.DataFrame(full, columns=["agent_id", "pattern", "night_ok", "cycle_start"])


def absences(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([(a, pd.Timestamp(s), pd.Timestamp(e), "vacation") for a, s, e in rows],
                        columns=["agent_id", "start", "end", "kind"])


def run(rule: str, r: pd.DataFrame, ag: pd.DataFrame | None = None, ab: pd.DataFrame | None = None,
        rules: LabourRules | None = None, start: date = MONDAY, days: int = 14,
        previous: pd.DataFrame | None = None) -> list[Violation]:
    if ag is None:
        ag = agents(*{(a, p) for a, p in zip(r["agent_id"], r["pattern"])})
    return check_rota(r, ag, ab if ab is not None else absences(), rules or LabourRules(), DEFAULT_BOOK,
                      start, days, previous, only=[rule])


def days_of(agent: str, days: list[int], hour: int = 8, hours: float = 12, template: str = "day",
            pattern: str = "2/2") -> list[dict]:
    """Shifts on November `days` of 2026 starting at `hour`."""
    return [shift(agent, f"2026-11-{d:02d} {hour:02d}:00", hours, template, pattern=pattern) for d in days]


# ----------------------------------------------------------------------------- pairs of shifts


def test_overlap() -> None:
    bad = rota(shift("A", "2026-11-16 08:00"), shift("A", "2026-11-16 19:00", template="night"))
    found = run("overlap", bad)
    assert [(v.rule, v.agent_id, v.when) for v in found] == [("overlap", "A", datetime(2026, 11, 16, 19))]
    assert run("overlap", rota(*days_of("A", [16, 17]))) == []


def test_back_to_back_is_not_also_a_daily_rest_breach() -> None:
    bad = rota(shift("A", "2026-11-16 08:00"), shift("A", "2026-11-16 20:00", template="night"))
    assert [v.when for v in run("back_to_back", bad)] == [datetime(2026, 11, 16, 20)]
    assert run("daily_rest", bad) == []
    assert run("back_to_back", rota(*days_of("A", [16, 17]))) == []


def test_two_shifts_in_a_row_are_caught_whatever_the_gap() -> None:
    """Issue #13, art. 103: 08:00-20:00 then 20:01-08:01 is two shifts in a row, not a minute of
    rest; so is any rest shorter than the shift before it. A rest as long as the shift is not."""
    one_minute = rota(shift("A", "2026-11-16 08:00"), shift("A", "2026-11-16 20:01", template="night"))
    found = run("back_to_back", one_minute)
    assert [v.when for v in found] == [datetime(2026, 11, 16, 20, 1)] and "art. 103" in found[0].detail
    eleven = rota(shift("A", "2026-11-16 08:00"), shift("A", "2026-11-17 07:00"))          # 11 h after 12 h
    assert [v.rule for v in check_rota(eleven, agents(("A", "2/2")), absences(), LabourRules(), DEFAULT_BOOK,
                                       MONDAY, 14, only=["back_to_back", "daily_rest"])] == ["back_to_back"]
    office = rota(shift("O", "2026-11-16 09:00", 9, "office", pattern="5/2"),
                  shift("O", "2026-11-17 06:00", 9, "office", pattern="5/2"))               # 12 h after 9 h
    assert run("back_to_back", office) == []


def test_daily_rest() -> None:
    ok = rota(*days_of("A", [16, 17]))                                             # exactly 12 h
    assert run("daily_rest", ok) == []
    found = run("daily_rest", ok, rules=LabourRules(min_daily_rest_h=13))
    assert len(found) == 1 and "12 h" in found[0].detail and found[0].when == datetime(2026, 11, 17, 8)


def test_daily_rest_across_the_previous_rota() -> None:
    previous = rota(shift("A", "2026-11-15 08:00"))
    r = rota(shift("A", "2026-11-16 07:00"))
    assert run("back_to_back", r) == []
    assert [v.when for v in run("back_to_back", r, previous=previous)] == [datetime(2026, 11, 16, 7)]
    strict = LabourRules(min_daily_rest_h=14)
    late = rota(shift("A", "2026-11-16 09:00"))                                    # 13 h after the previous
    assert [v.when for v in run("daily_rest", late, rules=strict, previous=previous)] == [datetime(2026, 11, 16, 9)]
    # the previous rota's own rows inside the new horizon are superseded, repeats are not doubled
    again = rota(shift("A", "2026-11-15 20:00", template="night"), shift("A", "2026-11-17 20:00", template="night"))
    assert run("overlap", again, previous=rota(shift("A", "2026-11-15 20:00", template="night"),
                                               shift("A", "2026-11-16 08:00"))) == []


# ----------------------------------------------------------------------------- weekly rest


def test_a_week_without_rest() -> None:
    # every day of the week 16..22 at 08:00: only 12 h rests, then rest open-ended after Sunday
    found = run("weekly_rest", rota(*days_of("A", list(range(16, 23)))))
    assert [(v.agent_id, v.when) for v in found] == [("A", date(2026, 11, 16))]


def test_41_hours_is_not_enough_42_is() -> None:
    def week(rest_end: str) -> pd.DataFrame:
        return rota(*days_of("A", [16, 17, 18]), shift("A", rest_end),   # rest from Wed 20:00
                    *[shift("A", f"2026-11-{d} 14:00") for d in (21, 22)])
    found = run("weekly_rest", week("2026-11-20 13:00"), days=7)     # Wed 20:00 -> Fri 13:00 = 41 h
    assert [v.when for v in found] == [date(2026, 11, 16)]
    assert run("weekly_rest", week("2026-11-20 14:00"), days=7) == []


def test_at_least_half_of_the_rest_inside_the_week() -> None:
    # shifts at 16:00 Mon..Sat, then rest from Sun 04:00 until Tue 16:00 (60 h, 20 h in week 1)
    late = rota(*days_of("A", list(range(16, 22)), hour=16), shift("A", "2026-11-24 16:00"))
    assert [v.when for v in run("weekly_rest", late)] == [date(2026, 11, 16)]
    # an hour earlier every day: rest from Sun 03:00, 21 h of it in week 1
    early = rota(*days_of("A", list(range(16, 22)), hour=15), shift("A", "2026-11-24 16:00"))
    assert run("weekly_rest", early) == []


def test_every_seven_days_not_only_calendar_weeks() -> None:
    # Mon 16 and Tue 17 off, then ten days of work (Wed 18 .. Fri 27), then Sat and Sun off:
    # each calendar week has its 42 h, but no 7 days from Wed 18 to Sat 21 do
    r = rota(*days_of("A", list(range(18, 28))))
    found = run("weekly_rest", r, days=14)
    assert [(v.agent_id, v.when) for v in found] == [("A", date(2026, 11, 18))]
    assert "and the 3 windows after it" in found[0].detail
    # nine days (to Thu 26): the windows from Wed 18, Thu 19 and Fri 20 lack it
    nine = run("weekly_rest", rota(*days_of("A", list(range(18, 27)))), days=14)
    assert [v.when for v in nine] == [date(2026, 11, 18)] and "the 2 windows after it" in nine[0].detail
    # six days (to Mon 23): the rest from Mon 20:00 has 28 h inside the window from Wed 18
    assert run("weekly_rest", rota(*days_of("A", list(range(18, 24)))), days=14) == []


def test_office_weeks_pass_with_any_two_days_off() -> None:
    sat_sun = [d for d in range(16, 30) if date(2026, 11, d).weekday() < 5]
    assert run("weekly_rest", rota(*days_of("O", sat_sun, 9, 9, "office", "5/2"))) == []
    # Sunday and Monday off: 63 h of rest, 30 h in one week and 33 h in the next
    sun_mon = [d for d in range(16, 30) if date(2026, 11, d).weekday() not in (6, 0)]
    assert run("weekly_rest", rota(*days_of("O", sun_mon, 9, 9, "office", "5/2"))) == []


def test_rest_before_the_horizon_is_open_ended_unless_a_previous_rota_says() -> None:
    wednesday = date(2026, 11, 18)
    r = rota(*days_of("A", list(range(18, 23))))                 # Wed..Sun at 08:00
    assert run("weekly_rest", r, start=wednesday, days=5) == []
    previous = rota(*days_of("A", [16, 17]))                     # Mon, Tue worked too
    found = run("weekly_rest", r, start=wednesday, days=5, previous=previous)
    assert [v.when for v in found] == [date(2026, 11, 16)]


# ----------------------------------------------------------------------------- single shifts


def test_shift_length() -> None:
    assert run("shift_length", rota(shift("A", "2026-11-16 08:00", 12))) == []
    too_long = rota(shift("A", "2026-11-16 08:00", 13))
    assert len(run("shift_length", too_long)) == 1
    assert run("shift_length", too_long, rules=LabourRules(max_shift_h=14, min_daily_rest_h=14)) == []
    backwards = rota(shift("A", "2026-11-16 08:00", -2))
    assert "not after it starts" in run("shift_length", backwards)[0].detail


def test_shift_day() -> None:
    assert run("shift_day", rota(shift("A", "2026-11-16 20:00", template="night"))) == []
    wrong = rota(shift("A", "2026-11-16 20:00", template="night", day="2026-11-17"))
    assert [v.rule for v in run("shift_day", wrong)] == ["shift_day"]


def test_absence() -> None:
    ab = absences(("A", "2026-11-17", "2026-11-18"))
    found = run("absence", rota(*days_of("A", [18])), ab=ab)
    assert [(v.agent_id, v.when) for v in found] == [("A", date(2026, 11, 18))]
    assert run("absence", rota(*days_of("A", [19])), ab=ab) == []
    assert run("absence", rota(*days_of("B", [18])), ab=ab) == []
    # a night begun the evening before the absence belongs to that day, but it keeps the agent at
    # work until 08:00 on the first day of leave: that breaks the absence
    found = run("absence", rota(shift("A", "2026-11-16 20:00", template="night")), ab=ab)
    assert [(v.agent_id, v.when) for v in found] == [("A", date(2026, 11, 16))]
    assert "runs into an absence 2026-11-17..2026-11-18" in found[0].detail
    # a day shift the day before, or a night begun on the day after the absence, is fine
    assert run("absence", rota(shift("A", "2026-11-16 08:00")), ab=ab) == []
    assert run("absence", rota(shift("A", "2026-11-19 20:00", template="night")), ab=ab) == []
    # a night ending exactly at midnight does not reach the absence
    assert run("absence", rota(shift("A", "2026-11-16 14:00", 10)), ab=ab) == []


def test_night_ok() -> None:
    no_nights = agents(("N", "2/2", False))
    assert run("night_ok", rota(shift("N", "2026-11-16 10:00")), ag=no_nights) == []       # ends 22:00
    found = run("night_ok", rota(shift("N", "2026-11-16 11:00")), ag=no_nights)            # 22:00-23:00
    assert len(found) == 1 and "1 night hours" in found[0].detail
    night = rota(shift("Y", "2026-11-16 20:00", template="night"))
    assert run("night_ok", night, ag=agents(("Y", "2/2", True))) == []
    assert len(run("night_ok", night, ag=agents(("Y", "2/2", "false")))) == 1


def test_consecutive_nights() -> None:
    three = rota(*days_of("A", [16, 17, 18], hour=20, template="night", pattern="3/3"))
    assert run("consecutive_nights", three) == []                                        # no limit set
    found = run("consecutive_nights", three, rules=LabourRules(max_consecutive_nights=2))
    assert [v.when for v in found] == [date(2026, 11, 18)]
    assert run("consecutive_nights", three, rules=LabourRules(max_consecutive_nights=3)) == []
    gap = rota(*days_of("A", [16, 17, 19], hour=20, template="night", pattern="3/3"))
    assert run("consecutive_nights", gap, rules=LabourRules(max_consecutive_nights=2)) == []


def test_unknown_agent() -> None:
    r = rota(*days_of("Z", [16, 17]))
    found = run("unknown_agent", r, ag=agents(("A", "2/2")))
    assert [(v.rule, v.agent_id) for v in found] == [("unknown_agent", "Z")]
    assert run("unknown_agent", r, ag=agents(("Z", "2/2"))) == []


# ----------------------------------------------------------------------------- pattern


def test_pattern_fits_some_phase() -> None:
    # 2/2 over 16..23: 16, 17 on, 18, 19 off, 20, 21 on, 22, 23 off
    assert run("pattern", rota(*days_of("A", [16, 17, 20, 21])), days=8) == []
    assert run("pattern", rota(*days_of("A", [15], 20, template="night"),
                               *days_of("A", [18, 19, 22, 23], 20, template="night")), days=8) == []
    three_in_a_row = rota(*days_of("A", [16, 17, 18, 21, 22]))
    found = run("pattern", three_in_a_row, days=8)
    assert len(found) == 1 and "fit no phase of 2/2" in found[0].detail


def test_pattern_allows_absence_days_as_off_and_nothing_else() -> None:
    worked = rota(*days_of("A", [16, 20, 21]))                      # the 17th was a work day
    assert len(run("pattern", worked, days=8)) == 1
    assert run("pattern", worked, ab=absences(("A", "2026-11-17", "2026-11-17")), days=8) == []


def test_pattern_leaves_out_the_night_on_the_eve_of_an_absence_and_nothing_else() -> None:
    """2/2 nights on 16, 17, 20, 21; absent from the 21st: the night of the 20th would run into
    the absence, so it may be missing. A day shift on the eve of an absence must still be worked."""
    ab = absences(("A", "2026-11-21", "2026-11-23"))
    nights = rota(*days_of("A", [16, 17], 20, template="night"))
    assert run("pattern", nights, ab=ab, days=8) == []
    days = rota(*days_of("A", [16, 17]))
    found = run("pattern", days, ab=ab, days=8)
    assert len(found) == 1 and "does not work a work day" in found[0].detail and found[0].when == date(2026, 11, 20)


def test_pattern_phase_fixed_by_cycle_start() -> None:
    worked = rota(*days_of("A", [16, 17, 20, 21]))
    assert run("pattern", worked, ag=agents(("A", "2/2", True, "2026-11-12")), days=8) == []
    found = run("pattern", worked, ag=agents(("A", "2/2", True, "2026-11-21")), days=8)
    assert len(found) == 1 and "cycle_start 2026-11-21" in found[0].detail


def test_pattern_templates_follow_a_variant() -> None:
    day_night = rota(shift("A", "2026-11-16 08:00"), shift("A", "2026-11-17 20:00", template="night"),
                     shift("A", "2026-11-20 08:00"), shift("A", "2026-11-21 20:00", template="night"))
    assert run("pattern", day_night, days=8) == []
    night_day = rota(shift("A", "2026-11-16 20:00", template="night"), shift("A", "2026-11-17 08:00"),
                     shift("A", "2026-11-20 20:00", template="night"), shift("A", "2026-11-21 08:00"))
    assert len(run("pattern", night_day, days=8)) == 1


def test_pattern_of_the_office_week_and_the_agent_record() -> None:
    five = [16, 17, 18, 19, 20]
    assert run("pattern", rota(*days_of("O", five, 9, 9, "office", "5/2")), days=7) == []
    assert len(run("pattern", rota(*days_of("O", five + [21], 9, 9, "office", "5/2")), days=7)) == 1
    wrong_label = rota(*days_of("O", five, 9, 9, "office", "5/2"))
    found = run("pattern", wrong_label, ag=agents(("O", "5/2")).assign(pattern="3/3"), days=7)
    assert any("the rota gives pattern '5/2'" in v.detail for v in found)
    unknown = run("pattern", wrong_label, ag=agents(("O", "6/1")), days=7)
    assert any("unknown pattern '6/1'" in v.detail for v in unknown)


# ----------------------------------------------------------------------------- hours


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-11-16 20:00", 12, 8),     # art. 96: a 20:00-08:00 shift has 8 night hours
        ("2026-11-16 19:00", 12, 8),
        ("2026-11-16 21:00", 12, 8),
        ("2026-11-16 22:00", 8, 8),
        ("2026-11-16 08:00", 12, 0),
        ("2026-11-16 10:00", 12, 0),
        ("2026-11-16 18:00", 5, 1),
        ("2026-11-16 03:00", 2, 2),
        ("2026-12-31 20:00", 12, 8),
        ("2026-11-16 20:00", 36, 16),
    ],
)
def test_night_hours_recomputed(start: str, hours: float, expected: float) -> None:
    s = pd.Series([pd.Timestamp(start)])
    assert night_hours(s, s + pd.Timedelta(hours=hours), LabourRules())[0] == expected


def test_night_hours_follow_a_wider_window() -> None:
    s = pd.Series([pd.Timestamp("2026-11-16 20:00")])
    wide = LabourRules(night_start="21:00", night_end="07:00")
    assert night_hours(s, s + pd.Timedelta(hours=12), wide)[0] == 10


def test_hours_consistency() -> None:
    assert run("hours_consistency", rota(shift("A", "2026-11-16 20:00", template="night"))) == []
    twelve_paid = rota(shift("A", "2026-11-16 08:00", paid=12))
    assert "11 h" in run("hours_consistency", twelve_paid)[0].detail
    seven_nights = rota(shift("A", "2026-11-16 20:00", template="night", night=7))
    assert "8 h" in run("hours_consistency", seven_nights)[0].detail
    unknown = rota(shift("A", "2026-11-16 08:00", template="evening"))
    assert "not defined" in run("hours_consistency", unknown)[0].detail
    # a shift wholly at night: 8 h in the window but only 7 paid, so 7 night hours are paid
    assert DEFAULT_BOOK.templates["night"].break_h == 1
    whole_night = rota(shift("A", "2026-11-16 22:00", 8, template="night", night=7))
    assert run("hours_consistency", whole_night) == []
    assert len(run("hours_consistency", rota(shift("A", "2026-11-16 22:00", 8, template="night", night=8)))) == 1
    missing = rota(shift("A", "2026-11-16 08:00")).assign(paid_hours=None)
    assert len(run("hours_consistency", missing)) == 1


def test_hours_consistency_counts_the_art_96_hour_and_the_calendar_day() -> None:
    """A night shift of an agent not hired for night work is paid one hour more (art. 96); one
    hired for nights is not. Holiday hours are the shift's hours on the holiday's calendar day:
    31 Dec 19:00 - 1 Jan 07:00 has 7 (6 worked + the art. 96 hour) or 6 of them."""
    night = shift("H", "2026-11-16 20:00", template="night", paid=11)
    hired = agents(("H", "2/2")).assign(hired_for_nights="да")
    assert run("hours_consistency", rota(night), ag=hired) == []
    found = run("hours_consistency", rota(night), ag=agents(("H", "2/2")))
    assert len(found) == 1 and "12 h" in found[0].detail
    new_year = shift("A", "2026-12-31 19:00", template="night")
    assert new_year["paid_hours"] == 12
    assert "7 h" in run("hours_consistency", rota(new_year), start=date(2026, 12, 28))[0].detail   # stated 0
    assert run("hours_consistency", rota({**new_year, "holiday_hours": 7}), start=date(2026, 12, 28)) == []
    assert run("hours_consistency", rota({**new_year, "paid_hours": 11, "holiday_hours": 6}), start=date(2026, 12, 28),
               ag=agents(("A", "2/2")).assign(hired_for_nights=True)) == []


@pytest.mark.parametrize("word", ["нет", "ложь", "n", "", "maybe", None])
def test_night_ok_is_read_as_the_loader_reads_it_and_never_fails_open(word) -> None:
    """Issue #13: the checker took only false/0/no as "no nights". It now reads the loader's words
    (нет and ложь are no), and anything else, "n" and an empty cell included, is an error."""
    night = rota(shift("N", "2026-11-16 20:00", template="night"))
    ag = agents(("N", "2/2", word))
    if word in ("нет", "ложь"):
        assert [v.rule for v in run("night_ok", night, ag=ag)] == ["night_ok"]
    else:
        with pytest.raises(RuleError, match="night_ok"):
            run("night_ok", night, ag=ag)


def test_hired_for_nights_and_overtime_ytd_must_be_readable() -> None:
    r = rota(shift("N", "2026-11-16 20:00", template="night"))
    with pytest.raises(RuleError, match="hired_for_nights"):
        run("hours_consistency", r, ag=agents(("N", "2/2")).assign(hired_for_nights="sometimes"))
    with pytest.raises(RuleError, match="overtime_ytd_h"):
        run("overtime_year", r, ag=agents(("N", "2/2")).assign(overtime_ytd_h="-3"))


# ----------------------------------------------------------------------------- overtime (art. 99)


FEBRUARY_2027 = date(2027, 2, 1)     # a Monday: four weeks are the whole month, its norm 151 h


def february(agent: str, days: list[int], hour: int = 8, template: str = "day") -> list[dict]:
    return [shift(agent, f"2027-02-{d:02d} {hour:02d}:00", template=template) for d in days]


def test_overtime_above_four_hours_in_two_days_is_caught() -> None:
    """Art. 99: at most 4 h of overtime in two consecutive days. February 2027's norm is 151 h and
    its overtime is spread over the hours worked (constraints.overtime). 14 day shifts of 11 h
    make 154 h: 3 h over, 0.2 h a day. 16 shifts (176 h, 25 h over): two days in a row hold
    22 x 25/176 = 3.1 h, lawful; 17 shifts (187 h, 36 h over): 22 x 36/187 = 4.2 h, too much."""
    two_two = [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22, 25, 26]
    assert run("overtime_two_days", rota(*february("A", two_two)), start=FEBRUARY_2027, days=28) == []
    assert run("overtime_two_days", rota(*february("A", two_two + [3, 7])), start=FEBRUARY_2027, days=28) == []
    found = run("overtime_two_days", rota(*february("A", two_two + [3, 7, 11])), start=FEBRUARY_2027, days=28)
    # once for each run of days worked in a row: 1-3, 5-7, 9-11 and the pairs from 13 on
    assert [(v.agent_id, v.when.day) for v in found] == [("A", d) for d in (1, 5, 9, 13, 17, 21, 25)]
    assert "4.23529 h of overtime in two consecutive days" in found[0].detail and "4 h" in found[0].detail
    # a week of a month only: its hours are far from the month's whole norm, nothing is certain
    assert run("overtime_two_days", rota(*february("A", [1, 2, 3, 4, 5])), start=FEBRUARY_2027, days=7) == []


def test_the_years_overtime_counts_what_was_worked_before_the_rota() -> None:
    """Art. 99: at most 120 h a year. February's 3 h on top of overtime_ytd_h 117 is 120, lawful;
    on top of 118 it is 121."""
    r = rota(*february("A", [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22, 25, 26]))
    assert run("overtime_year", r, ag=agents(("A", "2/2")).assign(overtime_ytd_h=117), start=FEBRUARY_2027,
               days=28) == []
    found = run("overtime_year", r, ag=agents(("A", "2/2")).assign(overtime_ytd_h="118"), start=FEBRUARY_2027,
                days=28)
    assert len(found) == 1 and "121 h" in found[0].detail and "overtime_ytd_h" in found[0].detail


def test_the_hours_worked_before_the_rota_in_its_period_count_towards_art_99() -> None:
    """The last week of February 2027 (151 h) after 140 h worked from 1 to 21 February: the
    week's four 11-h days make 184 h, 33 h over. Spread over the period's hours, the two days in a
    row hold 22 x 33/184 = 3.9 h, lawful; with 150 h before, 22 x 43/194 = 4.9 h, too much. The
    year counts the whole period's 33 h: on top of overtime_ytd_h 90 that is 123 h, above 120.
    Without the hours before, the week alone is far from the month's norm."""
    week = rota(*february("A", [24, 25, 27, 28]))              # not the 23rd, an art. 112 holiday
    ag = agents(("A", "2/2")).assign(overtime_ytd_h=90)
    feb = date(2027, 2, 1)

    def check(rule: str, hours: float) -> list[Violation]:
        return check_rota(week, ag, absences(), LabourRules(), DEFAULT_BOOK, date(2027, 2, 22), 7,
                          only=[rule], before={("A", feb): hours})

    assert check("overtime_two_days", 140.0) == [] and check("overtime_two_days", 0.0) == []
    found = check("overtime_two_days", 150.0)
    assert found and "4.87629 h of overtime in two consecutive days" in found[0].detail
    year = check("overtime_year", 140.0)
    assert len(year) == 1 and "90 h" in year[0].detail and "33 h" in year[0].detail and "123 h" in year[0].detail
    assert check("overtime_year", 120.0) == []                   # 13 h over: 103 h in the year


# ----------------------------------------------------------------------------- the whole check


def test_a_clean_fortnight_breaks_no_rule() -> None:
    r = rota(*days_of("A", [16, 17, 20, 21, 24, 25, 28, 29]),
             *days_of("O", [d for d in range(16, 30) if date(2026, 11, d).weekday() < 5], 9, 9, "office", "5/2"),
             *days_of("N", [15, 16, 17, 21, 22, 23, 27, 28, 29], 20, template="night", pattern="3/3"))
    ag = agents(("A", "2/2", False), ("O", "5/2", False), ("N", "3/3", True, "2026-11-09"))
    assert check_rota(r, ag, absences(), LabourRules(), DEFAULT_BOOK, MONDAY, 14) == []


def test_csv_text_gives_the_same_answer(tmp_path) -> None:
    r = rota(*days_of("A", list(range(16, 23))))
    path = tmp_path / "rota.csv"
    r.to_csv(path, index=False)
    text = pd.read_csv(path, dtype=str)
    ag = agents(("A", "2/2"))
    a = check_rota(r, ag, absences(), LabourRules(), DEFAULT_BOOK, MONDAY, 14)
    b = check_rota(text, ag.astype(str), absences(), LabourRules(), DEFAULT_BOOK, "2026-11-16", 14)
    assert a == b and {v.rule for v in a} == {"weekly_rest", "pattern"}


def test_violations_are_sorted_frozen_and_rules_named() -> None:
    r = rota(shift("B", "2026-11-16 08:00", 13), shift("A", "2026-11-16 08:00", 13))
    found = check_rota(r, agents(("A", "2/2"), ("B", "2/2")), absences(), LabourRules(), DEFAULT_BOOK,
                       MONDAY, 1, only=["shift_length"])
    assert [v.agent_id for v in found] == ["A", "B"]
    with pytest.raises(FrozenInstanceError):
        found[0].rule = "x"  # type: ignore[misc]
    with pytest.raises(RuleError, match="unknown rule"):
        check_rota(r, agents(), absences(), LabourRules(), DEFAULT_BOOK, MONDAY, 1, only=["nap"])
    with pytest.raises(RuleError, match="'night_hours'"):
        check_rota(r.drop(columns="night_hours"), agents(), absences(), LabourRules(), DEFAULT_BOOK, MONDAY, 1)
    assert {"overlap", "back_to_back", "daily_rest", "weekly_rest", "shift_length", "absence", "night_ok",
            "pattern", "unknown_agent", "hours_consistency", "overtime_two_days", "overtime_year"} <= set(RULES)
