"""solve_schedule and its glue: classes, lines, the named rota, coverage, pay and the checker.

Every instance is tiny and built here; expected figures are worked out by hand from the
patterns, the calendar and the pay rules, not read off the code.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import absences_frame, agents_frame
from constraints.checker import check_rota
from constraints.labour import parse_labour
from constraints.patterns import parse_pattern_book
from common.errors import InputError
from planner.workspace.config import RotaConfig, default_config, load_config
from planner.solve.continuity import carry_over
from planner.solve.schedule import Schedule, absence_days, agent_classes, build_lines, solve_schedule

MONDAY = date(2026, 11, 23)
RATE = 400.0
NO_ABSENCES = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                            "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})


def flat_requirements(start: date, days: int, agents_at, contacts_per_agent: float = 20.0) -> pd.DataFrame:
    """A requirements CSV as `rota schedule` reads one with ts, agents and contacts (no queue
    model: each missing agent costs the contacts per required agent, here well above a shift's pay)."""
    ts = pd.date_range(pd.Timestamp(start), periods=days * 24, freq="h")
    need = np.array([agents_at(t) for t in ts], dtype=float)
    return pd.DataFrame({"ts": ts, "channel": "all", "queue": "main", "agents": need,
                         "scheduled_agents": need, "contacts": contacts_per_agent * need})


def config(patterns: dict | None = None, shifts: dict | None = None) -> RotaConfig:
    return dataclasses.replace(default_config(), book=parse_pattern_book(patterns or {}, shifts or {}))


DAY_ONLY_22 = config({"2/2": {"variants": {"day": ["day", "day", "off", "off"]}}}, {"day": {"starts": ["08:00"]}})
DAY_AND_NIGHT_22 = config(
    {"2/2": {"variants": {"day": ["day", "day", "off", "off"], "night": ["night", "night", "off", "off"]}}},
    {"day": {"starts": ["08:00"]}, "night": {"starts": ["20:00"]}},
)


def worked_days(s: Schedule, agent: str) -> set[date]:
    return set(s.rota.loc[s.rota["agent_id"] == agent, "date"].dt.date)


def no_violations(s: Schedule, agents: pd.DataFrame, absences: pd.DataFrame, cfg: RotaConfig,
                  previous: pd.DataFrame | None = None) -> None:
    """The schedule's own check and an independent call of the checker both find nothing."""
    assert s.violations == ()
    assert check_rota(s.rota, agents, absences, cfg.labour, cfg.book, s.start, s.days, previous) == []


# ----------------------------------------------------------------------------- classes and lines


def test_agents_with_the_same_hard_attributes_pool_into_one_class():
    """Same pattern, phase, night_ok and absence days = one class; any difference splits.
    D and E have cycle_starts four days apart: the same 2/2 phase, so they pool."""
    ag = agents_frame(
        {"agent_id": "A"}, {"agent_id": "B", "shift_pref": "night", "rate_rub_h": 500},
        {"agent_id": "C", "night_ok": False},
        {"agent_id": "D", "cycle_start": "2026-11-21"}, {"agent_id": "E", "cycle_start": "2026-11-25"},
        {"agent_id": "F"}, {"agent_id": "G"}, {"agent_id": "H"},
        {"agent_id": "I", "pattern": "3/3"},
    )
    ab = absences_frame(("F", "2026-11-24", "2026-11-25"), ("G", "2026-11-24", "2026-11-25"),
                        ("H", "2026-11-24", "2026-11-24"))
    cfg = default_config()
    carry = carry_over(ag, ab, cfg.book, cfg.labour, MONDAY)
    classes = agent_classes(ag, absence_days(ab, MONDAY, 7), carry)
    groups = {c.members for c in classes}
    assert groups == {("A", "B"), ("C",), ("D", "E"), ("F", "G"), ("H",), ("I",)}
    by_members = {c.members: c for c in classes}
    assert by_members[("D", "E")].phase == 2          # (2026-11-23 - 2026-11-21) % 4
    assert by_members[("A", "B")].phase is None
    assert set(by_members[("F", "G")].absent_days) >= {date(2026, 11, 24), date(2026, 11, 25)}


def test_an_absent_agent_gets_the_lines_with_the_absence_days_removed():
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "F"})
    ab = absences_frame(("F", "2026-11-24", "2026-11-26"))
    cfg = default_config()
    absent = absence_days(ab, MONDAY, 7)
    classes = agent_classes(ag, absent, carry_over(ag, ab, cfg.book, cfg.labour, MONDAY))
    lines, allowed = build_lines(cfg, classes, MONDAY, 7)
    free = next(c for c, cls in enumerate(classes) if cls.members == ("A",))
    away = next(c for c, cls in enumerate(classes) if cls.members == ("F",))
    full = {lines[i].key: lines[i] for i in np.flatnonzero(allowed[free])}
    mine = [lines[i] for i in np.flatnonzero(allowed[away])]
    assert len(mine) == len(full)
    gone = {date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)}
    for line in mine:
        assert not {s.day for s in line.shifts} & gone
        original = full[line.key.removesuffix(" -abs")]
        # the night of the 23rd would keep F at work until the morning of the 24th: gone too
        assert line.shifts == tuple(s for s in original.shifts
                                    if s.day not in gone and (s.end - timedelta(minutes=1)).date() not in gone)


def test_an_absence_ending_on_the_first_day_removes_the_night_begun_the_day_before():
    """Absent 2026-11-20..23: the night of Sunday 22nd was not worked, so no line of the class
    may deliver Monday's first hours from it."""
    ag = agents_frame({"agent_id": "F"})
    ab = absences_frame(("F", "2026-11-20", "2026-11-23"))
    cfg = default_config()
    classes = agent_classes(ag, absence_days(ab, MONDAY, 7), carry_over(ag, ab, cfg.book, cfg.labour, MONDAY))
    lines, allowed = build_lines(cfg, classes, MONDAY, 7)
    assert allowed[0].any()
    for i in np.flatnonzero(allowed[0]):
        assert all(s.day > MONDAY for s in lines[i].shifts)


# ----------------------------------------------------------------------------- solved instances


def test_four_day_agents_split_their_phases_two_and_two_to_cover_every_day():
    """2 agents needed 08:00-20:00 every day; four 2/2 agents on one 08:00-20:00 day shift.
    Two agents per phase p and p + 2 is the only way to have two on every day.
    Pay by hand: 14 shifts x 11 paid h x 400 = 61,600. The week 23-29 November does not end
    November (summed accounting by month, art. 104): no overtime is known, priced or paid, however
    far 44 h a week runs ahead of the month's 159 h. Objective = 61,600."""
    ag = agents_frame(*({"agent_id": f"A{k}"} for k in range(1, 5)))
    req = flat_requirements(MONDAY, 7, lambda t: 2 if 8 <= t.hour < 20 else 0)
    s = solve_schedule(DAY_ONLY_22, req, ag, NO_ABSENCES, MONDAY, 7, time_limit_s=5)
    assert s.model.status == "OPTIMAL"
    expected = np.array([2 if 8 <= h % 24 < 20 else 0 for h in range(7 * 24)])
    assert s.coverage["scheduled"].tolist() == expected.tolist()
    assert s.coverage["required"].tolist() == expected.tolist()
    days = [worked_days(s, a) for a in ag["agent_id"]]
    for k in range(7):
        d = MONDAY + timedelta(days=k)
        assert sum(d in w for w in days) == 2
    patterns = sorted(tuple(sorted(w)) for w in days)
    assert patterns[0] == patterns[1] and patterns[2] == patterns[3] and patterns[0] != patterns[2]
    assert s.model.objective == pytest.approx(61_600.0)
    assert s.pay["total"].sum() == pytest.approx(61_600.0) and s.pay["overtime"].sum() == 0
    no_violations(s, ag, NO_ABSENCES, DAY_ONLY_22)



def test_a_week_that_ends_the_month_prices_and_pays_its_overtime_with_the_hours_before():
    """The same four agents from Tuesday 24 to Monday 30 November 2026, which ends November (159 h,
    art. 104). worked.csv: each worked 10 h on 5-18 November, 140 h. The pair with 4 shifts makes
    140 + 44 = 184 h, 25 over: 2 x 0.5 + 23 x 1.0 = 24 rate-hours, 9,600 each; the pair with 3
    shifts 173 h, 14 over: 1 + 12 = 13 rate-hours, 5,200 each (art. 152; day shifts, no night
    share). The optimiser prices it as pay.csv pays it: 61,600 + 2 x 9,600 + 2 x 5,200 = 91,200.
    (Overtime this size is planned only where the site allows it and the agents consent.)"""
    ag = agents_frame(*({"agent_id": f"A{k}"} for k in range(1, 5))).assign(overtime_ok=True)
    tuesday = date(2026, 11, 24)
    req = flat_requirements(tuesday, 7, lambda t: 2 if 8 <= t.hour < 20 else 0)
    worked = pd.DataFrame([(a, pd.Timestamp(2026, 11, d), 10.0, 0.0) for a in ag["agent_id"] for d in range(5, 19)],
                          columns=["agent_id", "date", "hours", "night_hours"])
    cfg = dataclasses.replace(DAY_ONLY_22, labour=parse_labour({"planned_overtime": True}))
    s = solve_schedule(cfg, req, ag, NO_ABSENCES, tuesday, 7, worked=worked, time_limit_s=5)
    assert s.model.status == "OPTIMAL"
    assert s.model.objective == pytest.approx(91_200.0)
    pay = s.pay.set_index("agent_id")
    assert pay["settled"].all() and (pay["hours_before"] == 140).all()
    assert sorted(pay["overtime_hours"]) == [14, 14, 25, 25] and sorted(pay["overtime"]) == [5200, 5200, 9600, 9600]
    assert pay["total"].sum() == pytest.approx(91_200.0)
    no_violations(s, ag, NO_ABSENCES, cfg)


def test_night_ok_false_works_no_night_hour_and_shift_wishes_are_honoured():
    """One agent needed round the clock; 2/2 day 08:00-20:00 or night 20:00-08:00. Nights need
    two night lines; E may not work nights, so E plus one more take the two day phases, a
    fifth line is surplus (a day, without the night premium). A, B wish days, C, D nights:
    among A-D two get day lines and two night lines, so every wish can be kept."""
    ag = agents_frame({"agent_id": "A", "shift_pref": "day"}, {"agent_id": "B", "shift_pref": "day"},
                      {"agent_id": "C", "shift_pref": "night"}, {"agent_id": "D", "shift_pref": "night"},
                      {"agent_id": "E", "night_ok": False})
    req = flat_requirements(MONDAY, 7, lambda t: 1)
    s = solve_schedule(DAY_AND_NIGHT_22, req, ag, NO_ABSENCES, MONDAY, 7, time_limit_s=5)
    r = s.rota
    e = r[r["agent_id"] == "E"]
    assert len(e) > 0 and (e["night_hours"] == 0).all()
    assert (e["start"].dt.hour == 8).all() and (e["end"].dt.hour == 20).all()
    for a in ("A", "B"):
        assert (r.loc[r["agent_id"] == a, "shift"] == "day").all()
    for a in ("C", "D"):
        mine = r[r["agent_id"] == a]
        assert (mine["shift"] == "night").all() and (mine["night_hours"] == 8).all()   # 22:00-06:00
    assert s.assignment.against_preference == ()
    assert (s.coverage["scheduled"] >= 1).all()
    no_violations(s, ag, NO_ABSENCES, DAY_AND_NIGHT_22)


def test_an_absent_agent_is_not_rostered_on_absence_days_and_the_rota_stays_legal():
    ag = agents_frame(*({"agent_id": f"A{k}"} for k in range(1, 5)))
    ab = absences_frame(("A1", "2026-11-20", "2026-11-25"), ("A3", "2026-11-27", "2026-12-05"))
    req = flat_requirements(MONDAY, 7, lambda t: 1)
    s = solve_schedule(DAY_AND_NIGHT_22, req, ag, ab, MONDAY, 7, time_limit_s=3)
    assert not worked_days(s, "A1") & {MONDAY + timedelta(days=k) for k in range(3)}
    assert not worked_days(s, "A3") & {MONDAY + timedelta(days=k) for k in range(4, 7)}
    # A1 was away on Sunday 22nd too, so A1's line carries no night begun before the horizon
    assert all(sh.day >= date(2026, 11, 26) for sh in s.lines[s.assignment.line_of["A1"]].shifts)
    # coverage is exactly the named rota's shifts on site: with no previous rota, the rota
    # itself lists the nights begun on Sunday evening that run into Monday
    hours = pd.date_range(pd.Timestamp(MONDAY), periods=7 * 24, freq="h")
    on_site = np.zeros(len(hours), dtype=int)
    for row in s.rota.itertuples():
        on_site += (hours >= row.start) & (hours < row.end)
    assert s.coverage["scheduled"].tolist() == on_site.tolist()
    eve = s.rota[s.rota["date"].dt.date < MONDAY]
    assert (eve["date"].dt.date == MONDAY - timedelta(days=1)).all() and (eve["end"] > pd.Timestamp(MONDAY)).all()
    no_violations(s, ag, ab, DAY_AND_NIGHT_22)


# ----------------------------------------------------------------------------- infeasible inputs


def test_night_only_pattern_for_agents_who_may_not_work_nights_names_them_and_the_rule():
    cfg = config({"nights": {"variants": {"night": ["night", "night", "off", "off"]}}})
    ag = agents_frame({"agent_id": "N1", "pattern": "nights", "night_ok": False},
                      {"agent_id": "N2", "pattern": "nights", "night_ok": False},
                      {"agent_id": "OK1", "pattern": "nights"})
    with pytest.raises(InputError) as err:
        solve_schedule(cfg, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7, time_limit_s=1)
    msg = str(err.value)
    assert "N1" in msg and "N2" in msg and "OK1" not in msg
    assert "night_ok" in msg and "night" in msg
    assert "None" not in msg


def test_a_daily_rest_above_12_h_lets_day_shifts_start_later_the_next_day_for_agents_without_nights():
    """With a 14-h daily rest no 2/2 line with one start time per template is night-free (two
    day shifts at the same hour rest 12 h; day-night works a night), yet D1, who may not work
    nights, can work 2/2 lawfully with the second day starting 2-3 h after the first. rota
    refused D1 before ("every 2/2 line works at night"; bench/audit_fuzz.py, case 100010)."""
    cfg = dataclasses.replace(load_config(None), labour=parse_labour({"min_daily_rest_h": 14}))
    ag = agents_frame({"agent_id": "D1", "night_ok": False, "cycle_start": "2026-11-23"}, {"agent_id": "N1"})
    s = solve_schedule(cfg, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7, time_limit_s=2)
    d1 = s.rota[s.rota["agent_id"] == "D1"].sort_values("start")
    assert set(d1["date"].dt.date) == {MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=4),
                                       MONDAY + timedelta(days=5)}
    assert (d1["night_hours"] == 0).all()
    gaps = (d1["start"].iloc[1:].to_numpy() - d1["end"].iloc[:-1].to_numpy()) / np.timedelta64(1, "h")
    assert gaps.min() >= 14
    no_violations(s, ag, NO_ABSENCES, cfg)


def test_a_pattern_no_start_times_can_work_within_the_daily_rest_is_refused_in_words():
    """3/3 day shifts start 07-10: with a 14-h rest the second day starts at 09:00 at the
    earliest and the third at 11:00, which is not a start time; 3/3 nights likewise. rota names
    the agents and the rules, not an empty phase ("no line of pattern 3/3 has phase None")."""
    cfg = dataclasses.replace(load_config(None), labour=parse_labour({"min_daily_rest_h": 14}))
    ag = agents_frame({"agent_id": "T1", "pattern": "3/3"}, {"agent_id": "T2", "pattern": "3/3", "night_ok": False},
                      {"agent_id": "OK", "pattern": "5/2"})
    with pytest.raises(InputError) as err:
        solve_schedule(cfg, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7, time_limit_s=1)
    msg = str(err.value)
    assert "T1" in msg and "OK" not in msg and "None" not in msg
    assert "no way to work 3/3" in msg and "daily rest of 14 h (labour.min_daily_rest_h)" in msg


def test_the_weekly_rest_across_the_previous_rota_is_kept():
    """2/2 day-night with a 48-h weekly rest. A's previous rota ends with a day on Friday
    2026-04-03 09-21 and a night Saturday 20:00 - Sunday 08:00; the cycle's next day shift is
    Tuesday. Started at 07:00 it would leave 47 h of rest, and the 7 days from Friday hold no
    other long rest: so Tuesday's day starts at 08:00 or later (the requirement asks for 07:00).
    rota broke it before (bench/audit_fuzz.py, case 78: exit code 1, weekly_rest)."""
    cfg = dataclasses.replace(config({"2/2": {"variants": {"day-night": ["day", "night", "off", "off"]}}}),
                              labour=parse_labour({"weekly_rest_h": 48}))
    prev = pd.DataFrame({"agent_id": "A", "date": pd.to_datetime(["2026-03-30", "2026-03-31", "2026-04-03", "2026-04-04"]),
                         "start": pd.to_datetime(["2026-03-30 09:00", "2026-03-31 20:00", "2026-04-03 09:00",
                                                  "2026-04-04 20:00"]),
                         "end": pd.to_datetime(["2026-03-30 21:00", "2026-04-01 08:00", "2026-04-03 21:00",
                                                "2026-04-05 08:00"]),
                         "night_hours": [0.0, 8.0, 0.0, 8.0], "holiday_hours": 0.0})
    ag = agents_frame({"agent_id": "A"})
    monday = date(2026, 4, 6)
    req = flat_requirements(monday, 7, lambda t: 1 if t.hour == 7 else 0)
    s = solve_schedule(cfg, req, ag, NO_ABSENCES, monday, 7, prev, time_limit_s=2)
    tuesday = s.rota[s.rota["date"].dt.date == date(2026, 4, 7)]
    assert len(tuesday) == 1 and tuesday["start"].iloc[0] >= pd.Timestamp("2026-04-07 08:00")
    no_violations(s, ag, NO_ABSENCES, cfg, prev)


def test_previous_rota_leaving_no_legal_first_shift_names_the_agent_and_the_daily_rest():
    """P1's phase is fixed so Monday is a work day; the day shift starts at 08:00 at the latest,
    but the previous rota's last shift ended Sunday 23:00: 12 h of rest reach 11:00."""
    cfg = config({"2/2": {"variants": {"day": ["day", "day", "off", "off"]}}}, {"day": {"starts": ["07:00", "08:00"]}})
    ag = agents_frame({"agent_id": "P1", "cycle_start": "2026-11-23"}, {"agent_id": "P2"})
    prev = pd.DataFrame({"agent_id": ["P1"], "date": [pd.Timestamp("2026-11-22")],
                         "start": [pd.Timestamp("2026-11-22 11:00")], "end": [pd.Timestamp("2026-11-22 23:00")],
                         "night_hours": [1.0], "holiday_hours": [0.0]})
    with pytest.raises(InputError) as err:
        solve_schedule(cfg, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7, prev,
                       time_limit_s=1)
    msg = str(err.value)
    assert "P1" in msg and "P2" not in msg
    assert "daily rest" in msg and "12 h" in msg and "2026-11-23 11:00" in msg


def test_previous_night_that_fits_no_cycle_is_named():
    """The previous rota's night runs into Monday, but P1's fixed phase has Sunday off."""
    ag = agents_frame({"agent_id": "P1", "cycle_start": "2026-11-23"})
    prev = pd.DataFrame({"agent_id": ["P1"], "date": [pd.Timestamp("2026-11-22")],
                         "start": [pd.Timestamp("2026-11-22 20:00")], "end": [pd.Timestamp("2026-11-23 08:00")],
                         "night_hours": [8.0], "holiday_hours": [0.0]})
    with pytest.raises(InputError) as err:
        solve_schedule(DAY_ONLY_22, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7, prev,
                       time_limit_s=1)
    assert "P1" in str(err.value) and "2026-11-22 20:00" in str(err.value)


def test_rest_after_the_previous_rota_only_binds_shifts_the_agent_really_works():
    """P1 worked Sunday 10:00-22:00, so no shift before Monday 10:00; the cycle (begun Sunday)
    has a day shift on Monday at 08:00, but P1 is absent on Monday: the line is fine, and P1
    works Thursday and Friday."""
    ag = agents_frame({"agent_id": "P1", "cycle_start": "2026-11-22"}, {"agent_id": "P2"})
    prev = pd.DataFrame({"agent_id": ["P1"], "date": [pd.Timestamp("2026-11-22")],
                         "start": [pd.Timestamp("2026-11-22 10:00")], "end": [pd.Timestamp("2026-11-22 22:00")],
                         "night_hours": [0.0], "holiday_hours": [0.0]})
    ab = absences_frame(("P1", "2026-11-23", "2026-11-23"))
    s = solve_schedule(DAY_ONLY_22, flat_requirements(MONDAY, 7, lambda t: 1), ag, ab, MONDAY, 7, prev,
                       time_limit_s=2)
    assert worked_days(s, "P1") == {date(2026, 11, 26), date(2026, 11, 27)}
    no_violations(s, ag, ab, DAY_ONLY_22, prev)


NIGHTS_22 = config({"2/2": {"variants": {"night": ["night", "night", "off", "off"]}}}, {"night": {"starts": ["20:00"]}})


def test_a_night_on_the_eve_of_an_absence_is_not_worked():
    """N works nights from cycle_start Tuesday 24th: 24, 25, 28, 29. Absent on the 26th and on
    Monday 30th (the day after the horizon): the nights of the 25th and 29th would keep N at
    work until 08:00 on a day of leave, so N's line leaves them out, and the rota is legal."""
    ag = agents_frame({"agent_id": "N", "cycle_start": "2026-11-24"}, {"agent_id": "M"})
    ab = absences_frame(("N", "2026-11-26", "2026-11-26"), ("N", "2026-11-30", "2026-12-02"))
    s = solve_schedule(NIGHTS_22, flat_requirements(MONDAY, 7, lambda t: 1), ag, ab, MONDAY, 7, time_limit_s=2)
    assert worked_days(s, "N") == {date(2026, 11, 24), date(2026, 11, 28)}
    mine = s.rota[s.rota["agent_id"] == "N"]
    for a, b in (("2026-11-26", "2026-11-27"), ("2026-11-30", "2026-12-03")):
        assert not ((mine["start"] < pd.Timestamp(b)) & (mine["end"] > pd.Timestamp(a))).any()
    no_violations(s, ag, ab, NIGHTS_22)


def test_a_previous_night_into_a_first_day_of_absence_stays_the_previous_rotas():
    """P1 worked nights 21 and 22 (to Monday 08:00) and is off sick from Monday: that night
    happened and is the previous rota's; P1's line still carries it (the first morning is
    staffed by it) and this rota neither repeats it nor gives P1 any shift while away."""
    prev = pd.DataFrame({"agent_id": ["P1", "P1"], "date": pd.to_datetime(["2026-11-21", "2026-11-22"]),
                         "start": pd.to_datetime(["2026-11-21 20:00", "2026-11-22 20:00"]),
                         "end": pd.to_datetime(["2026-11-22 08:00", "2026-11-23 08:00"]),
                         "night_hours": [8.0, 8.0], "holiday_hours": [0.0, 0.0]})
    ag = agents_frame({"agent_id": "P1"}, {"agent_id": "P2"})
    ab = absences_frame(("P1", "2026-11-23", "2026-11-24"), kind="sick")
    s = solve_schedule(NIGHTS_22, flat_requirements(MONDAY, 7, lambda t: 1), ag, ab, MONDAY, 7, prev,
                       time_limit_s=2)
    assert worked_days(s, "P1") == {date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 29)}
    assert not (s.rota["start"] < pd.Timestamp(MONDAY)).any()
    assert (s.coverage["scheduled"].iloc[:8] >= 1).all()
    no_violations(s, ag, ab, NIGHTS_22, prev)


def test_requirements_outside_the_horizon_are_an_input_error():
    ag = agents_frame({"agent_id": "A"})
    with pytest.raises(InputError, match="no hour between"):
        solve_schedule(DAY_ONLY_22, flat_requirements(date(2026, 11, 1), 7, lambda t: 1), ag, NO_ABSENCES,
                       MONDAY, 7, time_limit_s=1)


# ----------------------------------------------------------------------------- a small site


SMALL_SITE_TOML = """\
[staffing]
shrinkage = 0.25

[channels.phone]
model = "erlang_c"
aht_s = 240
answer_s = 20
sl_target = 0.8

[shifts.night]
starts = ["20:00"]

[solver]
time_limit_s = 3
workers = 2
seed = 1
"""


def small_site_agents() -> pd.DataFrame:
    """10 on 2/2, 4 on 3/3, 4 on 5/2; half the cycle agents with a cycle_start; S03 no nights."""
    rows = []
    for k in range(1, 19):
        pattern = "2/2" if k <= 10 else "3/3" if k <= 14 else "5/2"
        rows.append({"agent_id": f"S{k:02d}", "pattern": pattern,
                     "shift_pref": ("day", "night", "any")[k % 3] if pattern != "5/2" else "day",
                     "rate_rub_h": 400 + 10 * (k % 5),
                     "cycle_start": f"2026-11-{10 + k % 6:02d}" if pattern != "5/2" and k % 2 else None,
                     "night_ok": k != 3})
    return agents_frame(*rows)


def site_requirements(start: date, days: int) -> pd.DataFrame:
    """Requirement of a small 24/7 site: 3 agents at night, up to 6 at the day's peak."""
    return flat_requirements(start, days, lambda t: 3 if t.hour < 8 or t.hour >= 22 else 6 if 10 <= t.hour < 18 else 4)


@pytest.fixture(scope="module")
def site_cfg(tmp_path_factory) -> RotaConfig:
    path = Path(tmp_path_factory.mktemp("site")) / "rota.toml"
    path.write_text(SMALL_SITE_TOML, encoding="utf-8")
    return load_config(path)


NEW_YEAR = date(2026, 12, 28)
NY_ABSENCES = absences_frame(("S05", "2026-12-31", "2027-01-02"), ("S16", "2027-01-04", "2027-01-06"))


@pytest.fixture(scope="module")
def new_year(site_cfg) -> tuple[Schedule, pd.DataFrame]:
    ag = small_site_agents()
    s = solve_schedule(site_cfg, site_requirements(NEW_YEAR, 14), ag, NY_ABSENCES, NEW_YEAR, 14, time_limit_s=3)
    return s, ag


def holiday_overlap_h(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Hours of [start, end) on 1-8 January (art. 112), counted hour by hour."""
    n = int((end - start) / pd.Timedelta(hours=1))
    return float(sum((start + pd.Timedelta(hours=k)).month == 1 and (start + pd.Timedelta(hours=k)).day <= 8
                     for k in range(n)))


def test_new_year_fortnight_keeps_every_rule(new_year, site_cfg):
    s, ag = new_year
    # the rota's days, and nights begun the evening before that run into its first morning
    assert s.rota["date"].min() >= pd.Timestamp(NEW_YEAR) - pd.Timedelta(days=1)
    eve = s.rota[s.rota["date"] < pd.Timestamp(NEW_YEAR)]
    assert (eve["end"] > pd.Timestamp(NEW_YEAR)).all()
    assert s.rota["date"].max() <= pd.Timestamp("2027-01-10")
    assert set(s.rota["agent_id"]) == set(ag["agent_id"])
    no_violations(s, ag, NY_ABSENCES, site_cfg)
    assert not worked_days(s, "S05") & {date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)}
    assert (s.rota.loc[s.rota["agent_id"] == "S03", "night_hours"] == 0).all()


def test_new_year_holiday_hours_are_the_shift_hours_inside_january_1_to_8(new_year):
    """Holiday hours = the shift's hours on 1-8 January: a 20:00 Dec 31 night has 8 (8 on site on
    Jan 1, less the break, plus the art. 96 hour), a 20:00 Jan 8 night 4, a day shift on a holiday
    11 of its 12 h, Dec 31 and Jan 9 (transferred days off) none."""
    s, _ = new_year
    r = s.rota
    expected = [min(holiday_overlap_h(a, b), p) for a, b, p in zip(r["start"], r["end"], r["paid_hours"])]
    assert r["holiday_hours"].tolist() == pytest.approx(expected)
    touching = (r["end"] > pd.Timestamp("2027-01-01")) & (r["start"] < pd.Timestamp("2027-01-09"))
    assert ((r["holiday_hours"] > 0) == touching).all()
    eve = r[r["start"] == pd.Timestamp("2026-12-31 20:00")]
    last = r[r["start"] == pd.Timestamp("2027-01-08 20:00")]
    assert len(eve) > 0 and len(last) > 0          # nights need agents, and nights start at 20:00
    assert (eve["holiday_hours"] == 8).all() and (last["holiday_hours"] == 4).all()
    day_on_holiday = r[(r["date"] == pd.Timestamp("2027-01-03")) & (r["shift"] == "day")]
    assert len(day_on_holiday) > 0 and (day_on_holiday["holiday_hours"] == 11).all()
    assert (r.loc[r["date"] == pd.Timestamp("2027-01-09"), "holiday_hours"] == 0).all()
    assert (r.loc[r["start"] < pd.Timestamp("2026-12-31 20:00"), "holiday_hours"] == 0).all()


def test_new_year_holiday_premium_is_hours_times_rate_times_multiplier_less_one(new_year, site_cfg):
    """Pay is the timesheet's hours priced: the hours of the horizon's calendar days, so of the
    night begun on 27 December only its morning, of the last night only its evening."""
    s, ag = new_year
    rates = ag.set_index("agent_id")["rate_rub_h"]
    t = s.timesheet
    hours = t.assign(h=t["hours"].where(t["holiday"], 0.0)).groupby("agent_id")["h"].sum()
    pay = s.pay.groupby("agent_id")[["holiday_hours", "holiday_premium", "night_premium", "planned_hours"]].sum()
    assert set(s.pay["period"]) == {"2026-12", "2027-01"}                  # one row per agent and month
    assert (hours > 0).sum() >= 10
    assert hours.sum() == pytest.approx(s.rota["holiday_hours"].sum())      # Jan 1-8 lie inside the horizon
    for agent, h in hours.items():
        assert pay.at[agent, "holiday_hours"] == pytest.approx(h)
        assert pay.at[agent, "holiday_premium"] == pytest.approx(h * rates[agent] * (site_cfg.pay.holiday_multiplier - 1),
                                                                 abs=0.01)
    night = t.groupby("agent_id")["night_hours"].sum()
    for agent, h in night.items():
        assert pay.at[agent, "night_premium"] == pytest.approx(h * rates[agent] * 0.20, abs=0.01)
        assert pay.at[agent, "planned_hours"] == pytest.approx(t.loc[t["agent_id"] == agent, "hours"].sum())


def test_a_stop_already_requested_still_returns_a_complete_legal_rota(site_cfg):
    """Stopped before the search: the best rota known so far (the warm start) comes back whole."""
    ag = small_site_agents()
    stop = threading.Event()
    stop.set()
    s = solve_schedule(site_cfg, site_requirements(MONDAY, 7), ag, NO_ABSENCES, MONDAY, 7,
                       time_limit_s=60, stop=stop)
    assert s.model.status in ("FEASIBLE", "OPTIMAL")
    assert s.model.solve_seconds < 30
    assert set(s.assignment.line_of) == set(ag["agent_id"])
    assert set(s.rota["agent_id"]) == set(ag["agent_id"])
    # every agent works the whole line given: 2/2 has 3 or 4 shifts a week, 3/3 3 or 4, 5/2 5 (and a
    # cycle agent may also have the night begun the evening before, which the rota lists)
    per_agent = s.rota[s.rota["date"] >= pd.Timestamp(MONDAY)].groupby("agent_id").size()
    patterns = ag.set_index("agent_id")["pattern"]
    for agent, n in per_agent.items():
        assert n in {"2/2": (3, 4), "3/3": (3, 4), "5/2": (5,)}[patterns[agent]], agent
    no_violations(s, ag, NO_ABSENCES, site_cfg)


def test_rota_columns_and_hours_are_the_shifts_own():
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "B"})
    s = solve_schedule(DAY_AND_NIGHT_22, flat_requirements(MONDAY, 7, lambda t: 1), ag, NO_ABSENCES, MONDAY, 7,
                       time_limit_s=3)
    r = s.rota
    assert list(r.columns) == ["agent_id", "date", "start", "end", "paid_hours", "night_hours", "holiday_hours",
                               "pattern", "shift", "serves"]
    assert ((r["end"] - r["start"]) == pd.Timedelta(hours=12)).all()
    # 12 on site less the 1 h break; a night shift one hour more: art. 96's hour, credited as worked
    assert (r["paid_hours"] == np.where(r["night_hours"] > 0, 12, 11)).all()
    assert (r["date"] == r["start"].dt.normalize()).all()      # a night belongs to the day it starts
    assert r["night_hours"].isin([0, 8]).all()                 # 08:00-20:00 has none, 20:00-08:00 has 8
    assert (r["holiday_hours"] == 0).all()                     # no art. 112 day in 2026-11-23..29
    assert isinstance(r["start"].iloc[0], (pd.Timestamp, datetime))


def test_the_gap_limit_setting_reaches_the_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.solve.schedule as schedule_module

    seen = {}
    real = schedule_module.solve

    def spy(inp, **kw):
        seen.update(kw)
        return real(inp, **kw)

    monkeypatch.setattr(schedule_module, "solve", spy)
    cfg = dataclasses.replace(DAY_ONLY_22, solver=DAY_ONLY_22.solver.model_copy(update={"gap_limit": 0.02}))
    ag = agents_frame(*({"agent_id": f"A{k}"} for k in range(1, 5)))
    s = solve_schedule(cfg, flat_requirements(MONDAY, 7, lambda t: 2 if 8 <= t.hour < 20 else 0), ag,
                       NO_ABSENCES, MONDAY, 7, time_limit_s=5)
    assert seen["relative_gap"] == 0.02
    assert s.model.gap <= 0.02
