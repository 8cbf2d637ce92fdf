"""What a run of rota produced, as plain frozen records: the forecast stage's result and a
scheduling run. A leaf of `planner`: outputs and analysis import these types, and this module
imports no output, so no import goes round in a circle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from forecasts.history import HistoryData
from planner.solve.schedule import Schedule
from planner.workspace.config import RotaConfig


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with the history it came from and the method chosen per series."""

    history: HistoryData
    hourly: pd.DataFrame
    forecast: pd.DataFrame
    start: date
    days: int


@dataclass(frozen=True)
class PlanRun:
    """A scheduling run and everything needed to write and print it."""

    cfg: RotaConfig
    schedule: Schedule
    agents: pd.DataFrame
    absences: pd.DataFrame
    requirements: pd.DataFrame
    summary: dict
    forecast: ForecastResult | None = None
