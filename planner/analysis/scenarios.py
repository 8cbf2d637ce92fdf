"""What-if scenarios: a workspace's rota.toml and data with some things changed, run through the
same forecast -> requirements -> schedule pipeline as `rota plan`.

A scenario is `scenarios/NAME.toml`: `name`, `description`, a `[config]` table deep-merged into
rota.toml (and validated by the same code, so a bad value gets the same named error), and data
changes: `[[volume]]` multipliers, `aht_factor`, `[[headcount]]` agents added or removed per
pattern. The forecast is made once for the base and reused: a scenario changes it only through
its volume and AHT changes (or by overriding `[forecast]` or the history file, which forecasts
again).

Scenario runs use one CP-SAT worker, a fixed seed and a deterministic-time limit, so a scenario
gives the same numbers whether it ran serially, in a process pool or on a Dask cluster.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.errors import InputError
from forecasts.staffing import requirements as staffing_requirements
from planner.workspace.config import RotaConfig, load_config, load_config_dict, read_toml

EXECUTORS = ("serial", "processes", "dask")
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
    """`change` agents added (positive) or removed (negative) on one pattern."""

    pattern: str
    change: int


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


def parse_scenario(raw: dict[str, Any], source: str, base: RotaConfig) -> Scenario:
    """Validate a parsed scenario file against the workspace's configuration."""
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise _scenario_error(exc, source) from None
    cfg = scenario_config(deep_merge(base.raw, spec.config), source, base.root, spec.aht_factor)
    for i, h in enumerate(spec.headcount):
        if h.pattern not in cfg.book.patterns:
            raise InputError(f"unknown pattern {h.pattern!r}; known: {', '.join(sorted(cfg.book.patterns))}",
                             file=source, column=f"headcount.{i}.pattern")
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


def hypothetical_agent(agents: pd.DataFrame, pattern: str, number: int) -> dict[str, Any]:
    """A vacancy on `pattern`: the pattern's median rate and most common skills (the whole
    team's when nobody works that pattern yet), no cycle start, open to any shift."""
    same = agents[agents["pattern"] == pattern]
    pool = same if len(same) else agents
    skills = pool["skills"].mode()
    return {"agent_id": f"NEW-{pattern}-{number:02d}", "name": f"vacancy {pattern} #{number}", "team": "new",
            "pattern": pattern, "shift_pref": "any", "skills": str(skills.iloc[0]) if len(skills) else "",
            "rate_rub_h": float(pool["rate_rub_h"].median()), "cycle_start": pd.NaT, "night_ok": True}


def change_headcount(agents: pd.DataFrame, changes: Sequence[HeadcountChange], source: str = "scenario"
                     ) -> pd.DataFrame:
    """Agents with vacancies added, or the last agents of a pattern (in file order) removed."""
    out = agents
    for i, h in enumerate(changes):
        if h.change > 0:
            taken = out["agent_id"].astype(str)
            new, k = [], 0
            while len(new) < h.change:
                k += 1
                row = hypothetical_agent(agents, h.pattern, k)
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


@dataclass(frozen=True)
class ScenarioResult:
    """The figures of one scenario run (small, so it travels back from a worker cheaply)."""

    name: str
    description: str
    summary: dict[str, Any]
    headcount: dict[str, int]
    hours_under_target: int
    warnings: tuple[str, ...] = ()


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
                           time_limit_s=job.wall_limit_s)
    counts = job.agents["pattern"].value_counts()
    return ScenarioResult(job.name, job.description, summary(sched, cfg, job.agents),
                          {str(k): int(v) for k, v in sorted(counts.items())},
                          hours_under_target(sched.coverage, job.requirements), job.warnings)


def run_jobs(jobs: Sequence[ScenarioJob], executor: str = "processes", *, scheduler: str | None = None,
             workers: int | None = None) -> list[ScenarioResult]:
    """Run the jobs serially, in a process pool, or on a Dask cluster; results in job order."""
    if executor not in EXECUTORS:
        raise InputError(f"--executor {executor!r} is unknown; use {', '.join(EXECUTORS)}")
    if executor == "serial" or (executor == "processes" and len(jobs) <= 1):
        return [run_job(j) for j in jobs]
    if executor == "processes":
        from concurrent.futures import ProcessPoolExecutor

        n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
        with ProcessPoolExecutor(max_workers=n) as pool:
            return list(pool.map(run_job, jobs))
    if not scheduler:
        raise InputError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError('--executor dask needs dask.distributed: pip install "dask[distributed]"') from None
    with Client(scheduler, set_as_default=False) as client:
        futures = client.map(run_job, list(jobs), pure=False)
        return list(client.gather(futures))


# --------------------------------------------------------------------------- preparing runs


@dataclass(frozen=True)
class Workspace:
    """A workspace read once: the base config, the base forecast, agents and absences."""

    root: Path
    cfg: RotaConfig
    forecast: pd.DataFrame
    start: date
    days: int


def scenario_solver(cfg: RotaConfig, time_limit_s: float | None) -> dict[str, Any]:
    """One worker, the workspace's seed and a deterministic-time limit: reproducible anywhere.

    The deterministic limit is `time_limit_s` (else the scenario's `solver.deterministic_time`,
    else its time limit); the wall-clock limit is kept generous so that it is not the one that
    stops CP-SAT.
    """
    s = cfg.solver
    work = float(time_limit_s or s.deterministic_time or s.time_limit_s)
    return {"workers": 1, "deterministic_time": work, "time_limit_s": max(4 * work, work + 60)}


def open_workspace(workspace: Path, start: date, weeks: int, *, console=None) -> Workspace:
    """Read rota.toml and forecast the horizon once for every scenario."""
    from planner.pipeline import run_forecast

    toml = Path(workspace) / "rota.toml"
    if not toml.is_file():
        raise InputError("no rota.toml in the workspace folder", file=str(workspace))
    cfg = load_config(toml)
    fc = run_forecast(cfg.path(cfg.data.history), start, weeks * 7, cfg, console=console)
    return Workspace(Path(workspace), cfg, fc.forecast, start, weeks * 7)


def _people(cfg: RotaConfig) -> tuple[pd.DataFrame, Path | None]:
    from planner.workspace.people import load_agents

    agents = load_agents(cfg.path(cfg.data.agents), cfg.book)
    absences = cfg.path(cfg.data.absences) if cfg.data.absences else None
    if absences is not None and not absences.exists() and "absences" not in cfg.raw.get("data", {}):
        absences = None
    return agents, absences


def prepare_job(ws: Workspace, sc: Scenario, *, time_limit_s: float | None = None,
                agents: pd.DataFrame | None = None) -> ScenarioJob:
    """Apply a scenario's changes to the workspace's data; `agents` replaces the agent list."""
    from planner.pipeline import run_forecast
    from planner.workspace.people import load_absences

    cfg = sc.cfg
    forecast = ws.forecast
    if sc.reforecast:
        forecast = run_forecast(cfg.path(cfg.data.history), ws.start, ws.days, cfg).forecast
    warnings = volume_warnings(sc.volume, forecast, sc.source)
    forecast = apply_volume(forecast, sc.volume, sc.aht_factor)
    req = staffing_requirements(forecast, cfg.staffing)
    loaded, absences_path = _people(cfg)
    people = change_headcount(loaded if agents is None else agents, sc.headcount, sc.source)
    absences = load_absences(absences_path, loaded)
    absences = absences[absences["agent_id"].isin(set(people["agent_id"]))].reset_index(drop=True)
    solver = scenario_solver(cfg, time_limit_s)
    return ScenarioJob(sc.name, sc.description, cfg.raw, sc.source, cfg.root, sc.aht_factor, solver, req, people,
                       absences, ws.start, ws.days, solver["time_limit_s"], tuple(warnings))


def compare_scenarios(workspace: Path, start: date, weeks: int, names: Sequence[str] = (), *,
                      time_limit_s: float | None = None, executor: str = "processes",
                      scheduler: str | None = None, console=None) -> list[ScenarioResult]:
    """Run the base and the scenarios (all of the workspace's by default); base first."""
    ws = open_workspace(workspace, start, weeks, console=console)
    scenarios = [base_scenario(ws.cfg)] + [load_scenario(p, ws.cfg) for p in find_scenarios(workspace, names)]
    seen: dict[str, str] = {}
    for sc in scenarios:
        if sc.name in seen:
            raise InputError(f"scenario name {sc.name!r} is used twice (also in {seen[sc.name]})",
                             file=sc.source, column="name")
        seen[sc.name] = sc.source
    jobs = [prepare_job(ws, sc, time_limit_s=time_limit_s) for sc in scenarios]
    return run_jobs(jobs, executor, scheduler=scheduler)


# ------------------------------------------------------------------------------------- sizing


@dataclass(frozen=True)
class SizeResult:
    """The smallest team in the mix that met the target, and how it was found."""

    target: float
    total: int
    needed: dict[str, int]
    current: dict[str, int]
    hire: dict[str, int]
    service_level: float
    tried: tuple[tuple[int, float], ...]   # (total headcount, service level) in the order run
    met: bool


def parse_mix(text: str, patterns: Sequence[str]) -> dict[str, float]:
    """`2/2=0.5,3/3=0.2,5/2=0.3` -> shares that add up to 1."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, share = part.partition("=")
        name = name.strip()
        if not sep or name not in patterns:
            raise InputError(f"--mix expects PATTERN=SHARE with a pattern of rota.toml ({', '.join(sorted(patterns))}), "
                             f"got {part!r}")
        try:
            value = float(share.replace(",", "."))
        except ValueError:
            raise InputError(f"--mix share of {name} is not a number: {share!r}") from None
        if value < 0 or not math.isfinite(value):
            raise InputError(f"--mix share of {name} must be 0 or more, got {share!r}")
        mix[name] = mix.get(name, 0.0) + value
    total = sum(mix.values())
    if total <= 0:
        raise InputError("--mix needs at least one pattern with a share above 0")
    return {k: v / total for k, v in mix.items()}


def split_total(total: int, mix: dict[str, float]) -> dict[str, int]:
    """Whole agents per pattern in proportion to the mix (largest remainder, ties by order)."""
    names = list(mix)
    exact = np.array([mix[n] for n in names]) * total
    base = np.floor(exact + 1e-9).astype(int)
    rest = total - int(base.sum())
    if rest > 0:
        base[np.argsort(-(exact - base), kind="stable")[:rest]] += 1
    return dict(zip(names, (int(b) for b in base)))


def team_for(agents: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """The first agents of each pattern (file order) up to the count, then vacancies."""
    parts = []
    for pattern, n in counts.items():
        have = agents[agents["pattern"] == pattern].iloc[:n]
        parts.append(have)
        if n > len(have):
            parts.append(pd.DataFrame([hypothetical_agent(agents, pattern, k + 1) for k in range(n - len(have))])
                         .astype({"cycle_start": "datetime64[ns]"}))
    return pd.concat(parts, ignore_index=True)


def size_team(
    evaluate: Callable[[dict[str, int]], float], mix: dict[str, float], target: float, current: dict[str, int],
    *, start_total: int, max_total: int = 5000,
) -> SizeResult:
    """Bisection on the total headcount: the smallest total whose split by the mix gives a
    contact-weighted service level of at least `target` (assumes more agents never serve worse)."""
    tried: list[tuple[int, float]] = []
    level: dict[int, float] = {}

    def ok(n: int) -> bool:
        if n not in level:
            level[n] = evaluate(split_total(n, mix))
            tried.append((n, level[n]))
        return level[n] >= target

    hi = max(1, start_total)
    lo = 0
    while not ok(hi):
        lo = hi
        if hi >= max_total:
            return SizeResult(target, hi, split_total(hi, mix), current,
                              {p: max(0, n - current.get(p, 0)) for p, n in split_total(hi, mix).items()},
                              level[hi], tuple(tried), False)
        hi = min(hi * 2, max_total)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    needed = split_total(hi, mix)
    return SizeResult(target, hi, needed, current, {p: max(0, n - current.get(p, 0)) for p, n in needed.items()},
                      level[hi], tuple(tried), True)


def size_workspace(workspace: Path, start: date, weeks: int, mix: str, target: float, *,
                   time_limit_s: float | None = None, console=None,
                   report: Callable[[int, float], None] | None = None) -> SizeResult:
    """`rota size`: how many agents per pattern of the mix meet `target` over the horizon."""
    if not 0 < target <= 1:
        raise InputError(f"--target is a service level between 0 and 1, got {target}")
    ws = open_workspace(workspace, start, weeks, console=console)
    shares = parse_mix(mix, list(ws.cfg.book.patterns))
    agents, _ = _people(ws.cfg)
    current = {p: int((agents["pattern"] == p).sum()) for p in shares}
    base = base_scenario(ws.cfg)

    def evaluate(counts: dict[str, int]) -> float:
        job = prepare_job(ws, base, time_limit_s=time_limit_s, agents=team_for(agents, counts))
        res = run_job(job)
        sl = res.summary["service_level"]
        sl = 0.0 if sl is None else float(sl)
        if report is not None:
            report(sum(counts.values()), sl)
        return sl

    return size_team(evaluate, shares, target, current, start_total=max(1, sum(current.values())))

