"""Read every tabular input of rota (CSV or XLSX) the same forgiving-but-strict way.

Team leads hand us whatever their telephony or HR system exports: `;`-separated cp1251 with
decimal commas, UTF-8 with a BOM, tab-separated text, or an Excel workbook with real date cells.
`read_table` accepts all of these and returns the cells untouched (text, or the raw Excel
value); the `to_*` converters then turn one column into typed values and, on the first bad
cell, raise one `InputError` naming the file, the spreadsheet row and the column.

The returned frame's index IS the spreadsheet row number (header = row 1 in a plain file), so
messages point at the row the user sees in Excel, even after blank or title rows, and a column
sliced from the frame keeps its rows. A frame built by hand with a fresh 0-based index is read
as "header, then data from row 2" (see `spreadsheet_row`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from common.errors import InputError

__all__ = [
    "OFFSET_DROPPED",
    "normalise_header",
    "read_table",
    "spreadsheet_row",
    "to_bools",
    "to_choice",
    "to_dates",
    "to_numbers",
    "to_strings",
    "to_timestamps",
]

_SEPARATORS = ("\t", ";", ",")
_HEADER_SEARCH_ROWS = 20  # title lines above the header that we are willing to skip
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted workbook
_TS_UNIT = "datetime64[us]"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_OFFSET_RE = re.compile(r"(?<=\d)\s*(?:Z|z|UTC|[+-]\d{2}:?\d{2})$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_BOOL_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
    "да": True, "нет": False, "истина": True, "ложь": False,
}
_DOTTED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y")


OFFSET_DROPPED = "offset_dropped"  # key in the attrs of the Series that to_timestamps returns


# ---------------------------------------------------------------------------------------------
# reading


def normalise_header(name: Any) -> str:
    """Header cell -> column name: BOM removed, stripped, lower-case."""
    return "" if name is None else str(name).replace("\ufeff", "").strip().lower()


def read_table(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
    what: str = "file",
    sheet: str | int | None = None,
    allow_no_rows: bool = False,
) -> pd.DataFrame:
    """Read a CSV/TSV/XLSX table; every cell stays text (or the raw Excel value), '' if empty.

    Columns are named by `normalise_header`; the index is the spreadsheet row number. The
    header is the first non-blank row, or, when `required` is given, the first of the top rows
    that holds all required names (so title lines above the header are skipped). `optional`
    only enriches the missing-column message. `sheet` picks an XLSX sheet (default: the first).
    `attrs` records `source` (file name), `format`, `sep`, `encoding`, `sheet` and
    `decimal_comma` (True unless the separator is a comma), which the converters use.
    A header without data rows is an error unless `allow_no_rows` (e.g. a list of absences
    that happens to be empty this week).
    """
    path = Path(path)
    name = path.name
    label = what if what.endswith("file") else f"{what} file"
    if not path.exists():
        raise InputError(f"{label} not found: {path}", file=name)
    if path.is_dir():
        raise InputError(f"expected a {label} but found a folder: {path}", file=name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the {label}: {exc.strerror or exc}", file=name) from None
    if not data.strip():
        raise InputError(f"the {label} is empty (no header, no rows)", file=name)

    if data.startswith(_OLE_MAGIC):
        raise InputError(
            "old Excel .xls (or a password-protected workbook) is not supported: "
            "save it as .xlsx or CSV",
            file=name,
        )
    if data.startswith(_ZIP_MAGIC):  # by content, so an .xlsx saved under .csv still reads
        rows, meta = _xlsx_rows(data, name, sheet, label)
        frame = _frame_from_rows(rows, meta, name, label, required, optional)
    elif path.suffix.lower() in _XLSX_SUFFIXES:
        raise InputError(
            "not a valid XLSX workbook (the file is not a zip archive; is it damaged, "
            "or a CSV renamed to .xlsx?)",
            file=name,
        )
    else:
        frame = _read_text_table(data, name, label, required, optional)
    if len(frame) == 0 and not allow_no_rows:
        raise InputError(f"the {label} has a header but no data rows", file=name)
    return frame


def _read_text_table(
    data: bytes, name: str, label: str, required: Sequence[str], optional: Sequence[str]
) -> pd.DataFrame:
    text, encoding = _decode(data, name, label)
    head_lines = re.split(r"\r\n|\r|\n", text[:200_000])[:_HEADER_SEARCH_ROWS + 50]
    try:
        sep, header_idx = _sniff(head_lines, required)
    except csv.Error as exc:
        raise InputError(f"not a readable table: {exc}", file=name) from None
    try:
        raw = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=object, skiprows=header_idx,
            na_filter=False, keep_default_na=False, skip_blank_lines=False, engine="c",
        )
    except pd.errors.EmptyDataError:
        raise InputError(f"the {label} is empty (no header, no rows)", file=name) from None
    except pd.errors.ParserError:
        raw = _read_ragged(text, sep, header_idx, name)
    raw = raw.fillna("")
    header = [normalise_header(v) for v in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(body))
    body.columns = range(body.shape[1])
    meta = {"format": "csv", "sep": sep, "encoding": encoding, "sheet": None,
            "decimal_comma": sep != ","}
    header_width = len(next(csv.reader([head_lines[header_idx]], delimiter=sep), []))
    return _finish(header, body, header_idx + 1, meta, name, label, required, optional,
                   header_width)


def _decode(data: bytes, name: str, label: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, strictly; then UTF-16 by BOM; then cp1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp1251")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:8192]
        control = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
        if "\x00" in sample or control > max(2, len(sample) // 100):
            raise InputError(
                f"not a text table (binary content); expected CSV or XLSX for the {label}",
                file=name,
            )
        if encoding == "utf-8-sig":
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text.lstrip("\ufeff"), encoding
    raise InputError(
        "not a text table: the bytes are neither UTF-8 nor Windows-1251 (cp1251) text; "
        "expected CSV or XLSX", file=name
    )


def _sniff(lines: list[str], required: Sequence[str]) -> tuple[str, int]:
    """Pick the separator and the header line from the first lines of the file.

    With required columns: the earliest line (over all separators) that names them all.
    Otherwise the first non-blank line, split by the separator that gives it most fields.
    """
    want = {normalise_header(c) for c in required}
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    top = lines[:_HEADER_SEARCH_ROWS + 1]
    parsed = {sep: list(csv.reader(top, delimiter=sep)) for sep in _SEPARATORS}
    if want:
        found = []  # (line index, -fields, priority, sep): earliest, then widest header
        for order, (sep, rows) in enumerate(parsed.items()):
            hits = (i for i, row in enumerate(rows) if want <= {normalise_header(c) for c in row})
            hit = next(hits, None)
            if hit is not None:
                found.append((hit, -len(rows[hit]), order, sep))
        if found:
            hit, _, _, sep = min(found)
            return sep, hit

    def width(sep: str) -> int:
        rows = parsed[sep]
        return len(rows[first]) if first < len(rows) else 0

    order = {sep: i for i, sep in enumerate(_SEPARATORS)}
    return max(_SEPARATORS, key=lambda sep: (width(sep), -order[sep])), first


def _read_ragged(text: str, sep: str, header_idx: int, name: str) -> pd.DataFrame:
    """Slow path for rows longer than the header: read them all, keep extra columns to check."""
    try:
        width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=sep)), default=0)
        return pd.read_csv(
            io.StringIO(text), sep=sep, header=None, names=range(width), dtype=object,
            skiprows=header_idx, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, engine="c",
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise InputError(f"not a readable table: {exc}", file=name) from None


def _xlsx_rows(
    data: bytes, name: str, sheet: str | int | None, label: str
) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """All rows of one sheet as raw values (read-only openpyxl: fast, low memory)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError, ...) on damage
        raise InputError(f"not a valid XLSX workbook ({_reason(exc)})", file=name) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb.worksheets[0] if wb.worksheets else None
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet] if 0 <= sheet < len(wb.worksheets) else None
        else:
            ws = wb[sheet] if sheet in names else None
        if ws is None:
            raise InputError(
                f"sheet {sheet!r} not found; the workbook has: {', '.join(names) or 'no sheets'}",
                file=name,
            )
        try:
            rows = list(ws.iter_rows(min_row=1, values_only=True))
        except Exception as exc:
            raise InputError(
                f"not a valid XLSX workbook ({_reason(exc)})", file=name
            ) from None
        title = ws.title
    finally:
        wb.close()
    if not any(any(_filled(v) for v in row) for row in rows):
        others = [n for n in names if n != title]
        hint = f" (other sheets: {', '.join(others)})" if others else ""
        raise InputError(f"sheet '{title}' of the {label} is empty{hint}", file=name)
    meta = {"format": "xlsx", "sep": None, "encoding": None, "sheet": title,
            "decimal_comma": True}
    return rows, meta


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:160] if text else type(exc).__name__


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, float):
        return not math.isnan(value)
    return not (value is None or value is pd.NA or value is pd.NaT)


def _frame_from_rows(
    rows: list[tuple[Any, ...]], meta: dict[str, Any], name: str, label: str,
    required: Sequence[str], optional: Sequence[str],
) -> pd.DataFrame:
    want = {normalise_header(c) for c in required}
    nonblank = (i for i, row in enumerate(rows) if any(_filled(v) for v in row))
    top = [i for i, _ in zip(nonblank, range(_HEADER_SEARCH_ROWS))]
    header_idx = top[0]
    if want:
        header_idx = next((i for i in top if want <= {normalise_header(v) for v in rows[i]}),
                          header_idx)
    width = max(len(r) for r in rows[header_idx:])
    header = [normalise_header(v) for v in rows[header_idx]] + [""] * width
    body_rows = rows[header_idx + 1:]
    columns = {
        j: [("" if j >= len(r) or r[j] is None else r[j]) for r in body_rows] for j in range(width)
    }
    body = pd.DataFrame(columns, index=pd.RangeIndex(header_idx + 2, header_idx + 2 + len(body_rows)),
                        dtype=object)
    return _finish(header[:width], body, header_idx + 1, meta, name, label, required, optional)


def _finish(
    header: list[str], body: pd.DataFrame, header_row: int, meta: dict[str, Any], name: str,
    label: str, required: Sequence[str], optional: Sequence[str], header_width: int | None = None,
) -> pd.DataFrame:
    """Name the columns, drop blank rows/columns, check the header, attach attrs."""
    header = header + [""] * (body.shape[1] - len(header))
    filled = _filled_mask(body)
    body = body[filled.any(axis=1).to_numpy()]
    filled = filled.loc[body.index]
    keep: list[int] = []
    seen: dict[str, int] = {}
    unnamed: list[int] = []
    for j, col in enumerate(header):
        if not col:
            if filled[j].any():
                unnamed.append(j)
            continue
        if col in seen:
            raise InputError(
                f"column '{col}' appears twice in the header (columns "
                f"{_column_label(seen[col], meta)} and {_column_label(j, meta)})",
                file=name, row=header_row,
            )
        seen[col] = j
        keep.append(j)
    found = [header[j] for j in keep]
    missing = [c for c in (normalise_header(r) for r in required) if c not in seen]
    if missing:
        expected = ", ".join(normalise_header(c) for c in required)
        opt = f" (optional: {', '.join(optional)})" if optional else ""
        merged = "; some header cells are empty (merged header?)" if unnamed else ""
        raise InputError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; found: {', '.join(found) or 'none'}; "
            f"expected: {expected}{opt}{merged}",
            file=name, row=header_row,
        )
    if unnamed:
        j = unnamed[0]
        row = int(filled.index[filled[j].to_numpy()][0])
        if header_width is not None and j >= header_width:
            raise InputError(
                f"row {row} has more values than the header has columns ({header_width}); "
                "check the separator and quoting",
                file=name, row=row,
            )
        raise InputError(
            f"column {_column_label(j, meta)} has values (first in row {row}) but no name in "
            f"the header row {header_row}; merged or empty header cells are not supported: "
            "use one header row with one name per column",
            file=name, row=header_row,
        )
    frame = body[keep]
    frame.columns = found
    frame.attrs.update(meta, source=name, header_row=header_row)
    return frame


def _filled_mask(body: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds something (both readers store an empty cell as '')."""
    return pd.DataFrame({j: body[j].to_numpy(dtype=object) != "" for j in body.columns},
                        index=body.index)


def _column_label(j: int, meta: dict[str, Any]) -> str:
    if meta.get("format") == "xlsx":
        from openpyxl.utils import get_column_letter

        return get_column_letter(j + 1)
    return str(j + 1)


# ---------------------------------------------------------------------------------------------
# converters


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
        empty = ~np.fromiter(map(_filled, raw), bool, len(raw))
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
    words = pd.Series(_texts(cells), dtype=object).str.lower().map(_BOOL_WORDS)
    words[cells.empty] = bool(default)
    bad = words.isna().to_numpy()
    if bad.any():
        pos = int(np.argmax(bad))
        raise _fail(df, pos, col, file,
                    f"{_show(cells.raw[pos])} is not yes/no (use true/false, 1/0, yes/no, да/нет)")
    return pd.Series(words.to_numpy(dtype=bool), index=df.index, name=col)


def to_choice(
    df: pd.DataFrame,
    col: str,
    choices: Sequence[str],
    *,
    file: str | None = None,
    default: str | None = None,
) -> pd.Series:
    """Column -> one of `choices` (matched case-insensitively, returned as spelled in choices)."""
    cells, file = _cells(df, col, file)
    _check_empty(df, col, cells, file, default is not None)
    canon = {str(c).strip().lower(): c for c in choices}
    mapped = pd.Series(_texts(cells), dtype=object).str.lower().map(canon)
    bad = mapped.isna().to_numpy() & ~cells.empty
    if bad.any():
        pos = int(np.argmax(bad))
        raise _fail(df, pos, col, file,
                    f"{_show(cells.raw[pos])} is not one of: {', '.join(map(str, choices))}")
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
