"""Outside audit of random workspaces: many small random sites, every rota audited.

Each case is a random workspace built from its own seed (`--seed` and the case number): a team
of 6-30 agents on a random mix of 2/2, 3/3 and 5/2 with random shift wishes, `night_ok`,
`cycle_start` (some set, in the two weeks before the start) and rates; random absences (0-30 %
of the agents, 1-10 days, some across the horizon's edges and New Year); a random rota.toml
within the law (daily rest 12-16 h, weekly rest 42-48 h, night premium 20-50 %, holiday pay
2-3x, sometimes other start times for day, night and office shifts, sometimes a 2/2 with only
its day-night variant or a 3/3 with one variant); a start anywhere in 2026-01-01..2027-01-31,
Monday or not, weighted towards New Year, 8 March, 1 and 9 May, 12 June and 4 November; 1-5
weeks; an hourly requirement `ts,agents` with a daytime peak at 0.6-1.2 of what the team can
staff. About a third of the cases plan the following horizon as well, with `--previous` set to
the first run's rota.csv (sometimes its rota.xlsx).

The real command line (`rota schedule ... --time-limit 3`, typer's CliRunner on `cli.app`) makes
the rotas, and the outside auditor of tests/test_rota_audit.py (which imports neither
`constraints` nor `planner`) audits every one of them. A case may end with exit code 2 only when
it is genuinely impossible; this script decides that on its own, from the law and the case's
settings (does any variant of the agent's pattern, with any allowed start time on each cycle day,
keep the daily and weekly rest and, for `night_ok = false`, stay out of 22:00-06:00?).
Everything else is a finding: a traceback, exit code 1, a refusal of a possible case, a rota
the auditor faults.

    python3 bench/audit_fuzz.py --cases 200 --seed 0
    python3 bench/audit_fuzz.py --case-seed 17 --keep /tmp/case17     # one case again, files kept
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import itertools
import math
import random
import re
import shutil
import sys
import tempfile
import time as clock
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _load_auditor():
    spec = importlib.util.spec_from_file_location("test_rota_audit", ROOT / "tests" / "test_rota_audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["test_rota_audit"] = module
    spec.loader.exec_module(module)
    return module


auditor = _load_auditor()
from typer.testing import CliRunner

import cli

DAY = timedelta(days=1)
H = timedelta(hours=1)
FIRST_START, LAST_START = date(2026, 1, 1), date(2027, 1, 31)
#: Days the start is drawn near (besides New Year): art. 112 holidays inside the range.
HOLIDAY_ANCHORS = (date(2026, 3, 8), date(2026, 5, 1), date(2026, 5, 9), date(2026, 6, 12), date(2026, 11, 4))
KINDS = ("vacation", "sick", "training", "unpaid", "other")
TIME_LIMIT_S = 3

# ----------------------------------------------------------------------------- the generator


@dataclass
class Case:
    seed: int
    start: date
    weeks: int
    team: list[tuple]                 # agent_id, pattern, shift_pref, cycle_start, night_ok, rate
    absences: list[tuple]             # agent_id, start, end, kind
    labour: dict
    pay: dict
    shifts: dict                      # template -> {"starts": [...]} overrides
    patterns: dict                    # pattern -> list of (variant name, cycle) overrides
    solver: dict
    demand: dict                      # shape parameters of the requirement
    chain_weeks: int = 0              # >0: a second run for the following horizon with --previous
    chain_xlsx: bool = False          # the second run reads the first one's rota.xlsx
    repaired: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return 7 * self.weeks

    @property
    def end(self) -> date:
        """The last day planned (of the second run when chained)."""
        return self.start + (self.days + 7 * self.chain_weeks - 1) * DAY


def _clock(h: int) -> str:
    return f"{h:02d}:00"


def draw_start(rng: random.Random) -> date:
    u = rng.random()
    if u < 0.35:
        return FIRST_START + rng.randrange((LAST_START - FIRST_START).days + 1) * DAY
    if u < 0.65:   # the New Year fortnight: 2026-12-24 .. 2027-01-11
        return date(2026, 12, 24) + rng.randrange(19) * DAY
    anchor = rng.choice(HOLIDAY_ANCHORS)
    return anchor + rng.randint(-10, 2) * DAY


def draw_config(rng: random.Random) -> tuple[dict, dict, dict, dict, dict]:
    labour = {}
    if rng.random() < 0.6:
        labour["min_daily_rest_h"] = rng.choice([12, 12.5, 13, 14, 15, 16])
    if rng.random() < 0.5:
        labour["weekly_rest_h"] = rng.choice([42, 43, 44, 45, 46, 47, 48, 45.5])
    pay = {}
    if rng.random() < 0.7:
        pay["night_premium"] = round(rng.uniform(0.2, 0.5), 2)
    if rng.random() < 0.6:
        pay["holiday_multiplier"] = rng.choice([2, 2.5, 3, round(rng.uniform(2, 3), 2)])
    shifts = {}
    if rng.random() < 0.3:
        shifts["day"] = {"starts": sorted(rng.sample(range(6, 12), rng.randint(1, 4)))}
    if rng.random() < 0.25:
        shifts["night"] = {"starts": sorted(rng.sample(range(18, 23), rng.randint(1, 3)))}
    if rng.random() < 0.25:
        shifts["office"] = {"starts": sorted(rng.sample(range(7, 14), rng.randint(1, 5)))}
    patterns = {}
    if rng.random() < 0.25:
        patterns["2/2"] = [("day-night", ["day", "night", "off", "off"])]
    if rng.random() < 0.1:
        kind = rng.choice(["day", "night"])
        patterns["3/3"] = [(kind, [kind] * 3 + ["off"] * 3)]
    solver = {"workers": 2, "seed": rng.randrange(1000), "gap_limit": rng.choice([0.0, 0.001, 0.005, 0.01])}
    return labour, pay, shifts, patterns, solver


def draw_team(rng: random.Random, start: date) -> list[tuple]:
    n = rng.randint(6, 30)
    weights = [rng.random() ** 2 for _ in range(3)]
    prefix = rng.choice(["A", "op", "Z-", "Агент"])
    team = []
    for k in range(n):
        pattern = rng.choices(["2/2", "3/3", "5/2"], weights=weights)[0]
        pref = rng.choice(["day", "night", "any"] if pattern != "5/2" else ["day", "any"])
        night_ok = rng.random() > 0.15
        cycle = (start - rng.randint(1, 14) * DAY).isoformat() if rng.random() < 0.4 else ""
        rate = rng.choice([rng.randrange(300, 700, 10), round(rng.uniform(300, 700), 2)])
        team.append((f"{prefix}{k + 1:03d}", pattern, pref, cycle, night_ok, rate))
    return team


def draw_absences(rng: random.Random, team: list[tuple], start: date, end: date) -> list[tuple]:
    out = []
    chosen = rng.sample(team, round(rng.uniform(0, 0.3) * len(team)))
    new_year = [d for d in (date(2026, 12, 31), date(2027, 1, 1)) if start - 10 * DAY <= d <= end]
    for a in chosen:
        spells = 1 + (rng.random() < 0.2)
        taken: set[date] = set()
        for _ in range(spells):
            length = rng.randint(1, 10)
            if new_year and rng.random() < 0.3:              # across Dec 31 / Jan 1
                first = new_year[0] - rng.randint(0, length - 1) * DAY
            elif rng.random() < 0.3:                          # across an edge of the horizon
                edge = rng.choice([start, end + DAY])
                first = edge - rng.randint(1, max(1, length - 1)) * DAY
            else:
                first = start - 3 * DAY + rng.randrange((end - start).days + 5) * DAY
            days = {first + k * DAY for k in range(length)}
            if days & taken or any(d - DAY in taken or d + DAY in taken for d in days):
                continue
            taken |= days
            out.append((a[0], first.isoformat(), (first + (length - 1) * DAY).isoformat(), rng.choice(KINDS)))
    rng.shuffle(out)
    return out


def generate(seed: int) -> Case:
    rng = random.Random(seed)
    start = draw_start(rng)
    weeks = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 12, 8])[0]
    labour, pay, shifts, patterns, solver = draw_config(rng)
    team = draw_team(rng, start)
    chain = rng.random() < 1 / 3
    chain_weeks = rng.choice([1, 1, 2, 3]) if chain else 0
    demand = {
        "factor": rng.uniform(0.6, 1.2), "peak_hour": rng.uniform(11, 16), "width": rng.uniform(2.5, 5.0),
        "night": rng.uniform(0.05, 0.4), "evening": rng.uniform(0, 0.5), "weekend": rng.uniform(0.6, 1.0),
        "holiday": rng.uniform(0.4, 1.0), "noise": rng.uniform(0, 0.25), "zero_night": rng.random() < 0.2,
        "pad_before": rng.random() < 0.3, "pad_after": rng.random() < 0.3, "rng": rng.randrange(2**31),
    }
    case = Case(seed, start, weeks, team, [], labour, pay, shifts, patterns, solver, demand,
                chain_weeks, chain and rng.random() < 0.35)
    case.absences = draw_absences(rng, team, start, case.end)
    # Most cases should be possible: where an agent's pattern cannot be worked within these
    # rules, usually give the agent a pattern (or night_ok) that can; keep a few impossible cases.
    keep_impossible = rng.random() < 0.12
    for i, (a, pattern, pref, cycle, night_ok, rate) in enumerate(case.team):
        if keep_impossible or pattern_possible(case, pattern, night_ok):
            continue
        options = [(p, ok) for p in ("2/2", "3/3", "5/2") for ok in (night_ok, True) if pattern_possible(case, p, ok)]
        if options:
            p, ok = rng.choice(options)
            case.team[i] = (a, p, pref if p != "5/2" or pref != "night" else "day", cycle, ok, rate)
            case.repaired.append(a)
    return case


# ----------------------------------------------------------------------------- is the case possible?


def templates_of(case: Case) -> dict[str, dict]:
    out = {k: dict(v) for k, v in auditor.DEFAULT_SHIFTS.items()}
    for name, over in case.shifts.items():
        out[name]["starts"] = [_clock(h) for h in over["starts"]]
    return out


def variants_of(case: Case, pattern: str) -> list[list[str]]:
    if pattern in case.patterns:
        return [cycle for _, cycle in case.patterns[pattern]]
    return auditor.DEFAULT_PATTERNS[pattern]


def _night_free(start_h: float, length_h: float) -> bool:
    """No minute of [start, start + length) in 22:00-06:00 (art. 96), hours from a midnight."""
    for m in range(-1, 3):
        base = 24 * m
        for a, b in ((base - 2, base + 6), (base + 22, base + 30)):
            if min(start_h + length_h, b) > max(start_h, a):
                return False
    return True


def cycle_possible(cycle: list[str], templates: dict, min_rest: float, weekly: float, night_ok: bool,
                   stable: bool = False) -> bool:
    """Whether the cycle, repeated for ever with some start time on each of its work days (the
    same start for every shift of a template when `stable`), keeps the law: daily rest >=
    `min_rest` and > 0 between shifts; in every 7 days in a row a rest of `weekly` hours with half
    of it inside (the auditor's reading of art. 110); no night work for night_ok = false."""
    n = len(cycle)
    work = [i for i, t in enumerate(cycle) if t != "off"]
    length = {i: float(templates[cycle[i]]["length_h"]) for i in work}
    if any(length[i] > 12 for i in work):
        return False
    options = {i: [float(auditor._clock(s).hour) for s in templates[cycle[i]]["starts"]] for i in work}
    if not night_ok:
        options = {i: [s for s in opts if _night_free(s, length[i])] for i, opts in options.items()}
    if stable:
        names = sorted({cycle[i] for i in work})
        first = {t: next(i for i in work if cycle[i] == t) for t in names}
        combos = ({i: c[names.index(cycle[i])] for i in work}
                  for c in itertools.product(*(options[first[t]] for t in names)))
    else:
        combos = (dict(zip(work, c)) for c in itertools.product(*(options[i] for i in work)))
    reps = math.ceil(21 / n) + 4
    for starts in combos:
        shifts = [(24.0 * (r * n + i) + starts[i], 24.0 * (r * n + i) + starts[i] + length[i])
                  for r in range(reps) for i in work]
        gaps = [(a[1], b[0]) for a, b in itertools.pairwise(shifts)]
        if any(b - a <= 0 or b - a < min_rest for a, b in gaps):
            continue
        long = [(a, b) for a, b in gaps if b - a >= weekly]
        base = 24.0 * 2 * n     # windows well inside the repeated cycles, one per day of a cycle
        if all(any(min(b, w + 168) - max(a, w) >= weekly / 2 for a, b in long)
               for w in (base + 24.0 * d for d in range(n))):
            return True
    return False


_POSSIBLE: dict = {}


def pattern_possible(case: Case, pattern: str, night_ok: bool, stable: bool = False) -> bool:
    templates = templates_of(case)
    min_rest = float(case.labour.get("min_daily_rest_h", 12))
    weekly = max(float(case.labour.get("weekly_rest_h", 42)), 42.0)
    out = False
    for cycle in variants_of(case, pattern):
        key = (tuple(cycle), tuple((k, tuple(v["starts"]), v["length_h"]) for k, v in sorted(templates.items())),
               min_rest, weekly, night_ok, stable)
        if key not in _POSSIBLE:
            _POSSIBLE[key] = cycle_possible(cycle, templates, min_rest, weekly, night_ok, stable)
        out = out or _POSSIBLE[key]
    return out


def impossible_agents(case: Case) -> list[str]:
    return [f"{a} ({p}, night_ok {ok})" for a, p, _, _, ok, _ in case.team if not pattern_possible(case, p, ok)]


def stable_impossible_agents(case: Case) -> list[str]:
    """Agents whose pattern can be worked only with start times that change from day to day."""
    return [f"{a} ({p}, night_ok {ok})" for a, p, _, _, ok, _ in case.team
            if pattern_possible(case, p, ok) and not pattern_possible(case, p, ok, stable=True)]


# ----------------------------------------------------------------------------- writing the workspace


def toml_text(case: Case) -> str:
    lines = ['[site]', f'name = "Fuzz case {case.seed}"', '']
    lines += ['[solver]', f'time_limit_s = {TIME_LIMIT_S}'] + [f'{k} = {v}' for k, v in case.solver.items()] + ['']
    for section, values in (("labour", case.labour), ("pay", case.pay)):
        if values:
            lines += [f'[{section}]'] + [f'{k} = {v}' for k, v in values.items()] + ['']
    for name, over in case.shifts.items():
        starts = ", ".join(f'"{_clock(h)}"' for h in over["starts"])
        lines += [f'[shifts.{name}]', f'starts = [{starts}]', '']
    for name, variants in case.patterns.items():
        body = ", ".join(f'{v} = [{", ".join(chr(34) + t + chr(34) for t in c)}]' for v, c in variants)
        lines += [f'[patterns."{name}"]', f'variants = {{ {body} }}', '']
    return "\n".join(lines)


def capacity_at_peak(case: Case) -> float:
    """Agents the team could have on site at midday: half of the 2/2 and 3/3 staff, 5/7 of 5/2."""
    return sum(5 / 7 if p == "5/2" else 0.5 for _, p, *_ in case.team)


def requirement_rows(case: Case) -> list[tuple[str, int]]:
    d = case.demand
    rng = random.Random(d["rng"])
    first = case.start - DAY if d["pad_before"] else case.start
    last = case.end + DAY if d["pad_after"] else case.end
    hours = [datetime.combine(first, time()) + k * H for k in range(((last - first).days + 1) * 24)]
    peak = capacity_at_peak(case) * d["factor"]
    rows = []
    for ts in hours:
        h = ts.hour + 0.5
        shape = d["night"] + (1 - d["night"]) * math.exp(-0.5 * ((h - d["peak_hour"]) / d["width"]) ** 2)
        shape += d["evening"] * math.exp(-0.5 * ((h - 20) / 1.5) ** 2)
        if ts.weekday() >= 5:
            shape *= d["weekend"]
        if (ts.month, ts.day) in auditor.ART_112:
            shape *= d["holiday"]
        shape *= math.exp(rng.gauss(0, d["noise"]))
        need = round(peak * shape)
        floor = 0 if d["zero_night"] and not 7 <= ts.hour < 22 else 1
        rows.append((f"{ts:%Y-%m-%d %H:%M}", max(need, floor)))
    return rows


def write_case(case: Case, ws: Path) -> dict[str, Path]:
    ws.mkdir(parents=True, exist_ok=True)
    paths = {k: ws / v for k, v in (("toml", "rota.toml"), ("agents", "agents.csv"),
                                     ("absences", "absences.csv"), ("req", "requirements.csv"))}
    paths["toml"].write_text(toml_text(case), encoding="utf-8")
    auditor.write_agents(paths["agents"], tuple(case.team))
    auditor.write_absences(paths["absences"], tuple(case.absences))
    with open(paths["req"], "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ts", "agents"])
        w.writerows(requirement_rows(case))
    return paths


# ----------------------------------------------------------------------------- running and auditing


@dataclass
class Finding:
    case_seed: int
    run: str
    rule: str
    agent: str
    when: str
    text: str

    def __str__(self) -> str:
        return f"case {self.case_seed} {self.run}: [{self.rule}] agent {self.agent or '-'} at {self.when or '-'}: {self.text}"


@dataclass
class Outcome:
    seed: int
    rotas: int = 0
    chained: int = 0
    agent_days: int = 0
    holidays: bool = False
    sliding: bool = False             # some agent can work only with start times that change day to day
    refused: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


def invoke(args: list) -> tuple[int, str, str | None]:
    """Exit code, what the command printed, and a traceback if it raised."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    tb = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info))
    try:
        stderr = result.stderr
    except ValueError:
        stderr = ""
    return result.exit_code, result.stdout + stderr, tb


_WHEN = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?")


def locate(text: str, ids: list[str]) -> tuple[str, str]:
    """The agent and the first date or time a finding names."""
    agent = next((a for a in sorted(ids, key=len, reverse=True) if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w])", text)), "")
    when = _WHEN.search(text)
    return agent, when.group(0) if when else ""


def horizon_touches_holiday(start: date, days: int) -> bool:
    return any(((start + k * DAY).month, (start + k * DAY).day) in auditor.ART_112 for k in range(-1, days))


def run_case(seed: int, root: Path) -> Outcome:
    t0 = clock.perf_counter()
    case = generate(seed)
    res = Outcome(seed)
    ws = root / f"case{seed}"
    paths = write_case(case, ws)
    ids = [a[0] for a in case.team]
    impossible = impossible_agents(case)
    sliding_only = stable_impossible_agents(case)
    horizons = [(case.start, case.weeks, None)]
    if case.chain_weeks:
        horizons.append((case.start + case.days * DAY, case.chain_weeks, "xlsx" if case.chain_xlsx else "csv"))
    previous = None
    for k, (start, weeks, prev_kind) in enumerate(horizons):
        name = "first run" if k == 0 else f"chained run (--previous rota.{prev_kind})"
        out = ws / f"out{k}"
        args = ["schedule", "--requirements", paths["req"], "--agents", paths["agents"], "--absences",
                paths["absences"], "--config", paths["toml"], "--start", start.isoformat(), "--weeks", weeks,
                "--time-limit", TIME_LIMIT_S, "--out", out]
        if previous is not None:
            args += ["--previous", previous.out / f"rota.{prev_kind}"]
        code, output, tb = invoke(args)
        res.holidays = res.holidays or horizon_touches_holiday(start, 7 * weeks)

        def finding(rule: str, text: str, name: str = name) -> None:
            agent, when = locate(text, ids)
            res.findings.append(Finding(seed, name, rule, agent, when, text))

        if tb is not None:
            finding("traceback", tb.strip().splitlines()[-1] + "\n" + tb)
            break
        if code == 2:
            message = " ".join(output.split())
            if impossible and k == 0:
                res.refused.append(f"case {seed}: impossible for {', '.join(impossible[:3])}"
                                   f"{' …' if len(impossible) > 3 else ''} -> {message}")
            elif sliding_only:
                finding("refused_possible", f"refused, though {', '.join(sliding_only[:3])} can work their "
                        f"pattern lawfully with start times that change from day to day: {message}")
            else:
                finding("refused_possible", f"refused a case that is possible: {message}")
            break
        if impossible and k == 0:
            finding("oracle", f"planned a case this script thinks impossible ({', '.join(impossible)}); exit {code}")
        if code not in (0, 1) or not (out / "rota.csv").exists():
            finding("exit_code", f"exit code {code} without a rota: {output[-600:]}")
            break
        run = auditor.Run(f"case{seed}-{k}", out, paths["toml"], paths["agents"], paths["absences"], paths["req"],
                          start, 7 * weeks, code, output, previous)
        try:
            found = auditor.audit_by_rule(run)
        except Exception:  # noqa: BLE001 - a crash of the auditor is reported as a finding
            found = [("auditor_crash", traceback.format_exc())]
        for rule, text in found:
            finding(rule, text)
        res.rotas += 1
        res.sliding = res.sliding or bool(sliding_only)
        res.chained += k > 0
        res.agent_days += len(case.team) * 7 * weeks
        if code != 0:
            break
        previous = run
    res.seconds = clock.perf_counter() - t0
    return res


def describe(case: Case) -> str:
    mix = Counter(p for _, p, *_ in case.team)
    return (f"start {case.start} ({case.start:%a}) + {case.weeks} wk"
            f"{f' + {case.chain_weeks} wk chained' if case.chain_weeks else ''}, {len(case.team)} agents "
            f"{dict(sorted(mix.items()))}, {len(case.absences)} absences, labour {case.labour}, pay {case.pay}, "
            f"shifts {case.shifts}, patterns {list(case.patterns)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--case-seed", type=int, nargs="*", help="run only these case seeds (as printed)")
    ap.add_argument("--keep", type=Path, help="keep the workspaces and results in this folder")
    ap.add_argument("--verbose", action="store_true", help="one line per case")
    args = ap.parse_args(argv)

    seeds = args.case_seed if args.case_seed else [args.seed * 100_000 + i for i in range(args.cases)]
    root = args.keep or Path(tempfile.mkdtemp(prefix="rota-fuzz-"))
    root.mkdir(parents=True, exist_ok=True)
    t0 = clock.perf_counter()
    outcomes = []
    try:
        for i, seed in enumerate(seeds, start=1):
            o = run_case(seed, root)
            outcomes.append(o)
            if args.verbose or o.findings:
                status = f"{len(o.findings)} finding(s)" if o.findings else ("refused" if o.refused else "ok")
                print(f"[{i}/{len(seeds)}] case {seed}: {o.rotas} rota(s), {o.seconds:.1f} s, {status} - "
                      f"{describe(generate(seed))}", flush=True)
            elif i % 10 == 0:
                print(f"[{i}/{len(seeds)}] {clock.perf_counter() - t0:.0f} s", flush=True)
            if not args.keep:
                shutil.rmtree(root / f"case{seed}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    wall = clock.perf_counter() - t0

    findings = [f for o in outcomes for f in o.findings]
    refused = [r for o in outcomes for r in o.refused]
    print()
    print(f"Outside audit of random workspaces (seed {args.seed}, rota schedule --time-limit {TIME_LIMIT_S})")
    print(f"  cases                        {len(outcomes)}")
    print(f"  rotas audited                {sum(o.rotas for o in outcomes)}")
    print(f"  chained runs (--previous)    {sum(o.chained for o in outcomes)}")
    print(f"  agents x days audited        {sum(o.agent_days for o in outcomes):,}")
    print(f"  cases touching holidays      {sum(o.holidays for o in outcomes)}")
    print(f"  planned with sliding starts  {sum(o.sliding for o in outcomes)}  (an agent's pattern is lawful only with "
          "start times that change from day to day)")
    print(f"  refused as impossible        {len(refused)}")
    print(f"  findings                     {len(findings)} in {len({f.case_seed for f in findings})} case(s)"
          + (f"  {dict(Counter(f.rule for f in findings))}" if findings else ""))
    print(f"  wall time                    {wall:.0f} s ({wall / max(len(outcomes), 1):.1f} s a case)")
    if refused:
        print("\nRefused as impossible (exit code 2):")
        for r in refused:
            print(f"  {r}")
    if findings:
        print("\nFindings:")
        for f in findings:
            print(f"  {str(f)[:1500]}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
