"""The Coverage, Summary and Shifts sheets: the hour-by-hour check, the KPIs, and rota.csv as a
sheet that `--previous rota.xlsx` reads back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from planner.output.excel.cells import (
    BOLD,
    COUNT,
    DATE,
    DATETIME,
    HOURS,
    MONEY,
    PERCENT,
    SEPARATOR,
    TITLE,
    fitted,
    frame_sheet,
    header,
    plain_column,
    put,
    put_rows,
    widths,
)
from planner.output.excel.days import DASH
from planner.output.excel.sheet import PLAIN, LineChart, Sheet
from planner.runs import PlanRun
from planner.solve.queues import without_skill
from planner.solve.schedule import ROTA_COLUMNS

COVERAGE_COLUMNS = (
    ("ts", "hour starting", DATETIME), ("required", "agents required", COUNT),
    ("scheduled", "agents scheduled", COUNT), ("short", "agents short", COUNT),
    ("service_level", "expected service level", PERCENT), ("contacts", "contacts", "#,##0.0"),
)


SHORT_FILL = "FFC7CE"      # an hour with too few agents
NOBODY_FILL = "FF7C80"     # an hour with contacts and nobody who may serve them


def write_coverage_sheet(sh: Sheet, run: PlanRun) -> None:
    """Per hour: required and scheduled agents, shortfall, expected service level; a line chart."""
    cov = run.schedule.coverage.copy()
    cov["short"] = np.maximum(cov["required"] - cov["scheduled"], 0)
    header(sh, 1, [c[1] for c in COVERAGE_COLUMNS])
    short = PLAIN.but(fill=SHORT_FILL)
    keys = [key for key, _, _ in COVERAGE_COLUMNS]
    row = 1
    for values in cov[keys].itertuples(index=False):
        row += 1
        for k, (key, _, fmt) in enumerate(COVERAGE_COLUMNS):
            put(sh, row, k + 1, values[k], fmt, short if key == "short" and values[k] > 0 else PLAIN)
    last = row
    frame_sheet(sh, 1, last, len(COVERAGE_COLUMNS))
    widths(sh, {1: 17, 2: 11, 3: 11, 4: 9, 5: 12, 6: 10})
    sh.height(1, 30)
    if last < 3:
        return
    sh.add_chart(LineChart(
        title="Agents on duty against the requirement", x_title="hour", y_title="agents", header_row=1,
        last_row=last, category_col=1, series=((2, "C00000", 1.75), (3, "2F5597", 1.25)),
        x_format="DD.MM HH:MM", label_every=24, anchor=(2, 8), size_cm=(32, 11)))


QUEUE_COLUMNS = (
    ("ts", "hour starting", DATETIME), ("channel", "channel", None), ("queue", "queue", None),
    ("contacts", "contacts", "#,##0.0"), ("required", "agents required", COUNT),
    ("scheduled", "agents on it", COUNT), ("short", "agents short", COUNT),
    ("may_serve", "agents on site who may serve it", COUNT), ("service_level", "expected service level", PERCENT),
)


def write_queue_coverage_sheet(sh: Sheet, run: PlanRun) -> None:
    """Per hour and series (channel, queue): agents required and the agents on site the plan puts on
    it, with filters to look at one series; hours with contacts and nobody on it are marked."""
    cov = run.schedule.by_queue.copy()
    cov["nobody"] = without_skill(cov)
    cov["may_serve"] = cov.get("may_serve", cov["scheduled"])
    cov["short"] = np.maximum(cov["required"] - cov["scheduled"], 0)
    header(sh, 1, [c[1] for c in QUEUE_COLUMNS])
    short, nobody = PLAIN.but(fill=SHORT_FILL), PLAIN.but(fill=NOBODY_FILL)
    keys = [key for key, _, _ in QUEUE_COLUMNS]
    at_short = keys.index("short")
    row = 1
    for values, empty in zip(cov[keys].itertuples(index=False), cov["nobody"]):
        row += 1
        look = (nobody if empty else short) if values[at_short] > 0 else PLAIN
        for k, (key, _, fmt) in enumerate(QUEUE_COLUMNS):
            put(sh, row, k + 1, values[k], fmt, look if k == at_short else PLAIN)
    frame_sheet(sh, 1, row, len(QUEUE_COLUMNS))
    widths(sh, {1: 17, 2: 10, 3: 12, 4: 10, 5: 11, 6: 11, 7: 9, 8: 13, 9: 12})
    sh.height(1, 30)


# --------------------------------------------------------------------------- Summary


_SUMMARY_LABELS: dict[str, tuple[str, str, str | None]] = {
    # key: (group, label, number format)
    "status": ("Solver", "solver status", None),
    "gap": ("Solver", "gap to the best bound", "0.00%"),
    "objective": ("Solver", "objective, RUB", MONEY),
    "bound": ("Solver", "best bound, RUB", MONEY),
    "solve_seconds": ("Solver", "solve time, s", "0.0"),
    "start": ("Horizon", "first day", DATE),
    "days": ("Horizon", "days", COUNT),
    "agents": ("People", "agents in the workspace", COUNT),
    "agents_scheduled": ("People", "agents with shifts", COUNT),
    "shifts": ("People", "shifts", COUNT),
    "against_preference": ("People", "agents against their day/night wish", None),
    "required_agent_hours": ("Coverage", "agent-hours required", COUNT),
    "scheduled_agent_hours": ("Coverage", "agent-hours scheduled", COUNT),
    "shortfall_agent_hours": ("Coverage", "agent-hours short", COUNT),
    "hours_short": ("Coverage", "hours with too few agents", COUNT),
    "hours_without_agents": ("Coverage", "hours with nobody on duty", COUNT),
    "contacts": ("Coverage", "contacts expected", COUNT),
    "service_level": ("Coverage", "expected service level", PERCENT),
    "shrinkage": ("Coverage", "shrinkage: share of paid time off the phones", PERCENT),
    "cost.base": ("Pay", "base pay, RUB", MONEY),
    "cost.night_premium": ("Pay", "night premium, RUB", MONEY),
    "cost.holiday_premium": ("Pay", "holiday premium, RUB", MONEY),
    "cost.overtime": ("Pay", "overtime pay, RUB", MONEY),
    "cost.total": ("Pay", "total pay, RUB", MONEY),
    "cost_per_contact": ("Pay", "pay per contact, RUB", MONEY),
    "paid_hours": ("Hours", "worked hours paid (timesheet)", HOURS),
    "night_hours": ("Hours", "night hours", HOURS),
    "holiday_hours": ("Hours", "holiday hours", HOURS),
    "overtime_hours": ("Hours", "overtime hours", HOURS),
    "overtime_yearly_cap_h": ("Hours", "overtime cap a year, h (art. 99)", HOURS),
    "agents_above_overtime_cap_pace": ("Hours", ("agents heading above the yearly overtime cap (overtime_ytd_h + "
                                                 "the plan's periods projected to their ends)"), None),
    "violations": ("Labour rules", "labour-rule violations", COUNT),
    "model.classes": ("Model", "agent classes", COUNT),
    "model.lines": ("Model", "lines (ways to work a pattern)", COUNT),
    "model.objective_parts_rub.shortfall": ("Model", "objective: shortfall, RUB", MONEY),
    "model.objective_parts_rub.pay": ("Model", "objective: pay, RUB", MONEY),
    "model.objective_parts_rub.overstaffing": ("Model", "objective: over-staffing, RUB", MONEY),
    "model.time_limit_s": ("Model", "time limit, s", "0.0"),
    "model.workers": ("Model", "solver workers", COUNT),
    "model.seed": ("Model", "solver seed", COUNT),
}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v and key != "violations_by_rule":
            out.extend(_flatten(v, key + "."))
        elif key == "violations_by_rule":
            out.extend((f"{key}.{rule}", n) for rule, n in v.items())
        else:
            out.append((key, v))
    return out


def summary_rows(summary: Mapping[str, Any]) -> list[tuple[str, str, Any, str | None]]:
    """(group, label, value, number format) for every figure of summary.json, grouped."""
    order = list(dict.fromkeys(g for g, _, _ in _SUMMARY_LABELS.values()))
    rows: list[tuple[str, str, Any, str | None]] = []
    per_series = {k: v for k, v in summary.items() if k not in ("by_queue", "hours_without_skill", "period_balance")}
    for item in summary.get("period_balance", []):
        period = f"{item['period']}{'' if item['settled'] else ' (projected to its end)'}"
        rows.append(("Hours", f"{period}: agents above the period's norm", item["agents_above_norm"], COUNT))
        rows.append(("Hours", f"{period}: their hours above it", item["hours_above_norm"], HOURS))
        rows.append(("Hours", f"{period}: agents below the period's norm", item["agents_below_norm"], COUNT))
        rows.append(("Hours", f"{period}: their hours below it", item["hours_below_norm"], HOURS))
        if not item.get("hours_before_given", True):
            since = item.get("hours_before_from")
            rows.append(("Hours", f"{period}: hours before the rota known from (worked.csv, previous rotas)",
                         date.fromisoformat(since) if since else "none given", DATE if since else None))
    for item in summary.get("by_queue", []):
        series = f"{item['channel']}/{item['queue']}"
        rows.append(("Series", f"{series}: service level", item["service_level"], PERCENT))
        rows.append(("Series", f"{series}: agent-hours short", item["shortfall_agent_hours"], COUNT))
        rows.append(("Series", f"{series}: hours with nobody who may serve it", item["hours_without_skill"], COUNT))
    for key, value in _flatten(per_series):
        if key in _SUMMARY_LABELS:
            group, label, fmt = _SUMMARY_LABELS[key]
        elif key.startswith("violations_by_rule."):
            group, label, fmt = "Labour rules", f"violations: {key.split('.', 1)[1]}", COUNT
        else:
            group, label, fmt = "Other", key.replace("_", " ").replace(".", ": "), None
        if key == "start" and isinstance(value, str):
            value = date.fromisoformat(value)
        if isinstance(value, (list, tuple)):
            value = f"{len(value)}: {', '.join(map(str, value))}" if value else "none"
        rows.append((group, label, value, fmt))
    rank = {g: i for i, g in enumerate(order + ["Series", "Labour rules", "Other"])}
    return sorted(rows, key=lambda r: rank[r[0]])


def write_summary_sheet(sh: Sheet, run: PlanRun) -> None:
    """KPIs, solver status and gap, with labels a reader understands."""
    s = run.schedule
    put(sh, 1, 1, f"Rota {s.start:%d.%m.%Y}{DASH}{s.start + timedelta(days=s.days - 1):%d.%m.%Y}, "
                  f"{run.cfg.site.name}", style=TITLE)
    header(sh, 3, ["group", "figure", "value"])
    row = 3
    prev_group = None
    for group, label, value, fmt in summary_rows(run.summary):
        row += 1
        top = SEPARATOR if group != prev_group and prev_group is not None else None
        fitted(sh, row, {1: (group if group != prev_group else None, None, BOLD.but(top=top)),
                         2: (label, None, PLAIN.but(top=top)),
                         3: (value, fmt, PLAIN.but(align="right", top=top))}, {3: 40})
        prev_group = group
    sh.freeze(4, 1)
    widths(sh, {1: 14, 2: 48, 3: 40})


def write_shifts_sheet(sh: Sheet, run: PlanRun) -> None:
    """Exactly the rota.csv columns, one row per shift: what `--previous rota.xlsx` reads back."""
    cols = list(ROTA_COLUMNS)
    fmts = {"date": DATE, "start": DATETIME, "end": DATETIME, "paid_hours": HOURS, "night_hours": HOURS,
            "holiday_hours": HOURS}
    for k, c in enumerate(cols):
        put(sh, 1, k + 1, c, style=BOLD)
    rota = run.schedule.rota
    values = {c: plain_column(rota[c]) for c in cols}
    values["date"] = [pd.Timestamp(d).date() for d in values["date"]]
    row = put_rows(sh, 2, [(values[c], fmts.get(c)) for c in cols])
    frame_sheet(sh, 1, row, len(cols))
    widths(sh, {1: 10, 2: 12, 3: 17, 4: 17, 5: 11, 6: 11, 7: 12, 8: 9, 9: 10})
