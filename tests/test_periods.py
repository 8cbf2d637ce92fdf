"""The plan's accounting periods (planner.solve.periods): the ledger from previous rotas, worked.csv
and absences; the agent's cycle continued to the end of a period the plan does not end; and the
overtime the optimiser prices, only for a period the plan ends."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
from conftest import absences_frame, agents_frame

from constraints.lines import generate_lines
from planner.solve.periods import continued_hours, line_overtime, plan_ledger
from planner.workspace.config import default_config

CFG = default_config()
NO_ABSENCES = absences_frame()


def line(pattern: str, key: str, start: date, days: int = 7):
    found = [l for l in generate_lines(CFG.book, pattern, start, days, rules=CFG.labour) if l.key == key]
    assert found, key
    return found[0]


def ledger_for(agents: list[str], start: date, days: int = 7, absences: pd.DataFrame = NO_ABSENCES) -> pd.DataFrame:
    return plan_ledger(CFG, agents_frame(*({"agent_id": a} for a in agents)), absences, start, days)


def test_the_ledger_holds_the_previous_rotas_and_worked_csv_and_every_absence_of_the_period() -> None:
    """Plan 23-29 November 2026. A's previous rota has two 08:00-20:00 days (11 h each) on 16 and 17
    November and worked.csv says 10 h on the 17th and 9 h on 3 November: 11 + 10 + 9 = 30 h
    before. B was on leave 2-6 November: 8 h on the 2nd, 7 on the 3rd (shortened, the eve of an
    art. 112 holiday), none on the 4th (the holiday), 8 on the 5th and 6th: 159 - 31 = 128 h; and
    is again from Monday 30 November, after the plan: 120 h."""
    agents = agents_frame({"agent_id": "A"}, {"agent_id": "B"})
    previous = pd.DataFrame({"agent_id": ["A", "A"], "start": pd.to_datetime(["2026-11-16 08:00", "2026-11-17 08:00"]),
                             "end": pd.to_datetime(["2026-11-16 20:00", "2026-11-17 20:00"]), "shift": "day"})
    previous["date"] = previous["start"].dt.normalize()
    worked = pd.DataFrame({"agent_id": ["A", "A"], "date": pd.to_datetime(["2026-11-17", "2026-11-03"]),
                           "hours": [10.0, 9.0], "night_hours": [0.0, 0.0]})
    away = absences_frame(("B", "2026-11-02", "2026-11-06"), ("B", "2026-11-30", "2026-12-04"))
    ledger = plan_ledger(CFG, agents, away, date(2026, 11, 23), 7, previous, worked).set_index("agent_id")
    assert ledger.loc["A", ["norm_hours", "hours_before"]].tolist() == [159, 30]
    assert ledger.loc["B", ["norm_hours", "hours_before"]].tolist() == [159 - 31 - 8, 0]


def test_the_cycle_goes_on_to_the_periods_end() -> None:
    """Plan Mon 23 - Sun 29 November 2026; November ends on Monday the 30th.
    - 2/2 nights 20:00-08:00 in phase 2 work the nights of the 29th and the 30th: the 29th's
      morning on the 30th is 8 - 1 + 1 (art. 96) = 8 h, the 30th's evening 4 h; 12 h (11 for an
      agent hired for night work, no art. 96 hour), none of 1 December's.
    - 2/2 days 08:00-20:00 in phase 1 work the 30th: 11 h; not when absent that day.
    - 2/2 nights of an agent absent on 1 December: the night of the 30th would run into the
      absence and is not worked: 8 h."""
    start = date(2026, 11, 23)
    lines = [line("2/2", "2/2 night p2 20:00", start), line("2/2", "2/2 day p1 08:00", start)]
    agents = agents_frame(*({"agent_id": a} for a in "NHDVR")).assign(hired_for_nights=[False, True, False, False,
                                                                                          False])
    away = absences_frame(("V", "2026-11-30", "2026-11-30"), ("R", "2026-12-01", "2026-12-05"))
    ledger = plan_ledger(CFG, agents, away, start, 7)
    got = continued_hours({"N": 0, "H": 0, "D": 1, "V": 1, "R": 0}, lines, agents, away, ledger, CFG, start, 7)
    assert dict(zip(got["agent_id"], got["hours"])) == {"N": 12, "H": 11, "D": 11, "R": 8}
    assert set(got["period_start"]) == {date(2026, 11, 1)} and got["holiday_hours"].sum() == 0


def test_a_last_night_given_off_for_the_norm_has_no_morning_after_the_plan() -> None:
    """The same 2/2 nights in phase 2, on a balanced line that gives the night of Sunday the 29th
    off (the plan's last day): no morning on the 30th runs on from it, so November's projection
    is the 30th's evening alone, 4 h (12 h when the 29th is worked)."""
    start = date(2026, 11, 23)
    worked = line("2/2", "2/2 night p2 20:00", start)
    given_off = dataclasses.replace(worked, shifts=tuple(s for s in worked.shifts if s.day != date(2026, 11, 29)))
    assert len(given_off.shifts) == len(worked.shifts) - 1
    agents = agents_frame({"agent_id": "N"}, {"agent_id": "M"})
    ledger = plan_ledger(CFG, agents, NO_ABSENCES, start, 7)
    got = continued_hours({"N": 0, "M": 1}, [worked, given_off], agents, NO_ABSENCES, ledger, CFG, start, 7)
    assert dict(zip(got["agent_id"], got["hours"])) == {"N": 12, "M": 4}


def test_a_long_continuation_counts_the_holidays_it_crosses() -> None:
    """Plan 26 October - 1 November 2026 settles October and begins November. 3/3 days 08:00-20:00
    in phase 3 go on to work 15 days of 2-30 November (4 November, an art. 112 holiday, among
    them): 15 x 11 = 165 h, 11 of them holiday hours."""
    start = date(2026, 10, 26)
    agents = agents_frame({"agent_id": "A", "pattern": "3/3"})
    ledger = plan_ledger(CFG, agents, NO_ABSENCES, start, 7)
    assert ledger["ends_in_plan"].tolist() == [True, False]
    got = continued_hours({"A": 0}, [line("3/3", "3/3 day p3 08:00", start)], agents, NO_ABSENCES, ledger, CFG,
                          start, 7)
    assert got[["agent_id", "period_start", "hours", "holiday_hours"]].values.tolist() == \
        [["A", date(2026, 11, 1), 165.0, 11.0]]


def test_nothing_goes_on_after_a_plan_that_ends_its_periods() -> None:
    start = date(2026, 11, 24)
    ledger = ledger_for(["A"], start)
    assert ledger["ends_in_plan"].all()
    assert continued_hours({"A": 0}, [line("2/2", "2/2 day p1 08:00", start)], agents_frame({"agent_id": "A"}),
                           NO_ABSENCES, ledger, CFG, start, 7).empty


def shift_table(*rows: tuple[int, str, str]) -> pd.DataFrame:
    """Lines' shifts as the schedule's shift table has them: line, start, end, break_h, credit_h."""
    out = pd.DataFrame(rows, columns=["line", "start", "end"])
    out["start"], out["end"] = pd.to_datetime(out["start"]), pd.to_datetime(out["end"])
    return out.assign(break_h=1.0, credit_h=0.0)


def test_the_model_prices_overtime_only_for_a_period_the_plan_ends_against_what_is_left() -> None:
    """Plan 24-30 November 2026 ends November (159 h). Line 0 works 29 and 30 November 08:00-20:00
    (11 h each, 22 h). An agent with 150 h before has 9 h of room: 13 h over, priced
    2 x 0.5 + 11 x 1.0 = 12 rate-hours (art. 152); one with none, nothing; a class of both, against
    their mean room (159 - 75 = 84 h), nothing. A week from the 23rd, which does not end November,
    prices no overtime at all."""
    shifts = shift_table((0, "2026-11-29 08:00", "2026-11-29 20:00"), (0, "2026-11-30 08:00", "2026-11-30 20:00"))
    ledger = ledger_for(["A", "B"], date(2026, 11, 24))
    ledger.loc[ledger["agent_id"] == "A", "hours_before"] = 150.0
    price = line_overtime(CFG, [("A",), ("B",), ("A", "B")], 2, shifts, ledger, {}, date(2026, 11, 24), 7)
    assert price.tolist() == [[12.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    open_ = ledger_for(["A"], date(2026, 11, 23))
    open_["hours_before"] = 150.0
    assert not line_overtime(CFG, [("A",)], 2, shifts, open_, {}, date(2026, 11, 23), 7).any()


def test_holiday_hours_are_not_priced_as_overtime() -> None:
    """Art. 152 part 3: a plan of all November 2026 with a norm of 2 h; a line working 3 and 4
    November (the 4th an art. 112 holiday) has 11 counted hours, 9 over: 2 x 0.5 + 7 x 1.0."""
    held = shift_table((0, "2026-11-03 08:00", "2026-11-03 20:00"), (0, "2026-11-04 08:00", "2026-11-04 20:00"))
    month = ledger_for(["A"], date(2026, 11, 1), 30).assign(norm_hours=2.0)
    assert np.allclose(line_overtime(CFG, [("A",)], 1, held, month, {}, date(2026, 11, 1), 30), [[2 * 0.5 + 7 * 1.0]])
