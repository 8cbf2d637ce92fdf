"""Hours already worked before a plan, by agent and calendar day: what summed accounting needs to
know of an accounting period's days before the plan's first (`constraints.ledger`).

Two sources, both optional:

- **previous rotas** (`--previous`): their shifts' hours by calendar day, as the timesheet would
  count them (`constraints.hours.day_parts`: a night split at midnight, the unpaid break placed
  by rule, the art. 96 hour credited). A shift listed by two rotas (the night begun on the eve
  of a rota's first day) counts once.
- **worked.csv** (`[data] worked` of rota.toml): the timesheet HR keeps, `agent_id, date, hours
  [, night_hours]`, read like every workspace table (CSV or XLSX, `;`, cp1251 or UTF-8 with a
  BOM, decimal commas). It is what was really worked, so for an agent and day that both give,
  worked.csv wins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import InputError
from constraints.calendar import RU_CALENDAR
from constraints.hours import agent_credit, day_parts
from constraints.ledger import WORKED_COLUMNS
from forecasts.columns import to_dates, to_numbers, to_strings
from forecasts.tables import read_table
from planner.workspace.config import RotaConfig
from planner.workspace.people import hired_for_nights

DAY_H = 24.0


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"agent_id": pd.Series(dtype=object), "date": pd.Series(dtype=object),
                         "hours": pd.Series(dtype=float), "night_hours": pd.Series(dtype=float),
                         "holiday": pd.Series(dtype=bool)})


def load_worked(path: Path | None, agents: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Read worked.csv: (agent_id, date, hours, night_hours per row, warnings).

    Hours are those of the calendar day (a night split at midnight, as T-13 has them), 0 to 24;
    night_hours, when the column is there, at most the day's hours (without it: none, so the
    overtime rate carries no night share for those days). One row per agent and day. Rows of
    agents not in the agents file (people who left, another team) are left out with a warning.
    """
    if path is None:
        return _empty().drop(columns="holiday"), []
    name = Path(path).name
    df = read_table(path, required=("agent_id", "date", "hours"), optional=("night_hours",), what="worked hours",
                    allow_no_rows=True)
    if df.empty:
        return _empty().drop(columns="holiday"), []
    out = pd.DataFrame({"agent_id": to_strings(df, "agent_id", file=name),
                        "date": to_dates(df, "date", file=name, allow_empty=False),
                        "hours": to_numbers(df, "hours", file=name, min_value=0)})
    out["night_hours"] = (to_numbers(df, "night_hours", file=name, min_value=0, allow_empty=True).fillna(0.0)
                          if "night_hours" in df else 0.0)
    checks = (("hours", out["hours"] > DAY_H, f"{{:g}} h is more than the {DAY_H:g} h of a day"),
              ("night_hours", out["night_hours"] > out["hours"], "{:g} night hours are more than the day's hours"))
    for col, bad, why in checks:
        if bad.any():
            i = out.index[bad.to_numpy()][0]
            raise InputError(why.format(out.at[i, col]), file=name, row=int(i), column=col)
    twice = out.duplicated(["agent_id", "date"], keep="first")
    if twice.any():
        i = out.index[twice.to_numpy()][0]
        first = out.index[(out["agent_id"] == out.at[i, "agent_id"]) & (out["date"] == out.at[i, "date"])][0]
        raise InputError(f"agent {out.at[i, 'agent_id']} on {out.at[i, 'date']:%Y-%m-%d} is listed twice (rows "
                         f"{int(first)} and {int(i)}); give one row per agent and day", file=name, row=int(i),
                         column="date")
    known = set(agents["agent_id"].astype(str))
    stranger = ~out["agent_id"].isin(known)
    warnings = []
    if stranger.any():
        ids = sorted(set(out.loc[stranger, "agent_id"]))
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        warnings.append(f"{name}: {int(stranger.sum())} row(s) of agents not in the agents file ({shown}) "
                        "are left out")
    return out[~stranger].reset_index(drop=True), warnings


def rota_days(previous: pd.DataFrame, agents: pd.DataFrame, cfg: RotaConfig) -> pd.DataFrame:
    """A previous rota's (or several rotas') hours by agent and calendar day (WORKED_COLUMNS).

    The unpaid break is the shift template's (`shift`); a shift whose template is unknown or not
    given takes it from its `paid_hours` when the rota states them (on site + the art. 96 hour -
    paid), else has none.
    """
    if previous is None or previous.empty:
        return _empty()
    p = previous.drop_duplicates(["agent_id", "start", "end"]).reset_index(drop=True)
    p = p.assign(agent_id=p["agent_id"].astype(str))
    credit = agent_credit(p, hired_for_nights(agents), cfg.labour)
    on_site = ((p["end"] - p["start"]) / pd.Timedelta(hours=1)).to_numpy(float)
    breaks = {n: t.break_h for n, t in cfg.book.templates.items()}
    brk = (p["shift"].map(breaks) if "shift" in p else pd.Series(np.nan, index=p.index)).to_numpy(float)
    if "paid_hours" in p:
        stated = on_site + credit - pd.to_numeric(p["paid_hours"], errors="coerce").to_numpy(float)
        brk = np.where(np.isnan(brk), np.clip(stated, 0.0, np.maximum(on_site - 1e-6, 0.0)), brk)
    brk = np.nan_to_num(brk, nan=0.0)
    parts = day_parts(p["start"], p["end"], brk, credit, cfg.pay.night, RU_CALENDAR)
    parts["agent_id"] = p["agent_id"].to_numpy()[parts["shift"].to_numpy()]
    days = parts.groupby(["agent_id", "date"], as_index=False).agg(hours=("hours", "sum"),
                                                                  night_hours=("night_h", "sum"),
                                                                  holiday=("holiday", "first"))
    return days.assign(date=pd.to_datetime(days["date"]).dt.date)[list(WORKED_COLUMNS)]


def worked_days(previous: pd.DataFrame | None, worked: pd.DataFrame | None, agents: pd.DataFrame,
                cfg: RotaConfig) -> pd.DataFrame:
    """Hours worked by agent and calendar day (agent_id, date, hours, night_hours, holiday), from
    the previous rotas and worked.csv (`load_worked`); worked.csv wins for an agent and day both
    give. `holiday` marks an art. 112 day (all its hours are holiday hours)."""
    from_rota = rota_days(previous, agents, cfg) if previous is not None else _empty()
    if worked is None or worked.empty:
        return from_rota.sort_values(["agent_id", "date"]).reset_index(drop=True)
    kept = worked.assign(agent_id=worked["agent_id"].astype(str), date=pd.to_datetime(worked["date"]).dt.date)
    kept = kept.assign(holiday=[RU_CALENDAR.is_holiday(d) for d in kept["date"]])[list(WORKED_COLUMNS)]
    said = pd.MultiIndex.from_frame(kept[["agent_id", "date"]])
    rest = from_rota[~pd.MultiIndex.from_frame(from_rota[["agent_id", "date"]]).isin(said)]
    out = pd.concat([rest, kept], ignore_index=True) if len(rest) else kept
    return out.sort_values(["agent_id", "date"]).reset_index(drop=True)
