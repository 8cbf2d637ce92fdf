"""Flex agents: rota's decomposition against one CP-SAT model over the rota staff and the flex
agents together, on small pooled sites.

rota plans the rota classes first, then the flex agents per person against what the classes left,
then the classes again with the flex rosters fixed (`planner.solve.flex_plan`). The joint model
decides everything at once: the class counts on every line (the same lines, pay and art. 96 hours
as rota's class model) and every flex agent's shift on every day (the same per-person rules as
rota's flex engine), against one hourly shortfall priced as rota prices it. Both solutions are
scored by one evaluator below: shortfall + surplus + the rota's line pay + the flex shifts' pay +
wishes, in roubles.

A site is the sample workspace made small and pooled: its history scaled to `--staff` agents of
150, the first `--staff` rota agents and the first `--flex` flex agents of the sample's agents
file, every skill cell emptied (everyone serves every series), the sample's [flex] terms,
availability and requests; the Black Friday week from 23 November 2026.

    python3 bench/flex_joint.py --staff 40 --flex 6 --time-limit 20 --joint-limit 300
    python3 bench/flex_joint.py --staff 20 40 60 --flex 6 --time-limit 20 --joint-limit 300
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.pipeline import run_plan  # noqa: E402
from planner.solve.flex_join import ROUBLE, flex_problem  # noqa: E402
from planner.solve.flex_model import SubModel, _person  # noqa: E402
from planner.solve.flex_problem import OFF, HourlyCover, build_index, from_roster, objective  # noqa: E402
from planner.solve.flex_inputs import workspace_flex  # noqa: E402

SAMPLE = ROOT / "sample_data"
START = date(2026, 11, 23)


def make_site(folder: Path, staff: int, flex: int, time_limit: float) -> Path:
    """The sample made small and pooled (see the module's note)."""
    folder.mkdir(parents=True, exist_ok=True)
    toml = (SAMPLE / "rota.toml").read_text(encoding="utf-8")
    toml = re.sub(r"\[solver\][^\[]*", f"[solver]\ntime_limit_s = {time_limit:g}\nworkers = 2\nseed = 0\n\n", toml)
    toml = re.sub(r"\[flex\.agents\.[^\]]*\][^\[]*", "", toml)
    (folder / "rota.toml").write_text(toml, encoding="utf-8")
    history = pd.read_csv(SAMPLE / "history.csv")
    history.assign(contacts=np.round(history["contacts"] * staff / 150).astype(int)).to_csv(
        folder / "history.csv", index=False)
    agents = pd.read_csv(SAMPLE / "agents.csv", dtype=str, keep_default_na=False)
    kept = pd.concat([agents[agents["pattern"] != "flex"].head(staff), agents[agents["pattern"] == "flex"].head(flex)])
    kept.assign(skills="").to_csv(folder / "agents.csv", index=False)
    ids = set(kept["agent_id"])
    for name in ("absences", "availability", "requests"):
        table = pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)
        table[table["agent_id"].isin(ids)].to_csv(folder / f"{name}.csv", index=False)
    return folder


def _flex_index(run, flex_ids: list[str]):
    """The flex engine's index of the site's flex agents with every shift's pay and an empty cover
    (the joint model writes the cover itself)."""
    cfg, s = run.cfg, run.schedule
    inputs = workspace_flex(cfg, run.agents, run.absences, s.start, s.days)
    rates = dict(zip(run.agents["agent_id"].astype(str), run.agents["rate_rub_h"]))
    H = s.days * 24
    cover = HourlyCover((0,) * H, ((),) * H)
    return build_index(flex_problem(inputs, cover, {p: rates[p] for p in flex_ids}, s.start, cfg.pay))


def evaluate(inp, staff_counts: np.ndarray, ix, A: np.ndarray) -> dict[str, float]:
    """Roubles of a solution: staff counts (C, L) on the staff lines, flex assignment A (P, D)."""
    C = staff_counts.shape[0]
    cov = inp.coverage[: staff_counts.shape[1]]
    on = staff_counts.sum(axis=0) @ cov
    H = inp.coverage.shape[1]
    p, d = np.nonzero(A >= 0)
    for pp, dd in zip(p, d):
        first, k = (int(x) for x in ix.on_hours[A[pp, dd]])
        lo = dd * 24 + first
        on[lo:min(lo + k, H)] += 1
    req = inp.required.astype(int)
    short = np.maximum(req - on, 0)
    K = inp.shortfall_cost.shape[1]
    shortfall = sum(float(inp.shortfall_cost[h, min(k, K - 1)]) for h in range(H) for k in range(int(short[h])))
    over = float(inp.over_cost * np.maximum(on - req, 0).sum())
    pay = float(np.sum(staff_counts * np.nan_to_num(inp.line_cost[:C, : staff_counts.shape[1]])))
    flex = float(objective(ix, A))          # flex pay and wishes (the empty cover costs nothing)
    return {"shortfall": shortfall, "over": over, "staff_pay": pay, "flex_pay_wishes": flex,
            "total": shortfall + over + pay + flex}


def joint(inp, C: int, L: int, ix, seconds: float, hint_counts: np.ndarray, hint_A: np.ndarray):
    """One CP-SAT model over the staff counts and the flex Booleans; whole roubles."""
    m = SubModel(model=cp_model.CpModel(), free=np.ones((ix.size[0], ix.days), dtype=bool))
    terms: list = []
    for p in range(ix.size[0]):
        _person(m, ix, hint_A, p, terms)
    model = m.model
    x = {}
    for c in range(C):
        ls = np.flatnonzero(inp.allowed[c, :L])
        for l in ls:
            x[c, l] = model.new_int_var(0, int(inp.class_sizes[c]), f"x{c}_{l}")
            terms.append((x[c, l], int(round(inp.line_cost[c, l] / ROUBLE))))
            model.add_hint(x[c, l], int(hint_counts[c, l]))
        model.add(sum(x[c, l] for l in ls) == int(inp.class_sizes[c]))
    for (p, d, s), v in m.x.items():
        model.add_hint(v, int(hint_A[p, d] == s))
    H = inp.coverage.shape[1]
    by_hour: dict[int, list] = {}
    for (p, d, s), v in m.x.items():
        first, k = (int(q) for q in ix.on_hours[s])
        for h in range(d * 24 + first, min(d * 24 + first + k, H)):
            by_hour.setdefault(h, []).append(v)
    K = inp.shortfall_cost.shape[1]
    for h in range(H):
        staff_on = [(x[c, l], int(inp.coverage[l, h])) for (c, l) in x if inp.coverage[l, h]]
        n = sum(v * w for v, w in staff_on) + sum(by_hour.get(h, []))
        want = int(inp.required[h])
        units = [model.new_bool_var(f"u{h}_{k}") for k in range(want)]
        if units:
            model.add(sum(units) >= want - n)
            for k, u in enumerate(units):
                terms.append((u, int(round(inp.shortfall_cost[h, min(k, K - 1)] / ROUBLE))))
        o = model.new_int_var(0, 10_000, f"o{h}")
        model.add(o >= n - want)
        terms.append((o, int(round(inp.over_cost / ROUBLE))))
    model.minimize(sum(c * v for v, c in terms) + ix.wish_const)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    t0 = time.perf_counter()
    status = solver.solve(model)
    took = time.perf_counter() - t0
    counts = np.zeros((C, L), dtype=np.int64)
    for (c, l), v in x.items():
        counts[c, l] = solver.value(v)
    A = np.full((ix.size[0], ix.days), OFF, dtype=np.int64)
    for (p, d, s), v in m.x.items():
        if solver.boolean_value(v):
            A[p, d] = s
    return counts, A, solver.best_objective_bound, solver.status_name(status), took


def one_site(staff: int, flex: int, time_limit: float, joint_limit: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_site(Path(tmp) / "site", staff, flex, time_limit)
        t0 = time.perf_counter()
        run = run_plan(folder, START, days=7)
        took = time.perf_counter() - t0
        s = run.schedule
        flex_ids = list(s.flex.lines)
        F = len(flex_ids)
        inp = s.model_input
        C, L = inp.allowed.shape[0] - F, inp.allowed.shape[1] - F
        ix = _flex_index(run, flex_ids)
        dec_A = from_roster(ix, s.flex.roster.itertuples(index=False, name=None))
        dec_counts = s.model.counts[:C, :L]
        dec = evaluate(inp, dec_counts, ix, dec_A)
        counts, A, bound, status, joint_s = joint(inp, C, L, ix, joint_limit, dec_counts, dec_A)
        got = evaluate(inp, counts, ix, A)
    return {"staff": staff, "flex": flex, "decomposed": dec["total"], "decomposed_s": took, "joint": got["total"],
            "joint_bound": bound, "joint_status": status, "joint_s": joint_s,
            "loss_vs_joint": dec["total"] / got["total"] - 1, "loss_vs_bound": dec["total"] / bound - 1,
            "dec_parts": dec, "joint_parts": got}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--staff", type=int, nargs="+", default=[40])
    ap.add_argument("--flex", type=int, default=6)
    ap.add_argument("--time-limit", type=float, default=20.0, help="rota plan's time limit (the decomposition)")
    ap.add_argument("--joint-limit", type=float, default=300.0, help="the joint CP-SAT's time limit")
    args = ap.parse_args(argv)
    print("| staff | flex | decomposed, RUB | s | joint, RUB | joint bound | joint status | s | "
          "loss vs joint | loss vs bound |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.staff:
        r = one_site(n, args.flex, args.time_limit, args.joint_limit)
        print(f"| {r['staff']} | {r['flex']} | {r['decomposed']:,.0f} | {r['decomposed_s']:.1f} | {r['joint']:,.0f} | "
              f"{r['joint_bound']:,.0f} | {r['joint_status']} | {r['joint_s']:.0f} | {100 * r['loss_vs_joint']:+.2f}% | "
              f"{100 * r['loss_vs_bound']:+.2f}% |", flush=True)
        print("   parts (decomposed):", {k: round(v) for k, v in r["dec_parts"].items()})
        print("   parts (joint):     ", {k: round(v) for k, v in r["joint_parts"].items()})


if __name__ == "__main__":
    main()
