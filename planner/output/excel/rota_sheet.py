"""The Rota sheet: agents x days, each cell the shift or the day's code, coloured, with a legend."""

from __future__ import annotations

from constraints.calendar import RU_CALENDAR
from constraints.timesheet import ABSENCE_CODES, DAY_OFF
from planner.output.excel.cells import (
    BOLD,
    GREY_FONT,
    HOLIDAY_FILL,
    TITLE,
    WEEKEND_FILL,
    frame_sheet,
    header,
    note_evening_before,
    period,
    put,
    text_width,
    widths,
)
from planner.output.excel.days import (
    DASH,
    KIND_STYLE,
    DayGrid,
    agent_info,
    day_headers,
    kind_styles,
)
from planner.output.excel.sheet import PLAIN, Sheet
from planner.runs import PlanRun


def write_rota_sheet(sh: Sheet, run: PlanRun, grid: DayGrid) -> None:
    """Agents x days: each cell the shift (08–20, 20–08) or the day's code, coloured by kind."""
    info = agent_info(run)
    skills = dict(zip(run.agents["agent_id"].astype(str), run.agents["skills"])) if "skills" in run.agents else {}
    info["skills"] = [str(skills.get(a) or "all") for a in info["agent_id"]]
    fixed = ["agent_id", "name", "team", "pattern", "skills"]
    first_day = len(fixed) + 1
    note_row, weekday_row, header_row = 1, 2, 3
    days = grid.days
    put(sh, 1, 1, f"Rota {period(run.schedule.start, days[-1])}", style=TITLE)
    put(sh, 2, 1, run.cfg.site.name, style=GREY_FONT)
    put(sh, note_row, len(fixed), "holiday", style=GREY_FONT.but(align="right"))
    put(sh, weekday_row, len(fixed), "weekday", style=GREY_FONT.but(align="right"))
    header(sh, header_row, fixed)
    day_headers(sh, days, first_day, note_row, weekday_row, header_row)
    note_evening_before(sh, days, run.schedule.start, first_day, note_row)

    looks = kind_styles()
    cells = {(a, d): (kind, label) for a, d, kind, label in
             zip(grid.frame["agent_id"], grid.frame["date"], grid.frame["kind"], grid.frame["label"])}
    row = header_row
    for rec in info.itertuples(index=False):
        row += 1
        for k, v in enumerate((rec.agent_id, rec.name, rec.team, rec.pattern, rec.skills)):
            put(sh, row, k + 1, v)
        for k, d in enumerate(days):
            kind, label = cells[(rec.agent_id, d)]
            put(sh, row, first_day + k, label, style=looks[kind])
    last_row = row
    last_col = first_day + len(days) - 1
    frame_sheet(sh, header_row, last_row, last_col, freeze_col=first_day)
    if any(RU_CALENDAR.is_holiday(d) for d in days):  # room for the holiday's name, wrapped
        sh.height(note_row, 36)
    label_w = text_width(grid.frame["label"], lo=6.5, hi=14)
    widths(sh, {1: text_width(info["agent_id"], 9, 16), 2: text_width(info["name"], 12, 34),
                 3: text_width(info["team"], 8, 20), 4: 8.5, 5: text_width(info["skills"], 8, 24),
                 **{first_day + k: label_w for k in range(len(days))}})

    row = last_row + 2
    put(sh, row, 2, "Legend", style=BOLD)
    for sample, kind, meaning in legend_rows(grid):
        row += 1
        put(sh, row, 1, sample, style=looks[kind])
        put(sh, row, 2, meaning)
    row += 1
    put(sh, row, 1, "", style=PLAIN.but(fill=HOLIDAY_FILL))
    mult = run.cfg.pay.holiday_multiplier
    put(sh, row, 2, f"non-working holiday (art. 112 ТК РФ): its hours are paid ×{mult:g} (art. 153)")
    row += 1
    put(sh, row, 1, None, style=PLAIN.but(fill=WEEKEND_FILL))
    put(sh, row, 2, "Saturday, Sunday: ordinary working days for rota staff")
    row += 1
    put(sh, row, 2, "Times are local; a night shift belongs to the day it starts.", style=GREY_FONT)


def legend_rows(grid: DayGrid) -> list[tuple[str, str, str]]:
    """(cell text, kind, meaning) for every shift the rota really has, then every code it shows:
    a legend of made-up times (08–20) would not match the grid above it."""
    f = grid.frame
    rows: list[tuple[str, str, str]] = []
    for kind in ("day", "night"):
        mine = f[(f["kind"] == kind) & ~f["label"].str.contains(",")]
        for label, g in sorted(mine.groupby("label"), key=lambda kv: kv[0]):
            start, end = (t if ":" in t else f"{t}:00" for t in label.split(DASH))
            paid, night = float(g["paid"].iloc[0]), float(g["night"].iloc[0])
            end = "24:00" if end == "00:00" else end          # ends at midnight, not the next morning
            text = f"{kind} shift {start}{DASH}{end}" + (" the next morning" if end < start else "")
            text += f", {paid:g} h paid" + (f", {night:g} of them at night" if night else "")
            rows.append((label, kind, f"{text} ({len(g)} in this rota)"))
    shown = set(f["kind"])
    for kind, (_, _, meaning) in KIND_STYLE.items():
        if kind == "before" and kind in shown:
            rows.append(("", kind, "column 'night before': the nights begun the evening before the first day, "
                                   "which staff its first morning"))
        elif kind not in ("day", "night", "before") and kind in shown:
            rows.append((ABSENCE_CODES.get(kind, DAY_OFF), kind, meaning))
    return rows
