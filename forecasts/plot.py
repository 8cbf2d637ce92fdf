"""Forecast-against-history chart: the last weeks of history and the forecast, one panel
per series, so a team lead can see at a glance whether next week looks plausible."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
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
    """Write a PNG with one panel per (channel, queue): the last `weeks` weeks of history
    before the forecast starts and the forecast itself. Written atomically (temp + rename)."""
    path = Path(path)
    series = _series_keys(history_hourly, forecast)
    n = max(len(series), 1)
    fig = Figure(figsize=(12, 2.8 * n + 0.6), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, (channel, queue) in zip(axes, series):
        fc = _part(forecast, channel, queue)
        hist = _part(history_hourly, channel, queue)
        start = fc["ts"].min() if len(fc) else hist["ts"].max()
        if len(hist) and pd.notna(start):
            hist = hist[(hist["ts"] < start) & (hist["ts"] >= start - pd.Timedelta(weeks=weeks))]
        ax.plot(hist["ts"], hist["contacts"], color="#4a4a4a", lw=0.9, label="history")
        ax.plot(fc["ts"], fc["contacts"], color="#d6604d", lw=1.3, label="forecast")
        if len(fc):
            ax.axvline(fc["ts"].min(), color="#999999", ls="--", lw=0.8)
        ax.set_title(f"{channel} / {queue}", loc="left", fontsize=10)
        ax.set_ylabel("contacts per hour")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if not series:
        axes[0].text(0.5, 0.5, "no data", ha="center", va="center", transform=axes[0].transAxes)
    axes[-1].set_xlabel("local time")
    fig.suptitle(title or "Contact forecast against recent history", fontsize=12)
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png"))
    return path


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
    out = f.loc[sel, ["ts", "contacts"]].copy()
    out["ts"] = pd.to_datetime(out["ts"])
    return out.sort_values("ts")
