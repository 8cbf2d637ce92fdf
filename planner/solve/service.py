"""How well the agents on site serve each hour: counted from the named assignment, the service
level the requirement's queue models give them (pooled, or per series from coverage by queue)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.staffing import productive_agents, service_delivered
from planner.solve.assign import Assignment
from planner.solve.penalties import ShortfallPenalty
from planner.workspace.config import RotaConfig


def on_duty_per_hour(assignment: Assignment, coverage: np.ndarray) -> np.ndarray:
    """Agents on site per hour, counted from the named assignment (not from the model's counts)."""
    on = np.zeros(coverage.shape[1], dtype=np.int64)
    for line in assignment.line_of.values():
        on += coverage[line]
    return on


def coverage_frame(requirements: pd.DataFrame, penalty: ShortfallPenalty, on_duty: np.ndarray,
                   cfg: RotaConfig, by_queue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per hour: agents required and scheduled, and the service level the scheduled deliver: for
    a pooled team from the pool, else the contact-weighted level of the series' own coverage."""
    if by_queue is None:
        sl, contacts = delivered_service(requirements, penalty.ts, on_duty, cfg)
    else:
        sl, contacts = _weighted_level(by_queue, penalty.ts)
    return pd.DataFrame({
        "ts": penalty.ts, "required": penalty.required, "scheduled": on_duty,
        "service_level": sl, "contacts": contacts,
    })


def _weighted_level(by_queue: pd.DataFrame, hours: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Contact-weighted service level per hour over the series that have one, and those contacts."""
    pos = hours.get_indexer(by_queue["ts"])
    sl = by_queue["service_level"].to_numpy(float)
    weight = np.where(np.isnan(sl), 0.0, by_queue["contacts"].to_numpy(float))
    contacts = np.zeros(len(hours))
    served = np.zeros(len(hours))
    np.add.at(contacts, pos, weight)
    np.add.at(served, pos, np.nan_to_num(sl) * weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(contacts > 0, served / contacts, np.nan), contacts


def delivered_service(requirements: pd.DataFrame, hours: pd.DatetimeIndex, on_duty: np.ndarray,
                      cfg: RotaConfig) -> tuple[np.ndarray, np.ndarray]:
    """Contact-weighted service level per hour that the agents on duty deliver, and contacts.

    The agents on duty in an hour serve the channels and queues of that hour in proportion to
    what each asked for (one pooled team); shrinkage takes the requirement's own share of them
    off the phones (`forecasts.staffing.productive_agents`); each queue's model then gives its
    service level.
    """
    needed = {"ts", "channel", "queue", "contacts", "aht_s", "agents", "scheduled_agents", "answer_s"}
    contacts = np.zeros(len(hours))
    if not needed <= set(requirements.columns):
        return np.full(len(hours), np.nan), contacts
    req = requirements[requirements["ts"].isin(hours)].reset_index(drop=True)
    pos = hours.get_indexer(req["ts"])
    productive = productive_agents(req, hours, on_duty, cfg.staffing.shrinkage)
    sl = service_delivered(req, productive, cfg.staffing)
    c = req["contacts"].to_numpy(float)
    weight = np.where(np.isnan(sl), 0.0, c)
    np.add.at(contacts, pos, weight)
    served = np.zeros(len(hours))
    np.add.at(served, pos, np.nan_to_num(sl) * weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        level = np.where(contacts > 0, served / contacts, np.nan)
    return level, contacts
