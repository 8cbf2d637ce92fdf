"""Labour rules of the Russian Labour Code (ТК РФ) that a rota must respect: `[labour]`.

The law fixes some values (night is 22:00-06:00, art. 96; weekly rest at least 42 h, art. 110),
so a setting may be stricter than the law but never looser. The minimum daily rest between
shifts is not a number in the Code, only a common practice (twice the shift), so it is a plain
setting that every report prints.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from common.errors import RuleError

LEGAL_NIGHT = (time(22), time(6))      # art. 96
LEGAL_WEEKLY_REST_H = 42.0             # art. 110


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class LabourRules(BaseModel):
    """The hard rules every line and every rota is checked against."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_daily_rest_h: float = Field(12.0, ge=0, lt=168, strict=True)
    weekly_rest_h: float = Field(LEGAL_WEEKLY_REST_H, ge=LEGAL_WEEKLY_REST_H, lt=168, strict=True)
    max_shift_h: float = Field(12.0, gt=0, le=24, strict=True)
    night_start: time = LEGAL_NIGHT[0]
    night_end: time = LEGAL_NIGHT[1]
    max_consecutive_nights: int | None = Field(None, ge=1, strict=True)

    @model_validator(mode="after")
    def _night_covers_the_law(self) -> LabourRules:
        """The night window may be wider than art. 96 (more premium), never narrower."""
        s, e = _minutes(self.night_start), _minutes(self.night_end)
        if s == e:
            raise ValueError("night_start and night_end are equal: the night window would be empty")
        if s <= e or s > _minutes(LEGAL_NIGHT[0]):
            raise ValueError(f"night must start at {LEGAL_NIGHT[0]:%H:%M} or earlier in the evening "
                             "(art. 96)")
        if e < _minutes(LEGAL_NIGHT[1]):
            raise ValueError(f"night must end at {LEGAL_NIGHT[1]:%H:%M} or later in the morning (art. 96)")
        return self

    @property
    def night_window_h(self) -> float:
        """Hours of night in one calendar day (8 for 22:00-06:00)."""
        return (24 * 60 - _minutes(self.night_start) + _minutes(self.night_end)) / 60

    def assumptions(self) -> dict[str, str]:
        """The rules in words, for the assumptions sheet of the reports."""
        nights = ("no limit" if self.max_consecutive_nights is None
                  else f"at most {self.max_consecutive_nights} in a row")
        return {
            "minimum daily rest": f"{self.min_daily_rest_h:g} h between shifts (setting labour.min_daily_rest_h)",
            "weekly rest": (f"{self.weekly_rest_h:g} h uninterrupted in every 7 days in a row (from any day), "
                            "at least half of it inside them (art. 110)"),
            "longest shift": f"{self.max_shift_h:g} h on site",
            "night": f"{self.night_start:%H:%M}-{self.night_end:%H:%M} (art. 96)",
            "consecutive night shifts": nights,
            "shifts in a row": "never: a shift may not start when the previous one ends (art. 103)",
        }


def parse_labour(raw: Any) -> LabourRules:
    """Validate `[labour]`; RuleError naming the setting for anything impossible or unlawful."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RuleError("[labour] must be a table", setting="labour")
    try:
        return LabourRules.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        msg = err["msg"].removeprefix("Value error, ")
        if not loc:   # the night-window check spans two fields; name the one the message blames
            loc = ["night_end" if "night must end" in msg else "night_start"]
        if loc == ["weekly_rest_h"] and err["type"] == "greater_than_equal":
            msg += " h: art. 110 grants at least 42 h of uninterrupted weekly rest"
        raise RuleError(msg, setting=".".join(["labour", *loc])) from None
