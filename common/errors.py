"""The two errors every layer of rota raises, and the CLI turns into one line and exit code 2.

`InputError` is bad input the user must fix: it names the file, row and column (rows are
spreadsheet rows: the header is row 1, the first data row is row 2). `RuleError` is a rule that
cannot hold or a setting the law or the model does not allow: it names the setting (a dotted
path into rota.toml such as `pay.night_premium`), the agent and the moment concerned.

Settings are validated with pydantic; `pydantic_problem` turns its `ValidationError` into the
dotted setting and one readable line, the same way for every section.

This module imports nothing of rota's, so `forecasts`, `constraints` and `planner` may all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from pydantic import ValidationError
from pydantic_core import ErrorDetails


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


#: what a run stops on as bad input: one line and exit code 2 (an OSError is an output folder that
#: cannot be made, a read-only disk)
INPUT_ERRORS = (InputError, RuleError, OSError)


def error_line(exc: BaseException) -> str:
    """One of `INPUT_ERRORS` as the one line the user reads (an OSError names its file)."""
    if isinstance(exc, OSError):
        exc = InputError(exc.strerror or str(exc), file=exc.filename and str(exc.filename))
    return " ".join(str(exc).split())


# -- settings validated by pydantic --------------------------------------------------------------

Loc = tuple[str | int, ...]


class FieldError(ValueError):
    """A validator's complaint about one setting below the model (`loc`), raised by a check that
    reads several fields at once: pydantic would blame the whole model, this names the field."""

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.message = message
        self.loc: Loc = loc


def setting_path(parts: Sequence[str | int], *, brackets: bool = False) -> str:
    """A setting's dotted path (`pay.night_premium`); list positions as `[0]` when `brackets`
    (`channels.phone.periods[0].from`), else as one more part (`volume.0.factor`)."""
    out = ""
    for part in parts:
        if brackets and isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def pydantic_message(err: ErrorDetails) -> str:
    """One pydantic error in plain words: a validator's own message without pydantic's
    "Value error, " prefix, else pydantic's message."""
    cause = err.get("ctx", {}).get("error")
    if err["type"] == "value_error" and cause is not None:
        return str(cause)
    return err["msg"].removeprefix("Value error, ")


def pydantic_problem(
    exc: ValidationError,
    prefix: Sequence[str | int] = (),
    *,
    describe: Callable[[ErrorDetails, str], str | None] | None = None,
    locate: Callable[[Loc], Loc] | None = None,
    brackets: bool = False,
) -> tuple[str, str]:
    """(dotted setting, message) of the first error of `exc`, so every section reports a bad
    setting alike: one line that names where it is.

    `prefix` is where the validated table sits (`("pay",)`). A `FieldError` names its own field.
    Hooks for a caller's own wording: `locate` rewrites the error's location (below the prefix),
    `describe(err, setting)` returns the message or None for the plain one (`pydantic_message`).
    """
    err = exc.errors()[0]
    loc: Loc = tuple(err["loc"])
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, FieldError):
        loc += cause.loc
    if locate is not None:
        loc = locate(loc)
    setting = setting_path((*prefix, *loc), brackets=brackets)
    if isinstance(cause, FieldError):
        return setting, cause.message
    said = describe(err, setting) if describe is not None else None
    return setting, said if said is not None else pydantic_message(err)
