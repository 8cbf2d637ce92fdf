"""Pooled against skill-aware planning on the sample site: the service each plan claims per series,
and what a contact-by-contact simulation routed by skill says each really delivers.

The pooled plan is the same workspace with every `skills` cell emptied (everyone serves all); its
rota is then given the agents' real skills (`serves`) before it is simulated, because the real
site routes by skill whatever the plan assumed.

    python3 bench/skills_compare.py --start 2026-11-23 --replications 10
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.solve.queues import skill_setup  # noqa: E402
from planner.workspace.config import load_config  # noqa: E402


def rota(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], check=True, capture_output=True, text=True)


def real_serves(workspace: Path, folder: Path) -> None:
    """Rewrite rota.csv's `serves` with the series each agent's real skills allow."""
    cfg = load_config(workspace / "rota.toml")
    agents = pd.read_csv(workspace / "agents.csv", dtype=str, keep_default_na=False)
    setup = skill_setup(agents, pd.read_csv(folder / "coverage_by_queue.csv"), cfg.queues)
    r = pd.read_csv(folder / "rota.csv", dtype=str, keep_default_na=False)
    r["serves"] = r["agent_id"].map(setup.serves_text)
    r.to_csv(folder / "rota.csv", index=False)


def figures(folder: Path) -> pd.DataFrame:
    plan = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    planned = pd.DataFrame(plan["by_queue"]).set_index(["channel", "queue"])["service_level"]
    sim = pd.DataFrame([{"channel": r["channel"], "queue": r["queue"], "simulated": r["service_level"]["mean"]}
                        for r in plan["simulation"]["by_queue"]]).set_index(["channel", "queue"])["simulated"]
    out = pd.DataFrame({"planned": planned, "simulated": sim})
    out.loc[("all", "contact-weighted"), :] = [plan["service_level"],
                                               plan["simulation"]["service_level"]["mean"]]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--start", default="2026-11-23")
    ap.add_argument("--replications", type=int, default=10)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        aware, pooled = tmp / "aware", tmp / "pooled"
        shutil.copytree(ROOT / "sample_data", aware)
        shutil.copytree(ROOT / "sample_data", pooled)
        agents = pd.read_csv(pooled / "agents.csv", dtype=str, keep_default_na=False)
        agents.assign(skills="").to_csv(pooled / "agents.csv", index=False)
        for ws in (aware, pooled):
            rota("plan", "--workspace", str(ws), "--start", args.start, "--out", str(ws / "out"))
        real_serves(aware, pooled / "out")
        for ws in (aware, pooled):
            rota("simulate", "--rota", str(ws / "out"), "--replications", str(args.replications), "--seed", "0")
        table = pd.concat({"pooled plan": figures(pooled / "out"), "skill-aware plan": figures(aware / "out")},
                          axis=1)
    with pd.option_context("display.width", 120, "display.float_format", "{:.1%}".format):
        print(table)


if __name__ == "__main__":
    main()
