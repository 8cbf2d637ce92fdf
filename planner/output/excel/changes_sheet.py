"""The Changes sheet of a re-plan against the published rota: every day whose shift changed, for
the agent's agreement (art. 103), with the reason."""

from __future__ import annotations

from planner.output.excel.cells import DATE, frame_sheet, header, plain_column, put, put_rows, widths
from planner.output.excel.sheet import Sheet, Style
from planner.runs import PlanRun

CHANGE_COLUMNS = (("agent_id", "agent", None), ("name", "name", None), ("date", "date", DATE),
                  ("published", "published shift", None), ("planned", "planned shift", None),
                  ("reason", "reason", None), ("agreed", "agreed (signature)", None))
REASONS = {"demand": "the forecast needs it", "norm": "day off for the month's norm (art. 104)"}


def write_changes_sheet(sh: Sheet, run: PlanRun) -> None:
    """One row per agent and day whose shift differs from the published rota (empty = no shift)."""
    changes = run.schedule.changes
    names = dict(zip(run.agents["agent_id"].astype(str), run.agents.get("name", run.agents["agent_id"]).astype(str)))
    header(sh, 1, [c[1] for c in CHANGE_COLUMNS])
    values = {"agent_id": changes["agent_id"].tolist(), "name": [names.get(str(a), "") for a in changes["agent_id"]],
              "date": plain_column(changes["date"]), "published": [p or "day off" for p in changes["published"]],
              "planned": [p or "day off" for p in changes["planned"]],
              "reason": [REASONS.get(r, r) for r in changes["reason"]], "agreed": [""] * len(changes)}
    row = put_rows(sh, 2, [(values[key], fmt) for key, _, fmt in CHANGE_COLUMNS])
    if row == 1:
        put(sh, 2, 1, "No change: the re-plan keeps every published shift.", style=Style(italic=True))
    frame_sheet(sh, 1, max(row, 2), len(CHANGE_COLUMNS))
    widths(sh, {1: 10, 2: 26, 3: 11, 4: 15, 5: 15, 6: 34, 7: 20})
