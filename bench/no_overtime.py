"""What "no planned overtime" costs: one calendar month of the sample planned twice, as the law's
default (every agent's hours within the month's norm, balancing days off) and with planned
overtime allowed for everyone (`[labour] planned_overtime = true`, every agent consenting, art.
99's limits still hard). Prints pay (base, premiums, overtime), the agent-hours short, the expected
service level, the balancing days off, solve time and gap of each.

    python3 bench/no_overtime.py --month 2026-12 --time-limit 90
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from constraints.labour import parse_labour  # noqa: E402
from forecasts.staffing import requirements as staffing_requirements  # noqa: E402
from planner.pipeline import load_config, run_forecast, workspace_toml  # noqa: E402
from planner.solve.schedule import solve_schedule  # noqa: E402
from planner.workspace.people import load_absences, load_agents  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, default=SAMPLE)
    ap.add_argument("--month", default="2026-12", help="YYYY-MM")
    ap.add_argument("--time-limit", type=float, default=90)
    args = ap.parse_args()
    year, month = map(int, args.month.split("-"))
    start, days = date(year, month, 1), calendar.monthrange(year, month)[1]
    cfg = load_config(workspace_toml(args.workspace))
    fc = run_forecast(cfg.path(cfg.data.history), start, days, cfg)
    req = staffing_requirements(fc.forecast, cfg.staffing)
    agents = load_agents(cfg.path(cfg.data.agents), cfg.book)
    absences = load_absences(cfg.absences_path(), agents)
    print("| plan | solve s | gap | pay RUB | of it overtime | short agent-h | service level | "
          "balancing days off | agents above the norm |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, allowed in (("no planned overtime (default)", False), ("planned overtime allowed", True)):
        run_cfg = cfg if not allowed else dataclasses.replace(
            cfg, labour=parse_labour({**cfg.labour.model_dump(mode="json"), "planned_overtime": True}))
        who = agents.assign(overtime_ok=True) if allowed else agents
        t0 = time.perf_counter()
        s = solve_schedule(run_cfg, req, who, absences, start, days, time_limit_s=args.time_limit)
        took = time.perf_counter() - t0
        cover = s.coverage
        level = float((cover["service_level"] * cover["contacts"]).sum() / max(cover["contacts"].sum(), 1e-9)) \
            if "service_level" in cover and "contacts" in cover else float("nan")
        short = float(s.model.shortfall.sum())
        above = int((s.pay["hours_before"] + s.pay["planned_hours"] - s.pay["holiday_hours"]
                     > s.pay["period_norm_hours"] + 1e-6).sum())
        print(f"| {name} | {took:.0f} | {s.model.gap:.2%} | {s.pay['total'].sum():,.0f} | {s.pay['overtime'].sum():,.0f} "
              f"| {short:,.0f} | {level:.1%} | {0 if s.days_off is None else len(s.days_off)} | {above} |")


if __name__ == "__main__":
    main()
