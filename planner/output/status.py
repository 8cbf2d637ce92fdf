"""The one live line of a long run: the stage running, its seconds and the run's, and while the
solver searches, its best rota and gap.

Stages come from `common.stages`; the line is redrawn several times a second, so a stage that
takes many seconds (naming 5,000 agents, the rule checker, the workbook) is seen counting
rather than silent. It fits 80 columns.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.text import Text

from common.stages import listening


class RunStatus:
    """A transient status line for `console` that follows the stages begun inside it; `solver`
    takes the search's (seconds, objective, bound) reports."""

    _origin: float | None = None   # the first status line's start: "in all" counts the whole command

    def __init__(self, console: Console, first: str = "starting") -> None:
        self._console = console
        self._since = time.perf_counter()
        if RunStatus._origin is None:
            RunStatus._origin = self._since
        self._began = RunStatus._origin
        self._stage = first
        self._search: tuple[float, float] | None = None   # (objective, gap) of the last report

    def heard(self, name: str, seconds: float | None) -> None:
        if seconds is None:
            self._stage, self._since = name, time.perf_counter()
            if name.startswith("LP start"):   # a model solved again (flex: the rota after the rosters)
                self._search = None

    def solver(self, t: float, objective: float, bound: float) -> None:
        gap = (objective - bound) / objective if objective else 0.0
        self._search = (objective, gap)

    def line(self) -> str:
        """What the status says now (its width stays under 80 columns for a cost below 10^12 RUB)."""
        now = time.perf_counter()
        text = f"{self._stage} … {now - self._since:.0f} s"
        if self._search is not None:
            objective, gap = self._search
            text += f" · best {objective:,.0f} RUB · gap {gap:.2%}"
        return text + f" · {now - self._began:.0f} s in all"

    def __rich__(self) -> Text:
        return Text(self.line())

    def __enter__(self) -> RunStatus:
        self._status = self._console.status(self)
        self._status.__enter__()
        self._listen = listening(self.heard)
        self._listen.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._listen.__exit__(*exc)
        self._status.__exit__(*exc)
