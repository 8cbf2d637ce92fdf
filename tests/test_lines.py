"""Lines: counts, phase arithmetic, coverage, and the checker's proof that every line is legal."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constraints.checker import RULES, check_rota, night_hours
from common.errors import RuleError
from constraints.labour import LabourRules
from constraints.lines import (
    LINE_RULES,
    Line,
    coverage_matrix,
    generate_lines,
    phase_on,
    weekly_rest_kept,
)
from constraints.patterns import DEFAULT_BOOK, parse_pattern_book

MONDAY = date(2026, 11, 16)
NO_ABSENCES = pd.DataFrame({"agent_id": [], "start": [], "end": [], "kind": []})


#: Every rule of the checker but art. 99's overtime limits: a line knows nothing of the calendar's
#: norm (a 5/2 line through the New Year holidays works far more than January's 120 h), which
#: is the plan's and the checker's business, not the line's.
RULES_OF_A_LINE = [r for r in RULES if r not in ("overtime_two_days", "overtime_year")]


def hand_night_hours(start: datetime, end: datetime) -> int:
    """Whole-hour shifts: count the hours that begin at 22, 23, 0, ..., 5 o'clock."""
    return sum((start + timedelta(hours=k)).hour in (22, 23, 0, 1, 2, 3, 4, 5)
               for k in range(int((end - start) / timedelta(hours=1))))


def rota_of(agent_lines: dict[str, Line], absent: dict[str, set[date]] | None = None) -> pd.DataFrame:
    """rota.csv rows for agents on lines, skipping their absence days and the nights that would
    run into one (begun the evening before); holiday hours are not stated (nor checked)."""
    absent = absent or {}

    def away(a: str, s) -> bool:
        return s.day in absent.get(a, set()) or (s.end - timedelta(minutes=1)).date() in absent.get(a, set())

    rows = [
        {"agent_id": a, "date": s.day, "start": s.start, "end": s.end, "paid_hours": s.paid_h,
         "night_hours": hand_night_hours(s.start, s.end), "holiday_hours": None, "pattern": line.pattern,
         "shift": s.template}
        for a, line in agent_lines.items() for s in line.shifts if not away(a, s)
    ]
    return pd.DataFrame(rows, columns=["agent_id", "date", "start", "end", "paid_hours", "night_hours",
                                       "holiday_hours", "pattern", "shift"])


def agents_of(agent_lines: dict[str, Line], start: date, fixed: bool) -> pd.DataFrame:
    """Agents hired for night work, so a line's paid hours (on site less the break) are theirs."""
    return pd.DataFrame([
        {"agent_id": a, "pattern": line.pattern, "night_ok": True, "hired_for_nights": True,
         "cycle_start": start - timedelta(days=line.phase) if fixed else pd.NaT}
        for a, line in agent_lines.items()
    ])


@pytest.mark.parametrize(
    ("pattern", "expected", "expected_no_nights"),
    [
        # phases x (day starts + night starts + day starts * night starts)
        ("2/2", 4 * (4 + 3 + 4 * 3), 4 * 4),
        ("3/3", 6 * (4 + 3), 6 * 4),
        ("5/2", 7 * 5, 7 * 5),
    ],
)
def test_line_counts_per_pattern(pattern: str, expected: int, expected_no_nights: int) -> None:
    lines = generate_lines(DEFAULT_BOOK, pattern, MONDAY, 28)
    assert len(lines) == expected
    assert len({line.key for line in lines}) == expected
    assert len(generate_lines(DEFAULT_BOOK, pattern, MONDAY, 28, night_ok=False)) == expected_no_nights
    n = DEFAULT_BOOK.patterns[pattern].cycle_length
    assert len(generate_lines(DEFAULT_BOOK, pattern, MONDAY, 28, phase=n - 1)) == expected // n


def test_phase_arithmetic_follows_cycle_start() -> None:
    two = DEFAULT_BOOK.patterns["2/2"]
    cycle_start = date(2026, 11, 21)
    assert phase_on(two, cycle_start, cycle_start) == 0
    assert phase_on(two, cycle_start, date(2026, 11, 23)) == 2
    assert phase_on(two, cycle_start, MONDAY) == 3          # five days before: -5 mod 4
    phase = phase_on(two, cycle_start, MONDAY)
    line = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 14, phase=phase, variants=["day"])[0]
    worked = [s.day.day for s in line.shifts]
    assert worked == [17, 18, 21, 22, 25, 26, 29]            # and so 11-21, 11-22, 11-25, 11-26 ...
    assert line.phase == 3


def test_key_names_pattern_variant_phase_and_starts() -> None:
    lines = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 7, phase=1, variants=["day-night"])
    line = next(x for x in lines if x.key == "2/2 day-night p1 08:00/20:00")
    assert (line.pattern, line.variant, line.phase) == ("2/2", "day-night", 1)
    assert dict(line.starts) == {"day": time(8), "night": time(20)}


def test_a_night_begun_the_day_before_is_part_of_the_line() -> None:
    # phase 1: the day before the horizon is cycle day 0, a night shift
    line = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 5, phase=1, variants=["night"])[1]
    assert line.starts["night"] == time(20)
    assert [s.day.day for s in line.shifts] == [15, 16, 19, 20]
    first = line.shifts[0]
    assert first.day == MONDAY - timedelta(days=1)
    assert (first.start, first.end) == (datetime(2026, 11, 15, 20), datetime(2026, 11, 16, 8))
    assert first.paid_h == 11
    # the last night starts inside the horizon (16..20) and ends after it
    assert (line.shifts[-1].start, line.shifts[-1].end) == (datetime(2026, 11, 20, 20), datetime(2026, 11, 21, 8))
    # a day shift of the day before does not overlap the horizon and is not included
    day_line = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 7, phase=1, variants=["day"])[0]
    assert day_line.shifts[0].day == MONDAY


def test_one_start_per_template_across_the_horizon() -> None:
    for line in generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 35):
        for s in line.shifts:
            assert s.start.time() == line.starts[s.template]


def test_a_20_to_08_night_line_has_8_night_hours_per_shift_in_the_checker() -> None:
    line = next(x for x in generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 14, phase=0, variants=["night"])
                if x.starts["night"] == time(20))
    starts = pd.Series([s.start for s in line.shifts])
    ends = pd.Series([s.end for s in line.shifts])
    assert night_hours(starts, ends, LabourRules()).tolist() == [8.0] * len(line.shifts)
    assert {s.paid_h for s in line.shifts} == {11.0}


def test_coverage_matrix_hours() -> None:
    lines = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 7, phase=1, variants=["night"])
    cov = coverage_matrix(lines, datetime(2026, 11, 16), 168)
    assert cov.shape == (len(lines), 168) and cov.dtype == np.uint8
    row = cov[[x.starts["night"] for x in lines].index(time(20))]
    # 00-08 from Sunday's night, then Monday's night from 20:00
    assert row[:8].tolist() == [1] * 8
    assert row[8:20].tolist() == [0] * 12
    assert row[20:24].tolist() == [1] * 4


@pytest.mark.parametrize("pattern", ["2/2", "3/3", "5/2"])
def test_coverage_sums_equal_shift_hours(pattern: str) -> None:
    origin = datetime(2026, 11, 16)
    lines = generate_lines(DEFAULT_BOOK, pattern, MONDAY, 14)
    cov = coverage_matrix(lines, origin, 14 * 24)
    window_end = origin + timedelta(days=14)
    for i, line in enumerate(lines):
        inside = sum((min(s.end, window_end) - max(s.start, origin)) / timedelta(hours=1)
                     for s in line.shifts)
        assert cov[i].sum() == inside


def test_coverage_needs_an_hourly_grid() -> None:
    lines = generate_lines(DEFAULT_BOOK, "5/2", MONDAY, 7, phase=0)
    with pytest.raises(ValueError, match="hour"):
        coverage_matrix(lines, datetime(2026, 11, 16, 0, 30), 24)
    assert coverage_matrix([], datetime(2026, 11, 16), 24).shape == (0, 24)


def test_night_ok_false_lines_have_no_night_hour() -> None:
    for pattern in DEFAULT_BOOK.patterns:
        for line in generate_lines(DEFAULT_BOOK, pattern, MONDAY, 14, night_ok=False):
            assert all(hand_night_hours(s.start, s.end) == 0 for s in line.shifts)


def test_bad_requests() -> None:
    with pytest.raises(RuleError, match="unknown pattern"):
        generate_lines(DEFAULT_BOOK, "6/1", MONDAY, 7)
    with pytest.raises(RuleError, match="no variant"):
        generate_lines(DEFAULT_BOOK, "5/2", MONDAY, 7, variants=["night"])
    with pytest.raises(ValueError, match="phase 4"):
        generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 7, phase=4)
    with pytest.raises(ValueError, match="at least one day"):
        generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 0)


def test_stricter_rules_drop_lines() -> None:
    rest13 = LabourRules(min_daily_rest_h=13)
    # 2/2 day and night have 12 h between their two shifts; day-night has 21 h or more
    assert {x.variant for x in generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 28, rules=rest13)} == {"day-night"}
    two_nights = LabourRules(max_consecutive_nights=2)
    assert {x.variant for x in generate_lines(DEFAULT_BOOK, "3/3", MONDAY, 28, rules=two_nights)} == {"day"}
    assert len(generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 28, rules=two_nights)) == 76
    # 5/2 rests 72 - 9 = 63 h over the weekend
    assert generate_lines(DEFAULT_BOOK, "5/2", MONDAY, 28, rules=LabourRules(weekly_rest_h=64)) == []
    assert len(generate_lines(DEFAULT_BOOK, "5/2", MONDAY, 28, rules=LabourRules(weekly_rest_h=63))) == 35


def test_sliding_start_times_when_a_daily_rest_above_12_h_leaves_no_stable_line() -> None:
    """Two 12-h day shifts in a row that start at the same hour rest 12 h; with a 14-h minimum
    the second must start at least 2 h later: 07->09, 07->10 or 08->10 (starts 07-10), in each
    of the 4 phases. Night-free, so open to night_ok = false. A 14-h rest leaves 3/3 nothing
    (its third day would start at 11:00 or later), and the default rest needs no sliding line."""
    rest14 = LabourRules(min_daily_rest_h=14)
    day = generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 28, rules=rest14, sliding=True, variants=["day"], night_ok=False)
    assert sorted({x.key.split(" ", 3)[3] for x in day}) == ["07:00>09:00", "07:00>10:00", "08:00>10:00"]
    assert len(day) == 3 * 4 and {x.phase for x in day} == {0, 1, 2, 3}
    for line in day:
        assert {(s.start.hour, s.end.hour) for s in line.shifts} <= {(7, 19), (8, 20), (9, 21), (10, 22)}
        for a, b in zip(line.shifts, line.shifts[1:]):
            assert (b.start - a.end) >= timedelta(hours=14)
    assert generate_lines(DEFAULT_BOOK, "3/3", MONDAY, 28, rules=rest14, sliding=True) == []
    assert generate_lines(DEFAULT_BOOK, "2/2", MONDAY, 28, sliding=True) == []
    # 9-h office days rest 15 h at one start; 16 h needs 08, 09, 10, 11, 12 through the week
    office = generate_lines(DEFAULT_BOOK, "5/2", MONDAY, 7, rules=LabourRules(min_daily_rest_h=16), sliding=True)
    assert {x.key.split(" ", 3)[3] for x in office} == {"08:00>09:00>10:00>11:00>12:00"} and len(office) == 7


def test_weekly_rest_kept_reads_every_seven_days_with_half_the_rest_inside() -> None:
    """Mon-Fri 09-18 rests 63 h each weekend: every window from any day passes. A 47-h rest
    between a night ending Sunday 08:00 and a day from Tuesday 07:00 (and nothing longer) fails
    a 48-h rule in the 7 days from Friday; from 08:00 it rests 48 h and passes."""
    office = [(datetime(2026, 11, d, 9), datetime(2026, 11, d, 18)) for d in range(2, 28) if date(2026, 11, d).weekday() < 5]
    assert weekly_rest_kept(office, date(2026, 11, 2), date(2026, 11, 20), LabourRules())
    before = [(datetime(2026, 4, 3, 9), datetime(2026, 4, 3, 21)), (datetime(2026, 4, 4, 20), datetime(2026, 4, 5, 8))]
    after = [(datetime(2026, 4, 8, 19), datetime(2026, 4, 9, 7)), (datetime(2026, 4, 11, 7), datetime(2026, 4, 11, 19))]
    rules = LabourRules(weekly_rest_h=48)
    assert not weekly_rest_kept(before + [(datetime(2026, 4, 7, 7), datetime(2026, 4, 7, 19))] + after,
                                date(2026, 3, 31), date(2026, 4, 12), rules)
    later = [(datetime(2026, 4, 7, 8), datetime(2026, 4, 7, 20)), (datetime(2026, 4, 8, 20), datetime(2026, 4, 9, 8)),
             (datetime(2026, 4, 11, 8), datetime(2026, 4, 11, 20))]
    assert weekly_rest_kept(before + later, date(2026, 3, 31), date(2026, 4, 12), rules)


def test_workspace_patterns_are_filtered_by_the_law() -> None:
    book = parse_pattern_book({
        "6/1": {"variants": {"office": ["office"] * 6 + ["off"]}},
        "4/3": {"variants": {"office": ["office"] * 4 + ["off"] * 3}},
    }, {})
    # one day off gives 24 + 15 = 39 h of rest: below the 42 h of art. 110
    assert generate_lines(book, "6/1", MONDAY, 28) == []
    assert len(generate_lines(book, "4/3", MONDAY, 28)) == 7 * 5


def test_ten_days_in_a_row_is_illegal_whatever_the_calendar_week() -> None:
    """A 10 on / 4 off cycle whose four days off fall Saturday to Tuesday keeps 56 h of rest in
    one calendar week and 52 h in the next, yet works Wednesday to the Friday after: every phase
    has 7 days in a row without their weekly rest."""
    book = parse_pattern_book({"10/4": {"variants": {"office": ["office"] * 10 + ["off"] * 4}}}, {})
    assert generate_lines(book, "10/4", MONDAY, 28) == []
    # the same cycle with its days off spread (5 on / 2 off twice) is an ordinary 5/2
    spread = parse_pattern_book({"5/2x2": {"variants": {"office": (["office"] * 5 + ["off"] * 2) * 2}}}, {})
    assert len(generate_lines(spread, "5/2x2", MONDAY, 28)) == 14 * 5


@pytest.mark.parametrize("weekday", range(7))
def test_every_default_line_passes_the_checker(weekday: int) -> None:
    """Five weeks from each weekday: every pattern, variant, phase and start combination."""
    start = MONDAY + timedelta(days=weekday)
    agent_lines = {f"{p}#{i}": line for p in DEFAULT_BOOK.patterns
                   for i, line in enumerate(generate_lines(DEFAULT_BOOK, p, start, 35))}
    rota = rota_of(agent_lines)
    agents = agents_of(agent_lines, start, fixed=weekday % 2 == 0)
    assert check_rota(rota, agents, NO_ABSENCES, LabourRules(), DEFAULT_BOOK, start, 35, only=RULES_OF_A_LINE) == []


@st.composite
def a_line_with_absence(draw: st.DrawFn) -> tuple[date, Line, set[date]]:
    start = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    pattern = draw(st.sampled_from(sorted(DEFAULT_BOOK.patterns)))
    pat = DEFAULT_BOOK.patterns[pattern]
    variant = draw(st.sampled_from([v.name for v in pat.variants]))
    phase = draw(st.integers(0, pat.cycle_length - 1))
    lines = generate_lines(DEFAULT_BOOK, pattern, start, 35, phase=phase, variants=[variant])
    line = draw(st.sampled_from(lines))
    first = draw(st.integers(0, 34))
    span = draw(st.integers(0, 10))
    return start, line, {start + timedelta(days=k) for k in range(first, min(first + span, 35))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_line_with_absence(), st.booleans())
def test_any_line_with_any_absence_passes_the_checker(case: tuple[date, Line, set[date]], fixed: bool) -> None:
    start, line, absent_days = case
    rota = rota_of({"A": line}, {"A": absent_days})
    absences = (pd.DataFrame({"agent_id": ["A"], "start": [min(absent_days)], "end": [max(absent_days)],
                              "kind": ["vacation"]}) if absent_days else NO_ABSENCES)
    agents = agents_of({"A": line}, start, fixed)
    assert check_rota(rota, agents, absences, LabourRules(), DEFAULT_BOOK, start, 35, only=RULES_OF_A_LINE) == []


def test_line_generation_enforces_named_rules_of_the_checker() -> None:
    """Each rule a line must keep carries the name of the checker's rule that verifies it."""
    assert set(LINE_RULES) <= set(RULES)
    assert set(LINE_RULES) == {"night_ok", "shift_length", "overlap", "back_to_back", "daily_rest",
                               "consecutive_nights", "weekly_rest"}
    # what only the finished rota can break: its agents, dates, absences, cycles and stated hours
    assert set(RULES) - set(LINE_RULES) == {"unknown_agent", "shift_day", "absence", "pattern", "hours_consistency",
                                            "overtime_two_days", "overtime_year"}
