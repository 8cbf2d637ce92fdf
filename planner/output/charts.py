"""PNG charts of a scheduling run, for the team lead's eyes and the README.

- coverage_by_day: one panel per day, agents on duty against the requirement hour by hour,
  the hours short shaded, so a gap is seen before the week starts;
- service_by_hour: the service level the rota is expected to deliver, over the horizon and by
  hour of the day, against the target;
- the forecast against history comes from `forecasts.plot.plot_forecast`.

Figures are drawn on the Agg canvas without pyplot (no global state, safe in threads) and
saved atomically, so a failed run leaves no half-written image.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from common.files import atomic_path
from constraints.calendar import RU_CALENDAR
from forecasts.plot import plot_forecast
from planner.runs import PlanRun
from planner.solve.queues import without_skill

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REQUIRED_COLOUR = "#b2182b"
SCHEDULED_COLOUR = "#2166ac"
SHORT_COLOUR = "#f4a582"
TARGET_COLOUR = "#4d4d4d"
DPI = 100

CHART_FILES = {"coverage": "coverage_by_day.png", "service": "service_by_hour.png", "forecast": "forecast.png",
               "queues": "coverage_by_queue.png"}


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI)
    return Path(path)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _hourly(coverage: pd.DataFrame) -> pd.DataFrame:
    cov = coverage.copy()
    cov["ts"] = pd.to_datetime(cov["ts"])
    return cov.sort_values("ts").reset_index(drop=True)


def _day_title(day: pd.Timestamp) -> str:
    title = f"{WEEKDAYS[day.day_of_week]} {day:%d.%m}"
    name = RU_CALENDAR.holiday_name(day.date())
    return f"{title} · holiday: {name}" if name else title


def coverage_by_day(coverage: pd.DataFrame, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """One panel per day: required and scheduled agents per hour, the shortfall shaded.

    Panels share the y scale so days compare at a glance; each names its agent-hours short.
    """
    cov = _hourly(coverage)
    days = sorted(cov["ts"].dt.normalize().unique()) if len(cov) else []
    n = max(len(days), 1)
    ncols = min(n, 4)
    nrows = math.ceil(n / ncols)
    fig = _figure(4.3 * ncols, 2.7 * nrows + 0.9)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    top = max(float(cov[["required", "scheduled"]].to_numpy().max()) if len(cov) else 1.0, 1.0) * 1.12
    for ax, day in zip(axes, days):
        part = cov[cov["ts"].dt.normalize() == day]
        hours = (part["ts"] - day).dt.total_seconds().to_numpy() / 3600
        req = part["required"].to_numpy(float)
        sch = part["scheduled"].to_numpy(float)
        # step plots need the right edge of the last hour
        x = np.append(hours, hours[-1] + 1)
        r = np.append(req, req[-1])
        s = np.append(sch, sch[-1])
        ax.fill_between(x, s, r, where=r > s, step="post", color=SHORT_COLOUR, linewidth=0)
        ax.step(x, r, where="post", color=REQUIRED_COLOUR, lw=1.8)
        ax.step(x, s, where="post", color=SCHEDULED_COLOUR, lw=1.4)
        short = float(np.maximum(req - sch, 0).sum())
        holiday = RU_CALENDAR.is_holiday(pd.Timestamp(day).date())
        ax.set_title(_day_title(pd.Timestamp(day)), loc="left", fontsize=10,
                     color=REQUIRED_COLOUR if holiday else "black", fontweight="bold" if holiday else "normal")
        ax.text(0.99, 0.97, f"short {short:,.0f} agent-h" if short else "covered",
                transform=ax.transAxes, ha="right", va="top", fontsize=8.5,
                color=REQUIRED_COLOUR if short else "#1a7f37")
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 4))
        ax.set_ylim(0, top)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8.5)
    for k, ax in enumerate(axes):
        if k >= len(days):
            ax.set_visible(False)
            continue
        if k % ncols == 0:
            ax.set_ylabel("agents on duty")
        if k >= len(days) - ncols:
            ax.set_xlabel("hour of the day")
    if not days:
        axes[0].set_visible(True)
        axes[0].text(0.5, 0.5, "no coverage data", ha="center", va="center", transform=axes[0].transAxes)
    handles = [
        Line2D([], [], color=REQUIRED_COLOUR, lw=1.8, label="agents required"),
        Line2D([], [], color=SCHEDULED_COLOUR, lw=1.4, label="agents scheduled"),
        Patch(color=SHORT_COLOUR, label="short (required above scheduled)"),
    ]
    fig.legend(handles=handles, loc="outside upper right", ncols=3, frameon=False, fontsize=9)
    if title is None and days:
        first, last = pd.Timestamp(days[0]), pd.Timestamp(days[-1])
        gap = np.maximum(cov["required"].to_numpy(float) - cov["scheduled"].to_numpy(float), 0)
        title = (f"Agents on duty against the requirement, {first:%d.%m}–{last:%d.%m.%Y}: "
                 f"short {gap.sum():,.0f} agent-hours in {int((gap > 0).sum())} of {len(cov)} hours")
    fig.suptitle(title or "Agents on duty against the requirement", fontsize=12, x=0.01, ha="left")
    return _save(fig, path)


def service_by_hour(coverage: pd.DataFrame, path: str | os.PathLike[str], target: float | None = None, *,
                    title: str | None = None) -> Path:
    """Expected service level: every hour of the horizon (top) and by hour of the day (bottom).

    The bottom panel weights each day by its contacts, so a quiet night hour does not hide a busy
    one; the band shows the worst and best day at that hour.
    """
    cov = _hourly(coverage)
    sl = cov["service_level"].to_numpy(float)
    fig = _figure(12, 7.2)
    top, bottom = fig.subplots(2, 1, height_ratios=[1, 1])
    # each value holds for its whole hour: steps, with the end of the last hour appended
    edges = pd.concat([cov["ts"], cov["ts"].tail(1) + pd.Timedelta(hours=1)], ignore_index=True)
    sl_edges = np.append(sl, sl[-1:]) if len(sl) else sl
    top.step(edges, sl_edges, where="post", color=SCHEDULED_COLOUR, lw=1.1, label="expected service level")
    if target is not None and len(sl):
        below = np.where(np.isnan(sl_edges), False, sl_edges < target)
        top.fill_between(edges, sl_edges, target, where=below, step="post", color=SHORT_COLOUR,
                         linewidth=0, label="below target")
    top.set_title("Every hour of the horizon", loc="left", fontsize=10)
    top.set_ylabel("service level")
    days = cov["ts"].dt.normalize().unique()
    top.set_xticks(days)
    top.set_xticklabels([f"{WEEKDAYS[pd.Timestamp(d).day_of_week]}\n{pd.Timestamp(d):%d.%m}" for d in days],
                        fontsize=8.5)
    for k, (lbl, d) in enumerate(zip(top.get_xticklabels(), days)):
        if RU_CALENDAR.is_holiday(pd.Timestamp(d).date()):
            lbl.set_color(REQUIRED_COLOUR)
        if len(days) > 14:
            lbl.set_visible(k % 7 == 0)
    if len(cov):
        top.set_xlim(cov["ts"].iloc[0], cov["ts"].iloc[-1] + pd.Timedelta(hours=1))

    hod = cov.assign(hour=cov["ts"].dt.hour, w=cov["contacts"].where(cov["service_level"].notna(), 0.0))
    hod["slw"] = hod["service_level"].fillna(0.0) * hod["w"]
    g = hod.groupby("hour")
    weighted = (g["slw"].sum() / g["w"].sum().replace(0, np.nan)).reindex(range(24))
    lo = g["service_level"].min().reindex(range(24))
    hi = g["service_level"].max().reindex(range(24))
    x = np.arange(24) + 0.5
    bottom.fill_between(x, lo.to_numpy(float), hi.to_numpy(float), color=SCHEDULED_COLOUR, alpha=0.15,
                        linewidth=0, label="range over the days")
    bottom.plot(x, weighted.to_numpy(float), color=SCHEDULED_COLOUR, lw=2, marker="o", ms=3.5,
                label="average, weighted by contacts")
    bottom.set_title("By hour of the day", loc="left", fontsize=10)
    bottom.set_xlabel("hour of the day")
    bottom.set_ylabel("service level")
    bottom.set_xlim(0, 24)
    bottom.set_xticks(range(0, 25, 2))

    values = sl[~np.isnan(sl)]
    floor = min(float(values.min()) if values.size else 0.0, target if target is not None else 1.0)
    floor = max(0.0, math.floor((floor - 0.05) * 10) / 10)
    for ax in (top, bottom):
        if target is not None:
            ax.axhline(target, color=TARGET_COLOUR, ls="--", lw=1.1, label=f"target {target:.0%}")
        ax.set_ylim(floor, 1.005)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8.5, frameon=False, ncols=3,
                  borderaxespad=0.2)
    if not values.size:
        top.text(0.5, 0.5, "no contacts: no service level to show", ha="center", va="center",
                 transform=top.transAxes)
    if title is None:
        total = float(hod["w"].sum())
        title = "Expected service level of the rota"
        if total > 0:
            title += f": {hod['slw'].sum() / total:.1%} over the horizon, weighted by contacts"
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    return _save(fig, path)


def service_target(requirements: pd.DataFrame) -> float | None:
    """The one service-level target of the queued channels, or None when they differ."""
    if "sl_target" not in requirements:
        return None
    queued = requirements
    if "model" in requirements:
        queued = requirements[requirements["model"].astype(str) != "email"]
    targets = pd.unique(queued["sl_target"].dropna().round(4))
    return float(targets[0]) if len(targets) == 1 else None


def coverage_by_queue(by_queue: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """One panel per series (channel, queue): agents required and the agents the plan puts on it,
    hour by hour over the horizon, the shortfall shaded and the hours with contacts but nobody who
    may serve the series marked, so a team lead sees which queue is thin and when."""
    cov = _hourly(by_queue)
    series = list(dict.fromkeys(zip(cov["channel"], cov["queue"])))
    n = max(len(series), 1)
    ncols = 1 if n < 4 else 2
    nrows = math.ceil(n / ncols)
    fig = _figure(7.5 * ncols, 1.9 * nrows + 0.9)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
    start = cov["ts"].min() if len(cov) else pd.Timestamp(0)
    for ax, (channel, queue) in zip(axes, series):
        part = cov[(cov["channel"] == channel) & (cov["queue"] == queue)]
        x = (part["ts"] - start).dt.total_seconds().to_numpy() / 86400
        x = np.append(x, x[-1] + 1 / 24)
        req = np.append(part["required"].to_numpy(float), part["required"].iloc[-1])
        sch = np.append(part["scheduled"].to_numpy(float), part["scheduled"].iloc[-1])
        ax.fill_between(x, sch, req, where=req > sch, step="post", color=SHORT_COLOUR, linewidth=0)
        ax.step(x, req, where="post", color=REQUIRED_COLOUR, lw=1.2)
        ax.step(x, sch, where="post", color=SCHEDULED_COLOUR, lw=1.0)
        empty = without_skill(part).to_numpy()
        if empty.any():
            ax.plot(x[:-1][empty], np.zeros(int(empty.sum())), "|", color=REQUIRED_COLOUR, ms=10, mew=2)
        sl = part["service_level"].to_numpy(float)
        w = np.where(np.isnan(sl), 0.0, part["contacts"].to_numpy(float))
        level = f", service {float((np.nan_to_num(sl) * w).sum() / w.sum()):.0%}" if w.sum() > 0 else ""
        note = f"{int(empty.sum())} h with nobody" if empty.any() else "someone on it every hour with contacts"
        ax.set_title(f"{channel} / {queue}{level} · {note}", loc="left", fontsize=9.5,
                     color=REQUIRED_COLOUR if empty.any() else "black")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for k, ax in enumerate(axes):
        if k >= len(series):
            ax.set_visible(False)
        elif k >= len(series) - ncols:
            ax.set_xlabel(f"days from {start:%d.%m.%Y}")
    handles = [
        Line2D([], [], color=REQUIRED_COLOUR, lw=1.2, label="agents required"),
        Line2D([], [], color=SCHEDULED_COLOUR, lw=1.0, label="agents on it"),
        Patch(color=SHORT_COLOUR, label="short"),
        Line2D([], [], color=REQUIRED_COLOUR, marker="|", ls="", ms=10, mew=2, label="contacts, nobody who may serve"),
    ]
    fig.legend(handles=handles, loc="outside upper right", ncols=4, frameon=False, fontsize=8.5)
    fig.suptitle("Coverage per channel and queue", fontsize=12, x=0.01, ha="left")
    return _save(fig, path)


def chart_jobs(run: PlanRun, out: str | os.PathLike[str]) -> list[tuple[Path, Callable[[], Path]]]:
    """(file, how to draw it) for coverage_by_day.png, service_by_hour.png, coverage_by_queue.png
    and (with a forecast) forecast.png in `out`."""
    out = Path(out)
    cov = run.schedule.coverage
    jobs: list[tuple[Path, Callable[[], Path]]] = [
        (out / CHART_FILES["coverage"], lambda: coverage_by_day(cov, out / CHART_FILES["coverage"])),
        (out / CHART_FILES["service"], lambda: service_by_hour(cov, out / CHART_FILES["service"],
                                                                target=service_target(run.requirements))),
    ]
    by_queue = getattr(run.schedule, "by_queue", None)
    if by_queue is not None and len(by_queue):
        jobs.append((out / CHART_FILES["queues"], lambda: coverage_by_queue(by_queue, out / CHART_FILES["queues"])))
    if run.forecast is not None:
        fc = run.forecast
        jobs.append((out / CHART_FILES["forecast"],
                     lambda: plot_forecast(fc.hourly, fc.forecast, out / CHART_FILES["forecast"])))
    return jobs


def write_charts(run: PlanRun, out: str | os.PathLike[str]) -> list[Path]:
    """Every chart of a run drawn into `out` (`chart_jobs`); the paths written."""
    return [draw() for _, draw in chart_jobs(run, out)]


def charts_beside(run: PlanRun, out: str | os.PathLike[str]) -> Callable[[], list[Path]]:
    """Start drawing the charts in a forked process, so that they are drawn while the caller
    writes the workbook (both are pure Python: on one process they take turns); the returned
    function waits for them. Without fork or a second core, or when the child fails, the charts
    are drawn in this process when waited for, where an error is raised as usual."""
    jobs = chart_jobs(run, out)
    here = lambda: [draw() for _, draw in jobs]  # noqa: E731
    if ((os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon):   # a daemonic worker (Dask's) may have no children
        return here
    child = multiprocessing.get_context("fork").Process(target=_draw_all, args=(jobs,), daemon=True)
    try:
        child.start()
    except (OSError, AssertionError):
        return here

    def wait() -> list[Path]:
        child.join()
        if child.exitcode == 0 and all(path.is_file() for path, _ in jobs):
            return [path for path, _ in jobs]
        return here()
    return wait


def _draw_all(jobs: list[tuple[Path, Callable[[], Path]]]) -> None:
    for _, draw in jobs:
        draw()
