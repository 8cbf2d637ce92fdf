"""Series and skills in scheduling: who may serve which series (channel x queue), what each
series needs hour by hour, and the coverage each series gets from a plan.

A site whose agents may all serve everything (no `skills`, or skills that cover every series) is
planned as one pooled team, exactly as a site without skills; otherwise agents with the same
series form a skill group, classes never mix groups, and `skill_model` splits each hour's agents
among the series they may serve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from constraints.skills import QueueNeeds, eligibility
from forecasts.staffing import largest_remainder, service_delivered
from planner.solve.allocation import SeriesDemand
from planner.solve.penalties import shortfall_penalty
from planner.workspace.config import RotaConfig

Series = tuple[str, str]   # (channel, queue)

BY_QUEUE_COLUMNS = ("ts", "channel", "queue", "contacts", "required", "scheduled", "service_level")
#: beside them in the frame, not in the CSV: agents on site who may serve the series that hour,
#: whatever the plan put them on (the 24/7 rule asks for one)
ABLE = "may_serve"


@dataclass(frozen=True)
class SkillSetup:
    """The series of a requirement and the skill group of every agent."""

    series: tuple[Series, ...]        # S series, sorted
    serves: np.ndarray                # (G, S) bool: group g may serve series s
    group_of: dict[str, int]          # agent id -> group

    @property
    def pooled(self) -> bool:
        """Everyone may serve every series: plan one pooled team."""
        return bool(self.serves.all())

    def serves_text(self, agent_id: str) -> str:
        """The series an agent may serve, as rota.csv's `serves` column writes them (`*` = all)."""
        row = self.serves[self.group_of[agent_id]]
        return "*" if row.all() else ";".join(f"{c}/{q}" for (c, q), ok in zip(self.series, row) if ok)


def requirement_series(requirements: pd.DataFrame) -> tuple[Series, ...]:
    return tuple(sorted({(str(c), str(q)) for c, q in zip(requirements["channel"], requirements["queue"])}))


def skill_setup(agents: pd.DataFrame, requirements: pd.DataFrame, needs: QueueNeeds) -> SkillSetup:
    """Series of the requirement and the agents' skill groups (groups in order of first agent)."""
    series = requirement_series(requirements)
    skills = agents["skills"].tolist() if "skills" in agents else [None] * len(agents)
    elig = eligibility(skills, series, needs).reshape(len(agents), len(series))
    rows, group = np.unique(elig, axis=0, return_inverse=True) if len(agents) else (np.ones((1, len(series)), bool),
                                                                                     np.zeros(0, int))
    order = {}
    for g in np.asarray(group).ravel():
        order.setdefault(int(g), len(order))
    serves = rows[sorted(order, key=order.get)] if len(agents) else rows
    group_of = {str(a): order[int(g)] for a, g in zip(agents["agent_id"], np.asarray(group).ravel())}
    return SkillSetup(series, serves.astype(bool), group_of)


def _series_index(requirements: pd.DataFrame, series: tuple[Series, ...]) -> np.ndarray:
    at = {s: i for i, s in enumerate(series)}
    return np.array([at[(str(c), str(q))] for c, q in zip(requirements["channel"], requirements["queue"])],
                    dtype=np.int64)


def series_demand(requirements: pd.DataFrame, cfg: RotaConfig, hours: pd.DatetimeIndex, setup: SkillSetup,
                  class_group: np.ndarray) -> SeriesDemand:
    """Each series' agents needed per hour of the horizon and its own convex shortfall price; an
    hour of a series with demand and nobody on site who may serve it costs `empty_hour_rub` more
    (the 24/7 rule: one agent able to serve it is enough, whatever else they answer that hour)."""
    S, H, K = len(setup.series), len(hours), cfg.objective.max_shortfall_steps
    need = np.zeros((S, H), dtype=np.int64)
    cost = np.zeros((S, H, K))
    req = requirements[requirements["ts"].isin(hours)]
    for s, (channel, queue) in enumerate(setup.series):
        rows = req[(req["channel"] == channel) & (req["queue"] == queue)]
        if rows.empty:
            continue
        pen = shortfall_penalty(rows, missed_contact_rub=cfg.objective.missed_contact_rub, steps=K,
                                min_missed_per_agent=cfg.objective.min_missed_per_agent)
        pos = hours.get_indexer(pen.ts)
        need[s, pos] = pen.required
        cost[s, pos] = pen.cost
    empty = np.where(need > 0, cfg.objective.empty_hour_rub, 0.0)
    return SeriesDemand(need, cost, setup.serves, np.asarray(class_group, dtype=np.int64), empty)


def pooled_split(requirements: pd.DataFrame, hours: pd.DatetimeIndex, series: tuple[Series, ...],
                 on_duty: np.ndarray) -> np.ndarray:
    """(S, H) agents on site per series when everyone serves everything: each hour's agents split in
    proportion to what each series asked for (largest remainder; evenly when none asked)."""
    out = np.zeros((len(series), len(hours)), dtype=np.int64)
    req = requirements[requirements["ts"].isin(hours)]
    pos = hours.get_indexer(req["ts"])
    idx = _series_index(req, series)
    weight = np.zeros((len(series), len(hours)))
    np.add.at(weight, (idx, pos), req["scheduled_agents"].to_numpy(float))
    for h in range(len(hours)):
        w = weight[:, h]
        out[:, h] = largest_remainder(int(on_duty[h]), w if w.sum() > 0 else np.ones(len(series)))
    return out


def coverage_by_queue(requirements: pd.DataFrame, hours: pd.DatetimeIndex, series: tuple[Series, ...],
                      scheduled: np.ndarray, cfg: RotaConfig, able: np.ndarray | None = None) -> pd.DataFrame:
    """Per hour and series: contacts, agents required and scheduled on site, and the service level
    the scheduled deliver after the series' own shrinkage (`coverage_by_queue.csv`); and, in the
    `may_serve` column, the agents on site who may serve the series (`able`, (S, H); by default
    the scheduled)."""
    req = requirements[requirements["ts"].isin(hours)].reset_index(drop=True)
    pos = hours.get_indexer(req["ts"])
    idx = _series_index(req, series)
    on = scheduled[idx, pos].astype(float)
    need = req["agents"].to_numpy(float) if "agents" in req else req["scheduled_agents"].to_numpy(float)
    gross = req["scheduled_agents"].to_numpy(float)
    keep = np.array([1.0 - (cfg.staffing.shrinkage_for(c) if c in cfg.staffing.channels else cfg.staffing.shrinkage)
                     for c in req["channel"]])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(gross > 0, need / gross, keep)
    productive = np.floor(on * ratio + 1e-9)
    needed = {"contacts", "aht_s", "answer_s"}
    known = req["channel"].isin(list(cfg.staffing.channels)).all()
    sl = (service_delivered(req, productive, cfg.staffing) if needed <= set(req.columns) and known
          else np.full(len(req), np.nan))
    out = pd.DataFrame({
        "ts": req["ts"], "channel": req["channel"], "queue": req["queue"],
        "contacts": req["contacts"].to_numpy(float) if "contacts" in req else 0.0,
        "required": np.ceil(gross - 1e-9).astype(np.int64), "scheduled": on.astype(np.int64),
        "service_level": sl, ABLE: (scheduled if able is None else able)[idx, pos].astype(np.int64),
    })
    return out.sort_values(["ts", "channel", "queue"]).reset_index(drop=True)[[*BY_QUEUE_COLUMNS, ABLE]]


def without_skill(by_queue: pd.DataFrame) -> pd.Series:
    """Per row of `coverage_by_queue`: contacts, and nobody on site who may serve the series."""
    able = by_queue[ABLE] if ABLE in by_queue else by_queue["scheduled"]
    return (by_queue["contacts"] > 0) & (able == 0)

