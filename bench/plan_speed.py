"""Speed of the weekly job: `rota plan` on the sample workspace, end to end, as a team lead runs it.

Each run is the real CLI in a subprocess (forecast with backtest -> requirements -> CP-SAT rota
-> checker -> rota.csv, coverage.csv, summary.json) with the workspace's own solver settings
(30 s time limit, 2 workers) unless --time-limit is given. The figures come from summary.json;
"total" is the wall clock of the whole command. Best of --repeats runs (by total time).

    python3 bench/plan_speed.py                      # 1 and 4 weeks, best of 2
    python3 bench/plan_speed.py --weeks 1 --repeats 3 --start 2026-11-23
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def plan_once(workspace: Path, start: date, weeks: int, time_limit: float | None) -> dict:
    """Run `rota plan` once; the summary's figures plus the command's wall-clock seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, str(ROOT / "cli.py"), "plan", "--workspace", str(workspace),
               "--start", start.isoformat(), "--weeks", str(weeks), "--out", tmp]
        if time_limit is not None:
            cmd += ["--time-limit", str(time_limit)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        total = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(f"rota plan failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        data = json.loads((Path(tmp) / "summary.json").read_text(encoding="utf-8"))
    return {
        "weeks": weeks, "total_s": total, "status": data["status"], "gap": data["gap"],
        "solve_s": data["solve_seconds"], "agents": data["agents"], "classes": data["model"]["classes"],
        "lines": data["model"]["lines"], "required_h": data["required_agent_hours"],
        "shortfall_h": data["shortfall_agent_hours"], "hours_without_agents": data["hours_without_agents"],
        "service_level": data["service_level"], "violations": data["violations"],
        "time_limit_s": data["model"]["time_limit_s"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, default=SAMPLE)
    ap.add_argument("--start", type=date.fromisoformat, default=None, help="first day (default: next Monday)")
    ap.add_argument("--weeks", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=None, help="override the workspace's solver limit")
    args = ap.parse_args()
    start = args.start or next_monday(date.today())

    print(f"rota plan on {args.workspace}, from {start}, best of {args.repeats} runs by total time\n")
    print("| weeks | agents | classes / lines | status | gap | solve s (limit) | total s | "
          "required agent-h | shortfall agent-h | hours with nobody | service level | violations | runs (total s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for weeks in args.weeks:
        runs = [plan_once(args.workspace, start, weeks, args.time_limit) for _ in range(args.repeats)]
        best = min(runs, key=lambda r: r["total_s"])
        gap = f"{best['gap']:.3%}" if best["gap"] is not None else "-"
        sl = f"{best['service_level']:.1%}" if best["service_level"] is not None else "-"
        tries = ", ".join(f"{r['total_s']:.1f}" for r in runs)
        print(f"| {weeks} | {best['agents']} | {best['classes']} / {best['lines']} | {best['status']} | {gap} | "
              f"{best['solve_s']:.1f} ({best['time_limit_s']:g}) | {best['total_s']:.1f} | "
              f"{best['required_h']:,.0f} | {best['shortfall_h']:,.0f} | {best['hours_without_agents']} | {sl} | "
              f"{best['violations']} | {tries} |", flush=True)


if __name__ == "__main__":
    main()
