"""A previous rota as the next plan reads it: rota.csv, the Shifts sheet of rota.xlsx, or any table
with agent_id, date, start and end. Reading it is the workspace's job; what it means for the next
horizon (phases, rest, fairness) is `planner.solve.continuity`'s."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from common.errors import InputError
from forecasts.columns import to_numbers, to_strings, to_timestamps
from forecasts.tables import read_table

PREVIOUS_COLUMNS = ("agent_id", "date", "start", "end")
PREVIOUS_SHEET = "Shifts"  # the sheet of rota.xlsx that holds rota.csv's rows


def _previous_sheet(path: Path) -> str | None:
    """The Shifts sheet when `path` is a workbook that has one (rota.xlsx), else None (first sheet)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return None
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return PREVIOUS_SHEET if PREVIOUS_SHEET in wb.sheetnames else None
        finally:
            wb.close()
    except Exception:  # missing or damaged: read_table names the problem
        return None


PREVIOUS_FILES = ("rota.xlsx", "rota.csv")  # in a results folder, in the order they are looked for


def previous_file(path: str | Path) -> Path:
    """The file a `--previous` path stands for: the file itself, or in a results folder of
    `rota plan` (what `rota simulate` takes too) its rota.xlsx, else its rota.csv. Both hold the
    same shifts; rota.xlsx comes first because it is the copy HR corrects."""
    path = Path(path)
    if not path.is_dir():
        return path
    for name in PREVIOUS_FILES:
        if (path / name).is_file():
            return path / name
    raise InputError(f"no {' or '.join(PREVIOUS_FILES)} in the folder: give --previous last period's results "
                     "folder or its rota file", file=str(path))


def read_previous(path: Path) -> pd.DataFrame:
    """Read a previous rota.csv, rota.xlsx (its Shifts sheet), or any table with agent_id, date, start, end;
    a results folder stands for the rota file in it."""
    path = previous_file(path)
    name = path.name
    df = read_table(path, required=PREVIOUS_COLUMNS,
                    optional=("paid_hours", "night_hours", "holiday_hours", "pattern", "shift"),
                    what="previous rota", sheet=_previous_sheet(Path(path)))
    out = pd.DataFrame({"agent_id": to_strings(df, "agent_id", file=name)})
    out["date"] = to_timestamps(df, "date", file=name).dt.normalize()
    out["start"] = to_timestamps(df, "start", file=name)
    out["end"] = to_timestamps(df, "end", file=name)
    bad = out.index[out["end"] <= out["start"]]
    if len(bad):
        raise InputError("a shift must end after it starts", file=name, row=int(bad[0]), column="end")
    for col in ("night_hours", "holiday_hours"):
        out[col] = to_numbers(df, col, file=name, min_value=0, allow_empty=True).fillna(0.0) if col in df else 0.0
    if "shift" in df:
        out["shift"] = to_strings(df, "shift", file=name, allow_empty=True)
    return out.reset_index(drop=True)
