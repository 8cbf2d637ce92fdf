"""The flex agents of a workspace as the per-person engine takes them: shift types, contracts, wishes.

`[flex]` says which shifts a flex agent may work and how much; availability.csv when; absences
when not at all; requests.csv what they wish. Here all of it becomes the data of
`constraints.flex` and `planner.solve.flex_problem` over a horizon of days (day 0 = the first):

- shift types: every allowed start × length, named `08:00+6`, with the daily rest
  (`labour.min_daily_rest_h`) as next-day successions they forbid (`with_daily_rest`), and the
  weekly rest (`labour.weekly_rest_h`, art. 110) as two days off in a row in every seven;
- a contract per agent: the agent's own shifts, less those with night hours when `night_ok` is
  no (art. 96); the days they cannot work (an absence; a day whose windows hold none of their
  shifts) in `unavailable`, the single shifts outside a day's windows (or running into an absence)
  in `unavailable_shifts`; the hour limits in minutes over the horizon;
- wishes: a wished shift is the shift type of that start and length; a wished day off is a wish
  against every shift the agent could work that day.

Which windows hold on a day: the rows of that date; else, for an agent with weekday rows, those
of its weekday (none: not that day); else, for an agent without weekday rows, the whole day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from common.errors import InputError, RuleError
from constraints.flex import DAY_MIN, FlexContract, ShiftType, night_shifts, with_daily_rest
from constraints.labour import LabourRules
from constraints.pay import PayRules
from planner.solve.flex_problem import ShiftWish
from planner.workspace.flex_files import load_availability, load_requests
from planner.workspace.flex_settings import FlexConfig, FlexTerms, check_overrides, flex_ids
from planner.workspace.people import load_absences, load_agents

if TYPE_CHECKING:
    from planner.workspace.config import RotaConfig

Window = tuple[int, int]          # minutes from the day's midnight, end after start (up to 48:00)
WHOLE_DAY: tuple[Window, ...] = ((0, 2 * DAY_MIN),)


@dataclass(frozen=True)
class FlexNote:
    """Something to tell the user about a row, which does not stop the plan (a wish left out)."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:   # where and what, as every input error says it
        return str(InputError(self.message, file=self.file, row=self.row, column=self.column))


@dataclass(frozen=True)
class FlexInputs:
    """What the per-person engine needs of a workspace's flex agents, and what to tell the user."""

    shift_types: tuple[ShiftType, ...]
    contracts: tuple[FlexContract, ...]
    wishes: tuple[ShiftWish, ...]
    horizon_days: int
    first_weekday: int               # 0 = Monday, as `FlexProblem` counts
    notes: tuple[FlexNote, ...] = ()  # wishes that no plan can grant, left out
    weekend_fairness: int = 0        # roubles: n weekend days of one agent cost n² x this ([flex])


def shift_id(start_min: int, minutes: int) -> str:
    """`08:00+6`: the start and the length in hours."""
    return f"{start_min // 60:02d}:{start_min % 60:02d}+{minutes // 60:g}"


def merged(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Overlapping or touching windows as one (a shift may run from one into the next)."""
    out: list[list[int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def day_windows(availability: pd.DataFrame, agent_id: str, start: date, days: int) -> list[tuple[Window, ...]]:
    """The windows of each day of the horizon for one agent (see the module's note)."""
    mine = availability[availability["agent_id"] == agent_id]
    dated: dict[date, list[Window]] = {}
    weekly: dict[int, list[Window]] = {}
    for day, wd, a, b in zip(mine["date"], mine["weekday"], mine["start"], mine["end"]):
        slot = dated.setdefault(pd.Timestamp(day).date(), []) if wd < 0 else weekly.setdefault(int(wd), [])
        if not np.isnan(a):
            slot.append((int(a), int(b)))
    out = []
    for d in range(days):
        today = start + timedelta(days=d)
        if today in dated:
            out.append(merged(dated[today]))
        elif weekly:
            out.append(merged(weekly.get(today.weekday(), [])))
        else:
            out.append(WHOLE_DAY)
    return out


def fits(shift: ShiftType, windows: tuple[Window, ...]) -> bool:
    """The shift lies inside one window of its day."""
    assert shift.start_min is not None
    return any(a <= shift.start_min and shift.start_min + shift.minutes <= b for a, b in windows)


def absent_days(absences: pd.DataFrame, agent_id: str, start: date, days: int) -> set[int]:
    """The days of the horizon inside an absence of the agent."""
    out: set[int] = set()
    first = pd.Timestamp(start)
    for a, b in zip(absences.loc[absences["agent_id"] == agent_id, "start"],
                    absences.loc[absences["agent_id"] == agent_id, "end"]):
        lo, hi = max((pd.Timestamp(a) - first).days, 0), min((pd.Timestamp(b) - first).days, days - 1)
        out.update(range(lo, hi + 1))
    return out


def whole_months(start: date, days: int) -> int:
    """How many calendar months the horizon is, when it is whole months from a 1st; else 0."""
    end = start + timedelta(days=days - 1)
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def minute_limits(terms: FlexTerms, start: date, days: int, present: float = 1.0) -> tuple[int, int]:
    """(least, most) minutes over the horizon: the week's hours scaled to its days, and, when the
    horizon is whole calendar months, the month's hours too (the tighter bound wins). `present` is
    the share of the days the agent is not absent: the least hours shrink with it, as a norm does."""
    weeks = days / 7
    low, high = terms.min_hours_week * weeks, terms.max_hours_week * weeks
    months = whole_months(start, days)
    if months and terms.min_hours_month is not None:
        low = max(low, terms.min_hours_month * months)
    if months and terms.max_hours_month is not None:
        high = min(high, terms.max_hours_month * months)
    return round(low * present * 60), round(high * 60)


def _types(flex: FlexConfig, ids: list[str], labour: LabourRules) -> tuple[ShiftType, ...]:
    specs = sorted({spec for a in ids for spec in flex.terms(a).shift_specs()})
    return with_daily_rest((ShiftType(shift_id(s, m), m, start_min=s) for s, m in specs), labour.min_daily_rest_h)


def _contract(agent_id: str, terms: FlexTerms, allowed: frozenset[str], types: Mapping[str, ShiftType],
              windows: list[tuple[Window, ...]], absent: set[int], start: date, setting: str,
              weekly_rest: bool = True) -> FlexContract:
    days = len(windows)
    eve = {d - 1 for d in absent if d - 1 not in absent}   # a shift past midnight runs into the absence
    unavailable, excluded = set(absent), set()
    for d in range(days):
        if d in absent:
            continue
        ok = {s for s in allowed if fits(types[s], windows[d])
              and not (d in eve and types[s].start_min + types[s].minutes > DAY_MIN)}
        if ok:
            excluded.update((d, s) for s in allowed - ok)
        else:
            unavailable.add(d)
    low, high = minute_limits(terms, start, days, 1 - len(absent) / days)
    if low > high:
        raise RuleError(f"at least {low / 60:g} h but at most {high / 60:g} h over the {days} days from {start}: "
                        "the week's and the month's limits of [flex] disagree",
                        setting=setting, agent_id=agent_id)
    return FlexContract(
        person=agent_id, allowed=allowed, min_minutes=low, max_minutes=high,
        max_consecutive_work=terms.max_days_in_a_row, min_consecutive_off=terms.min_days_off_in_a_row,
        max_weekends=terms.max_weekends, unavailable=frozenset(unavailable), unavailable_shifts=frozenset(excluded),
        off_pair_every=7 if weekly_rest else None,
    )


def _wishes(requests: pd.DataFrame, contracts: Mapping[str, FlexContract], flex: FlexConfig,
            types: Mapping[str, ShiftType], night: frozenset[str], start: date, days: int,
            file: str) -> tuple[list[ShiftWish], list[FlexNote]]:
    by_spec = {(t.start_min, t.minutes): t.id for t in types.values()}
    wishes: list[ShiftWish] = []
    notes: list[FlexNote] = []
    first = pd.Timestamp(start)
    for row, agent_id, when, s, m, weight in zip(requests.index, requests["agent_id"], requests["date"],
                                                requests["start"], requests["minutes"], requests["weight"]):
        d = (pd.Timestamp(when) - first).days
        if not 0 <= d < days:
            continue
        c = contracts[agent_id]
        if np.isnan(s):
            wishes += [ShiftWish(agent_id, d, t, int(weight), False) for t in sorted(c.allowed) if c.may_work_on(d, t)]
            continue
        wanted = shift_id(int(s), int(m))
        spec = (int(s), int(m))
        if spec not in flex.terms(agent_id).shift_specs():
            terms = flex.terms(agent_id).shifts
            starts = ", ".join(shift_id(x, 0)[:5] for x in terms.start_minutes())
            raise InputError(f"{agent_id} asks for {wanted}, which is no shift of theirs: shifts of "
                             f"{', '.join(map(str, sorted(terms.lengths_h)))} h starting at {starts} ([flex])",
                             file=file, row=int(row), column="shift")
        if by_spec[spec] in night and by_spec[spec] not in c.allowed:
            raise InputError(f"{agent_id} asks for {wanted}, which has night hours, and may not work nights "
                             "(night_ok is no in the agents file, art. 96)", file=file, row=int(row), column="shift")
        if not c.may_work_on(d, by_spec[spec]):
            notes.append(FlexNote(file, int(row), "shift", f"{agent_id} asks for {wanted} on {when:%Y-%m-%d}, when "
                                  "they cannot work it (availability or an absence); no plan can grant it, so it is "
                                  "left out"))
            continue
        wishes.append(ShiftWish(agent_id, d, by_spec[spec], int(weight), True))
    return wishes, notes


def flex_inputs(flex: FlexConfig, agents: pd.DataFrame, availability: pd.DataFrame, requests: pd.DataFrame,
                absences: pd.DataFrame, start: date, days: int, labour: LabourRules, pay: PayRules,
                *, requests_file: str = "requests.csv") -> FlexInputs:
    """The flex agents of `agents` (pattern `flex`) as shift types, contracts and wishes over the
    `days` days from `start`; the frames are as `load_agents`, `load_availability`, `load_requests`
    and `load_absences` read them. Rows of other agents are ignored."""
    ids = flex_ids(agents)
    types = _types(flex, ids, labour)
    by_id = {t.id: t for t in types}
    night = night_shifts(types, pay)
    night_ok = dict(zip(agents["agent_id"].astype(str), agents["night_ok"]))
    contracts: dict[str, FlexContract] = {}
    for a in ids:
        terms = flex.terms(a)
        own = frozenset(shift_id(s, m) for s, m in terms.shift_specs())
        allowed = own if bool(night_ok.get(a, True)) else own - night
        contracts[a] = _contract(a, terms, allowed, by_id, day_windows(availability, a, start, days),
                                 absent_days(absences, a, start, days), start,
                                 f"flex.agents.{a}" if a in flex.agents else "flex", labour.weekly_rest_h > 0)
    wished = requests[requests["agent_id"].isin(contracts)]
    wishes, notes = _wishes(wished, contracts, flex, by_id, night, start, days, requests_file)
    return FlexInputs(types, tuple(contracts.values()), tuple(wishes), days, start.weekday(), tuple(notes),
                      int(round(flex.weekend_fairness_rub)))


def load_flex_inputs(cfg: RotaConfig, start: date, days: int) -> FlexInputs:
    """A workspace's flex agents read from its files and translated (`flex_inputs`)."""
    agents_path = cfg.path(cfg.data.agents)
    agents = load_agents(agents_path, cfg.book, flex=True)
    return workspace_flex(cfg, agents, load_absences(cfg.absences_path(), agents), start, days)


def workspace_flex(cfg: RotaConfig, agents: pd.DataFrame, absences: pd.DataFrame, start: date,
                   days: int, planned: pd.DataFrame | None = None) -> FlexInputs:
    """The flex agents of `agents` (as the agents file has them) with the workspace's `[flex]`
    terms, availability.csv and requests.csv (`flex_inputs`); `planned`: only those of these agents
    (a scenario that removed some), the files still checked against the whole agents file."""
    check_overrides(cfg.flex, agents, cfg.source, cfg.path(cfg.data.agents).name)
    availability_path, requests_path = cfg.flex_paths()
    return flex_inputs(
        cfg.flex, agents if planned is None else planned, load_availability(availability_path, agents),
        load_requests(requests_path, agents),
        absences, start, days, cfg.labour, cfg.pay,
        requests_file=Path(requests_path).name if requests_path else "requests.csv",
    )
