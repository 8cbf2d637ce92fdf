"""The data files of flex agents: when they can work (availability) and what they wish (requests).

Both are read with the project's table reader (CSV or XLSX, `;`, cp1251, BOM), and every problem
names the file, the row and the column. They speak of flex agents only (pattern `flex` in the
agents file): a rota agent's days come from the pattern, so a row for one is a mistake to say.

availability: `agent_id, day, from, to` — `day` is a date or a weekday (mon..sun, пн..вс); the
window `from`-`to` (HH:MM, `to` may be 24:00, or earlier than `from` for a window past midnight,
which belongs to the day it starts). A day's windows are where its shifts may lie; a date's rows
replace its weekday's rows; a row with neither `from` nor `to` says the agent cannot work that
day; an agent without rows may work any time.

requests: `agent_id, date, shift[, weight]` — `shift` is `off` (wants the day off) or a time
range `HH:MM-HH:MM` (wants that shift); `weight` a positive whole number, 1 when empty.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from common.errors import InputError
from constraints.patterns import FLEX
from forecasts.columns import to_dates, to_numbers, to_strings
from forecasts.tables import is_filled, read_table

DAY_MIN = 24 * 60
#: The `[data]` keys of these files.
FLEX_DATA = ("availability", "requests")
OFF_WORDS = ("off", "выходной")
#: Weekday words -> 0 (Monday) .. 6 (Sunday), English and Russian, short and long.
WEEKDAYS: dict[str, int] = {
    word: i
    for i, words in enumerate((
        ("mon", "monday", "пн", "понедельник"), ("tue", "tuesday", "вт", "вторник"),
        ("wed", "wednesday", "ср", "среда"), ("thu", "thursday", "чт", "четверг"),
        ("fri", "friday", "пт", "пятница"), ("sat", "saturday", "сб", "суббота"),
        ("sun", "sunday", "вс", "воскресенье"),
    ))
    for word in words
}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
_RANGE = re.compile(r"(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})")


def clock(value: Any) -> int | None:
    """A time of day HH:MM (24:00 allowed, an Excel time cell too) as minutes; None if it is not one."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    m = _CLOCK.fullmatch(str(value).strip())
    if m is None:
        return None
    h, mins = int(m.group(1)), int(m.group(2))
    minutes = h * 60 + mins
    return minutes if mins < 60 and minutes <= DAY_MIN else None


def _window(start: int, end: int) -> tuple[int, int]:
    """(start, end) minutes from the day's midnight, end after start (past midnight: above 24:00).
    ValueError(message, "from" or "to") when it is not a window."""
    if start == DAY_MIN:
        raise ValueError("a window starts before 24:00 (24:00 is the next day's 00:00)", "from")
    if start == end % DAY_MIN:
        raise ValueError("from and to are the same time: an empty window (00:00 to 24:00 is the whole day)", "to")
    return (start, end) if end > start else (start, end + DAY_MIN)


def _flex_agent(ids: pd.Series, agents: pd.DataFrame, name: str, what: str) -> None:
    """Every row names an agent of the agents file who is on a flexible schedule."""
    pattern = dict(zip(agents["agent_id"].astype(str), agents["pattern"].astype(str)))
    for row, agent_id in ids.items():
        if agent_id not in pattern:
            raise InputError(f"unknown agent {agent_id!r} (not in the agents file)", file=name, row=int(row),
                             column="agent_id")
        if pattern[agent_id] != FLEX:
            raise InputError(f"agent {agent_id} has pattern {pattern[agent_id]}, not flex: {what} are for "
                             "flex agents only (a rota agent's days come from the pattern)",
                             file=name, row=int(row), column="agent_id")


def _clock_cell(value: Any, name: str, row: int, column: str) -> int:
    minutes = clock(value)
    if minutes is None:
        raise InputError(f"{str(value).strip()!r} is not a time of day (HH:MM, 00:00 to 24:00)",
                         file=name, row=row, column=column)
    return minutes


def _days(df: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """The `day` column as (date or NaT, weekday 0..6 or -1)."""
    words = df["day"].map(lambda v: WEEKDAYS.get(str(v).strip().lower().rstrip("."), -1) if isinstance(v, str) else -1)
    dated = df.loc[words < 0]
    try:
        dates = to_dates(dated, "day", file=name, allow_empty=False)
    except InputError as exc:
        value = str(df.at[exc.row, "day"]).strip() if exc.row in df.index else ""
        raise InputError(f"{value!r} is neither a date (2026-11-20 or 20.11.2026) nor a weekday (mon..sun, пн..вс)"
                         if value else "empty cell; a date or a weekday is required",
                         file=name, row=exc.row, column="day") from None
    return dates.reindex(df.index), words.astype(int)


def load_availability(path: Path | None, agents: pd.DataFrame) -> pd.DataFrame:
    """availability.csv as rows `agent_id, date, weekday, start, end` (minutes of the day, end >
    start, up to 48:00 past midnight; NaN start and end for a day the agent cannot work), indexed
    by spreadsheet row. No file: no rows, so every flex agent may work any time."""
    columns = {"agent_id": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[us]"),
               "weekday": pd.Series(dtype=int), "start": pd.Series(dtype=float), "end": pd.Series(dtype=float)}
    if path is None:
        return pd.DataFrame(columns)
    name = Path(path).name
    df = read_table(path, required=("agent_id", "day", "from", "to"), what="availability", allow_no_rows=True)
    if df.empty:
        return pd.DataFrame(columns)
    ids = to_strings(df, "agent_id", file=name)
    _flex_agent(ids, agents, name, "availability rows")
    dates, weekdays = _days(df, name)
    starts, ends = [], []
    for row, a, b in zip(df.index, df["from"], df["to"]):
        if not is_filled(a) and not is_filled(b):
            starts.append(np.nan)
            ends.append(np.nan)
            continue
        for value, col in ((a, "from"), (b, "to")):
            if not is_filled(value):
                raise InputError("empty cell; give both from and to, or neither for a day the agent cannot work",
                                 file=name, row=int(row), column=col)
        start, end = _clock_cell(a, name, int(row), "from"), _clock_cell(b, name, int(row), "to")
        try:
            window = _window(start, end)
        except ValueError as exc:
            raise InputError(exc.args[0], file=name, row=int(row), column=exc.args[1]) from None
        starts.append(window[0])
        ends.append(window[1])
    return pd.DataFrame({"agent_id": ids, "date": dates, "weekday": weekdays,
                         "start": np.array(starts, dtype=float), "end": np.array(ends, dtype=float)}, index=df.index)


def _wanted(value: Any, name: str, row: int) -> tuple[float, float]:
    """A request's shift as (start, minutes); (NaN, NaN) for a day off."""
    text = str(value).strip()
    if text.lower() in OFF_WORDS:
        return np.nan, np.nan
    m = _RANGE.fullmatch(text)
    start, end = (clock(m.group(1)), clock(m.group(2))) if m else (None, None)
    if start is None or end is None:
        raise InputError(f"{text!r} is neither off nor a time range such as 08:00-14:00 (HH:MM-HH:MM, "
                         "the end may be 24:00 or past midnight)", file=name, row=row, column="shift")
    try:
        window = _window(start, end)
    except ValueError as exc:
        raise InputError(exc.args[0], file=name, row=row, column="shift") from None
    return float(window[0]), float(window[1] - window[0])


def load_requests(path: Path | None, agents: pd.DataFrame) -> pd.DataFrame:
    """requests.csv as rows `agent_id, date, start, minutes, weight` (NaN start and minutes for a
    wished day off), indexed by spreadsheet row. Dates outside the plan are kept: the caller
    takes those of its horizon."""
    columns = {"agent_id": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[us]"),
               "start": pd.Series(dtype=float), "minutes": pd.Series(dtype=float), "weight": pd.Series(dtype=int)}
    if path is None:
        return pd.DataFrame(columns)
    name = Path(path).name
    df = read_table(path, required=("agent_id", "date", "shift"), optional=("weight",), what="requests",
                    allow_no_rows=True)
    if df.empty:
        return pd.DataFrame(columns)
    ids = to_strings(df, "agent_id", file=name)
    _flex_agent(ids, agents, name, "requests")
    dates = to_dates(df, "date", file=name, allow_empty=False)
    shifts = to_strings(df, "shift", file=name)
    wanted = [_wanted(v, name, int(row)) for row, v in shifts.items()]
    weight = (to_numbers(df, "weight", file=name, above=0, integer=True, allow_empty=True).fillna(1).astype(int)
              if "weight" in df else pd.Series(1, index=df.index))
    return pd.DataFrame({"agent_id": ids, "date": dates, "start": [w[0] for w in wanted],
                         "minutes": [w[1] for w in wanted], "weight": weight}, index=df.index)
