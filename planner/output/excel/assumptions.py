"""The Assumptions sheet: every setting the run used, where it came from, and the calendar facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import pandas as pd

from constraints.calendar import RU_CALENDAR
from constraints.ledger import period_label
from constraints.overtime import accounting_periods
from planner.output.excel.cells import (
    SEPARATOR,
    fitted,
    frame_sheet,
    header,
    widths,
)
from planner.output.excel.days import DASH
from planner.output.excel.sheet import PLAIN, Sheet
from planner.runs import PlanRun
from planner.workspace.config import RotaConfig
from planner.workspace.flex_files import FLEX_DATA


def _in_toml(raw: Mapping[str, Any], *keys: str) -> bool:
    node: Any = raw
    for k in keys:
        if not isinstance(node, Mapping) or k not in node:
            return False
        node = node[k]
    return True


def _show(value: Any) -> Any:
    """A setting as a cell: numbers stay numbers, times HH:MM, lists joined, None 'not set'."""
    if value is None:
        return "not set"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_show(v)) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {_show(v)}"
                         for k, v in value.items() if v not in (None, [], ()))
    return str(value)


Row = tuple[str, str, Any, str, str]   # section, setting, value, source, meaning


@dataclass(frozen=True)
class _Sources:
    """Where each setting came from: the workspace's rota.toml, or the built-in default."""

    raw: Mapping[str, Any]
    toml: str

    @classmethod
    def of(cls, cfg: RotaConfig) -> _Sources:
        defaults = cfg.source == "defaults"
        return cls({} if defaults else cfg.raw, "rota.toml" if defaults else cfg.source)

    def src(self, *keys: str) -> str:
        return self.toml if _in_toml(self.raw, *keys) else "default"

    def model_rows(self, section: str, model: Any, keys: tuple[str, ...],
                   meaning: Mapping[str, str] | None = None) -> list[Row]:
        """One row per field of a settings model, in the model's order."""
        return [(section, ".".join((*keys, name)), _show(value), self.src(*keys, name), (meaning or {}).get(name, ""))
                for name, value in model.model_dump().items()]


_SITE_MEANING = {
    "name": "the site's name, printed on every page",
    "timezone": "every time in the files and the rota is this zone's local wall clock",
}
_DATA_MEANING = {
    "history": "contacts per interval: what the forecast learns from",
    "agents": "who can be scheduled: pattern, shift wish, rate, cycle start, nights allowed",
    "absences": "leave, sick leave and training: no shift on these days",
    "worked": ("hours already worked (the timesheet HR keeps), read when the file is there: the accounting "
               "period's hours before the rota"),
}


def _workspace_rows(cfg: RotaConfig, at: _Sources, run: PlanRun) -> list[Row]:
    rows = (at.model_rows("site", cfg.site, ("site",), _SITE_MEANING)
            + [r for r in at.model_rows("data files", cfg.data, ("data",), _DATA_MEANING)
               if r[1].removeprefix("data.") not in FLEX_DATA])      # flex agents' files: the rota does not read them
    fc = run.forecast
    if fc is not None and len(fc.history.frame):
        last = pd.Timestamp(fc.history.frame["ts"].max())
        gap = (fc.start - last.date()).days - 1
        rows.append(("data files", "history used", f"up to {last:%d.%m.%Y %H:%M}", "history file",
                     f"{gap} day(s) without history before the first day; the forecast carries the last weeks "
                     "across them" if gap > 0 else "the history reaches the first day"))
    return rows


_BACKTEST_MEANING = {
    "origins": "past weeks each method forecasts in turn, to pick the best per series",
    "horizon": "hours each backtest forecast covers",
    "step": "hours between backtest origins",
}


def _forecast_rows(cfg: RotaConfig, at: _Sources) -> list[Row]:
    fc = cfg.forecast
    rows: list[Row] = [
        ("forecast", "forecast.methods", _show(fc.methods), at.src("forecast", "methods"),
         "blend: daily_profile and the 4-week mean weighted on 8 weeks; best: each series' method "
         "picked by backtest"),
        ("forecast", "forecast.country", _show(fc.country), at.src("forecast", "country"),
         "holidays and transferred days off shaping the volume"),
    ]
    rows += at.model_rows("forecast", fc.backtest, ("forecast", "backtest"), _BACKTEST_MEANING)
    for i, ev in enumerate(fc.events):
        d = {k: v for k, v in ev.model_dump().items() if k != "name" and v not in (None, [], (), 0)}
        rows.append(("forecast", f"forecast.events[{i}]", f"{ev.name}: {_show(d)}", at.src("forecast", "events"),
                     "sales event learnt from the history"))
    return rows


_MODELS = {
    "erlang_c": "phone, Erlang C: every caller waits until answered",
    "erlang_a": "phone, Erlang A: callers hang up after patience_s on average",
    "chat": "chat: a seat runs `concurrency` sessions at once",
    "email": "e-mail: answered within response_h, not queued",
}
_CHANNEL_MEANING = {
    "aht_s": "handle time of a contact, s, where the history gives none",
    "shrinkage": "share of paid time off the queue for this channel",
    "max_occupancy": "busiest an agent of this channel may be",
    "answer_s": "answered within this many seconds counts as in time",
    "sl_target": "share of contacts to answer in time",
    "patience_s": "mean wait before a caller hangs up, s",
    "concurrency": "chat sessions a seat handles at once",
    "response_h": "hours within which a mail must be answered",
}


def _channel_meaning(field: str, value: Any) -> str:
    """What a channel setting means; an unset one says what is used instead."""
    if field == "model":
        return _MODELS.get(str(value), "how the channel is staffed")
    if value is None and field in ("shrinkage", "max_occupancy"):
        return "not set: the [staffing] value"
    if value is None:
        return f"not set: not used by this channel's model ({_CHANNEL_MEANING.get(field, field)})"
    return _CHANNEL_MEANING.get(field, "")


def _staffing_rows(cfg: RotaConfig, at: _Sources) -> list[Row]:
    st = cfg.staffing
    rows: list[Row] = [
        ("staffing", "staffing.shrinkage", st.shrinkage, at.src("staffing", "shrinkage"),
         "share of paid time off the phones: required / (1 − shrinkage)"),
        ("staffing", "staffing.max_occupancy", st.max_occupancy, at.src("staffing", "max_occupancy"),
         "busiest an agent may be"),
        ("staffing", "staffing.plan_quantile", st.plan_quantile, at.src("staffing", "plan_quantile"),
         "each hour is staffed for this quantile of its forecast rate, spread by the forecast's own error"),
    ]
    for name, ch in st.channels.items():
        dumped = ch.model_dump()
        order = ["model"] + [f for f in dumped if f not in ("model", "periods")] + ["periods"]
        for field, value in ((f, dumped[f]) for f in order if f in dumped):
            key = ("channels", name, field)
            if field == "periods":
                for i, p in enumerate(ch.periods):
                    over = {k: v for k, v in p.model_dump().items() if k not in ("start", "end") and v is not None}
                    rows.append(("staffing", f"channels.{name}.periods[{i}]", f"{p.start}{DASH}{p.end}: {_show(over)}",
                                 at.src(*key), "other targets for part of the day"))
                continue
            rows.append(("staffing", ".".join(key), _show(value), at.src(*key), _channel_meaning(field, value)))
    return rows


def _rota_shape_rows(cfg: RotaConfig, at: _Sources) -> list[Row]:
    """Shift templates and the cycles of every pattern."""
    rows: list[Row] = []
    for name, t in cfg.book.templates.items():
        key = ("shifts", name)
        rows.append(("shifts", f"shifts.{name}.starts", _show(list(t.starts)), at.src(*key, "starts"),
                     "start times the planner may choose"))
        rows.append(("shifts", f"shifts.{name}.length_h", t.length_h, at.src(*key, "length_h"), "hours on site"))
        rows.append(("shifts", f"shifts.{name}.break_h", t.break_h, at.src(*key, "break_h"),
                     f"unpaid break: {t.paid_h:g} paid hours"))
    for name, p in cfg.book.patterns.items():
        for v in p.variants:
            cycle = ", ".join(t if t not in (None, "off") else "off" for t in v.cycle)
            rows.append(("patterns", f"patterns.{name}.variants.{v.name}", cycle, at.src("patterns", name),
                         f"{len(v.cycle)}-day cycle, {v.work_days} work days"))
    return rows


def _labour_rows(cfg: RotaConfig, at: _Sources) -> list[Row]:
    """Each labour rule in words with the settings behind it; rules of the law itself say so."""
    rows: list[Row] = []
    covered: set[str] = set()
    for rule in cfg.labour.rules():
        text_key, text, fields = rule.name, rule.text, rule.settings
        covered.update(fields)
        if not fields:  # a rule of the law, not a setting
            rows.append(("labour rules", text_key, text, "law", "always kept; no setting changes it"))
            continue
        value = (_show(getattr(cfg.labour, fields[0])) if len(fields) == 1
                 else DASH.join(str(_show(getattr(cfg.labour, f))) for f in fields))
        source = at.toml if any(_in_toml(at.raw, "labour", f) for f in fields) else "default"
        rows.append(("labour rules", "labour." + "/".join(fields), value, source, f"{text_key}: {text}"))
    for name, value in cfg.labour.model_dump().items():
        if name not in covered:
            rows.append(("labour rules", f"labour.{name}", _show(value), at.src("labour", name),
                         "a labour setting no rule above uses"))
    return rows


_PAY_MEANING = {
    "night_premium": "extra share of the rate per night hour (art. 154: at least 0.20)",
    "night_start": "night hours, paid the premium, begin (art. 96: 22:00)",
    "night_end": "night hours end (art. 96: 06:00)",
    "overtime_first_hours": "overtime hours paid at the first multiplier, the rest at the later one",
    "holiday_multiplier": "pay of an hour on an art. 112 holiday (art. 153: at least 2)",
    "overtime_first_multiplier": "first overtime hours (art. 152)",
    "overtime_after_multiplier": "later overtime hours (art. 152)",
    "overtime_cap_year_h": "art. 99",
    "accounting_period": "summed accounting of hours (art. 104)",
    "hours_per_week": "art. 91; the norm is derived from it",
}
_OBJECTIVE_MEANING = {
    "missed_contact_rub": "price of a contact that misses its service target",
    "min_missed_per_agent": "each missing agent counts as at least this many missed contacts",
    "empty_hour_rub": "extra price of an hour that needs agents and has nobody",
    "over_staffing_rub_h": "price of an agent-hour above need",
    "max_shortfall_steps": "missing agents of an hour priced one by one up to this many",
    "changed_shift_rub": "price of changing a published shift (a re-plan with --published; art. 103)",
}
_SOLVER_MEANING = {
    "time_limit_s": "longest the rota is searched for, s",
    "workers": "processor threads the solver uses",
    "seed": "the solver's random seed: the same seed, the same rota",
    "deterministic_time": "a work limit instead of seconds: the same rota on any machine",
    "gap_limit": "stop once the rota is proven this close to the best possible",
}


def _money_and_solver_rows(cfg: RotaConfig, at: _Sources) -> list[Row]:
    return (at.model_rows("pay", cfg.pay, ("pay",), _PAY_MEANING)
            + at.model_rows("solver", cfg.solver, ("solver",), _SOLVER_MEANING)
            + at.model_rows("objective", cfg.objective, ("objective",), _OBJECTIVE_MEANING))


def _calendar_rows(run: PlanRun) -> list[Row]:
    """The production-calendar facts of the horizon: holidays, shortened days, norms."""
    cfg, s = run.cfg, run.schedule
    first, last = s.start, s.start + timedelta(days=s.days - 1)
    cal = "production calendar"
    hpw = cfg.pay.hours_per_week
    rows: list[Row] = [("calendar", "horizon", f"{first:%d.%m.%Y}{DASH}{last:%d.%m.%Y} ({s.days} days)", "run",
                         "the days this rota plans")]
    hols = RU_CALENDAR.holidays_between(first, last)
    rows.append(("calendar", "art. 112 holidays in the horizon",
                 "; ".join(f"{d:%d.%m.%Y} {n}" for d, n in hols.items()) or "none", cal,
                 "work on these days is paid at the holiday multiplier, 00:00–24:00 of the day"))
    days = RU_CALENDAR.days(first, last, hpw)
    short = [d for d, sh in zip(days["date"], days["shortened"]) if sh]
    rows.append(("calendar", "shortened pre-holiday days", "; ".join(f"{d:%d.%m.%Y}" for d in short) or "none",
                 cal, "one hour shorter in the norm (art. 95)"))
    rows.append(("calendar", "working days of the 5-day week", int(days["working"].sum()), cal,
                 "transferred days off included; for rota staff weekends are ordinary days"))
    spans = accounting_periods(first, last, cfg.pay.accounting_period)
    rows.append(("calendar", "accounting periods", "; ".join(
        f"{period_label(p0, cfg.pay.accounting_period)} ({p0:%d.%m}{DASH}{p1:%d.%m.%Y}, "
        f"{RU_CALENDAR.norm_h(p0, p1, hpw):g} h, {'settled' if p1 <= last else 'goes on after the rota'})"
        for p0, p1 in spans), cal,
        (f"summed accounting by {cfg.pay.accounting_period} (art. 104): hours are held against the whole period's "
         "norm less the norm hours of the working days inside an absence (order 588н); overtime is settled only "
         "for a period the rota ends, its hours before the rota included")))
    month = date(first.year, first.month, 1)
    while month <= last:
        rows.append(("calendar", f"norm of {month:%m.%Y}, h", RU_CALENDAR.month_norm_h(month.year, month.month, hpw),
                     cal, "the whole month, for the monthly accounting period"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return rows


_CONVENTIONS: tuple[Row, ...] = (
    ("conventions", "day of a shift", "the day it starts (rota); its hours on the day worked (timesheet)", "rota",
     "a night shift is split at midnight in timesheet.csv and pay.csv, so its hours may fall in two months"),
    ("conventions", "unpaid break", "taken from the part of the shift with more hours", "rota",
     "the later part on a tie; night hours of a day are at most its worked hours"),
    ("conventions", "art. 96 night hour", "credited as worked, on the day the break is taken from", "rota",
     ("a shift at least half at night keeps its time on site and is paid and counted 1 h more, unless the "
      "agent was hired for night work (hired_for_nights) or labour.shorter_night_shifts is false")),
    ("conventions", "holiday pay", "art. 112 holidays only", "rota",
     "transferred days off (e.g. 31.12.2026) are paid once"),
    ("conventions", "overtime", "a period's hours − holiday hours above its norm, when the rota ends the period",
     "rota", ("hours worked before the rota (worked.csv, previous rotas) count; a period that goes on after the "
              "rota pays none; holiday hours paid double are not overtime (art. 152 part 3); overtime is spread "
              "over the hours outside holidays and paid on the full hourly pay with their night share (art. 152, "
              "ruling 35-П)")),
)


def assumption_rows(run: PlanRun) -> list[Row]:
    """(section, setting, value, source, meaning) for every setting the run used, and the calendar."""
    cfg = run.cfg
    at = _Sources.of(cfg)
    return [*_workspace_rows(cfg, at, run), *_forecast_rows(cfg, at), *_staffing_rows(cfg, at),
            *_rota_shape_rows(cfg, at), *_labour_rows(cfg, at), *_money_and_solver_rows(cfg, at),
            *_calendar_rows(run), *_CONVENTIONS]


_WIDTHS = {1: 14, 2: 34, 3: 45, 4: 14, 5: 70}


def write_assumptions_sheet(sh: Sheet, run: PlanRun) -> None:
    """Every setting used, with its source (rota.toml or default), and the calendar facts."""
    header(sh, 1, ["section", "setting", "value", "source", "meaning"])
    row = 1
    prev = None
    for section, setting, value, source, meaning in assumption_rows(run):
        row += 1
        plain = PLAIN.but(top=SEPARATOR if section != prev and prev is not None else None)
        fitted(sh, row, {1: (section, None, plain.but(bold=section != prev)), 2: (setting, None, plain),
                         3: (value, None, plain.but(align="left")), 4: (source, None, plain), 5: (meaning, None, plain)},
               {2: _WIDTHS[2], 3: _WIDTHS[3], 5: _WIDTHS[5]})
        prev = section
    frame_sheet(sh, 1, row, 5)
    widths(sh, _WIDTHS)
