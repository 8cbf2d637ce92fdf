"""Scenario results side by side: one row per scenario with its change against the base, as
comparison.csv, comparison.xlsx and comparison.png (the terminal table is in
`planner.output.terminal`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from common.files import write_csv
from planner.analysis.scenarios import ScenarioResult
from planner.output.report import COST_PARTS

# the figures compared against the base: column -> (label, number format in Excel)
DELTAS = {
    "required_agent_hours": ("required agent-h", "#,##0"),
    "scheduled_agent_hours": ("scheduled agent-h", "#,##0"),
    "shortfall_agent_hours": ("short agent-h", "#,##0"),
    "headcount": ("headcount", "0"),
    "service_level": ("service level", "0.0%"),
    "hours_under_target": ("hours under target", "0"),
    "cost_total": ("cost total, RUB", "#,##0"),
    "cost_per_contact": ("cost per contact, RUB", "#,##0.00"),
}


def comparison_frame(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """One row per scenario (the first is the base) with `delta_*` columns against it."""
    patterns = sorted({p for r in results for p in r.headcount})
    rows = []
    for r in results:
        s = r.summary
        row = {"scenario": r.name, "description": r.description, "status": s["status"],
               "contacts": s["contacts"], "required_agent_hours": s["required_agent_hours"],
               "scheduled_agent_hours": s["scheduled_agent_hours"],
               "shortfall_agent_hours": s["shortfall_agent_hours"],
               "headcount": sum(r.headcount.values())}
        row.update({f"headcount_{p}": r.headcount.get(p, 0) for p in patterns})
        row.update({"service_level": s["service_level"], "target": r.target,
                    "service_level_comparable": not r.own_targets, "own_targets": r.own_targets,
                    "hours_under_target": r.hours_under_target, "hours_short": s["hours_short"]})
        row.update({f"cost_{k}": s["cost"][k] for k in COST_PARTS})
        row["cost_per_contact"] = s["cost_per_contact"]
        rows.append(row)
    df = pd.DataFrame(rows)
    for col in DELTAS:
        values = pd.to_numeric(df[col], errors="coerce")
        df[f"delta_{col}"] = values - values.iloc[0]
    return df


# ------------------------------------------------------------------------------- workbook


def write_comparison_xlsx(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """A one-sheet workbook: one row per scenario, figures then their change against the base."""
    from planner.output.excel.cells import put
    from planner.output.excel.sheet import PLAIN, Book, Style

    book = Book(path)
    sh = book.add_sheet("Comparison")
    heads = [c for c in df.columns if c.startswith("headcount_")]
    cols: list[tuple[str, str, str | None]] = [
        ("scenario", "Scenario", None), ("description", "Description", None),
        ("required_agent_hours", "Required agent-hours", "#,##0"),
        ("scheduled_agent_hours", "Scheduled agent-hours", "#,##0"),
        ("shortfall_agent_hours", "Short agent-hours", "#,##0"),
        ("headcount", "Headcount", "0"),
        *[(c, f"Headcount {c.removeprefix('headcount_')}", "0") for c in heads],
        ("service_level", "Service level", "0.0%"), ("target", "Target (contact-weighted)", "0.0%"),
        ("own_targets", "Own targets (service level not comparable)", None),
        ("hours_under_target", "Hours under target", "0"),
        *[(f"cost_{k}", f"Cost {k.replace('_', ' ')}, RUB", "#,##0") for k in COST_PARTS],
        ("cost_per_contact", "Cost per contact, RUB", "#,##0.00"),
        *[(f"delta_{c}", f"Δ {label}", fmt) for c, (label, fmt) in DELTAS.items()],
    ]
    head = Style(bold=True, fill="DDEBF7", align="center", valign="center", wrap=True)
    put(sh, 1, 1, "Scenarios compared with the base (Δ = scenario − base)", style=Style(bold=True, size=13))
    for j, (col, label, _) in enumerate(cols, start=1):
        put(sh, 3, j, label, style=head)
        sh.width(j, 40 if col == "description" else 30 if col == "own_targets" else 16 if col == "scenario" else 13)
    sh.height(3, 45)
    for i, rec in enumerate(df.to_dict("records"), start=4):
        for j, (col, _, fmt) in enumerate(cols, start=1):
            value = rec[col]
            look = PLAIN.but(bold=j == 1)
            if col.startswith("delta_"):
                look = look.but(fill="F2F2F2")
                if i == 4:
                    value = None   # the base against itself
                elif fmt:
                    fmt = "+" + fmt + ";-" + fmt + ";0"
            if col in ("description", "own_targets"):
                look = look.but(wrap=True, valign="top")
            put(sh, i, j, value, fmt, look)
    sh.freeze(4, 3)
    sh.autofilter(3, 1, 3 + len(df), len(cols))
    book.save()
    return Path(path)


# ---------------------------------------------------------------------------------- chart


def comparison_figure(df: pd.DataFrame) -> Figure:
    """Service level, pay by component and agent-hours per scenario.

    The service-level axis starts at 0, so a bar's height is its level and a few points do not
    look like a collapse; each bar carries its own target (a scenario may set a stricter one) as a
    black tick, and the base's level is a grey dashed line across, labelled as such.
    """
    names = df["scenario"].astype(str).tolist()
    own = df["own_targets"].fillna("").astype(bool).tolist() if "own_targets" in df else [False] * len(names)
    x = np.arange(len(names))
    fig = Figure(figsize=(max(9.0, 1.9 * len(names) + 3), 9.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True)
    sl = pd.to_numeric(df["service_level"], errors="coerce").to_numpy() * 100
    bars = ax1.bar(x, sl, color=["#7f7f7f"] + ["#1f77b4"] * (len(names) - 1))
    ax1.axhline(sl[0], color="#7f7f7f", ls="--", lw=1, label=f"base {sl[0]:.1f} %")
    if "target" in df and pd.to_numeric(df["target"], errors="coerce").notna().any():
        target = pd.to_numeric(df["target"], errors="coerce").to_numpy() * 100
        ax1.hlines(target, x - 0.45, x + 0.45, color="black", lw=2.2, label="target of the scenario")
    for b, v, h, mine in zip(bars, sl, df["hours_under_target"], own):   # inside the bar, clear of the ticks
        inside = v >= 20
        ax1.annotate(f"{v:.1f} %{' *' if mine else ''}\n{h} h under target", (b.get_x() + b.get_width() / 2, v),
                     xytext=(0, -6 if inside else 3), textcoords="offset points", ha="center",
                     va="top" if inside else "bottom", fontsize=8, color="white" if inside else "black")
    ax1.set_ylim(0, 118)
    ax1.set_yticks(range(0, 101, 20))
    ax1.set_ylabel("service level, %")
    title = "Expected service level (contact-weighted)"
    if any(own):
        title += "; * scored against its own, different target"
    ax1.set_title(title)
    ax1.legend(loc="upper right", fontsize=8, ncols=2)
    bottom = np.zeros(len(names))
    colours = {"base": "#4c72b0", "night_premium": "#55a868", "holiday_premium": "#c44e52", "overtime": "#dd8452"}
    for part, colour in colours.items():
        v = df[f"cost_{part}"].to_numpy(float) / 1e6
        ax2.bar(x, v, bottom=bottom, color=colour, label=part.replace("_", " "))
        bottom += v
    ax2.axhline(bottom[0], color="#7f7f7f", ls="--", lw=1)
    for i, (tot, d) in enumerate(zip(bottom, df["delta_cost_total"].to_numpy(float))):
        ax2.annotate(f"{tot:.2f}" + ("" if i == 0 else f"\n({d / 1e6:+.2f})"), (i, tot), ha="center", va="bottom",
                     fontsize=8)
    ax2.set_ylim(0, bottom.max() * 1.25)
    ax2.set_ylabel("pay, million RUB")
    ax2.set_title("Pay by component (change against the base in brackets; dashed: base)")
    ax2.legend(loc="upper left", fontsize=8, ncols=4)
    w = 0.38
    ax3.bar(x - w / 2, df["required_agent_hours"].to_numpy(float), w, color="#c7c7c7", label="required")
    ax3.bar(x + w / 2, df["scheduled_agent_hours"].to_numpy(float), w, color="#2ca02c", label="scheduled")
    ax3.set_ylabel("agent-hours")
    ax3.set_title("Agent-hours required and scheduled")
    ax3.legend(loc="upper left", fontsize=8)
    ax3.set_xticks(x, names)
    for ax in (ax1, ax2, ax3):
        ax.grid(axis="y", alpha=0.3)
    return fig


def write_comparison_png(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """comparison.png: see `comparison_figure`."""
    comparison_figure(df).savefig(path, format="png", dpi=100)
    return Path(path)


def write_comparison(df: pd.DataFrame, out: str | os.PathLike[str]) -> list[Path]:
    """comparison.csv, .xlsx and .png into `out`, all or nothing."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".rota-", dir=out))
    try:
        made = [write_csv(df, staging / "comparison.csv"),
                write_comparison_xlsx(df, staging / "comparison.xlsx"),
                write_comparison_png(df, staging / "comparison.png")]
        written = []
        for p in made:
            os.replace(p, out / p.name)
            written.append(out / p.name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
