"""Turn one raw column of an input table into typed values, or one InputError naming the cell.

`read_table` (forecasts.tables) leaves every cell as text or the raw Excel value. The `to_*`
converters here read numbers with decimal commas and thousands spaces, ISO and DD.MM.YYYY times
(a time-zone suffix dropped), dates, yes/no words and fixed choices, and on the first bad cell
raise one `InputError` naming the file, the spreadsheet row and the column, because that is
what a team lead needs to fix the export.

Rows are taken from the frame's index (see `spreadsheet_row`): a frame from `read_table`, or a
column sliced from one, carries the spreadsheet row; a frame built by hand with a fresh 0-based
index is read as "header, then data from row 2".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from common.errors import InputError
from common.words import YES_NO, YES_NO_HINT
from forecasts.tables import is_filled

__all__ = [
    "OFFSET_DROPPED",
    "spreadsheet_row",
    "to_bools",
    "to_choice",
    "to_dates",
    "to_numbers",
    "to_strings",
    "to_timestamps",
]

_TS_UNIT = "datetime64[us]"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_OFFSET_RE = re.compile(r"(?<=\d)\s*(?:Z|z|UTC|[+-]\d{2}:?\d{2})$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_DOTTED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y")


OFFSET_DROPPED = "offset_dropped"  # key in the attrs of the Series that to_timestamps returns


def _str_mask(col: pd.Series) -> np.ndarray:
    if col.dtype != object:
        if pd.api.types.is_string_dtype(col):
            return col.notna().to_numpy()
        return np.zeros(len(col), dtype=bool)
    return np.fromiter((isinstance(v, str) for v in col.to_numpy()), bool, len(col))


class _Cells(NamedTuple):
    raw: np.ndarray      # the original cells (object)
    text: np.ndarray     # stripped text of string cells, '' elsewhere (object)
    is_str: np.ndarray
    empty: np.ndarray


def _cells(df: pd.DataFrame, col: str, file: str | None) -> tuple[_Cells, str | None]:
    source = file if file is not None else df.attrs.get("source")
    if col not in df.columns:
        raise InputError(
            f"missing column '{col}'; found: {', '.join(map(str, df.columns))}", file=source
        )
    series = df[col]
    raw = series.to_numpy(dtype=object)
    # read_table's text tables hold only strings: skip the per-cell type scan
    is_str = np.ones(len(raw), bool) if df.attrs.get("format") == "csv" else _str_mask(series)
    if is_str.all():
        text = _strip_all(raw)
        empty = text == ""
    else:
        text = np.full(len(raw), "", dtype=object)
        if is_str.any():
            text[is_str] = _strip_all(raw[is_str])
        empty = ~np.fromiter(map(is_filled, raw), bool, len(raw))
    return _Cells(raw, text, is_str, np.asarray(empty, dtype=bool)), source


def _strip_all(values: np.ndarray) -> np.ndarray:
    """Strip an object array of strings (str.strip returns the same object when it can)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(map(str.strip, values))
    return out


def _fail(df: pd.DataFrame, pos: int, col: str, file: str | None, message: str) -> InputError:
    return InputError(message, file=file, row=spreadsheet_row(df, pos), column=col)


def spreadsheet_row(df: pd.DataFrame, pos: int) -> int:
    """Spreadsheet row of the frame's `pos`-th row.

    Frames from `read_table` (and anything sliced from them) carry the row in the index; a
    frame built by hand with a fresh 0-based index is taken as header + data rows.
    """
    label = df.index[pos]
    index = df.index
    fresh = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if fresh or not isinstance(label, (int, np.integer)):
        return pos + 2
    return int(label)


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _check_empty(df: pd.DataFrame, col: str, cells: _Cells, file: str | None, allow: bool) -> None:
    if not allow and cells.empty.any():
        raise _fail(df, int(np.argmax(cells.empty)), col, file, "empty cell; a value is required")


def to_numbers(
    df: pd.DataFrame,
    col: str,
    *,
    file: str | None = None,
    min_value: float | None = None,
    above: float | None = None,
    integer: bool = False,
    allow_empty: bool = False,
    decimal_comma: bool | None = None,
) -> pd.Series:
    """Column -> finite float64 (int64 if `integer`; nullable Int64 if it may be empty).

    Accepts `1.5`, `1,5` (decimal comma, unless the file is comma-separated), `1 234` (space,
    NBSP or narrow NBSP as thousands separators) and Excel numbers. `min_value` is inclusive,
    `above` a strict lower bound. Empty cells are NaN when `allow_empty`, an error otherwise.
    """
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, allow_empty)
    comma = df.attrs.get("decimal_comma", True) if decimal_comma is None else decimal_comma
    values = np.full(len(df), np.nan)
    todo = cells.is_str & ~cells.empty
    if todo.any():
        text = cells.text[todo]
        if comma and "," in "".join(text):
            text = np.array([t.replace(",", ".") for t in text], dtype=object)
        values[todo] = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce") \
            .to_numpy(dtype=float)
        # to_numeric reads 'nan'/'inf' too; those and anything unusual go through the slow path
        for pos in np.flatnonzero(todo & ~np.isfinite(values)):
            values[pos] = _lenient_number(cells.text[pos], comma)
    other = np.flatnonzero(~cells.is_str & ~cells.empty)
    if other.size:
        cell_values = cells.raw[other]
        numeric = np.fromiter(map(_is_number, cell_values), bool, other.size)
        values[other[numeric]] = cell_values[numeric].astype(float)
    bad = np.isnan(values) & ~cells.empty
    if bad.any():
        pos = int(np.argmax(bad))
        raw = cells.raw[pos]
        hint = " (in a comma-separated file write decimals with a point)" \
            if isinstance(raw, str) and "," in raw and not comma else ""
        raise _fail(df, pos, col, file, f"{_show(raw)} is not a number{hint}")
    infinite = np.isinf(values)
    if infinite.any():
        pos = int(np.argmax(infinite))
        raise _fail(df, pos, col, file, f"{_show(cells.raw[pos])} is not a finite number")
    if min_value is not None and (low := values < min_value).any():
        pos = int(np.argmax(low))
        raise _fail(df, pos, col, file,
                    f"{_fmt(values[pos])} is below the minimum {_fmt(min_value)}")
    if above is not None and (low := values <= above).any():
        pos = int(np.argmax(low))
        raise _fail(df, pos, col, file, f"{_fmt(values[pos])} must be greater than {_fmt(above)}")
    if integer:
        frac = ~np.isnan(values) & (values != np.round(values))
        if frac.any():
            pos = int(np.argmax(frac))
            raise _fail(df, pos, col, file, f"{_fmt(values[pos])} is not a whole number")
        if cells.empty.any():
            ints = pd.array(np.where(cells.empty, 0, values).astype(np.int64), dtype="Int64")
            ints[cells.empty] = pd.NA
            return pd.Series(ints, index=df.index, name=col)
        return pd.Series(values.astype(np.int64), index=df.index, name=col)
    return pd.Series(values, index=df.index, name=col)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _lenient_number(text: str, decimal_comma: bool) -> float:
    """One cell the fast path could not read: thousands separators, or not a number (NaN)."""
    s = text.translate(_SPACES) if _THOUSANDS_RE.match(text) else text
    if decimal_comma and s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    return float(s) if _PLAIN_NUMBER.fullmatch(s) else math.nan


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def to_timestamps(
    df: pd.DataFrame, col: str, *, file: str | None = None, allow_empty: bool = False
) -> pd.Series:
    """Column -> naive wall-clock datetimes (`datetime64[us]`, NaT for allowed empties).

    Accepts `2026-11-16 08:00`, `2026-11-16T08:00:00`, `16.11.2026 08:00`, with or without
    seconds, date-only values (midnight), Excel date cells and Excel serial numbers. A `Z` or
    `+03:00` suffix is dropped and the wall-clock time kept, because rota reads every time as
    site-local; `result.attrs["offset_dropped"]` (OFFSET_DROPPED) is then True so the caller
    can warn about it.
    """
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, allow_empty)
    out = np.full(len(df), np.datetime64("NaT"), dtype=_TS_UNIT)
    offset_dropped = False
    todo = cells.is_str & ~cells.empty
    if todo.any():
        out[todo], offset_dropped = _parse_datetime_text(cells.text[todo])
    other = np.flatnonzero(~cells.is_str & ~cells.empty)
    if other.size:
        out[other] = _excel_datetimes(cells.raw[other])
    bad = np.isnat(out) & ~cells.empty
    if bad.any():
        pos = int(np.argmax(bad))
        raise _fail(
            df, pos, col, file,
            f"{_show(cells.raw[pos])} is not a date and time "
            "(expected e.g. 2026-11-16 08:00 or 16.11.2026 08:00)",
        )
    result = pd.Series(out, index=df.index, name=col)
    result.attrs[OFFSET_DROPPED] = offset_dropped
    return result


def _parse_datetime_text(text: np.ndarray) -> tuple[np.ndarray, bool]:
    """Stripped, non-empty strings -> datetime64[us] (NaT where unreadable), offset flag.

    Exports use one format throughout, so one vectorised ISO pass (after turning
    `dd.mm.yyyy` into ISO by moving characters) reads almost every file; mixed formats and
    mixed offsets fall back to a per-format pass.
    """
    iso_text = _dotted_to_iso(text)
    try:
        fast = pd.to_datetime(pd.Series(iso_text, dtype=object), format="ISO8601", errors="coerce")
        if not fast.isna().any() and min(map(len, text)) >= 10:
            if fast.dt.tz is None:
                return fast.to_numpy(dtype=_TS_UNIT), False
            return fast.dt.tz_localize(None).to_numpy(dtype=_TS_UNIT), True
    except (ValueError, TypeError, OverflowError):
        pass
    series = pd.Series(iso_text, dtype=object)
    has_offset = series.str.contains(_OFFSET_RE, regex=True).to_numpy(dtype=bool)
    if has_offset.any():
        series = series.str.replace(_OFFSET_RE, "", regex=True)
    result = np.full(len(series), np.datetime64("NaT"), dtype=_TS_UNIT)
    iso = series.str.match(r"\d{4}-\d{1,2}-\d{1,2}").to_numpy(dtype=bool)
    if iso.any():
        result[iso] = pd.to_datetime(series[iso], format="ISO8601", errors="coerce") \
            .to_numpy(dtype=_TS_UNIT)
    dotted = series.str.match(r"\d{1,2}\.\d{1,2}\.\d{4}").to_numpy(dtype=bool)
    for fmt in _DOTTED_FORMATS:
        todo = dotted & np.isnat(result)
        if not todo.any():
            break
        result[todo] = pd.to_datetime(series[todo], format=fmt, errors="coerce") \
            .to_numpy(dtype=_TS_UNIT)
    return result, bool(has_offset.any())


_DOT, _DASH = ord("."), ord("-")


def _dotted_to_iso(text: np.ndarray) -> np.ndarray:
    """`16.11.2026 08:00` -> `2026-11-16 08:00` for every value with two-digit day and month.

    Done on the UCS-4 code points as a (rows x chars) matrix: a column shuffle instead of a
    per-row regex, so a 150k-row Russian export parses as fast as an ISO one.
    """
    if len(text) == 0 or not any(isinstance(v, str) and v[2:3] == "." for v in text[:50]):
        return text
    chars = np.asarray(text, dtype=str)
    width = chars.dtype.itemsize // 4
    if width < 10 or width > 64:
        return text
    codes = chars.view(np.uint32).reshape(len(chars), width)
    digits = codes[:, [0, 1, 3, 4, 6, 7, 8, 9]]
    hit = (codes[:, 2] == _DOT) & (codes[:, 5] == _DOT) & np.all((digits >= 48) & (digits <= 57), axis=1)
    if width > 10:
        hit &= np.isin(codes[:, 10], (0, 32, 84))  # end, space or 'T'
    if not hit.any():
        return text
    moved = codes[hit]
    new = moved.copy()
    new[:, 0:4] = moved[:, 6:10]
    new[:, 4] = _DASH
    new[:, 5:7] = moved[:, 3:5]
    new[:, 7] = _DASH
    new[:, 8:10] = moved[:, 0:2]
    out = np.array(text, dtype=object)
    out[hit] = new.view(chars.dtype).ravel().astype(object)
    return out


def _excel_datetimes(values: np.ndarray) -> np.ndarray:
    """Excel cell values -> datetime64[us]: date cells, and serial day numbers (1900 system)."""
    out = np.full(len(values), np.datetime64("NaT"), dtype=_TS_UNIT)
    is_date = np.fromiter((isinstance(v, (dt.date, pd.Timestamp)) for v in values), bool, len(values))
    if is_date.any():
        stamps = [pd.Timestamp(v).tz_localize(None) if getattr(v, "tzinfo", None) else v
                  for v in values[is_date]]
        out[is_date] = pd.to_datetime(pd.Series(stamps, dtype=object), errors="coerce") \
            .to_numpy(dtype=_TS_UNIT)
    is_serial = np.fromiter(map(_is_number, values), bool, len(values))
    if is_serial.any():
        days = values[is_serial].astype(float)
        days[(days <= 0) | (days >= 2_958_466)] = np.nan  # Excel's range: 1900-01-01..9999-12-31
        micro = np.round(days * 86_400_000_000)
        stamps = np.full(len(days), np.datetime64("NaT"), dtype=_TS_UNIT)
        ok = ~np.isnan(micro)
        stamps[ok] = _EXCEL_EPOCH.to_datetime64().astype(_TS_UNIT) + micro[ok].astype(np.int64) \
            .astype("timedelta64[us]")
        out[is_serial] = stamps
    return out


def to_dates(
    df: pd.DataFrame, col: str, *, file: str | None = None, allow_empty: bool = True
) -> pd.Series:
    """Column -> dates as midnight `datetime64[us]`; a time other than 00:00 is an error.

    Empty cells are NaT by default: rota's date columns are optional per row (an agent without
    `cycle_start`), or the caller words its own message; pass `allow_empty=False` to refuse.
    """
    ts = to_timestamps(df, col, file=file, allow_empty=allow_empty)
    ts.attrs.clear()
    cells, file = _cells(df, col, file)
    timed = (ts != ts.dt.normalize()).to_numpy() & ~ts.isna().to_numpy()
    if timed.any():
        pos = int(np.argmax(timed))
        raise _fail(df, pos, col, file, f"{_show(cells.raw[pos])} has a time of day; expected a date")
    return ts


def to_bools(
    df: pd.DataFrame,
    col: str,
    *,
    file: str | None = None,
    default: bool | None = None,
) -> pd.Series:
    """Column -> bool: true/false, 1/0, yes/no, да/нет, истина/ложь; empty -> `default`."""
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, default is not None)
    words = pd.Series(_texts(cells), dtype=object).str.lower().map(YES_NO)
    words[cells.empty] = bool(default)
    bad = words.isna().to_numpy()
    if bad.any():
        pos = int(np.argmax(bad))
        raise _fail(df, pos, col, file,
                    f"{_show(cells.raw[pos])} is not yes/no ({YES_NO_HINT})")
    return pd.Series(words.to_numpy(dtype=bool), index=df.index, name=col)


def to_choice(
    df: pd.DataFrame,
    col: str,
    choices: Sequence[str],
    *,
    file: str | None = None,
    default: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> pd.Series:
    """Column -> one of `choices` (matched case-insensitively, returned as spelled in choices).

    `aliases` are other words for a choice (Russian names, T-13 codes), matched the same way
    with runs of spaces taken as one, so a file typed in Russian is read as it is written.
    """
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, default is not None)
    canon = {str(c).strip().lower(): c for c in choices}
    canon.update({" ".join(str(k).lower().split()): v for k, v in (aliases or {}).items()})
    words = pd.Series(_texts(cells), dtype=object).map(lambda t: " ".join(str(t).lower().split()))
    mapped = words.map(canon)
    bad = mapped.isna().to_numpy() & ~cells.empty
    if bad.any():
        pos = int(np.argmax(bad))
        also = f" (or {', '.join(dict.fromkeys(aliases))})" if aliases else ""
        raise _fail(df, pos, col, file,
                    f"{_show(cells.raw[pos])} is not one of: {', '.join(map(str, choices))}{also}")
    values = mapped.to_numpy(dtype=object)
    values[cells.empty] = default
    return pd.Series(values, index=df.index, name=col, dtype=object)


def to_strings(
    df: pd.DataFrame, col: str, *, file: str | None = None, allow_empty: bool = False
) -> pd.Series:
    """Column -> stripped text; Excel numbers become their plain text (1001.0 -> '1001')."""
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, allow_empty)
    return pd.Series(_texts(cells), index=df.index, name=col, dtype=object)


def _texts(cells: _Cells) -> np.ndarray:
    """Every cell as stripped text; Excel values rendered the way the user sees them."""
    other = ~cells.is_str & ~cells.empty
    if not other.any():
        return cells.text
    text = cells.text.copy()
    text[other] = [_excel_text(v) for v in cells.raw[other]]
    return text


def _excel_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()
