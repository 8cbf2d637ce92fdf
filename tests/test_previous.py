"""planner/workspace/previous.py: the rotas before a plan, one or several (`--previous` again), read
as one, and where each ends (the horizon its plan wrote beside it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.packaging.custom import StringProperty

from common.errors import InputError
from planner.workspace.previous import (
    HORIZON_PROPERTY,
    combine_rotas,
    handover,
    horizon_property,
    load_previous,
    read_previous_rotas,
    read_rota,
    rota_horizon,
)

HEADER = "agent_id,date,start,end,paid_hours,night_hours,holiday_hours,pattern,shift"


def rota(folder: Path, *rows: str, start: str | None = None, days: int = 7, name: str = "rota.csv") -> Path:
    """A results folder with a rota.csv of `rows` (agent, start as YYYY-MM-DDTHH, hours) and, with
    `start`, the summary.json of the plan that wrote it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    for row in rows:
        agent, begin, hours = row.split()
        s = pd.Timestamp(begin)
        e = s + pd.Timedelta(hours=int(hours))
        lines.append(f"{agent},{s:%Y-%m-%d},{s:%Y-%m-%dT%H:%M},{e:%Y-%m-%dT%H:%M},11,0,0,2/2,")
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if start is not None:
        (folder / "summary.json").write_text(json.dumps({"start": start, "days": days}), encoding="utf-8")
    return folder / name


W48 = ("A 2026-11-23T08 12", "A 2026-11-24T08 12", "B 2026-11-27T20 12", "A 2026-11-27T08 12")
W49 = ("B 2026-11-30T20 12", "A 2026-12-01T08 12", "A 2026-12-05T08 12")


# ------------------------------------------------------------------------------ where a rota ends


def test_a_results_folder_says_its_horizon_in_summary_json(tmp_path: Path) -> None:
    path = rota(tmp_path / "week49", *W49, start="2026-11-30")
    assert rota_horizon(path) == (dt.date(2026, 11, 30), 7)
    assert rota_horizon(tmp_path / "week49") == (dt.date(2026, 11, 30), 7)        # the folder itself
    assert rota_horizon(rota(tmp_path / "alone", *W49)) is None                    # a rota.csv on its own
    (tmp_path / "week49" / "summary.json").write_text("{not json", encoding="utf-8")
    assert rota_horizon(path) is None


def test_rota_xlsx_carries_its_horizon_wherever_it_is_copied(tmp_path: Path) -> None:
    path = tmp_path / "sent_by_hr.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Shifts"
    wb.active.append(["agent_id", "date", "start", "end"])
    wb.active.append(["A", dt.date(2026, 11, 30), dt.datetime(2026, 11, 30, 8), dt.datetime(2026, 11, 30, 20)])
    wb.custom_doc_props.append(StringProperty(name=HORIZON_PROPERTY, value=horizon_property(dt.date(2026, 11, 30), 31)))
    wb.save(path)
    assert horizon_property(dt.date(2026, 11, 30), 31) == "2026-11-30/2026-12-30"
    assert rota_horizon(path) == (dt.date(2026, 11, 30), 31)


# ------------------------------------------------------------------------------ several rotas as one


def test_two_weeks_in_a_row_are_read_as_one_rota(tmp_path: Path) -> None:
    a, b = rota(tmp_path / "w48", *W48, start="2026-11-23"), rota(tmp_path / "w49", *W49, start="2026-11-30")
    both = read_previous_rotas([b, a])
    assert len(both.shifts) == len(W48) + len(W49)
    assert list(both.shifts["agent_id"]) == sorted(both.shifts["agent_id"])                 # by agent, then start
    assert [(s.first, s.last) for s in both.spans] == [(dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
                                                       (dt.date(2026, 11, 30), dt.date(2026, 12, 6))]
    assert both.warnings == ()


def test_a_shift_in_two_of_the_rotas_is_taken_once(tmp_path: Path) -> None:
    """The same week given as its folder and its rota.csv, or a month and a week of it."""
    week = rota(tmp_path / "w49", *W49, start="2026-11-30")
    assert len(read_previous_rotas([tmp_path / "w49", week]).shifts) == len(W49)
    month = rota(tmp_path / "dec", *W49, "A 2026-12-10T08 12", start="2026-11-30", days=31)
    assert len(read_previous_rotas([month, week]).shifts) == len(W49) + 1


def test_a_replan_from_the_middle_of_a_rota_replaces_it_from_its_first_day(tmp_path: Path) -> None:
    """The month as published, and a re-plan from 3 December on: the re-plan is what was worked
    from then on, the month before it and after it (said in a warning)."""
    month = rota(tmp_path / "dec", *W49, "B 2026-12-08T20 12", start="2026-11-30", days=14)
    replan = rota(tmp_path / "replan", "C 2026-12-05T08 12", start="2026-12-03", days=4)
    both = read_previous_rotas([replan, month])
    assert list(both.shifts["start"].dt.strftime("%d %H")) == ["01 08", "30 20", "08 20", "05 08"]
    assert len(both.warnings) == 1
    assert both.warnings[0] == (f"{replan} replaces {month} from 2026-12-03 to 2026-12-06, where the two differ "
                                "(from 2026-12-05, agent A): the later rota is taken")


def test_two_rotas_from_the_same_day_that_differ_are_refused(tmp_path: Path) -> None:
    week = rota(tmp_path / "w49", *W49, start="2026-11-30")
    swapped = rota(tmp_path / "w49_hr", "C 2026-11-30T20 12", *W49[1:], start="2026-11-30")
    with pytest.raises(InputError) as info:
        read_previous_rotas([week, swapped])
    said = info.value.message
    assert "both cover 2026-11-30 but differ there (agent B)" in said and "give each day's rota once" in said


def test_the_nights_of_a_rotas_eve_give_way_to_the_rota_of_that_day(tmp_path: Path) -> None:
    """A plan made without a previous rota lists the nights begun the evening before its first day
    (the optimiser's guess); the rota of that day, given too, says what was really worked."""
    w48 = rota(tmp_path / "w48", *W48, "B 2026-11-29T20 12", start="2026-11-23")
    w49 = rota(tmp_path / "w49", "C 2026-11-29T20 12", *W49, start="2026-11-30")
    nights = read_previous_rotas([w48, w49]).shifts
    eve = nights[nights["date"] == pd.Timestamp("2026-11-29")]
    assert list(eve["agent_id"]) == ["B"]
    alone = read_previous_rotas([w49]).shifts                         # kept when nothing else covers that day
    assert "C" in set(alone["agent_id"])


# ------------------------------------------------------------------------------ what the plan carries over


def test_nothing_given_is_nothing_carried_over() -> None:
    assert load_previous([], dt.date(2026, 12, 7)) == (None, [])


def test_the_rotas_before_the_plan_are_carried_over_whole(tmp_path: Path) -> None:
    a, b = rota(tmp_path / "w48", *W48, start="2026-11-23"), rota(tmp_path / "w49", *W49, start="2026-11-30")
    shifts, said = load_previous([a, b], dt.date(2026, 12, 7))
    assert len(shifts) == len(W48) + len(W49) and said == []


def test_a_gap_before_the_plan_is_refused_before_anything_is_planned(tmp_path: Path) -> None:
    a = rota(tmp_path / "w48", *W48, start="2026-11-23")
    with pytest.raises(InputError) as info:
        load_previous([a], dt.date(2026, 12, 7))
    assert info.value.file == str(a)
    assert "2026-11-30 to 2026-12-06 are in neither" in info.value.message


def test_a_rota_that_runs_into_the_plan_is_cut_at_its_first_day_with_a_warning(tmp_path: Path) -> None:
    """A re-plan from 3 December over a rota of the whole week: the shifts of the days before it
    are carried over, a night begun the evening before included; the rest is the plan's."""
    week = rota(tmp_path / "w49", *W49, "A 2026-12-02T20 12", start="2026-11-30")
    shifts, said = load_previous([week], dt.date(2026, 12, 3))
    assert list(shifts["start"].dt.strftime("%d %H")) == ["01 08", "02 20", "30 20"]
    assert len(said) == 1 and "runs until 2026-12-06, past the plan's first day 2026-12-03" in said[0]


def test_a_published_rota_replaced_from_the_plans_first_day_is_no_warning(tmp_path: Path) -> None:
    """The same week given as the published rota of a re-plan from 3 December: the same shifts
    carried over, and its days from the 3rd are the re-plan's on purpose, so nothing is said."""
    week = rota(tmp_path / "w49", *W49, "A 2026-12-02T20 12", start="2026-11-30")
    span, shifts = read_rota(week)
    before, said = handover(combine_rotas([(span, shifts)]), dt.date(2026, 12, 3), replaced=[span.file])
    assert list(before["start"].dt.strftime("%d %H")) == ["01 08", "02 20", "30 20"]
    assert said == []
