"""The stages of rota wired together for the command line: each stage reads its input, runs,
and hands back a frame that can be written to CSV and read back by the next stage."""

from __future__ import annotations

import calendar
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from rich.console import Console

from common.errors import InputError
from common.files import atomic_path, csv_to, write_csv, write_text
from common import stages
from constraints.labour import late_notice
from constraints.patterns import FLEX
from constraints.pay import PAY_COLUMNS
from constraints.timesheet import TIMESHEET_COLUMNS
from forecasts.columns import to_numbers, to_strings, to_timestamps
from forecasts.forecast import backtest_frame, forecast_frame
from forecasts.freshness import freshness
from forecasts.history import HistoryData, load_history, to_hourly
from forecasts.models import METHODS
from forecasts.plot import plot_forecast
from forecasts.staffing import quantile_warnings, requirements as staffing_requirements
from forecasts.tables import read_table
from planner.output.charts import charts_beside
from planner.output.excel.workbook import write_workbook
from planner.output.report import summary, summary_json
from planner.output.terminal import print_warnings, series_progress
from planner.runs import ForecastResult, PlanRun
from planner.solve.queues import BY_QUEUE_COLUMNS
from planner.solve.flex_inputs import workspace_flex
from planner.solve.schedule import solve_schedule
from planner.workspace.config import RotaConfig, load_config, workspace_toml
from planner.workspace.people import load_absences, load_agents, skill_report
from planner.workspace.previous import combine_rotas, handover, load_previous, read_rota
from planner.workspace.worked import load_worked


def _series_count(hourly: pd.DataFrame) -> int:
    return int(hourly[["channel", "queue"]].drop_duplicates().shape[0])


def check_freshness(ts: pd.Series, start: date, file: str, *, force: bool = False) -> str | None:
    """The warning to show when the history stops well before the start (None: fresh enough);
    refused when it stops too long before, unless `force`: a forecast across months of unseen
    history sizes the rota on a guess (`forecasts.freshness`)."""
    fresh = freshness(ts, start)
    if fresh is None:
        raise InputError(f"no history before the forecast start {start}", file=file)
    severity, message = fresh.verdict(force=force)
    if severity == "error":
        raise InputError(message, file=file)
    return f"{file}: {message}" if severity else None


def load_hourly(
    path: Path, console: Console | None = None, before: date | None = None, *, force: bool = False,
) -> tuple[HistoryData, pd.DataFrame]:
    """Read and validate a history file and put it on the hourly grid.

    With `before`, only the rows before that day are kept (every row is still validated): what
    comes later must not shape the grid either (an hour that is closed before but open later).
    History that ends long before that day is warned about, or refused unless `force`.
    """
    data = load_history(path)
    print_warnings(console, data.warnings)
    if before is not None:
        frame, name = data.frame, Path(path).name
        early = (frame["ts"] < pd.Timestamp(before)).to_numpy()
        stale = check_freshness(frame["ts"], before, name, force=force)
        print_warnings(console, [stale] if stale else [])
        if stale:   # kept with the file's own warnings, for summary.json
            data = replace(data, warnings=(*data.warnings, stale))
        later = frame.loc[~early, ["channel", "queue"]].drop_duplicates()
        known = set(zip(frame.loc[early, "channel"], frame.loc[early, "queue"]))
        for channel, queue in zip(later["channel"], later["queue"]):
            if (channel, queue) not in known:
                raise InputError(f"series {channel}/{queue} has no history before {before}", file=name)
        data = replace(data, frame=frame[early].reset_index(drop=True))
    return data, to_hourly(data)


def run_forecast(
    history: Path, start: date, days: int, cfg: RotaConfig, *, method: str | None = None,
    console: Console | None = None, force: bool = False,
) -> ForecastResult:
    """Forecast every series of the history from `start` for `days` days (`force`: even from a
    history that ends more than eight weeks before `start`). `method` None: `[forecast] methods`."""
    if method is not None and method != "best" and method not in METHODS:
        raise InputError(f"--method {method!r} is unknown; use best, {', '.join(METHODS)}")
    data, hourly = load_hourly(history, console, before=start, force=force)
    methods = None if method is None else ("best" if method == "best" else [method])
    with series_progress(console, "forecasting", _series_count(hourly)) as step:
        fc = forecast_frame(hourly, start, days, methods=methods, settings=cfg.forecast, progress=step)
    return ForecastResult(data, hourly, fc, start, days)


def write_forecast(result: ForecastResult, out: Path, plot: Path | None) -> list[Path]:
    """Write the forecast CSV (and the chart, if asked); the chart is drawn first, so a failure
    leaves neither file behind."""
    with atomic_path(out) as tmp:
        csv_to(result.forecast, tmp)
        if plot is not None:
            plot_forecast(result.hourly, result.forecast, plot)
    return [Path(out)] + ([Path(plot)] if plot is not None else [])


def run_backtest(history: Path, cfg: RotaConfig, *, origins: int, console: Console | None = None) -> pd.DataFrame:
    """Rolling-origin backtest of every method on every series."""
    _, hourly = load_hourly(history, console)
    with series_progress(console, "backtesting", _series_count(hourly)) as step:
        return backtest_frame(hourly, origins=origins, settings=cfg.forecast, progress=step)


def _on_the_hour(ts: pd.Series, name: str) -> None:
    """Staffing and scheduling work hour by hour: a half-hour row would be mis-sized or dropped."""
    off = (ts != ts.dt.floor("h")).to_numpy()
    if off.any():
        pos = int(off.argmax())
        raise InputError(f"{ts.iloc[pos]:%Y-%m-%d %H:%M} is not on the hour; rota works with one row per hour",
                         file=name, row=int(ts.index[pos]), column="ts")


def read_forecast(path: Path) -> pd.DataFrame:
    """Read a forecast CSV as written by `rota forecast` (or any ts,contacts file): ts, channel,
    queue, contacts, and aht_s and dispersion (the forecast's own error, which staffing's
    plan_quantile needs; an empty cell is 0) when the file has them."""
    name = Path(path).name
    df = read_table(path, required=("ts", "contacts"), optional=("channel", "queue", "aht_s", "contacts_p10",
                                                                 "contacts_p90", "dispersion", "burstiness"),
                    what="forecast")
    out = pd.DataFrame({"ts": to_timestamps(df, "ts", file=name)})
    _on_the_hour(out["ts"], name)
    out["channel"] = to_strings(df, "channel", file=name).str.lower() if "channel" in df else "phone"
    out["queue"] = to_strings(df, "queue", file=name) if "queue" in df else "main"
    out["contacts"] = to_numbers(df, "contacts", file=name, min_value=0)
    if "aht_s" in df:  # empty where the history had no handle time: the channel's aht_s applies
        out["aht_s"] = to_numbers(df, "aht_s", file=name, above=0, allow_empty=True)
    if "dispersion" in df:
        out["dispersion"] = to_numbers(df, "dispersion", file=name, min_value=0, allow_empty=True).fillna(0.0)
    dup = out.duplicated(["ts", "channel", "queue"], keep="first")
    if dup.any():
        row = int(out.index[dup][0])
        raise InputError("the same hour, channel and queue appear twice", file=name, row=row, column="ts")
    return out


def size_staff(forecast: pd.DataFrame, cfg: RotaConfig, console: Console | None = None,
               source: str = "the forecast") -> tuple[pd.DataFrame, list[str]]:
    """The staffing requirement of a forecast, and the warnings said on `console` while sizing it
    (a plan_quantile that a forecast without dispersion cannot honour)."""
    said = quantile_warnings(forecast, cfg.staffing, source)
    print_warnings(console, said)
    return staffing_requirements(forecast, cfg.staffing), said


def run_requirements(forecast_path: Path, cfg: RotaConfig, console: Console | None = None) -> pd.DataFrame:
    """Agents needed per hour, channel and queue for the forecast."""
    return size_staff(read_forecast(forecast_path), cfg, console, Path(forecast_path).name)[0]


def write_requirements(req: pd.DataFrame, out: Path) -> list[Path]:
    return [write_csv(req, out)]


# --------------------------------------------------------------------------- scheduling


def read_requirements(path: Path) -> pd.DataFrame:
    """Read a requirements CSV: only `ts` and `agents` are needed.

    With no `scheduled_agents` column, `agents` is taken as the agents wanted on duty. Without
    contacts, a missing agent is priced the same in every hour.
    """
    name = Path(path).name
    df = read_table(path, required=("ts", "agents"),
                    optional=("channel", "queue", "contacts", "contacts_planned", "aht_s", "scheduled_agents",
                              "service_level", "answer_s", "sl_target", "patience_s", "model", "traffic_erl",
                              "occupancy", "asa_s", "p_abandon"),
                    what="requirements")
    out = pd.DataFrame({"ts": to_timestamps(df, "ts", file=name)})
    _on_the_hour(out["ts"], name)
    out["channel"] = to_strings(df, "channel", file=name).str.lower() if "channel" in df else "all"
    out["queue"] = to_strings(df, "queue", file=name) if "queue" in df else "main"
    out["agents"] = to_numbers(df, "agents", file=name, min_value=0)
    out["scheduled_agents"] = (to_numbers(df, "scheduled_agents", file=name, min_value=0)
                               if "scheduled_agents" in df else out["agents"])
    out["contacts"] = to_numbers(df, "contacts", file=name, min_value=0) if "contacts" in df else 0.0
    if "contacts_planned" in df:   # the volume the agents were sized for ([staffing] plan_quantile)
        out["contacts_planned"] = to_numbers(df, "contacts_planned", file=name, min_value=0, allow_empty=True)
    for col in ("aht_s", "answer_s", "sl_target", "patience_s"):
        if col in df:
            out[col] = to_numbers(df, col, file=name, allow_empty=True)
    if "model" in df:
        out["model"] = to_strings(df, "model", file=name, allow_empty=True)
    dup = out.duplicated(["ts", "channel", "queue"], keep="first")
    if dup.any():
        row = int(out.index[dup][0])
        raise InputError("the same hour, channel and queue appear twice", file=name, row=row, column="ts")
    return out.reset_index(drop=True)


Handover = tuple[pd.DataFrame | None, list[str]]   # the previous rotas' shifts before the start, and warnings


def load_handover(previous: Sequence[Path], published: Path | None, start: date
                  ) -> tuple[Handover, pd.DataFrame | None]:
    """The shifts carried over (`load_previous`) and the published rota's shifts, each file read
    once. The days before `start` that the previous rotas leave out come from the published rota
    when it has them (a re-plan from the middle of a published month needs no other rota of its
    first weeks); that it goes on past `start` is the point of a re-plan, not a warning."""
    if published is None:
        return load_previous(previous, start), None
    span, shown = read_rota(published)
    if span.first >= start:
        return load_previous(previous, start), shown
    rotas = combine_rotas([*(read_rota(p) for p in previous), (span, shown)])
    return handover(rotas, start, option="--previous/--published", replaced=[span.file]), shown


def run_schedule(
    cfg: RotaConfig, requirements: pd.DataFrame, agents_path: Path, absences_path: Path | None,
    start: date, *, days: int, previous: Sequence[Path] = (), today: date | None = None,
    time_limit_s: float | None = None, progress=None, stop=None, console: Console | None = None,
    published: Path | None = None,
) -> PlanRun:
    """Schedule the agents of a workspace against a requirements frame over `days` days from
    `start` (a week is 7, a month 28-31: `month_span`).

    `previous` are the rota files or results folders before the plan, read as one and refused
    when they leave out a day before `start` (`planner.workspace.previous.load_previous`). With
    `today`, a plan that starts less than a month later is warned about (art. 103). Warnings are
    printed on `console` and listed in the summary's `warnings`."""
    handover, shown = load_handover(previous, published, start)
    return _schedule(cfg, requirements, agents_path, absences_path, start, days, handover, today=today,
                     time_limit_s=time_limit_s, progress=progress, stop=stop, console=console, published=shown)


def _schedule(
    cfg: RotaConfig, requirements: pd.DataFrame, agents_path: Path, absences_path: Path | None, start: date,
    days: int, handover: Handover, *, today: date | None, time_limit_s: float | None, progress, stop,
    forecast: ForecastResult | None = None, console: Console | None = None, published: pd.DataFrame | None = None,
    said_before: Sequence[str] = (),
) -> PlanRun:
    """`run_schedule` once the previous rotas are read: the warnings said (the skills', the
    previous rotas', art. 103's; the forecast's and `said_before`, the staffing's, were said while
    forecasting and sizing), then the solve."""
    agents = load_agents(agents_path, cfg.book, flex=True)
    prev, handed = handover
    late = late_notice(start, today) if today is not None else None
    said = [*skill_report(agents, requirements, cfg), *handed, *([late] if late else [])]
    print_warnings(console, said)
    absences = load_absences(absences_path, agents)
    worked, notes = load_worked(cfg.worked_path(), agents)
    print_warnings(console, notes)
    flex = workspace_flex(cfg, agents, absences, start, days) if (agents["pattern"] == FLEX).any() else None
    if flex is not None:
        said += [str(n) for n in flex.notes]
        print_warnings(console, [str(n) for n in flex.notes])
    sched = solve_schedule(cfg, requirements, agents, absences, start, days, prev, worked=worked,
                           time_limit_s=time_limit_s, progress=progress, stop=stop, published=published, flex=flex)
    warnings = [*(forecast.history.warnings if forecast is not None else ()), *said_before, *said]
    return PlanRun(cfg, sched, agents, absences, requirements,
                   {**summary(sched, cfg, agents), "warnings": warnings}, forecast)


def pay_csv(pay: pd.DataFrame) -> pd.DataFrame:
    """pay.csv: one row per agent and accounting period, the columns of
    `constraints.pay.PAY_COLUMNS`, hours to 6 places (no float noise), roubles to kopecks."""
    hours = [c for c in PAY_COLUMNS if c.endswith("_hours") or c == "balance"]
    return pay[PAY_COLUMNS].round({c: 6 for c in hours})


def dated_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with a `date` column as a CSV writes it, dates as YYYY-MM-DD: days_off.csv
    (agent_id, date, reason), changes.csv (agent_id, date, published, planned, reason) and wishes.csv
    (agent_id, date, wish, weight, planned, granted)."""
    return frame.assign(date=pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d"))


def timesheet_csv(timesheet: pd.DataFrame) -> pd.DataFrame:
    """timesheet.csv: one row per agent and calendar day of the horizon, the T-13 code, hours and
    night hours of that day (`constraints.timesheet.TIMESHEET_COLUMNS`)."""
    out = timesheet[list(TIMESHEET_COLUMNS)]
    return out.assign(date=pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d"))


def write_schedule(run: PlanRun, out: Path) -> list[Path]:
    """Every result into the output folder, all or nothing.

    rota.csv, pay.csv, timesheet.csv, coverage.csv, summary.json, rota.xlsx and the charts (plus
    forecast.csv and requirements.csv after `rota plan`) are first written to a hidden folder
    inside `out` and moved into place only when all of them are complete.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".rota-", dir=out))
    try:
        charts = charts_beside(run, staging)      # drawn in another process meanwhile
        with stages.stage("CSVs"):
            made = _write_csvs(run, staging)
        with stages.stage("workbook"):
            made.append(write_workbook(run, staging / "rota.xlsx"))
        with stages.stage("charts"):
            made.extend(charts())
        written = []
        for path in made:
            os.replace(path, out / Path(path).name)
            written.append(out / Path(path).name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_csvs(run: PlanRun, staging: Path) -> list[Path]:
    """Every CSV of a run and summary.json into `staging`; the paths written."""
    r = run.schedule.rota
    rota = r.assign(date=r["date"].dt.strftime("%Y-%m-%d"), start=r["start"].dt.strftime("%Y-%m-%dT%H:%M"),
                    end=r["end"].dt.strftime("%Y-%m-%dT%H:%M"))
    made = [
        write_csv(rota, staging / "rota.csv"),
        write_csv(pay_csv(run.schedule.pay), staging / "pay.csv"),
        write_csv(timesheet_csv(run.schedule.timesheet), staging / "timesheet.csv"),
        write_csv(run.schedule.coverage.round({"service_level": 4, "contacts": 1}), staging / "coverage.csv"),
        write_csv(run.schedule.by_queue[list(BY_QUEUE_COLUMNS)].round({"service_level": 4, "contacts": 1}),
                  staging / "coverage_by_queue.csv"),
        write_text(summary_json(run.summary), staging / "summary.json"),
    ]
    if run.schedule.days_off is not None:   # balancing days off (the norm): the checker's input too
        made.append(write_csv(dated_csv(run.schedule.days_off), staging / "days_off.csv"))
    if run.schedule.wishes is not None:     # flex agents' wishes, granted or not
        made.append(write_csv(dated_csv(run.schedule.wishes), staging / "wishes.csv"))
    if run.schedule.changes is not None:    # a re-plan against the published rota
        made.append(write_csv(dated_csv(run.schedule.changes), staging / "changes.csv"))
    if run.forecast is not None:
        made.append(write_csv(run.forecast.forecast, staging / "forecast.csv"))
        made.append(write_csv(run.requirements, staging / "requirements.csv"))
    return made


def next_monday(today: date) -> date:
    """The Monday after `today` (a week's rota is made for the coming week)."""

    return today + timedelta(days=7 - today.weekday())


def month_span(month: str) -> tuple[date, int]:
    """The first day and the number of days (28-31) of a calendar month given as YYYY-MM (or
    MM.YYYY, as Russian users type it): `--month 2027-02` plans 1-28 February 2027."""
    text = month.strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})\.(\d{4})", text)
    if found is not None:
        year, mon = (int(g) for g in (found.groups() if "-" in text else found.groups()[::-1]))
        if 1 <= mon <= 12 and year >= 1:
            return date(year, mon, 1), calendar.monthrange(year, mon)[1]
    raise InputError(f"--month expects a month YYYY-MM (or MM.YYYY), got {month!r}")


def run_plan(
    workspace: Path, start: date, *, days: int, time_limit_s: float | None = None, previous: Sequence[Path] = (),
    today: date | None = None, progress=None, stop=None, console: Console | None = None, force: bool = False,
    published: Path | None = None, stage: Callable[[str], None] | None = None,
) -> PlanRun:
    """The whole weekly (or monthly) job on a workspace: forecast, requirements, schedule, over
    `days` days from `start`; `previous`, `published` and `today` as `run_schedule` takes them.
    `stage` hears each stage's name as it begins (several sites' progress lines)."""
    at_stage = stage or (lambda _: None)
    cfg = load_config(workspace_toml(workspace))
    handover, shown = load_handover(previous, published, start)   # a day left out is said before forecasting
    at_stage("forecasting")
    with stages.stage("forecast"):
        fc = run_forecast(cfg.path(cfg.data.history), start, days, cfg, console=console, force=force)
    at_stage("sizing")
    with stages.stage("sizing"):
        req, sized = size_staff(fc.forecast, cfg, console)
    at_stage("solving")
    return _schedule(cfg, req, cfg.path(cfg.data.agents), cfg.absences_path(), start, days, handover, today=today,
                     time_limit_s=time_limit_s, progress=progress, stop=stop, forecast=fc, console=console,
                     published=shown, said_before=sized)
