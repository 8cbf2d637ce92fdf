"""The night window: art. 96's legal night and the one window a site configures.

The labour rules protect the night and the pay rules pay it extra (art. 154); both read the one
`NightWindow` built from `[labour] night_start / night_end`, so they cannot disagree. A site may
make its night wider than the law's 22:00-06:00 (more premium, more protection), never narrower,
and never empty. The window crosses midnight: it starts in the evening and ends in the morning.
"""

from __future__ import annotations

from datetime import time
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.errors import FieldError

DAY_S = 86_400
LEGAL_START = time(22)      # art. 96: night is 22:00-06:00
LEGAL_END = time(6)
NOON = time(12)             # the evening starts and the morning ends here
NIGHT_SETTINGS = ("night_start", "night_end")   # the window's names in rota.toml


def check_night_window(start: time, end: time) -> None:
    """Refuse a window that art. 96 does not allow, naming the setting to fix (FieldError).

    One check for every place a window is configured: not empty, starting in the evening no later
    than 22:00, ending in the morning no earlier than 06:00.
    """
    if start == end:
        raise FieldError("night_start and night_end are equal: the night window would be empty", "night_start")
    if not NOON <= start <= LEGAL_START:
        raise FieldError(f"{start:%H:%M}: night must start in the evening, at {LEGAL_START:%H:%M} or earlier "
                         "(art. 96)", "night_start")
    if not LEGAL_END <= end <= NOON:
        raise FieldError(f"{end:%H:%M}: night must end in the morning, at {LEGAL_END:%H:%M} or later (art. 96)",
                         "night_end")


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


class NightWindow(BaseModel):
    """A lawful night window, from `start` in the evening to `end` the next morning.

    Validated from rota.toml's names (`night_start`, `night_end`) or built by field name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: time = Field(LEGAL_START, alias="night_start")
    end: time = Field(LEGAL_END, alias="night_end")

    @model_validator(mode="after")
    def _lawful(self) -> NightWindow:
        """The one validation of art. 96 (see `check_night_window`)."""
        check_night_window(self.start, self.end)
        return self

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def start_s(self) -> int:
        """Seconds after midnight at which the night starts."""
        return _seconds(self.start)

    @property
    def end_s(self) -> int:
        """Seconds after midnight at which the night ends."""
        return _seconds(self.end)

    @property
    def hours_per_day(self) -> float:
        """Hours of night in one calendar day (8 for 22:00-06:00)."""
        return (DAY_S - self.start_s + self.end_s) / 3600

    def seconds_before(self, t: Any) -> Any:
        """Night seconds from a midnight (t = 0) to `t` seconds after it: whole days times the
        night's length plus the day's part. Ints, floats or arrays.

        Differences of this function give the night inside any interval, additive over splits
        by construction; pay and line generation count night hours with it.
        """
        ns, ne = self.start_s, self.end_s
        day, tod = np.divmod(t, DAY_S)
        return day * (ne + DAY_S - ns) + np.minimum(tod, ne) + np.maximum(tod - ns, 0)

    def hours(self, a_h: float, b_h: float) -> float:
        """Hours of [a_h, b_h) inside the night, both in hours after the same midnight
        (a 20:00-08:00 shift has 8 under the law's window)."""
        return float(self.seconds_before(b_h * 3600) - self.seconds_before(a_h * 3600)) / 3600


LEGAL_NIGHT = NightWindow()


def is_night_shift(night_h: Any, on_site_h: Any) -> Any:
    """Whether a shift is a night shift: at least half of its time on site in the night window
    (a 20:00-08:00 shift, 8 of 12 h, is; a 16:00-04:00 one, 6 of 12 h, is too). The one test for
    the nights-in-a-row limit and for art. 96's shorter night shift. Scalars or arrays."""
    return (2 * np.asarray(night_h, float) >= np.asarray(on_site_h, float)) & (np.asarray(on_site_h, float) > 0)
