"""The Pay sheet: pay.csv per agent (norm, hours, base pay, night and holiday premiums,
overtime, total) with the agent's name and rate, and the totals."""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from planner.output.excel.cells import (
    BOLD,
    GREY_FONT,
    HOURS,
    MONEY,
    TOP_BORDER,
    frame_sheet,
    header,
    put,
    text_width,
    widths,
)
from planner.output.excel.days import agent_info
from planner.runs import PlanRun

PAY_SHEET_COLUMNS = (
    ("agent_id", "agent_id", None), ("name", "name", None), ("team", "team", None), ("pattern", "pattern", None),
    ("rate, RUB/h", "rate_rub_h", MONEY), ("norm h", "norm_hours", HOURS), ("worked h", "worked_hours", HOURS),
    ("night h", "night_hours", HOURS), ("holiday h", "holiday_hours", HOURS),
    ("overtime h", "overtime_hours", HOURS), ("base, RUB", "base", MONEY),
    ("night premium, RUB", "night_premium", MONEY), ("holiday premium, RUB", "holiday_premium", MONEY),
    ("overtime pay, RUB", "overtime", MONEY), ("total, RUB", "total", MONEY),
)
PAY_SUMS = ("worked_hours", "night_hours", "holiday_hours", "overtime_hours", "base", "night_premium",
            "holiday_premium", "overtime", "total")


def pay_table(run: PlanRun) -> pd.DataFrame:
    """pay.csv per agent of the workspace, with name, team, pattern and rate."""
    info = agent_info(run)
    rates = dict(zip(run.agents["agent_id"].astype(str), run.agents["rate_rub_h"])) if "rate_rub_h" in run.agents \
        else {}
    pay = run.schedule.pay.assign(agent_id=run.schedule.pay["agent_id"].astype(str))
    out = info.merge(pay, on="agent_id", how="left")
    for col in (*PAY_SUMS, "norm_hours"):
        out[col] = out[col].fillna(0.0) if col in out else 0.0
    out["rate_rub_h"] = out["agent_id"].map(rates)
    return out


def write_pay_sheet(ws: Worksheet, run: PlanRun) -> None:
    """Per agent base pay, night and holiday premiums, overtime and total; a totals row below."""
    table = pay_table(run)
    header(ws, 1, [c[0] for c in PAY_SHEET_COLUMNS])
    row = 1
    for rec in table.itertuples(index=False):
        row += 1
        for k, (_, key, fmt) in enumerate(PAY_SHEET_COLUMNS):
            put(ws, row, k + 1, getattr(rec, key), fmt)
    last_data = row
    row += 1
    put(ws, row, 1, "Total").font = BOLD
    for k, (_, key, fmt) in enumerate(PAY_SHEET_COLUMNS):
        c = ws.cell(row=row, column=k + 1)
        c.border = TOP_BORDER
        if key in PAY_SUMS:
            put(ws, row, k + 1, round(float(table[key].sum()), 2), fmt).font = BOLD
    frame_sheet(ws, 1, last_data, len(PAY_SHEET_COLUMNS), freeze_col=3)
    info = agent_info(run)
    widths(ws, {1: text_width(info["agent_id"], 9, 16), 2: text_width(info["name"], 12, 34),
                 3: text_width(info["team"], 8, 20), 4: 8.5,
                 **{k: 11 for k in range(5, 11)}, **{k: 15 for k in range(11, len(PAY_SHEET_COLUMNS) + 1)}})
    ws.row_dimensions[1].height = 30
    p = run.cfg.pay
    put(ws, row + 2, 1, (f"Night premium +{p.night_premium:.0%} of the rate per hour {p.night} (art. 154); "
                         f"holiday hours paid ×{p.holiday_multiplier:g} (art. 153); overtime (worked less holiday "
                         f"hours above the norm) ×{p.overtime_first_multiplier:g} for the first "
                         f"{p.overtime_first_hours:g} h, ×{p.overtime_after_multiplier:g} after, on the full hourly "
                         "pay with the night premium (art. 152, ruling 35-П). Premiums are extras on top of "
                         "base pay.")).font = GREY_FONT
