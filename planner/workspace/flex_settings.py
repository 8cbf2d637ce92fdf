"""The `[flex]` section of rota.toml: the contract of agents on a flexible schedule (гибкий график).

Every flex agent (pattern `flex` in the agents file) gets the section's terms: the shifts they may
work (lengths × start times, whole hours, since coverage is planned hour by hour), the least and
most hours a week and a month, how many days in a row they may work, how many days off in a row
they need, and how many weekends of the horizon they may work. `[flex.agents.ID]` overrides any
of these for one person (a student who works at most 20 hours a week); its `shifts` table
replaces only the keys it names, and naming any start key replaces every start key.

Rules that cannot hold are refused here, naming the dotted setting: a minimum above its maximum,
a start not on the hour, a shift longer than the labour rules allow. That an override names a
flex agent of the agents file is checked by `check_overrides`, where both files are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator, model_validator

from common.errors import FieldError, InputError, RuleError, pydantic_problem
from constraints.labour import LabourRules
from constraints.patterns import FLEX, start_time

START_KEYS = ("starts", "first_start", "last_start", "start_every_h")
DEFAULT_FIRST, DEFAULT_LAST = "08:00", "20:00"

WeekHours = Annotated[float, Field(ge=0, le=24 * 7, allow_inf_nan=False)]
MonthHours = Annotated[float, Field(ge=0, le=24 * 31, allow_inf_nan=False)]
Length = Annotated[StrictInt, Field(ge=1, le=24)]


def _minute_of_day(value: Any) -> int:
    """A start time as minutes from midnight; the message of `start_time` without its setting."""
    try:
        t = start_time(value, "")
    except RuleError as exc:
        raise ValueError(exc.message) from None
    return t.hour * 60


class FlexShifts(BaseModel):
    """The shifts a flex agent may work: every length from every start.

    Starts are either listed (`starts`) or spanned (`first_start` to `last_start`, every
    `start_every_h` hours; 08:00 to 20:00 every hour when nothing is said)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lengths_h: list[Length] = Field(default_factory=lambda: [4, 6, 8])
    starts: list[str] | None = None
    first_start: str | None = None
    last_start: str | None = None
    start_every_h: Annotated[StrictInt, Field(ge=1, le=23)] = 1

    @field_validator("lengths_h")
    @classmethod
    def _lengths(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("list at least one shift length, e.g. [4, 6, 8]")
        if len(set(value)) < len(value):
            raise ValueError("a length is listed twice")
        return value

    @field_validator("starts")
    @classmethod
    def _starts(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError('list at least one start time, e.g. ["08:00"]')
            minutes = [_minute_of_day(v) for v in value]
            if len(set(minutes)) < len(minutes):
                raise ValueError("a start time is listed twice")
        return value

    @field_validator("first_start", "last_start")
    @classmethod
    def _on_the_hour(cls, value: str | None) -> str | None:
        if value is not None:
            _minute_of_day(value)
        return value

    @model_validator(mode="after")
    def _one_way_to_say_starts(self) -> FlexShifts:
        if self.starts is not None:
            spanned = [k for k in START_KEYS[1:] if k in self.model_fields_set]
            if spanned:
                raise FieldError("give either starts or first_start/last_start/start_every_h, not both", spanned[0])
        elif _minute_of_day(self.last_start or DEFAULT_LAST) < _minute_of_day(self.first_start or DEFAULT_FIRST):
            raise FieldError(f"{self.last_start or DEFAULT_LAST} is before first_start "
                             f"{self.first_start or DEFAULT_FIRST}", "last_start")
        return self

    def start_minutes(self) -> tuple[int, ...]:
        """Every allowed start, minutes from midnight, in order."""
        if self.starts is not None:
            return tuple(sorted(_minute_of_day(s) for s in self.starts))
        first = _minute_of_day(self.first_start or DEFAULT_FIRST)
        last = _minute_of_day(self.last_start or DEFAULT_LAST)
        return tuple(range(first, last + 1, self.start_every_h * 60))


class FlexTerms(BaseModel):
    """One person's flexible contract, in the words of rota.toml. None: no limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shifts: FlexShifts = Field(default_factory=FlexShifts)
    min_hours_week: WeekHours = 0.0
    max_hours_week: WeekHours = 40.0                # art. 91: a normal working week at most
    min_hours_month: MonthHours | None = None       # used when the plan is whole calendar months
    max_hours_month: MonthHours | None = None
    max_days_in_a_row: Annotated[StrictInt, Field(ge=1)] | None = 6     # art. 110 wants a weekly rest
    min_days_off_in_a_row: Annotated[StrictInt, Field(ge=1)] = 1
    max_weekends: Annotated[StrictInt, Field(ge=0)] | None = None       # weekends worked in the horizon

    @model_validator(mode="after")
    def _min_not_above_max(self) -> FlexTerms:
        for span in ("week", "month"):
            low, high = getattr(self, f"min_hours_{span}"), getattr(self, f"max_hours_{span}")
            if low is not None and high is not None and low > high:
                raise FieldError(f"{low:g} h is above max_hours_{span} {high:g} h", f"min_hours_{span}")
        return self

    def shift_specs(self) -> tuple[tuple[int, int], ...]:
        """(start, length) in minutes of every allowed shift, by start then length."""
        return tuple((s, h * 60) for s in self.shifts.start_minutes() for h in sorted(self.shifts.lengths_h))


class _Section(FlexTerms):
    agents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # fairness: the k-th weekend day a flex agent works costs (2k - 1) x this, so weekend days
    # spread over the group (one agent's n days cost n² x this); 0: no fairness
    weekend_fairness_rub: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] = 300.0


SECTION_ONLY = ("agents", "weekend_fairness_rub")   # keys of [flex] that are not one agent's terms


@dataclass(frozen=True)
class FlexConfig:
    """The `[flex]` section: the terms every flex agent gets and the per-agent overrides."""

    defaults: FlexTerms = field(default_factory=FlexTerms)
    agents: Mapping[str, FlexTerms] = field(default_factory=dict)
    weekend_fairness_rub: float = 300.0

    def terms(self, agent_id: str) -> FlexTerms:
        return self.agents.get(agent_id, self.defaults)


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """An override on top of the section's terms; `shifts` key by key, the start keys as one."""
    out = {**base, **override}
    if isinstance(base.get("shifts"), dict) and isinstance(override.get("shifts"), dict):
        keep = dict(base["shifts"])
        if any(k in override["shifts"] for k in START_KEYS):
            keep = {k: v for k, v in keep.items() if k not in START_KEYS}
        out["shifts"] = {**keep, **override["shifts"]}
    return out


def _words(err: Any, setting: str) -> str | None:
    """A typo'd key lists the known ones; a fractional hour says why it must be whole."""
    if err["type"] == "extra_forbidden":
        model = FlexShifts if ".shifts." in setting else FlexTerms if ".agents." in setting else _Section
        known = [*model.model_fields]
        return f"unknown setting; known ones are {', '.join(known)}"
    if err["type"] in ("int_type", "int_from_float") and ".lengths_h" in setting:
        return f"{err.get('input')!r} is not a whole number of hours; coverage is planned hour by hour"
    if err["type"] == "dict_type":
        return "must be a table"
    return None


def _validated(raw: Any, where: tuple[str, ...], source: str, model: type[FlexTerms] = FlexTerms) -> Any:
    if not isinstance(raw, dict):
        raise InputError("must be a table", file=source, column=".".join(where))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        setting, message = pydantic_problem(exc, where, describe=_words)
        raise InputError(message, file=source, column=setting) from None


def _lawful_lengths(terms: FlexTerms, labour: LabourRules, where: tuple[str, ...], source: str) -> None:
    """No shift longer than the labour rules allow: `max_shift_h`, which is at most the daily rest
    (a shift longer than the rest lets a second one follow it, two shifts in a row, art. 103)."""
    longest = min(labour.max_shift_h, labour.min_daily_rest_h)
    for h in terms.shifts.lengths_h:
        if h > longest:
            raise InputError(
                f"a {h} h shift is longer than the labour rules allow: {labour.max_shift_h:g} h at most "
                f"(labour.max_shift_h), and the daily rest of {labour.min_daily_rest_h:g} h "
                "(labour.min_daily_rest_h) must be at least a shift's length, art. 103",
                file=source, column=".".join((*where, "shifts", "lengths_h")))


def parse_flex(raw: Any, labour: LabourRules, source: str) -> FlexConfig:
    """Validate `[flex]` (the defaults when absent) and every `[flex.agents.ID]` override."""
    section: _Section = _validated({} if raw is None else raw, ("flex",), source, _Section)
    _lawful_lengths(section, labour, ("flex",), source)
    base = {k: v for k, v in raw.items() if k not in SECTION_ONLY} if isinstance(raw, dict) else {}
    agents: dict[str, FlexTerms] = {}
    for agent_id, override in section.agents.items():
        where = ("flex", "agents", agent_id)
        if not isinstance(override, dict):
            raise InputError("must be a table of the agent's own terms", file=source, column=".".join(where))
        terms = _validated(_merged(base, override), where, source)
        _lawful_lengths(terms, labour, where, source)
        agents[agent_id] = terms
    return FlexConfig(section, agents, section.weekend_fairness_rub)


def flex_ids(agents: pd.DataFrame) -> list[str]:
    """The agents on a flexible schedule, in the order of the agents file."""
    return [str(a) for a, p in zip(agents["agent_id"], agents["pattern"]) if p == FLEX]


def check_overrides(flex: FlexConfig, agents: pd.DataFrame, source: str, agents_file: str) -> None:
    """Every `[flex.agents.ID]` names a flex agent of the agents file."""
    known = {str(a): str(p) for a, p in zip(agents["agent_id"], agents["pattern"])}
    for agent_id in flex.agents:
        if agent_id not in known:
            raise InputError(f"agent {agent_id!r} is not in {agents_file}", file=source,
                             column=f"flex.agents.{agent_id}")
        if known[agent_id] != FLEX:
            raise InputError(f"agent {agent_id} has pattern {known[agent_id]} in {agents_file}, not flex: "
                             "only flex agents have flexible terms", file=source, column=f"flex.agents.{agent_id}")
