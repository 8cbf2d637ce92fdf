"""The people side of a workspace: agents and their absences, read and validated.

Both files go through the same robust table reader as the history, so the Russian export
quirks (cp1251, `;`, BOM, Excel) are handled alike, and every problem names file, row, column.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from constraints.patterns import PatternBook
from constraints.timesheet import ABSENCE_KINDS, UNSPECIFIED_KIND
from common.errors import InputError
from forecasts.columns import to_bools, to_choice, to_dates, to_numbers, to_strings
from forecasts.tables import read_table

SHIFT_PREFS = ("day", "night", "any")
AGENT_OPTIONAL = ("name", "team", "shift_pref", "skills", "cycle_start", "night_ok", "hired_for_nights",
                  "overtime_ytd_h")


def _row(i: int) -> int:
    """The reader indexes rows by their spreadsheet row number already."""
    return int(i)


def excel_patterns(df: pd.DataFrame, patterns: Iterable[str]) -> pd.DataFrame:
    """Undo Excel turning a typed `2/2` or `5/2` into a date (2 February, 2 May): a date cell in
    the pattern column whose day/month or month/day names a pattern of the book is that pattern."""
    if "pattern" not in df:
        return df
    known = set(patterns)

    def undo(cell: object) -> object:
        if isinstance(cell, (datetime, date)):
            for text in (f"{cell.month}/{cell.day}", f"{cell.day}/{cell.month}"):
                if text in known:
                    return text
        return cell

    return df.assign(pattern=df["pattern"].map(undo))


def load_agents(path: Path, book: PatternBook) -> pd.DataFrame:
    """Read agents: agent_id, name, team, pattern, shift_pref, skills, rate_rub_h, [cycle_start],
    [night_ok], [hired_for_nights], [overtime_ytd_h].

    Without a night_ok column everyone may work nights; with one, every cell must say yes or no
    (art. 96 bars some people from night work: a blank is no consent). hired_for_nights (art. 96:
    no shorter night shift) is no when blank or absent; overtime_ytd_h (the year's overtime
    before the plan, art. 99) is 0 when blank or absent.
    """
    name = Path(path).name
    df = read_table(path, required=("agent_id", "pattern", "rate_rub_h"), optional=AGENT_OPTIONAL, what="agents")
    if df.empty:
        raise InputError("no agents in the file", file=name)
    ids = to_strings(df, "agent_id", file=name)
    dup = ids[ids.duplicated(keep="first")]
    if not dup.empty:
        i = dup.index[0]
        first = ids[ids == dup.iloc[0]].index[0]
        raise InputError(
            f"agent_id {dup.iloc[0]!r} appears twice (rows {_row(first)} and {_row(i)})",
            file=name, row=_row(i), column="agent_id",
        )
    out = pd.DataFrame({"agent_id": ids})
    out["name"] = to_strings(df, "name", file=name, allow_empty=True) if "name" in df else ids
    out["team"] = to_strings(df, "team", file=name, allow_empty=True) if "team" in df else ""
    out["pattern"] = to_choice(excel_patterns(df, book.patterns), "pattern", sorted(book.patterns), file=name)
    if "shift_pref" in df:
        out["shift_pref"] = to_choice(df, "shift_pref", SHIFT_PREFS, file=name, default="any")
    else:
        out["shift_pref"] = "any"
    skills = df["skills"].fillna("").astype(str) if "skills" in df else pd.Series("", index=df.index)
    out["skills"] = skills.map(lambda s: ";".join(sorted({p.strip().lower() for p in s.replace(",", ";").split(";") if p.strip()})))
    out["rate_rub_h"] = to_numbers(df, "rate_rub_h", file=name, min_value=0)
    bad = out.index[out["rate_rub_h"] <= 0]
    if len(bad):
        raise InputError("hourly rate must be above zero", file=name, row=_row(bad[0]), column="rate_rub_h")
    out["cycle_start"] = to_dates(df, "cycle_start", file=name) if "cycle_start" in df else pd.NaT
    out["night_ok"] = to_bools(df, "night_ok", file=name) if "night_ok" in df else True
    out["hired_for_nights"] = (to_bools(df, "hired_for_nights", file=name, default=False)
                               if "hired_for_nights" in df else False)
    out["overtime_ytd_h"] = (to_numbers(df, "overtime_ytd_h", file=name, min_value=0, allow_empty=True).fillna(0.0)
                             if "overtime_ytd_h" in df else 0.0)
    return out.reset_index(drop=True)


def load_absences(path: Path | None, agents: pd.DataFrame) -> pd.DataFrame:
    """Read absences: agent_id, start, end (inclusive dates), kind."""
    empty = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                          "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})
    if path is None:
        return empty
    name = Path(path).name
    df = read_table(path, required=("agent_id", "start", "end"), optional=("kind",), what="absences",
                    allow_no_rows=True)
    if df.empty:
        return empty
    out = pd.DataFrame({"agent_id": to_strings(df, "agent_id", file=name)})
    known = set(agents["agent_id"])
    for i, v in out["agent_id"].items():
        if v not in known:
            raise InputError(f"unknown agent {v!r} (not in the agents file)", file=name, row=_row(i), column="agent_id")
    out["start"] = to_dates(df, "start", file=name)
    out["end"] = to_dates(df, "end", file=name)
    for col in ("start", "end"):
        missing = out.index[out[col].isna()]
        if len(missing):
            raise InputError("date is missing", file=name, row=_row(missing[0]), column=col)
    bad = out.index[out["end"] < out["start"]]
    if len(bad):
        raise InputError("end is before start", file=name, row=_row(bad[0]), column="end")
    if "kind" in df:
        out["kind"] = to_choice(df, "kind", ABSENCE_KINDS, file=name, default=UNSPECIFIED_KIND)
    else:
        out["kind"] = UNSPECIFIED_KIND
    return out.reset_index(drop=True)
