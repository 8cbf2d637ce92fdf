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
