"""Pay rules and premiums under the Labour Code: night, holiday and overtime.

Money is in roubles; every premium is on the agent's hourly base rate. The bill of a rota, per
agent and accounting period, from its timesheet (the hours of each calendar day,
`constraints.hours`) and the period's ledger (`constraints.ledger`: its norm, the hours before):

    base            = worked hours x rate                     (every hour once, art. 96 credit included)
    night premium   = night hours x rate x night_premium      (art. 154: at least +20 %)
    holiday premium = holiday hours x rate x (multiplier - 1) (art. 153: at least double)
    overtime        = extra x rate x (1 + night_premium x s)  (art. 152: +50 % for the first 2 h,
                      s = night share of the hours outside     then +100 %, on the full hourly pay,
                      holidays                                 night premium included: ruling 35-П),
                                                               only for a period the rota ends

The premiums are *extras* on top of the base, which has already paid each hour once (and the
night premium its night share); that is why a holiday hour adds (multiplier - 1) and an overtime
hour adds 0.5 / 1.0 of the full hourly pay, not 1.5 / 2. Which hours are overtime is the
convention of `constraints.overtime`: the period's overtime spread over its hours outside
holidays, so the overtime hours carry their night share.

Night and holiday hours are those of the calendar day they fall on (`constraints.hours`): the
unpaid break is placed by rule, so a 20:00-08:00 shift with a 1 h break has 11 worked hours of
which 8 at night; a night hour is never counted above the worked hours of its day.

Times are wall-clock times of the site (Russia has no daylight saving time); aware datetimes
are read on their own wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import ErrorDetails

from common.errors import RuleError, pydantic_problem
from constraints.calendar import RU_CALENDAR, ProductionCalendar
from constraints.hours import day_parts, shift_totals, wall_seconds
from constraints.night import DAY_S, LEGAL_NIGHT, NIGHT_SETTINGS, NightWindow
from constraints.overtime import OVERTIME_YEAR_H

#: The law's floor under each premium: (minimum, the minimum as the law writes it, where it says so).
#: The defaults of `PayRules` are these minimums; a setting below one is refused.
LEGAL_MINIMUMS: dict[str, tuple[float, str, str]] = {
    "night_premium": (0.20, "0.20", "+20 % per night hour, art. 154, decree 554"),
    "holiday_multiplier": (2.0, "2.0", "double pay on a holiday, art. 153"),
    "overtime_first_multiplier": (1.5, "1.5", "for the first overtime hours, art. 152"),
    "overtime_after_multiplier": (2.0, "2.0", "for later overtime hours, art. 152"),
}


class PayRules(BaseModel):
    """The `[pay]` section of rota.toml. Defaults are the legal minimums; below them is an error.

    The night that is paid extra is the labour rules' window (`[labour] night_start/night_end`),
    which `parse_pay` receives; `night_start` and `night_end` read it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    night_premium: float = LEGAL_MINIMUMS["night_premium"][0]  # extra share of the rate per night hour
    night: NightWindow = Field(LEGAL_NIGHT, exclude=True)  # the labour rules' window (art. 96)
    holiday_multiplier: float = LEGAL_MINIMUMS["holiday_multiplier"][0]  # pay of an hour on an art. 112 holiday
    overtime_first_hours: float = 2.0  # art. 152: the first two hours ...
    overtime_first_multiplier: float = LEGAL_MINIMUMS["overtime_first_multiplier"][0]  # ... at least 1.5 times
    overtime_after_multiplier: float = LEGAL_MINIMUMS["overtime_after_multiplier"][0]  # the rest at least double
    overtime_cap_year_h: float = OVERTIME_YEAR_H  # art. 99
    accounting_period: Literal["month", "quarter", "year"] = "month"  # art. 104
    hours_per_week: float = 40.0  # art. 91; 36 or 24 for the reduced weeks of art. 92

    @field_validator(*LEGAL_MINIMUMS)
    @classmethod
    def _not_below_the_law(cls, v: float, info: ValidationInfo) -> float:
        minimum, shown, why = LEGAL_MINIMUMS[info.field_name]
        if v < minimum:
            raise ValueError(f"{v:g} is below the legal minimum of {shown} ({why})")
        return v

    @field_validator("night_premium")
    @classmethod
    def _a_share(cls, v: float) -> float:
        if v > 1.0:
            raise ValueError(f"{v:g} is a share of the rate, e.g. 0.2 for +20 %; above 1.0 (+100 %) looks like a percentage")
        return v

    @field_validator("overtime_first_hours")
    @classmethod
    def _ot_hours(cls, v: float) -> float:
        if not 0 <= v <= 2:
            raise ValueError(f"{v:g} must be between 0 and 2: the law pays at most two hours at the lower rate (art. 152)")
        return v

    @field_validator("overtime_cap_year_h")
    @classmethod
    def _ot_cap(cls, v: float) -> float:
        if not 0 <= v <= OVERTIME_YEAR_H:
            raise ValueError(f"{v:g} must be between 0 and {OVERTIME_YEAR_H:g} hours a year (art. 99)")
        return v

    @field_validator("hours_per_week")
    @classmethod
    def _week(cls, v: float) -> float:
        if not 0 < v <= 40:
            raise ValueError(f"{v:g} must be above 0 and at most 40 (art. 91)")
        return v

    @model_validator(mode="after")
    def _ot_order(self) -> PayRules:
        if self.overtime_after_multiplier < self.overtime_first_multiplier:
            raise ValueError("overtime_after_multiplier must not be below overtime_first_multiplier")
        return self

    @property
    def night_start(self) -> time:
        """Start of the paid night: the labour rules' `night_start`."""
        return self.night.start

    @property
    def night_end(self) -> time:
        """End of the paid night: the labour rules' `night_end`."""
        return self.night.end

    @model_serializer(mode="wrap")
    def _as_in_toml(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        """Dump the settings as `[pay]` names them, the night as night_start and night_end after
        night_premium, so a report that lists them reads as rota.toml does."""
        out: dict[str, Any] = {}
        for key, value in handler(self).items():
            out[key] = value
            if key == "night_premium":
                out.update(self.night.model_dump(by_alias=True, mode=info.mode))
        return out


def _unknown_setting() -> str:
    """An unknown [pay] setting is usually a typo: list the known ones as rota.toml names them."""
    return f"unknown setting; known ones are {', '.join(DEFAULT_RULES.model_dump())}"


def _pay_words(err: ErrorDetails, setting: str) -> str | None:
    """The unknown-setting message for a typo; pydantic's own words otherwise."""
    return _unknown_setting() if err["type"] == "extra_forbidden" else None


def _check_stated_night(given: Mapping[str, Any], night: NightWindow) -> None:
    """Accept `[pay] night_start/night_end` (older files set the window in both sections) only
    as the labour window they repeat; a time art. 96 refuses names the pay setting, a lawful but
    different one the labour setting that rules."""
    try:
        stated = NightWindow.model_validate({**night.model_dump(by_alias=True), **given})
    except ValidationError as exc:
        setting, message = pydantic_problem(exc, ("pay",))
        raise RuleError(message, setting=setting) from None
    for name, own, labour in zip(NIGHT_SETTINGS, (stated.start, stated.end), (night.start, night.end)):
        if name in given and own != labour:
            raise RuleError(
                f"pay.{name} is {own:%H:%M} but labour.{name} is {labour:%H:%M}: the night that is paid extra "
                "and the night the labour rules protect are one window; set it once, in [labour]",
                setting=f"labour.{name}",
            )


def parse_pay(raw: Mapping[str, Any] | None, night: NightWindow = LEGAL_NIGHT) -> PayRules:
    """Validate the `[pay]` table of rota.toml; the first problem becomes a RuleError naming it.

    `night` is the labour rules' window (`LabourRules.night`): the pay rules keep that very
    object, so the paid night and the protected night cannot differ.
    """
    table = dict(raw or {})
    given = {name: table.pop(name) for name in NIGHT_SETTINGS if name in table}
    if given:
        _check_stated_night(given, night)
    if "night" in table:   # the model's field, not a setting: the window comes from [labour]
        raise RuleError(_unknown_setting(), setting="pay.night")
    try:
        return PayRules.model_validate({**table, "night": night})
    except ValidationError as exc:
        setting, message = pydantic_problem(exc, ("pay",), describe=_pay_words)
        raise RuleError(message, setting=setting) from None


DEFAULT_RULES = PayRules()


# -- hours of one shift -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftHours:
    """Hours of one shift: paid (on site less the unpaid break, plus the art. 96 credit), at
    night, on an art. 112 holiday (see `constraints.hours`)."""

    paid_h: float
    night_h: float
    holiday_h: float


def _holiday_cumulative_s(t: np.ndarray, calendar: ProductionCalendar) -> np.ndarray:
    """Holiday seconds in [t.min's day, t): 24 h per whole holiday day plus today's part."""
    day, tod = np.divmod(t, DAY_S)
    first = int(day.min())
    span = np.arange(first, int(day.max()) + 1)
    is_hol = calendar.holiday_mask(span.astype("datetime64[D]"))
    before = np.concatenate([[0], np.cumsum(is_hol)[:-1]])  # holidays strictly before each day
    k = day - first
    return before[k] * DAY_S + np.where(is_hol[k], tod, 0)


def night_hours(start: datetime, end: datetime, rules: PayRules = DEFAULT_RULES) -> float:
    """Hours of [start, end) inside the night window of any day (22:00-06:00 by default)."""
    return float(night_hours_of([start], [end], rules)[0])


def holiday_hours(start: datetime, end: datetime, calendar: ProductionCalendar = RU_CALENDAR) -> float:
    """Hours of [start, end) falling between 00:00 and 24:00 of an art. 112 holiday (art. 153)."""
    return float(holiday_hours_of([start], [end], calendar)[0])


def _intervals_s(starts, ends) -> tuple[np.ndarray, np.ndarray]:
    a, b = wall_seconds(starts), wall_seconds(ends)
    bad = np.flatnonzero(b < a)
    if bad.size:
        raise RuleError("a shift ends before it starts", when=pd.Timestamp(np.asarray(starts)[bad[0]]).to_pydatetime())
    return a, b


def night_hours_of(starts, ends, rules: PayRules = DEFAULT_RULES) -> np.ndarray:
    """`night_hours` of many intervals at once (sequences or arrays of start and end times)."""
    a, b = _intervals_s(starts, ends)
    if a.size == 0:
        return np.zeros(0)
    return (rules.night.seconds_before(b) - rules.night.seconds_before(a)) / 3600


def holiday_hours_of(starts, ends, calendar: ProductionCalendar = RU_CALENDAR) -> np.ndarray:
    """`holiday_hours` of many intervals at once: one calendar lookup for the whole span."""
    a, b = _intervals_s(starts, ends)
    if a.size == 0:
        return np.zeros(0)
    c = _holiday_cumulative_s(np.concatenate([a, b]), calendar)
    return (c[a.size:] - c[:a.size]) / 3600


def shift_hours(
    start: datetime,
    end: datetime,
    break_h: float = 0.0,
    calendar: ProductionCalendar = RU_CALENDAR,
    rules: PayRules = DEFAULT_RULES,
    credit_h: float = 0.0,
) -> ShiftHours:
    """Paid, night and holiday hours of one shift; `credit_h` is its art. 96 hour, if any."""
    frame = shift_hours_frame(pd.DataFrame({"start": [start], "end": [end], "break_h": [break_h],
                                            "credit_h": [credit_h]}), calendar, rules)
    row = frame.iloc[0]
    return ShiftHours(float(row["paid_hours"]), float(row["night_hours"]), float(row["holiday_hours"]))


def shift_hours_frame(
    df: pd.DataFrame, calendar: ProductionCalendar = RU_CALENDAR, rules: PayRules = DEFAULT_RULES
) -> pd.DataFrame:
    """Add paid_hours, night_hours, holiday_hours to a frame of shifts (start, end, break_h,
    credit_h): the sums of the shifts' calendar-day parts (`constraints.hours.day_parts`).

    `break_h` (unpaid break) and `credit_h` (the art. 96 hour) may be absent (none). Returns a
    copy; the input is left as it is.
    """
    out = df.copy()
    if out.empty:
        return out.assign(paid_hours=0.0, night_hours=0.0, holiday_hours=0.0)
    s, e = wall_seconds(out["start"]), wall_seconds(out["end"])
    brk = out["break_h"].to_numpy(float) if "break_h" in out else np.zeros(len(out))
    credit = out["credit_h"].to_numpy(float) if "credit_h" in out else np.zeros(len(out))
    length_h = (e - s) / 3600
    bad = np.flatnonzero((e <= s) | (brk < 0) | (brk >= length_h))
    if bad.size:
        i = int(bad[0])
        what = "ends before it starts" if e[i] <= s[i] else f"has a break of {brk[i]:g} h that does not fit"
        raise RuleError(f"shift {out['start'].iloc[i]} - {out['end'].iloc[i]} {what}", when=str(out["start"].iloc[i]))
    totals = shift_totals(day_parts(out["start"], out["end"], brk, credit, rules.night, calendar), len(out))
    for col in ("paid_hours", "night_hours", "holiday_hours"):
        out[col] = totals[col].to_numpy()
    return out


# -- premiums and the bill ---------------------------------------------------------------------


def rate_hours(paid_h: Any, night_h: Any, holiday_h: Any, rules: PayRules = DEFAULT_RULES) -> Any:
    """Cost of hours in "rate-hours": paid plus the night and holiday extras (scalars or arrays).

    Overtime is left out: it depends on the whole accounting period, not on one shift.
    """
    return paid_h + night_h * rules.night_premium + holiday_h * (rules.holiday_multiplier - 1)


def line_rate_hours(shifts: Iterable[ShiftHours], rules: PayRules = DEFAULT_RULES) -> float:
    """Cost of a line (shifts worked over the horizon) in rate-hours; a line costs rate x this."""
    return float(sum(rate_hours(h.paid_h, h.night_h, h.holiday_h, rules) for h in shifts))


def overtime(worked_h: Any, norm_h: Any, rules: PayRules = DEFAULT_RULES) -> tuple[Any, Any]:
    """(overtime hours, premium in rate-hours) of a period's hours against its norm (art. 152).

    Overtime is what exceeds the norm. Base pay has already paid each of those hours once,
    so the premium is the extra only: the first `overtime_first_hours` at +0.5 and the rest at
    +1.0 with the default multipliers, on the base rate (the optimiser's estimate; the bill
    adds the night share, `period_pay`). Works on scalars and arrays.
    """
    ot = np.maximum(np.asarray(worked_h, float) - np.asarray(norm_h, float), 0.0)
    first = np.minimum(ot, rules.overtime_first_hours)
    extra = first * (rules.overtime_first_multiplier - 1) + (ot - first) * (rules.overtime_after_multiplier - 1)
    if ot.ndim == 0:
        return float(ot), float(extra)
    return ot, extra


PAY_COLUMNS = [
    "agent_id", "period", "settled", "period_norm_hours", "hours_before", "planned_hours", "projected_period_hours",
    "balance", "night_hours", "holiday_hours", "overtime_hours", "projected_overtime_hours",
    "base", "night_premium", "holiday_premium", "overtime", "total",
]  # fmt: skip
DAY_COLUMNS = ("agent_id", "date", "hours", "night_hours", "holiday")
FUTURE_COLUMNS = ("agent_id", "period_start", "hours", "holiday_hours")


def _sums(frame: pd.DataFrame, keys: list[str], values: dict[str, pd.Series], index: pd.MultiIndex) -> pd.DataFrame:
    """`values` summed per `keys` of `frame`, on `index` (zero where nothing is)."""
    out = pd.DataFrame(values).assign(**{k: frame[k].to_numpy() for k in keys}).groupby(keys).sum()
    return out.reindex(index, fill_value=0.0)


def period_pay(
    days: pd.DataFrame,
    ledger: pd.DataFrame,
    rates: Mapping[str, float],
    rules: PayRules = DEFAULT_RULES,
    future: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pay per agent and accounting period of the ledger (`constraints.ledger.period_ledger`),
    in roubles rounded to kopecks, from the plan's timesheet days (agent_id, date, hours,
    night_hours, holiday): the columns of PAY_COLUMNS.

    Base pay and the night and holiday premiums pay the plan's own hours (`planned_hours`).
    Overtime is settled only for a period the plan ends (`settled`, the ledger's `ends_in_plan`):
    the whole period's hours, those worked before the plan included, less the holiday hours (paid
    double already, art. 152 part 3), above the period's norm; paid 1.5x for the first
    `overtime_first_hours` and 2x after, as an extra on the full hourly pay with the night share
    of those hours (art. 152, ruling 35-П). A period the plan does not end pays no overtime: what
    its hours will be is known only at its end.

    `future` (agent_id, period_start, hours, holiday_hours) holds the hours the agent's pattern
    would add from the plan's end to the end of a period the plan does not end; they make
    `projected_period_hours` = hours before + planned + future, `balance` = projected - norm
    (negative: under the norm), and `projected_overtime_hours`, the overtime the period heads for
    (equal to `overtime_hours` once settled).
    """
    missing = set(DAY_COLUMNS) - set(days.columns)
    if missing:
        raise RuleError(f"the timesheet frame lacks column(s) {', '.join(sorted(missing))}")
    agents = ledger["agent_id"].astype(str)
    absent = sorted(set(agents) - set(map(str, rates)))
    if absent:
        raise RuleError("no rate for this agent", agent_id=absent[0])
    unknown = sorted(set(days["agent_id"].astype(str)) - set(agents))
    if unknown:
        raise RuleError("no accounting period for this agent", agent_id=unknown[0])
    key = pd.MultiIndex.from_arrays([agents, ledger["period_start"]], names=["agent_id", "period_start"])
    d = days.assign(agent_id=days["agent_id"].astype(str), date=pd.to_datetime(days["date"]).dt.date)
    spans = ledger[["period_start", "period_end"]].drop_duplicates().to_numpy()
    d["period_start"] = [next((p0 for p0, p1 in spans if p0 <= x <= p1), None) for x in d["date"]]
    if d["period_start"].isna().any():
        raise RuleError(f"day {d.loc[d['period_start'].isna(), 'date'].iloc[0]} is in no accounting period of the "
                        "ledger")
    hol = d["holiday"].astype(bool)
    plan = _sums(d, ["agent_id", "period_start"], {
        "hours": d["hours"], "night": d["night_hours"], "holiday": d["hours"].where(hol, 0.0),
        "counted_night": d["night_hours"].where(~hol, 0.0)}, key)
    later = pd.DataFrame(columns=list(FUTURE_COLUMNS)) if future is None else future
    after = _sums(later.assign(agent_id=later["agent_id"].astype(str)), ["agent_id", "period_start"],
                  {"hours": later["hours"].astype(float), "holiday": later["holiday_hours"].astype(float)}, key)
    settled = ledger["ends_in_plan"].astype(bool).to_numpy()
    norm = ledger["norm_hours"].to_numpy(float)
    before = ledger["hours_before"].to_numpy(float)
    counted = before - ledger["holiday_hours_before"].to_numpy(float) + (plan["hours"] - plan["holiday"]).to_numpy()
    night = ledger["night_hours_before"].to_numpy(float) + plan["counted_night"].to_numpy()
    future_h = np.where(settled, 0.0, after["hours"].to_numpy())
    future_counted = np.where(settled, 0.0, (after["hours"] - after["holiday"]).to_numpy())
    ot_h, extra = overtime(np.where(settled, counted, 0.0), np.where(settled, norm, 0.0), rules)
    share = np.divide(night, counted, out=np.zeros(len(counted)), where=counted > 0)
    rate = np.array([float(rates[a]) for a in agents])
    out = pd.DataFrame({
        "agent_id": agents.to_numpy(), "period": ledger["period"].to_numpy(), "settled": settled,
        "period_norm_hours": norm, "hours_before": before, "planned_hours": plan["hours"].to_numpy(),
    })
    out["projected_period_hours"] = before + out["planned_hours"] + future_h
    out["balance"] = out["projected_period_hours"] - norm
    out["night_hours"] = plan["night"].to_numpy()
    out["holiday_hours"] = plan["holiday"].to_numpy()
    out["overtime_hours"] = ot_h
    out["projected_overtime_hours"] = np.maximum(counted + future_counted - norm, 0.0)
    out["base"] = (out["planned_hours"] * rate).round(2)
    out["night_premium"] = (out["night_hours"] * rate * rules.night_premium).round(2)
    out["holiday_premium"] = (out["holiday_hours"] * rate * (rules.holiday_multiplier - 1)).round(2)
    out["overtime"] = (np.asarray(extra) * rate * (1 + rules.night_premium * share)).round(2)
    out["total"] = out[["base", "night_premium", "holiday_premium", "overtime"]].sum(axis=1).round(2)
    return out[PAY_COLUMNS]
