"""A generated site of thousands of agents planned end to end by the real CLI: the wall time, the
peak memory and the seconds of every stage, from reading the workspace to the last chart.

The site is bench/sites.py's `make_site` (Moscow; the sample's rota.toml and two years of its
history scaled to the headcount; agents from bench/skills_scale.py's generator: 2/2, 3/3 and 5/2,
twenty skill sets over three channels and three queues), solved by `--workers` CP-SAT workers and
`--work` deterministic seconds, planned for `--weeks` weeks from 2026-11-23. `rota plan` runs in a
subprocess under `/usr/bin/time -v` (wall, peak RSS), through a small child entry point that
listens to `common.stages` and writes each stage's seconds next to the results; the stage times
are those the command line shows while it runs, measured without a profiler.

    python3 bench/end_to_end.py --agents 5000                    # about a minute
    python3 bench/end_to_end.py --agents 20000 --work 60
    python3 bench/end_to_end.py --agents 5000 --cpu 1            # pinned to core 1 (taskset)
    python3 bench/end_to_end.py --agents 5000 --profile prof.out # under cProfile as well (slower)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sites import SAMPLE, START, TODAY, make_site  # noqa: E402

#: the stages in the order a plan runs them (`common.stages` names)
STAGES = ("forecast", "sizing", "prices", "classes and lines", "line costs", "LP start and model", "LP start",
          "model build", "local search", "CP-SAT", "CP-SAT and repair", "naming agents", "coverage",
          "timesheet and pay", "checker", "CSVs", "workbook", "charts")


def child(times: Path, args: list[str]) -> None:
    """Run `rota` with `args` in this process, every stage's seconds written to `times` at the end."""
    from common.stages import StageTimes, listening

    import cli

    heard = StageTimes()
    sys.argv = ["rota", *args]
    try:
        with listening(heard):
            cli.main()
    finally:
        times.write_text(json.dumps(heard.seconds, indent=1), encoding="utf-8")


def _peak(text: str) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) from `/usr/bin/time -v`'s report."""
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    h, m, s = (float(g) if g else 0.0 for g in wall.groups())
    return 3600 * h + 60 * m + s, int(rss.group(1)) / 1024


def run(agents: int, weeks: int, work: float, workers: int, cpu: str | None, profile: Path | None,
        keep: Path | None) -> dict:
    """Generate the site, plan it once; the figures."""
    tmp = Path(tempfile.mkdtemp(prefix="rota-e2e-"))
    try:
        site = make_site(tmp / "site", "Europe/Moscow", agents, 0, work, pd.read_csv(SAMPLE / "history.csv"))
        toml = site / "rota.toml"
        toml.write_text(re.sub(r"workers = \d+", f"workers = {workers}", toml.read_text(encoding="utf-8")),
                        encoding="utf-8")
        out, times = (keep or tmp / "out"), tmp / "stages.json"
        python = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
        cmd = ["/usr/bin/time", "-v", *python, __file__, "--child", str(times), "--",
               "plan", "--workspace", str(site), "--start", str(START), "--weeks", str(weeks), "--out", str(out)]
        if cpu is not None:
            cmd = ["taskset", "-c", cpu, *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "ROTA_TODAY": TODAY, "COLUMNS": "80"})
        if done.returncode not in (0, 1) or not (out / "summary.json").is_file():
            raise SystemExit(f"rota plan failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        wall, rss = _peak(done.stderr)
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        return {"agents": agents, "weeks": weeks, "wall_s": wall, "peak_mib": rss, "gap": summary["gap"],
                "objective": summary["objective"], "bound": summary["bound"], "status": summary["status"],
                "violations": summary["violations"], "shifts": summary["shifts"],
                "stages": json.loads(times.read_text(encoding="utf-8"))}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(Path(argv[1]), argv[3:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=5000)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--work", type=float, default=20.0, help="CP-SAT deterministic seconds")
    ap.add_argument("--workers", type=int, default=1, help="CP-SAT workers ([solver] workers)")
    ap.add_argument("--cpu", default=None, help="pin the run to these cores (taskset -c), e.g. 1")
    ap.add_argument("--profile", type=Path, default=None, help="also write cProfile's statistics here")
    ap.add_argument("--keep", type=Path, default=None, help="write the results here and keep them")
    args = ap.parse_args(argv)
    r = run(args.agents, args.weeks, args.work, args.workers, args.cpu, args.profile, args.keep)
    pinned = f"pinned to core(s) {args.cpu}" if args.cpu else f"{os.cpu_count()} CPUs, not pinned"
    print(f"{r['agents']:,} agents × {r['weeks']} weeks, {r['shifts']:,} shifts, {args.workers} CP-SAT worker(s), "
          f"{args.work:g} deterministic s, {pinned}")
    print(f"wall {r['wall_s']:.1f} s · peak RSS {r['peak_mib']:,.0f} MiB · {r['status']} gap {r['gap']:.2%} "
          f"(objective {r['objective']:,.0f}, bound {r['bound']:,.0f}) · violations {r['violations']}")
    stages = r["stages"]
    print("| stage | s |\n|---|---|")
    for name in [*STAGES, *(s for s in stages if s not in STAGES)]:
        if name in stages:
            print(f"| {name} | {stages[name]:.1f} |")
    rest = r["wall_s"] - sum(stages.values())
    print(f"| start of Python, imports, reading, the rest | {rest:.1f} |")


if __name__ == "__main__":
    main()
