"""Shared fixtures: a small, seeded workspace that end-to-end tests run the real CLI on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
TODAY = "2026-11-16"   # the day after the small history ends: what "today" is in every test


@pytest.fixture(scope="session", autouse=True)
def fixed_today():
    """No test depends on the real date: the CLI reads today from ROTA_TODAY (the default start,
    art. 103's month of notice). A test of its own may set another with monkeypatch."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROTA_TODAY", TODAY)
        yield TODAY


@dataclass(frozen=True)
class Constant:
    """A forecasting method that always says the same number: a known answer for tests."""

    name: str
    value: float

    def forecast(self, y, horizon, calendar=None):
        return np.full(horizon, self.value)


def shared_file(name: str) -> Path:
    """A reference file of ../shared/data, or skip the test when it is not there."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"reference data {path} not available")
    return path


def small_history(weeks: int = 8, end: str = "2026-11-15 23:00", seed: int = 7) -> pd.DataFrame:
    """Hourly phone and chat history of a small 24/7 site with daily and weekly seasons."""
    rng = np.random.default_rng(seed)
    ts = pd.date_range(end=pd.Timestamp(end), periods=weeks * 168, freq="h")
    hour = ts.hour.to_numpy()
    dow = ts.day_of_week.to_numpy()
    daily = 0.15 + np.exp(-0.5 * ((hour - 13) / 4.0) ** 2)
    weekly = np.where(dow >= 5, 0.8, 1.0)
    frames = []
    for channel, scale in (("phone", 60.0), ("chat", 40.0)):
        rate = scale * daily * weekly
        frames.append(pd.DataFrame({
            "ts": ts.strftime("%Y-%m-%d %H:%M"),
            "channel": channel,
            "queue": "buyers",
            "contacts": rng.poisson(rate),
        }))
    return pd.concat(frames, ignore_index=True)


SMALL_TOML = """\
[site]
name = "Test site"

[staffing]
shrinkage = 0.25
max_occupancy = 0.9

[channels.phone]
model = "erlang_c"
aht_s = 240
answer_s = 20
sl_target = 0.8

[channels.chat]
model = "chat"
aht_s = 600
concurrency = 2
answer_s = 60
sl_target = 0.8

[solver]
time_limit_s = 10
workers = 2
seed = 1
"""


def small_agents(n22: int = 12, n33: int = 4, n52: int = 8) -> pd.DataFrame:
    rows = []
    k = 0
    for pattern, n in (("2/2", n22), ("3/3", n33), ("5/2", n52)):
        for i in range(n):
            k += 1
            rows.append({
                "agent_id": f"T{k:03d}",
                "name": f"Агент {k}",
                "team": "t1",
                "pattern": pattern,
                "shift_pref": ("day", "night", "any")[k % 3] if pattern != "5/2" else "day",
                "skills": "phone;chat",
                "rate_rub_h": 400 + 10 * (k % 7),
                "cycle_start": f"2026-11-{10 + (i % 6):02d}" if pattern != "5/2" and i % 2 == 0 else "",
                "night_ok": "false" if k == 3 else "true",
            })
    return pd.DataFrame(rows)


def agents_frame(*rows: dict) -> pd.DataFrame:
    """Agents as planner.workspace.people.load_agents gives them (cycle_start datetime, night_ok bool);
    each row names what differs from a 2/2 agent at 400 RUB/h."""
    defaults = {"name": "", "team": "t", "pattern": "2/2", "shift_pref": "any", "skills": "phone",
                "rate_rub_h": 400.0, "cycle_start": None, "night_ok": True}
    df = pd.DataFrame([{**defaults, **row} for row in rows])
    df["cycle_start"] = pd.to_datetime(df["cycle_start"])
    df["night_ok"] = df["night_ok"].astype(bool)
    df["rate_rub_h"] = df["rate_rub_h"].astype(float)
    return df[["agent_id", *defaults]]


def absences_frame(*rows: tuple[str, str, str], kind: str = "vacation") -> pd.DataFrame:
    """Absences as planner.workspace.people.load_absences gives them: (agent_id, first day, last day)."""
    return pd.DataFrame([(a, pd.Timestamp(s), pd.Timestamp(e), kind) for a, s, e in rows],
                        columns=["agent_id", "start", "end", "kind"])


@pytest.fixture
def small_workspace(tmp_path: Path) -> Path:
    """A workspace folder: rota.toml, history.csv, agents.csv, absences.csv."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "rota.toml").write_text(SMALL_TOML, encoding="utf-8")
    small_history().to_csv(ws / "history.csv", index=False)
    small_agents().to_csv(ws / "agents.csv", index=False)
    pd.DataFrame([
        {"agent_id": "T002", "start": "2026-11-24", "end": "2026-11-26", "kind": "sick"},
        {"agent_id": "T020", "start": "2026-11-23", "end": "2026-11-29", "kind": "vacation"},
    ]).to_csv(ws / "absences.csv", index=False)
    return ws


@pytest.fixture(scope="module")
def staffed_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small workspace with enough agents for its volume (28 agents, 30 % of the small history).

    `small_workspace` asks for about 1,900 agent-hours a week from 24 agents, and at the
    objective's prices the quiet night hours then go unstaffed; this one can staff every hour of
    the week. Module scope: the end-to-end tests share one folder and must not write into it.
    """
    ws = tmp_path_factory.mktemp("staffed") / "ws"
    ws.mkdir()
    (ws / "rota.toml").write_text(SMALL_TOML, encoding="utf-8")
    history = small_history()
    history["contacts"] = (history["contacts"] * 0.3).round().astype(int)
    history.to_csv(ws / "history.csv", index=False)
    small_agents(n22=16, n33=4, n52=8).to_csv(ws / "agents.csv", index=False)
    pd.DataFrame([
        {"agent_id": "T002", "start": "2026-11-24", "end": "2026-11-26", "kind": "sick"},
        {"agent_id": "T020", "start": "2026-11-23", "end": "2026-11-29", "kind": "vacation"},
    ]).to_csv(ws / "absences.csv", index=False)
    return ws
