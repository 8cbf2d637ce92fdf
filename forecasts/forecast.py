"""The forecast stage: hourly history frame in, hourly forecast frame out.

`forecast_frame` forecasts every (channel, queue) series from midnight of `start` for
`days` days, seeing only history before `start`. History may stop days before `start`: the
series is forecast through the gap and only the requested days are returned. With
`methods="best"` each series gets the method that won its own rolling-origin backtest; the
default is `blend` (`forecasts.models.Blend`), which judges its weights on eight weeks instead.
`backtest_frame` is that comparison as a table (`rota backtest`).
`ForecastSettings` is the `[forecast]` section of rota.toml; everything also works with
plain keyword arguments.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Literal, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from forecasts.backtest import DISPERSION_ORIGINS, backtest, best_method, best_pick, score_table
from forecasts.calendar_features import RULES, DayCalendar, Event
from forecasts.intervals import DISPERSION_SUMS, SHORT_HISTORY_DISPERSION, Dispersion, interval, pooled_dispersion
from common.errors import InputError
from forecasts.models import DEFAULT_METHOD, METHODS, ForecastMethod

AHT_WEEKS = 8

KEYS = ["channel", "queue"]


# --------------------------------------------------------------------------------------
# settings


class EventSettings(BaseModel):
    """One `[[forecast.events]]` entry."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    month_day: list[str] = Field(default_factory=list, description='recurring "MM-DD", e.g. "11-11"')
    dates: list[date] = Field(default_factory=list)
    ranges: list[tuple[date, date]] = Field(default_factory=list, description="inclusive [first, last]")
    rule: str | None = Field(None, description=f"built-in rule: {', '.join(RULES)}")
    days_before: int = Field(0, ge=0, le=31)
    days_after: int = Field(0, ge=0, le=31)
    uplift: float | None = Field(None, ge=0, description="effect to assume before any past occurrence")

    @field_validator("month_day", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> "EventSettings":
        if not (self.month_day or self.dates or self.ranges or self.rule):
            raise ValueError(f"event '{self.name}' needs month_day, dates, ranges or rule")
        self.to_event()  # format of month_day, order of ranges, known rule
        return self

    def to_event(self) -> Event:
        return Event(
            self.name,
            dates=tuple(self.dates),
            month_day=tuple(self.month_day),
            ranges=tuple(self.ranges),
            rule=self.rule,
            days_before=self.days_before,
            days_after=self.days_after,
            uplift=self.uplift,
        )


class BacktestSettings(BaseModel):
    """`[forecast.backtest]`: the rolling origins used to score and pick methods."""

    model_config = ConfigDict(extra="forbid")

    origins: int = Field(8, ge=1, le=104)
    horizon: int = Field(168, ge=1, description="hours forecast from each origin")
    step: int = Field(168, ge=1, description="hours between origins")


class ForecastSettings(BaseModel):
    """The `[forecast]` section of rota.toml."""

    model_config = ConfigDict(extra="forbid")

    methods: Literal["best"] | list[str] = Field(
        default_factory=lambda: ["blend"],
        description='the method(s) to forecast with: a list (picked among by backtest when several), or "best" '
                    '= per-series backtest pick among all methods',
    )
    backtest: BacktestSettings = Field(default_factory=BacktestSettings)
    country: str | None = Field("RU", description='holidays country code; "" or "none" = no holidays')
    events: list[EventSettings] = Field(default_factory=list)

    @field_validator("methods")
    @classmethod
    def _known(cls, v: Any) -> Any:
        if isinstance(v, list):
            if not v:
                raise ValueError('methods must not be empty (use "best")')
            unknown = [m for m in v if m not in METHODS]
            if unknown:
                raise ValueError(f"unknown method(s) {unknown}; known: {', '.join(METHODS)}")
        return v

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and v.strip().lower() in ("", "none")):
            return None
        code = str(v).strip().upper()
        DayCalendar(code)  # raises ValueError for an unknown country
        return code

    def calendar(self) -> DayCalendar | None:
        """The day calendar these settings describe (None: no holidays and no events)."""
        if self.country is None and not self.events:
            return None
        return DayCalendar(self.country, tuple(e.to_event() for e in self.events))


# --------------------------------------------------------------------------------------
# the stage


def forecast_frame(
    hourly: pd.DataFrame,
    start: date | str,
    days: int,
    methods: Sequence[str] | str | None = None,
    calendar: DayCalendar | None | Literal["default"] = "default",
    *,
    origins: int | None = None,
    horizon: int | None = None,
    step: int | None = None,
    settings: ForecastSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Hourly forecast `ts, channel, queue, contacts, contacts_p10, contacts_p90, dispersion,
    burstiness` (+ `aht_s` if the history has it) for every series, from local midnight of `start`
    for `days` days, using only history before `start`. p10 and p90 bound the 80 % interval of each
    hour's count: Poisson noise, bursts and the method's own error (`forecasts.intervals`);
    `dispersion` (phi, the rate's error) and `burstiness` (psi) are the series' measured spread
    (`model_dispersion`), so later stages can draw from the same distribution.

    Arguments left out come from `settings` (the `[forecast]` section), else the defaults:
    methods ["blend"], Russian holidays, 8 weekly origins of 168 hours. The method used per
    series is in `result.attrs["methods"]` ("channel/queue" -> name).
    """
    if days < 1:
        raise ValueError("days must be >= 1")
    opts = _options(methods, calendar, origins, horizon, step, settings)
    candidates = opts.pop("candidates")
    calendar = opts.pop("calendar")
    begin = pd.Timestamp(_as_date(start))
    end = begin + pd.Timedelta(days=days)
    has_aht = "aht_s" in hourly.columns
    frames, picks, phis = [], {}, {}
    for (channel, queue), part in _series(hourly):
        if progress is not None:
            progress(f"{channel}/{queue}")
        y = _complete(part, before=begin)
        if y is None:
            raise InputError(f"series {channel}/{queue} has no history before {begin.date()}", column="ts")
        name, tried = _pick(y, candidates, calendar, **opts)
        picks[f"{channel}/{queue}"] = name
        ahead = int((end - y.index[-1]) // pd.Timedelta(hours=1)) - 1
        values = np.asarray(candidates[name].forecast(y, ahead, calendar), dtype=float)
        idx = y.index[-1] + pd.Timedelta(hours=1) * np.arange(1, ahead + 1)
        keep = idx >= begin
        mean = np.maximum(values[keep], 0.0)
        spread = model_dispersion(y, candidates[name], calendar, tried, horizon=opts["horizon"], step=opts["step"])
        phis[f"{channel}/{queue}"] = spread
        p10, p90 = interval(mean, spread, 0.8)
        out = pd.DataFrame({"ts": idx[keep], "channel": channel, "queue": queue, "contacts": mean,
                            "contacts_p10": p10, "contacts_p90": p90, "dispersion": spread.phi,
                            "burstiness": spread.psi})
        if has_aht:
            out["aht_s"] = _aht_forecast(part, begin, out["ts"])
        frames.append(out)
    columns = ["ts", *KEYS, "contacts", "contacts_p10", "contacts_p90", "dispersion", "burstiness"] + (
        ["aht_s"] if has_aht else [])
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    result = result[columns].sort_values([*KEYS, "ts"], kind="stable").reset_index(drop=True)
    result.attrs["methods"] = picks
    result.attrs["dispersion"] = phis
    return result




def model_dispersion(y: pd.Series, method: ForecastMethod, calendar: DayCalendar | None,
                     tried: pd.DataFrame | None = None, *, horizon: int = 168, step: int = 168) -> Dispersion:
    """The method's own error as the negative binomial's phi and psi (`intervals.dispersion`), pooled over
    its last DISPERSION_ORIGINS backtest origins: those of `tried` (the backtest that picked it)
    when given, else a backtest of its own. With less than two weeks of history,
    SHORT_HISTORY_DISPERSION."""
    if tried is None:
        tried = backtest(y, {method.name: method}, origins=DISPERSION_ORIGINS, horizon=horizon, step=step,
                         calendar=calendar, intervals=False)
    mine = tried[tried["method"] == method.name].sort_values("origin").tail(DISPERSION_ORIGINS)
    if mine.empty:
        return SHORT_HISTORY_DISPERSION
    return pooled_dispersion(mine[list(DISPERSION_SUMS)].sum().to_numpy())


def backtest_frame(
    hourly: pd.DataFrame,
    methods: Sequence[str] | str | None = None,
    calendar: DayCalendar | None | Literal["default"] = "default",
    *,
    origins: int | None = None,
    horizon: int | None = None,
    step: int | None = None,
    settings: ForecastSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Backtest every method (or those of `methods`) on every series: `channel, queue, method,
    wape, bias, best, coverage, pinball` (plus `origins, actual, forecast, abs_error`), pooled over
    the origins; `coverage` is the share of open hours the 80 % interval held, `pinball` the mean
    pinball loss of p10 and p90 per hour. Origins, horizon and calendar left out come from
    `settings`, as in `forecast_frame`; the methods do not (the point is to compare them all)."""
    opts = _options("best" if methods is None else methods, calendar, origins, horizon, step, settings)
    candidates = opts.pop("candidates")
    tables = []
    for (channel, queue), part in _series(hourly):
        if progress is not None:
            progress(f"{channel}/{queue}")
        y = _complete(part, before=None)
        if y is None:
            continue
        scores = score_table(backtest(y, candidates, **opts))
        scores.insert(0, "queue", queue)
        scores.insert(0, "channel", channel)
        tables.append(best_pick(scores, by=KEYS))
    cols = [*KEYS, "method", "wape", "bias", "best", "coverage", "pinball", "origins", "actual", "forecast",
            "abs_error"]
    if not tables:
        return pd.DataFrame(columns=cols)
    return pd.concat(tables, ignore_index=True)[cols]


def _options(
    methods: Sequence[str] | str | None,
    calendar: DayCalendar | None | Literal["default"],
    origins: int | None,
    horizon: int | None,
    step: int | None,
    settings: ForecastSettings | None,
) -> dict[str, Any]:
    """Explicit arguments win over `settings`, which win over the defaults."""
    s = settings or ForecastSettings()
    return {
        "candidates": _candidates(s.methods if methods is None else methods),
        "calendar": s.calendar() if isinstance(calendar, str) else calendar,
        "origins": s.backtest.origins if origins is None else origins,
        "horizon": s.backtest.horizon if horizon is None else horizon,
        "step": s.backtest.step if step is None else step,
    }


# --------------------------------------------------------------------------------------
# helpers


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(f"start '{value}' is not a date (YYYY-MM-DD)") from exc


def _candidates(methods: Sequence[str] | str) -> dict[str, ForecastMethod]:
    names = list(METHODS) if methods == "best" else [methods] if isinstance(methods, str) else list(methods)
    unknown = [m for m in names if m not in METHODS]
    if unknown or not names:
        raise ValueError(f"unknown forecast method(s) {unknown}; known: {', '.join(METHODS)}")
    return {m: METHODS[m] for m in names}


def _series(hourly: pd.DataFrame):
    """(channel, queue), rows of that series; checks the columns the contract needs."""
    for col in ("ts", "contacts"):
        if col not in hourly.columns:
            raise InputError(f"hourly history needs a '{col}' column", column=col)
    frame = hourly.copy()
    if "channel" not in frame.columns:
        frame["channel"] = "phone"
    if "queue" not in frame.columns:
        frame["queue"] = "main"
    try:
        frame["ts"] = pd.to_datetime(frame["ts"])
    except (ValueError, TypeError) as exc:
        raise InputError(f"ts is not a date-time: {exc}", column="ts") from exc
    frame["contacts"] = pd.to_numeric(frame["contacts"], errors="coerce")
    if (frame["contacts"] < 0).any():
        row = int(np.flatnonzero((frame["contacts"] < 0).to_numpy())[0]) + 2
        raise InputError("contacts must be >= 0", row=row, column="contacts")
    for key, part in frame.groupby(KEYS, sort=True):
        yield (str(key[0]), str(key[1])), part


def _complete(part: pd.DataFrame, before: pd.Timestamp | None) -> pd.Series | None:
    """The series on a complete hourly grid (missing hours NaN), cut before `before`."""
    s = part.groupby(part["ts"].dt.floor("h"))["contacts"].sum(min_count=1).sort_index()
    if before is not None:
        s = s[s.index < before]
    if s.empty:
        return None
    grid = pd.date_range(s.index[0], s.index[-1], freq="h")
    return s.reindex(grid).astype(float)


def _pick(
    y: pd.Series,
    candidates: dict[str, ForecastMethod],
    calendar: DayCalendar | None,
    *,
    origins: int,
    horizon: int,
    step: int,
) -> tuple[str, pd.DataFrame | None]:
    """The method to forecast with, and the backtest that chose it (None with one candidate)."""
    if len(candidates) == 1:
        return next(iter(candidates)), None
    res = backtest(y, candidates, origins=origins, horizon=horizon, step=step, calendar=calendar, intervals=False)
    default = DEFAULT_METHOD if DEFAULT_METHOD in candidates else next(iter(candidates))
    return best_method(score_table(res), default=default) or default, res


def _aht_forecast(part: pd.DataFrame, begin: pd.Timestamp, ts: pd.Series) -> np.ndarray:
    """Handle time per forecast hour: the contact-weighted mean AHT of the same hour of the
    week over the last weeks before `begin` (then of the same hour of day, then overall)."""
    hist = part[(part["ts"] < begin) & (part["ts"] >= begin - pd.Timedelta(weeks=AHT_WEEKS))]
    hist = hist[np.isfinite(pd.to_numeric(hist["aht_s"], errors="coerce")) & (hist["contacts"] > 0)]
    out = np.full(len(ts), np.nan)
    if hist.empty:
        return out
    t = pd.DatetimeIndex(ts)
    w = hist["contacts"].to_numpy(float)
    a = pd.to_numeric(hist["aht_s"]).to_numpy(float)
    how = pd.DatetimeIndex(hist["ts"])
    frame = pd.DataFrame({"wa": w * a, "w": w, "wd": how.day_of_week, "h": how.hour})
    by_week = frame.groupby(["wd", "h"])[["wa", "w"]].sum()
    by_hour = frame.groupby("h")[["wa", "w"]].sum()
    overall = frame["wa"].sum() / frame["w"].sum()
    k_week = pd.MultiIndex.from_arrays([t.day_of_week, t.hour])
    wk = by_week.reindex(k_week)
    hr = by_hour.reindex(t.hour)
    out = (wk["wa"] / wk["w"]).to_numpy()
    fill = (hr["wa"] / hr["w"]).to_numpy()
    out = np.where(np.isfinite(out), out, fill)
    return np.where(np.isfinite(out), out, overall)
