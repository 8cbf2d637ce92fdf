"""rota's flexible-schedule engine on the public rostering benchmark (Curtois & Qu, instances 1-24).

Reads an instance, maps it onto the per-person engine (`planner.solve.flex_model.solve_flex`),
solves within the time limit, writes the roster, and prints the objective (the engine's and the
independent evaluator's, which must agree), the best bound, the time and the hard-rule
violations found by `constraints.flex.flex_violations` (must be 0).

    python bench/nrp.py ../shared/data/shift_scheduling_benchmark/Instance3.txt --time-limit 60 --out roster.csv
    python bench/nrp.py INSTANCE.txt --best-known 1001     # also prints the gap
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nrp_evaluate import evaluate  # noqa: E402
from nrp_instance import read, to_problem  # noqa: E402

from constraints.flex import flex_violations  # noqa: E402
from planner.solve.flex_model import solve_flex  # noqa: E402


def write_roster(roster, path: Path) -> None:
    """roster.csv: employee, day (0-based), shift; one row per assigned shift, written atomically."""
    out = roster.rename(columns={"person": "employee"})[["employee", "day", "shift"]]
    out = out.sort_values(["employee", "day"])
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), suffix=".tmp")
    os.close(fd)
    out.to_csv(tmp, index=False)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", type=Path)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("roster.csv"))
    ap.add_argument("--best-known", type=float, default=None)
    ap.add_argument("--quiet", action="store_true", help="no line per improvement")
    a = ap.parse_args(argv)

    inst = read(a.instance)
    problem = to_problem(inst)
    print(f"{a.instance.name}: {inst.horizon} days, {len(inst.staff)} employees, {len(inst.shifts)} shift types")
    progress = None if a.quiet else (lambda t, obj: print(f"  {t:7.2f} s  objective {obj}", flush=True))
    result = solve_flex(problem, time_limit_s=a.time_limit, workers=a.workers, seed=a.seed, progress=progress)
    write_roster(result.roster, a.out)
    score = evaluate(inst, result.roster[["person", "day", "shift"]].itertuples(index=False))
    violations = flex_violations(problem.contracts, problem.shift_types, result.roster,
                                 problem.horizon_days, problem.first_weekday)
    bound = "-" if result.best_bound is None else f"{result.best_bound:.0f}"
    print(f"status {result.status}  objective {result.objective}  evaluator {score.total} "
          f"(on {score.on_requests}, off {score.off_requests}, under {score.under}, over {score.over})  "
          f"best bound {bound}  time {result.seconds:.1f} s  moves {result.moves}  violations {len(violations)}")
    if a.best_known:
        print(f"best known {a.best_known:.0f}  gap {100 * (score.total - a.best_known) / a.best_known:.2f} %")
    for v in violations[:20]:
        print(f"  violation {v.rule} {v.person} day {v.day}: {v.detail}")
    if score.total != result.objective:
        print(f"MISMATCH: engine objective {result.objective} != evaluator {score.total}")
        return 1
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
