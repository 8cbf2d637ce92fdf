"""The Pay sheet: pay.csv per agent and accounting period (the period's norm, the hours before,
in and projected after the rota, base pay, night and holiday premiums, the overtime of a period
the rota ends, total) with the agent's name and rate, and the totals."""

from __future__ import annotations

import pandas as pd

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
from planner.output.excel.sheet import PLAIN, Sheet
from planner.runs import PlanRun

PAY_SHEET_COLUMNS = (
    ("agent_id", "agent_id", None), ("name", "name", None), ("team", "team", None), ("pattern", "pattern", None),
    ("rate, RUB/h", "rate_rub_h", MONEY), ("period", "period", None), ("settled", "settled_text", None),
    ("period norm h", "period_norm_hours", HOURS), ("hours before", "hours_before", HOURS),
    ("planned h", "planned_hours", HOURS), ("projected h", "projected_period_hours", HOURS),
    ("balance h", "balance", HOURS), ("night h", "night_hours", HOURS), ("holiday h", "holiday_hours", HOURS),
    ("overtime h", "overtime_hours", HOURS), ("projected overtime h", "projected_overtime_hours", HOURS),
    ("base, RUB", "base", MONEY), ("night premium, RUB", "night_premium", MONEY),
    ("holiday premium, RUB", "holiday_premium", MONEY), ("overtime pay, RUB", "overtime", MONEY),
    ("total, RUB", "total", MONEY),
)
PAY_SUMS = ("planned_hours", "night_hours", "holiday_hours", "overtime_hours", "base", "night_premium",
            "holiday_premium", "overtime", "total")
FIRST_MONEY = next(k for k, (_, key, _) in enumerate(PAY_SHEET_COLUMNS, start=1) if key == "base")


def pay_table(run: PlanRun) -> pd.DataFrame:
    """pay.csv per agent of the workspace and accounting period, with name, team, pattern and rate."""
    info = agent_info(run)
    rates = dict(zip(run.agents["agent_id"].astype(str), run.agents["rate_rub_h"])) if "rate_rub_h" in run.agents \
        else {}
    pay = run.schedule.pay.assign(agent_id=run.schedule.pay["agent_id"].astype(str))
    out = info.merge(pay, on="agent_id", how="left")
    numbers = [key for _, key, fmt in PAY_SHEET_COLUMNS if fmt is not None and key != "rate_rub_h"]
    for col in numbers:
        out[col] = out[col].fillna(0.0) if col in out else 0.0
    out["settled_text"] = out["settled"].astype("boolean").fillna(False).map({True: "yes", False: "no, projected"})
    out["rate_rub_h"] = out["agent_id"].map(rates)
    return out


def write_pay_sheet(sh: Sheet, run: PlanRun) -> None:
    """Per agent base pay, night and holiday premiums, overtime and total; a totals row below."""
    table = pay_table(run)
    header(sh, 1, [c[0] for c in PAY_SHEET_COLUMNS])
    row = 1
    keys = [key for _, key, _ in PAY_SHEET_COLUMNS]
    for values in table[keys].itertuples(index=False):
        row += 1
        for k, (_, _, fmt) in enumerate(PAY_SHEET_COLUMNS):
            put(sh, row, k + 1, values[k], fmt)
    last_data = row
    row += 1
    ruled = PLAIN.but(top=TOP_BORDER)
    for k, (_, key, fmt) in enumerate(PAY_SHEET_COLUMNS):
        if k == 0:
            put(sh, row, 1, "Total", style=BOLD.but(top=TOP_BORDER))
        elif key in PAY_SUMS:
            put(sh, row, k + 1, round(float(table[key].sum()), 2), fmt, BOLD.but(top=TOP_BORDER))
        else:
            put(sh, row, k + 1, None, style=ruled)
    frame_sheet(sh, 1, last_data, len(PAY_SHEET_COLUMNS), freeze_col=3)
    info = agent_info(run)
    widths(sh, {1: text_width(info["agent_id"], 9, 16), 2: text_width(info["name"], 12, 34),
                 3: text_width(info["team"], 8, 20), 4: 8.5,
                 5: 10, 6: 9, 7: 13, **{k: 10 for k in range(8, FIRST_MONEY)},
                 **{k: 14 for k in range(FIRST_MONEY, len(PAY_SHEET_COLUMNS) + 1)}})
    sh.height(1, 45)
    p = run.cfg.pay
    notes = (
        (f"Summed accounting by {p.accounting_period} (art. 104): one row per agent and accounting period the rota "
         "touches. Period norm: the whole period's norm less the norm hours of the working days inside an "
         "absence (order 588н). Hours before: worked in the period before the rota (worked.csv, previous rotas); "
         "planned: this rota's; projected: both, plus the agent's cycle continued to the period's end; "
         "balance = projected − norm (negative: under the norm)."),
        ("Overtime is settled only for a period the rota ends (settled = yes): the period's hours, those before "
         "the rota included, less holiday hours, above its norm. A period that goes on after the rota pays no "
         "overtime; projected overtime h is where it heads (art. 99: 120 h a year)."),
        (f"Night premium +{p.night_premium:.0%} of the rate per hour {p.night} (art. 154); holiday hours paid "
         f"×{p.holiday_multiplier:g} (art. 153); overtime ×{p.overtime_first_multiplier:g} for the first "
         f"{p.overtime_first_hours:g} h, ×{p.overtime_after_multiplier:g} after, on the full hourly pay with the "
         "night premium (art. 152, ruling 35-П). Premiums are extras on top of base pay."),
    )
    for k, text in enumerate(notes):
        put(sh, row + 2 + k, 1, text, style=GREY_FONT)
