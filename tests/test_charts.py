"""The PNG charts: written atomically, laid out one panel per day, shortfall visibly shaded,
and the forecast chart delegated to forecasts.plot."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from planner.output.charts import SHORT_COLOUR, coverage_by_day, service_by_hour, service_target, write_charts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def coverage(days: int = 7, short: bool = True, start: str = "2026-11-02") -> pd.DataFrame:
    """Hourly coverage with a day-time hump; with `short`, two agents missing every evening."""
    ts = pd.date_range(start, periods=24 * days, freq="h")
    hour = ts.hour.to_numpy()
    required = np.round(5 + 20 * np.exp(-0.5 * ((hour - 14) / 4) ** 2)).astype(int)
    scheduled = required + 1
    if short:
        scheduled = np.where((hour >= 18) & (hour < 22), required - 2, scheduled)
    sl = np.clip(0.8 + 0.05 * (scheduled - required), 0, 1).astype(float)
    contacts = required * 4.0
    return pd.DataFrame({"ts": ts, "required": required, "scheduled": scheduled, "service_level": sl,
                         "contacts": contacts})


def _shaded_pixels(path: Path) -> int:
    """Pixels of the shortfall colour in a PNG."""
    img = imread(path)[..., :3]
    colour = np.array([int(SHORT_COLOUR[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(img - colour).max(axis=-1) < 0.02).sum())


def test_coverage_by_day_writes_a_png_with_one_panel_per_day(tmp_path):
    week = coverage_by_day(coverage(7), tmp_path / "week.png")
    fortnight = coverage_by_day(coverage(14), tmp_path / "fortnight.png")
    one = coverage_by_day(coverage(1), tmp_path / "one.png")
    assert week == tmp_path / "week.png"
    for p in (week, fortnight, one):
        assert p.read_bytes()[:8] == PNG_MAGIC
    h7, w7 = imread(week).shape[:2]
    h14, w14 = imread(fortnight).shape[:2]
    h1, w1 = imread(one).shape[:2]
    assert w7 == w14 > w1          # at most four days side by side
    assert h14 > 1.8 * h7          # 14 days: four rows of four, a week: two
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fortnight.png", "one.png", "week.png"]


def test_the_shortfall_is_shaded_only_when_there_is_one(tmp_path):
    with_gap = _shaded_pixels(coverage_by_day(coverage(7, short=True), tmp_path / "gap.png"))
    covered = _shaded_pixels(coverage_by_day(coverage(7, short=False), tmp_path / "ok.png"))
    assert with_gap > 10 * covered > 0  # the legend swatch is in both


def test_service_by_hour_draws_below_target_hours(tmp_path):
    cov = coverage(7)
    cov.loc[cov["contacts"] > 60, "service_level"] = 0.5
    with_target = _shaded_pixels(service_by_hour(cov, tmp_path / "t.png", target=0.8))
    without = _shaded_pixels(service_by_hour(cov, tmp_path / "n.png"))
    assert with_target > without + 1000
    assert (tmp_path / "t.png").read_bytes()[:8] == PNG_MAGIC


def test_service_by_hour_copes_with_hours_without_contacts(tmp_path):
    cov = coverage(2).assign(service_level=np.nan, contacts=0.0)
    assert service_by_hour(cov, tmp_path / "empty.png", target=0.8).read_bytes()[:8] == PNG_MAGIC


def test_a_failed_chart_leaves_nothing_behind(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    (tmp_path / "coverage_by_day.png").write_bytes(b"last week's chart")

    def broken(self, fname, **kw):
        Path(fname).write_bytes(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        coverage_by_day(coverage(7), tmp_path / "coverage_by_day.png")
    assert [p.name for p in tmp_path.iterdir()] == ["coverage_by_day.png"]
    assert (tmp_path / "coverage_by_day.png").read_bytes() == b"last week's chart"


def test_service_target_is_the_one_target_of_the_queued_channels():
    req = pd.DataFrame({"model": ["erlang_c", "chat", "email"], "sl_target": [0.8, 0.8, 1.0]})
    assert service_target(req) == 0.8
    assert service_target(req.assign(sl_target=[0.8, 0.9, 1.0])) is None
    assert service_target(pd.DataFrame({"ts": []})) is None


def test_write_charts_writes_coverage_service_and_forecast(tmp_path):
    cov = coverage(2)
    history = pd.DataFrame({"ts": pd.date_range("2026-10-05", "2026-11-01 23:00", freq="h"),
                            "channel": "phone", "queue": "main"})
    history["contacts"] = 20 + 10 * np.sin(history["ts"].dt.hour / 24 * 2 * np.pi)
    fc = cov[["ts"]].assign(channel="phone", queue="main", contacts=25.0)
    run = SimpleNamespace(schedule=SimpleNamespace(coverage=cov),
                          requirements=pd.DataFrame({"model": ["erlang_c"], "sl_target": [0.8]}),
                          forecast=SimpleNamespace(hourly=history, forecast=fc))
    written = write_charts(run, tmp_path / "out")
    assert [p.name for p in written] == ["coverage_by_day.png", "service_by_hour.png", "forecast.png"]
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in written)
    run_without = SimpleNamespace(schedule=run.schedule, requirements=run.requirements, forecast=None)
    assert len(write_charts(run_without, tmp_path / "bare")) == 2


def test_charts_drawn_beside_the_workbook_are_the_same_files_and_a_failed_child_is_redrawn_here(
        tmp_path, monkeypatch):
    """`charts_beside` draws in a forked process; the files are those `write_charts` draws. When the
    child fails, waiting draws them in this process instead, so nothing is missing."""
    import planner.output.charts as charts

    run = SimpleNamespace(schedule=SimpleNamespace(coverage=coverage(2)),
                          requirements=pd.DataFrame({"model": ["erlang_c"], "sl_target": [0.8]}), forecast=None)
    (tmp_path / "beside").mkdir()
    got = charts.charts_beside(run, tmp_path / "beside")()
    assert [p.name for p in got] == ["coverage_by_day.png", "service_by_hour.png"]
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in got)

    def broken(jobs):
        raise SystemExit(3)

    monkeypatch.setattr(charts, "_draw_all", broken)
    (tmp_path / "again").mkdir()
    again = charts.charts_beside(run, tmp_path / "again")()
    assert [p.name for p in again] == ["coverage_by_day.png", "service_by_hour.png"]
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in again)
