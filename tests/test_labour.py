"""`[labour]`: the defaults are the law's figures, and a setting may not be looser than the law."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError

from common.errors import RuleError
from constraints.labour import LabourRules, late_notice, notice_deadline, parse_labour


def test_defaults_are_the_law_and_the_design() -> None:
    r = parse_labour({})
    assert r == LabourRules()
    assert r.min_daily_rest_h == 12                      # not a number in the Code: a setting, default 12 h
    assert r.weekly_rest_h == 42                         # art. 110
    assert r.max_shift_h == 12
    assert (r.night_start, r.night_end) == (time(22), time(6))   # art. 96
    assert r.night_window_h == 8
    assert r.max_consecutive_nights is None
    assert parse_labour(None) == r


def test_stricter_settings_are_accepted() -> None:
    r = parse_labour({"weekly_rest_h": 48, "min_daily_rest_h": 24, "night_start": "21:00",
                      "night_end": "07:00", "max_consecutive_nights": 2, "max_shift_h": 11.5})
    assert (r.weekly_rest_h, r.min_daily_rest_h, r.max_consecutive_nights) == (48, 24, 2)
    assert r.night_window_h == 10
    assert r.max_shift_h == 11.5


@pytest.mark.parametrize(
    ("raw", "setting", "words"),
    [
        ({"weekly_rest_h": 30}, "labour.weekly_rest_h", "42"),
        ({"min_daily_rest_h": -1}, "labour.min_daily_rest_h", "art. 103"),
        ({"min_daily_rest_h": 0}, "labour.min_daily_rest_h", "two shifts in a row"),
        ({"min_daily_rest_h": 11.5}, "labour.min_daily_rest_h", "below the longest shift of 12 h"),
        ({"min_daily_rest_h": 12, "max_shift_h": 14}, "labour.min_daily_rest_h", "labour.max_shift_h"),
        ({"shorter_night_shifts": "yes"}, "labour.shorter_night_shifts", "boolean"),
        ({"min_daily_rest_h": 200}, "labour.min_daily_rest_h", "less than 168"),
        ({"max_shift_h": 0}, "labour.max_shift_h", "greater than 0"),
        ({"max_shift_h": 25}, "labour.max_shift_h", "less than or equal to 24"),
        ({"max_shift_h": "12"}, "labour.max_shift_h", "number"),
        ({"weekly_rest_h": True}, "labour.weekly_rest_h", "number"),
        ({"night_start": "23:00"}, "labour.night_start", "art. 96"),
        ({"night_end": "05:00"}, "labour.night_end", "art. 96"),
        ({"night_start": "06:00"}, "labour.night_start", "empty"),
        ({"night_start": "02:00"}, "labour.night_start", "art. 96"),
        ({"night_end": "nine"}, "labour.night_end", "time"),
        ({"max_consecutive_nights": 0}, "labour.max_consecutive_nights", "greater than or equal to 1"),
        ({"rest_h": 12}, "labour.rest_h", "Extra inputs"),
    ],
)
def test_impossible_values_name_the_setting(raw: dict, setting: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_labour(raw)
    assert info.value.setting == setting
    assert words in info.value.message


def test_not_a_table() -> None:
    with pytest.raises(RuleError) as info:
        parse_labour([("weekly_rest_h", 42)])
    assert info.value.setting == "labour"


def test_rules_are_frozen_and_validated_when_built_directly() -> None:
    r = LabourRules()
    with pytest.raises(ValidationError):
        r.weekly_rest_h = 40  # type: ignore[misc]
    with pytest.raises(ValidationError):
        LabourRules(weekly_rest_h=41)


def test_the_daily_rest_has_a_legal_floor() -> None:
    """Issue #13, art. 103: no two shifts in a row, so the daily rest may not be shorter than the
    longest shift (12 h by default): 0, as the setting once allowed, is refused; 11 h is lawful for
    shifts of at most 11 h."""
    assert parse_labour({"min_daily_rest_h": 11, "max_shift_h": 11}).min_daily_rest_h == 11
    with pytest.raises(RuleError, match="art. 103"):
        parse_labour({"min_daily_rest_h": 0})


def test_assumptions_report_the_daily_rest_setting() -> None:
    text = parse_labour({"min_daily_rest_h": 13}).assumptions()
    assert "13 h" in text["minimum daily rest"]
    assert "42 h" in text["weekly rest"] and "art. 110" in text["weekly rest"]
    assert "22:00-06:00" in text["night"]


def test_each_rule_is_named_once_with_its_settings_and_words() -> None:
    r = parse_labour({"max_consecutive_nights": 2})
    rules = r.rules()
    names = [x.name for x in rules]
    assert names == ["minimum daily rest", "weekly rest", "longest shift", "night", "consecutive night shifts",
                     "shifts in a row", "night shift one hour shorter", "hours within the period's norm"]
    assert r.assumptions() == {x.name: x.text for x in rules}
    assert r.rule_settings() == {
        "minimum daily rest": ("min_daily_rest_h",), "weekly rest": ("weekly_rest_h",),
        "longest shift": ("max_shift_h",), "night": ("night_start", "night_end"),
        "consecutive night shifts": ("max_consecutive_nights",), "shifts in a row": (),
        "night shift one hour shorter": ("shorter_night_shifts",),
        "hours within the period's norm": ("planned_overtime",),
    }
    used = {s for settings in r.rule_settings().values() for s in settings}
    assert used == set(LabourRules.model_fields)          # every setting belongs to a rule


def test_the_rules_a_line_keeps_in_one_clause() -> None:
    assert LabourRules().in_words() == ("a daily rest of 12 h (labour.min_daily_rest_h), a weekly rest of 42 h "
                                        "(labour.weekly_rest_h), shifts of at most 12 h")
    assert parse_labour({"max_consecutive_nights": 3, "min_daily_rest_h": 14}).in_words() == (
        "a daily rest of 14 h (labour.min_daily_rest_h), a weekly rest of 42 h (labour.weekly_rest_h), "
        "shifts of at most 12 h, at most 3 nights in a row")


def test_the_night_window_is_one_object() -> None:
    r = parse_labour({"night_start": "21:00"})
    assert (r.night.start, r.night.end) == (time(21), time(6)) and str(r.night) == "21:00-06:00"
    assert "21:00-06:00" in r.assumptions()["night"]


# ------------------------------------------------------------------------------ art. 103: a month of notice


@pytest.mark.parametrize("start, deadline", [
    (date(2027, 1, 1), date(2026, 12, 1)),     # across the new year
    (date(2026, 12, 14), date(2026, 11, 14)),
    (date(2027, 3, 31), date(2027, 2, 28)),    # no 31 February: the month's last day (art. 14)
    (date(2028, 3, 30), date(2028, 2, 29)),    # a leap year's February
    (date(2026, 5, 31), date(2026, 4, 30)),
])
def test_a_schedule_is_shown_a_calendar_month_before_its_first_day(start: date, deadline: date) -> None:
    assert notice_deadline(start) == deadline


def test_a_plan_shown_by_the_deadline_needs_no_word() -> None:
    assert late_notice(date(2027, 1, 1), today=date(2026, 12, 1)) is None
    assert late_notice(date(2027, 1, 1), today=date(2026, 10, 20)) is None


def test_a_plan_less_than_a_month_ahead_is_said_naming_art_103() -> None:
    said = late_notice(date(2027, 1, 1), today=date(2026, 12, 2))
    assert said is not None and said.startswith("the plan starts on 2027-01-01, 30 days after today (2026-12-02)")
    assert "art. 103" in said and "at least one month before it takes effect" in said and "by 2026-12-01" in said


def test_a_plan_for_today_or_the_past_is_said_as_such() -> None:
    assert "2026-11-23, 13 days before today (2026-12-06)" in late_notice(date(2026, 11, 23), today=date(2026, 12, 6))
    assert "2026-12-06, today (2026-12-06)" in late_notice(date(2026, 12, 6), today=date(2026, 12, 6))
    assert "1 day after today" in late_notice(date(2026, 12, 7), today=date(2026, 12, 6))
