"""The accounting-period ledger (constraints.ledger) against the law's numbers (DESIGN.md §6):
the whole period's norm less the absences' working days (art. 104, order 588н), the hours worked
in it before the plan, and whether the plan ends it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from common.errors import RuleError
from constraints.ledger import LEDGER_COLUMNS, period_label, period_ledger


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


def worked(*rows: tuple[str, date, float, float, bool]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["agent_id", "date", "hours", "night_hours", "holiday"])


NONE = worked()


def row(ledger: pd.DataFrame, agent: str, period: str) -> pd.Series:
    return ledger.set_index(["agent_id", "period"]).loc[(agent, period)]


def test_the_norm_is_the_whole_periods_less_the_absences_working_days() -> None:
    """March 2026 with leave 2-13 March: 168 - 72 = 96 h; January 2026 with leave 1-10 January:
    still 120 h (no working day inside); November 2026: 159 h, whatever week the plan is."""
    leave = {"A": days(date(2026, 3, 2), 12), "B": days(date(2026, 1, 1), 10)}
    march = period_ledger(["A", "C"], NONE, leave, date(2026, 3, 23), 7, "month", 40.0)
    assert list(march.columns) == list(LEDGER_COLUMNS)
    assert row(march, "A", "2026-03").norm_hours == 96 and row(march, "C", "2026-03").norm_hours == 168
    january = period_ledger(["B"], NONE, leave, date(2026, 1, 12), 7, "month", 40.0)
    assert row(january, "B", "2026-01").norm_hours == 120
    november = period_ledger(["A"], NONE, {}, date(2026, 11, 23), 7, "month", 40.0)
    assert november[["period", "period_start", "period_end", "norm_hours", "ends_in_plan"]].values.tolist() == \
        [["2026-11", date(2026, 11, 1), date(2026, 11, 30), 159.0, False]]


def test_quarters_and_years_take_the_whole_periods_norm() -> None:
    """Q4 2026 = 176 + 159 + 176 = 511 h, 2026 = 1,972 h; a 36-hour week counts 36/5 = 7.2 h a
    working day less 1 h per shortened day: November 2026 has 20 working days (8 x 20 - 1 = 159),
    one shortened, so 20 x 7.2 - 1 = 143 h."""
    q4 = period_ledger(["A"], NONE, {}, date(2026, 11, 23), 7, "quarter", 40.0)
    assert row(q4, "A", "2026-Q4").norm_hours == 511 and not row(q4, "A", "2026-Q4").ends_in_plan
    assert row(period_ledger(["A"], NONE, {}, date(2026, 3, 2), 7, "year", 40.0), "A", "2026").norm_hours == 1972
    assert row(period_ledger(["A"], NONE, {}, date(2026, 11, 2), 7, "month", 36.0), "A", "2026-11").norm_hours == 143


def test_a_plan_across_a_periods_end_touches_both() -> None:
    """30 Nov - 6 Dec 2026 ends November (settled) and begins December; 28 Dec 2026 - 3 Jan 2027
    by quarter ends Q4 2026 and begins Q1 2027."""
    both = period_ledger(["A", "B"], NONE, {}, date(2026, 11, 30), 7, "month", 40.0)
    assert both[["agent_id", "period", "norm_hours", "ends_in_plan"]].values.tolist() == [
        ["A", "2026-11", 159.0, True], ["B", "2026-11", 159.0, True],
        ["A", "2026-12", 176.0, False], ["B", "2026-12", 176.0, False]]
    ny = period_ledger(["A"], NONE, {}, date(2026, 12, 28), 7, "quarter", 40.0)
    assert ny[["period", "ends_in_plan"]].values.tolist() == [["2026-Q4", True], ["2027-Q1", False]]


def test_hours_before_are_the_periods_days_before_the_plan() -> None:
    """Plan from 23 November 2026. Counted: 2 and 4 November (11 h each, the 4th a holiday, art.
    112, with 6 night hours) and 22 November; not 31 October (another period), nor 23 November (the
    plan's own day), nor an agent outside the list. Night hours before are those outside
    holidays (the ones overtime's night share counts)."""
    w = worked(("A", date(2026, 10, 31), 11.0, 8.0, False), ("A", date(2026, 11, 2), 11.0, 0.0, False),
               ("A", date(2026, 11, 4), 11.0, 6.0, True), ("A", date(2026, 11, 22), 7.0, 6.0, False),
               ("A", date(2026, 11, 23), 5.0, 2.0, False), ("Z", date(2026, 11, 2), 11.0, 0.0, False))
    ledger = period_ledger(["A", "B"], w, {}, date(2026, 11, 23), 7, "month", 40.0)
    a, b = row(ledger, "A", "2026-11"), row(ledger, "B", "2026-11")
    assert (a.hours_before, a.night_hours_before, a.holiday_hours_before) == (29, 6, 11)
    assert (b.hours_before, b.night_hours_before, b.holiday_hours_before) == (0, 0, 0)
    assert a.known_from == b.known_from == date(2026, 11, 2)     # the first day before the plan anyone has
    assert row(period_ledger(["A"], NONE, {}, date(2026, 11, 23), 7, "month", 40.0), "A", "2026-11").known_from is None
    # a plan from 30 November: November's hours before are those of 2-29 November; December,
    # begun inside the plan, has none (A's 2 and 22 December are after the plan's start)
    cross = period_ledger(["A"], w.assign(date=w["date"].map({date(2026, 11, 22): date(2026, 12, 22),
                                                               date(2026, 11, 23): date(2026, 12, 2)}).fillna(w["date"])),
                          {}, date(2026, 11, 30), 7, "month", 40.0)
    assert row(cross, "A", "2026-11").hours_before == 22 and row(cross, "A", "2026-12").hours_before == 0
    assert row(cross, "A", "2026-12").known_from == date(2026, 12, 1)    # nothing to know before it


def test_bad_arguments_are_refused_by_name() -> None:
    with pytest.raises(RuleError, match="night_hours"):
        period_ledger(["A"], NONE.drop(columns="night_hours"), {}, date(2026, 11, 2), 7, "month", 40.0)
    with pytest.raises(RuleError, match="pay.accounting_period"):
        period_label(date(2026, 11, 1), "week")
    assert [period_label(date(2026, 10, 1), p) for p in ("month", "quarter", "year")] == ["2026-10", "2026-Q4", "2026"]
