"""`rota validate`: check a whole workspace and report every problem at once.

The readers stop at the first bad cell, which is right for a run but slow for someone fixing
a file: here each check is repeated with the offending row set aside, so one pass lists every
bad cell of a column (up to a limit), every file is checked even when another is broken, and
the rules are tried on the coming week so that impossible combinations show up before Monday.
Skills are checked against rota.toml: a token no channel or queue knows is a warning, a series
with recent contacts that no agent may serve is an error. Flex agents' files (availability,
requests) and `[flex]` are read and translated for the coming week as their planner will.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from common.errors import InputError, RuleError
from constraints.patterns import FLEX
from constraints.timesheet import ABSENCE_KINDS, UNSPECIFIED_KIND
from forecasts.columns import to_bools, to_choice, to_dates, to_numbers, to_strings
from forecasts.freshness import freshness
from forecasts.history import HistoryData, load_history
from forecasts.tables import read_table
from planner.workspace.people import (
    ABSENCE_ALIASES,
    AGENT_OPTIONAL,
    SHIFT_PREFS,
    excel_patterns,
    load_absences,
    load_agents,
    skill_warnings,
    unserved_message,
    unserved_series,
)
from planner.workspace.flex_settings import flex_ids
from planner.workspace.worked import load_worked

if TYPE_CHECKING:
    from planner.workspace.config import RotaConfig

MAX_PER_COLUMN = 20
RECENT_DAYS = 28        # a series has demand when it had contacts in the last four weeks of history


@dataclass(frozen=True)
class Problem:
    """One thing to fix (or, with severity 'warning', to know)."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [p for p in (self.file, self.row and f"row {self.row}", self.column and f"column '{self.column}'") if p]
        return f"{', '.join(where)}: {self.message}"


def _problem(exc: InputError | RuleError, file: str) -> Problem:
    if isinstance(exc, RuleError):
        return Problem(file, exc.message, column=exc.setting)
    return Problem(exc.file or file, exc.message, exc.row, exc.column)


def _every_bad_cell(df: pd.DataFrame, check: Callable[[pd.DataFrame], object], file: str) -> list[Problem]:
    """Run a column check, set the failing row aside and run it again, until it passes."""
    found: list[Problem] = []
    rest = df
    while len(found) < MAX_PER_COLUMN:
        try:
            check(rest)
            return found
        except InputError as exc:
            found.append(_problem(exc, file))
            if exc.row is None or exc.row not in rest.index:
                return found
            rest = rest.drop(index=exc.row)
    return found


def _table_checks(path: Path, required: tuple[str, ...], optional: tuple[str, ...], what: str,
                  checks: dict[str, Callable[[pd.DataFrame], object]]) -> tuple[pd.DataFrame | None, list[Problem]]:
    name = path.name
    try:
        df = read_table(path, required=required, optional=optional, what=what)
    except InputError as exc:
        return None, [_problem(exc, name)]
    problems: list[Problem] = []
    for col, check in checks.items():
        if col in df.columns:
            problems += _every_bad_cell(df, check, name)
    return df, problems


def check_agents(path: Path, patterns: list[str]) -> tuple[set[str], list[Problem]]:
    """Every bad cell of the agents file; returns the valid agent ids too."""
    name = path.name
    df, problems = _table_checks(
        path, ("agent_id", "pattern", "rate_rub_h"),
        AGENT_OPTIONAL, "agents",
        {
            "agent_id": lambda d: to_strings(d, "agent_id", file=name),
            "pattern": lambda d: to_choice(excel_patterns(d, patterns), "pattern", patterns, file=name),
            "shift_pref": lambda d: to_choice(d, "shift_pref", SHIFT_PREFS, file=name, default="any"),
            "rate_rub_h": lambda d: to_numbers(d, "rate_rub_h", file=name, above=0),
            "cycle_start": lambda d: to_dates(d, "cycle_start", file=name),
            "night_ok": lambda d: to_bools(d, "night_ok", file=name),
            "hired_for_nights": lambda d: to_bools(d, "hired_for_nights", file=name, default=False),
            "overtime_ytd_h": lambda d: to_numbers(d, "overtime_ytd_h", file=name, min_value=0, allow_empty=True),
        },
    )
    if df is None:
        return set(), problems
    ids = df["agent_id"].astype(str).str.strip()
    for row, value in ids[ids.duplicated(keep="first") & (ids != "")].items():
        problems.append(Problem(name, f"agent_id {value!r} appears more than once", int(row), "agent_id"))
    return set(ids), problems


def check_absences(path: Path, agent_ids: set[str]) -> list[Problem]:
    """Every bad cell of the absences file, unknown agents and reversed dates included."""
    name = path.name
    df, problems = _table_checks(
        path, ("agent_id", "start", "end"), ("kind",), "absences",
        {
            "start": lambda d: to_dates(d, "start", file=name, allow_empty=False),
            "end": lambda d: to_dates(d, "end", file=name, allow_empty=False),
            "kind": lambda d: to_choice(d, "kind", ABSENCE_KINDS, file=name, default=UNSPECIFIED_KIND,
                                        aliases=ABSENCE_ALIASES),
        },
    )
    if df is None:
        return problems
    if agent_ids:
        for row, value in df["agent_id"].astype(str).str.strip().items():
            if value not in agent_ids:
                problems.append(Problem(name, f"unknown agent {value!r} (not in the agents file)", int(row), "agent_id"))
    starts = pd.to_datetime(df["start"], errors="coerce", dayfirst=False)
    ends = pd.to_datetime(df["end"], errors="coerce", dayfirst=False)
    for row in df.index[(ends < starts).fillna(False)]:
        problems.append(Problem(name, "end is before start", int(row), "end"))
    return problems


def check_worked(path: Path, agent_ids: set[str]) -> list[Problem]:
    """worked.csv (`[data] worked`): its first bad cell (hours, night hours, dates, a day listed
    twice), or a warning for the rows of agents not in the agents file (they are left out)."""
    if not path.is_file():
        return [Problem(path.name, "worked hours file not found")]
    try:
        _, notes = load_worked(path, pd.DataFrame({"agent_id": sorted(agent_ids)}))
    except InputError as exc:
        return [_problem(exc, path.name)]
    return [Problem(path.name, n.removeprefix(f"{path.name}: "), severity="warning") for n in notes]


def history_age(frame: pd.DataFrame, start: date, file: str, *, force: bool = False) -> list[Problem]:
    """A history that ends long before the start, said as `rota plan` would say it: a warning,
    or an error where plan refuses (a warning again when forced)."""
    fresh = freshness(frame["ts"], start)
    if fresh is None:
        return [Problem(file, f"no history before the start {start}: nothing to forecast from", column="ts")]
    severity, message = fresh.verdict(force=force)
    return [Problem(file, message, column="ts", severity=severity)] if severity else []


def check_skills(cfg: RotaConfig, agents_path: Path, history: HistoryData | None) -> list[Problem]:
    """Skill tokens that no channel or queue knows (warnings) and the series with contacts in
    the last weeks of history that no agent may serve (errors)."""
    try:
        agents = load_agents(agents_path, cfg.book, flex=True)
    except (InputError, RuleError):
        return []                     # check_agents has listed the bad cells already
    name = agents_path.name
    found = [Problem(name, w, column="skills", severity="warning") for w in skill_warnings(agents, cfg)]
    if history is not None and not history.frame.empty:
        frame = history.frame
        recent = frame[frame["ts"] >= frame["ts"].max() - pd.Timedelta(days=RECENT_DAYS)]
        found += [Problem(name, f"{unserved_message(c, q, cfg.queues)} (contacts in the last {RECENT_DAYS // 7} "
                                "weeks of history); give some agents these skills", column="skills")
                  for c, q in unserved_series(agents, recent, cfg.queues, "contacts")]
    return found


def check_flex(cfg: RotaConfig, start: date) -> list[Problem]:
    """`[flex]` overrides against the agents file, availability.csv and requests.csv, then the
    flex agents translated for the week from `start`: a wished shift no rule allows is an error,
    one outside the agent's hours a warning."""
    from planner.solve.flex_inputs import load_flex_inputs

    try:
        found = load_flex_inputs(cfg, start, 7)
    except (InputError, RuleError) as exc:
        return [_problem(exc, cfg.source)]
    return [Problem(n.file, n.message, n.row, n.column, "warning") for n in found.notes]


def validate_workspace(folder: Path, start: date, *, force: bool = False) -> list[Problem]:
    """Every problem of a workspace: config, history (and how far it ends before `start`),
    agents, absences, the rules tried on the week from `start`, then the agents' skills."""
    from planner.workspace.config import DataFiles, load_config

    folder = Path(folder)
    toml = folder / "rota.toml"
    problems: list[Problem] = []
    cfg = None
    if not folder.is_dir():
        return [Problem(str(folder), "workspace folder not found" if not folder.exists() else
                        "not a folder: a workspace is a folder with rota.toml")]
    if not toml.is_file():
        problems.append(Problem(str(folder), "no rota.toml in the workspace folder (rota init makes one)"))
    else:
        try:
            cfg = load_config(toml)
        except (InputError, RuleError) as exc:
            problems.append(_problem(exc, toml.name))
    files = cfg.data if cfg is not None else DataFiles()
    path = (lambda p: cfg.path(p)) if cfg is not None else (lambda p: folder / p)
    patterns = sorted(cfg.book.patterns) if cfg is not None else ["2/2", "3/3", "5/2"]

    history = path(files.history)
    data: HistoryData | None = None
    if not history.is_file():
        problems.append(Problem(history.name, "history file not found"))
    else:
        try:
            data = load_history(history)
            problems += [Problem(history.name, w, severity="warning") for w in data.warnings]
            problems += history_age(data.frame, start, history.name, force=force)
        except InputError as exc:
            problems.append(_problem(exc, history.name))

    agents_path = path(files.agents)
    ids: set[str] = set()
    skills: list[Problem] = []        # listed last: a series nobody may serve does not stop the rules' check
    if not agents_path.is_file():
        problems.append(Problem(agents_path.name, "agents file not found"))
    else:
        ids, found = check_agents(agents_path, [*patterns, FLEX])
        problems += found
        if cfg is not None and not found:
            skills = check_skills(cfg, agents_path, data)
    absences_path = path(files.absences) if files.absences else None
    if absences_path is not None and absences_path.is_file():
        problems += check_absences(absences_path, ids)
    people_ok = agents_path.is_file() and not any(p.severity == "error" for p in problems
                                                  if p.file in (agents_path.name, getattr(absences_path, "name", None)))
    worked_path = cfg.worked_path() if cfg is not None else None
    if worked_path is not None:
        problems += check_worked(worked_path, ids)

    if cfg is not None and people_ok:  # the flex files are checked even when the history is broken
        problems += check_flex(cfg, start)
    if cfg is not None and not any(p.severity == "error" for p in problems):
        from planner.solve.continuity import carry_over
        from planner.solve.schedule import absence_days, agent_classes, build_lines

        try:
            agents = load_agents(agents_path, cfg.book, flex=True)
            flexible = flex_ids(agents)
            agents = agents[~agents["agent_id"].isin(flexible)].reset_index(drop=True)
            absences = load_absences(absences_path if absences_path and absences_path.is_file() else None, agents)
            carry = carry_over(agents, absences, cfg.book, cfg.labour, start)
            classes = agent_classes(agents, absence_days(absences, start, 7), carry)
            build_lines(cfg, classes, start, 7)
        except (InputError, RuleError) as exc:
            problems.append(_problem(exc, agents_path.name))
    return problems + skills
