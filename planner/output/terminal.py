"""Everything rota prints on a terminal, in one place: progress bars, warnings and every table
(forecast, backtest, requirements, the run's summary, several sites, scenario comparison, team
size, simulation). Tables are built with rich from plain results, so the stages never format
text and the look of the whole command line can be changed here."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console, Group
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


def horizon_words(first: date, days: int) -> str:
    """A plan's horizon as a team lead says it: "the 31 days of January 2027", "1 week from
    2026-11-23", "10 days from 2026-11-25"."""
    if first.day == 1 and days == calendar.monthrange(first.year, first.month)[1]:
        return f"the {days} days of {first:%B %Y}"
    if days % 7 == 0:
        return f"{days // 7} week{'s' * (days > 7)} from {first}"
    return f"{days} day{'s' * (days > 1)} from {first}"


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
    """WAPE and bias per series and method, the best marked, and how the 80 % interval fared:
    the share of open hours it held (80 % is right) and the pinball loss of p10 and p90."""
    t = Table(title="Backtest per series and method (lower WAPE is better; the 80 % interval should hold 80 %)")
    for col in ("series", "method", "WAPE", "bias", "", "in 80 %", "pinball"):
        t.add_column(col, justify="right" if col in ("WAPE", "bias", "in 80 %", "pinball") else "left")
    for row in scores.itertuples(index=False):
        coverage = f"{row.coverage:.1%}" if pd.notna(row.coverage) else "-"
        pinball = f"{row.pinball:.2f}" if pd.notna(row.pinball) else "-"
        t.add_row(f"{row.channel}/{row.queue}", row.method, f"{row.wape:.3f}", f"{row.bias:+.3f}",
                  "best" if row.best else "", coverage, pinball)
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


SHOWN_AGENTS = 6   # agents named in a cell of the summary, the furthest first; the rest are counted


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
    flex = data.get("flex")
    if flex:
        t.add_row("flex agents", f"{flex['agents_scheduled']} of {flex['agents']}, {flex['paid_hours']:,.0f} h, "
                                 f"RUB {flex['cost']:,.0f}; wishes granted {flex['wishes_granted']} of {flex['wishes']}")
    for p in data.get("period_balance") or []:
        label = f"{p['period']} balance{'' if p['settled'] else ' (projected)'}"
        if p.get("hours_before_given", True):
            t.add_row(label, _balance_text(p))
        else:   # worked.csv and the previous rotas miss the period's first days: they count as not worked
            since = date.fromisoformat(p.get("hours_before_from") or data["start"])
            t.add_row(label, f"not known: no hours before {since:%d.%m} (worked.csv, --previous)")
    heading = data.get("overtime_projected_year_h") or {}
    if heading:   # art. 99: overtime_ytd_h plus the plan's periods projected to their ends pass the cap
        worst = sorted(heading.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN_AGENTS]
        named = [f"{a} ({h:,.0f} h)" for a, h in worst]
        more = len(heading) - len(named)
        t.add_row(f"above {data['overtime_yearly_cap_h']:g} h overtime (projected)",
                  ", ".join(named) + (f" and {more} more (summary.json)" if more else ""))
    t.add_row("labour-rule violations", str(data["violations"]))
    return t


def sites_table(sites: pd.DataFrame) -> Group:
    """Several sites planned at once (`planner.sites.sites_frame`), a row each, in 80 columns: the
    time zone its times are in, agents, solver gap, shortfall, service, pay, rule violations and
    seconds; a site that failed on its input has dashes there and its one line below."""
    from rich.text import Text

    t = Table(title="Sites (times are each site's local time)", box=box.SIMPLE_HEAD, pad_edge=False,
              collapse_padding=True, show_edge=False)
    t.add_column("site", overflow="fold")   # a long name wraps; the figures never lose a digit
    t.add_column("time zone", no_wrap=True)
    rows = sites.to_dict("records")

    def cell(value: Any, fmt: str) -> str:
        return "–" if value is None or (isinstance(value, float) and np.isnan(value)) else format(value, fmt)

    cells = [(["[red]failed[/]", "", "", "", "", ""] if r["error"] else
              [cell(r["agents"], ",.0f"), cell(r["gap"], ".2%"), cell(r["shortfall_agent_hours"], ",.0f"),
               cell(r["service_level"], ".1%"), cell(r["pay_rub"] / 1e6, ",.2f"), cell(r["violations"], ",.0f")])
             + [f"{r['seconds']:.0f}"] for r in rows]
    for j, head in enumerate(("agents", "gap", "short\nagent-h", "service\nlevel", "pay,\nM RUB", "viol.", "s")):
        wide = max([len(line) for line in head.split("\n")] + [len(Text.from_markup(c[j]).plain) for c in cells])
        t.add_column(head, justify="right", no_wrap=True, min_width=wide)
    for r, c in zip(rows, cells):
        t.add_row(escape(r["site"]), escape(r["timezone"] or "?"), *c)
    notes = [Text(f"{r['site']} failed: {r['error']}", style="red") for r in sites.to_dict("records") if r["error"]]
    return Group(t, *notes)


def _balance_text(p: dict[str, Any]) -> str:
    """`12 above (+85 h), 130 below (−1,234 h)`: agents projected above and below a period's norm."""
    parts = [f"{n} {side} ({sign}{h:,.0f} h)" for n, side, sign, h in (
        (p["agents_above_norm"], "above", "+", p["hours_above_norm"]),
        (p["agents_below_norm"], "below", "−", p["hours_below_norm"])) if n]
    return ", ".join(parts) or "everyone on the norm"


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


def _comparison_cells(df: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(label, one text per scenario) for every figure compared; the change against the base
    below each figure; a service level scored against a scenario's own targets marked with *."""
    heads = [c for c in df.columns if c.startswith("headcount_")]
    thousand = ("k RUB", 1e3, ",.0f")
    spec = [("required agent-h", "required_agent_hours", ("", 1, ",.0f"), True),
            ("scheduled agent-h", "scheduled_agent_hours", ("", 1, ",.0f"), True),
            ("short agent-h", "shortfall_agent_hours", ("", 1, ",.0f"), True),
            ("headcount", "headcount", ("", 1, ",.0f"), True),
            *[(f"  on {c.removeprefix('headcount_')}", c, ("", 1, ",.0f"), False) for c in heads],
            ("service level", "service_level", ("pp", 0.01, ".1f"), True),
            ("hours under target", "hours_under_target", ("", 1, ",.0f"), True),
            *[(f"{k.replace('_', ' ')}, k RUB", f"cost_{k}", thousand, k == "total") for k in COST_PARTS],
            ("cost per contact, RUB", "cost_per_contact", ("", 1, ",.2f"), True)]
    own = df["own_targets"].fillna("").astype(bool).tolist() if "own_targets" in df else [False] * len(df)
    rows = []
    for label, col, (unit, div, fmt), with_delta in spec:
        cells = []
        for i, value in enumerate(df[col]):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                cells.append("–")
                continue
            text = f"{value:.1%}" if col == "service_level" else format(float(value) / div, fmt)
            if own[i] and col in ("service_level", "hours_under_target"):
                text += " *"
            d = df[f"delta_{col}"].iloc[i] if with_delta and f"delta_{col}" in df else None
            if i > 0 and d is not None and not np.isnan(d):
                colour = "dim" if abs(d) < 1e-9 else "cyan"
                text += f"\n[{colour}]{_signed(float(d) / div, fmt)}{(' ' + unit) if unit == 'pp' else ''}[/]"
            cells.append(text)
        rows.append((label, cells))
    return rows


def comparison_table(df: pd.DataFrame, width: int = 80) -> Group:
    """Figures as rows, scenarios as columns, the change against the base below each figure.

    As many scenarios as fit in `width` go side by side, each table repeating the base, so that
    no scenario name or figure is broken over lines; a scenario scored against its own service
    targets is marked and named below.
    """
    from rich.text import Text

    rows = _comparison_cells(df)
    names = [str(n) for n in df["scenario"]]
    label_w = max(len(label) for label, _ in rows)

    def width_of(k: int) -> int:
        texts = [Text.from_markup(line).plain for _, cells in rows for line in cells[k].split("\n")]
        return max(len(names[k]), *map(len, texts)) + 3

    chunks: list[list[int]] = []
    for k in range(1, len(names)):
        if chunks and 1 + label_w + 3 + width_of(0) + sum(width_of(j) for j in chunks[-1]) + width_of(k) <= width:
            chunks[-1].append(k)
        else:
            chunks.append([k])
    tables = []
    for n, chunk in enumerate(chunks or [[]]):
        title = "Scenarios against the base (the change below each figure)" if n == 0 else None
        t = Table(title=title)
        t.add_column("", no_wrap=True)
        for k in [0, *chunk]:
            t.add_column(names[k], justify="right", no_wrap=True)
        for label, cells in rows:
            t.add_row(label, *(cells[k] for k in [0, *chunk]))
        tables.append(t)
    notes = [Text(f"* {name} is scored against its own service targets ({why}): its service level and hours "
                  "under target do not compare with the base's.", style="yellow")
             for name, why in zip(names, df.get("own_targets", pd.Series([""] * len(df))).fillna("")) if why]
    return Group(*tables, *notes)


def size_report(res: SizeResult, *, first: date, days: int) -> Group:
    """The question asked first (is today's team enough?), then the smallest team in the mix
    asked for and what it takes from today's team, saying whether hires are for the service or
    only to reach the mix. With --skills, of the agents with that skill set against the service
    of the series they may serve (everyone else stays)."""
    from rich.text import Text

    now = sum(res.today.values())
    horizon = horizon_words(first, days)
    who = "with these skills " if res.skills else ""
    lines: list[Text] = []
    if res.today_level is not None:
        enough = res.enough_today
        if res.skills:
            agents = f"{now} agent who has" if now == 1 else f"{now} agents who have"
            said = (f"with today's {agents} skills {res.skills}, the series they "
                    f"may serve ({', '.join(res.series)}) reach {res.today_level:.1%}")
        else:
            said = f"today's team of {now} reaches {res.today_level:.1%}"
        lines.append(Text(f"{'Yes' if enough else 'No'}: {said} against the {res.target:.0%} target ({horizon}).",
                          style="bold green" if enough else "bold red"))
    mix = ", ".join(f"{p} {share:.0%}" for p, share in res.mix.items())
    split = ", ".join(f"{n} on {p}" for p, n in res.needed.items() if n)
    if res.met:
        lines.append(Text(f"In the mix asked for ({mix}) the fewest {who}that reach it are {res.total}: {split} "
                          f"({res.service_level:.1%})."))
    else:
        lines.append(Text(f"In the mix asked for ({mix}) even {res.total} agents {who}reach only "
                          f"{res.service_level:.1%}.", style="red"))
    hires = ", ".join(f"{n} on {p}" for p, n in res.hire.items() if n)
    if hires and res.enough_today:
        lines.append(Text(f"Hiring {hires} would only bring the team to that mix: for the service itself "
                          "nobody needs to be hired.", style="yellow"))
    elif hires:
        lines.append(Text(f"To reach the target in that mix, hire {hires}{' with these skills' * bool(res.skills)}."))
    if res.skills:
        lines.append(Text("The rest of the team stays as it is in every trial.", style="dim"))
    title = f"Agents with skills {res.skills}" if res.skills else "Team"
    t = Table(title=f"{title} in the mix against today's, {horizon}")
    for col in ("pattern", "today", "in the mix", "hire", "above the mix"):
        t.add_column(col, justify="left" if col == "pattern" else "right")
    for p in dict.fromkeys([*res.needed, *res.today]):
        t.add_row(p, str(res.today.get(p, 0)), str(res.needed.get(p, 0)), str(res.hire.get(p, 0)),
                  str(res.spare.get(p, 0)))
    t.add_row("total", str(now), str(res.total), str(sum(res.hire.values())), str(sum(res.spare.values())),
              style="bold", end_section=True)
    tried = ", ".join(f"{n}: {sl:.1%}" for n, sl in res.tried)
    return Group(*lines, t, Text(f"Teams tried in the mix (agents: service level): {tried}.", style="dim"))


def _pct(v: float, digits: int = 1) -> str:
    return "-" if v is None or not np.isfinite(v) else f"{v:.{digits}%}"


def _day(ts: Any) -> str:
    return f"{pd.Timestamp(ts):%a %d.%m}"


def simulation_verdict(sim: Simulation) -> list[str]:
    """What a team lead asks first: does the rota meet the target, on which days not, and where
    it is weakest (channel and part of the day); a series (channel/queue) below its own target
    over the horizon, routed by skill, is named in the first sentence."""
    checks = sim.checks
    met, days = sim.days_meeting_target()
    if checks is None or not days:
        return ["No service target in requirements.csv: the simulated figures below are not judged."]
    whole = sim.table[sim.table["level"] == "channel"].set_index("channel")["target"]
    targets = ", ".join(f"{ch} {t:.0%}" for ch, t in whole.items() if np.isfinite(t))
    on = f"all {days} days" if met == days and days > 1 else f"{met} of {days} day" + ("s" if days > 1 else "")
    lines = [f"The rota meets the service target on {on} ({targets}; simulated {sim.replications} times)"
             + _short_series(sim, met == days) + "."]
    parts = checks[checks["part"] != ""].assign(missed=lambda c: (c["target"] - c["service_level"]) * c["contacts"])
    for day, g in checks[(checks["part"] == "") & ~checks["met"]].groupby("day"):
        short = ", ".join(f"{r.channel} {_pct(r.service_level)} against {r.target:.0%}" for r in g.itertuples())
        worst = parts[(parts["day"] == day) & ~parts["met"] & parts["channel"].isin(g["channel"])]
        text = f"{_day(day)} is short: {short}"
        if len(worst):
            w = worst.loc[worst["missed"].idxmax()]
            text += (f"; {w['channel']} falls to {_pct(w['service_level'])} on {pd.Timestamp(day):%A} {w['part']} "
                     f"({w['hours']})")
        lines.append(text + ".")
    if met == days and len(parts):
        w = parts.loc[(parts["service_level"] - parts["target"]).idxmin()]
        lines.append(f"Tightest: {_day(w['day'])} {w['part']}, {w['channel']} {_pct(w['service_level'])} "
                     f"against {w['target']:.0%}.")
    return lines


def _span(sim: Simulation) -> str:
    """What the horizon is called: a week when it is 7 days."""
    return "week" if len(sim.table[sim.table["level"] == "day"]) == 7 else "horizon"


def risk_sentence(sim: Simulation) -> str | None:
    """P(week meets target) for the whole plan, in words an analyst can repeat; None without a target."""
    top = sim.horizon()
    p = top["p_meets_target"]
    if not np.isfinite(p):
        return None
    span = _span(sim)
    met = round(p * sim.replications)
    how = ("the forecast missing by its own error, drawn per series and day" if sim.forecast_error is not None
           else "the forecast taken as exact (Poisson noise only)")
    return (f"P({span} meets target) = {p:.2f}: in {met} of {sim.replications} simulated {span}s the service "
            f"level of the whole {span}, all channels together, reached its target of {top['target']:.0%}, "
            f"with {how}.")


def risk_table(sim: Simulation) -> Table:
    """Per channel and series: the share of simulated weeks meeting the target, and the forecast
    error (phi) drawn for each series when it was."""
    span = _span(sim)
    phis = sim.forecast_error
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
              title=f"Chance the {span} meets its target" + (" (forecast error drawn)" if phis is not None else ""))
    for col in ("", f"P({span} meets target)", f"{span}s met", *(["forecast error (phi)"] if phis is not None else [])):
        t.add_column(col, justify="left" if not col else "right", no_wrap=True)

    def add(name: str, r: pd.Series, series: str | None, style: str | None = None) -> None:
        p = r["p_meets_target"]
        known = np.isfinite(p)
        phi = [f"{phis[series]:.3f}" if series in phis else ""] if phis is not None else []
        t.add_row(escape(name), f"{p:.2f}" if known else "-",
                  f"{round(p * sim.replications)} of {sim.replications}" if known else "-", *phi, style=style)

    table, shown = sim.table, sim.shown_series()
    for _, r in table[table["level"] == "channel"].iterrows():
        ch = r["channel"]
        mine = shown[shown["channel"] == ch]
        sole = table[(table["level"] == "series") & (table["channel"] == ch)]["queue"]
        add(ch, r, f"{ch}/{sole.iloc[0]}" if mine.empty and len(sole) == 1 else None)
        for _, q in mine.iterrows():
            add(f"  {q['queue']}", q, f"{ch}/{q['queue']}")
    add("all", sim.horizon(), None, style="bold")
    return t


def _short_series(sim: Simulation, all_days: bool, most: int = 3) -> str:
    """', but routed by skill chat/en falls short over the week (41.3% against 80%)', or ''.

    A series that is its channel's only one is left out: its channel is judged already."""
    short = list(sim.short_series(sole=False).itertuples(index=False))
    if not short:
        return ""
    span = _span(sim)
    how = "routed by skill " if sim.routing == "skills" else ""
    named = [f"{r.channel}/{r.queue} ({_pct(r.service_level)} against {r.target:.0%})" for r in short[:most]]
    if len(short) > most:
        named.append(f"{len(short) - most} more")
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    verb = "falls" if len(short) == 1 else "fall"
    return f", {'but' if all_days else 'and'} {how}{listed} {verb} short over the {span}"


def _difference(sim: Simulation) -> str:
    """Which figure to trust, and why the simulation and Erlang differ on this rota."""
    rows = sim.table[sim.table["level"] == "channel"]
    top = sim.horizon()
    gap = top["service_level"] - top["predicted_service_level"]
    routed = sim.routing == "skills"
    text = ("Trust the simulated figure: it follows every contact through the rota's real shift times, "
            + ("to an agent who may serve its series, " if routed else "")
            + "queues carrying over from hour to hour, callers hanging up and chat seats running several "
            "sessions; Erlang (the plan's expected service level, "
            + ("per series in coverage_by_queue.csv" if routed else "coverage.csv")
            + ") takes each hour as a steady state of its own.")
    if not np.isfinite(gap):
        return text
    known = rows[rows["predicted_service_level"].notna()]
    if known.empty:
        return text
    share = (known["service_level"] - known["predicted_service_level"]) * known["arrivals"]
    share = share[np.sign(share) == np.sign(gap)]      # "most of it" is on the side of the whole gap
    text += f" Here the simulation is {abs(gap) * 100:.1f} pp {'above' if gap >= 0 else 'below'} Erlang"
    if share.empty:
        return text + "."
    r = known.loc[share.abs().idxmax()]
    d = r["service_level"] - r["predicted_service_level"]
    noise = (r["service_level_high"] - r["service_level_low"]) / 2
    if abs(d) <= noise:
        return text + ", within the simulation's own noise."
    model = sim.channels.get(r["channel"], "")
    if d < 0:
        why = "a queue built up in a short-staffed hour carries over into the next one, which the formula starts empty"
    elif model == "chat":
        why = (f"a seat runs {sim.concurrency.get(r['channel'], 1):g} sessions side by side and answers sooner than "
               "the formula's one fast agent, so the formula is on the safe side for chat")
    else:
        why = ("agents finish the contact in hand after their hour and a quiet hour clears the queue early, "
               "which the formula's steady hours do not count")
    return text + f", most of it in {r['channel']} ({d * 100:+.1f} pp): {why}."


def simulation_report(sim: Simulation) -> Group:
    """The answer first (target met on how many days, where not, which series falls short), then
    the days by channel, then each channel (and its queues where it has several or contacts are
    routed by skill) beside Erlang and the target with waits, hang-ups and occupancy, and which
    figure to trust."""
    from rich.text import Text

    t = sim.table
    checks = sim.checks if sim.checks is not None else pd.DataFrame(columns=["day", "part", "channel", "met"])
    whole = checks[checks["part"] == ""]
    channels = list(t.loc[t["level"] == "channel", "channel"])
    days = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 title="Answered in time, by day (simulated)")
    for col in ("", "contacts", *channels, "all", "verdict"):
        days.add_column(col, justify="left" if col in ("", "verdict") else "right", no_wrap=col != "verdict")
    daily = {(r.day, r.channel): r for r in whole.itertuples()}
    for r in t[t["level"] == "day"].itertuples(index=False):
        cells = []
        for ch in channels:
            c = daily.get((pd.Timestamp(r.ts), ch))
            value = _pct(c.service_level) if c is not None else "-"
            cells.append(value if c is None or c.met else f"[red]{value}[/]")
        mine = whole[whole["day"] == pd.Timestamp(r.ts)]
        verdict = ("-" if mine.empty else "met" if mine["met"].all()
                   else "[red]short: " + ", ".join(mine.loc[~mine["met"], "channel"]) + "[/]")
        days.add_row(_day(r.ts), f"{r.arrivals:,.0f}", *cells, _pct(r.service_level), verdict)
    met, n = sim.days_meeting_target()
    per_channel = t[t["level"] == "channel"].set_index("channel")
    top = sim.horizon()
    days.add_row("week" if n == 7 else "horizon", f"{top['arrivals']:,.0f}",
                 *[_pct(per_channel.loc[ch, "service_level"]) for ch in channels], _pct(top["service_level"]),
                 f"{met} of {n} day{'s' if n > 1 else ''}" if n else "-", style="bold", end_section=True)

    shown, below = sim.shown_series(), sim.short_series()
    short = set(zip(below["channel"], below["queue"]))
    detail = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                   title="Each channel" + (" and queue" if len(shown) else "") + " over the horizon"
                         + (", routed by skill" if sim.routing == "skills" else ""))
    for col in ("", "simulated", "95 % range", "Erlang", "target", "wait", "hung up", "busy"):
        detail.add_column(col, justify="left" if not col else "right", no_wrap=True)
    rows = []
    for ch in channels:
        rows.append((ch, per_channel.loc[ch], False))
        rows += [(f"  {r['queue']}", r, (ch, r["queue"]) in short) for _, r in shown[shown["channel"] == ch].iterrows()]
    for name, r, below in [*rows, ("all", top, False)]:
        band = f"{r['service_level_low'] * 100:.1f}–{r['service_level_high'] * 100:.1f}%"
        wait = "-" if not np.isfinite(r["asa_s"]) else f"{r['asa_s']:,.0f} s"
        level = f"[red]{_pct(r['service_level'])}[/]" if below else _pct(r["service_level"])
        detail.add_row(escape(name), level, band, _pct(r["predicted_service_level"]), _pct(r["target"], 0), wait,
                       _pct(r["abandonment"]), _pct(r["occupancy"], 0), style="bold" if name == "all" else None)
    lines = simulation_verdict(sim)
    head = Text(lines[0], style="bold")
    rest = [Text(line, style="" if line.startswith("Tightest") else "red") for line in lines[1:]]
    settings = (f"{sim.replications} replications, seed {sim.seed}, handle times {sim.aht_dist}"
                + (f" CV {sim.cv:g}" if sim.aht_dist == "lognormal" else "")
                + (", routed by skill" if sim.routing == "skills" else "")
                + (", the forecast's error drawn per series and day" if sim.forecast_error is not None
                   else ", no forecast error"))
    words = Text("Short: below the target beyond the simulation's 95 % interval. Wait: mean time to answer; "
                 "hung up: callers who gave up; busy: share of the agents' time on contacts"
                 + (" (routed by skill, agents are shared: only for all)" if sim.routing == "skills" else "") + ". "
                 f"{settings}.", style="dim")
    risk = risk_sentence(sim)
    chance = [Text(risk, style="bold"), risk_table(sim)] if risk else []
    return Group(head, *rest, Text(""), days, detail, *chance, Text(_difference(sim)), words)
