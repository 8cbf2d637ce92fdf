"""rota.toml: one file, validated section by section by the package that owns each section.

`[site]`, `[data]`, `[solver]` and `[objective]` are the planner's own; `[forecast]`,
`[staffing]` and `[channels.*]` belong to `forecasts`; `[shifts]`, `[patterns]`, `[labour]` and
`[pay]` and `[queues]` (who may serve which queue) to `constraints`; `[flex]` (the contract of
agents on a flexible schedule) is read by `planner.workspace.flex_settings`. Every error names the file and the dotted setting, so a team lead can
find the line to fix.
"""

from __future__ import annotations

import tomllib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from common.errors import InputError, RuleError, pydantic_problem
from constraints.labour import LabourRules, parse_labour
from constraints.patterns import PatternBook, parse_pattern_book
from constraints.pay import PayRules, parse_pay
from constraints.skills import QueueNeeds, parse_queues
from planner.workspace.flex_settings import FlexConfig, parse_flex
from forecasts.forecast import ForecastSettings
from forecasts.channels import StaffingSettings, parse_staffing

SECTIONS = (
    "site", "data", "forecast", "staffing", "channels",
    "shifts", "patterns", "labour", "pay", "queues", "flex", "solver", "objective",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(_Strict):
    """Who the site is; the time zone is the one every timestamp of the workspace is read in."""

    name: str = "Contact centre"
    timezone: str = "Europe/Moscow"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        """A misspelt zone would be printed as the site's local time in every summary."""
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"'{v}' is not a time zone (write it as Europe/Moscow, Asia/Novosibirsk, "
                             "Asia/Vladivostok, ...)") from exc
        return v


class DataFiles(_Strict):
    """Where the workspace's data files are, relative to the folder of rota.toml."""

    history: str = "history.csv"
    agents: str = "agents.csv"
    absences: str | None = "absences.csv"
    worked: str | None = "worked.csv"     # hours already worked (the T-13 timesheet HR keeps); optional
    availability: str | None = "availability.csv"   # when flex agents can work; optional
    requests: str | None = "requests.csv"           # flex agents' wished shifts and days off; optional


class SolverSettings(_Strict):
    """CP-SAT limits; seed and workers are settings so that a run can be reproduced."""

    time_limit_s: float = Field(30.0, gt=0)
    workers: int = Field(2, ge=1, le=64)
    seed: int = Field(0, ge=0)
    # units of work shared by the local search and CP-SAT: with workers = 1 the same rota anywhere
    deterministic_time: float | None = Field(None, gt=0)
    gap_limit: float = Field(0.0, ge=0, lt=1)   # stop once proven within this share of the optimum; 0 = use all the time


class ObjectiveSettings(_Strict):
    """Weights of the objective: service first, then money, then a little against surplus.

    `missed_contact_rub` prices a contact that misses its service target, which puts service and
    pay on one scale; every agent the requirement asks for counts as at least
    `min_missed_per_agent` contacts, so quiet hours are not staffed below need just to save
    pay; leaving an hour that needs agents with nobody at all costs `empty_hour_rub` more (a
    24/7 site never goes dark); `over_staffing_rub_h` is the small price of an agent-hour above
    need; with a published rota (`--published`), `changed_shift_rub` is the price of each day whose
    shift the re-plan changes (art. 103: every change needs the agent's agreement).
    """

    missed_contact_rub: float = Field(500.0, ge=0)
    min_missed_per_agent: float = Field(2.0, ge=0)
    empty_hour_rub: float = Field(20000.0, ge=0)
    over_staffing_rub_h: float = Field(5.0, ge=0)
    max_shortfall_steps: int = Field(20, ge=1, le=200)
    changed_shift_rub: float = Field(5000.0, ge=0)


@dataclass(frozen=True)
class RotaConfig:
    """Everything rota.toml says, validated, with the defaults filled in."""

    source: str
    root: Path
    site: SiteSettings = field(default_factory=SiteSettings)
    data: DataFiles = field(default_factory=DataFiles)
    forecast: ForecastSettings = field(default_factory=ForecastSettings)
    staffing: StaffingSettings = field(default_factory=lambda: parse_staffing({}, "defaults"))
    book: PatternBook = field(default_factory=lambda: parse_pattern_book({}, {}))
    labour: LabourRules = field(default_factory=lambda: parse_labour({}))
    pay: PayRules = field(default_factory=lambda: parse_pay({}))
    queues: QueueNeeds = field(default_factory=QueueNeeds)
    flex: FlexConfig = field(default_factory=FlexConfig)
    solver: SolverSettings = field(default_factory=SolverSettings)
    objective: ObjectiveSettings = field(default_factory=ObjectiveSettings)
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """The night paid extra is the night the labour rules protect: one window, never two."""
        if self.pay.night != self.labour.night:
            raise ValueError(f"the pay rules' night {self.pay.night} is not the labour rules' night "
                             f"{self.labour.night}: build the pay rules with parse_pay(raw, night=labour.night)")

    def path(self, relative: str) -> Path:
        """A data file of the workspace, relative to the folder of rota.toml."""
        p = Path(relative)
        return p if p.is_absolute() else self.root / p

    def absences_path(self) -> Path | None:
        """The absences file, or None when there is none: the default name is optional (a site
        may have nobody away), but a file named in `[data]` must exist and is read (and refused)."""
        return self._optional("absences")

    def worked_path(self) -> Path | None:
        """The hours already worked (worked.csv), or None: optional as the absences file is (a
        site that plans from its previous rotas alone keeps none), and never looked for without a
        rota.toml (the defaults belong to no workspace, so not to the current folder either)."""
        return None if self.source == "defaults" else self._optional("worked")

    def flex_paths(self) -> tuple[Path | None, Path | None]:
        """availability.csv and requests.csv, each None when there is none (optional as worked.csv)."""
        if self.source == "defaults":
            return None, None
        return self._optional("availability"), self._optional("requests")

    def _optional(self, key: str) -> Path | None:
        """An optional data file: None when not set, or when its default name is not there."""
        name = getattr(self.data, key)
        if not name:
            return None
        path = self.path(name)
        if not path.exists() and key not in self.raw.get("data", {}):
            return None
        return path


def _pydantic(model: type[_Strict], raw: Any, section: str, source: str) -> Any:
    """Validate a section of the planner's own; errors name the file and the dotted setting."""
    if not isinstance(raw, dict):
        raise InputError(f"[{section}] must be a table", file=source, column=section)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        where, message = pydantic_problem(exc, (section,))
        raise InputError(message, file=source, column=where) from None


def _rules(parse: Any, *args: Any, source: str) -> Any:
    try:
        return parse(*args)
    except RuleError as exc:
        raise InputError(exc.message, file=source, column=exc.setting) from None


def _queues(raw: Any, staffing: StaffingSettings, source: str) -> QueueNeeds:
    """`[queues]`, whose tags must not be channel names: an agent serves a channel by having it
    among its skills, so a channel in `needs` would mean two things at once."""
    queues = _rules(parse_queues, raw, source=source)
    channels = {name.strip().lower() for name in staffing.channels}
    for name in raw:
        clash = sorted(queues.of(name) & channels)
        if clash:
            raise InputError(f"{clash[0]!r} is a channel, not a tag: an agent serves a channel by having it "
                             "among its skills, and a queue's needs list only tags such as \"en\"",
                             file=source, column=f"queues.{name}.needs")
    return queues


def default_config(root: Path | None = None) -> RotaConfig:
    """The settings used when no rota.toml is given."""
    return RotaConfig(source="defaults", root=root or Path.cwd())


def read_toml(path: str | Path, what: str = "config file") -> dict[str, Any]:
    """A TOML file as a dict; a missing file, odd encoding or syntax error is one InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", file=str(path))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"a {what} must be UTF-8 text", file=path.name) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=path.name) from None


def workspace_toml(folder: str | Path) -> Path:
    """The rota.toml of a workspace folder; a folder that is not there is said as such, before
    anything is planned, rather than as a missing rota.toml."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError("workspace folder not found", file=str(folder))
    if not folder.is_dir():
        raise InputError("not a folder: a workspace is a folder with rota.toml", file=str(folder))
    toml = folder / "rota.toml"
    if not toml.is_file():
        raise InputError("no rota.toml in the workspace folder (rota init makes one)", file=str(folder))
    return toml


def load_config(path: str | Path | None) -> RotaConfig:
    """Read and validate rota.toml; `None` means all defaults."""
    if path is None:
        return default_config()
    path = Path(path)
    return load_config_dict(read_toml(path), path.name, path.resolve().parent)


def load_config_dict(raw: dict[str, Any], source: str, root: Path) -> RotaConfig:
    """Validate an already parsed rota.toml (for example one with a scenario's overrides merged
    in) exactly as `load_config` does; errors name `source`."""
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise InputError(
            f"unknown section [{unknown[0]}]; known sections: {', '.join(SECTIONS)}",
            file=source, column=unknown[0],
        )
    # validated in this order, so that the first bad section is the one reported
    site = _pydantic(SiteSettings, raw.get("site", {}), "site", source)
    data = _pydantic(DataFiles, raw.get("data", {}), "data", source)
    forecast = _pydantic(ForecastSettings, raw.get("forecast", {}), "forecast", source)
    staffing = parse_staffing(raw, source)
    book = _rules(parse_pattern_book, raw.get("patterns", {}), raw.get("shifts", {}), source=source)
    labour = _rules(parse_labour, raw.get("labour", {}), source=source)
    pay = _rules(parse_pay, raw.get("pay", {}), labour.night, source=source)   # [labour]'s night, shared
    queues = _queues(raw.get("queues", {}), staffing, source)
    flex = parse_flex(raw.get("flex", {}), labour, source)
    return RotaConfig(
        source=source,
        root=Path(root),
        site=site,
        data=data,
        forecast=forecast,
        staffing=staffing,
        book=book,
        labour=labour,
        pay=pay,
        queues=queues,
        flex=flex,
        solver=_pydantic(SolverSettings, raw.get("solver", {}), "solver", source),
        objective=_pydantic(ObjectiveSettings, raw.get("objective", {}), "objective", source),
        raw=raw,
    )
