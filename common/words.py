"""Yes/no words as every reader of rota takes them, in one table.

The agents file's loader (`forecasts.columns.to_bools`) and the rule checker
(`constraints.checker`) both decide from this table whether an agent may work at night
(`night_ok`, art. 96) or was hired for night work (`hired_for_nights`). Two tables would let
"нет" mean no to one and yes to the other; a cell that is in neither list is an error for
both, never a yes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: Lower-case text of a cell -> its truth value.
YES_NO: dict[str, bool] = {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
    "да": True, "нет": False, "истина": True, "ложь": False,
}
YES_NO_HINT = "use true/false, 1/0, yes/no, да/нет"


def is_blank(value: Any) -> bool:
    """An empty cell: None, NaN/NaT or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):   # a list or an array is no blank cell
        return False


def cell_text(value: Any) -> str:
    """A cell as the user sees it, lower-cased: True -> "true", 1.0 -> "1", " Да " -> "да"."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":   # numpy's bool too
        return str(bool(value)).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


def yes_no(value: Any) -> bool | None:
    """The truth value of one cell, or None when it is blank or not a yes/no word."""
    if is_blank(value):
        return None
    return YES_NO.get(cell_text(value))
