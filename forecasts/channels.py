"""Staffing settings from rota.toml: `[staffing]` and one `[channels.NAME]` table per channel.

Each channel table is a complete definition of that channel (its `model` is required);
channels named in DEFAULT_CHANNELS that the file does not define keep their defaults, so
`rota requirements` works without any config. Shrinkage and the occupancy cap of
`[staffing]` apply to every channel unless the channel overrides them.

Time-of-day `[[channels.NAME.periods]]` override the channel's targets for intervals that
START inside the period (`from` inclusive, `to` exclusive, HH:MM, may wrap midnight;
"24:00" is accepted as `to`). Periods of one channel must not overlap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, Union

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.errors import FieldError, InputError, Loc, pydantic_problem, setting_path

MODELS = ("erlang_c", "erlang_a", "chat", "email")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")

Fraction01 = Annotated[float, Field(gt=0, lt=1)]  # a service-level target: 1.0 is unreachable
Occupancy = Annotated[float, Field(gt=0, le=1)]
Shrinkage = Annotated[float, Field(ge=0, lt=1)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PositiveSeconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


def _quantile(value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ValueError(f"must be between 0 and 1, exclusive (got {value!r}): the quantile of each hour's "
                         "forecast rate to staff for, e.g. 0.5 (the median) or 0.9")
    return value


#: `[staffing] plan_quantile`: staff each hour for this quantile of its rate (forecasts.intervals.rate_quantile)
PlanQuantile = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_quantile)]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class Period(BaseModel):
    """Targets for part of the day; unset fields keep the channel's own value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: str = Field(alias="from")
    end: str = Field(alias="to")
    answer_s: Seconds | None = None
    sl_target: Fraction01 | None = None
    response_h: Annotated[float, Field(gt=0, le=24 * 14)] | None = None

    @field_validator("start", "end")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not isinstance(value, str) or not _TIME.match(value):
            raise ValueError(f"time must be HH:MM between 00:00 and 24:00, e.g. 22:00 (got {value!r})")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Period:
        if self.start == "24:00":
            raise ValueError("'from' must be before 24:00")
        if _minutes(self.start) == _minutes(self.end) % 1440:
            raise ValueError(f"'from' and 'to' are both {self.start}; a period must not be empty or the whole day")
        return self

    def covers(self, minute_of_day: np.ndarray) -> np.ndarray:
        """Mask of minutes of the day (0..1439) inside [from, to), wrapping midnight."""
        lo, hi = _minutes(self.start), _minutes(self.end)
        if lo < hi:
            return (minute_of_day >= lo) & (minute_of_day < hi)
        return (minute_of_day >= lo) | (minute_of_day < hi)


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    aht_s: PositiveSeconds | None = None  # used where the forecast carries no aht_s
    shrinkage: Shrinkage | None = None  # None: the [staffing] value
    max_occupancy: Occupancy | None = None  # None: the [staffing] value
    periods: tuple[Period, ...] = ()

    period_fields: ClassVar[tuple[str, ...]] = ()  # period overrides this model uses

    @model_validator(mode="after")
    def _periods_fit(self) -> _Channel:
        allowed = set(self.period_fields)
        covered = np.zeros(1440, dtype=np.int64)
        minutes = np.arange(1440)
        for i, period in enumerate(self.periods):
            for name in ("answer_s", "sl_target", "response_h"):
                if getattr(period, name) is not None and name not in allowed:
                    raise FieldError(f"not used by model {self.model!r} (use {', '.join(sorted(allowed))})",
                                     "periods", i, name)
            mask = period.covers(minutes)
            if (covered[mask] > 0).any():
                other = self.periods[int(covered[mask][covered[mask] > 0][0]) - 1]
                where = f"{period.start}-{period.end} overlaps periods[{self.periods.index(other)}]"
                raise FieldError(f"{where} ({other.start}-{other.end})", "periods", i, "from")
            covered[mask] = i + 1
        return self

    def period_index(self, minute_of_day: np.ndarray) -> np.ndarray:
        """Index of the period each minute of the day falls in, -1 for the channel's own targets."""
        out = np.full(np.shape(minute_of_day), -1, dtype=np.int64)
        for i, period in enumerate(self.periods):
            out[period.covers(np.asarray(minute_of_day))] = i
        return out

    def target(self, name: str, minute_of_day: np.ndarray) -> np.ndarray:
        """The target `name` (e.g. sl_target) for each minute of the day, periods applied."""
        values = np.array([getattr(self, name)] + [
            getattr(p, name) if getattr(p, name) is not None else getattr(self, name) for p in self.periods
        ], dtype=np.float64)
        return values[self.period_index(minute_of_day) + 1]


class ErlangCChannel(_Channel):
    """Queued calls, no abandonment (conservative)."""

    model: Literal["erlang_c"]
    answer_s: Seconds = 20.0
    sl_target: Fraction01 = 0.80
    period_fields: ClassVar[tuple[str, ...]] = ("answer_s", "sl_target")


class ErlangAChannel(_Channel):
    """Queued calls with exponential patience (mean patience_s seconds)."""

    model: Literal["erlang_a"]
    answer_s: Seconds = 20.0
    sl_target: Fraction01 = 0.80
    patience_s: Annotated[float, Field(gt=0, le=86_400, allow_inf_nan=False)]
    period_fields: ClassVar[tuple[str, ...]] = ("answer_s", "sl_target")


class ChatChannel(_Channel):
    """Chat: a seat handles `concurrency` sessions at once; answer_s is the first-response target."""

    model: Literal["chat"]
    concurrency: Annotated[float, Field(ge=1, le=20, allow_inf_nan=False)] = 2.0
    answer_s: Seconds = 60.0
    sl_target: Fraction01 = 0.80
    period_fields: ClassVar[tuple[str, ...]] = ("answer_s", "sl_target")


class EmailChannel(_Channel):
    """E-mail / tickets: every message answered within response_h hours of arrival."""

    model: Literal["email"]
    response_h: Annotated[float, Field(gt=0, le=24 * 14, allow_inf_nan=False)] = 8.0
    period_fields: ClassVar[tuple[str, ...]] = ("response_h",)


ChannelSettings = Union[ErlangCChannel, ErlangAChannel, ChatChannel, EmailChannel]
_CLASSES: dict[str, type[_Channel]] = {
    "erlang_c": ErlangCChannel,
    "erlang_a": ErlangAChannel,
    "chat": ChatChannel,
    "email": EmailChannel,
}

DEFAULT_CHANNELS: Mapping[str, ChannelSettings] = MappingProxyType({
    "phone": ErlangCChannel(model="erlang_c", aht_s=300, answer_s=20, sl_target=0.80),
    "chat": ChatChannel(model="chat", aht_s=900, concurrency=2.0, answer_s=60, sl_target=0.80),
    "email": EmailChannel(model="email", aht_s=420, response_h=8),
})


class _StaffingSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shrinkage: Shrinkage = 0.30  # breaks, training, absence: 25-35 % is typical
    max_occupancy: Occupancy = 0.88
    plan_quantile: PlanQuantile = 0.5


class StaffingSettings(BaseModel):
    """Validated `[staffing]` + `[channels.*]`.

    `plan_quantile`: each hour is staffed for this quantile of its contact rate, the rate the
    forecast's own error (`dispersion`) spreads around the forecast (0.5: the median rate)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shrinkage: Shrinkage = 0.30
    max_occupancy: Occupancy = 0.88
    plan_quantile: PlanQuantile = 0.5
    channels: dict[str, Annotated[ChannelSettings, Field(discriminator="model")]] = Field(
        default_factory=lambda: dict(DEFAULT_CHANNELS)
    )

    def channel(self, name: str) -> ChannelSettings:
        try:
            return self.channels[name]
        except KeyError:
            known = ", ".join(sorted(self.channels))
            raise InputError(
                f"no settings for channel {name!r}: add a [channels.{name}] table to rota.toml (configured: {known})",
                column=f"channels.{name}",
            ) from None

    def shrinkage_for(self, name: str) -> float:
        own = self.channel(name).shrinkage
        return self.shrinkage if own is None else own

    def max_occupancy_for(self, name: str) -> float:
        own = self.channel(name).max_occupancy
        return self.max_occupancy if own is None else own


# --------------------------------------------------------------------------- parsing


def _allowed(cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    target = Period if loc and loc[0] == "periods" else cls
    names = [f.alias or name for name, f in target.model_fields.items()]
    if target is Period:
        names = ["from", "to"] + [n for n in names if n in getattr(cls, "period_fields", ())]
    return ", ".join(names)


def _describe(err: dict[str, Any], cls: type[BaseModel]) -> str:
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    got = f" (got {value!r})" if kind != "missing" else ""
    if kind == "missing":
        return "is required here"
    if kind == "extra_forbidden":
        return f"unknown setting{got}; allowed here: {_allowed(cls, tuple(err['loc']))}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()))
        return f"must be {sign} {bound}{got}"
    if kind in ("float_parsing", "float_type", "finite_number", "int_parsing", "int_type"):
        return f"must be a finite number{got}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg']}{got}"


def _toml_names(loc: Loc) -> Loc:
    """A period's `start` and `end` as rota.toml names them: `from` and `to`."""
    if len(loc) >= 3 and loc[0] == "periods" and loc[2] in ("start", "end"):
        return loc[:2] + ({"start": "from", "end": "to"}[str(loc[2])],)
    return loc


def _validate(cls: type[BaseModel], raw: Any, prefix: tuple[Any, ...], source: str) -> Any:
    """Validate one table; errors name the file and the setting (`channels.phone.periods[0].from`)."""
    if not isinstance(raw, Mapping):
        raise InputError(f"must be a table, got {raw!r}", file=source, column=setting_path(prefix, brackets=True))
    try:
        return cls.model_validate(dict(raw))
    except ValidationError as exc:
        where, message = pydantic_problem(exc, prefix, describe=lambda err, _: _describe(err, cls),
                                          locate=_toml_names, brackets=True)
        raise InputError(message, file=source, column=where) from None


def parse_staffing(raw: Mapping[str, Any], source: str = "rota.toml") -> StaffingSettings:
    """Validate the `[staffing]` and `[channels]` parts of a parsed rota.toml.

    `raw` may be the whole document; other sections are left to their owners. Bad input
    raises InputError(message, file=source, column="channels.phone.sl_target").
    """
    section = _validate(_StaffingSection, raw.get("staffing", {}), ("staffing",), source)
    channels: dict[str, ChannelSettings] = dict(DEFAULT_CHANNELS)
    tables = raw.get("channels", {})
    if not isinstance(tables, Mapping):
        raise InputError("must be a set of [channels.NAME] tables", file=source, column="channels")
    for name, table in tables.items():
        if not isinstance(table, Mapping):
            raise InputError(f"must be a table, got {table!r}", file=source, column=f"channels.{name}")
        model = table.get("model")
        if model is None:
            raise InputError(f"is required: one of {', '.join(MODELS)}", file=source, column=f"channels.{name}.model")
        if model not in _CLASSES:
            raise InputError(
                f"unknown channel model {model!r}: use one of {', '.join(MODELS)}",
                file=source,
                column=f"channels.{name}.model",
            )
        if model == "erlang_a" and "patience_s" not in table:
            raise InputError(
                "is required for model 'erlang_a' (mean seconds a caller waits before hanging up)",
                file=source,
                column=f"channels.{name}.patience_s",
            )
        channels[name] = _validate(_CLASSES[model], table, ("channels", name), source)
    return StaffingSettings(shrinkage=section.shrinkage, max_occupancy=section.max_occupancy,
                            plan_quantile=section.plan_quantile, channels=channels)
