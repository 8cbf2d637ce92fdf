"""Everything rota prints on a terminal, in one place: progress bars, warnings and every table
(forecast, backtest, requirements, the run's summary, scenario comparison, team size,
simulation). Tables are built with rich from plain results, so the stages never format text and
the look of the whole command line can be changed here."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from planner.output.report import COST_PARTS

if TYPE_CHECKING:   # types only: the analysis results are read, never imported at run time
    from planner.analysis.sizing import SizeResult
    from planner.analysis.simulate import Simulation
    from planner.runs import ForecastResult


# --------------------------------------------------------------------------- progress and warnings


class _SeriesProgress:
    """A transient progress bar over series; call it with each series' name as it is done."""

    def __init__(self, console: Console, what: str, total: int) -> None:
        self._what, self._total = what, total
        self._progress = Progress(TextColumn(f"{what} [cyan]{{task.fields[series]}}"), BarColumn(),
                                  MofNCompleteColumn(), console=console, transient=True)

    def __enter__(self) -> _SeriesProgress:
        self._progress.__enter__()
        self._task = self._progress.add_task(self._what, total=self._total, series="")
        return self

    def __call__(self, name: str) -> None:
        self._progress.update(self._task, advance=1, series=name)

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)


def series_progress(console: Console | None, what: str, total: int) -> Any:
    """A progress bar over `total` series (or nothing without a console), as a context manager."""
    return nullcontext(None) if console is None else _SeriesProgress(console, what, total)


def print_warnings(console: Console | None, warnings: Iterable[str]) -> None:
    """Each warning on its own line, in yellow; text from files is never read as markup."""
    if console is not None:
        for w in warnings:
            console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)


# --------------------------------------------------------------------------- forecasting and staffing


def forecast_table(result: ForecastResult) -> Table:
    """Contacts per series in the horizon, and the method that forecast each."""
    t = Table(title=f"Forecast {result.start} + {result.days} days")
    for col in ("channel", "queue", "method", "contacts", "busiest hour"):
        t.add_column(col, justify="left" if col in ("channel", "queue", "method") else "right")
    picks = result.forecast.attrs.get("methods", {})
    for (ch, q), g in result.forecast.groupby(["channel", "queue"], sort=True):
        t.add_row(ch, q, picks.get(f"{ch}/{q}", ""), f"{g['contacts'].sum():,.0f}", f"{g['contacts'].max():,.0f}")
    return t


def backtest_table(scores: pd.DataFrame) -> Table:
    """WAPE and bias per series and method, the best marked."""
    t = Table(title="Backtest: WAPE and bias per series and method (lower WAPE is better)")
    for col in ("channel", "queue", "method", "WAPE", "bias", ""):
        t.add_column(col)
    for row in scores.itertuples(index=False):
        t.add_row(row.channel, row.queue, row.method, f"{row.wape:.3f}", f"{row.bias:+.3f}", "best" if row.best else "")
    return t


def requirements_table(req: pd.DataFrame) -> Table:
    """Agent-hours needed per channel and queue."""
    t = Table(title="Staffing requirement")
    for col in ("channel", "queue", "contacts", "agent-hours", "scheduled agent-hours", "peak scheduled"):
        t.add_column(col, justify="left" if col in ("channel", "queue") else "right")
    for (ch, q), g in req.groupby(["channel", "queue"], sort=True):
        t.add_row(
            ch, q, f"{g['contacts'].sum():,.0f}", f"{g['agents'].sum():,.0f}",
            f"{g['scheduled_agents'].sum():,.0f}", f"{g['scheduled_agents'].max():,.0f}",
        )
    return t


# --------------------------------------------------------------------------- a scheduling run


def summary_table(data: dict[str, Any]) -> Table:
    """The compact table printed at the end of a run."""
    t = Table(title=f"Rota {data['start']} + {data['days']} days", show_header=False)
    t.add_column("what")
    t.add_column("value", justify="right")
    gap = data["gap"]
    t.add_row("solver", f"{data['status']}, gap {gap:.2%}" if gap is not None else data["status"])
    t.add_row("agents scheduled", f"{data['agents_scheduled']} of {data['agents']}, {data['shifts']} shifts")
    t.add_row("agent-hours required / scheduled",
              f"{data['required_agent_hours']:,.0f} / {data['scheduled_agent_hours']:,.0f}")
    t.add_row("short", f"{data['shortfall_agent_hours']:,.0f} agent-hours in {data['hours_short']} hours")
    if data["service_level"] is not None:
        t.add_row("expected service level", f"{data['service_level']:.1%}")
    t.add_row("hours with nobody on duty", str(data["hours_without_agents"]))
    c = data["cost"]
    t.add_row("pay, RUB", f"{c['total']:,.0f}  (base {c['base']:,.0f}, night {c['night_premium']:,.0f}, "
                          f"holiday {c['holiday_premium']:,.0f}, overtime {c['overtime']:,.0f})")
    t.add_row("against their shift wish", str(len(data["against_preference"])))
    heading = data.get("overtime_projected_year_h") or {}
    if heading:   # art. 99: overtime_ytd_h plus this pace to 31 December passes the yearly cap
        t.add_row(f"above {data['overtime_yearly_cap_h']:g} h overtime this year at this pace",
                  ", ".join(f"{a} ({h:,.0f} h)" for a, h in heading.items()))
    t.add_row("labour-rule violations", str(data["violations"]))
    return t


def queue_table(data: dict[str, Any]) -> Table | None:
    """Service and shortfall per channel and queue (None when the plan has one pooled series)."""
    rows = data.get("by_queue") or []
    if len(rows) < 2:
        return None
    t = Table(title="Per channel and queue", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("series", "service", "short agent-h", "hours nobody may serve"):
        t.add_column(col, justify="left" if col == "series" else "right")
    for r in rows:
        sl = r["service_level"]
        empty = r["hours_without_skill"]
        t.add_row(f"{r['channel']}/{r['queue']}", "–" if sl is None else f"{sl:.1%}",
                  f"{r['shortfall_agent_hours']:,.0f}", f"[red]{empty}[/]" if empty else "0")
    return t


# --------------------------------------------------------------------------- analysis


def _signed(value: float, fmt: str) -> str:
    return "±0" if abs(value) < 1e-9 else format(value, "+" + fmt)


def comparison_table(df: pd.DataFrame) -> Table:
    """Figures as rows, scenarios as columns; under each figure its change against the base."""
    t = Table(title="Scenarios against the base (change against the base below each figure)")
    t.add_column("", no_wrap=True)
    for name in df["scenario"]:
        t.add_column(str(name), justify="right", overflow="fold")
    heads = [c for c in df.columns if c.startswith("headcount_")]
    thousand = ("k RUB", 1e3, ",.0f")
    spec = [("required agent-h", "required_agent_hours", ("", 1, ",.0f"), True),
            ("scheduled agent-h", "scheduled_agent_hours", ("", 1, ",.0f"), True),
            ("headcount", "headcount", ("", 1, ",.0f"), True),
            *[(f"  on {c.removeprefix('headcount_')}", c, ("", 1, ",.0f"), False) for c in heads],
            ("service level", "service_level", ("pp", 0.01, ".1f"), True),
            ("hours under target", "hours_under_target", ("", 1, ",.0f"), True),
            *[(f"{k.replace('_', ' ')}, k RUB", f"cost_{k}", thousand, k == "total") for k in COST_PARTS],
            ("cost per contact, RUB", "cost_per_contact", ("", 1, ",.2f"), True)]
    for label, col, (unit, div, fmt), with_delta in spec:
        cells = []
        for i, value in enumerate(df[col]):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                cells.append("–")
                continue
            text = f"{value:.1%}" if col == "service_level" else format(float(value) / div, fmt)
            d = df[f"delta_{col}"].iloc[i] if with_delta and f"delta_{col}" in df else None
            if i > 0 and d is not None and not np.isnan(d):
                colour = "dim" if abs(d) < 1e-9 else "cyan"
                text += f"\n[{colour}]{_signed(float(d) / div, fmt)}{(' ' + unit) if unit == 'pp' else ''}[/]"
            cells.append(text)
        t.add_row(label, *cells)
    return t


def size_table(res: SizeResult, target: float, weeks: int, first: Any) -> Table:
    """Agents needed per pattern against today's team, and whom to hire."""
    who = f"Agents with skills {res.skills} for {target:.0%} service on {', '.join(res.series)}" if res.skills \
        else f"Team for {target:.0%} service level"
    t = Table(title=f"{who}, {weeks} week(s) from {first}")
    for col in ("pattern", "needed", "now", "hire"):
        t.add_column(col, justify="left" if col == "pattern" else "right")
    for p, n in res.needed.items():
        t.add_row(p, str(n), str(res.current.get(p, 0)), str(res.hire[p]))
    t.add_row("total", str(res.total), str(sum(res.current.values())), str(sum(res.hire.values())))
    return t


def simulation_table(sim: Simulation) -> Table:
    """Horizon, channel, series and day figures with their 95 % intervals, for the terminal.

    A channel's series are listed under it when it has more than one, or when contacts are
    routed by skill."""

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
              title=f"Service level, simulated: {sim.replications} replications, seed {sim.seed}, "
                    f"handle times {sim.aht_dist}" + (f" CV {sim.cv:g}" if sim.aht_dist == "lognormal" else "")
                    + (", routed by skill" if sim.routing == "skills" else ""))
    for col in ("", "contacts", "Erlang", "simul.", "95 % CI", "ASA s", "aband.", "occup."):
        t.add_column(col, justify="left" if not col else "right", no_wrap=True)

    def pct(v: float) -> str:
        return "-" if not np.isfinite(v) else f"{v:.1%}"

    table = sim.table
    rows = [r for r in table[table["level"] == "day"].itertuples(index=False)]
    series = table[table["level"] == "series"]
    for r in table[table["level"] == "channel"].itertuples(index=False):
        mine = list(series[series["channel"] == r.channel].itertuples(index=False))
        rows += [r] + (mine if len(mine) > 1 or sim.routing == "skills" else [])
    rows += list(table[table["level"] == "horizon"].itertuples(index=False))
    for r in rows:
        label = {"day": f"{pd.Timestamp(r.ts):%a %d.%m}", "channel": f"  {r.channel}",
                 "series": f"    {r.queue}", "horizon": "horizon"}[r.level]
        t.add_row(label, f"{r.arrivals:,.0f}", pct(r.predicted_service_level),
                  pct(r.service_level), f"{r.service_level_low:.1%}–{r.service_level_high:.1%}".replace("%–", "–"),
                  "-" if not np.isfinite(r.asa_s) else f"{r.asa_s:,.0f}", pct(r.abandonment), pct(r.occupancy),
                  end_section=r.level == "horizon")
    return t
