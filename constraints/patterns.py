"""Rota patterns and shift templates: the `[shifts]` and `[patterns]` sections of rota.toml.

A *shift template* is a kind of shift (day, night, office) with the start times the planner may
choose from; a *pattern* is a cycle of work and rest days (2/2, 3/3, 5/2), and each of its
*variants* says which template every work day of the cycle uses. Everything here is data: a
workspace may restrict the defaults (fewer start times, only some variants) or add patterns such
as 1/3 or 4/3. Starts and lengths are whole hours because coverage is planned hour by hour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType
from typing import Any

from common.errors import RuleError

OFF = "off"
#: The pattern of agents on a flexible schedule (гибкий график): no cycle, each planned as a
#: person by their own contract (`constraints.flex`), so it is a reserved name, not a pattern.
FLEX = "flex"

DEFAULT_SHIFTS: dict[str, dict[str, Any]] = {
    "day": {"starts": ["07:00", "08:00", "09:00", "10:00"], "length_h": 12, "break_h": 1},
    "night": {"starts": ["19:00", "20:00", "21:00"], "length_h": 12, "break_h": 1},
    "office": {"starts": ["08:00", "09:00", "10:00", "11:00", "12:00"], "length_h": 9, "break_h": 1},
}

DEFAULT_PATTERNS: dict[str, dict[str, Any]] = {
    "2/2": {"variants": {
        "day": ["day", "day", OFF, OFF],
        "night": ["night", "night", OFF, OFF],
        # день - ночь - отсыпной - выходной
        "day-night": ["day", "night", OFF, OFF],
    }},
    "3/3": {"variants": {
        "day": ["day", "day", "day", OFF, OFF, OFF],
        "night": ["night", "night", "night", OFF, OFF, OFF],
    }},
    "5/2": {"variants": {
        "office": ["office", "office", "office", "office", "office", OFF, OFF],
    }},
}

_TEMPLATE_KEYS = ("starts", "length_h", "break_h")
_PATTERN_KEYS = ("variants",)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class ShiftTemplate:
    """A kind of shift: where it may start, how long the agent is on site, the unpaid break."""

    name: str
    starts: tuple[time, ...]
    length_h: float          # on site, including the unpaid break
    break_h: float           # unpaid

    @property
    def paid_h(self) -> float:
        return self.length_h - self.break_h

    @property
    def may_cross_midnight(self) -> bool:
        """Whether a shift of this template can run into the next calendar day (a night shift):
        then it cannot be worked on the eve of a day of absence."""
        return any(t.hour + t.minute / 60 + self.length_h > 24 for t in self.starts)


@dataclass(frozen=True)
class Variant:
    """One way to staff a pattern's cycle: the template of each cycle day, None for a day off."""

    name: str
    cycle: tuple[str | None, ...]

    @property
    def work_days(self) -> int:
        return sum(t is not None for t in self.cycle)


@dataclass(frozen=True)
class Pattern:
    """A cycle of work and rest days; all its variants share the cycle length (so one phase)."""

    name: str
    variants: tuple[Variant, ...]

    @property
    def cycle_length(self) -> int:
        return len(self.variants[0].cycle)

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        known = ", ".join(v.name for v in self.variants)
        raise RuleError(f"pattern {self.name!r} has no variant {name!r} (it has: {known})",
                        setting=_path("patterns", self.name, "variants"))


@dataclass(frozen=True)
class PatternBook:
    """Every pattern and shift template a workspace defines (the defaults unless overridden)."""

    patterns: Mapping[str, Pattern]
    templates: Mapping[str, ShiftTemplate]

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", MappingProxyType(dict(self.patterns)))
        object.__setattr__(self, "templates", MappingProxyType(dict(self.templates)))

    def __hash__(self) -> int:
        return hash((tuple(self.patterns.items()), tuple(self.templates.items())))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PatternBook):
            return NotImplemented
        return dict(self.patterns) == dict(other.patterns) and dict(self.templates) == dict(other.templates)

    def pattern(self, name: str) -> Pattern:
        """The pattern called `name`; RuleError naming the known ones otherwise."""
        try:
            return self.patterns[name]
        except KeyError:
            known = ", ".join(sorted(self.patterns))
            raise RuleError(f"unknown pattern {name!r} (known: {known})", setting="patterns") from None


def _path(*parts: str) -> str:
    """A dotted rota.toml path, quoting keys such as "2/2" the way TOML needs them."""
    return ".".join(p if _BARE_KEY.match(p) else f'"{p}"' for p in parts)


def start_time(value: Any, setting: str) -> time:
    """A start time, "HH:MM" or a TOML local time, that must lie on the hour."""
    if isinstance(value, time):
        t = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}:\d{2}(:\d{2})?\s*", value):
        parts = [int(p) for p in value.strip().split(":")]
        if parts[0] > 23 or parts[1] > 59 or (len(parts) == 3 and parts[2] > 59):
            raise RuleError(f"{value!r} is not a time of day", setting=setting)
        t = time(*parts)
    else:
        raise RuleError(f"{value!r} is not a time; write it as \"HH:MM\"", setting=setting)
    if t.minute or t.second or t.microsecond or t.tzinfo is not None:
        raise RuleError(f"shift start {t.strftime('%H:%M')} is not on the hour; coverage is planned "
                        "hour by hour", setting=setting)
    return t


def _number(value: Any, setting: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(f"{value!r} is not a number of hours", setting=setting)
    return float(value)


def _table(value: Any, setting: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError("must be a table", setting=setting)
    return value


def _unknown_keys(raw: dict[str, Any], known: tuple[str, ...], *where: str) -> None:
    for key in raw:
        if key not in known:
            raise RuleError(f"unknown setting {key!r}; known: {', '.join(known)}",
                            setting=_path(*where, str(key)))


def _template(name: str, raw: dict[str, Any]) -> ShiftTemplate:
    where = ("shifts", name)
    _unknown_keys(raw, _TEMPLATE_KEYS, *where)
    for key in ("starts", "length_h"):
        if key not in raw:
            raise RuleError(f"a new shift template needs {key}", setting=_path(*where, key))
    starts_raw = raw["starts"]
    if not isinstance(starts_raw, list) or not starts_raw:
        raise RuleError("must be a non-empty list of start times such as [\"08:00\"]",
                        setting=_path(*where, "starts"))
    starts = tuple(start_time(v, _path(*where, "starts")) for v in starts_raw)
    if len(set(starts)) != len(starts):
        raise RuleError("a start time is listed twice", setting=_path(*where, "starts"))
    length = _number(raw["length_h"], _path(*where, "length_h"))
    brk = _number(raw.get("break_h", 0), _path(*where, "break_h"))
    if not 0 < length <= 24 or length != int(length):
        raise RuleError(f"length_h {length:g} must be a whole number of hours from 1 to 24",
                        setting=_path(*where, "length_h"))
    if brk < 0:
        raise RuleError(f"break_h {brk:g} is negative", setting=_path(*where, "break_h"))
    if brk >= length:
        raise RuleError(f"break_h {brk:g} leaves no paid time in a {length:g}-hour shift "
                        "(length_h must be longer than break_h)", setting=_path(*where, "break_h"))
    return ShiftTemplate(name, tuple(sorted(starts)), length, brk)


def _pattern(name: str, raw: dict[str, Any], templates: Mapping[str, ShiftTemplate]) -> Pattern:
    where = ("patterns", name)
    _unknown_keys(raw, _PATTERN_KEYS, *where)
    if "variants" not in raw:
        raise RuleError("a pattern needs variants, e.g. { day = [\"day\", \"off\"] }",
                        setting=_path(*where, "variants"))
    variants_raw = _table(raw["variants"], _path(*where, "variants"))
    if not variants_raw:
        raise RuleError("a pattern needs at least one variant", setting=_path(*where, "variants"))
    variants = []
    for vname, cycle_raw in variants_raw.items():
        setting = _path(*where, "variants", str(vname))
        if not isinstance(cycle_raw, list) or not cycle_raw:
            raise RuleError("the cycle is empty; list a template or \"off\" for every cycle day",
                            setting=setting)
        cycle: list[str | None] = []
        for i, day in enumerate(cycle_raw, start=1):
            word = day.strip() if isinstance(day, str) else day
            if word == OFF:
                cycle.append(None)
            elif isinstance(word, str) and word in templates:
                cycle.append(word)
            else:
                known = ", ".join(sorted(templates))
                raise RuleError(f"cycle day {i} is {day!r}, which is neither a shift template "
                                f"({known}) nor \"off\"", setting=setting)
        if all(t is None for t in cycle):
            raise RuleError("the cycle has no work day", setting=setting)
        variants.append(Variant(str(vname), tuple(cycle)))
    lengths = {len(v.cycle) for v in variants}
    if len(lengths) > 1:
        listed = ", ".join(f"{v.name} {len(v.cycle)}" for v in variants)
        raise RuleError(f"all variants of a pattern must have the same cycle length ({listed} days)",
                        setting=_path(*where, "variants"))
    return Pattern(name, tuple(variants))


def parse_pattern_book(raw_patterns: dict, raw_shifts: dict) -> PatternBook:
    """Validate `[patterns]` and `[shifts]` on top of the defaults.

    A template named in `[shifts]` overrides the default of that name key by key (so
    `[shifts.day] starts = ["08:00"]` keeps 12 h with a 1 h break); a new template needs `starts`
    and `length_h`. A pattern named in `[patterns]` replaces that pattern's variants, so a
    workspace can drop a variant; new patterns are added.
    """
    raw_shifts = _table(raw_shifts if raw_shifts is not None else {}, "shifts")
    raw_patterns = _table(raw_patterns if raw_patterns is not None else {}, "patterns")
    merged_shifts: dict[str, dict[str, Any]] = {k: dict(v) for k, v in DEFAULT_SHIFTS.items()}
    for name, section in raw_shifts.items():
        merged_shifts.setdefault(str(name), {}).update(_table(section, _path("shifts", str(name))))
    templates = {name: _template(name, section) for name, section in merged_shifts.items()}
    merged_patterns: dict[str, dict[str, Any]] = dict(DEFAULT_PATTERNS)
    for name, section in raw_patterns.items():
        if str(name).strip().lower() == FLEX:
            raise RuleError(f"{FLEX!r} is the flexible schedule (the [flex] section), not a pattern with a cycle; "
                            "choose another name", setting=_path("patterns", str(name)))
        merged_patterns[str(name)] = _table(section, _path("patterns", str(name)))
    patterns = {name: _pattern(name, section, templates) for name, section in merged_patterns.items()}
    return PatternBook(patterns, templates)


DEFAULT_BOOK: PatternBook = parse_pattern_book({}, {})
