"""Speed of `rota simulate`, and why it has its own engine rather than SimPy.

1. Engine choice: the same steady M/M/N queue (and M/M/N+M with patience) run by
   `planner.analysis.simulate` and by a straightforward SimPy model (a Resource of N agents, callers
   racing their request against their patience), on the same random draws. Both are compared
   with Erlang C / exact Erlang A; best of --repeats wall-clock times. SimPy is optional
   (pip install simpy); without it that row is skipped.
2. A week of the sample site, --replications runs (acceptance: under 60 s): `simulate_plan` on
   a results folder of `rota plan` (--rota DIR, or one planned now into a temporary folder with
   a 30 s solver limit), then the whole `rota simulate` command as a user runs it.
3. The same week routed by skill: a copy of the folder whose rota.csv gains `serves` (each
   agent's channels of sample_data/agents.csv on the queues its team and tags allow: buyers-*
   teams serve buyers, sellers-* teams sellers, and sellers_en with the tag en; an empty skills
   cell `*`) and a coverage_by_queue.csv from requirements.csv (the plan's level per series),
   unless the folder already has a `serves` column.

    python3 bench/simulate_speed.py                       # plans the week of 2026-11-23 first
    python3 bench/simulate_speed.py --rota out/ --replications 10 --repeats 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasts.erlang import erlang_a, erlang_c
import pandas as pd

from planner.analysis.queue_sim import QueueSpec, simulate
from planner.analysis.routing import Team, simulate_routed
from planner.analysis.simulate import simulate_plan


def draws(calls_per_h: float, aht: float, patience: float | None, hours: int, seed: int):
    rng = np.random.default_rng(seed)
    n = rng.poisson(calls_per_h * hours)
    arrival = np.sort(rng.random(n)) * hours * 3600.0
    service = rng.exponential(aht, n)
    pat = rng.exponential(patience, n) if patience else np.full(n, np.inf)
    return arrival, service, pat


def simpy_mmn(arrival, service, patience, agents: int, answer_s: float) -> tuple[float, float, float]:
    """(service level, ASA, abandonment) of FCFS M/M/N(+M) in SimPy on given draws."""
    import simpy

    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    waits = np.zeros(arrival.size)
    answered = np.zeros(arrival.size, dtype=bool)

    def caller(k: int):
        t0 = env.now
        with desk.request() as req:
            if np.isfinite(patience[k]):
                got = yield req | env.timeout(patience[k])
                if req not in got:
                    waits[k] = env.now - t0
                    return
            else:
                yield req
            waits[k] = env.now - t0
            answered[k] = True
            yield env.timeout(service[k])

    def source():
        last = 0.0
        for k, a in enumerate(arrival):
            yield env.timeout(a - last)
            last = a
            env.process(caller(k))

    env.process(source())
    env.run()
    sl = float(np.mean(answered & (waits <= answer_s)))
    return sl, float(waits.mean()), float(np.mean(~answered))


def own_mmn(arrival, service, patience, agents: int, answer_s: float, hours: int) -> tuple[float, float, float]:
    """The same through planner.analysis.simulate's serving loop."""
    from planner.analysis.queue_sim import _serve

    start = _serve(arrival.tolist(), service.tolist(), patience.tolist(), np.full(hours + 2, agents))
    answered = np.isfinite(start)
    wait = np.where(answered, start - arrival, patience)
    return float(np.mean(answered & (wait <= answer_s))), float(wait.mean()), float(np.mean(~answered))


def best(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def engine_rows(repeats: int) -> None:
    hours, calls, aht, answer = 200, 100.0, 180.0, 20.0
    print(f"\n## Engine: steady queue, {calls:.0f} calls/h, AHT {aht:.0f} s, {hours} h "
          f"(~{calls * hours:,.0f} calls), one replication, best of {repeats}")
    print("| case | engine | seconds | SL(20 s) | ASA s | abandoned |")
    print("|---|---|---|---|---|---|")
    for agents, patience in ((7, None), (5, 120.0)):
        arrival, service, pat = draws(calls, aht, patience, hours, seed=1)
        if patience is None:
            law = erlang_c(calls=calls, interval_s=3600, aht_s=aht, agents=agents, answer_s=answer)
            label, ab = f"M/M/{agents}", 0.0
        else:
            law = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=agents, answer_s=answer,
                           patience_s=patience)
            label, ab = f"M/M/{agents}+M(120 s)", law.p_abandon
        print(f"| {label} | formula | | {law.service_level:.4f} | {law.asa_s:.2f} | {ab:.4f} |")
        t, (sl, asa, p_ab) = best(lambda a=arrival, s=service, p=pat, n=agents: own_mmn(a, s, p, n, answer, hours), repeats)
        print(f"| {label} | rota (own loop) | {t:.3f} | {sl:.4f} | {asa:.2f} | {p_ab:.4f} |")
        try:
            import simpy
        except ImportError:
            print(f"| {label} | SimPy | not installed | | | |")
            continue
        t, (sl, asa, p_ab) = best(lambda a=arrival, s=service, p=pat, n=agents: simpy_mmn(a, s, p, n, answer), repeats)
        print(f"| {label} | SimPy {simpy.__version__} | {t:.3f} | {sl:.4f} | {asa:.2f} | {p_ab:.4f} |")
    # the full replication path (draws + loop + tallies) on the M/M/7 case, 10 replications
    spec = QueueSpec("phone", "q", np.full(hours, calls), np.full(hours, aht), np.full(hours, answer),
                     np.full(hours, 7, dtype=np.int64))
    t, _ = best(lambda: simulate([spec], replications=10, seed=0), repeats)
    print(f"\n`simulate` (draws, serving, tallies), M/M/7, 10 replications: {t:.3f} s")
    team = Team(serves=np.ones((7, 1), bool), on_duty=np.ones((7, hours), bool), productive=np.full(hours, 7),
                sessions=np.ones(7, dtype=np.int64))
    t, _ = best(lambda: simulate_routed([spec], team, replications=10, seed=0), repeats)
    print(f"`simulate_routed` (7 agents routed one by one, same draws), M/M/7, 10 replications: {t:.3f} s")


def plan_folder(start: str, tmp: Path) -> Path:
    out = tmp / "plan"
    cmd = [sys.executable, str(ROOT / "cli.py"), "plan", "--start", start, "--out", str(out), "--time-limit", "30"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"rota plan failed:\n{done.stderr}")
    return out


NEEDS = {"buyers": {"buyers"}, "sellers": {"sellers"}, "sellers_en": {"sellers", "en"}}


def with_skills(folder: Path, out: Path) -> Path:
    """A copy of a results folder routed by skill (see the module's docstring, 3.)."""
    import shutil

    shutil.copytree(folder, out, dirs_exist_ok=True)
    rota = pd.read_csv(out / "rota.csv")
    if "serves" in rota.columns:
        return out
    req = pd.read_csv(folder / "requirements.csv")
    series = list(dict.fromkeys(zip(req["channel"], req["queue"])))
    agents = pd.read_csv(ROOT / "sample_data" / "agents.csv", keep_default_na=False)

    def serves(skills: str, team: str) -> str:
        words = {w for w in skills.split(";") if w}
        if not words:
            return "*"
        tags = words | {"buyers" if team.startswith("buyers") else "sellers"}
        return ";".join(f"{c}/{q}" for c, q in series if c in words and NEEDS.get(q, set()) <= tags)

    who = {a.agent_id: serves(a.skills, a.team) for a in agents.itertuples()}
    rota.assign(serves=rota["agent_id"].map(who).fillna("*")).to_csv(out / "rota.csv", index=False)
    level = req["service_level"].where(req["model"] != "email")
    req.assign(required=req["agents"], scheduled=req["scheduled_agents"], service_level=level)[
        ["ts", "channel", "queue", "contacts", "required", "scheduled", "service_level"]
    ].to_csv(out / "coverage_by_queue.csv", index=False)
    return out


def week_rows(folder: Path, replications: int, repeats: int, title: str = "A week of the sample site") -> None:
    t, sim = best(lambda: simulate_plan(folder, replications=replications, seed=0), repeats)
    h = sim.horizon()
    arrivals = h["arrivals"]
    print(f"\n## {title} ({arrivals:,.0f} contacts per replication), {replications} replications")
    print(f"simulate_plan: {t:.2f} s (best of {repeats}); {arrivals * replications / t:,.0f} contacts/s")
    print(f"horizon: Erlang SL {h['predicted_service_level']:.3f}, simulated {h['service_level']:.3f} "
          f"[{h['service_level_low']:.3f}, {h['service_level_high']:.3f}], ASA {h['asa_s']:.0f} s, "
          f"abandoned {h['abandonment']:.3f}, occupancy {h['occupancy']:.3f}")
    cmd = [sys.executable, str(ROOT / "cli.py"), "simulate", "--rota", str(folder),
           "--replications", str(replications)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    print(f"`rota simulate --replications {replications}` end to end (imports, CSV, PNG, summary.json): "
          f"{wall:.2f} s, exit {done.returncode}")
    series = sim.table[sim.table["level"] == "series"]
    agents = pd.read_csv(folder / "rota.csv")["agent_id"].nunique()
    print(f"routing: {sim.routing}; {agents} agents, {len(series)} series")
    print("| series | contacts | plan | simulated | 95 % CI | ASA s | abandoned |")
    print("|---|---|---|---|---|---|---|")
    for r in series.itertuples(index=False):
        plan = "-" if pd.isna(r.predicted_service_level) else f"{r.predicted_service_level:.1%}"
        asa = "-" if pd.isna(r.asa_s) else f"{r.asa_s:.0f}"
        ab = "-" if pd.isna(r.abandonment) else f"{r.abandonment:.1%}"
        print(f"| {r.channel}/{r.queue} | {r.arrivals:,.0f} | {plan} | {r.service_level:.1%} | "
              f"{r.service_level_low:.1%}–{r.service_level_high:.1%} | {asa} | {ab} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rota", type=Path, help="results folder of `rota plan` (default: plan one now)")
    ap.add_argument("--start", default="2026-11-23", help="week to plan when --rota is not given")
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    engine_rows(args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.rota or plan_folder(args.start, Path(tmp))
        week_rows(folder, args.replications, args.repeats)
        week_rows(with_skills(folder, Path(tmp) / "skills"), args.replications, args.repeats,
                  title="The same week routed by skill")


if __name__ == "__main__":
    main()
