"""What a scheduling run is worth, in numbers a team lead and HR read: the KPIs of summary.json
(`planner.output.terminal` prints them as a short table)."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from constraints.patterns import FLEX
from planner.solve.queues import without_skill
from planner.solve.schedule import Schedule
from planner.workspace.config import RotaConfig

COST_PARTS = ("base", "night_premium", "holiday_premium", "overtime", "total")


def _num(x: float) -> float | None:
    """JSON has no NaN: a missing figure is null."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def projected_overtime(pay: pd.DataFrame, agents: pd.DataFrame, start: date) -> pd.Series:
    """The year's overtime each agent heads for (art. 99 caps it at 120 h): overtime_ytd_h (the
    overtime of the periods already settled this year, 0 if not given) plus, for each accounting
    period the plan touches, its overtime as projected to the period's end (`projected_overtime_hours`:
    the settled overtime of a period the plan ends). A plan across New Year counts each year on its
    own; the larger is given."""
    ytd = (agents.set_index("agent_id")["overtime_ytd_h"].astype(float).fillna(0.0) if "overtime_ytd_h" in agents
           else pd.Series(0.0, index=agents["agent_id"]))
    if pay.empty:
        return pd.Series(dtype=float)
    year = pay["period"].astype(str).str[:4].astype(int)
    per_year = pay.groupby([pay["agent_id"], year])["projected_overtime_hours"].sum()
    per_year = per_year + np.where(per_year.index.get_level_values(1) == start.year,
                                   ytd.reindex(per_year.index.get_level_values(0)).fillna(0.0).to_numpy(), 0.0)
    return per_year.groupby(level=0).max()


KNOWN_SLACK_DAYS = 3   # hours known from within this many days of a period's start count as known from its start


def period_balance(pay: pd.DataFrame, ledger: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Per accounting period the plan touches: whether the plan settles it, from which day the
    hours before the plan are known (`hours_before_from`; None: none given) and whether that is
    the whole period (`hours_before_given`: known from its first days, or it begins in the plan;
    False means worked.csv or the previous rotas miss days, counted as not worked), and how many
    agents are projected above and below its norm at its end, by how many hours in all."""
    known: dict[str, Any] = {}
    if ledger is not None and not ledger.empty:
        known = ledger.groupby("period")[["period_start", "known_from"]].first().to_dict("index")
    out = []
    for label, g in pay.groupby("period", sort=True):
        b = g["balance"].to_numpy(float)
        above, below = b > 1e-6, b < -1e-6
        k = known.get(label, {})
        first, since = k.get("period_start"), k.get("known_from")
        since = None if since is None or pd.isna(since) else since
        given = first is None or (since is not None and (since - first).days <= KNOWN_SLACK_DAYS)
        out.append({"period": label, "settled": bool(g["settled"].all()),
                    "hours_before_from": since.isoformat() if since is not None else None,
                    "hours_before_given": bool(given),
                    "agents_above_norm": int(above.sum()), "hours_above_norm": _num(b[above].sum()),
                    "agents_below_norm": int(below.sum()), "hours_below_norm": _num(-b[below].sum()),
                    "overtime_hours": _num(g["overtime_hours"].sum()),
                    "projected_overtime_hours": _num(g["projected_overtime_hours"].sum())})
    return out


def summary(s: Schedule, cfg: RotaConfig, agents: pd.DataFrame) -> dict[str, Any]:
    """The run's status and KPIs (the keys of summary.json)."""
    cov = s.coverage
    short = np.maximum(cov["required"] - cov["scheduled"], 0)
    contacts = cov["contacts"].to_numpy(float)
    sl = cov["service_level"].to_numpy(float)
    weighted = np.where(np.isnan(sl), 0.0, contacts)
    level = float((np.nan_to_num(sl) * weighted).sum() / weighted.sum()) if weighted.sum() > 0 else math.nan
    cost = {k: round(float(s.pay[k].sum()), 2) for k in COST_PARTS}
    ot = s.pay["overtime_hours"] if not s.pay.empty else pd.Series(dtype=float)
    projected = projected_overtime(s.pay, agents, s.start)
    above = projected[projected > cfg.pay.overtime_cap_year_h + 1e-9]
    rules = Counter(v.rule for v in s.violations)
    return {
        "status": s.model.status,
        "objective": _num(s.model.objective),
        "bound": _num(s.model.bound),
        "gap": _num(s.model.gap),
        "solve_seconds": _num(s.model.solve_seconds),
        "start": s.start.isoformat(),
        "days": s.days,
        "agents": len(agents),
        "agents_scheduled": int(s.rota["agent_id"].nunique()),
        "shifts": len(s.rota),
        "required_agent_hours": _num(cov["required"].sum()),
        "scheduled_agent_hours": _num(cov["scheduled"].sum()),
        "shortfall_agent_hours": _num(short.sum()),
        "hours_short": int((short > 0).sum()),
        "hours_without_agents": int((cov["scheduled"] == 0).sum()),
        "contacts": _num(contacts.sum()),
        "service_level": _num(level),
        "cost": cost,
        "cost_per_contact": _num(cost["total"] / contacts.sum()) if contacts.sum() > 0 else None,
        "paid_hours": _num(s.pay["planned_hours"].sum()) if not s.pay.empty else 0.0,
        "night_hours": _num(s.pay["night_hours"].sum()) if not s.pay.empty else 0.0,
        "holiday_hours": _num(s.pay["holiday_hours"].sum()) if not s.pay.empty else 0.0,
        "overtime_hours": _num(ot.sum()),
        "period_balance": period_balance(s.pay, s.ledger),
        "overtime_yearly_cap_h": cfg.pay.overtime_cap_year_h,
        "shrinkage": cfg.staffing.shrinkage,
        "plan_quantile": cfg.staffing.plan_quantile,
        "agents_above_overtime_cap_pace": sorted(above.index.tolist()),
        "overtime_projected_year_h": {a: _num(above[a]) for a in sorted(above.index)},
        "against_preference": list(s.assignment.against_preference),
        "violations": len(s.violations),
        "violations_by_rule": dict(sorted(rules.items())),
        "flex": flex_summary(s),
        "by_queue": by_queue(s.by_queue),
        "hours_without_skill": _without_skill(s.by_queue),
        "model": {
            "classes": len(s.classes),
            "lines": len(s.lines),
            "objective_parts_rub": {k: _num(v) for k, v in s.model.penalties.items()},
            "time_limit_s": cfg.solver.time_limit_s,
            "workers": cfg.solver.workers,
            "seed": cfg.solver.seed,
        },
    }


def flex_summary(s: Schedule) -> dict[str, Any] | None:
    """The flex agents' part of the plan: who worked how much, their pay, and their wishes granted
    and refused (None without flex agents)."""
    if s.flex is None:
        return None
    mine = s.rota[s.rota["pattern"] == FLEX]
    pay = s.pay[s.pay["agent_id"].isin(set(s.flex.lines))] if not s.pay.empty else s.pay
    w = s.wishes if s.wishes is not None else pd.DataFrame(columns=["granted"])
    return {
        "agents": len(s.flex.lines),
        "agents_scheduled": int(mine["agent_id"].nunique()),
        "shifts": len(mine),
        "paid_hours": _num(mine["paid_hours"].sum()),
        "cost": _num(pay["total"].sum()) if "total" in pay else 0.0,
        "wishes": len(w),
        "wishes_granted": int(w["granted"].sum()),
        "wishes_refused": [f"{r.agent_id} {r.date:%Y-%m-%d} {r.wish}" for r in w[~w["granted"].astype(bool)].itertuples()],
        "status": s.flex.status,
        "skill_groups": s.flex.groups,
        "seconds": _num(s.flex.seconds),
    }


def summary_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def by_queue(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Per series (channel, queue): agent-hours required, scheduled and short, the contact-weighted
    service level, and the hours with contacts when nobody on site may serve it."""
    if frame is None or frame.empty:
        return []
    out = []
    for (channel, queue), g in frame.groupby(["channel", "queue"], sort=True):
        sl = g["service_level"].to_numpy(float)
        w = np.where(np.isnan(sl), 0.0, g["contacts"].to_numpy(float))
        out.append({
            "channel": channel, "queue": queue,
            "contacts": _num(g["contacts"].sum()),
            "required_agent_hours": _num(g["required"].sum()),
            "scheduled_agent_hours": _num(g["scheduled"].sum()),
            "shortfall_agent_hours": _num(np.maximum(g["required"] - g["scheduled"], 0).sum()),
            "service_level": _num(float((np.nan_to_num(sl) * w).sum() / w.sum())) if w.sum() > 0 else None,
            "hours_without_skill": int(without_skill(g).sum()),
        })
    return out


def _without_skill(frame: pd.DataFrame | None) -> dict[str, list[str]]:
    """The hours (YYYY-MM-DD HH:MM) each series had contacts and nobody on site who may serve it."""
    if frame is None or frame.empty:
        return {}
    bad = frame[without_skill(frame)]
    return {f"{c}/{q}": [f"{t:%Y-%m-%d %H:%M}" for t in g["ts"]]
            for (c, q), g in bad.groupby(["channel", "queue"], sort=True)}
