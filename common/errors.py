"""The two errors every layer of rota raises, and the CLI turns into one line and exit code 2.

`InputError` is bad input the user must fix: it names the file, row and column (rows are
spreadsheet rows: the header is row 1, the first data row is row 2). `RuleError` is a rule that
cannot hold or a setting the law or the model does not allow: it names the setting (a dotted
path into rota.toml such as `pay.night_premium`), the agent and the moment concerned.

This module imports nothing of rota's, so `forecasts`, `constraints` and `planner` may all use it.
"""

from __future__ import annotations

from datetime import date, datetime


class InputError(ValueError):
    """Bad input that the user must fix: where it is and what is wrong."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [p for p in (self.file, self.row and f"row {self.row}", self.column and f"column '{self.column}'") if p]
        return f"{', '.join(where)}: {self.message}" if where else self.message



class RuleError(ValueError):
    """A rule that cannot hold or a setting the law or the model does not allow."""

    def __init__(
        self,
        message: str,
        *,
        setting: str | None = None,
        agent_id: str | None = None,
        when: date | datetime | str | None = None,
    ) -> None:
        self.message = message
        self.setting = setting
        self.agent_id = agent_id
        self.when = when
        super().__init__(str(self))

    def __str__(self) -> str:
        when = self.when.isoformat(sep=" ") if isinstance(self.when, datetime) else (
            self.when.isoformat() if isinstance(self.when, date) else self.when
        )
        where = [
            p
            for p in (
                self.setting and f"setting '{self.setting}'",
                self.agent_id is not None and f"agent {self.agent_id}",
                when,
            )
            if p
        ]
        return f"{', '.join(where)}: {self.message}" if where else self.message
