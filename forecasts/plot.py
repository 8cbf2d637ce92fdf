"""Forecast-against-history chart: the last weeks of history and the forecast, one panel
per series, so a team lead can see at a glance whether next week looks plausible."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from common.files import write_atomic

KEYS = ["channel", "queue"]


def plot_forecast(
    history_hourly: pd.DataFrame,
    forecast: pd.DataFrame,
    path: str | Path,
    *,
    weeks: int = 4,
    title: str | None = None,
    dpi: int = 110,
) -> Path:
    """Write the PNG of `forecast_figure`, atomically (temp + rename)."""
    path = Path(path)
    fig = forecast_figure(history_hourly, forecast, weeks=weeks, title=title, dpi=dpi)
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png"))
    return path


def forecast_figure(
    history_hourly: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    weeks: int = 4,
    title: str | None = None,
    dpi: int = 110,
) -> Figure:
    """One panel per (channel, queue): the last `weeks` weeks of history there are before the
    forecast starts, and the forecast.

    When the history ends more than a day before the forecast starts, the days in between (no
    data, nothing to draw) are cut out of the time axis, which is broken and says how long the
    gap is, so the picture is not mostly empty. All panels share one time axis, labelled once at
    the bottom.
    """
    series = _series_keys(history_hourly, forecast)
    n = max(len(series), 1)
    start = pd.to_datetime(forecast["ts"]).min() if len(forecast) else pd.NaT
    hist_all = history_hourly if pd.isna(start) or history_hourly.empty else \
        history_hourly[pd.to_datetime(history_hourly["ts"]) < start]
    last = pd.to_datetime(hist_all["ts"]).max() if len(hist_all) else pd.NaT
    gap = start - last - pd.Timedelta(hours=1) if pd.notna(start) and pd.notna(last) else pd.Timedelta(0)
    broken = gap > pd.Timedelta(days=1)
    fig = Figure(figsize=(12, 2.8 * n + 0.6), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    # across a gap, two weeks of history beside the forecast keep both on one time scale and
    # still show the weekly shape to compare
    shown = pd.Timedelta(weeks=min(weeks, 2) if broken else weeks)
    if broken:
        ahead = pd.to_datetime(forecast["ts"]).max() - start + pd.Timedelta(hours=1)
        grid = fig.subplots(n, 2, squeeze=False, sharex="col", sharey="row",
                            gridspec_kw={"width_ratios": [shown / pd.Timedelta(hours=1), max(ahead / pd.Timedelta(hours=1), 24)],
                                         "wspace": 0.02})
    else:
        grid = fig.subplots(n, 1, squeeze=False, sharex="col")
    for row, (channel, queue) in zip(grid, series):
        fc = _part(forecast, channel, queue)
        hist = _part(hist_all, channel, queue)
        if len(hist) and pd.notna(last):
            hist = hist[hist["ts"] > last - shown]
        past, ahead_ax = (row[0], row[1]) if broken else (row[0], row[0])
        past.plot(hist["ts"], hist["contacts"], color="#4a4a4a", lw=0.9, label="history")
        ahead_ax.plot(fc["ts"], fc["contacts"], color="#d6604d", lw=1.3, label="forecast")
        if "contacts_p10" in fc and len(fc):   # the hour's 80 % interval (forecasts.intervals)
            ahead_ax.fill_between(fc["ts"], fc["contacts_p10"], fc["contacts_p90"], color="#d6604d", alpha=0.18,
                                  lw=0, label="80 % interval")
        if len(fc) and not broken:
            past.axvline(fc["ts"].min(), color="#999999", ls="--", lw=0.8)
        past.set_title(f"{channel} / {queue}", loc="left", fontsize=10)
        past.set_ylabel("contacts per hour")
        past.set_ylim(bottom=0)
        for ax in set(row):
            ax.grid(alpha=0.3)
            locator = AutoDateLocator(minticks=3, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        if broken:
            _break_marks(past, ahead_ax)
            ahead_ax.tick_params(labelleft=False)
            ahead_ax.set_xlim(start, start + max(ahead, pd.Timedelta(hours=24)))
            past.set_xlim(last - shown, last + pd.Timedelta(hours=1))
        handles = [*past.get_legend_handles_labels()[0], *(ahead_ax.get_legend_handles_labels()[0] if broken else [])]
        row[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if not series:
        grid[0][0].text(0.5, 0.5, "no data", ha="center", va="center", transform=grid[0][0].transAxes)
    fig.supxlabel("local time", fontsize=10)
    if title is None:
        title = "Contact forecast against recent history"
        if broken:
            title += (f": the history ends {last:%d.%m.%Y}, {gap.days} days before the forecast starts "
                      f"{start:%d.%m.%Y} (the days between are cut out)")
    fig.suptitle(title, fontsize=12)
    return fig


def _break_marks(left: Axes, right: Axes) -> None:
    """The usual // on the facing spines of a broken axis."""
    left.spines["right"].set_visible(False)
    right.spines["left"].set_visible(False)
    kw = {"marker": [(-1, -1.5), (1, 1.5)], "markersize": 9, "linestyle": "none", "color": "#666666",
          "mec": "#666666", "mew": 1, "clip_on": False}
    left.plot([1, 1], [0, 1], transform=left.transAxes, **kw)
    right.plot([0, 0], [0, 1], transform=right.transAxes, **kw)


def _series_keys(history: pd.DataFrame, forecast: pd.DataFrame) -> list[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for frame in (forecast, history):
        if len(frame):
            f = _with_keys(frame)
            keys.update(zip(f["channel"].astype(str), f["queue"].astype(str)))
    return sorted(keys)


def _with_keys(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame
    if "channel" not in out.columns or "queue" not in out.columns:
        out = out.copy()
        out["channel"] = out.get("channel", "phone")
        out["queue"] = out.get("queue", "main")
    return out


def _part(frame: pd.DataFrame, channel: str, queue: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({"ts": pd.to_datetime([]), "contacts": []})
    f = _with_keys(frame)
    sel = (f["channel"].astype(str) == channel) & (f["queue"].astype(str) == queue)
    out = f.loc[sel, ["ts", "contacts", *(c for c in ("contacts_p10", "contacts_p90") if c in f.columns)]].copy()
    out["ts"] = pd.to_datetime(out["ts"])
    return out.sort_values("ts")
