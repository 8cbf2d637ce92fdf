"""Continuity between rotas: phases from cycle_start or the previous rota, rest carried over.

The expected days are counted on the calendar by hand from the 2/2 and 3/3 cycles; the
two-week test feeds week 1's rota.csv back as the previous rota of week 2 and checks the
cycles over both weeks with its own cycle matcher, plus the checker across the boundary.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import absences_frame, agents_frame
from constraints.checker import check_rota
from constraints.patterns import parse_pattern_book
from common.errors import InputError
from planner.workspace.config import default_config
from planner.solve.continuity import carry_over
from planner.workspace.previous import read_previous
from planner.solve.schedule import Schedule, solve_schedule

WEEK1 = date(2026, 11, 23)
WEEK2 = date(2026, 11, 30)
WORK_DAYS = {"2/2": (True, True, False, False), "3/3": (True, True, True, False, False, False)}
NO_ABSENCES = pd.DataFrame({"agent_id": pd.Series(dtype=str), "start": pd.Series(dtype="datetime64[ns]"),
                            "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=str)})


def requirements(start: date, days: int, night: int, day: int) -> pd.DataFrame:
    ts = pd.date_range(pd.Timestamp(start), periods=days * 24, freq="h")
    need = np.where((ts.hour >= 8) & (ts.hour < 20), day, night).astype(float)
    return pd.DataFrame({"ts": ts, "channel": "all", "queue": "main", "agents": need,
                         "scheduled_agents": need, "contacts": 20.0 * need})


def shifts(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """A previous rota as read_previous returns it: (agent, start, hours on site)."""
    out = []
    for agent, start, hours in rows:
        s = pd.Timestamp(start)
        e = s + pd.Timedelta(hours=hours)
        night = sum((s + pd.Timedelta(hours=k)).hour in (22, 23, 0, 1, 2, 3, 4, 5) for k in range(int(hours)))
        out.append({"agent_id": agent, "date": s.normalize(), "start": s, "end": e,
                    "night_hours": float(night), "holiday_hours": 0.0})
    return pd.DataFrame(out)


def days_of(rota: pd.DataFrame, agent: str) -> set[date]:
    return set(rota.loc[rota["agent_id"] == agent, "date"].dt.date)


def nights_of(rota: pd.DataFrame, agent: str) -> set[date]:
    """Days of the agent's shifts that run past midnight."""
    mine = rota[rota["agent_id"] == agent]
    return set(mine.loc[mine["end"] > mine["date"] + pd.Timedelta(days=1), "date"].dt.date)


def phases_fitting(worked: set[date], absent: set[date], first: date, last: date, work: tuple[bool, ...],
                   origin: date, nights: set[date] = frozenset()) -> list[int]:
    """Cycle day indices p of `origin` for which the days [first, last] are worked exactly on the
    cycle's work days (an absence day may be either; a work day on the eve of an absence may be
    left out when that cycle day is a night, worked on `nights`, which would run into it)."""
    n = len(work)
    out = []
    for p in range(n):
        ok = True
        d = first
        night_index = {(p + (x - origin).days) % n for x in nights}
        while d <= last and ok:
            i = (p + (d - origin).days) % n
            on = work[i]
            ok = ((d in worked) == on or (d in absent and d not in worked)
                  or (on and d not in worked and d + timedelta(days=1) in absent and i in night_index))
            d += timedelta(days=1)
        if ok:
            out.append(p)
    return out


# ----------------------------------------------------------------------------- cycle_start


def test_phase_from_cycle_start_counts_days_since_the_cycle_began():
    """cycle_start is cycle day 0: from 2026-11-21, a 2/2 is on day 0 on the 21st and day 2 on
    the 23rd; a 3/3 begun 2026-11-10 is on day (23 - 10) % 6 = 1 on the 23rd."""
    ag = agents_frame({"agent_id": "A", "cycle_start": "2026-11-21"},
                      {"agent_id": "B", "pattern": "3/3", "cycle_start": "2026-11-10"}, {"agent_id": "C"})
    cfg = default_config()
    on_21 = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, date(2026, 11, 21))
    on_23 = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, WEEK1)
    assert (on_21["A"].phase, on_23["A"].phase) == (0, 2)
    assert on_23["B"].phase == 1 and on_23["B"].phase_source == "cycle_start"
    assert on_23["C"].phase is None and on_23["C"].phase_source == "free"
    assert on_23["A"].earliest_start is None and on_23["A"].spill_in == ()


@pytest.mark.parametrize("start, expected", [
    (date(2026, 11, 21), {"2/2": ["11-21", "11-22", "11-25", "11-26"], "3/3": ["11-21", "11-22", "11-23", "11-27"]}),
    (date(2026, 11, 23), {"2/2": ["11-25", "11-26", "11-29"], "3/3": ["11-23", "11-27", "11-28", "11-29"]}),
])
def test_agents_with_a_cycle_start_work_their_cycle_days(start, expected):
    """2/2 from 2026-11-21: works 21, 22, off 23, 24, works 25, 26, off 27, 28, works 29...
    3/3 from 2026-11-21: works 21-23, off 24-26, works 27-29."""
    ag = agents_frame({"agent_id": "T", "cycle_start": "2026-11-21"},
                      {"agent_id": "S", "pattern": "3/3", "cycle_start": "2026-11-21"})
    s = solve_schedule(default_config(), requirements(start, 7, 1, 1), ag, NO_ABSENCES, start, 7, time_limit_s=2)
    within = s.rota[s.rota["date"].dt.date >= start]  # the rota may also list a night begun the evening before
    assert sorted(d.strftime("%m-%d") for d in days_of(within, "T")) == expected["2/2"]
    assert sorted(d.strftime("%m-%d") for d in days_of(within, "S")) == expected["3/3"]
    assert s.violations == ()


# ----------------------------------------------------------------------------- the previous rota


def test_previous_rota_gives_phase_rest_spill_in_and_history():
    """A worked nights 17, 18, 21, 22; the last one (Sun 20:00 - Mon 08:00) runs into the horizon.
    A 2/2 with work on Sat 21 and Sun 22 and off Thu 19, Fri 20 is on cycle day 2 on Monday.
    Earliest next start: 08:00 + 12 h rest = Monday 20:00. History: 4 nights, 2 weekend shifts
    (Sat 21, Sun 22), no holiday hours."""
    prev = shifts(("A", "2026-11-17 20:00", 12), ("A", "2026-11-18 20:00", 12),
                  ("A", "2026-11-21 20:00", 12), ("A", "2026-11-22 20:00", 12))
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "B", "cycle_start": "2026-11-22"})
    cfg = default_config()
    c = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, WEEK1, prev)
    assert c["A"].phase == 2 and c["A"].phase_source == "previous rota"
    assert c["A"].earliest_start == datetime(2026, 11, 23, 20, 0)
    assert c["A"].spill_in == ((datetime(2026, 11, 22, 20, 0), datetime(2026, 11, 23, 8, 0)),)
    assert c["A"].history == (4.0, 2.0, 0.0)
    assert c["B"].phase == 1 and c["B"].phase_source == "cycle_start"   # not in the previous rota


def test_previous_rota_beats_a_stale_cycle_start_and_a_short_one_does_not():
    """The agents file says A began a cycle on 2026-11-23 (day 0 on Monday), but the previous
    rota shows A working 17, 18, 21, 22 with 19, 20 off: Monday is cycle day 2, and what
    happened wins. B worked only Sunday 22nd: days 1 and 2 both fit, too short to tell, so B's
    cycle_start (2026-11-21: day 2 on Monday) stands; B's rest still runs to Monday 08:00."""
    prev = shifts(("A", "2026-11-17 08:00", 12), ("A", "2026-11-18 08:00", 12),
                  ("A", "2026-11-21 08:00", 12), ("A", "2026-11-22 08:00", 12), ("B", "2026-11-22 08:00", 12))
    ag = agents_frame({"agent_id": "A", "cycle_start": "2026-11-23"}, {"agent_id": "B", "cycle_start": "2026-11-21"})
    cfg = default_config()
    c = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, WEEK1, prev)
    assert (c["A"].phase, c["A"].phase_source) == (2, "previous rota")
    assert (c["B"].phase, c["B"].phase_source) == (2, "cycle_start")
    assert c["B"].earliest_start == datetime(2026, 11, 23, 8, 0)


def test_an_absence_in_the_previous_rota_counts_as_either_work_or_rest():
    """A 3/3 agent worked 17-19, was sick 20-22 (cycle days off anyway) and nothing else fits
    but day 0 on the 23rd; B worked 14-16 and 20, was sick on work days 21-22, and is on
    day 3 on the 23rd."""
    prev = shifts(("A", "2026-11-17 08:00", 12), ("A", "2026-11-18 08:00", 12), ("A", "2026-11-19 08:00", 12),
                  ("B", "2026-11-14 08:00", 12), ("B", "2026-11-15 08:00", 12), ("B", "2026-11-16 08:00", 12),
                  ("B", "2026-11-20 08:00", 12))
    ab = absences_frame(("A", "2026-11-20", "2026-11-22"), ("B", "2026-11-21", "2026-11-22"))
    ag = agents_frame({"agent_id": "A", "pattern": "3/3"}, {"agent_id": "B", "pattern": "3/3"})
    cfg = default_config()
    c = carry_over(ag, ab, cfg.book, cfg.labour, WEEK1, prev)
    assert c["A"].phase == 0 and c["B"].phase == 3


def test_a_work_day_given_off_for_the_norm_does_not_lose_the_phase():
    """A 2/2 agent worked 14, 15, 18 and 22: the 19th, a work day of its cycle, was given off to
    keep the month's norm (days_off.csv), and no absence says so. No phase fits exactly; the one
    that holds every shift with one work day given off has the 22nd as cycle day 0, so Monday
    23rd is day 1, as before the change of this rule it would have been free (a shifted cycle).
    B worked three days in a row: no 2/2 holds them, days given off or not."""
    prev = shifts(("A", "2026-11-14 08:00", 12), ("A", "2026-11-15 08:00", 12), ("A", "2026-11-18 08:00", 12),
                  ("A", "2026-11-22 08:00", 12),
                  ("B", "2026-11-20 08:00", 12), ("B", "2026-11-21 08:00", 12), ("B", "2026-11-22 08:00", 12))
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "B"})
    cfg = default_config()
    c = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, WEEK1, prev)
    assert (c["A"].phase, c["A"].phase_source) == (1, "previous rota")
    assert phases_fitting({date(2026, 11, d) for d in (14, 15, 18, 22)}, set(), date(2026, 11, 15),
                          date(2026, 11, 22), WORK_DAYS["2/2"], WEEK1) == []      # no phase fits exactly
    assert c["B"].phase_source == "free"


def test_a_night_left_out_before_an_absence_still_tells_the_phase():
    """A 2/2 agent worked nights 17, 18 and 21; the night of the 22nd would have run into the
    absence from the 23rd, so the rota left it out. That is the cycle with the 23rd as day 2,
    not a break of it."""
    prev = shifts(("A", "2026-11-17 20:00", 12), ("A", "2026-11-18 20:00", 12), ("A", "2026-11-21 20:00", 12))
    ab = absences_frame(("A", "2026-11-23", "2026-11-24"))
    ag = agents_frame({"agent_id": "A"})
    cfg = default_config()
    c = carry_over(ag, ab, cfg.book, cfg.labour, WEEK1, prev)
    assert (c["A"].phase, c["A"].phase_source) == (2, "previous rota")
    # a day shift is no excuse: with day shifts on 17, 18 and 21 the 22nd had to be worked, so
    # no phase fits exactly; the 22nd is then read as a work day given off (one, for the norm),
    # not as the end of the cycle
    days = shifts(("A", "2026-11-17 08:00", 12), ("A", "2026-11-18 08:00", 12), ("A", "2026-11-21 08:00", 12))
    days["shift"] = "day"
    ab_none = NO_ABSENCES
    assert carry_over(ag, ab_none, cfg.book, cfg.labour, WEEK1, days)["A"].phase == 2
    # two work days of the last two cycles unworked are not one given off: no phase
    one = shifts(("A", "2026-11-17 08:00", 12), ("A", "2026-11-18 08:00", 12))
    one["shift"] = "day"
    assert carry_over(ag, ab_none, cfg.book, cfg.labour, WEEK1, one)["A"].phase is None


def test_a_previous_rota_that_fits_several_phases_keeps_the_agent_to_them():
    """B, with no cycle_start, worked only Sunday 22nd before a week of absence: the 23rd is
    cycle day 1 or 2, never 0 or 3 (which would have made the 22nd a day off). The continued
    rota keeps to those two phases, so the cycle runs on unbroken whichever is chosen."""
    prev = shifts(("B", "2026-11-22 08:00", 12))
    ab = absences_frame(("B", "2026-11-23", "2026-11-24"))
    ag = agents_frame({"agent_id": "B"}, {"agent_id": "C"})
    cfg = dataclasses.replace(default_config(), book=parse_pattern_book(
        {"2/2": {"variants": {"day": ["day", "day", "off", "off"]}}}, {"day": {"starts": ["08:00"]}}))
    c = carry_over(ag, ab, cfg.book, cfg.labour, WEEK1, prev)
    assert (c["B"].phase, c["B"].phases) == (None, (1, 2))
    # demand only on the 23rd-24th and 27th-28th pulls towards phase 0 (days 23, 24, 27, 28)
    req = requirements(WEEK1, 7, 0, 1)
    req.loc[~req["ts"].dt.day.isin([23, 24, 27, 28]), ["agents", "scheduled_agents", "contacts"]] = 0.0
    s = solve_schedule(cfg, req, ag, ab, WEEK1, 7, prev, time_limit_s=2)
    assert s.lines[s.assignment.line_of["B"]].phase in (1, 2)
    worked = days_of(s.rota, "B") | {date(2026, 11, 22)}
    assert len(phases_fitting(worked, {date(2026, 11, 23), date(2026, 11, 24)}, date(2026, 11, 22),
                              date(2026, 11, 29), WORK_DAYS["2/2"], WEEK1)) >= 1
    assert s.violations == ()


def test_days_off_before_an_agents_first_shift_of_the_previous_rota_tell_the_phase():
    """The previous rota covers Sunday 2026-04-26 to Saturday 2026-05-02 (X works from its first
    day). A, on 5/2, was on leave until Monday the 27th and worked only Apr 30, May 1 and 2: the
    28th and 29th, covered by that rota and not a day of leave, were A's two days off, so the
    five-day block began on the 30th and May 3 is cycle day 3 (work on the 3rd and 4th). Reading
    A's cycle only from A's first shift would also allow blocks from the 28th or 29th, and the
    continued rota could break the cycle (found by bench/audit_fuzz.py, case 100018)."""
    prev = shifts(*[("X", f"2026-04-{d} 08:00", 12) for d in (26, 27, 30)], ("X", "2026-05-01 08:00", 12),
                  ("A", "2026-04-30 09:00", 9), ("A", "2026-05-01 09:00", 9), ("A", "2026-05-02 09:00", 9))
    ab = absences_frame(("A", "2026-04-20", "2026-04-27"))
    ag = agents_frame({"agent_id": "A", "pattern": "5/2"}, {"agent_id": "X"})
    cfg = default_config()
    c = carry_over(ag, ab, cfg.book, cfg.labour, date(2026, 5, 3), prev)
    assert (c["A"].phase, c["A"].phase_source) == (3, "previous rota")


def test_a_long_absence_at_the_end_of_the_previous_rota_does_not_hide_the_phase():
    """A three-week previous rota, 2027-01-06..26. A (3/3) worked Jan 9-11, then was sick
    Jan 15-24; the 25th and 26th were days off. The last two cycles (Jan 15-26) fit two phases,
    the whole rota one: blocks from Jan 9, 15, 21, so Jan 27 is cycle day 0 (found by
    bench/audit_fuzz.py, case 38: the continued rota worked Jan 28-30)."""
    prev = shifts(("X", "2027-01-06 08:00", 12), ("X", "2027-01-26 08:00", 12),
                  *[("A", f"2027-01-{d:02d} 08:00", 12) for d in (9, 10, 11)])
    ab = absences_frame(("A", "2027-01-15", "2027-01-24"))
    ag = agents_frame({"agent_id": "A", "pattern": "3/3"}, {"agent_id": "X"})
    cfg = default_config()
    c = carry_over(ag, ab, cfg.book, cfg.labour, date(2027, 1, 27), prev)
    assert (c["A"].phase, c["A"].phase_source) == (0, "previous rota")


def test_an_agent_without_a_shift_in_the_previous_rota_keeps_the_days_off_it_shows():
    """The previous rota covers 2026-06-10..16. A (3/3, no nights) was sick Jun 7-13 and in
    training Jun 15-19, so has no shift in it; Jun 14 was a day off all the same (a night on the
    eve of the training would have been left out, but A works no nights), so Jun 17 is cycle day
    0, 1 or 2 (three days after an off day), never 3-5, which would have made the 14th a work
    day (bench/audit_fuzz.py, case 145). B, the same but night_ok, may have had a night left out
    on the 14th: any phase. N, new and never absent, has a whole week off in it: no cycle fits,
    so N's phase stays free."""
    prev = shifts(("X", "2026-06-10 08:00", 12), ("X", "2026-06-16 08:00", 12))
    ab = absences_frame(*[(a, s, e) for a in "AB" for s, e in (("2026-06-07", "2026-06-13"), ("2026-06-15", "2026-06-19"))])
    ag = agents_frame({"agent_id": "A", "pattern": "3/3", "night_ok": False}, {"agent_id": "B", "pattern": "3/3"},
                      {"agent_id": "N"}, {"agent_id": "X"})
    cfg = default_config()
    c = carry_over(ag, ab, cfg.book, cfg.labour, date(2026, 6, 17), prev)
    assert (c["A"].phase, c["A"].phases, c["A"].phase_source) == (None, (0, 1, 2), "previous rota, one of several phases")
    assert c["A"].earliest_start is None
    assert c["B"].phases == (0, 1, 2, 3, 4, 5)
    assert (c["N"].phase, c["N"].phases, c["N"].phase_source) == (None, (), "free")


def test_the_night_listed_on_the_eve_of_the_previous_rota_is_not_a_day_it_covers():
    """A rota made without a previous one also lists the nights begun the evening before its first
    day (here E's night of Sunday the 15th before a rota from Monday the 16th). The 15th is no
    day of that rota, so A (2/2, no shift on the 15th in the file) may well have worked it: A's
    shifts on 16, 19 and 20 make the 16th A's second day on and the 23rd day 0 of the cycle."""
    prev = shifts(("E", "2026-11-15 20:00", 12), ("E", "2026-11-18 20:00", 12),
                  ("A", "2026-11-16 08:00", 12), ("A", "2026-11-19 08:00", 12), ("A", "2026-11-20 08:00", 12))
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "E"})
    cfg = default_config()
    c = carry_over(ag, NO_ABSENCES, cfg.book, cfg.labour, WEEK1, prev)
    assert (c["A"].phase, c["A"].phase_source) == (0, "previous rota")


def test_the_first_shift_after_a_previous_night_respects_the_daily_rest():
    """A worked nights 18, 19 and 22 (into Monday 08:00): Sunday was cycle day 0, so Monday is
    a night too, at 20:00 after exactly 12 h of rest, then 26 and 27. The night begun on
    Sunday belongs to the previous rota and is not repeated in this one."""
    cfg = dataclasses.replace(default_config(), book=parse_pattern_book(
        {"2/2": {"variants": {"night": ["night", "night", "off", "off"]}}}, {}))
    prev = shifts(("A", "2026-11-18 20:00", 12), ("A", "2026-11-19 20:00", 12), ("A", "2026-11-22 20:00", 12))
    ag = agents_frame({"agent_id": "A"}, {"agent_id": "B"})
    s = solve_schedule(cfg, requirements(WEEK1, 7, 1, 1), ag, NO_ABSENCES, WEEK1, 7, prev, time_limit_s=2)
    a = s.rota[s.rota["agent_id"] == "A"].sort_values("start")
    assert a["start"].iloc[0] == pd.Timestamp("2026-11-23 20:00")
    assert days_of(s.rota, "A") == {WEEK1, date(2026, 11, 26), date(2026, 11, 27)}
    # the night begun on Sunday counts on Monday's first hours, from A (B's cycle is free)
    assert (s.coverage["scheduled"].iloc[:8] >= 1).all()
    assert check_rota(s.rota, ag, NO_ABSENCES, cfg.labour, cfg.book, WEEK1, 7, prev) == []


def test_a_last_night_given_off_in_the_previous_rota_is_not_expected_to_run_into_the_horizon():
    """A 2/2 of nights worked 17, 18 and 21; Sunday 22nd, a night of its cycle, was given off for
    the norm. The phase stands (Monday 23rd is cycle day 2: off), and no night of the 22nd runs
    into Monday's first hours: A is not counted there, is not refused for want of a line that
    has that night, and works its next nights on 25 and 26."""
    cfg = dataclasses.replace(default_config(), book=parse_pattern_book(
        {"2/2": {"variants": {"night": ["night", "night", "off", "off"]}}}, {}))
    prev = shifts(("A", "2026-11-17 20:00", 12), ("A", "2026-11-18 20:00", 12), ("A", "2026-11-21 20:00", 12))
    ag = agents_frame({"agent_id": "A", "cycle_start": "2026-11-17"})
    s = solve_schedule(cfg, requirements(WEEK1, 7, 1, 1), ag, NO_ABSENCES, WEEK1, 7, prev, time_limit_s=2)
    assert days_of(s.rota, "A") == {date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 29)}
    assert (s.coverage["scheduled"].iloc[:8] == 0).all()          # nobody on the Monday morning
    assert check_rota(s.rota, ag, NO_ABSENCES, cfg.labour, cfg.book, WEEK1, 7, prev) == []


def test_read_previous_reads_a_rota_csv_and_names_a_bad_row(tmp_path: Path):
    path = tmp_path / "rota.csv"
    path.write_text("agent_id,date,start,end,paid_hours,night_hours,holiday_hours,pattern,shift\n"
                    "A,2026-11-22,2026-11-22T20:00,2026-11-23T08:00,11,8,0,2/2,night\n"
                    "B,2026-11-22,2026-11-22T08:00,2026-11-22T20:00,11,0,0,2/2,day\n", encoding="utf-8")
    prev = read_previous(path)
    assert prev["agent_id"].tolist() == ["A", "B"]
    assert prev["end"].iloc[0] == pd.Timestamp("2026-11-23 08:00")
    assert prev["date"].iloc[0] == pd.Timestamp("2026-11-22")
    assert prev["night_hours"].tolist() == [8.0, 0.0]
    path.write_text("agent_id,date,start,end\nA,2026-11-22,2026-11-22T20:00,2026-11-23T08:00\n"
                    "B,2026-11-22,2026-11-22T20:00,2026-11-22T08:00\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_previous(path)
    assert err.value.row == 3 and err.value.column == "end"


# ----------------------------------------------------------------------------- two weeks in a row


def site_agents() -> pd.DataFrame:
    """8 on 2/2, 4 on 3/3, 3 on 5/2; odd-numbered cycle agents have a cycle_start, the others not."""
    rows = []
    for k in range(1, 16):
        pattern = "2/2" if k <= 8 else "3/3" if k <= 12 else "5/2"
        rows.append({"agent_id": f"W{k:02d}", "pattern": pattern, "rate_rub_h": 400 + 10 * (k % 4),
                     "shift_pref": ("day", "night", "any")[k % 3],
                     "cycle_start": f"2026-11-{10 + k % 6:02d}" if pattern != "5/2" and k % 2 else None})
    return agents_frame(*rows)


SITE_ABSENCES = absences_frame(("W04", "2026-11-28", "2026-12-01"), ("W10", "2026-11-24", "2026-11-25"))


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory) -> tuple[Schedule, Schedule, pd.DataFrame, pd.DataFrame]:
    """Week 1 without a previous rota; its rota.csv, read back, is week 2's previous rota."""
    cfg = default_config()
    ag = site_agents()
    s1 = solve_schedule(cfg, requirements(WEEK1, 7, 2, 4), ag, SITE_ABSENCES, WEEK1, 7, time_limit_s=2)
    r = s1.rota
    path = Path(tmp_path_factory.mktemp("week1")) / "rota.csv"
    r.assign(date=r["date"].dt.strftime("%Y-%m-%d"), start=r["start"].dt.strftime("%Y-%m-%dT%H:%M"),
             end=r["end"].dt.strftime("%Y-%m-%dT%H:%M")).to_csv(path, index=False)
    prev = read_previous(path)
    s2 = solve_schedule(cfg, requirements(WEEK2, 7, 2, 4), ag, SITE_ABSENCES, WEEK2, 7, prev, time_limit_s=2)
    return s1, s2, prev, ag


def test_week_one_is_legal_and_read_back_whole(two_weeks):
    s1, _, prev, ag = two_weeks
    assert s1.violations == ()
    assert len(prev) == len(s1.rota)
    assert prev["start"].tolist() == s1.rota["start"].tolist()


def test_two_by_two_and_three_by_three_cycles_run_on_unbroken_across_the_weeks(two_weeks):
    s1, s2, _, ag = two_weeks
    both = pd.concat([s1.rota, s2.rota], ignore_index=True)
    last = WEEK2 + timedelta(days=6)
    for row in ag.itertuples():
        if row.pattern not in WORK_DAYS:
            continue
        mine = SITE_ABSENCES[SITE_ABSENCES["agent_id"] == row.agent_id]
        absent = {d.date() for a, b in zip(mine["start"], mine["end"]) for d in pd.date_range(a, b)}
        fits = phases_fitting(days_of(both, row.agent_id), absent, WEEK1, last, WORK_DAYS[row.pattern], WEEK1,
                              nights_of(both, row.agent_id))
        assert len(fits) == 1, f"{row.agent_id} ({row.pattern}) fits phases {fits} over both weeks"
        if not pd.isna(row.cycle_start):
            assert fits[0] == (WEEK1 - row.cycle_start.date()).days % len(WORK_DAYS[row.pattern])


def test_agents_without_cycle_start_take_their_phase_from_the_previous_rota(two_weeks):
    s1, _, prev, ag = two_weeks
    cfg = default_config()
    carry = carry_over(ag, SITE_ABSENCES, cfg.book, cfg.labour, WEEK2, prev)
    free = ag[ag["cycle_start"].isna() & ag["pattern"].isin(list(WORK_DAYS))]
    assert len(free) >= 5
    for row in free.itertuples():
        mine = SITE_ABSENCES[SITE_ABSENCES["agent_id"] == row.agent_id]
        absent = {d.date() for a, b in zip(mine["start"], mine["end"]) for d in pd.date_range(a, b)}
        expected = phases_fitting(days_of(s1.rota, row.agent_id), absent, WEEK1, WEEK2 - timedelta(days=1),
                                  WORK_DAYS[row.pattern], WEEK2, nights_of(s1.rota, row.agent_id))
        assert len(expected) == 1
        assert carry[row.agent_id].phase_source == "previous rota"
        assert carry[row.agent_id].phase == expected[0]


def test_the_checker_given_week_one_finds_nothing_wrong_across_the_boundary(two_weeks):
    s1, s2, prev, ag = two_weeks
    cfg = default_config()
    assert s2.violations == ()
    assert check_rota(s2.rota, ag, SITE_ABSENCES, cfg.labour, cfg.book, WEEK2, 7, prev) == []
    # the rest between the last shift of week 1 and the first of week 2, measured here
    for agent, g in s2.rota.groupby("agent_id"):
        before = s1.rota[s1.rota["agent_id"] == agent]
        if len(before):
            gap = (g["start"].min() - before["end"].max()) / pd.Timedelta(hours=1)
            assert gap >= cfg.labour.min_daily_rest_h, agent
    # a night of week 1's last day that runs into week 2 is counted on week 2's first hours
    spill = s1.rota[s1.rota["end"] > pd.Timestamp(WEEK2)]
    first_hours = s2.coverage.set_index("ts")["scheduled"]
    for h in range(8):
        ts = pd.Timestamp(WEEK2) + pd.Timedelta(hours=h)
        own = ((s2.rota["start"] <= ts) & (s2.rota["end"] > ts)).sum()
        carried = ((spill["start"] <= ts) & (spill["end"] > ts)).sum()
        assert first_hours[ts] == own + carried


def test_day_or_night_shifts_are_kept_across_the_weeks(two_weeks):
    """Joined, the two weeks are one legal rota: every agent works the same variant (day,
    night or day-night) before and after the boundary, so the checker's pattern rule holds
    over both weeks together."""
    s1, s2, _, ag = two_weeks
    cfg = default_config()
    both = pd.concat([s1.rota, s2.rota[s2.rota["date"] >= pd.Timestamp(WEEK2)]], ignore_index=True)
    assert check_rota(both, ag, SITE_ABSENCES, cfg.labour, cfg.book, WEEK1, 14, only=["pattern"]) == []


def test_a_stale_cycle_start_does_not_make_the_continued_rota_illegal(two_weeks):
    """The agents file still holds cycle starts one day off for week 2; the rota follows what
    week 1 really was, and the check of week 2 (with week 1 as previous) finds nothing."""
    s1, _, prev, ag = two_weeks
    cfg = default_config()
    stale = ag.assign(cycle_start=ag["cycle_start"] + pd.Timedelta(days=1))
    s2 = solve_schedule(cfg, requirements(WEEK2, 7, 2, 4), stale, SITE_ABSENCES, WEEK2, 7, prev, time_limit_s=2)
    assert s2.violations == ()
