"""The one exception the forecasting stage raises for bad input.

The CLI turns it into a single line naming the file, row and column, and exit code 2.
Rows are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations


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
