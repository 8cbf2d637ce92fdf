"""The Wishes sheet: every wish of the flex agents for the plan's days, what the plan gives that
day and whether it was granted, and per agent how many were granted and refused (wishes.csv)."""

from __future__ import annotations

import pandas as pd

from planner.output.excel.cells import COUNT, DATE, frame_sheet, header, plain_column, put, put_rows, widths
from planner.output.excel.sheet import Sheet, Style
from planner.runs import PlanRun

WISH_COLUMNS = (("agent_id", "agent", None), ("name", "name", None), ("date", "date", DATE),
                ("wish", "wish", None), ("weight", "weight, RUB", COUNT), ("planned", "planned", None),
                ("granted", "granted", None))
AGENT_COLUMNS = ("agent", "name", "wishes", "granted", "refused")
GRANTED = Style(fill="C6EFCE", color="006100", align="center")
REFUSED = Style(fill="FFC7CE", color="9C0006", align="center")


def write_wishes_sheet(sh: Sheet, run: PlanRun) -> None:
    """The wishes, one row each (filters on them), and beside them the count per flex agent."""
    wishes = run.schedule.wishes
    names = dict(zip(run.agents["agent_id"].astype(str), run.agents.get("name", run.agents["agent_id"]).astype(str)))
    header(sh, 1, [c[1] for c in WISH_COLUMNS])
    values = {"agent_id": wishes["agent_id"].tolist(), "name": [names.get(str(a), "") for a in wishes["agent_id"]],
              "date": plain_column(wishes["date"]), "wish": wishes["wish"].tolist(),
              "weight": wishes["weight"].tolist(), "planned": wishes["planned"].tolist()}
    row = put_rows(sh, 2, [(values[key], fmt) for key, _, fmt in WISH_COLUMNS[:-1]])
    for i, granted in enumerate(wishes["granted"].astype(bool), start=2):
        put(sh, i, len(WISH_COLUMNS), "yes" if granted else "no", style=GRANTED if granted else REFUSED)
    if row == 1:
        put(sh, 2, 1, "No wish in requests.csv for the plan's days.", style=Style(italic=True))
    frame_sheet(sh, 1, max(row, 2), len(WISH_COLUMNS))
    first = len(WISH_COLUMNS) + 2
    header(sh, 1, list(AGENT_COLUMNS), first_col=first)
    for i, rec in enumerate(per_agent(run).itertuples(index=False), start=2):
        for k, value in enumerate((rec.agent_id, names.get(str(rec.agent_id), ""), rec.wishes, rec.granted,
                                   rec.refused)):
            put(sh, i, first + k, value, COUNT if k >= 2 else None)
    widths(sh, {1: 10, 2: 26, 3: 11, 4: 13, 5: 13, 6: 13, 7: 9, 8: 3, first: 10, first + 1: 26,
                first + 2: 8, first + 3: 8, first + 4: 8})


def per_agent(run: PlanRun) -> pd.DataFrame:
    """Every flex agent of the plan (those without a wish too): wishes, granted, refused."""
    agents = sorted(run.schedule.flex.lines) if run.schedule.flex is not None else []
    w = run.schedule.wishes
    got = w.groupby("agent_id")["granted"].agg(["size", "sum"]) if not w.empty else pd.DataFrame(columns=["size", "sum"])
    got = got.reindex(agents, fill_value=0)
    return pd.DataFrame({"agent_id": agents, "wishes": got["size"].astype(int).to_numpy(),
                         "granted": got["sum"].astype(int).to_numpy(),
                         "refused": (got["size"] - got["sum"]).astype(int).to_numpy()})
