"""planner/workspace/spans.py: which days a rota covers, and whether the rotas before a plan reach
its first day. The days expected are counted on the calendar by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from common.errors import InputError
from planner.workspace.spans import (
    RotaSpan,
    check_reaches,
    first_day,
    holes,
    past_start,
    rota_span,
)

D = date.fromisoformat


def shifts(*rows: tuple[str, str, int]) -> pd.DataFrame:
    """A rota as read_previous gives it: (agent, start, hours on site)."""
    out = []
    for agent, start, hours in rows:
        s = pd.Timestamp(start)
        out.append({"agent_id": agent, "date": s.normalize(), "start": s, "end": s + pd.Timedelta(hours=hours)})
    return pd.DataFrame(out)


WEEK = shifts(("A", "2026-11-30 08:00", 12), ("B", "2026-12-03 20:00", 12), ("A", "2026-12-06 08:00", 12))


def refused(spans: list[RotaSpan], start: str) -> InputError:
    with pytest.raises(InputError) as info:
        check_reaches(spans, D(start))
    return info.value


# ------------------------------------------------------------------------------ the days of one rota


def test_a_rota_starts_on_its_first_shift_or_after_the_nights_of_its_eve() -> None:
    assert first_day(WEEK) == D("2026-11-30")
    eve = pd.concat([shifts(("C", "2026-11-29 20:00", 12)), WEEK])   # a plan without a previous rota lists it
    assert first_day(eve) == D("2026-11-30")
    assert first_day(WEEK.iloc[:0]) is None


def test_the_plans_horizon_says_where_a_rota_ends_even_after_days_off() -> None:
    known = rota_span("week49/rota.csv", WEEK, (D("2026-11-30"), 7))
    assert known == RotaSpan("week49/rota.csv", D("2026-11-30"), D("2026-12-06"), exact=True)
    quiet = rota_span("week49/rota.csv", WEEK.iloc[:2], (D("2026-11-30"), 7))   # nobody worked on Sunday
    assert quiet.last == D("2026-12-06") and quiet.exact


def test_without_the_horizon_the_last_shift_is_a_lower_bound() -> None:
    alone = rota_span("rota.csv", WEEK.iloc[:2])
    assert (alone.first, alone.last, alone.exact) == (D("2026-11-30"), D("2026-12-03"), False)


def test_a_horizon_the_shifts_do_not_fit_is_not_this_rotas() -> None:
    """A summary.json beside a rota of other days (a rota copied into an old results folder)."""
    span = rota_span("rota.csv", WEEK, (D("2026-11-23"), 7))
    assert (span.first, span.last, span.exact) == (D("2026-11-30"), D("2026-12-06"), False)


def test_a_rota_without_shifts_and_horizon_tells_no_days() -> None:
    with pytest.raises(InputError) as info:
        rota_span("empty.csv", WEEK.iloc[:0])
    assert info.value.file == "empty.csv" and "no shift" in info.value.message
    assert rota_span("empty.csv", WEEK.iloc[:0], (D("2026-11-30"), 7)).last == D("2026-12-06")


# ------------------------------------------------------------------------------ reaching the plan


def test_a_rota_that_ends_the_day_before_the_plan_hands_over() -> None:
    check_reaches([RotaSpan("w49", D("2026-11-30"), D("2026-12-06"))], D("2026-12-07"))


def test_a_day_in_neither_is_named_with_what_to_do() -> None:
    err = refused([RotaSpan("week49/rota.xlsx", D("2026-11-30"), D("2026-12-06"))], "2026-12-08")
    assert err.file == "week49/rota.xlsx"
    assert err.message == ("the previous rota ends on 2026-12-06 and the plan starts on 2026-12-08: 2026-12-07 is in "
                           "neither; give the rota of that day as another --previous, or start on 2026-12-07")


def test_several_days_in_neither_are_named_as_a_range() -> None:
    err = refused([RotaSpan("w48", D("2026-11-23"), D("2026-11-29"))], "2026-12-07")
    assert "2026-11-30 to 2026-12-06 are in neither" in err.message
    assert "the rota of those days as another --previous, or start on 2026-11-30" in err.message


def test_a_last_shift_is_said_as_a_last_shift_and_the_folder_named() -> None:
    err = refused([RotaSpan("rota.csv", D("2026-11-30"), D("2026-12-05"), exact=False)], "2026-12-07")
    assert err.message.startswith("the previous rota's last shift is on 2026-12-05")
    assert "summary.json" in err.message and "2026-12-06 is in neither" in err.message


def test_several_rotas_reach_the_plan_when_each_follows_the_last() -> None:
    spans = [RotaSpan("w50", D("2026-12-07"), D("2026-12-13")), RotaSpan("w49", D("2026-11-30"), D("2026-12-06"))]
    check_reaches(spans, D("2026-12-14"))
    assert holes(spans) == []
    err = refused(spans, "2026-12-15")
    assert err.file == "w50" and "2026-12-14 is in neither" in err.message


def test_a_week_left_out_between_two_rotas_is_named() -> None:
    spans = [RotaSpan("w48", D("2026-11-23"), D("2026-11-29")), RotaSpan("w50", D("2026-12-07"), D("2026-12-13"))]
    assert holes(spans) == [(spans[0], spans[1])]
    err = refused(spans, "2026-12-14")
    assert err.message == ("the --previous rotas leave out 2026-11-30 to 2026-12-06: w48 ends on 2026-11-29 and w50 "
                           "starts on 2026-12-07; give the rota of those days as another --previous")


def test_a_rota_inside_another_leaves_nothing_out() -> None:
    month = RotaSpan("december", D("2026-12-01"), D("2026-12-31"))
    week = RotaSpan("w50", D("2026-12-07"), D("2026-12-13"))
    assert holes([month, week]) == []
    check_reaches([week, month], D("2027-01-01"))


def test_a_rota_that_starts_on_or_after_the_plans_first_day_is_no_rota_before_it() -> None:
    err = refused([RotaSpan("w50", D("2026-12-07"), D("2026-12-13"))], "2026-12-07")
    assert err.file == "w50" and "starts on 2026-12-07, not before the plan's first day 2026-12-07" in err.message


def test_the_option_is_named_as_the_caller_says() -> None:
    with pytest.raises(InputError) as info:
        check_reaches([RotaSpan("dec", D("2026-12-01"), D("2026-12-30"))], D("2027-01-01"), option="--published")
    assert "as another --published" in info.value.message


# ------------------------------------------------------------------------------ past the first day


def test_a_rota_that_runs_past_the_first_day_is_said_and_cut_there() -> None:
    month = RotaSpan("december/rota.xlsx", D("2026-12-01"), D("2026-12-31"))
    check_reaches([month], D("2026-12-14"))                       # a re-plan from the middle of the month
    said = past_start([month], D("2026-12-14"))
    assert len(said) == 1 and said[0].startswith("december/rota.xlsx runs until 2026-12-31, past the plan's first "
                                                 "day 2026-12-14")
    assert "art. 103" in said[0]
    assert past_start([month], D("2027-01-01")) == []
