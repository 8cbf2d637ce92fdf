"""How far the history stops short of the forecast start, and what that does to the forecast.

Every method forecasts from the last weeks it has: their level, trend and shape per weekday are
carried forward across any stretch of days that is missing between the end of the history and the
start. A week or two is the normal lag of a weekly export; months mean that the forecast has not
seen the seasons, growth, new queues and sales in between, and the rota is sized on a guess. A
gap of more than `WARN_DAYS` is therefore said on screen, and one of more than `REFUSE_DAYS` stops
`rota plan` unless it is forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

WARN_DAYS = 14     # two weeks without history: a weekly export that was skipped once
REFUSE_DAYS = 56   # eight weeks: the forecast no longer describes the weeks it is for


@dataclass(frozen=True)
class Freshness:
    """The last hour of history before the start, and the whole days missing in between."""

    last: pd.Timestamp
    start: date
    missing_days: int

    @property
    def severity(self) -> str | None:
        """None (fine), 'warning' (said on screen) or 'error' (refused unless forced)."""
        if self.missing_days > REFUSE_DAYS:
            return "error"
        return "warning" if self.missing_days > WARN_DAYS else None

    def message(self) -> str:
        """What the gap is and what it means for the forecast, in one line."""
        span = f"{self.missing_days} days" if self.missing_days < 21 else f"{self.missing_days / 7:.0f} weeks"
        text = (f"the history ends {self.last:%Y-%m-%d}, {span} before the start {self.start:%Y-%m-%d}: the "
                f"forecast carries the level, trend and weekly shape of its last weeks across {span} unseen "
                "(season, growth, sales, new queues); put the latest history in place")
        if self.severity == "error":
            text += f"; more than {REFUSE_DAYS // 7} weeks is too far to plan on"
        return text

    def verdict(self, *, force: bool = False) -> tuple[str | None, str]:
        """(severity, message) as `rota plan` and `rota validate` say it: a gap past the limit is
        an error unless forced, and then only a warning."""
        severity = self.severity
        if severity == "error" and force:
            severity = "warning"
        if severity is None:
            return None, ""
        return severity, self.message() + (" (--force plans anyway)" if severity == "error" else "")


def freshness(ts: pd.Series, start: date) -> Freshness | None:
    """The freshness of history timestamps `ts` at `start`; None when none is before the start."""
    before = ts[ts < pd.Timestamp(start)]
    if before.empty:
        return None
    last = pd.Timestamp(before.max())
    return Freshness(last, start, max(0, (start - last.date()).days - 1))
