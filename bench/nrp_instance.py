"""Reader of the public rostering benchmark's text format (Curtois & Qu, schedulingbenchmarks.org).

The instance is kept as the file says it (`NrpInstance`), and `to_problem` maps it onto rota's
flexible-schedule engine: staff limits -> `FlexContract`, days off -> unavailable days, requests
-> wishes, cover -> a wanted count per day and shift. The objective evaluator
(`bench/nrp_evaluate.py`) reads the same `NrpInstance`, never the engine's objects.

Format: CRLF or LF line ends, `#` comments, blank lines, and SECTION_… headers followed by
comma-separated rows. Every instance starts on a Monday.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from constraints.flex import FlexContract, ShiftType  # noqa: E402
from planner.solve.flex_problem import CoverNeed, DayShiftCover, FlexProblem, ShiftWish  # noqa: E402

SECTIONS = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
            "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER")


@dataclass(frozen=True)
class NrpShift:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]   # shifts that may not come the day after this one


@dataclass(frozen=True)
class NrpStaff:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int


@dataclass(frozen=True)
class NrpRequest:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class NrpCover:
    day: int
    shift: str
    requirement: int
    under: int
    over: int


@dataclass(frozen=True)
class NrpInstance:
    horizon: int
    shifts: tuple[NrpShift, ...]
    staff: tuple[NrpStaff, ...]
    days_off: dict[str, tuple[int, ...]]
    on_requests: tuple[NrpRequest, ...]
    off_requests: tuple[NrpRequest, ...]
    cover: tuple[NrpCover, ...]


class InstanceError(ValueError):
    """A line the reader cannot understand: file, line number and why."""


def _sections(text: str, name: str) -> dict[str, list[tuple[int, list[str]]]]:
    out: dict[str, list[tuple[int, list[str]]]] = {s: [] for s in SECTIONS}
    current = None
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in out:
                raise InstanceError(f"{name}:{no}: unknown section {line}")
            current = line
            continue
        if current is None:
            raise InstanceError(f"{name}:{no}: data before any SECTION_ header")
        out[current].append((no, [f.strip() for f in line.split(",")]))
    return out


def parse(text: str, name: str = "<instance>") -> NrpInstance:
    """The instance in `text`; `name` is used in error messages."""
    sec = _sections(text, name)

    def rows(section: str, width: int | None = None):
        for no, fields in sec[section]:
            if width is not None and len(fields) < width:
                raise InstanceError(f"{name}:{no}: {section} needs {width} fields, got {len(fields)}")
            yield fields

    try:
        horizon = int(sec["SECTION_HORIZON"][0][1][0])
        shifts = tuple(NrpShift(f[0], int(f[1]), tuple(x for x in f[2].split("|") if x) if len(f) > 2 else ())
                       for f in rows("SECTION_SHIFTS", 2))
        staff = tuple(
            NrpStaff(f[0], {k: int(v) for k, v in (kv.split("=") for kv in f[1].split("|") if kv)},
                     int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), int(f[7]))
            for f in rows("SECTION_STAFF", 8))
        days_off = {f[0]: tuple(int(d) for d in f[1:] if d) for f in rows("SECTION_DAYS_OFF", 1)}
        on = tuple(NrpRequest(f[0], int(f[1]), f[2], int(f[3])) for f in rows("SECTION_SHIFT_ON_REQUESTS", 4))
        off = tuple(NrpRequest(f[0], int(f[1]), f[2], int(f[3])) for f in rows("SECTION_SHIFT_OFF_REQUESTS", 4))
        cover = tuple(NrpCover(int(f[0]), f[1], int(f[2]), int(f[3]), int(f[4])) for f in rows("SECTION_COVER", 5))
    except InstanceError:
        raise
    except (IndexError, ValueError) as e:
        raise InstanceError(f"{name}: {e}") from e
    return NrpInstance(horizon, shifts, staff, days_off, on, off, cover)


def read(path: str | Path) -> NrpInstance:
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), str(path))


def to_problem(inst: NrpInstance) -> FlexProblem:
    """The instance as rota's flexible-schedule problem (the benchmark starts on a Monday)."""
    ids = [s.id for s in inst.shifts]
    shift_types = tuple(ShiftType(s.id, s.minutes, frozenset(s.cannot_follow)) for s in inst.shifts)
    contracts = tuple(
        FlexContract(
            person=e.id,
            allowed=frozenset(s for s in ids if e.max_shifts.get(s, 0) > 0),
            max_of_type={s: e.max_shifts.get(s, 0) for s in ids},
            min_minutes=e.min_minutes, max_minutes=e.max_minutes,
            max_consecutive_work=e.max_consecutive, min_consecutive_work=e.min_consecutive,
            min_consecutive_off=e.min_consecutive_off, max_weekends=e.max_weekends,
            unavailable=frozenset(inst.days_off.get(e.id, ())),
        ) for e in inst.staff)
    wishes = tuple([ShiftWish(r.employee, r.day, r.shift, r.weight, True) for r in inst.on_requests]
                   + [ShiftWish(r.employee, r.day, r.shift, r.weight, False) for r in inst.off_requests])
    cover = DayShiftCover(tuple(CoverNeed(c.day, c.shift, c.requirement, c.under, c.over) for c in inst.cover))
    return FlexProblem(horizon_days=inst.horizon, shift_types=shift_types, contracts=contracts,
                       cover=cover, wishes=wishes, first_weekday=0)
