"""A previous rota as the next plan reads it: rota.csv, the Shifts sheet of rota.xlsx, or any table
with agent_id, date, start and end; or several of them (`--previous` given more than once), read
as one. Reading them, and checking that they reach the plan's first day (`planner.workspace.spans`),
is the workspace's job; what they mean for the next horizon (phases, rest, fairness) is
`planner.solve.continuity`'s."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from common.errors import InputError
from forecasts.columns import to_numbers, to_strings, to_timestamps
from forecasts.tables import read_table
from planner.workspace.spans import RotaSpan, check_reaches, past_start, rota_span

PREVIOUS_COLUMNS = ("agent_id", "date", "start", "end")
PREVIOUS_SHEET = "Shifts"  # the sheet of rota.xlsx that holds rota.csv's rows
HORIZON_PROPERTY = "rota_horizon"  # rota.xlsx's custom property: the plan's days, "FIRST/LAST"

Horizon = tuple[date, int]   # a plan's first day and number of days


def _horizon_text(text: str) -> Horizon | None:
    """"2026-11-23/2026-11-29" as (first day, days); None for anything else."""
    try:
        first, last = (date.fromisoformat(p.strip()) for p in str(text).split("/"))
    except ValueError:
        return None
    return (first, (last - first).days + 1) if last >= first else None


def horizon_property(first: date, days: int) -> str:
    """The value of rota.xlsx's HORIZON_PROPERTY for a plan of `days` days from `first`."""
    return f"{first.isoformat()}/{(first + timedelta(days=days - 1)).isoformat()}"


def _workbook(path: Path) -> tuple[str | None, Horizon | None]:
    """(the Shifts sheet, the plan's horizon) of a workbook that has them (rota.xlsx), else None
    for either (a CSV, or another workbook: its first sheet is read)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return None, None
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            sheet = PREVIOUS_SHEET if PREVIOUS_SHEET in wb.sheetnames else None
            said = [p.value for p in wb.custom_doc_props.props if p.name == HORIZON_PROPERTY]
            return sheet, _horizon_text(said[0]) if said else None
        finally:
            wb.close()
    except Exception:  # missing or damaged: read_table names the problem
        return None, None


def _summary_horizon(folder: Path) -> Horizon | None:
    """The horizon summary.json of a results folder gives (`start`, `days`), if it does."""
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        days = int(data["days"])
        return (date.fromisoformat(data["start"]), days) if days > 0 else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def rota_horizon(path: str | Path) -> Horizon | None:
    """The horizon (first day, days) of the plan that wrote a rota file, when it can be known:
    rota.xlsx says it in its properties, and a results folder in the summary.json beside the rota.
    None for a rota on its own (its last shift's day is then all that tells where it ends)."""
    path = previous_file(path)
    return _workbook(path)[1] or _summary_horizon(path.parent)


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
                    what="previous rota", sheet=_workbook(Path(path))[0])
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


@dataclass(frozen=True)
class PreviousRotas:
    """Several previous rotas read as one: their shifts (each once), the days each covers, and
    what the reading has to say (a rota that replaces another on some days)."""

    shifts: pd.DataFrame
    spans: tuple[RotaSpan, ...]
    warnings: tuple[str, ...] = ()


def _first_difference(a: tuple[RotaSpan, pd.DataFrame], b: tuple[RotaSpan, pd.DataFrame]) -> tuple[date, str] | None:
    """The first day both rotas cover on which they list different shifts, and an agent concerned."""
    (sa, fa), (sb, fb) = a, b
    lo, hi = max(sa.first, sb.first), min(sa.last, sb.last)
    for day in pd.date_range(lo, hi) if lo <= hi else ():
        mine, theirs = (set(zip(f.loc[f["date"] == day, "agent_id"], f.loc[f["date"] == day, "start"],
                                f.loc[f["date"] == day, "end"])) for f in (fa, fb))
        if mine != theirs:
            return day.date(), min(str(x[0]) for x in mine ^ theirs)
    return None


def read_rota(path: str | Path) -> tuple[RotaSpan, pd.DataFrame]:
    """One rota file (a results folder stands for its rota file): the days it covers and its shifts."""
    file = previous_file(path)
    shifts = read_previous(file)
    return rota_span(str(file), shifts, rota_horizon(file)), shifts


def read_previous_rotas(paths: Sequence[str | Path]) -> PreviousRotas:
    """Read every rota and put them together (`combine_rotas`)."""
    return combine_rotas([read_rota(p) for p in paths])


def combine_rotas(read: Sequence[tuple[RotaSpan, pd.DataFrame]]) -> PreviousRotas:
    """Rotas read by `read_rota` put together: a shift listed in two of them once. On a day two rotas cover, the one that starts later is taken, as a
    re-plan from the middle of a published month replaces the month from its first day (said in a
    warning when they differ); two rotas from the same first day that differ are refused, which
    one was worked being for the team lead to say. The nights begun the evening before a rota's
    first day (which a plan without a previous rota lists) count only where no rota covers that
    evening."""
    read = sorted(read, key=lambda r: r[0].first)   # stable: in the order given among rotas from the same day
    said = []
    for i, a in enumerate(read):
        for b in read[i + 1:]:
            if (diff := _first_difference(a, b)) is None:
                continue
            day, agent = diff
            if a[0].first == b[0].first:
                raise InputError(f"{a[0].file} and {b[0].file} both cover {day} but differ there (agent {agent}): "
                                 "give each day's rota once")
            said.append(f"{b[0].file} replaces {a[0].file} from {b[0].first} to {min(a[0].last, b[0].last)}, "
                        f"where the two differ (from {day}, agent {agent}): the later rota is taken")
    owner = {d: k for k, (span, _) in enumerate(read) for d in pd.date_range(span.first, span.last).date}
    kept = []
    for k, (span, shifts) in enumerate(read):
        days = shifts["date"].dt.date
        kept.append(shifts[days.map(owner).eq(k) | (~days.isin(owner.keys()) & (days < span.first))])
    frame = pd.concat(kept, ignore_index=True)
    frame = frame.drop_duplicates(["agent_id", "start", "end"]).sort_values(["agent_id", "start"], kind="stable")
    return PreviousRotas(frame.reset_index(drop=True), tuple(s for s, _ in read), tuple(said))


def load_previous(paths: Sequence[str | Path], start: date, *,
                  option: str = "--previous") -> tuple[pd.DataFrame | None, list[str]]:
    """What a plan from `start` carries over from the rotas before it (`handover`); None and no
    warning when no rota is given."""
    if not paths:
        return None, []
    return handover(read_previous_rotas(paths), start, option=option)


def handover(rotas: PreviousRotas, start: date, *, option: str = "--previous",
             replaced: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """The rotas' shifts that begin before `start`, and the warnings to say. The rotas must reach
    the day before `start` without a day left out (`spans.check_reaches`); one that goes on past
    `start` is cut there, with a warning (`spans.past_start`), unless it is `replaced` (its file
    named there): a published rota the plan re-plans from `start` on purpose."""
    check_reaches(rotas.spans, start, option=option)
    shifts = rotas.shifts
    before = shifts[shifts["start"] < pd.Timestamp(start)].reset_index(drop=True)
    return before, [*rotas.warnings, *past_start([s for s in rotas.spans if s.file not in replaced], start)]
