"""Scale benchmark: the class/line CP-SAT model against the textbook per-agent, per-day model.

A generated 24/7 site (2/2, 3/3 and 5/2 agents; some with a fixed cycle phase, some who may not
work nights, some on leave) over 4 weeks hourly, its requirement from Erlang C, and the same
objective (shortfall by Erlang, pay with premiums, surplus) for both models. The textbook model
has the same feasible rotas: each agent picks one (variant, phase), one start per shift template,
and x[agent, day, shift] Booleans follow; so both optima are equal and the objectives and bounds
can be compared directly.

    python3 bench/scale.py --agents 150 --time-limit 30
    python3 bench/scale.py --agents 1000 --time-limit 60
    python3 bench/scale.py --agents 150 --time-limit 30 --no-textbook --ablation
    python3 bench/scale.py --agents 150 1000 --time-limit 30 --no-textbook --simple --load 0.8
    python3 bench/scale.py --agents 150 --no-textbook --scip 300      # an exact MIP solver beside it
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from constraints.lines import Line, coverage_matrix, generate_lines  # noqa: E402
from constraints.pay import rate_hours, shift_hours_frame  # noqa: E402
from constraints.patterns import DEFAULT_BOOK  # noqa: E402
from forecasts.erlang import required_agents  # noqa: E402
from planner.solve.model import objective_scale, solve  # noqa: E402
from planner.solve.penalties import shortfall_penalty  # noqa: E402
from planner.solve.problem import ModelInput, ModelResult, Problem, unit_costs  # noqa: E402
from planner.solve.warm_start import linear_model  # noqa: E402

START = date(2026, 11, 2)          # a Monday; no holiday in the 4 weeks
DAYS = 28
MIX = (("2/2", 0.45), ("3/3", 0.20), ("5/2", 0.35))
AHT_S, ANSWER_S, SL_TARGET, SHRINKAGE = 300.0, 20.0, 0.8, 0.30
ABSENCES = ((0, 7), (7, 14), (14, 21), (21, 28), (3, 6), (17, 20))   # day ranges of the horizon


@dataclass(frozen=True)
class Site:
    lines: list[Line]
    line_rh: np.ndarray            # (L, DAYS) rate-hours of the line's shift on each horizon day
    shift_cov: list[list[tuple]]   # per line: (day index, template, start, first hour, last hour)
    classes: pd.DataFrame          # pattern, night_ok, phase, absence, size, rate
    inp: ModelInput
    requirement: pd.DataFrame


def _agents(n: int, rng: np.random.Generator, simple: bool) -> pd.DataFrame:
    """Agents of the site. Realistic: half the 2/2 and 3/3 agents keep the phase of their
    current cycle, 8 % may not work nights, 10 % are on leave for part of the horizon, so many
    classes have a single agent. Simple: only the pattern sets the class."""
    patterns = rng.choice([p for p, _ in MIX], size=n, p=[w for _, w in MIX])
    cycle = {"2/2": 4, "3/3": 6, "5/2": 7}
    rows = []
    for i, p in enumerate(patterns):
        fixed = p != "5/2" and rng.random() < 0.5
        night_ok = bool(p == "5/2" or rng.random() > 0.08)
        absence = int(rng.integers(len(ABSENCES))) if rng.random() < 0.10 else -1
        phase = int(rng.integers(cycle[p])) if fixed else -1
        rows.append({
            "agent": i, "pattern": p,
            "night_ok": True if simple else night_ok,
            "phase": -1 if simple else phase,
            "absence": -1 if simple else absence,
            "rate": float(rng.integers(380, 520)),
        })
    return pd.DataFrame(rows)


def _requirement(capacity_h: float, load: float, rng: np.random.Generator) -> pd.DataFrame:
    """Hourly phone contacts scaled so that the scheduled requirement is `load` x capacity."""
    ts = pd.date_range(datetime.combine(START, datetime.min.time()), periods=DAYS * 24, freq="h")
    hour, dow = ts.hour.to_numpy(), ts.day_of_week.to_numpy()
    shape = (0.12 + np.exp(-0.5 * ((hour - 13) / 4.5) ** 2)) * np.where(dow >= 5, 0.85, 1.0)
    shape = shape * rng.uniform(0.95, 1.05, size=shape.size)
    scale = capacity_h / shape.sum() * 3600 / AHT_S * (1 - SHRINKAGE) * 0.8
    for _ in range(8):
        contacts = shape * scale
        agents = required_agents(calls=contacts, interval_s=3600, aht_s=AHT_S, answer_s=ANSWER_S,
                                 sl_target=SL_TARGET, max_occupancy=0.88)
        agents = np.asarray(agents, dtype=float)
        sched = np.ceil(agents / (1 - SHRINKAGE))
        scale *= (load * capacity_h / sched.sum()) ** 1.1
    return pd.DataFrame({"ts": ts, "channel": "phone", "queue": "main", "contacts": contacts,
                         "aht_s": AHT_S, "agents": agents, "scheduled_agents": sched,
                         "model": "erlang_c", "answer_s": ANSWER_S, "sl_target": SL_TARGET})


def _line_tables(lines: list[Line]) -> tuple[np.ndarray, np.ndarray, list[list[tuple]]]:
    """Per line: rate-hours per horizon day, night hours in all, and each shift's hour span."""
    t0 = datetime.combine(START, datetime.min.time())
    rows = []
    for l, line in enumerate(lines):
        for s in line.shifts:
            rows.append({"line": l, "day": (s.day - START).days, "template": s.template,
                         "start": s.start, "end": s.end, "break_h": s.break_h})
    df = shift_hours_frame(pd.DataFrame(rows))
    rh = rate_hours(df["paid_hours"], df["night_hours"], df["holiday_hours"]).to_numpy()
    line_rh = np.zeros((len(lines), DAYS))
    inside = (df["day"] >= 0).to_numpy() & (df["day"] < DAYS).to_numpy()
    np.add.at(line_rh, (df["line"].to_numpy()[inside], df["day"].to_numpy()[inside]), rh[inside])
    night = np.zeros(len(lines))
    np.add.at(night, df["line"].to_numpy(), df["night_hours"].to_numpy())
    spans: list[list[tuple]] = [[] for _ in lines]
    for r in df.itertuples(index=False):
        a = int((r.start - t0).total_seconds() // 3600)
        b = int(-(-(r.end - t0).total_seconds() // 3600))
        spans[r.line].append((r.day, r.template, r.start.time(), max(a, 0), min(b, DAYS * 24)))
    return line_rh, night, spans


def make_site(n_agents: int, seed: int = 0, load: float = 0.9, simple: bool = False,
              over_cost: float = 5.0, missed_contact_rub: float = 500.0,
              steps: int = 20) -> Site:
    rng = np.random.default_rng(seed)
    H = DAYS * 24
    lines = [ln for p, _ in MIX for ln in generate_lines(DEFAULT_BOOK, p, START, DAYS)]
    cov = coverage_matrix(lines, datetime.combine(START, datetime.min.time()), H)
    line_rh, night_h, spans = _line_tables(lines)
    agents = _agents(n_agents, rng, simple)
    keys = ["pattern", "night_ok", "phase", "absence"]
    classes = agents.groupby(keys, sort=True).agg(size=("agent", "size"), rate=("rate", "mean")).reset_index()
    C, L = len(classes), len(lines)
    allowed = np.zeros((C, L), dtype=bool)
    avail = np.ones((C, H), dtype=np.uint8)
    line_cost = np.zeros((C, L))
    pattern = np.array([ln.pattern for ln in lines])
    phase = np.array([ln.phase for ln in lines])
    for c, k in classes.iterrows():
        ok = pattern == k.pattern
        if k.phase >= 0:
            ok &= phase == k.phase
        if not k.night_ok:
            ok &= night_h == 0
        allowed[c] = ok
        days_on = np.ones(DAYS)
        if k.absence >= 0:
            a, b = ABSENCES[k.absence]
            avail[c, a * 24:b * 24] = 0
            days_on[a:b] = 0
        line_cost[c] = k.rate * (line_rh @ days_on)
    capacity = float(sum(cov[allowed[c]].sum(axis=1).mean() * classes["size"][c] for c in range(C)))
    req = _requirement(capacity, load, rng)
    pen = shortfall_penalty(req, missed_contact_rub=missed_contact_rub, steps=steps)
    inp = ModelInput(required=pen.required.astype(float), shortfall_cost=pen.cost, over_cost=over_cost,
                     class_sizes=classes["size"].to_numpy(), coverage=cov, allowed=allowed,
                     availability=avail, line_cost=line_cost)
    return Site(lines, line_rh, spans, classes, inp, req)


# ----------------------------------------------------------------------------- textbook model


def textbook(site: Site) -> tuple[cp_model.CpModel, float, int]:
    """Per agent: y[variant, phase], st[template, start], x[day, template, start] Booleans."""
    inp = site.inp
    need = np.ceil(inp.required - 1e-9).astype(np.int64)
    H = need.size
    units = unit_costs(inp.shortfall_cost, need)
    upper = (float(np.sum(inp.class_sizes * inp.line_cost.max(axis=1))) + float(sum(u.sum() for u in units))
             + inp.over_cost * float(inp.class_sizes.sum()) * H)
    scale = objective_scale([inp.line_cost[inp.allowed], inp.shortfall_cost, np.array([inp.over_cost])], upper)
    m = cp_model.CpModel()
    hour_terms: list[list] = [[] for _ in range(H)]
    obj_vars, obj_coefs = [], []
    for c, k in site.classes.iterrows():
        ls = np.flatnonzero(inp.allowed[c])
        vp: dict[tuple[str, int], int] = {}
        starts: dict[str, set] = defaultdict(set)
        for l in ls:
            vp.setdefault((site.lines[l].variant, site.lines[l].phase), l)
            for t, s in site.lines[l].starts.items():
                starts[t].add(s)
        per_vp = defaultdict(int)
        for l in ls:
            per_vp[(site.lines[l].variant, site.lines[l].phase)] += 1
        for key, l in vp.items():   # same feasible set only if lines = every start combination
            if per_vp[key] != np.prod([len(starts[t]) for t in site.lines[l].starts]):
                raise RuntimeError("lines are not the full product of variant, phase and starts; "
                                   "the textbook model would not be the same problem")
        days_on = np.ones(DAYS)
        if k.absence >= 0:
            a, b = ABSENCES[k.absence]
            days_on[a:b] = 0
        avail = inp.availability[c]
        for a in range(int(k["size"])):
            y = {key: m.new_bool_var("") for key in vp}
            m.add_exactly_one(y.values())
            uses: dict[str, list] = defaultdict(list)           # template -> y of the vp using it
            work: dict[tuple[int, str], list] = defaultdict(list)   # (day, template) -> y
            for key, l in vp.items():
                for (d, t, s, h0, h1) in site.shift_cov[l]:
                    work[d, t].append(y[key])
                for t in {t for (_, t, _, _, _) in site.shift_cov[l]}:
                    uses[t].append(y[key])
            st = {}
            for t, ys in uses.items():
                st[t] = {s: m.new_bool_var("") for s in sorted(starts[t])}
                m.add(sum(st[t].values()) == sum(ys))
            # the hour span of (day, template, start): from any line with that shift
            span = {}
            for l in ls:
                for (d, t, s, h0, h1) in site.shift_cov[l]:
                    span[d, t, s] = (h0, h1)
            for (d, t), ys in work.items():
                xs = []
                for s, stv in st[t].items():
                    if (d, t, s) not in span:
                        continue
                    x = m.new_bool_var("")
                    m.add_implication(x, stv)
                    xs.append(x)
                    h0, h1 = span[d, t, s]
                    for h in range(h0, h1):
                        if avail[h]:
                            hour_terms[h].append(x)
                    if 0 <= d < DAYS and days_on[d]:
                        rh = _shift_rh(site, ls, d, t, s)
                        obj_vars.append(x)
                        obj_coefs.append(round(k.rate * rh * scale))
                m.add(sum(xs) == sum(ys))
    total = int(inp.class_sizes.sum())
    for h in range(H):
        n = int(need[h])
        short = []
        if n > 0:
            u = np.round(units[h] * scale).astype(np.int64)
            s0 = 0
            for j in range(1, n + 1):
                if j == n or u[j] != u[s0]:
                    v = m.new_int_var(0, j - s0, "")
                    short.append(v)
                    obj_vars.append(v)
                    obj_coefs.append(int(u[s0]))
                    s0 = j
        over = m.new_int_var(0, max(total - n, 0), "")
        obj_vars.append(over)
        obj_coefs.append(round(inp.over_cost * scale))
        m.add(cp_model.LinearExpr.sum(hour_terms[h]) + cp_model.LinearExpr.sum(short) - over == n)
    m.minimize(cp_model.LinearExpr.weighted_sum(obj_vars, obj_coefs))
    return m, scale, len(m.proto.variables)


_RH_CACHE: dict = {}


def _shift_rh(site: Site, ls: np.ndarray, d: int, t: str, s) -> float:
    """Rate-hours of the shift (day, template, start), read off any line that works it."""
    key = (id(site), d, t, s)
    if key not in _RH_CACHE:
        for l in ls:
            if site.lines[l].starts.get(t) == s and any(sd == d and st == t for (sd, st, _, _, _) in site.shift_cov[l]):
                _RH_CACHE[key] = float(site.line_rh[l, d])
                break
    return _RH_CACHE[key]


def run_textbook(site: Site, time_limit: float, workers: int, seed: int) -> dict:
    t0 = time.perf_counter()
    m, scale, nvars = textbook(site)
    build = time.perf_counter() - t0
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    t1 = time.perf_counter()
    code = solver.solve(m)
    secs = time.perf_counter() - t1
    status = solver.status_name(code)
    has = status in ("OPTIMAL", "FEASIBLE")
    obj = solver.objective_value / scale if has else float("nan")
    bound = solver.best_objective_bound / scale
    gap = (obj - bound) / abs(obj) if has else float("nan")
    return {"model": "textbook per agent/day", "status": status, "objective": obj, "bound": bound,
            "gap": gap, "seconds": secs, "build_s": build, "variables": nvars}


def run_lines(site: Site, time_limit: float, workers: int, seed: int, *, hint: bool = True,
              repair: bool = True) -> dict:
    r: ModelResult = solve(site.inp, time_limit_s=time_limit, workers=workers, seed=seed,
                           warm_start=hint, repair=repair)
    first_within = next((t for t, obj, b in r.log if obj - b <= 0.001 * abs(obj)), float("nan"))
    inp = site.inp
    pay_floor = float(sum(inp.class_sizes[c] * inp.line_cost[c, inp.allowed[c]].min()
                          for c in range(len(inp.class_sizes)) if inp.class_sizes[c] > 0))
    label = "class/line counts" + ("" if hint else ", no warm start") + ("" if repair else ", no repair search")
    return {"model": label, "status": r.status,
            "objective": r.objective, "bound": r.bound, "gap": r.gap, "seconds": r.solve_seconds,
            "build_s": r.build_seconds, "variables": r.variables, "start": r.start_objective,
            "t_gap_0.1%": first_within, "shortfall_rub": r.penalties["shortfall"],
            "pay_rub": r.penalties["pay"], "over_rub": r.penalties["overstaffing"],
            "short_agent_h": int(r.shortfall.sum()), "pay_floor": pay_floor}


def run_scip(site: Site, time_limit: float, workers: int) -> dict:
    """The same class/line problem as a MIP for SCIP (shipped with OR-Tools), built by
    `planner.solve.warm_start.linear_model`: a reference for how far an exact branch-and-cut solver gets,
    both in the rota it finds and in the bound it proves."""
    problem = Problem.from_input(site.inp)
    t0 = time.perf_counter()
    mip, obj, _ = linear_model("SCIP", problem, integer=True)
    mip.SetNumThreads(workers)   # SCIP as shipped searches on one thread whatever this says
    mip.SetTimeLimit(int(time_limit * 1000))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    code = mip.Solve()
    secs = time.perf_counter() - t1
    has = code in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    value = obj.Value() if has else float("nan")
    bound = obj.BestBound()
    return {"model": "same counts model, SCIP MIP", "status": "OPTIMAL" if code == pywraplp.Solver.OPTIMAL
            else ("FEASIBLE" if has else "UNKNOWN"), "objective": value, "bound": bound,
            "gap": (value - bound) / abs(value) if has else float("nan"), "seconds": secs, "build_s": build,
            "variables": mip.NumVariables()}


def _fmt(row: dict) -> str:
    def f(v, spec):
        return "—" if v is None or (isinstance(v, float) and np.isnan(v)) else format(v, spec)
    return (f"| {row['model']} | {row['status']} | {f(row['objective'], ',.0f')} | {f(row['bound'], ',.0f')} | "
            f"{f(100 * row['gap'], '.3f')} % | {f(row['seconds'], '.1f')} | {f(row['build_s'], '.1f')} | "
            f"{row['variables']:,} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, nargs="+", default=[150])
    ap.add_argument("--time-limit", type=float, default=30.0, help="wall seconds per model run")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--load", type=float, default=0.9,
                    help="required scheduled agent-hours / agent-hours the staff can give")
    ap.add_argument("--simple", action="store_true", help="classes by pattern only (no fixed phases, leave, night_ok)")
    ap.add_argument("--no-textbook", action="store_true", help="skip the per-agent per-day model")
    ap.add_argument("--ablation", action="store_true", help="also run without warm start and without repair search")
    ap.add_argument("--scip", type=float, default=0.0, metavar="SECONDS",
                    help="also solve the same counts model with SCIP for this many seconds")
    args = ap.parse_args(argv)
    for n in args.agents:
        t0 = time.perf_counter()
        site = make_site(n, seed=args.seed, load=args.load, simple=args.simple)
        gen = time.perf_counter() - t0
        inp = site.inp
        print(f"\n## {n} agents x {DAYS} days hourly, {'simple' if args.simple else 'realistic'} site, load "
              f"{args.load:g}: {len(site.classes)} classes (median size {int(np.median(inp.class_sizes))}), "
              f"{len(site.lines)} lines, {int(inp.allowed.sum())} allowed class-line pairs; required "
              f"{int(np.ceil(inp.required).sum()):,} agent-hours, peak {int(np.ceil(inp.required).max())}; "
              f"site generated in {gen:.1f} s; time limit {args.time_limit:g} s, {args.workers} workers, "
              f"seed {args.seed}\n")
        print("| model | status | objective, rub | bound, rub | gap | solve s | build s | variables |")
        print("|---|---|---|---|---|---|---|---|")
        rows = [run_lines(site, args.time_limit, args.workers, args.seed)]
        print(_fmt(rows[-1]), flush=True)
        if args.ablation:
            for kw in ({"repair": False}, {"hint": False, "repair": False}):
                rows.append(run_lines(site, args.time_limit, args.workers, args.seed, **kw))
                print(_fmt(rows[-1]), flush=True)
        if args.scip > 0:
            rows.append(run_scip(site, args.scip, args.workers))
            print(_fmt(rows[-1]), flush=True)
        if not args.no_textbook:
            rows.append(run_textbook(site, args.time_limit, args.workers, args.seed))
            print(_fmt(rows[-1]), flush=True)
        r = rows[0]
        print(f"\nline model: build s = checks + warm start + model (inside the time limit); warm start "
              f"{r['start']:,.0f} rub; gap <= 0.1 % after {r['t_gap_0.1%']:.1f} s; shortfall "
              f"{r['short_agent_h']:,} agent-h = {r['shortfall_rub']:,.0f} rub, pay {r['pay_rub']:,.0f} rub, "
              f"surplus {r['over_rub']:,.0f} rub; absolute gap {r['objective'] - r['bound']:,.0f} rub = "
              f"{100 * (r['objective'] - r['bound']) / (r['objective'] - r['pay_floor']):.2f} % of the part "
              f"above the lowest possible pay bill ({r['pay_floor']:,.0f} rub)")


if __name__ == "__main__":
    main()
