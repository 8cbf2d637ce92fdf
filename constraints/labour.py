"""Labour rules of the Russian Labour Code (ТК РФ) that a rota must respect: `[labour]`.

The law fixes some values (night is 22:00-06:00, art. 96; weekly rest at least 42 h, art. 110),
so a setting may be stricter than the law but never looser. The minimum daily rest between
shifts is not a number in the Code, only a common practice (twice the shift), so it is a
setting that every report prints; its floor is art. 103's ban on two shifts in a row: a rest
shorter than a shift lets the next shift follow as a second one (`in_a_row`), so the setting may
not be below the longest shift (`max_shift_h`).

Art. 96 makes a night shift one hour shorter without making it up, unless the worker was hired
for night work. Here the shift keeps its time on site and the hour is credited as worked
(`shorter_night_shifts`, on by default as the law has it; `constraints.hours` applies it).

Each rule is named once, with the settings it reads and its words (`LabourRules.rules`); the
reports and the planner's explanations are built from that list.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from common.errors import FieldError, RuleError, pydantic_problem
from constraints.night import LEGAL_NIGHT, NightWindow, check_night_window

LEGAL_WEEKLY_REST_H = 42.0             # art. 110
NIGHT_SHIFT_CREDIT_H = 1.0             # art. 96: a night shift is this much shorter, not made up


def in_a_row(rest_h: Any, previous_h: Any) -> Any:
    """Whether a shift follows the previous one as a second shift in a row (art. 103): the rest
    between them (>= 0) is shorter than the previous shift's time on site. 08:00-20:00 then
    20:01-08:01 is two shifts in a row; 08:00-20:00 then 08:00 the next day is not. Arrays too."""
    rest, prev = np.asarray(rest_h, float), np.asarray(previous_h, float)
    return (rest >= 0) & (rest < prev)


def notice_deadline(start: date) -> date:
    """The last day a shift schedule from `start` may be shown to the staff (art. 103: at least
    one month before it takes effect): the same day a month earlier, or that month's last day
    when it has no such day (art. 14: 31 March -> 28 February)."""
    year, month = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def late_notice(start: date, today: date) -> str | None:
    """The warning for a plan made less than a month before its first day (None: in time). It is
    said, not refused: a week's rota is often made the week before, and the team lead decides."""
    deadline = notice_deadline(start)
    if today <= deadline:
        return None
    ahead = (start - today).days
    when = (f"{ahead} day{'s' * (ahead != 1)} after today" if ahead > 0 else "today" if ahead == 0
            else f"{-ahead} day{'s' * (ahead != -1)} before today")
    return (f"the plan starts on {start}, {when} ({today}): art. 103 of the Labour Code wants a shift schedule "
            f"shown to the staff at least one month before it takes effect (this one by {deadline})")


@dataclass(frozen=True)
class LabourRule:
    """One labour rule as the reports name it, the `[labour]` settings it reads (none for a rule
    of the law alone) and its words with this run's values.

    `clause` is the rule as part of one sentence about what a line must keep (`in_words`), or
    None for a rule that sentence leaves out.
    """

    name: str
    settings: tuple[str, ...]
    text: str
    clause: str | None = None


class LabourRules(BaseModel):
    """The hard rules every line and every rota is checked against."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_daily_rest_h: float = Field(12.0, lt=168, strict=True)
    weekly_rest_h: float = Field(LEGAL_WEEKLY_REST_H, ge=LEGAL_WEEKLY_REST_H, lt=168, strict=True)
    max_shift_h: float = Field(12.0, gt=0, le=24, strict=True)
    night_start: time = LEGAL_NIGHT.start
    night_end: time = LEGAL_NIGHT.end
    max_consecutive_nights: int | None = Field(None, ge=1, strict=True)
    shorter_night_shifts: bool = Field(True, strict=True)   # art. 96, see the module's note
    planned_overtime: bool = Field(False, strict=True)      # art. 99, 103: plan above the norm, with consent

    @model_validator(mode="after")
    def _night_covers_the_law(self) -> LabourRules:
        """The night window may be wider than art. 96 (more premium), never narrower."""
        check_night_window(self.night_start, self.night_end)
        return self

    @model_validator(mode="after")
    def _no_two_shifts_in_a_row(self) -> LabourRules:
        """The daily rest may not be shorter than the longest shift (art. 103, `in_a_row`)."""
        if self.min_daily_rest_h < self.max_shift_h:
            raise FieldError(f"{self.min_daily_rest_h:g} h is below the longest shift of {self.max_shift_h:g} h "
                             "(labour.max_shift_h): a shorter rest lets a second shift follow the first, two "
                             "shifts in a row, which art. 103 forbids", "min_daily_rest_h")
        return self

    @property
    def night(self) -> NightWindow:
        """The site's night window, which the pay rules share (`parse_pay(raw, night=...)`)."""
        return NightWindow.model_construct(start=self.night_start, end=self.night_end)   # checked above

    @property
    def night_window_h(self) -> float:
        """Hours of night in one calendar day (8 for 22:00-06:00)."""
        return self.night.hours_per_day

    def rules(self) -> tuple[LabourRule, ...]:
        """Every rule once: name, settings, words; the one list the reports read."""
        n = self.max_consecutive_nights
        return (
            LabourRule("minimum daily rest", ("min_daily_rest_h",),
                       f"{self.min_daily_rest_h:g} h between shifts (setting labour.min_daily_rest_h)",
                       f"a daily rest of {self.min_daily_rest_h:g} h (labour.min_daily_rest_h)"),
            LabourRule("weekly rest", ("weekly_rest_h",),
                       f"{self.weekly_rest_h:g} h uninterrupted in every 7 days in a row (from any day), "
                       "at least half of it inside them (art. 110)",
                       f"a weekly rest of {self.weekly_rest_h:g} h (labour.weekly_rest_h)"),
            LabourRule("longest shift", ("max_shift_h",), f"{self.max_shift_h:g} h on site",
                       f"shifts of at most {self.max_shift_h:g} h"),
            LabourRule("night", ("night_start", "night_end"), f"{self.night} (art. 96)"),
            LabourRule("consecutive night shifts", ("max_consecutive_nights",),
                       "no limit" if n is None else f"at most {n} in a row",
                       None if n is None else f"at most {n} nights in a row"),
            LabourRule("shifts in a row", (), "never: the rest before a shift is at least as long as the shift "
                       "before it (art. 103)"),
            LabourRule("night shift one hour shorter", ("shorter_night_shifts",),
                       (f"a shift at least half at night is credited {NIGHT_SHIFT_CREDIT_H:g} h more than it is "
                        "worked, unless the agent was hired for night work (hired_for_nights; art. 96)")
                       if self.shorter_night_shifts else "off: every agent counts as hired for night work"),
            LabourRule("hours within the period's norm", ("planned_overtime",),
                       "planned overtime allowed for agents who consent (overtime_ok), within art. 99: at most "
                       "4 h in two consecutive days and 120 h a year" if self.planned_overtime else
                       "no planned overtime: each agent's hours in an accounting period stay within its norm, "
                       "balancing days off where a cycle gives more (art. 103, 104)"),
        )

    def assumptions(self) -> dict[str, str]:
        """The rules in words, for the assumptions sheet of the reports."""
        return {r.name: r.text for r in self.rules()}

    def rule_settings(self) -> dict[str, tuple[str, ...]]:
        """The `[labour]` settings each rule (by the name `assumptions` uses) reads; () for a
        rule of the law alone, so a report can show each rule beside its settings."""
        return {r.name: r.settings for r in self.rules()}

    def in_words(self) -> str:
        """The rules a line of shifts must keep, in one clause ("a daily rest of 12 h
        (labour.min_daily_rest_h), ..."), for explaining why no line is legal."""
        return ", ".join(r.clause for r in self.rules() if r.clause is not None)


def _labour_words(err: ErrorDetails, setting: str) -> str | None:
    """Say why a weekly rest below 42 h is refused: it is the law, not a preference."""
    if setting == "labour.weekly_rest_h" and err["type"] == "greater_than_equal":
        return err["msg"] + " h: art. 110 grants at least 42 h of uninterrupted weekly rest"
    return None


def parse_labour(raw: Any) -> LabourRules:
    """Validate `[labour]`; RuleError naming the setting for anything impossible or unlawful."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RuleError("[labour] must be a table", setting="labour")
    try:
        return LabourRules.model_validate(raw)
    except ValidationError as exc:
        setting, message = pydantic_problem(exc, ("labour",), describe=_labour_words)
        raise RuleError(message, setting=setting) from None
