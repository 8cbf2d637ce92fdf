"""The shortfall penalty: Erlang's missed contacts per missing agent, convex, priced in roubles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import InputError
from planner.solve.penalties import shortfall_cost, shortfall_penalty


def _sl(calls_per_h: float, aht: float, n: int, answer: float) -> float:
    """Erlang C service level from the textbook formulas of DESIGN.md §4, written out here."""
    a = calls_per_h * aht / 3600
    if n <= a:
        return 0.0
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    c = n * b / (n - a * (1 - b))
    return 1 - c * math.exp(-(n - a) * answer / aht)


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = {"channel": "phone", "queue": "main", "aht_s": 180.0, "model": "erlang_c", "answer_s": 20.0}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_published_example_first_and_second_missing_agent():
    """200 calls an hour (100 per 30 min), AHT 180 s, 20 s target: 10 Erlangs, 14 agents give
    SL 0.88835 (DESIGN.md). No shrinkage (scheduled = productive = 14): the first missing agent
    costs 200 x (SL14 - SL13) contacts, the second 200 x (SL13 - SL12), at 100 rub each."""
    df = _frame([{"ts": "2026-11-02 10:00", "contacts": 200.0, "agents": 14, "scheduled_agents": 14}])
    p = shortfall_penalty(df, missed_contact_rub=100.0, steps=None)
    assert _sl(200, 180, 14, 20) == pytest.approx(0.88835, abs=5e-6)
    first = 200 * (_sl(200, 180, 14, 20) - _sl(200, 180, 13, 20)) * 100
    second = 200 * (_sl(200, 180, 13, 20) - _sl(200, 180, 12, 20)) * 100
    assert p.required.tolist() == [14]
    assert p.cost.shape == (1, 14)
    assert p.cost[0, 0] == pytest.approx(first, rel=1e-4)
    assert p.cost[0, 1] == pytest.approx(second, rel=1e-4)
    assert second > first
    assert p.erlang_rows == 1


def test_shrinkage_scales_productive_agents():
    """14 productive of 20 scheduled (30 % shrinkage): one scheduled agent missing leaves
    14 x 19/20 = 13.3 productive, SL interpolated between 13 and 14 agents."""
    df = _frame([{"ts": "2026-11-02 10:00", "contacts": 200.0, "agents": 14, "scheduled_agents": 20}])
    cost = shortfall_cost(df, missed_contact_rub=1.0, steps=None)
    sl133 = 0.3 * _sl(200, 180, 14, 20) + 0.7 * _sl(200, 180, 13, 20)
    assert cost.shape == (1, 20)
    assert cost[0, 0] == pytest.approx(200 * (_sl(200, 180, 14, 20) - sl133), rel=1e-4)


def test_busier_hours_cost_more():
    df = _frame([
        {"ts": "2026-11-02 03:00", "contacts": 40.0, "agents": 4, "scheduled_agents": 6},
        {"ts": "2026-11-02 13:00", "contacts": 400.0, "agents": 24, "scheduled_agents": 35},
    ])
    cost = shortfall_cost(df, steps=5)
    assert np.all(cost[1] > cost[0])


def test_email_uses_contacts_per_required_agent():
    """60 e-mails needing 3 agents: each missing agent costs 20 e-mails, at 500 rub = 10,000."""
    df = _frame([{"ts": "2026-11-02 10:00", "channel": "email", "model": "email", "contacts": 60.0,
                  "aht_s": 420.0, "answer_s": 28800.0, "agents": 3, "scheduled_agents": 3}])
    p = shortfall_penalty(df, missed_contact_rub=500.0, steps=4)
    assert p.cost.tolist() == [[10_000.0] * 4]
    assert p.erlang_rows == 0


def test_without_handle_times_falls_back_to_contacts_per_agent():
    df = pd.DataFrame({"ts": ["2026-11-02 10:00"], "contacts": [30.0], "scheduled_agents": [2]})
    assert shortfall_cost(df, missed_contact_rub=1.0, steps=2).tolist() == [[15.0, 15.0]]


def test_channels_of_one_hour_share_the_pool_cheapest_first():
    """Phone: 30 calls, 1.5 Erlangs, 2 agents. The first missing agent costs 30 x (SL2 - SL1);
    the second 30 x (SL1 - SL0) = 0 by Erlang (one agent cannot hold 1.5 Erlangs either), which
    convexity raises to the first step. E-mail: 2 agents at 20 e-mails each. The hour needs 4
    and its steps are the four marginal costs in increasing order."""
    df = _frame([
        {"ts": "2026-11-02 10:00", "contacts": 30.0, "agents": 2, "scheduled_agents": 2},
        {"ts": "2026-11-02 10:00", "channel": "email", "model": "email", "contacts": 40.0,
         "agents": 2, "scheduled_agents": 2},
    ])
    p = shortfall_penalty(df, missed_contact_rub=1.0, steps=None)
    assert _sl(30, 180, 1, 20) == 0.0
    c1 = 30 * (_sl(30, 180, 2, 20) - _sl(30, 180, 1, 20))
    assert p.required.tolist() == [4]
    assert p.cost[0] == pytest.approx(sorted([c1, c1, 20.0, 20.0]), rel=1e-4)


def test_last_step_carries_the_mean_of_the_rest():
    """With K = 2 and 3 agents at 20 contacts each plus nothing else, the steps are 20 and the
    mean of (20, 20); a fully missed hour costs 60 either way."""
    df = _frame([{"ts": "2026-11-02 10:00", "model": "email", "contacts": 60.0, "agents": 3, "scheduled_agents": 3}])
    full = shortfall_cost(df, missed_contact_rub=1.0, steps=None)
    two = shortfall_cost(df, missed_contact_rub=1.0, steps=2)
    assert full.sum() == pytest.approx(60.0)
    assert two[0, 0] + 2 * two[0, 1] == pytest.approx(60.0)


def test_hour_without_contacts_still_costs_something():
    """A minimum-staffing hour (no contacts, one agent required) costs min_missed_per_agent."""
    df = _frame([{"ts": "2026-11-02 04:00", "contacts": 0.0, "agents": 1, "scheduled_agents": 1}])
    assert shortfall_cost(df, missed_contact_rub=500.0, steps=1, min_missed_per_agent=0.5).tolist() == [[250.0]]


def test_missing_column_is_named():
    with pytest.raises(InputError, match="scheduled_agents"):
        shortfall_penalty(pd.DataFrame({"ts": ["2026-11-02"], "contacts": [1.0]}))


def test_negative_value_names_row_and_column():
    df = _frame([{"ts": "2026-11-02 10:00", "contacts": 5.0, "agents": 1, "scheduled_agents": 1},
                 {"ts": "2026-11-02 11:00", "contacts": -1.0, "agents": 1, "scheduled_agents": 1}])
    with pytest.raises(InputError) as err:
        shortfall_penalty(df)
    assert err.value.row == 3 and err.value.column == "contacts"


@settings(max_examples=30, deadline=None)
@given(
    contacts=st.floats(1, 2000),
    aht=st.floats(60, 900),
    extra=st.integers(0, 6),
    shrink=st.floats(0.0, 0.4),
)
def test_cost_is_non_decreasing_in_k(contacts, aht, extra, shrink):
    a = contacts * aht / 3600
    agents = int(math.floor(a)) + 1 + extra
    sched = int(math.ceil(agents / (1 - shrink)))
    df = _frame([{"ts": "2026-11-02 10:00", "contacts": contacts, "aht_s": aht, "agents": agents,
                  "scheduled_agents": sched}])
    cost = shortfall_cost(df, steps=None)
    assert np.all(np.diff(cost, axis=1) >= -1e-9)
    assert np.all(cost > 0)


def test_each_hour_is_priced_as_when_alone_among_many_of_other_sizes():
    """Hours are sized in batches of similar headcount: a quiet night next to twenty busy hours
    (Erlang A and C, several batches) costs what it costs alone, and so does every busy hour."""
    rows = [{"ts": f"2026-11-02 {h:02d}:00", "contacts": 40.0 + 60 * h, "agents": 2 + 3 * h,
             "scheduled_agents": 3 + 4 * h, "model": "erlang_a" if h % 2 else "erlang_c", "patience_s": 240.0}
            for h in range(21)]
    together = shortfall_penalty(_frame(rows), steps=None).cost
    for h, row in enumerate(rows):
        alone = shortfall_penalty(_frame([row]), steps=None).cost[0]
        width = min(alone.size, together.shape[1])
        assert together[h, :width] == pytest.approx(alone[:width], rel=1e-9, abs=1e-9)
