"""`rota`: the command line. Parses arguments, calls the packages, prints. No domain logic here."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from common.errors import INPUT_ERRORS, InputError, error_line

SAMPLE = Path(__file__).resolve().parent / "sample_data"
TODAY_ENV = "ROTA_TODAY"   # the date rota takes for today (tests; replaying a past week as it was)

app = typer.Typer(
    name="rota",
    help=(
        "Workforce and shift planning for a 24/7 contact centre: forecast contacts, size the "
        "staff, schedule 2/2, 3/3 and 5/2 rotas, export for HR.\n\n"
        "Start with:  rota plan   (runs everything on the bundled sample workspace)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich markup would eat `[channel]` in option help and typer's rich help
    # adds a `<bool>` type to every --help line.
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def command(**kwargs: Any) -> Callable[[F], F]:
    """Register a command whose bad input ends in one line on stderr and exit code 2."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except INPUT_ERRORS as exc:
                err.print(f"[bold red]error:[/] {escape(error_line(exc))}", highlight=False, soft_wrap=True)
                raise typer.Exit(2) from None

        app.command(**kwargs)(run)
        return fn

    return wrap


def _date(value: str, option: str) -> date:
    """YYYY-MM-DD, or DD.MM.YYYY as Russian users type it."""
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise InputError(f"{option} expects a date YYYY-MM-DD (or DD.MM.YYYY), got {value!r}")


def _example(command: str, *notes: str) -> str:
    """A command's epilog: one example that runs as written from the repository folder
    (tests/test_help_examples.py runs each), kept on one line so it can be copied, then notes."""
    return "\b\nExample: rota " + command + "".join(f"\n\n{n}" for n in notes)


def _sample_today() -> date:
    """The day after the bundled sample's history ends: its data is fixed, so `rota plan` on it
    plans the week that data was made for instead of a week months after its last hour."""
    try:
        with open(SAMPLE / "history.csv", "rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 512))
            last = fh.read().decode("utf-8").strip().splitlines()[-1]
        return date.fromisoformat(last[:10]) + timedelta(days=1)
    except (OSError, ValueError, IndexError):
        return date.today()


def _today(workspace: Path | None = None) -> date:
    """Today: $ROTA_TODAY when set, else the system date (on the bundled sample, the day after its
    history). It gives the default start and art. 103's month of notice."""
    if said := os.environ.get(TODAY_ENV, "").strip():
        return _date(said, TODAY_ENV)
    sample = workspace is not None and Path(workspace).resolve() == SAMPLE
    return _sample_today() if sample else date.today()


def _first_day(start: str | None, workspace: Path | None = None) -> date:
    """--start, or the coming Monday (on the bundled sample: the Monday after its history)."""
    from planner.pipeline import next_monday

    if start:
        return _date(start, "--start")
    return next_monday(_today(workspace))


def _horizon(start: str | None, weeks: int | None, month: str | None,
             workspace: Path | None = None) -> tuple[date, int]:
    """(first day, days) of the plan: --month's calendar month, or --weeks (1) weeks from --start."""
    from planner.pipeline import month_span

    if month is None:
        return _first_day(start, workspace), 7 * (weeks or 1)
    given = [name for name, value in (("--start", start), ("--weeks", weeks)) if value is not None]
    if given:
        raise InputError(f"--month plans a whole calendar month from its 1st: give it without {' and '.join(given)}")
    return month_span(month)


def _planning(what: str, first: date, days: int, workspace: Path) -> None:
    """The first line of a run: what it does, over which days, on which workspace."""
    from planner.output.terminal import horizon_words

    out.print(f"{what} {horizon_words(first, days)} for workspace [cyan]{workspace}[/]", highlight=False)


def _config(path: Path | None) -> Any:
    from planner.workspace.config import load_config

    return load_config(path)


def _print_written(*paths: Path) -> None:
    for p in paths:
        out.print(f"  wrote [cyan]{p}[/]", highlight=False)


HistoryOpt = Annotated[
    Path,
    typer.Option(
        "--history", metavar="FILE", show_default=False,
        help="History CSV/XLSX: ts, [channel], [queue], contacts, [aht_s]; or one row per contact "
             "(default: the sample's history.csv).",
    ),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", metavar="FILE",
                              help="rota.toml with the site's settings (default: built-in defaults).")
]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Forecast even from a history that ends more than 8 weeks before the start.")]


@command(epilog=_example("forecast --start 2026-11-23 --days 7 --out forecast.csv --plot forecast.png"))
def forecast(
    start: Annotated[str, typer.Option(metavar="DATE",
                                       help="First day of the forecast, YYYY-MM-DD; only history before it is used.")],
    out_path: Annotated[Path, typer.Option("--out", metavar="FILE", help="CSV to write: ts,channel,queue,contacts.")],
    history: HistoryOpt = SAMPLE / "history.csv",
    days: Annotated[int, typer.Option(min=1, max=400, metavar="N", help="Number of days to forecast.")] = 7,
    config: ConfigOpt = None,
    method: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="blend, daily_profile, weekly_mean, seasonal_naive, or 'best' to "
                                          "pick per series by backtest (default: rota.toml, else blend)."),
    ] = None,
    plot: Annotated[Path | None, typer.Option(metavar="PNG", help="PNG: recent history and the forecast.")] = None,
    force: ForceOpt = False,
) -> None:
    """Forecast contacts hour by hour for every channel and queue of the history."""
    from planner import pipeline
    from planner.output import terminal

    cfg = _config(config)
    result = pipeline.run_forecast(history, _date(start, "--start"), days, cfg, method=method, console=out,
                                   force=force)
    written = pipeline.write_forecast(result, out_path, plot)
    out.print(terminal.forecast_table(result))
    _print_written(*written)


@command(epilog=_example("backtest --history sample_data/history.csv --origins 4"))
def backtest(
    history: HistoryOpt = SAMPLE / "history.csv",
    config: ConfigOpt = None,
    origins: Annotated[int, typer.Option(min=1, max=52, metavar="N",
                                         help="Weekly forecast origins at the end of history.")] = 4,
) -> None:
    """Score every forecasting method per series by a rolling-origin backtest (WAPE, bias, and how
    often the 80 % interval held the real count)."""
    from planner import pipeline
    from planner.output import terminal

    cfg = _config(config)
    table = pipeline.run_backtest(history, cfg, origins=origins, console=out)
    out.print(terminal.backtest_table(table))


@command(epilog=_example("requirements --forecast forecast.csv --config sample_data/rota.toml --out req.csv"))
def requirements(
    forecast_path: Annotated[Path, typer.Option("--forecast", metavar="FILE",
                                                help="Forecast CSV: ts,channel,queue,contacts[,aht_s,dispersion].")],
    out_path: Annotated[Path, typer.Option("--out", metavar="FILE",
                                           help="CSV to write: agents needed per hour and channel.")],
    config: ConfigOpt = None,
) -> None:
    """Turn a forecast into agents needed per hour (Erlang C/A, chat, e-mail, shrinkage)."""
    from planner import pipeline
    from planner.output import terminal

    cfg = _config(config)
    req = pipeline.run_requirements(forecast_path, cfg, console=out)
    written = pipeline.write_requirements(req, out_path)
    out.print(terminal.requirements_table(req))
    _print_written(*written)


class _Solving:
    """Live progress (the stage, its seconds, the solver's gap) and Ctrl-C as 'stop and keep the best rota'."""

    def __init__(self) -> None:
        from common.interrupt import ctrl_c_stops
        from planner.output.status import RunStatus

        self._status = RunStatus(out, "reading")
        self.progress = self._status.solver
        # said on the live line's own console, which prints it above the line instead of through it
        self._ctrl_c = ctrl_c_stops(lambda: out.print(
            "[yellow]stopping: the best rota found so far will be kept (Ctrl-C again to abort)[/]"))

    def __enter__(self) -> "_Solving":
        self.stop = self._ctrl_c.__enter__()
        self._status.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._status.__exit__(*exc)
        self._ctrl_c.__exit__(*exc)


def _finish(run: Any, out_dir: Path) -> None:
    from planner import pipeline
    from planner.output.status import RunStatus
    from planner.output.terminal import queue_table, summary_table

    with RunStatus(out, "writing"):
        written = pipeline.write_schedule(run, out_dir)
    out.print(summary_table(run.summary))
    if (queues := queue_table(run.summary)) is not None:
        out.print(queues)
    for v in run.schedule.violations[:10]:
        err.print(f"[red]violation[/] {escape(f'{v.rule}: {v.agent_id} {v.when}: {v.detail}')}", highlight=False)
    _print_written(*written)
    if run.summary["violations"]:
        raise typer.Exit(1)


def _published(path: Path | None) -> Path | None:
    """The rota file `--published` stands for, said on screen."""
    from planner.workspace.previous import previous_file

    if path is None:
        return None
    found = previous_file(path)
    out.print(f"published rota: [cyan]{found}[/]", highlight=False)
    return found


def _previous(paths: list[Path] | None) -> list[Path]:
    """The rota files `--previous` stands for (a results folder holds one), each said on screen."""
    from planner.workspace.previous import previous_file

    found = []
    for path in paths or ():
        found.append(previous_file(path))
        if found[-1] != path:
            out.print(f"previous rota: [cyan]{found[-1]}[/]", highlight=False)
    return found


WeeksOpt = Annotated[int | None, typer.Option(min=1, max=13, metavar="N",
                                              help="Number of weeks to schedule (default 1).", show_default=False)]
MonthOpt = Annotated[str | None, typer.Option(
    metavar="YYYY-MM", help="Plan one calendar month, from its 1st to its last day (instead of --start and --weeks).")]
TimeLimitOpt = Annotated[
    float | None, typer.Option("--time-limit", min=1, metavar="S",
                               help="Solver time limit in seconds (default: rota.toml, 30).")
]
PreviousOpt = Annotated[
    list[Path] | None, typer.Option(
        "--previous", metavar="PATH",
        help="Last period's results folder, or its rota.xlsx or rota.csv; again for each rota of the days before "
             "(the weeks of the month so far), which must reach the day before the first day. Agents keep their "
             "2/2 and 3/3 cycle, their rest after the last shifts and a fair share of nights and weekends.")
]
PublishedOpt = Annotated[Path | None, typer.Option(
    "--published", metavar="PATH",
    help="The rota the staff were shown (the month's results folder, rota.xlsx or rota.csv): the re-plan keeps "
         "its shifts unless a change is worth objective.changed_shift_rub, and lists every change in changes.csv "
         "and the Changes sheet (each needs the agent's agreement, art. 103).")]
WorkspaceOpt = Annotated[Path, typer.Option(
    metavar="DIR", show_default=False,
    help="Workspace folder with rota.toml and its data files (default: the bundled sample_data).")]
StartOpt = Annotated[str | None, typer.Option(
    metavar="DATE", help="First day, YYYY-MM-DD (default: next Monday; on the sample, the week after its history).")]


@command(epilog=_example(
    "schedule --requirements req.csv --agents sample_data/agents.csv --absences sample_data/absences.csv "
    "--config sample_data/rota.toml --start 2026-11-23 --weeks 1 --out out/"))
def schedule(
    requirements_path: Annotated[Path, typer.Option("--requirements", metavar="FILE",
                                                    help="CSV with ts and agents (as `rota requirements` writes).")],
    agents: Annotated[Path, typer.Option(
        metavar="FILE", help="Agents CSV/XLSX: agent_id, name, team, pattern, shift_pref, skills, rate_rub_h, …")],
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="Folder for rota.csv, coverage.csv, summary.json.")],
    start: Annotated[str | None, typer.Option(
        metavar="DATE", help="First day of the rota, YYYY-MM-DD (or give --month).")] = None,
    absences: Annotated[Path | None, typer.Option(metavar="FILE",
                                                  help="Absences CSV/XLSX: agent_id, start, end, kind.")] = None,
    config: ConfigOpt = None,
    previous: PreviousOpt = None,
    published: PublishedOpt = None,
    weeks: WeeksOpt = None,
    month: MonthOpt = None,
    time_limit: TimeLimitOpt = None,
) -> None:
    """Schedule named agents on their 2/2, 3/3 and 5/2 rotas against hourly requirements."""
    from planner import pipeline

    if start is None and month is None:
        raise InputError("give the first day of the rota as --start DATE, or a calendar month as --month YYYY-MM")
    first, days = _horizon(start, weeks, month)
    today = _today()
    cfg = _config(config)
    req = pipeline.read_requirements(requirements_path)
    previous = _previous(previous)
    with _Solving() as solving:
        run = pipeline.run_schedule(cfg, req, agents, absences, first, days=days, previous=previous, today=today,
                                    time_limit_s=time_limit, progress=solving.progress, stop=solving.stop,
                                    console=out, published=_published(published))
    _finish(run, out_dir)


@command(epilog=_example(
    "plan --workspace sample_data --start 2026-11-23 --weeks 1 --out out/",
    "--month 2027-01 plans 1-31 January instead. A plan that starts less than a month after today is "
    "made with a warning: art. 103 has a shift schedule shown to the staff a month before it takes effect "
    f"(the environment variable {TODAY_ENV}=YYYY-MM-DD sets today).",
    "Several sites that share no staff: --workspace once per site (rota plan --workspace sample_data "
    "--workspace my_site --start 2026-11-23 --out sites/) or --sites DIR plans each site on its own, on "
    "--executor, into a folder per site named after its workspace, with sites.json and sites.csv beside them; "
    "times stay each site's local time. Exit code 2 if any site failed on its input (the others are written)."))
def plan(
    workspace: Annotated[list[Path] | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Workspace folder with rota.toml and its data files (default: the bundled sample_data); again for "
             "each further site to plan several sites at once.")] = None,
    start: StartOpt = None,
    weeks: WeeksOpt = None,
    month: MonthOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the results.")] = Path("out"),
    previous: PreviousOpt = None,
    published: PublishedOpt = None,
    time_limit: TimeLimitOpt = None,
    force: ForceOpt = False,
    sites: Annotated[Path | None, typer.Option(
        metavar="DIR", help="A folder holding one workspace per sub-folder: plan every site in it (instead of "
                            "--workspace).")] = None,
    executor: Annotated[str, typer.Option(metavar="NAME", help="With several sites: serial, processes (one "
                                                               "per CPU) or dask.")] = "processes",
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="With several sites and --executor "
                                                  "dask: the scheduler's address (default: a local cluster).")] = None,
) -> None:
    """The weekly (or monthly) job: forecast -> staffing requirements -> rota -> results, in one go."""
    from planner import pipeline
    from planner.workspace.config import workspace_toml

    if sites is not None or len(workspace or ()) > 1:
        return _plan_sites(workspace, sites, start=start, weeks=weeks, month=month, out_dir=out_dir,
                           previous=previous, published=published, time_limit=time_limit, force=force,
                           executor=executor, scheduler=scheduler)
    workspace = workspace[0] if workspace else SAMPLE
    first, days = _horizon(start, weeks, month, workspace)
    today = _today(workspace)
    workspace_toml(workspace)   # a missing folder is said before "Planning …"
    _planning("Planning", first, days, workspace)
    previous = _previous(previous)
    with _Solving() as solving:
        run = pipeline.run_plan(workspace, first, days=days, time_limit_s=time_limit, previous=previous,
                                today=today, progress=solving.progress, stop=solving.stop, console=out, force=force,
                                published=_published(published))
    _finish(run, out_dir)


def _plan_sites(workspaces: list[Path] | None, folder: Path | None, *, start: str | None, weeks: int | None,
                month: str | None, out_dir: Path, previous: list[Path] | None, published: Path | None,
                time_limit: float | None, force: bool, executor: str, scheduler: str | None) -> None:
    """`rota plan` over several sites: a line per site and stage, the sites table, exit code 2 if
    any site failed on its input (1 if a written rota breaks a labour rule)."""
    from planner.executors import check_executor
    from planner.output.terminal import horizon_words, print_warnings, sites_table
    from planner.sites import SiteJob, plan_sites, site_folders, site_names, sites_frame, write_sites_summary

    if workspaces and folder is not None:
        raise InputError("give the sites as --sites DIR or as --workspace DIR for each, not both")
    check_executor(executor)
    places = site_folders(folder) if folder is not None else list(workspaces or ())
    names = site_names(places)
    first, days = _horizon(start, weeks, month, places[0])
    out.print(f"Planning {horizon_words(first, days)} for {len(names)} sites: {', '.join(names)} ({executor})",
              highlight=False)
    jobs = [SiteJob(name, ws, out_dir, first, days, _today(ws), time_limit, tuple(previous or ()), published, force)
            for name, ws in zip(names, places)]
    results = plan_sites(jobs, executor=executor, scheduler=scheduler, console=out)
    written = write_sites_summary(results, out_dir, start=first, days=days, executor=executor)
    out.print(sites_table(sites_frame(results)))
    print_warnings(out, [f"{r.site}: {w}" for r in results for w in r.warnings])
    _print_written(*(Path(r.folder) for r in results if r.folder), *written)
    if failed := [r.site for r in results if r.failed]:
        err.print(f"[bold red]error:[/] {len(failed)} of {len(results)} sites failed on their input "
                  f"({escape(', '.join(failed))}); the others were planned and written", highlight=False)
        raise typer.Exit(2)
    if broken := [r.site for r in results if r.figures["violations"]]:
        err.print(f"[red]labour-rule violations in {escape(', '.join(broken))}[/] (each site's summary.json)")
        raise typer.Exit(1)


@command(epilog=_example("compare sale_chat_x2 aht_plus_10 --workspace sample_data --start 2026-11-23 --out cmp/"))
def compare(
    scenarios: Annotated[list[str] | None, typer.Argument(
        metavar="SCENARIO",
        help="Scenario names (scenarios/NAME.toml) or files; default: every scenario of the workspace.")] = None,
    workspace: WorkspaceOpt = SAMPLE,
    start: StartOpt = None,
    weeks: WeeksOpt = None,
    month: MonthOpt = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0.1, metavar="S",
        help="Solver work per scenario (units of a CP-SAT deterministic second or 80 local-search moves; "
             "default: rota.toml).")] = None,
    executor: Annotated[str, typer.Option(metavar="NAME", help="serial, processes (one per CPU) or dask.")] = "processes",
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS",
                                                  help="Dask scheduler address for --executor dask.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR",
                                          help="Folder for comparison.csv, .xlsx and .png.")] = Path("compare"),
    force: ForceOpt = False,
) -> None:
    """Run the base and what-if scenarios side by side: hours, headcount, service, cost."""
    from planner.analysis.comparison import comparison_frame, write_comparison
    from planner.analysis.scenarios import compare_scenarios
    from planner.output.terminal import comparison_table
    from planner.workspace.config import workspace_toml

    first, days = _horizon(start, weeks, month, workspace)
    workspace_toml(workspace)
    _planning("Comparing scenarios over", first, days, workspace)
    with out.status("running scenarios …"):
        results = compare_scenarios(workspace, first, scenarios or (), days=days, time_limit_s=time_limit,
                                    executor=executor, scheduler=scheduler, console=out, force=force)
    for r in results:
        for w in r.warnings:
            err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    frame = comparison_frame(results)
    written = write_comparison(frame, out_dir)
    out.print(comparison_table(frame, out.width))
    _print_written(*written)


@command(epilog=_example("size --mix 2/2=0.5,3/3=0.2,5/2=0.3 --target 0.8 --workspace sample_data --start 2026-11-23"))
def size(
    mix: Annotated[str, typer.Option(metavar="SHARES",
                                     help="Share of the team per pattern, e.g. 2/2=0.5,3/3=0.2,5/2=0.3.")],
    target: Annotated[float, typer.Option(
        metavar="SHARE", help="Contact-weighted service level to reach over the horizon, 0-1.")] = 0.8,
    workspace: WorkspaceOpt = SAMPLE,
    start: StartOpt = None,
    weeks: WeeksOpt = None,
    month: MonthOpt = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0.1, metavar="S",
        help="Solver work per trial (units of a CP-SAT deterministic second or 80 local-search moves; "
             "default: rota.toml).")] = None,
    skills: Annotated[str | None, typer.Option(
        metavar="SKILLS", help="Size only the agents with exactly these skills, e.g. 'chat;sellers;en', against the "
                               "service of the series they may serve; everyone else stays.")] = None,
    force: ForceOpt = False,
) -> None:
    """Is today's team enough for a service-level target, and the smallest team in a pattern mix that is."""
    from planner.analysis.sizing import size_workspace
    from planner.output.terminal import size_report
    from planner.workspace.config import workspace_toml

    first, days = _horizon(start, weeks, month, workspace)
    workspace_toml(workspace)
    with out.status("sizing …") as status:
        res = size_workspace(workspace, first, mix, target, days=days, time_limit_s=time_limit, console=out,
                             skills=skills, force=force,
                             report=lambda n, sl: status.update(f"sizing … {n} agents give {sl:.1%}"))
    out.print(size_report(res, first=first, days=days))
    if not res.met:
        err.print(f"[red]the target was not reached even with {res.total} agents"
                  f"{' with skills ' + res.skills if res.skills else ''}[/]", highlight=False)
        raise typer.Exit(1)


@command(epilog=_example("init my_site", "Then edit my_site/rota.toml and put your own history.csv, agents.csv "
                                         "and absences.csv in place."))
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR",
                                           help="New folder for the workspace (must not exist or be empty).")],
) -> None:
    """Create a new workspace from the sample, ready to edit."""
    from planner.workspace.scaffold import init_workspace

    written = init_workspace(SAMPLE, folder)
    out.print(f"Created workspace [cyan]{folder}[/] from the sample. Next: edit rota.toml, put your own "
              "history.csv, agents.csv and absences.csv in place (and what-if scenarios in scenarios/), then "
              f"run [bold]rota validate {folder}[/] and [bold]rota plan --workspace {folder}[/].", highlight=False)
    _print_written(*written)


@command(epilog=_example("validate my_site --start 2026-11-30"))
def validate(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", show_default=False,
        help="Workspace folder (rota.toml and its data files; default: the bundled sample_data).")] = SAMPLE,
    start: Annotated[str | None, typer.Option(
        metavar="DATE", help="Week to try the rules on, YYYY-MM-DD (default: as rota plan).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Take a history that ends more than 8 weeks before the start as a warning.")] = False,
) -> None:
    """Check a whole workspace and list every problem at once (file, row, column, what is wrong)."""
    from planner.validate import validate_workspace

    first = _first_day(start, folder)
    problems = validate_workspace(folder, first, force=force)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        err.print(f"[{colour}]{p.severity}:[/] {escape(str(p))}", highlight=False, soft_wrap=True)
    if errors:
        err.print(f"{len(errors)} problem(s) to fix in {folder}", highlight=False)
        raise typer.Exit(2)
    out.print(f"[green]ok[/]: {folder} is ready for rota plan from {first} ({len(problems)} warning(s))",
              highlight=False)


@command(epilog=_example("simulate --rota out/ --replications 10 --seed 1 --aht-dist lognormal --cv 0.8"))
def simulate(
    rota: Annotated[Path, typer.Option(
        "--rota", metavar="DIR", help="Results folder of `rota plan` (rota.csv, coverage.csv, requirements.csv; "
                                      "coverage_by_queue.csv if there). A rota.csv with `serves` is routed by skill.")],
    replications: Annotated[int, typer.Option(
        min=2, max=1000, metavar="N", help="Independent runs; the 95 % intervals are across them.")] = 10,
    seed: Annotated[int, typer.Option(min=0, metavar="N", help="Seed of the random numbers, for a reproducible run.")] = 0,
    aht_dist: Annotated[str, typer.Option("--aht-dist", metavar="NAME",
                                          help="Handle times: exponential or lognormal.")] = "exponential",
    cv: Annotated[float, typer.Option(metavar="X", help="Coefficient of variation of lognormal handle times.")] = 1.0,
    forecast_error: Annotated[bool | None, typer.Option(
        "--forecast-error/--no-forecast-error",
        help="Draw the forecast's own miss per series and day into each replication (default: when the folder's "
             "forecast.csv has a dispersion column).", show_default=False)] = None,
) -> None:
    """Simulate the rota contact by contact: the service it really delivers, beside Erlang's."""
    from planner.analysis.simulate import simulate_plan, write_simulation
    from planner.output.terminal import simulation_report

    sim = simulate_plan(rota, replications=replications, seed=seed, aht_dist=aht_dist, cv=cv,
                        forecast_error=forecast_error)
    written = write_simulation(sim, rota)
    out.print(simulation_report(sim))
    _print_written(*written)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
