"""The checked counts problem: what `Problem.from_input` keeps and what `Problem.evaluate` charges,
on instances small enough to price by hand."""

from __future__ import annotations

import numpy as np
import pytest

from planner.solve.problem import ModelInput, NoLineError, Problem


def _inp(**over) -> ModelInput:
    """Three hours, two classes, three lines. Line 0 covers hours 0-1, line 1 hours 1-2, line 2
    hours 0-1 again (a duplicate of line 0). Class 0 (2 agents) is absent in hour 2."""
    args = dict(
        required=np.array([1.0, 2.4, 1.0]),
        shortfall_cost=np.array([[10.0, 30.0]] * 3),
        over_cost=2.0,
        class_sizes=np.array([2, 1]),
        coverage=np.array([[1, 1, 0], [0, 1, 1], [1, 1, 0]], dtype=np.uint8),
        allowed=np.array([[1, 1, 1], [0, 1, 0]], dtype=bool),
        availability=np.array([[1, 1, 0], [1, 1, 1]], dtype=np.uint8),
        line_cost=np.array([[5.0, 6.0, 4.0], [0.0, 7.0, 0.0]]),
    )
    args.update(over)
    return ModelInput(**args)


def test_from_input_rounds_the_need_up_and_drops_the_dearer_duplicate_line():
    p = Problem.from_input(_inp())
    assert p.need.tolist() == [1, 3, 1]
    assert p.shape == (2, 3)
    # lines 0 and 2 cover the same hours for class 0: the cheaper line 2 stays
    assert p.pairs.tolist() == [[False, True, True], [False, True, False]]
    assert p.need.dtype == p.sizes.dtype == p.cov.dtype == p.avail.dtype == np.int64


def test_class_without_agents_keeps_no_line():
    p = Problem.from_input(_inp(class_sizes=np.array([2, 0])))
    assert not p.pairs[1].any()


def test_arrays_are_read_only_but_the_callers_stay_writable():
    inp = _inp()
    p = Problem.from_input(inp)
    with pytest.raises(ValueError):
        p.line_cost[0, 0] = 1.0
    with pytest.raises(ValueError):
        p.need[0] = 5
    inp.line_cost[0, 0] = 1.0      # the caller's array is not frozen by the problem


def test_evaluate_prices_a_counts_matrix_by_hand():
    """Class 0: one agent on line 1 (absent in hour 2, so on site in hour 1 only) and one on
    line 2 (hours 0-1); class 1 on line 1 (hours 1-2). On site 1, 3, 1 against need 1, 3, 1."""
    p = Problem.from_input(_inp())
    counts = np.array([[0, 1, 1], [0, 1, 0]])
    scheduled, short, pen = p.evaluate(counts)
    assert scheduled.tolist() == [1, 3, 1]
    assert short.tolist() == [0, 0, 0]
    assert pen == pytest.approx({"shortfall": 0.0, "pay": 6.0 + 4.0 + 7.0, "overstaffing": 0.0})
    assert p.objective(counts) == pytest.approx(17.0)


def test_evaluate_charges_convex_shortfall_and_surplus():
    """Both class 0 agents on line 2 (hours 0-1), class 1 on line 1: on site 2, 3, 1.
    Hour 0 has one surplus agent (2 roubles). With class 1 off the rota, hour 1 misses one
    agent (10) and hour 2 misses one (10)."""
    p = Problem.from_input(_inp())
    _, short, pen = p.evaluate(np.array([[0, 0, 2], [0, 1, 0]]))
    assert short.tolist() == [0, 0, 0]
    assert pen == pytest.approx({"shortfall": 0.0, "pay": 15.0, "overstaffing": 2.0})
    _, short, pen = p.evaluate(np.array([[0, 0, 2], [0, 0, 0]]))
    assert short.tolist() == [0, 1, 1]
    assert pen["shortfall"] == pytest.approx(20.0)
    _, short, pen = p.evaluate(np.zeros((2, 3), dtype=np.int64))
    assert short.tolist() == [1, 3, 1]
    # hour 1 misses 3 agents: 10 + 30, then beyond K = 2 the last step again (30)
    assert pen["shortfall"] == pytest.approx(10.0 + (10.0 + 30.0 + 30.0) + 10.0)


def test_from_input_names_a_class_with_agents_and_no_line():
    with pytest.raises(NoLineError) as err:
        Problem.from_input(_inp(allowed=np.array([[1, 1, 1], [0, 0, 0]], dtype=bool)))
    assert err.value.classes == (1,) and err.value.sizes == (1,)
