"""Skill-aware scheduling at scale: a generated multi-skill site through the whole scheduling step.

The site: N agents on 2/2, 3/3 and 5/2 (some with a fixed cycle phase, some who may not work
nights), each with one of about twenty skill sets over three channels (phone, chat, e-mail) and
three queues (buyers, sellers, English-speaking sellers, which need the tags `buyers`,
`sellers`, `sellers`+`en`); nine series with daily and weekly seasons, sized by rota's own Erlang
staffing to `--load` of the agents' capacity. `solve_schedule` plans it (classes, lines, the
skill-aware CP-SAT model, naming agents, the rule checker) and the figures are printed.

    python3 bench/skills_scale.py --agents 1000 --weeks 4 --time-limit 60
    python3 bench/skills_scale.py --agents 300 --weeks 1 --time-limit 20 --pooled   # skills ignored
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from constraints.skills import parse_queues  # noqa: E402
from forecasts.staffing import requirements as staffing_requirements  # noqa: E402
from planner.solve.schedule import solve_schedule  # noqa: E402
from planner.workspace.config import default_config  # noqa: E402

START = date(2027, 2, 1)
QUEUES = {"buyers": ["buyers"], "sellers": ["sellers"], "sellers_en": ["sellers", "en"]}
#: (skills, share of the agents): specialists, cross-skilled by channel and by queue, a few English speakers
SKILL_SETS = (
    ("phone;buyers", 0.14), ("chat;buyers", 0.12), ("email;buyers", 0.06), ("phone;chat;buyers", 0.10),
    ("chat;email;buyers", 0.06), ("phone;chat;email;buyers", 0.03), ("phone;sellers", 0.07),
    ("chat;sellers", 0.07), ("email;sellers", 0.04), ("phone;chat;sellers", 0.06), ("chat;email;sellers", 0.04),
    ("phone;buyers;sellers", 0.04), ("chat;buyers;sellers", 0.04), ("phone;chat;buyers;sellers", 0.02),
    ("email;buyers;sellers", 0.02), ("chat;sellers;en", 0.02), ("phone;chat;sellers;en", 0.02),
    ("chat;email;sellers;en", 0.015), ("email;sellers;en", 0.01), ("phone;chat;email;sellers;en", 0.005),
)
#: share of the contacts per series (channel, queue)
VOLUME = {("phone", "buyers"): 0.26, ("chat", "buyers"): 0.22, ("email", "buyers"): 0.10,
          ("phone", "sellers"): 0.14, ("chat", "sellers"): 0.14, ("email", "sellers"): 0.07,
          ("phone", "sellers_en"): 0.03, ("chat", "sellers_en"): 0.03, ("email", "sellers_en"): 0.01}


def make_agents(n: int, rng: np.random.Generator) -> pd.DataFrame:
    patterns = rng.choice(["2/2", "3/3", "5/2"], size=n, p=[0.5, 0.2, 0.3])
    sets, share = zip(*SKILL_SETS)
    skills = rng.choice(list(sets), size=n, p=np.array(share) / sum(share))
    fixed = rng.random(n) < 0.6
    cycle = [pd.Timestamp(START) - pd.Timedelta(days=int(rng.integers(0, 6))) if f else pd.NaT for f in fixed]
    return pd.DataFrame({
        "agent_id": [f"A{i:05d}" for i in range(n)], "name": "", "team": "t", "pattern": patterns,
        "shift_pref": rng.choice(["day", "night", "any"], size=n, p=[0.3, 0.1, 0.6]), "skills": skills,
        "rate_rub_h": rng.choice([380.0, 420.0, 460.0, 520.0], size=n), "cycle_start": pd.to_datetime(cycle),
        "night_ok": rng.random(n) > 0.05,
    })


def make_requirements(agents: pd.DataFrame, weeks: int, load: float, cfg, rng: np.random.Generator) -> pd.DataFrame:
    """Hourly contacts per series with daily and weekly seasons, scaled until rota's staffing asks
    for `load` of the agents' capacity (about 39 paid hours a week each)."""
    ts = pd.date_range(pd.Timestamp(START), periods=weeks * 168, freq="h")
    hour, dow = ts.hour.to_numpy(), ts.day_of_week.to_numpy()
    shape = (0.12 + np.exp(-0.5 * ((hour - 13) / 4.5) ** 2)) * np.where(dow >= 5, 0.85, 1.0)
    capacity = len(agents) * 39.0 * weeks

    def forecast(scale: float) -> pd.DataFrame:
        frames = [pd.DataFrame({"ts": ts, "channel": c, "queue": q,
                                "contacts": rng.poisson(scale * share * shape * (0.97 + 0.06 * rng.random(len(ts))))})
                  for (c, q), share in VOLUME.items()]
        return pd.concat(frames, ignore_index=True).astype({"contacts": float})

    scale = 400.0 * len(agents) / 1000
    for _ in range(6):
        req = staffing_requirements(forecast(scale), cfg.staffing)
        asked = float(req["scheduled_agents"].sum())
        scale *= (load * capacity / asked) ** 0.9
    return staffing_requirements(forecast(scale), cfg.staffing)


def run(n: int, weeks: int, load: float, time_limit: float, seed: int, pooled: bool) -> dict:
    rng = np.random.default_rng(seed)
    cfg = default_config()
    cfg = dataclasses.replace(cfg, queues=parse_queues({q: {"needs": t} for q, t in QUEUES.items()}),
                              solver=cfg.solver.model_copy(update={"time_limit_s": time_limit, "workers": 2}))
    agents = make_agents(n, rng)
    req = make_requirements(agents, weeks, load, cfg, rng)
    if pooled:
        agents = agents.assign(skills="")
    absences = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})
    t = time.perf_counter()
    s = solve_schedule(cfg, req, agents, absences, START, weeks * 7, time_limit_s=time_limit)
    wall = time.perf_counter() - t
    bq = s.by_queue
    empty = int(((bq["contacts"] > 0) & (bq["scheduled"] == 0)).sum())
    return {"agents": n, "weeks": weeks, "skill_sets": agents["skills"].nunique(), "series": len(s.skills.series),
            "classes": len(s.classes), "lines": len(s.lines), "variables": s.model.variables,
            "status": s.model.status, "gap": s.model.gap, "objective": s.model.objective, "bound": s.model.bound,
            "model_build_s": s.model.build_seconds, "search_s": s.model.solve_seconds, "wall_s": wall,
            "required_h": float(bq["required"].sum()), "scheduled_h": float(bq["scheduled"].sum()),
            "series_hours_nobody": empty, "violations": len(s.violations)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, nargs="+", default=[1000])
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--load", type=float, default=0.9)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pooled", action="store_true", help="ignore skills: one pooled team")
    args = ap.parse_args(argv)
    for n in args.agents:
        r = run(n, args.weeks, args.load, args.time_limit, args.seed, args.pooled)
        print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()), flush=True)


if __name__ == "__main__":
    main()
