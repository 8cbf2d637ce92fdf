"""Many sites at once: `rota plan` over four generated sites in one command against four separate
runs — the same rotas, and the wall time serially, in processes and on a local Dask cluster.

Each site is a workspace of its own in its own time zone (Moscow, Novosibirsk, Vladivostok,
Yekaterinburg): the sample's rota.toml and two years of its history scaled to the site's size
(×agents/150, a little more each site), and `--agents` agents from bench/skills_scale.py's
generator (twenty skill sets over phone, chat and e-mail and the buyers, sellers and
English-speaking sellers queues; a seed per site). Every site is solved by one CP-SAT worker with a
deterministic work limit (`--work`, CP-SAT deterministic seconds), so a rota does not depend on
where, or beside what, it was solved. Every run is the real CLI in a subprocess.

    python3 bench/sites.py                                  # 4 × 1,000 agents, work 20
    python3 bench/sites.py --agents 300 --work 5 --executors serial processes
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from skills_scale import make_agents  # noqa: E402

SAMPLE = ROOT / "sample_data"
START = date(2026, 11, 23)          # the week after the sample's history (Black Friday week)
TODAY = "2026-11-16"
ZONES = {"msk": "Europe/Moscow", "nsk": "Asia/Novosibirsk", "vvo": "Asia/Vladivostok", "ekb": "Asia/Yekaterinburg"}


def make_site(folder: Path, zone: str, agents: int, seed: int, work: float, history: pd.DataFrame) -> Path:
    """A workspace of `agents` agents in `zone`, solved by 1 worker for `work` deterministic seconds."""
    folder.mkdir(parents=True)
    toml = (SAMPLE / "rota.toml").read_text(encoding="utf-8")
    toml = re.sub(r'timezone = "[^"]*"', f'timezone = "{zone}"', toml)
    toml = re.sub(r"\[solver\][^\[]*", f"[solver]\ntime_limit_s = {max(120.0, 6 * work):g}\nworkers = 1\nseed = 0\n"
                                       f"deterministic_time = {work:g}\n\n", toml)
    (folder / "rota.toml").write_text(toml, encoding="utf-8")
    rng = np.random.default_rng(seed)
    scale = agents / 150 * (1 + 0.03 * seed)
    history.assign(contacts=np.round(history["contacts"] * scale).astype(int)).to_csv(folder / "history.csv",
                                                                                     index=False)
    people = make_agents(agents, rng)
    fixed = people["cycle_start"].notna()
    people["cycle_start"] = [(START - timedelta(days=int(d))).isoformat() if f else ""
                             for f, d in zip(fixed, rng.integers(1, 7, len(people)))]
    people["name"] = [f"Agent {i}" for i in range(len(people))]
    people["night_ok"] = np.where(people["night_ok"], "true", "false")
    people.to_csv(folder / "agents.csv", index=False)
    (folder / "absences.csv").write_text("agent_id,start,end,kind\n", encoding="utf-8")
    return folder


def rota(*args: object) -> float:
    """Run `rota` in a subprocess; its wall time."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "ROTA_TODAY": TODAY, "COLUMNS": "80"}, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"rota {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    print(done.stdout.split("Sites (times")[-1][:2000] if "Sites (times" in done.stdout else "", end="")
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--sites", type=int, default=4, choices=range(1, len(ZONES) + 1))
    ap.add_argument("--work", type=float, default=20.0, help="CP-SAT deterministic seconds per site")
    ap.add_argument("--executors", nargs="+", default=["serial", "processes", "dask"])
    args = ap.parse_args(argv)
    history = pd.read_csv(SAMPLE / "history.csv")
    with tempfile.TemporaryDirectory(prefix="rota-sites-") as tmp:
        root = Path(tmp) / "sites"
        names = list(ZONES)[:args.sites]
        for seed, name in enumerate(names):
            make_site(root / name, ZONES[name], args.agents, seed, args.work, history)
        rows = []
        began = time.perf_counter()
        for name in names:
            rota("plan", "--workspace", root / name, "--start", START, "--out", Path(tmp) / "alone" / name)
        rows.append(("4 separate runs" if args.sites == 4 else f"{args.sites} separate runs",
                     time.perf_counter() - began, True))
        for ex in args.executors:
            out = Path(tmp) / ex
            wall = rota("plan", "--sites", root, "--start", START, "--executor", ex, "--out", out)
            same = all((out / n / "rota.csv").read_bytes() == (Path(tmp) / "alone" / n / "rota.csv").read_bytes()
                       for n in names)
            rows.append((f"one command, --executor {ex}", wall, same))
        doc = json.loads((Path(tmp) / args.executors[-1] / "sites.json").read_text(encoding="utf-8"))
    print(f"\n{args.sites} sites × {args.agents:,} agents, 1 week from {START}, 1 CP-SAT worker and "
          f"{args.work:g} deterministic s each, {os.cpu_count()} CPUs")
    print("| run | wall s | rota.csv identical to the separate runs |\n|---|---|---|")
    for what, wall, same in rows:
        print(f"| {what} | {wall:.1f} | {'yes' if same else 'NO'} |")
    print("| site | time zone | agents | gap | short agent-h | service | pay, RUB | violations | s |\n"
          "|---|---|---|---|---|---|---|---|---|")
    for s in doc["sites"]:
        f = s["figures"]
        print(f"| {s['site']} | {s['timezone']} | {f['agents']:,} | {f['gap']:.2%} | "
              f"{f['shortfall_agent_hours']:,.0f} | {f['service_level']:.1%} | {f['pay_rub']:,.0f} | "
              f"{f['violations']} | {s['seconds']:.0f} |")


if __name__ == "__main__":
    main()
