"""Several sites planned in one command.

A large operation runs hubs that share no staff, each a workspace of its own (rota.toml, history,
agents, time zone). Each is planned as its own problem, exactly as `rota plan --workspace` plans
it alone, on the executors `rota compare` uses (`planner.executors`), and written to a folder named
after its workspace under the output folder, every file as a single-site run writes it.
`sites.json`, `sites.csv` and a terminal table sum them up. A site whose input is bad is reported
with its one line and the others still run. Times stay each site's local time (`[site] timezone`):
nothing is converted, so a Vladivostok rota reads as Vladivostok's staff read it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape

from common.errors import INPUT_ERRORS, InputError, error_line
from common.interrupt import ctrl_c_stops
from common.files import new_folder, write_csv, write_text
from planner.executors import fan_out
from planner.pipeline import run_plan, write_schedule
from planner.runs import PlanRun
from planner.workspace.config import load_config, workspace_toml
from planner.workspace.previous import previous_file

SITES_JSON, SITES_CSV = "sites.json", "sites.csv"
LOCAL_TIMES = ("local: each site's rota, coverage and timesheet are in the site's own time zone "
               "([site] timezone of its rota.toml), not converted")
#: summary.json's figures each site brings to the combined summary
FIGURES = ("status", "gap", "agents", "agents_scheduled", "required_agent_hours", "scheduled_agent_hours",
           "shortfall_agent_hours", "service_level", "violations")
#: sites.csv's columns: the short table a spreadsheet opens
CSV_COLUMNS = ("site", "timezone", "status", "agents", "gap", "shortfall_agent_hours", "service_level", "pay_rub",
               "violations", "seconds", "error")


def site_folders(folder: Path) -> list[Path]:
    """The workspaces of a `--sites` folder: its sub-folders with a rota.toml, by name."""
    if not Path(folder).is_dir():
        raise InputError("no such folder: --sites wants a folder holding one workspace per sub-folder",
                         file=str(folder))
    found = sorted(p for p in Path(folder).iterdir() if p.is_dir() and (p / "rota.toml").is_file())
    if not found:
        raise InputError("no workspace here: --sites wants one sub-folder with a rota.toml per site",
                         file=str(folder))
    return found


def site_names(workspaces: Sequence[Path]) -> list[str]:
    """Each site's name, its workspace folder's name, which names its results folder: two alike
    would write into one folder, so they are refused."""
    names: dict[str, Path] = {}
    for ws in workspaces:
        name = Path(ws).resolve().name
        if name in names:
            raise InputError(f"two sites are named {name!r} ({names[name]} and {ws}): each site's results go to a "
                             "folder named after its workspace; rename one")
        names[name] = Path(ws)
    return list(names)


@dataclass(frozen=True)
class SiteJob:
    """One site's plan: everything a worker needs, paths and dates only (it reads its own files)."""

    site: str
    workspace: Path
    out: Path                          # the combined results folder; the site writes out/site
    start: date
    days: int
    today: date | None = None
    time_limit_s: float | None = None
    previous: tuple[Path, ...] = ()    # multi-site results folders: the site takes its own sub-folder
    published: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class SiteEvent:
    """A site has begun a stage (forecasting, sizing, solving, writing) `seconds` after it started."""

    site: str
    stage: str
    seconds: float


@dataclass(frozen=True)
class SiteResult:
    """What one site's plan came to: small, so that it travels back from a worker cheaply."""

    site: str
    workspace: str
    timezone: str | None
    seconds: float
    error: str = ""                    # the one line of a site that failed on its input
    figures: dict[str, Any] = field(default_factory=dict)
    folder: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.error)


def site_zone(workspace: Path) -> str | None:
    """A failed site's time zone, when its rota.toml can still be read."""
    try:
        return load_config(workspace_toml(workspace)).site.timezone
    except INPUT_ERRORS:
        return None


def write_site(run: PlanRun, folder: Path) -> list[Path]:
    """A site's results as a single-site run writes them; a new folder appears whole or not at
    all, an existing one is updated all or nothing as `write_schedule` does."""
    if folder.exists():
        return write_schedule(run, folder)
    with new_folder(folder) as staging:
        written = write_schedule(run, staging)
    return [folder / p.name for p in written]


STOPPED = "stopped by Ctrl-C: the best rota found until then"


def plan_site(job: SiteJob, report: Callable[[SiteEvent], None] | None = None) -> SiteResult:
    """Plan and write one site (in whatever process or machine the executor chose). Bad input
    ends this site alone, as its one line in the result; Ctrl-C stops the search and keeps the
    best rota found (`ctrl_c_stops`)."""
    began = time.perf_counter()

    def stage(name: str) -> None:
        if report is not None:
            report(SiteEvent(job.site, name, time.perf_counter() - began))

    folder = Path(job.out) / job.site
    try:
        with ctrl_c_stops(lambda: stage("stopping")) as stop:
            run = run_plan(job.workspace, job.start, days=job.days, time_limit_s=job.time_limit_s,
                           previous=[previous_file(Path(p) / job.site) for p in job.previous],
                           published=previous_file(Path(job.published) / job.site) if job.published else None,
                           today=job.today, force=job.force, stage=stage, stop=stop)
        stopped = stop.is_set()
        stage("writing")
        write_site(run, folder)
    except INPUT_ERRORS as exc:
        return SiteResult(job.site, str(job.workspace), site_zone(job.workspace), time.perf_counter() - began,
                          error=error_line(exc))
    s = run.summary
    figures = {**{k: s[k] for k in FIGURES}, "pay_rub": s["cost"]["total"]}
    return SiteResult(job.site, str(job.workspace), run.cfg.site.timezone, time.perf_counter() - began,
                      figures=figures, folder=str(folder),
                      warnings=(STOPPED,) * stopped + tuple(s.get("warnings", ())))


class SiteProgress:
    """One line per site and stage as it begins, and one as it ends (the gap, or the failure), in
    the order they happen: which site is where, and for how long, with several running at once."""

    def __init__(self, console: Console, sites: Sequence[str]) -> None:
        self.console = console
        self.width = max(map(len, sites), default=4)
        self.finished: set[str] = set()
        self.lock = threading.Lock()

    def _line(self, site: str, what: str, seconds: float, detail: str = "", style: str = "") -> None:
        what = f"[{style}]{what:<13}[/]" if style else f"{what:<13}"
        self.console.print(f"  [bold]{escape(site):<{self.width}}[/]  {what} {seconds:6.1f} s  {detail}".rstrip(),
                           highlight=False)

    def stage(self, event: SiteEvent) -> None:
        with self.lock:   # a stage heard after its site ended (events may lag on Dask) is not said
            if event.site not in self.finished:
                self._line(event.site, event.stage + " …", event.seconds)

    def done(self, _: int, r: SiteResult) -> None:
        with self.lock:
            self.finished.add(r.site)
            if r.failed:
                self._line(r.site, "failed", r.seconds, f"[red]{escape(r.error)}[/]", "red")
                return
            f = r.figures
            status = "" if f["status"] in ("FEASIBLE", "OPTIMAL") else f"{f['status']}, "
            gap = f"{f['gap']:.2%}" if f["gap"] is not None else "–"
            self._line(r.site, "done", r.seconds, f"{status}gap {gap}, short {f['shortfall_agent_hours']:,.0f} "
                       f"agent-h" + (f", {len(r.warnings)} warning(s)" if r.warnings else ""), "green")


def plan_sites(jobs: Sequence[SiteJob], *, executor: str = "processes", scheduler: str | None = None,
               workers: int | None = None, console: Console | None = None) -> list[SiteResult]:
    """Plan every site on `executor` (`planner.executors.fan_out`); results in job order, progress
    on `console` as the sites go."""
    if console is None:
        return fan_out(plan_site, jobs, executor, scheduler=scheduler, workers=workers)
    progress = SiteProgress(console, [j.site for j in jobs])
    said = "[yellow]stopping: every site keeps the best rota found so far (Ctrl-C again to abort)[/]"
    with ctrl_c_stops(lambda: console.print(said)):
        return fan_out(plan_site, jobs, executor, scheduler=scheduler, workers=workers, listen=progress.stage,
                       done=progress.done)


def sites_frame(results: Sequence[SiteResult]) -> pd.DataFrame:
    """One row per site: its zone, the figures of its summary.json, seconds, and its error."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"site": r.site, "timezone": r.timezone or "", **{k: None for k in FIGURES},
                               "pay_rub": None}
        row.update(r.figures)
        row.update({"seconds": round(r.seconds, 1), "warnings": len(r.warnings), "folder": r.folder or "",
                    "workspace": r.workspace, "error": r.error})
        rows.append(row)
    return pd.DataFrame(rows)


def write_sites_summary(results: Sequence[SiteResult], out: Path, *, start: date, days: int,
                        executor: str) -> list[Path]:
    """sites.json (every site's figures, warnings and error; that times are local) and sites.csv
    (the short table), each written whole."""
    doc = {"start": start.isoformat(), "days": days, "times": LOCAL_TIMES, "executor": executor,
           "sites_planned": sum(not r.failed for r in results), "sites_failed": sum(r.failed for r in results),
           "sites": [{**asdict(r), "seconds": round(r.seconds, 1), "warnings": list(r.warnings)} for r in results]}
    frame = sites_frame(results)
    return [write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", Path(out) / SITES_JSON),
            write_csv(frame[list(CSV_COLUMNS)], Path(out) / SITES_CSV)]
