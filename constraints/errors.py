"""The one exception the constraints layer raises for impossible rules and bad settings.

The CLI turns it into a single line naming the setting (a dotted path into rota.toml such as
`pay.night_premium`), the agent and the moment concerned, and exit code 2.
"""

from __future__ import annotations

from datetime import date, datetime


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
