"""Naming agents inside a class: preferences first, then fair totals, deterministic ties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pytest

from planner.solve.assign import LineTraits, assign, line_traits

# line 0: 2/2 days (7 day shifts), line 1: 2/2 nights (7 nights), line 2: day-night (4 + 3),
# line 3: another day line with fewer weekend days
TRAITS = LineTraits(
    night_shifts=np.array([0, 7, 3, 0]),
    day_shifts=np.array([7, 0, 4, 7]),
    weekend_days=np.array([4, 4, 4, 2]),
    holiday_h=np.array([0.0, 0.0, 11.0, 0.0]),
)


def test_preferences_are_honoured_when_the_lines_allow():
    counts = np.array([[2, 1, 1, 0]])
    prefs = {"a": "any", "b": "day", "c": "night", "d": "day"}
    out = assign(counts, [["a", "b", "c", "d"]], TRAITS, prefs)
    assert out.line_of == {"a": 2, "b": 0, "c": 1, "d": 0}
    assert out.against_preference == ()


def test_when_wishes_cannot_all_be_met_the_first_agent_by_id_keeps_the_day_line():
    """Two day agents, one day line and one night line: one must work nights; equal costs, so
    the tie goes by agent_id to line order: 'a' gets line 0, 'b' line 1 and is reported."""
    counts = np.array([[1, 1, 0, 0]])
    out = assign(counts, [["b", "a"]], TRAITS, {"a": "day", "b": "day"})
    assert out.line_of == {"a": 0, "b": 1}
    assert out.against_preference == ("b",)


def test_nights_are_balanced_with_the_previous_rota():
    """Past nights 6, 3, 0 and lines with 0, 3 and 6 nights: the fair split gives each agent
    6 nights in total (any other split leaves someone at 9 or more)."""
    traits = LineTraits(np.array([0, 3, 6]), np.array([7, 4, 1]), np.zeros(3), np.zeros(3))
    history = {"x": (6, 0, 0), "y": (3, 0, 0), "z": (0, 0, 0)}
    out = assign(np.array([[1, 1, 1]]), [["x", "y", "z"]], traits, history=history)
    assert out.line_of == {"x": 0, "y": 1, "z": 2}
    assert [out.totals[a][0] for a in "xyz"] == [6.0, 6.0, 6.0]


def test_weekends_and_holidays_are_balanced_too():
    """'p' worked 6 weekend days last rota, 'q' none: 'p' gets the line with 2 weekend days.
    'r' had 22 holiday hours, 's' none: 's' takes the day-night line with 11 holiday hours."""
    out = assign(np.array([[1, 0, 0, 1]]), [["p", "q"]], TRAITS, history={"p": (0, 6, 0), "q": (0, 0, 0)})
    assert out.line_of == {"p": 3, "q": 0}
    out = assign(np.array([[1, 0, 1, 0]]), [["r", "s"]], TRAITS, history={"r": (0, 0, 22), "s": (0, 0, 0)})
    assert out.line_of == {"r": 0, "s": 2}
    assert out.totals["r"] == (0.0, 4.0, 22.0) and out.totals["s"] == (3.0, 4.0, 11.0)


def test_preference_outweighs_fairness():
    """'n' asked for nights although they worked many; the night line is still theirs."""
    history = {"n": (30, 0, 0), "m": (0, 0, 0)}
    out = assign(np.array([[1, 1, 0, 0]]), [["n", "m"]], TRAITS, {"n": "night"}, history)
    assert out.line_of == {"n": 1, "m": 0}


def test_classes_are_assigned_separately():
    counts = np.array([[1, 1, 0, 0], [0, 0, 0, 2]])
    out = assign(counts, [["a", "b"], ["c", "d"]], TRAITS, {"a": "night", "b": "day"})
    assert out.line_of == {"a": 1, "b": 0, "c": 3, "d": 3}


def test_same_input_in_another_order_gives_the_same_rota():
    counts = np.array([[3, 2, 2, 1]])
    agents = [f"A{i:02d}" for i in range(8)]
    prefs = {a: ("day", "night", "any")[i % 3] for i, a in enumerate(agents)}
    history = {a: (i % 4, i % 3, 0) for i, a in enumerate(agents)}
    first = assign(counts, [agents], TRAITS, prefs, history)
    again = assign(counts, [list(reversed(agents))], TRAITS, dict(reversed(prefs.items())), history)
    assert first == again
    assert sorted(first.line_of.values()) == [0, 0, 0, 1, 1, 2, 2, 3]


@pytest.mark.parametrize("counts, members, prefs", [
    (np.array([[1, 1, 0, 0]]), [["a"]], {}),                      # counts place 2, one agent
    (np.array([[1, 0, 0, 0], [1, 0, 0, 0]]), [["a"], ["a"]], {}),   # agent in two classes
    (np.array([[1, 0, 0, 0]]), [["a"]], {"a": "evening"}),         # unknown preference
])
def test_inconsistent_inputs_are_rejected(counts, members, prefs):
    with pytest.raises(ValueError):
        assign(counts, members, TRAITS, prefs)


@dataclass(frozen=True)
class _Shift:
    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Line:
    shifts: tuple[_Shift, ...]


def test_line_traits_count_nights_weekends_and_holidays_inside_the_horizon():
    """Horizon 2026-12-31 (Thu) .. 2027-01-03 (Sun). The night of Dec 30 belongs to the
    previous rota. Dec 31 20:00-Jan 1 08:00 is a night with 8 holiday hours (00:00-08:00 of
    Jan 1); Jan 2 (Sat) 08:00-20:00 is a day shift with 12 holiday hours (Jan 2 is an art. 112
    holiday) on a weekend; Jan 3 (Sun) 20:00-Jan 4 08:00 is a night on a weekend with 4 + 8 = 12
    holiday hours (Jan 3 and Jan 4 are both art. 112 holidays)."""
    line = _Line((
        _Shift(date(2026, 12, 30), datetime(2026, 12, 30, 20), datetime(2026, 12, 31, 8)),
        _Shift(date(2026, 12, 31), datetime(2026, 12, 31, 20), datetime(2027, 1, 1, 8)),
        _Shift(date(2027, 1, 2), datetime(2027, 1, 2, 8), datetime(2027, 1, 2, 20)),
        _Shift(date(2027, 1, 3), datetime(2027, 1, 3, 20), datetime(2027, 1, 4, 8)),
    ))
    t = line_traits([line], date(2026, 12, 31), 4)
    assert t.night_shifts.tolist() == [2]
    assert t.day_shifts.tolist() == [1]
    assert t.weekend_days.tolist() == [2]
    assert t.holiday_h.tolist() == [8 + 12 + 12]
