"""Small input files, and the InputError they raise, for test_tables and test_columns."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from common.errors import InputError


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error(fn, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    return info.value


def workbook(path: Path, rows, *, title: str = "Sheet", merge: str | None = None, extra=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    if extra:
        other = wb.create_sheet(extra)
        other.append(["ts", "contacts"])
        other.append(["2026-11-16 10:00", 42])
    wb.save(path)
    return path
