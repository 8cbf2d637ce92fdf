"""Find and read one input table of rota (CSV, TSV or XLSX) into a frame of raw cells.

Team leads hand us whatever their telephony or HR system exports: `;`-separated cp1251 with
decimal commas, UTF-8 with a BOM, tab-separated text, or an Excel workbook with real date cells.
`read_table` accepts all of these, finds the header below any title rows, checks the required
columns and returns the cells untouched (text, or the raw Excel value): typing a column, with
errors that name its cells, is the job of `forecasts.columns`.

The returned frame's index IS the spreadsheet row number (header = row 1 in a plain file), so
messages point at the row the user sees in Excel, even after blank or title rows; its `attrs`
tell the converters the file name and whether decimals are written with a comma.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from common.errors import InputError

__all__ = [
    "is_filled",
    "normalise_header",
    "read_table",
]

_SEPARATORS = ("\t", ";", ",")
_HEADER_SEARCH_ROWS = 20  # title lines above the header that we are willing to skip
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted workbook


def normalise_header(name: Any) -> str:
    """Header cell -> column name: BOM removed, stripped, lower-case."""
    return "" if name is None else str(name).replace("\ufeff", "").strip().lower()


def _names_all(row: Sequence[Any], want: set[str]) -> bool:
    """Whether a row of header cells names every column of `want` (normalised names)."""
    return want <= {normalise_header(cell) for cell in row}


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
            hits = (i for i, row in enumerate(rows) if _names_all(row, want))
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
    if not any(any(is_filled(v) for v in row) for row in rows):
        others = [n for n in names if n != title]
        hint = f" (other sheets: {', '.join(others)})" if others else ""
        raise InputError(f"sheet '{title}' of the {label} is empty{hint}", file=name)
    meta = {"format": "xlsx", "sep": None, "encoding": None, "sheet": title,
            "decimal_comma": True}
    return rows, meta


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:160] if text else type(exc).__name__


def is_filled(value: Any) -> bool:
    """True when a raw cell (text or Excel value) holds something: not blank, None, NaN or NaT."""
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
    nonblank = (i for i, row in enumerate(rows) if any(is_filled(v) for v in row))
    top = [i for i, _ in zip(nonblank, range(_HEADER_SEARCH_ROWS))]
    header_idx = top[0]
    if want:
        header_idx = next((i for i in top if _names_all(rows[i], want)), header_idx)
    width = max(len(r) for r in rows[header_idx:])
    header = [normalise_header(v) for v in rows[header_idx]] + [""] * width
    body_rows = rows[header_idx + 1:]
    columns = {
        j: [("" if j >= len(r) or r[j] is None else r[j]) for r in body_rows] for j in range(width)
    }
    body = pd.DataFrame(columns, dtype=object)
    return _finish(header[:width], body, header_idx + 1, meta, name, label, required, optional)


def _finish(
    header: list[str], body: pd.DataFrame, header_row: int, meta: dict[str, Any], name: str,
    label: str, required: Sequence[str], optional: Sequence[str], header_width: int | None = None,
) -> pd.DataFrame:
    """Number the rows, name the columns, drop blank rows/columns, check the header, attach attrs.

    `body` holds the rows right below the header row, so they are rows `header_row + 1`, ...
    """
    body.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body))
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
