"""The sample's Black Friday week with and without its flex group: the evening shortfall, service
and the pay bill.

Two plans of the week from 23 November 2026 (Black Friday is Friday the 27th) on the sample
workspace: as it is (150 rota staff and 15 flex agents), and with the flex agents taken out of a
copy of its agents file (what the `without_flex` scenario does). Both with the workspace's own
solver settings, one after the other.

    python3 bench/flex_sample.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.pipeline import run_plan  # noqa: E402

SAMPLE = ROOT / "sample_data"
START = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
EVENING = range(18, 24)


def figures(run, seconds: float) -> dict[str, float]:
    """Shortfall over the week, in the evenings and on Black Friday's evening (agent-hours, per
    series and hour as coverage_by_queue.csv has them), service, pay."""
    q = run.schedule.by_queue
    short = (q["required"] - q["scheduled"]).clip(lower=0)
    hour, day = q["ts"].dt.hour, q["ts"].dt.date
    evening = hour.isin(list(EVENING))
    s = run.summary
    flex = s.get("flex") or {}
    return {"short": float(short.sum()), "evening": float(short[evening].sum()),
            "friday_evening": float(short[evening & (day == FRIDAY)].sum()),
            "service": s["service_level"], "pay": s["cost"]["total"], "flex_pay": flex.get("cost", 0.0),
            "flex_hours": flex.get("paid_hours", 0.0), "gap": s["gap"], "seconds": seconds,
            "violations": s["violations"]}


def plan(folder: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    run = run_plan(folder, START, days=7)
    return figures(run, time.perf_counter() - t0)


def main() -> None:
    rows = {"with the flex group": plan(SAMPLE)}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns("scenarios", "example", "*.py"))
        agents = pd.read_csv(copy / "agents.csv", dtype=str, keep_default_na=False)
        agents[agents["pattern"] != "flex"].to_csv(copy / "agents.csv", index=False)
        for name in ("availability.csv", "requests.csv"):
            (copy / name).unlink()
        toml = (copy / "rota.toml").read_text(encoding="utf-8")
        (copy / "rota.toml").write_text(toml.split("[flex.agents.F003]")[0] + "[pay]" + toml.split("[pay]", 1)[1],
                                        encoding="utf-8")
        rows["without it"] = plan(copy)
    print("| plan | short agent-h | evenings 18-24 | Black Friday evening | service | pay, RUB | "
          "flex pay, RUB | flex h | gap | s | violations |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['short']:,.0f} | {r['evening']:,.0f} | {r['friday_evening']:,.0f} | "
              f"{r['service']:.1%} | {r['pay']:,.0f} | {r['flex_pay']:,.0f} | {r['flex_hours']:,.0f} | "
              f"{r['gap']:.2%} | {r['seconds']:.1f} | {r['violations']} |")


if __name__ == "__main__":
    main()
