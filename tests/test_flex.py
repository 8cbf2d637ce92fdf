"""The flexible-schedule checker: each hard rule once broken and once kept."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from constraints.flex import (FlexContract, ShiftType, flex_violations, night_shifts, runs, weekends,
                              with_daily_rest)

SHIFTS = (ShiftType("E", 480), ShiftType("L", 480, frozenset({"E"})), ShiftType("N", 600))
BASE = FlexContract(person="A", allowed=frozenset({"E", "L"}), max_of_type={"E": 14, "L": 14})
H = 14


def roster(*rows: tuple[str, int, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["person", "day", "shift"])


def works(days: list[int], shift: str = "E", person: str = "A") -> pd.DataFrame:
    return roster(*[(person, d, shift) for d in days])


def rules(contract: FlexContract, r: pd.DataFrame, horizon: int = H, first_weekday: int = 0) -> list[str]:
    return sorted({v.rule for v in flex_violations([contract], SHIFTS, r, horizon, first_weekday)})


def test_an_empty_roster_of_an_unbounded_contract_keeps_every_rule() -> None:
    assert rules(BASE, roster()) == []


def test_one_shift_a_day() -> None:
    assert rules(BASE, roster(("A", 3, "E"), ("A", 3, "L"))) == ["one_shift_a_day"]
    assert rules(BASE, roster(("A", 3, "E"), ("A", 4, "L"))) == []


def test_unknown_person_shift_and_day_are_named() -> None:
    assert rules(BASE, works([2], person="Z")) == ["unknown_person"]
    assert rules(BASE, works([2], shift="X")) == ["unknown_shift"]
    assert rules(BASE, works([H])) == ["outside_horizon"]
    assert rules(BASE, works([H - 1])) == []


def test_shift_not_allowed_or_capped_at_zero() -> None:
    assert rules(BASE, works([2], shift="N")) == ["shift_not_allowed"]
    no_late = replace(BASE, max_of_type={"E": 14, "L": 0})
    assert rules(no_late, works([2], shift="L")) == ["shift_not_allowed"]
    assert rules(no_late, works([2], shift="E")) == []


def test_max_of_type() -> None:
    c = replace(BASE, max_of_type={"E": 2, "L": 14})
    v = flex_violations([c], SHIFTS, works([1, 2, 3]), H)
    assert [(x.rule, x.person, x.day) for x in v] == [("max_of_type", "A", None)]
    assert rules(c, works([1, 2])) == []


def test_unavailable_day() -> None:
    c = replace(BASE, unavailable=frozenset({5}))
    v = flex_violations([c], SHIFTS, works([5]), H)
    assert [(x.rule, x.day) for x in v] == [("unavailable_day", 5)]
    assert rules(c, works([4])) == []


def test_unavailable_shift_is_about_that_day_and_shift_only() -> None:
    c = replace(BASE, unavailable_shifts=frozenset({(5, "L")}))
    v = flex_violations([c], SHIFTS, works([5], shift="L"), H)
    assert [(x.rule, x.day) for x in v] == [("unavailable_shift", 5)]
    assert rules(c, works([5], shift="E")) == []
    assert rules(c, works([6], shift="L")) == []
    assert not c.may_work_on(5, "L") and c.may_work_on(5, "E") and c.may_work_on(6, "L")


def test_forbidden_succession_is_about_the_next_day_only() -> None:
    v = flex_violations([BASE], SHIFTS, roster(("A", 3, "L"), ("A", 4, "E")), H)
    assert [(x.rule, x.day) for x in v] == [("forbidden_succession", 4)]
    assert rules(BASE, roster(("A", 3, "E"), ("A", 4, "L"))) == []
    assert rules(BASE, roster(("A", 3, "L"), ("A", 5, "E"))) == []


def test_max_and_min_minutes() -> None:
    c = replace(BASE, min_minutes=960, max_minutes=1440)
    assert rules(c, works([1, 2, 3, 4])) == ["max_minutes"]
    assert rules(c, works([1])) == ["min_minutes"]
    assert rules(c, works([1, 2, 3])) == []


def test_max_consecutive_work_counts_runs_at_the_edges_too() -> None:
    c = replace(BASE, max_consecutive_work=3)
    v = flex_violations([c], SHIFTS, works([0, 1, 2, 3]), H)
    assert [(x.rule, x.day) for x in v] == [("max_consecutive_work", 0)]
    assert rules(c, works([0, 1, 2, 4, 5, 6])) == []


def test_min_consecutive_work_with_the_boundary_exemption() -> None:
    c = replace(BASE, min_consecutive_work=2)
    v = flex_violations([c], SHIFTS, works([5]), H)
    assert [(x.rule, x.day) for x in v] == [("min_consecutive_work", 5)]
    assert rules(c, works([5, 6])) == []
    assert rules(c, works([0])) == []          # touches the first day: may continue before it
    assert rules(c, works([H - 1])) == []      # touches the last day


def test_min_consecutive_off_with_the_boundary_exemption() -> None:
    c = replace(BASE, min_consecutive_off=2)
    v = flex_violations([c], SHIFTS, works([3, 5]), H)
    assert [(x.rule, x.day) for x in v] == [("min_consecutive_off", 4)]
    assert rules(c, works([3, 6])) == []
    assert rules(c, works(list(range(1, H)))) == []         # a single day off at day 0 is exempt
    assert rules(c, works(list(range(H - 1)))) == []       # a single day off at the last day too


def test_max_weekends_counts_a_weekend_with_either_day() -> None:
    c = replace(BASE, max_weekends=1)
    v = flex_violations([c], SHIFTS, works([5, 13]), H)      # Saturday of week 1, Sunday of week 2
    assert [(x.rule, x.day) for x in v] == [("max_weekends", None)]
    assert rules(c, works([5, 6])) == []                      # both days of one weekend is one


def test_weekends_follow_the_first_weekday() -> None:
    assert weekends(14, 0) == [(5, 6), (12, 13)]
    assert weekends(7, 6) == [(0,), (6,)]      # starts on a Sunday: a lone Sunday, then a Saturday
    assert rules(replace(BASE, max_weekends=0), works([0]), first_weekday=6) == ["max_weekends"]
    assert rules(replace(BASE, max_weekends=0), works([0]), first_weekday=0) == []


def test_runs() -> None:
    flags = [True, True, False, True, False, False]
    assert runs(flags, True) == [(0, 2), (3, 1)]
    assert runs(flags, False) == [(2, 1), (4, 2)]


def test_a_roster_without_its_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="shift"):
        flex_violations([BASE], SHIFTS, pd.DataFrame({"person": ["A"], "day": [1]}), H)


# ------------------------------------------------------------------------------ rota's own rules


def timed(id_: str, start_h: float, hours: float) -> ShiftType:
    return ShiftType(id_, int(hours * 60), start_min=int(start_h * 60))


def test_daily_rest_forbids_a_next_day_shift_that_starts_too_soon_after_one_ends():
    """12 h of rest (the sample's labour.min_daily_rest_h): 16:00-24:00 then 08:00 or 10:00 leaves 8
    or 10 h (forbidden), then 12:00 exactly 12 h (kept); 14:00-22:00 then 10:00 leaves 12 h (kept); a
    20:00-08:00 night belongs to its start day, so the next day's 08:00 shift starts at once
    (forbidden) and its 20:00 night after 12 h (kept)."""
    late, early, mid, ten, night = timed("late", 16, 8), timed("early", 8, 8), timed("mid", 14, 8), \
        timed("ten", 10, 8), timed("night", 20, 12)
    noon = timed("noon", 12, 6)
    rested = {t.id: t for t in with_daily_rest([late, early, mid, ten, night, noon], 12.0)}
    assert {"early", "ten"} <= rested["late"].forbidden_next and "noon" not in rested["late"].forbidden_next
    assert "ten" not in rested["mid"].forbidden_next and "early" in rested["mid"].forbidden_next
    assert {"early", "ten", "mid", "late"} <= rested["night"].forbidden_next
    assert "night" not in rested["night"].forbidden_next
    untimed = with_daily_rest([ShiftType("D", 480)], 12.0)[0]
    assert untimed.forbidden_next == frozenset()


def test_the_checker_enforces_the_daily_rest_given_as_successions():
    shifts = {t.id: t for t in with_daily_rest([timed("late", 16, 8), timed("early", 8, 8)], 12.0)}
    contract = FlexContract("A", allowed=frozenset(shifts))
    short = pd.DataFrame({"person": ["A", "A"], "day": [0, 1], "shift": ["late", "early"]})
    rested = pd.DataFrame({"person": ["A", "A"], "day": [0, 1], "shift": ["early", "late"]})
    assert [v.rule for v in flex_violations([contract], shifts.values(), short, 7, 0)] == ["forbidden_succession"]
    assert flex_violations([contract], shifts.values(), rested, 7, 0) == []


def test_night_shifts_are_those_with_any_hour_between_22_and_6():
    """Art. 96's night: 20:00-08:00 has 8 night hours, 18:00-24:00 two, 06:00-14:00 none,
    05:00-09:00 one."""
    types = [timed("n", 20, 12), timed("eve", 18, 6), timed("day", 6, 8), timed("dawn", 5, 4), ShiftType("x", 480)]
    assert night_shifts(types) == frozenset({"n", "eve", "dawn"})
