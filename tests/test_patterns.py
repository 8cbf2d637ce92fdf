"""Shift templates and patterns: the defaults of DESIGN.md §5 and the `[shifts]`/`[patterns]` parser."""

from __future__ import annotations

import tomllib
from dataclasses import FrozenInstanceError
from datetime import time

import pytest

from common.errors import RuleError
from constraints.patterns import DEFAULT_BOOK, PatternBook, parse_pattern_book

BRIEF_TOML = """
[shifts.day]
starts = ["07:00", "08:00", "09:00", "10:00"]
length_h = 12
break_h = 1
[shifts.night]
starts = ["19:00", "20:00", "21:00"]
length_h = 12
break_h = 1
[shifts.office]
starts = ["08:00", "09:00", "10:00", "11:00", "12:00"]
length_h = 9
break_h = 1
[patterns."2/2"]
variants = { day = ["day", "day", "off", "off"], night = ["night", "night", "off", "off"], day-night = ["day", "night", "off", "off"] }
[patterns."3/3"]
variants = { day = ["day", "day", "day", "off", "off", "off"], night = ["night", "night", "night", "off", "off", "off"] }
[patterns."5/2"]
variants = { office = ["office", "office", "office", "office", "office", "off", "off"] }
"""


def test_default_templates_follow_the_design() -> None:
    day, night, office = (DEFAULT_BOOK.templates[n] for n in ("day", "night", "office"))
    # 12 h on site with 1 h of breaks is 11 paid hours; the office day is 9 h with an unpaid hour
    assert (day.length_h, day.break_h, day.paid_h) == (12, 1, 11)
    assert (night.length_h, night.paid_h) == (12, 11)
    assert (office.length_h, office.paid_h) == (9, 8)
    assert day.starts == (time(7), time(8), time(9), time(10))
    assert night.starts == (time(19), time(20), time(21))
    assert office.starts == tuple(time(h) for h in range(8, 13))


def test_default_patterns_and_cycles() -> None:
    two, three, five = (DEFAULT_BOOK.patterns[n] for n in ("2/2", "3/3", "5/2"))
    assert (two.cycle_length, three.cycle_length, five.cycle_length) == (4, 6, 7)
    assert [v.name for v in two.variants] == ["day", "night", "day-night"]
    # день - ночь - отсыпной - выходной
    assert two.variant("day-night").cycle == ("day", "night", None, None)
    assert three.variant("night").cycle == ("night",) * 3 + (None,) * 3
    assert five.variant("office").work_days == 5
    assert five.variant("office").cycle[5:] == (None, None)


def test_the_documented_toml_gives_the_defaults() -> None:
    raw = tomllib.loads(BRIEF_TOML)
    assert parse_pattern_book(raw["patterns"], raw["shifts"]) == DEFAULT_BOOK
    assert parse_pattern_book({}, {}) == DEFAULT_BOOK
    assert parse_pattern_book(None, None) == DEFAULT_BOOK


def test_a_template_override_keeps_unnamed_keys() -> None:
    book = parse_pattern_book({}, {"day": {"starts": ["08:00"]}})
    assert book.templates["day"].starts == (time(8),)
    assert (book.templates["day"].length_h, book.templates["day"].break_h) == (12, 1)


def test_toml_local_times_are_accepted() -> None:
    raw = tomllib.loads("[shifts.day]\nstarts = [08:00:00, 09:00:00]\n")
    assert parse_pattern_book({}, raw["shifts"]).templates["day"].starts == (time(8), time(9))


def test_a_workspace_adds_patterns_and_templates() -> None:
    raw = tomllib.loads("""
[shifts.long]
starts = ["08:00"]
length_h = 24
break_h = 2
[patterns."1/3"]
variants = { long = ["long", "off", "off", "off"] }
[patterns."4/3"]
variants = { office = ["office", "office", "office", "office", "off", "off", "off"] }
""")
    book = parse_pattern_book(raw["patterns"], raw["shifts"])
    assert set(book.patterns) == {"2/2", "3/3", "5/2", "1/3", "4/3"}
    assert book.patterns["1/3"].cycle_length == 4
    assert book.templates["long"].paid_h == 22
    assert book.patterns["4/3"].variants[0].work_days == 4


def test_a_pattern_section_replaces_its_variants() -> None:
    book = parse_pattern_book({"2/2": {"variants": {"day": ["day", "day", "off", "off"]}}}, {})
    assert [v.name for v in book.patterns["2/2"].variants] == ["day"]
    assert len(book.patterns["3/3"].variants) == 2


@pytest.mark.parametrize(
    ("patterns", "shifts", "setting", "words"),
    [
        ({}, {"day": {"lenght_h": 12}}, "shifts.day.lenght_h", "unknown setting"),
        ({"2/2": {"variants": {"day": ["day", "off"]}, "note": 1}}, {}, 'patterns."2/2".note', "unknown setting"),
        ({"2/2": {"variants": {"day": ["evening", "off"]}}}, {}, 'patterns."2/2".variants.day', "neither"),
        ({"2/2": {"variants": {"day": ["day", "rest"]}}}, {}, 'patterns."2/2".variants.day', "'rest'"),
        ({}, {"day": {"starts": ["08:30"]}}, "shifts.day.starts", "not on the hour"),
        ({}, {"day": {"starts": ["8 am"]}}, "shifts.day.starts", "not a time"),
        ({}, {"day": {"starts": ["25:00"]}}, "shifts.day.starts", "not a time"),
        ({}, {"day": {"starts": []}}, "shifts.day.starts", "non-empty"),
        ({}, {"day": {"starts": ["08:00", "08:00"]}}, "shifts.day.starts", "twice"),
        ({}, {"day": {"length_h": 1, "break_h": 1}}, "shifts.day.break_h", "longer than break_h"),
        ({}, {"day": {"break_h": -1}}, "shifts.day.break_h", "negative"),
        ({}, {"day": {"length_h": 12.5}}, "shifts.day.length_h", "whole number"),
        ({}, {"day": {"length_h": 25}}, "shifts.day.length_h", "1 to 24"),
        ({}, {"day": {"length_h": True}}, "shifts.day.length_h", "not a number"),
        ({}, {"late": {"starts": ["14:00"]}}, "shifts.late.length_h", "needs length_h"),
        ({}, {"day": "12h"}, "shifts.day", "table"),
        ({"2/2": {"variants": {"day": []}}}, {}, 'patterns."2/2".variants.day', "empty"),
        ({"2/2": {"variants": {"day": ["off", "off"]}}}, {}, 'patterns."2/2".variants.day', "no work day"),
        ({"2/2": {"variants": {}}}, {}, 'patterns."2/2".variants', "at least one variant"),
        ({"2/2": {}}, {}, 'patterns."2/2".variants', "needs variants"),
        ({"x": {"variants": {"a": ["day", "off"], "b": ["day", "off", "off"]}}}, {}, "patterns.x.variants",
         "same cycle length"),
    ],
)
def test_bad_sections_name_the_setting(patterns: dict, shifts: dict, setting: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_pattern_book(patterns, shifts)
    assert info.value.setting == setting
    assert words in info.value.message


def test_unknown_pattern_and_variant_are_rule_errors() -> None:
    with pytest.raises(RuleError, match="unknown pattern '6/1'"):
        DEFAULT_BOOK.pattern("6/1")
    with pytest.raises(RuleError, match="no variant 'evening'"):
        DEFAULT_BOOK.pattern("2/2").variant("evening")


def test_the_book_is_immutable_and_hashable() -> None:
    with pytest.raises(FrozenInstanceError):
        DEFAULT_BOOK.templates["day"].length_h = 13  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFAULT_BOOK.patterns["6/1"] = DEFAULT_BOOK.patterns["5/2"]  # type: ignore[index]
    assert hash(DEFAULT_BOOK) == hash(parse_pattern_book({}, {}))
    assert isinstance(DEFAULT_BOOK, PatternBook)
