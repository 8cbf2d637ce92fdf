"""The hour-by-hour split (`HourFlows`) and the local search of the skill-aware model
(`skill_search.improve`), on hand-made sites whose best split and best rota are worked out by hand."""

from __future__ import annotations

import time

import numpy as np
import pytest

from planner.solve.allocation import SeriesDemand, evaluate_split
from planner.solve.hour_flows import COST_SCALE, HourFlows
from planner.solve.problem import ModelInput, Problem
from planner.solve.skill_layout import Layout, segments
from planner.solve.skill_lp import SplitLP
from planner.solve.skill_search import KICK, _kicked, _watch_worth, improve


def no_serving_cost(d: SeriesDemand) -> float:
    """The split's cost with nobody serving: every series-hour's whole shortfall."""
    return sum(w * u for s in range(d.need.shape[0]) for h in range(d.need.shape[1]) if d.need[s, h] > 0
               for w, u in segments(d.cost[s, h], int(d.need[s, h])))


def one_hour_site() -> tuple[Problem, SeriesDemand, Layout]:
    """One hour. Series 0 (phone) needs 2, each missing agent 100 RUB; series 1 (English) needs
    1, missing it 500 RUB. Group 0 may serve phone only, group 1 phone and English."""
    need = np.array([[2], [1]])
    cost = np.zeros((2, 1, 2))
    cost[0, 0] = [100.0, 100.0]
    cost[1, 0] = [500.0, 500.0]
    d = SeriesDemand(need, cost, np.array([[True, False], [True, True]]), np.array([0, 1]))
    inp = ModelInput(required=np.array([3.0]), shortfall_cost=np.full((1, 2), 100.0), over_cost=10.0,
                     class_sizes=np.array([1, 1]), coverage=np.array([[1]]), allowed=np.array([[True], [True]]),
                     availability=None, line_cost=np.ones((2, 1)))
    p = Problem.from_input(inp)
    return p, d, Layout.of(p, d)


def test_an_hours_flow_finds_the_split_worked_out_by_hand():
    """One agent of each group: group 0 takes phone, group 1 English; one phone agent missing
    (100 RUB) and two agents serving (reward 2 x 10): 100 - 20 = 80 RUB. With the English speaker
    alone on site it serves English: 200 of phone missing, one serving: 190."""
    p, d, lay = one_hour_site()
    flows = HourFlows(d, lay, p.over_cost)
    base = no_serving_cost(d)
    assert base + flows.values(np.array([[1], [1]])).sum() / COST_SCALE == pytest.approx(80.0)
    assert base + flows.values(np.array([[0], [1]])).sum() / COST_SCALE == pytest.approx(190.0)
    assert base + flows.values(np.array([[0], [0]])).sum() / COST_SCALE == pytest.approx(700.0)


def random_site(seed: int, G: int = 6, S: int = 4, H: int = 24) -> tuple[Problem, SeriesDemand, Layout]:
    rng = np.random.default_rng(seed)
    need = rng.integers(0, 6, size=(S, H))
    cost = np.sort(rng.uniform(50, 900, size=(S, H, 4)), axis=2)
    serves = rng.random((G, S)) < 0.5
    serves[np.arange(G), rng.integers(0, S, size=G)] = True
    cov = (rng.random((8, H)) < 0.5).astype(np.int64)
    inp = ModelInput(required=need.sum(axis=0).astype(float), shortfall_cost=np.full((H, 4), 100.0), over_cost=7.5,
                     class_sizes=rng.integers(1, 5, size=G), coverage=cov, allowed=np.ones((G, 8), dtype=bool),
                     availability=None, line_cost=rng.uniform(10, 20, size=(G, 8)))
    p = Problem.from_input(inp)
    d = SeriesDemand(need, cost, serves, np.arange(G))
    return p, d, Layout.of(p, d)


@pytest.mark.parametrize("seed", range(5))
def test_hour_flows_agree_with_the_split_lp_on_random_sites(seed):
    """Two exact methods, one LP over all hours (GLOP) and one min-cost flow per hour, give the
    same value for random agents on site (within the flows' rounding to milli-roubles)."""
    p, d, lay = random_site(seed)
    flows, split = HourFlows(d, lay, p.over_cost), SplitLP(d, lay, p.over_cost)
    rng = np.random.default_rng(100 + seed)
    base = no_serving_cost(d)
    for _ in range(5):
        on = rng.integers(0, 5, size=(d.shape[0], d.shape[2]))
        # each served agent's price is rounded to the milli-rouble
        assert base + flows.values(on).sum() / COST_SCALE == pytest.approx(split.value(on), abs=5e-4 * d.need.sum())


def test_hour_values_price_only_the_hours_asked_and_remember_them():
    p, d, lay = random_site(1)
    flows = HourFlows(d, lay, p.over_cost)
    on = np.full((d.shape[0], d.shape[2]), 2)
    every = flows.values(on)
    some = np.array([3, 7, 11])
    assert flows.hour_values(on, some).tolist() == every[some].tolist()


def two_line_site(empty_price: float) -> tuple[Problem, SeriesDemand, Layout]:
    """Two hours, two series, two classes (groups). Line 0 works hour 0, line 1 hour 1.
    Series 0 (any agent) needs 1 in hour 0 at 50 RUB; series 1 (English, group 1 only) needs 1
    in hour 1 at 60 RUB, and costs `empty_price` more with nobody able on site."""
    need = np.array([[1, 0], [0, 1]])
    cost = np.zeros((2, 2, 1))
    cost[0, :, 0] = 50.0
    cost[1, :, 0] = 60.0
    empty = np.array([[0.0, 0.0], [0.0, empty_price]])
    d = SeriesDemand(need, cost, np.array([[True, False], [True, True]]), np.array([0, 1]), empty)
    inp = ModelInput(required=need.sum(axis=0).astype(float), shortfall_cost=np.full((2, 1), 50.0), over_cost=1.0,
                     class_sizes=np.array([1, 1]), coverage=np.array([[1, 0], [0, 1]]),
                     allowed=np.ones((2, 2), dtype=bool), availability=None, line_cost=np.ones((2, 2)))
    p = Problem.from_input(inp)
    return p, d, Layout.of(p, d)


@pytest.mark.parametrize("empty_price", [0.0, 5000.0])
def test_the_search_moves_the_english_speaker_to_the_hour_only_it_can_serve(empty_price):
    """The best rota puts the phone-only agent on hour 0 and the English speaker on hour 1 (nothing
    missing, nobody idle). Starting from the other way round (English missing, and priced as
    empty), the search swaps them, one move at a time."""
    p, d, lay = two_line_site(empty_price)
    wrong = np.array([[0, 1], [1, 0]])
    start_value = sum(evaluate_split(p, d, wrong, np.zeros(d.shape, dtype=np.int64))[2].values())
    counts, alloc, value, _ = improve(p, d, lay, wrong, start_value, np.zeros(d.shape, dtype=np.int64),
                                   time.perf_counter() + 10)
    assert counts.tolist() == [[1, 0], [0, 1]]
    assert alloc[:, :, 0].tolist() == [[1, 0], [0, 0]]
    assert alloc[:, :, 1].tolist() == [[0, 0], [0, 1]]
    assert value == pytest.approx(sum(evaluate_split(p, d, counts, alloc)[2].values()))
    assert value == pytest.approx(2.0)   # two lines at 1 RUB, nobody missing, nobody idle


def test_the_search_stops_after_its_trials():
    """max_trials = 0: no move is priced, the start comes back unchanged."""
    p, d, lay = two_line_site(0.0)
    wrong = np.array([[0, 1], [1, 0]])
    alloc = np.zeros(d.shape, dtype=np.int64)
    counts, _, value, trials = improve(p, d, lay, wrong, 123.0, alloc, time.perf_counter() + 10, max_trials=0)
    assert counts.tolist() == wrong.tolist() and value == 123.0 and trials == 0
    assert improve(p, d, lay, wrong, 123.0, alloc, time.perf_counter() + 10, max_trials=1).trials == 1


def test_the_24_7_price_joins_a_moves_score_where_it_fills_or_leaves_an_empty_hour():
    """English (series 1) in hour 1 with nobody able on site: one more English speaker (group 1)
    there is worth its empty price, one more phone-only agent nothing. With the English speaker
    alone on site in hour 1, taking it away costs the price; with two on site, nothing."""
    p, d, lay = two_line_site(5000.0)
    add, drop = _watch_worth(d, lay, np.array([[1, 1], [0, 0]]))
    assert add.tolist() == [[0.0, 0.0], [0.0, 5000.0]] and not drop.any()
    add, drop = _watch_worth(d, lay, np.array([[0, 0], [0, 1]]))
    assert not add.any() and drop.tolist() == [[0.0, 0.0], [0.0, 5000.0]]
    _, drop = _watch_worth(d, lay, np.array([[0, 0], [0, 2]]))
    assert not drop.any()


def test_a_kick_moves_a_few_agents_and_keeps_every_class_whole():
    """Leaving a local optimum moves KICK agents to other lines of their class, nothing else."""
    counts = np.array([[3, 1, 0, 0], [0, 2, 2, 0], [1, 0, 0, 4], [2, 2, 0, 0]])
    lines = {c: np.arange(4) for c in range(4)}
    out = _kicked(counts, [0, 1, 2, 3], lines, np.random.default_rng(7))
    assert out.sum(axis=1).tolist() == counts.sum(axis=1).tolist() and (out >= 0).all()
    assert np.abs(out - counts).sum() == 2 * KICK


def test_the_search_stops_once_the_rota_is_good_enough():
    """A start that already costs no more than `good_enough` (within the gap limit of the bound)
    comes back as it is: no move is priced."""
    p, d, lay = two_line_site(0.0)
    wrong = np.array([[0, 1], [1, 0]])
    alloc = np.zeros(d.shape, dtype=np.int64)
    counts, _, value, _ = improve(p, d, lay, wrong, 123.0, alloc, time.perf_counter() + 10, good_enough=200.0)
    assert counts.tolist() == wrong.tolist() and value == 123.0
    counts, _, value, _ = improve(p, d, lay, wrong, 123.0, alloc, time.perf_counter() + 10, good_enough=1.0)
    assert counts.tolist() == [[1, 0], [0, 1]]
