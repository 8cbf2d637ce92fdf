"""The flex engine's fast first roster (greedy, then CP-SAT for the rows it broke) and its cheap
single-cell moves: lawful by the independent checker, and the engine's row check agrees with it."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from nrp_instance import parse, to_problem  # noqa: E402
from nrp_synthetic import synthetic  # noqa: E402

from constraints.flex import flex_violations  # noqa: E402
from planner.solve.flex_first import greedy_roster  # noqa: E402
from planner.solve.flex_model import _lawful  # noqa: E402
from planner.solve.flex_polish import polish, row_ok  # noqa: E402
from planner.solve.flex_problem import OFF, build_index, objective, to_roster  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    return to_problem(parse(synthetic(56, 24, 5, seed=3)))


def broken(problem, ix, A) -> set[str]:
    return {v.person for v in flex_violations(problem.contracts, problem.shift_types, to_roster(ix, A),
                                              problem.horizon_days, problem.first_weekday)}


def test_the_greedy_roster_made_lawful_keeps_every_rule(problem) -> None:
    ix = build_index(problem)
    A = greedy_roster(ix)
    assert A.shape == (24, 56) and (A >= 0).any()
    lawful = _lawful(problem, ix, A, time.perf_counter() + 20, workers=1, seed=1)
    assert lawful is not None and broken(problem, ix, lawful) == set()
    kept = [p for p, name in enumerate(ix.people) if name not in broken(problem, ix, A)]
    assert (lawful[kept] == A[kept]).all()   # only the broken rows were re-planned


def test_polish_keeps_the_rules_and_never_worsens(problem) -> None:
    ix = build_index(problem)
    A = _lawful(problem, ix, greedy_roster(ix), time.perf_counter() + 20, workers=1, seed=1)
    B = polish(ix, A, time.perf_counter() + 5, np.random.default_rng(1))
    assert broken(problem, ix, B) == set()
    assert objective(ix, B) <= objective(ix, A)


def test_row_check_agrees_with_the_checker_on_random_changes(problem) -> None:
    """row_ok is the engine's own fast check; constraints.flex is the proof: they must agree."""
    ix = build_index(problem)
    A = _lawful(problem, ix, greedy_roster(ix), time.perf_counter() + 20, workers=1, seed=1)
    rng = np.random.default_rng(7)
    P, D, S = ix.size
    seen = {True: 0, False: 0}
    for _ in range(300):
        B = A.copy()
        p = int(rng.integers(P))
        for d in rng.choice(D, size=int(rng.integers(1, 4)), replace=False):
            B[p, d] = OFF if rng.random() < 0.4 else int(rng.integers(S))
        B[p] = np.where(ix.may[p, np.arange(D), np.maximum(B[p], 0)] | (B[p] < 0), B[p], OFF)
        ok = row_ok(ix, p, B[p])
        assert ok == (ix.people[p] not in broken(problem, ix, B))
        seen[ok] += 1
    assert seen[True] > 10 and seen[False] > 10


def test_greedy_in_hourly_mode_covers_the_wanted_hours_lawfully() -> None:
    """rota's own coverage (HourlyCover): the greedy places shifts where hours are short."""
    from constraints.flex import FlexContract, ShiftType
    from planner.solve.flex_problem import FlexProblem, HourlyCover
    types = (ShiftType("m", 8 * 60, start_min=8 * 60), ShiftType("e", 8 * 60, start_min=14 * 60))
    days = 14
    wanted = [2 if 8 <= h % 24 < 16 else 0 for h in range(days * 24)]
    price = tuple(tuple([100] * n) for n in wanted)
    people = tuple(FlexContract(f"F{i}", frozenset({"m", "e"}), max_consecutive_work=5, min_consecutive_work=2,
                                min_consecutive_off=2, max_weekends=1, min_minutes=5 * 480, max_minutes=9 * 480)
                   for i in range(3))
    problem = FlexProblem(days, types, people, HourlyCover(tuple(wanted), price, over_price=1))
    ix = build_index(problem)
    A = greedy_roster(ix)
    assert (A == 0).sum() > (A == 1).sum()          # mornings are where the hours are wanted
    lawful = _lawful(problem, ix, A, time.perf_counter() + 20, workers=1, seed=1)
    assert lawful is not None and broken(problem, ix, lawful) == set()
