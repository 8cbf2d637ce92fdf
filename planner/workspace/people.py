"""The people side of a workspace: agents and their absences, read and validated.

Both files go through the same robust table reader as the history, so the Russian export
quirks (cp1251, `;`, BOM, Excel) are handled alike, and every problem names file, row, column.
The agents' skills are read as the contract of `constraints.skills` says; the warnings about
them (a token no channel or queue knows, a series nobody may serve) are worded here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from constraints.patterns import FLEX, PatternBook
from constraints.skills import QueueNeeds, canonical_skills, eligibility, skill_tokens, unknown_tokens
from constraints.timesheet import ABSENCE_KINDS, UNSPECIFIED_KIND
from common.errors import InputError
from forecasts.columns import to_bools, to_choice, to_dates, to_numbers, to_strings
from forecasts.tables import read_table

if TYPE_CHECKING:
    from planner.workspace.config import RotaConfig

SHIFT_PREFS = ("day", "night", "any")
#: The absence kinds as an HR export writes them in Russian.
ABSENCE_ALIASES = {
    "отпуск": "vacation", "ежегодный отпуск": "vacation", "больничный": "sick", "обучение": "training",
    "без содержания": "unpaid", "отпуск без содержания": "unpaid", "другое": "other",
}
AGENT_OPTIONAL = ("name", "team", "shift_pref", "skills", "cycle_start", "night_ok", "hired_for_nights",
                  "overtime_ytd_h", "overtime_ok")


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


def load_agents(path: Path, book: PatternBook, *, flex: bool = False) -> pd.DataFrame:
    """Read agents: agent_id, name, team, pattern, shift_pref, skills, rate_rub_h, [cycle_start],
    [night_ok], [hired_for_nights], [overtime_ytd_h], [overtime_ok].

    `pattern` is a pattern of the book or `flex` (a flexible schedule, planned per person). Only
    a caller that handles flex agents passes `flex`; the rota's planner refuses them by name
    rather than planning the others as if they were not there.

    Without a night_ok column everyone may work nights; with one, every cell must say yes or no
    (art. 96 bars some people from night work: a blank is no consent). hired_for_nights (art. 96:
    no shorter night shift) is no when blank or absent; overtime_ytd_h (the year's overtime
    before the plan, art. 99) is 0 when blank or absent; overtime_ok (written consent to planned
    overtime, art. 99; used only with `[labour] planned_overtime`) is no when blank or absent.
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
    out["pattern"] = to_choice(excel_patterns(df, book.patterns), "pattern", [*sorted(book.patterns), FLEX], file=name)
    flexible = out.index[out["pattern"] == FLEX]
    if len(flexible) and not flex:
        raise InputError(flex_refusal(list(out.loc[flexible, "agent_id"])), file=name, row=_row(flexible[0]),
                         column="pattern")
    if "shift_pref" in df:
        out["shift_pref"] = to_choice(df, "shift_pref", SHIFT_PREFS, file=name, default="any")
    else:
        out["shift_pref"] = "any"
    skills = df["skills"].fillna("").astype(str) if "skills" in df else pd.Series("", index=df.index)
    out["skills"] = skills.map(canonical_skills)
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
    out["overtime_ok"] = to_bools(df, "overtime_ok", file=name, default=False) if "overtime_ok" in df else False
    return out.reset_index(drop=True)


def flex_refusal(ids: list[str]) -> str:
    """Why the rota's planner stops at flex agents: said alike by `rota plan` and `rota validate`."""
    return (f"{_agents(ids)} {'has' if len(ids) == 1 else 'have'} pattern {FLEX}: flexible-schedule agents are "
            "not planned yet; plan without them by taking them out of the agents file")


def hired_for_nights(agents: pd.DataFrame) -> dict[str, bool]:
    """agent_id -> hired for night work (art. 96: no shorter night shift); no when not stated."""
    if "hired_for_nights" not in agents:
        return {}
    return {str(a): bool(h) and not pd.isna(h) for a, h in zip(agents["agent_id"], agents["hired_for_nights"])}


def _agents(ids: list[str], most: int = 5) -> str:
    """`agent A007` or `agents A001, A002, ... and 3 more`."""
    shown = ", ".join(ids[:most]) + (f" and {len(ids) - most} more" if len(ids) > most else "")
    return f"agent{'s' if len(ids) > 1 else ''} {shown}"


def skill_warnings(agents: pd.DataFrame, cfg: RotaConfig) -> list[str]:
    """One line per skill token that is neither a channel of rota.toml nor a tag some queue of
    `[queues]` needs (a typo such as `chta`): the agents who have it, and the closest known
    token when there is one. Then the agents whose skills name no channel at all: they may
    serve no series (an empty cell would serve every one)."""
    channels = sorted({name.strip().lower() for name in cfg.staffing.channels})
    known = channels + sorted(cfg.queues.tags)
    who: dict[str, list[str]] = {}
    no_channel: list[str] = []
    for agent_id, cell in zip(agents["agent_id"].astype(str), agents["skills"]):
        tokens = skill_tokens(cell)
        for token in sorted(unknown_tokens(tokens, channels, cfg.queues)):
            who.setdefault(token, []).append(agent_id)
        if tokens and not tokens & set(channels):
            no_channel.append(agent_id)
    out = []
    for token, ids in who.items():
        close = difflib.get_close_matches(token, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(f"{_agents(ids)}: skill {token!r} is neither a channel ({', '.join(channels)}) "
                   f"nor a tag that a queue of [queues] needs{hint}; it grants nothing")
    if no_channel:
        out.append(f"{_agents(no_channel)} may serve no series: no channel ({', '.join(channels)}) "
                   "among the skills")
    return out


def unserved_series(agents: pd.DataFrame, demand: pd.DataFrame, needs: QueueNeeds, column: str) -> list[tuple[str, str]]:
    """The series (channel, queue) with `column` above zero somewhere in `demand` (history or
    requirements) that no agent may serve, in the order they first appear."""
    if "channel" not in demand:
        return []                     # one pooled series, which every agent may serve
    busy = demand.loc[pd.to_numeric(demand[column], errors="coerce").fillna(0).to_numpy() > 0]
    queues = busy["queue"].astype(str) if "queue" in busy else pd.Series("main", index=busy.index)
    named: dict[tuple[str, str], tuple[str, str]] = {}        # names match in any case: the first spelling
    for channel, queue in zip(busy["channel"].astype(str), queues):
        named.setdefault((channel.lower(), queue.lower()), (channel, queue))
    series = list(named.values())
    served = eligibility(list(agents["skills"]), series, needs).any(axis=0)
    return [s for s, ok in zip(series, served) if not ok]


def unserved_message(channel: str, queue: str, needs: QueueNeeds) -> str:
    """Why nobody may serve a series: the skills it takes."""
    tags = sorted(needs.of(queue))
    takes = f"{channel!r}" + (f" and the tag{'s' if len(tags) > 1 else ''} {', '.join(map(repr, tags))}" if tags else "")
    return f"series {channel}/{queue} has demand but no agent may serve it: that takes the skill {takes}"


def skill_report(agents: pd.DataFrame, requirements: pd.DataFrame, cfg: RotaConfig) -> list[str]:
    """Every skill warning of a run: unknown tokens, then the series with a requirement that no
    agent may serve (planned without them)."""
    return skill_warnings(agents, cfg) + [
        unserved_message(c, q, cfg.queues) + "; the other series are planned"
        for c, q in unserved_series(agents, requirements, cfg.queues, "agents")
    ]


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
        out["kind"] = to_choice(df, "kind", ABSENCE_KINDS, file=name, default=UNSPECIFIED_KIND,
                                aliases=ABSENCE_ALIASES)
    else:
        out["kind"] = UNSPECIFIED_KIND
    return out.reset_index(drop=True)
