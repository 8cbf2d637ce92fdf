"""What-if scenarios: a workspace's rota.toml and data with some things changed, run through the
same forecast -> requirements -> schedule pipeline as `rota plan`.

A scenario is `scenarios/NAME.toml`: `name`, `description`, a `[config]` table deep-merged into
rota.toml (and validated by the same code, so a bad value gets the same named error), and data
changes: `[[volume]]` multipliers, `aht_factor`, `[[headcount]]` agents added or removed per
pattern (vacancies with the skills the scenario gives, else the pattern's most common ones). The forecast is made once for the base and reused: a scenario changes it only through
its volume and AHT changes (or by overriding `[forecast]` or the history file, which forecasts
again).

Scenario runs use one CP-SAT worker, a fixed seed and a deterministic-time limit, so a scenario
gives the same numbers whether it ran serially, in a process pool or on a Dask cluster.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.errors import InputError
from constraints.patterns import FLEX
from constraints.skills import canonical_skills, skill_tokens, unknown_tokens
from forecasts.staffing import quantile_warnings, requirements as staffing_requirements
from planner.executors import check_executor, fan_out
from planner.solve.flex_inputs import FlexInputs, workspace_flex
from planner.workspace.config import RotaConfig, load_config, load_config_dict, read_toml, workspace_toml

SCENARIO_KEYS = ("name", "description", "config", "volume", "aht_factor", "headcount")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VolumeChange(_Strict):
    """Contacts of the matching series and days multiplied by `factor` (no filter = all)."""

    factor: float = Field(gt=0)
    channel: str | None = None
    queue: str | None = None
    start: date | None = None
    end: date | None = None


class HeadcountChange(_Strict):
    """`change` agents added (positive) or removed (negative) on one pattern; vacancies get
    `skills` (a skills cell such as "chat;sellers;en") when it is given."""

    pattern: str
    change: int
    skills: str | None = None


class ScenarioFile(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    volume: list[VolumeChange] = Field(default_factory=list)
    aht_factor: float = Field(1.0, gt=0)
    headcount: list[HeadcountChange] = Field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its merged config and its data changes."""

    name: str
    description: str
    source: str
    cfg: RotaConfig
    volume: tuple[VolumeChange, ...] = ()
    aht_factor: float = 1.0
    headcount: tuple[HeadcountChange, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def reforecast(self) -> bool:
        """True when the scenario changes what the forecast itself is made from."""
        return "forecast" in self.overrides or "history" in self.overrides.get("data", {})


def base_scenario(cfg: RotaConfig) -> Scenario:
    return Scenario("base", "the workspace as it is", cfg.source, cfg)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid onto `base`: tables merge key by key, anything else (lists too) replaces."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _scenario_error(exc: ValidationError, source: str) -> InputError:
    """The scenario file's first problem as one InputError naming the key; a misspelt top-level
    key lists the known ones."""
    from pydantic_core import ErrorDetails

    from common.errors import pydantic_problem

    def unknown_key(err: ErrorDetails, where: str) -> str | None:
        """A key the scenario format does not have, named as written."""
        if err["type"] != "extra_forbidden":
            return None
        hint = f"; known keys: {', '.join(SCENARIO_KEYS)}" if len(err["loc"]) == 1 else ""
        return f"unknown key {where!r}{hint}"

    where, message = pydantic_problem(exc, describe=unknown_key)
    return InputError(message, file=source, column=where)


def scenario_config(raw: dict[str, Any], source: str, root: Path, aht_factor: float = 1.0,
                    solver: dict[str, Any] | None = None) -> RotaConfig:
    """A merged rota.toml validated as rota.toml is, with the configured handle times scaled and
    the solver settings replaced by `solver`."""
    cfg = load_config_dict(raw, source, root)
    if aht_factor != 1.0:
        channels = {name: ch.model_copy(update={"aht_s": ch.aht_s * aht_factor}) if ch.aht_s else ch
                    for name, ch in cfg.staffing.channels.items()}
        cfg = replace(cfg, staffing=cfg.staffing.model_copy(update={"channels": channels}))
    if solver:
        cfg = replace(cfg, solver=cfg.solver.model_copy(update=solver))
    return cfg


def _check_skills(h: HeadcountChange, cfg: RotaConfig, source: str, where: str) -> None:
    """Vacancies' skills: only for added agents, and every token a channel or a tag of `[queues]`."""
    if h.change <= 0:
        raise InputError("skills are for vacancies: give them with a positive change", file=source, column=where)
    channels = sorted(cfg.staffing.channels)
    unknown = sorted(unknown_tokens(skill_tokens(h.skills), channels, cfg.queues))
    if unknown:
        known = ", ".join(channels + sorted(cfg.queues.tags))
        raise InputError(f"skill {unknown[0]!r} is neither a channel nor a tag of [queues]; known: {known}",
                         file=source, column=where)


def parse_scenario(raw: dict[str, Any], source: str, base: RotaConfig) -> Scenario:
    """Validate a parsed scenario file against the workspace's configuration."""
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise _scenario_error(exc, source) from None
    cfg = scenario_config(deep_merge(base.raw, spec.config), source, base.root, spec.aht_factor)
    for i, h in enumerate(spec.headcount):
        if h.pattern not in cfg.book.patterns and h.pattern != FLEX:   # flex: per person, [flex] terms
            raise InputError(f"unknown pattern {h.pattern!r}; known: {', '.join([*sorted(cfg.book.patterns), FLEX])}",
                             file=source, column=f"headcount.{i}.pattern")
        if h.skills is not None:
            _check_skills(h, cfg, source, f"headcount.{i}.skills")
    for i, v in enumerate(spec.volume):
        if v.start and v.end and v.end < v.start:
            raise InputError("end is before start", file=source, column=f"volume.{i}.end")
    return Scenario(spec.name, spec.description, source, cfg, tuple(spec.volume), spec.aht_factor,
                    tuple(spec.headcount), spec.config)


def load_scenario(path: str | Path, base: RotaConfig) -> Scenario:
    """Read and validate one scenario file."""
    path = Path(path)
    return parse_scenario(read_toml(path, "scenario file"), path.name, base)


def find_scenarios(workspace: Path, names: Sequence[str] = ()) -> list[Path]:
    """The scenario files asked for by name or path, or every `scenarios/*.toml` of the workspace."""
    folder = Path(workspace) / "scenarios"
    if not names:
        return sorted(folder.glob("*.toml"))
    paths = []
    for n in names:
        p = Path(n)
        if not p.suffix:
            p = folder / f"{n}.toml"
        elif not p.is_file() and (folder / p.name).is_file():
            p = folder / p.name
        if not p.is_file():
            raise InputError("scenario file not found", file=str(p))
        paths.append(p)
    return paths


# ------------------------------------------------------------------------------ data changes


def apply_volume(forecast: pd.DataFrame, changes: Sequence[VolumeChange], aht_factor: float = 1.0) -> pd.DataFrame:
    """The forecast with contacts multiplied where each change applies (dates inclusive) and
    the handle time multiplied by `aht_factor`."""
    out = forecast.copy()
    day = pd.to_datetime(out["ts"]).dt.normalize()
    contacts = out["contacts"].to_numpy(float).copy()
    for v in changes:
        hit = np.ones(len(out), dtype=bool)
        if v.channel is not None:
            hit &= (out["channel"] == v.channel.lower()).to_numpy()
        if v.queue is not None:
            hit &= (out["queue"] == v.queue).to_numpy()
        if v.start is not None:
            hit &= (day >= pd.Timestamp(v.start)).to_numpy()
        if v.end is not None:
            hit &= (day <= pd.Timestamp(v.end)).to_numpy()
        contacts[hit] *= v.factor
    out["contacts"] = contacts
    if aht_factor != 1.0 and "aht_s" in out:
        out["aht_s"] = out["aht_s"] * aht_factor
    return out


def volume_warnings(changes: Sequence[VolumeChange], forecast: pd.DataFrame, source: str) -> list[str]:
    """Volume changes that match no hour of the forecast (a date outside the horizon, a typo)."""
    found = []
    for i, v in enumerate(changes):
        probe = apply_volume(forecast.assign(contacts=1.0), [v.model_copy(update={"factor": 2.0})])
        if not (probe["contacts"] == 2.0).any():
            found.append(f"{source}: volume.{i} matches no hour, channel and queue of the horizon")
    return found


def hypothetical_agent(agents: pd.DataFrame, pattern: str, number: int, skills: str | None = None) -> dict[str, Any]:
    """A vacancy on `pattern`: the pattern's median rate and `skills` when given, else its most
    common skills (the whole team's when nobody works that pattern yet); no cycle start, open
    to any shift, not hired for night work (art. 96) and without overtime this year."""
    same = agents[agents["pattern"] == pattern]
    pool = same if len(same) else agents
    if skills is None:
        common = pool["skills"].mode()
        skills = str(common.iloc[0]) if len(common) else ""
    return {"agent_id": f"NEW-{pattern}-{number:02d}", "name": f"vacancy {pattern} #{number}", "team": "new",
            "pattern": pattern, "shift_pref": "any", "skills": canonical_skills(skills),
            "rate_rub_h": float(pool["rate_rub_h"].median()), "cycle_start": pd.NaT, "night_ok": True,
            "hired_for_nights": False, "overtime_ytd_h": 0.0}


def change_headcount(agents: pd.DataFrame, changes: Sequence[HeadcountChange], source: str = "scenario"
                     ) -> pd.DataFrame:
    """Agents with vacancies added (with the change's skills, if any), or the last agents of a
    pattern (in file order) removed."""
    out = agents
    for i, h in enumerate(changes):
        if h.change > 0:
            taken = out["agent_id"].astype(str)
            new, k = [], 0
            while len(new) < h.change:
                k += 1
                row = hypothetical_agent(agents, h.pattern, k, h.skills)
                if row["agent_id"] not in set(taken):
                    new.append(row)
            out = pd.concat([out, pd.DataFrame(new).astype({"cycle_start": "datetime64[ns]"})], ignore_index=True)
        elif h.change < 0:
            idx = out.index[out["pattern"] == h.pattern]
            if len(idx) < -h.change:
                raise InputError(f"cannot remove {-h.change} agents on {h.pattern}: the workspace has {len(idx)}",
                                 file=source, column=f"headcount.{i}.change")
            out = out.drop(idx[h.change:]).reset_index(drop=True)
    return out


# ------------------------------------------------------------------------------------ jobs


@dataclass(frozen=True)
class ScenarioJob:
    """Everything one scenario run needs, already read and changed (picklable, no file access)."""

    name: str
    description: str
    raw: dict[str, Any]          # the merged rota.toml: the validated config does not pickle
    source: str
    root: Path
    aht_factor: float
    solver: dict[str, Any]
    requirements: pd.DataFrame
    agents: pd.DataFrame
    absences: pd.DataFrame
    start: date
    days: int
    wall_limit_s: float
    warnings: tuple[str, ...] = ()
    own_targets: str = ""   # the service targets this scenario sets for itself, against the base's
    flex: FlexInputs | None = None   # the flex agents it keeps, translated (planner.solve.flex_inputs)


@dataclass(frozen=True)
class ScenarioResult:
    """The figures of one scenario run (small, so it travels back from a worker cheaply)."""

    name: str
    description: str
    summary: dict[str, Any]
    headcount: dict[str, int]
    hours_under_target: int
    warnings: tuple[str, ...] = ()
    own_targets: str = ""        # non-empty: scored against its own targets, not the base's
    target: float | None = None  # the contact-weighted service-level target its contacts are scored against


#: Channel settings that say what counts as served in time: a scenario that changes one is scored
#: against another yardstick than the base.
TARGET_FIELDS = ("sl_target", "answer_s", "response_h", "patience_s")


def target_changes(base: RotaConfig, cfg: RotaConfig) -> str:
    """The service targets `cfg` sets differently from `base`, in words ('' when none): its
    service level and hours under target are then measured against them, not the base's."""
    changed = []
    for name, ch in cfg.staffing.channels.items():
        old = base.staffing.channels.get(name)
        for f in TARGET_FIELDS:
            mine, theirs = getattr(ch, f, None), getattr(old, f, None) if old is not None else None
            if mine != theirs:
                changed.append(f"{name}.{f} {_show_value(mine)} against the base's {_show_value(theirs)}")
        if old is None or [p.model_dump(include=set(TARGET_FIELDS)) for p in ch.periods] != \
                [p.model_dump(include=set(TARGET_FIELDS)) for p in old.periods]:
            changed.append(f"{name} periods")
    return "; ".join(changed)


def _show_value(v: Any) -> str:
    return "none" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def contact_target(requirements: pd.DataFrame) -> float | None:
    """The contact-weighted service-level target of the hours with contacts (None without one)."""
    if "sl_target" not in requirements:
        return None
    req = requirements[(requirements["contacts"] > 0) & requirements["sl_target"].notna()]
    w = req["contacts"].to_numpy(float)
    return float((req["sl_target"].to_numpy(float) * w).sum() / w.sum()) if w.sum() > 0 else None


def hours_under_target(coverage: pd.DataFrame, requirements: pd.DataFrame) -> int:
    """Hours with contacts whose expected service level is below that hour's target (the
    contact-weighted target of the channels and queues of the hour)."""
    req = requirements[requirements["contacts"] > 0]
    if req.empty or "sl_target" not in req:
        return 0
    w = req["contacts"].to_numpy(float)
    target = (pd.Series(req["sl_target"].to_numpy(float) * w).groupby(req["ts"].to_numpy()).sum()
              / pd.Series(w).groupby(req["ts"].to_numpy()).sum())
    cov = coverage.set_index("ts")
    t = target.reindex(cov.index).to_numpy()
    sl = cov["service_level"].to_numpy(float)
    ok = ~np.isnan(t) & ~np.isnan(sl) & (cov["contacts"].to_numpy(float) > 0)
    return int((sl[ok] < t[ok] - 1e-9).sum())


def run_job(job: ScenarioJob) -> ScenarioResult:
    """Schedule one scenario (runs in whatever process or machine the executor chose)."""
    from planner.output.report import summary
    from planner.solve.schedule import solve_schedule

    cfg = scenario_config(job.raw, job.source, job.root, job.aht_factor, job.solver)
    sched = solve_schedule(cfg, job.requirements, job.agents, job.absences, job.start, job.days,
                           time_limit_s=job.wall_limit_s, flex=job.flex)
    counts = job.agents["pattern"].value_counts()
    return ScenarioResult(job.name, job.description, summary(sched, cfg, job.agents),
                          {str(k): int(v) for k, v in sorted(counts.items())},
                          hours_under_target(sched.coverage, job.requirements), job.warnings,
                          job.own_targets, contact_target(job.requirements))


def run_jobs(jobs: Sequence[ScenarioJob], executor: str = "processes", *, scheduler: str | None = None,
             workers: int | None = None) -> list[ScenarioResult]:
    """Run the jobs serially, in a process pool, or on a Dask cluster (`planner.executors`);
    results in job order."""
    check_executor(executor)
    if executor == "dask" and not scheduler:
        raise InputError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    return fan_out(run_job, jobs, executor, scheduler=scheduler, workers=workers)


# --------------------------------------------------------------------------- preparing runs


@dataclass(frozen=True)
class Workspace:
    """A workspace read once: the base config, the base forecast, agents and absences."""

    root: Path
    cfg: RotaConfig
    forecast: pd.DataFrame
    start: date
    days: int
    force: bool = False   # forecast even from a history that ends long before the start


def scenario_solver(cfg: RotaConfig, time_limit_s: float | None) -> dict[str, Any]:
    """One worker, the workspace's seed and a deterministic-time limit: reproducible anywhere.

    The deterministic limit is `time_limit_s` (else the scenario's `solver.deterministic_time`,
    else its time limit); the wall-clock limit is kept generous so that it is not the one that
    stops CP-SAT.
    """
    s = cfg.solver
    work = float(time_limit_s or s.deterministic_time or s.time_limit_s)
    return {"workers": 1, "deterministic_time": work, "time_limit_s": max(4 * work, work + 60)}


def open_workspace(workspace: Path, start: date, *, days: int, console=None, force: bool = False) -> Workspace:
    """Read rota.toml and forecast the `days` days from `start` once for every scenario (`force`:
    even from a history that ends more than eight weeks before `start`)."""
    from planner.pipeline import run_forecast

    cfg = load_config(workspace_toml(workspace))
    fc = run_forecast(cfg.path(cfg.data.history), start, days, cfg, console=console, force=force)
    return Workspace(Path(workspace), cfg, fc.forecast, start, days, force)


def workspace_people(cfg: RotaConfig) -> tuple[pd.DataFrame, Path | None]:
    from planner.workspace.people import load_agents

    agents = load_agents(cfg.path(cfg.data.agents), cfg.book, flex=True)
    absences = cfg.absences_path()
    return agents, absences


def prepare_job(ws: Workspace, sc: Scenario, *, time_limit_s: float | None = None,
                agents: pd.DataFrame | None = None) -> ScenarioJob:
    """Apply a scenario's changes to the workspace's data; `agents` replaces the agent list."""
    from planner.pipeline import run_forecast
    from planner.workspace.people import load_absences

    cfg = sc.cfg
    forecast = ws.forecast
    if sc.reforecast:
        forecast = run_forecast(cfg.path(cfg.data.history), ws.start, ws.days, cfg, force=ws.force).forecast
    warnings = volume_warnings(sc.volume, forecast, sc.source) + quantile_warnings(forecast, cfg.staffing)
    forecast = apply_volume(forecast, sc.volume, sc.aht_factor)
    req = staffing_requirements(forecast, cfg.staffing)
    loaded, absences_path = workspace_people(cfg)
    people = change_headcount(loaded if agents is None else agents, sc.headcount, sc.source)
    absences = load_absences(absences_path, loaded)
    absences = absences[absences["agent_id"].isin(set(people["agent_id"]))].reset_index(drop=True)
    solver = scenario_solver(cfg, time_limit_s)
    flex = (workspace_flex(cfg, loaded, absences, ws.start, ws.days, planned=people)
            if (people["pattern"] == FLEX).any() else None)
    return ScenarioJob(sc.name, sc.description, cfg.raw, sc.source, cfg.root, sc.aht_factor, solver, req, people,
                       absences, ws.start, ws.days, solver["time_limit_s"], tuple(warnings),
                       target_changes(ws.cfg, cfg), flex)


def compare_scenarios(workspace: Path, start: date, names: Sequence[str] = (), *, days: int,
                      time_limit_s: float | None = None, executor: str = "processes",
                      scheduler: str | None = None, console=None, force: bool = False) -> list[ScenarioResult]:
    """Run the base and the scenarios (all of the workspace's by default) over `days` days from
    `start`; base first."""
    ws = open_workspace(workspace, start, days=days, console=console, force=force)
    files = find_scenarios(workspace, names)
    if not files:   # said, so that a table with the base alone is not taken for a comparison
        from planner.output.terminal import print_warnings

        print_warnings(console, [f"no scenario files in {Path(workspace) / 'scenarios'}: only the base is run "
                                 "(add NAME.toml files there, as in sample_data/scenarios)"])
    scenarios = [base_scenario(ws.cfg)] + [load_scenario(p, ws.cfg) for p in files]
    seen: dict[str, str] = {}
    for sc in scenarios:
        if sc.name in seen:
            raise InputError(f"scenario name {sc.name!r} is used twice (also in {seen[sc.name]})",
                             file=sc.source, column="name")
        seen[sc.name] = sc.source
    jobs = [prepare_job(ws, sc, time_limit_s=time_limit_s) for sc in scenarios]
    return run_jobs(jobs, executor, scheduler=scheduler)
