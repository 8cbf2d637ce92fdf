"""The forecast chart: a readable PNG per run, one panel per series, written atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasts.plot import plot_forecast


def frames():
    ts = pd.date_range("2026-10-01", "2026-11-15 23:00", freq="h")
    hist = pd.concat(
        [pd.DataFrame({"ts": ts, "channel": c, "queue": "buyers", "contacts": 10 + 5 * np.sin(ts.hour / 3.8)}) for c in ("phone", "chat")]
    )
    fts = pd.date_range("2026-11-16", periods=48, freq="h")
    fc = pd.concat([pd.DataFrame({"ts": fts, "channel": c, "queue": "buyers", "contacts": 12.0}) for c in ("phone", "chat")])
    return hist, fc


def test_writes_a_png_with_one_panel_per_series(tmp_path):
    hist, fc = frames()
    out = plot_forecast(hist, fc, tmp_path / "charts" / "forecast.png", weeks=2)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # height grows with the number of panels: 2 panels -> 2.8 * 2 + 0.6 inches at 110 dpi
    height = int.from_bytes(data[20:24], "big")
    assert height == pytest.approx((2.8 * 2 + 0.6) * 110, abs=2)
    assert [p.name for p in out.parent.iterdir()] == ["forecast.png"]  # no temp file left


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    hist, fc = frames()
    target = tmp_path / "forecast.png"
    target.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", boom)
    with pytest.raises(RuntimeError):
        plot_forecast(hist, fc, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["forecast.png"]


def test_empty_inputs_still_make_a_chart(tmp_path):
    empty = pd.DataFrame(columns=["ts", "channel", "queue", "contacts"])
    assert plot_forecast(empty, empty, tmp_path / "empty.png").stat().st_size > 0


def test_a_gap_between_history_and_forecast_is_cut_out_of_the_time_axis() -> None:
    """History ending 15.11 and a forecast from 30.11: the two weeks in between have nothing to
    draw, so each panel is history | forecast on a broken axis and the title says how long the gap is."""
    from matplotlib.dates import date2num

    from forecasts.plot import forecast_figure

    hist, fc = frames()
    fc = fc.assign(ts=fc["ts"] + pd.Timedelta(days=14))
    fig = forecast_figure(hist, fc)
    axes = fig.axes
    assert len(axes) == 4   # 2 series x (history, forecast)
    gap_middle = date2num(pd.Timestamp("2026-11-22"))
    for ax in axes:
        lo, hi = ax.get_xlim()
        assert not lo <= gap_middle <= hi
    assert axes[1].get_xlim()[0] == pytest.approx(date2num(pd.Timestamp("2026-11-30")))
    assert axes[0].get_xlim()[1] == pytest.approx(date2num(pd.Timestamp("2026-11-16")))
    assert "14 days before the forecast starts 30.11.2026" in fig._suptitle.get_text()


@pytest.mark.parametrize("gap_days", [0, 14])
def test_the_time_axis_is_labelled_once_at_the_bottom(gap_days: int) -> None:
    from forecasts.plot import forecast_figure

    hist, fc = frames()
    fig = forecast_figure(hist, fc.assign(ts=fc["ts"] + pd.Timedelta(days=gap_days)))
    fig.canvas.draw()
    bottom = max(ax.get_position().y0 for ax in fig.axes if ax.get_position().y0 < 0.3)
    for ax in fig.axes:
        shown = any(t.get_visible() and t.get_text() for t in ax.get_xticklabels())
        at_bottom = ax.get_position().y0 <= bottom + 1e-6
        assert shown == at_bottom
        offset = ax.xaxis.get_offset_text()
        assert not (offset.get_visible() and offset.get_text()) or at_bottom   # "2026-Nov" once per column
