"""Erlang C and exact Erlang A against the reference CSV, closed forms and an independent
numerical integration of the Erlang A virtual-waiting-time density."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.erlang import ErlangAResult, ErlangCResult, erlang_a, erlang_c, required_agents
from common.errors import InputError

REFERENCE = SHARED_DATA / "erlang_reference_values.csv"
OUTPUTS = ("traffic_erl", "p_wait", "service_level", "asa_s", "occupancy", "p_abandon")


def _reference_rows() -> list[dict[str, str]]:
    if not REFERENCE.exists():
        return []
    with REFERENCE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _tolerance(printed: str) -> float:
    """6 significant digits, or every printed digit where the file prints fewer."""
    ref = float(printed)
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return max(5e-6 * abs(ref), 0.5 * 10.0**-decimals) + 1e-12


@pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/data/erlang_reference_values.csv absent")
@pytest.mark.parametrize("row", _reference_rows(), ids=lambda r: f"{r['model']}-N{r['agents']}-p{r['patience_s']}")
def test_every_reference_row_is_reproduced(row: dict[str, str]) -> None:
    args = dict(
        calls=float(row["calls"]),
        interval_s=float(row["interval_s"]),
        aht_s=float(row["aht_s"]),
        agents=int(row["agents"]),
        answer_s=float(row["answer_target_s"]),
    )
    if row["model"] == "ErlangC":
        res = erlang_c(**args)
        got = dict(traffic_erl=res.traffic, p_wait=res.p_wait, service_level=res.service_level,
                   asa_s=res.asa_s, occupancy=res.occupancy, p_abandon=0.0)
    else:
        assert row["model"] == "ErlangA"
        res = erlang_a(**args, patience_s=float(row["patience_s"]))
        got = dict(traffic_erl=res.traffic, p_wait=res.p_wait, service_level=res.service_level,
                   asa_s=res.asa_s, occupancy=res.occupancy, p_abandon=res.p_abandon)
    checked = 0
    for col in OUTPUTS:
        if row[col].strip():
            assert got[col] == pytest.approx(float(row[col]), abs=_tolerance(row[col])), col
            checked += 1
    assert checked >= 4


def test_published_example_14_agents() -> None:
    """100 calls / 30 min, AHT 180 s, 80 % in 20 s: 10 Erlangs, 14 agents (pyworkforce, R ErlangC)."""
    assert required_agents(calls=100, interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8) == 14
    res = erlang_c(calls=100, interval_s=1800, aht_s=[180, 180], agents=[13, 14], answer_s=20)
    assert res.traffic.tolist() == [10.0, 10.0]
    assert res.service_level[0] < 0.8 <= res.service_level[1]
    assert res.p_wait[1] == pytest.approx(0.1741319, abs=5e-8)
    # 20 positions with 30 % shrinkage (published): 14 / 0.7 = 20
    assert math.ceil(14 / (1 - 0.30) - 1e-9) == 20


def test_erlang_c_single_and_two_server_closed_forms() -> None:
    """M/M/1: P(wait) = rho, ASA = rho / (1 - rho) * AHT, SL = 1 - rho exp(-(1 - rho) t / AHT).
    M/M/2 with rho = A / 2: P(wait) = 2 rho^2 / (1 + rho)."""
    rho, aht, t = 0.6, 240.0, 30.0
    one = erlang_c(calls=rho * 3600 / aht, interval_s=3600, aht_s=aht, agents=1, answer_s=t)
    assert one.p_wait == pytest.approx(rho, rel=1e-12)
    assert one.asa_s == pytest.approx(rho / (1 - rho) * aht, rel=1e-12)
    assert one.service_level == pytest.approx(1 - rho * math.exp(-(1 - rho) * t / aht), rel=1e-12)
    a = 1.3
    two = erlang_c(calls=a * 3600 / aht, interval_s=3600, aht_s=aht, agents=2, answer_s=t)
    assert two.p_wait == pytest.approx(2 * (a / 2) ** 2 / (1 + a / 2), rel=1e-12)
    assert two.occupancy == pytest.approx(a / 2)


def test_unstable_zero_and_edge_cases() -> None:
    over = erlang_c(calls=100, interval_s=1800, aht_s=180, agents=[0, 5, 10])
    assert over.p_wait.tolist() == [1.0, 1.0, 1.0]
    assert over.service_level.tolist() == [0.0, 0.0, 0.0]
    assert np.isinf(over.asa_s).all()
    assert over.occupancy.tolist() == [0.0, 1.0, 1.0]
    idle = erlang_c(calls=0, interval_s=3600, aht_s=300, agents=[0, 3])
    assert idle.service_level.tolist() == [1.0, 1.0] and idle.asa_s.tolist() == [0.0, 0.0]
    tiny = [0, 0.01, 5e-324]  # any contact at all needs someone
    assert required_agents(calls=tiny, interval_s=3600, aht_s=300, answer_s=20, sl_target=0.8).tolist() == [0, 1, 1]
    assert required_agents(calls=tiny, interval_s=3600, aht_s=300, answer_s=20, sl_target=0.8,
                           patience_s=60).tolist() == [0, 1, 1]
    nobody = erlang_a(calls=100, interval_s=3600, aht_s=300, agents=0, answer_s=20, patience_s=120)
    assert (nobody.p_wait, nobody.p_abandon, nobody.service_level) == (1.0, pytest.approx(1.0), 0.0)
    assert nobody.asa_s == pytest.approx(120.0)  # everyone waits out their patience


def test_shapes_scalars_and_pandas_columns() -> None:
    res = erlang_c(calls=pd.Series([100.0, 50.0, 0.0]), interval_s=1800, aht_s=180, agents=np.array([[14], [15]]))
    assert isinstance(res, ErlangCResult) and res.p_wait.shape == (2, 3)
    scalar = erlang_a(calls=100, interval_s=1800, aht_s=180, agents=14, patience_s=180)
    assert isinstance(scalar, ErlangAResult) and isinstance(scalar.service_level, float)
    need = required_agents(calls=pd.Series([100, 200]), interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8)
    assert need.dtype == np.int64 and need.shape == (2,)
    assert isinstance(required_agents(calls=100, interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8), int)


@pytest.mark.parametrize(
    "kwargs, column",
    [
        (dict(aht_s=-5), "aht_s"),
        (dict(calls=float("nan")), "calls"),
        (dict(agents=2.5), "agents"),
        (dict(interval_s=0), "interval_s"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict, column: str) -> None:
    args = dict(calls=10, interval_s=3600, aht_s=300, agents=3, answer_s=20) | kwargs
    with pytest.raises(InputError) as err:
        erlang_c(**args)
    assert err.value.column == column


def test_required_agents_rejects_impossible_targets() -> None:
    with pytest.raises(InputError, match="sl_target"):
        required_agents(calls=10, interval_s=3600, aht_s=300, answer_s=20, sl_target=1.0)
    with pytest.raises(InputError, match="max_occupancy"):
        required_agents(calls=10, interval_s=3600, aht_s=300, answer_s=20, sl_target=0.8, max_occupancy=0)


# --------------------------------------------------------------------------- Erlang A checks


def _erlang_a_by_integration(traffic: float, n: int, aht: float, t: float, patience: float) -> dict[str, float]:
    """M/M/N+M through the virtual waiting time V (Baccelli & Hebuterne 1981): for x > 0 its
    density is v(x) = N mu pi_N exp(lambda/theta (1 - e^(-theta x)) - N mu x); P(V = 0) is the
    probability of fewer than N busy, which relative to pi_N is sum_{j<N} N! / (j! A^(N-j)).
    An arrival is answered within t iff V <= t and its patience exceeds V. Integrated with
    Simpson's rule on a fine grid (independent of the series used by the code)."""
    mu, theta, lam = 1 / aht, 1 / patience, traffic / aht
    low = sum(math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - (n - j) * math.log(traffic)) for j in range(n))

    def integral(f, upper: float, points: int = 200_001) -> float:
        x = np.linspace(0.0, upper, points)
        y = f(x)
        h = x[1] - x[0]
        return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))

    def dens(x):
        return n * mu * np.exp(lam / theta * (1 - np.exp(-theta * x)) - n * mu * x)

    upper = 60 * (aht + patience)
    waiting = integral(dens, upper)
    pi_n = 1 / (low + waiting)
    answered_in_t = integral(lambda x: dens(x) * np.exp(-theta * x), t, 20_001)
    abandon = integral(lambda x: dens(x) * (1 - np.exp(-theta * x)), upper)
    return dict(
        p_wait=waiting * pi_n,
        service_level=(low + answered_in_t) * pi_n,
        p_abandon=abandon * pi_n,
        asa_s=abandon * pi_n * patience,  # mean wait = P(abandon) / theta
    )


@pytest.mark.parametrize(
    "traffic, n, aht, t, patience",
    [(10, 14, 180, 20, 180), (10, 12, 180, 20, 300), (10, 8, 180, 20, 60), (25, 24, 300, 60, 900), (3, 4, 120, 0, 30)],
)
def test_erlang_a_matches_numerical_integration(traffic, n, aht, t, patience) -> None:
    res = erlang_a(calls=traffic * 3600 / aht, interval_s=3600, aht_s=aht, agents=n, answer_s=t, patience_s=patience)
    ref = _erlang_a_by_integration(traffic, n, aht, t, patience)
    for name, value in ref.items():
        assert getattr(res, name) == pytest.approx(value, rel=1e-7, abs=1e-10), name


@pytest.mark.parametrize("traffic, n", [(10.0, 14), (10.0, 7), (0.4, 1), (60.0, 66)])
def test_erlang_a_with_patience_equal_to_aht_is_poisson(traffic: float, n: int) -> None:
    """theta = mu makes M/M/N+M an M/M/inf: the number in system is Poisson(A), so
    P(wait) = P(X >= N) and P(abandon) = E[(X - N)+] / A."""
    k = np.arange(0, int(traffic + 40 * math.sqrt(traffic) + 60))
    pmf = np.exp(k * math.log(traffic) - traffic - np.array([math.lgamma(i + 1) for i in k]))
    res = erlang_a(calls=traffic * 12, interval_s=3600, aht_s=300, agents=n, answer_s=20, patience_s=300)
    assert res.p_wait == pytest.approx(pmf[k >= n].sum(), rel=1e-10)
    assert res.p_abandon == pytest.approx((np.maximum(k - n, 0) * pmf).sum() / traffic, rel=1e-10)


def test_erlang_a_definitions_fit_together() -> None:
    """Little's law: P(abandon) = theta * E[wait]; the service level tends to P(no wait) as
    the answer target goes to 0 and to P(served) = 1 - P(abandon) as it goes to infinity."""
    common = dict(calls=300, interval_s=3600, aht_s=240, agents=21, patience_s=200)
    res = erlang_a(**common, answer_s=np.array([0.0, 20.0, 1e6]))
    assert res.p_abandon[0] == pytest.approx(res.asa_s[0] / 200, rel=1e-12)
    assert res.service_level[0] == pytest.approx(1 - res.p_wait[0], rel=1e-12)
    assert res.service_level[2] == pytest.approx(1 - res.p_abandon[2], rel=1e-12)
    assert res.service_level[0] < res.service_level[1] < res.service_level[2]
    assert res.occupancy[0] == pytest.approx(20 * (1 - res.p_abandon[0]) / 21)


def test_erlang_a_needs_fewer_agents_with_realistic_patience() -> None:
    need_c = required_agents(calls=100, interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8)
    need_a = required_agents(calls=100, interval_s=1800, aht_s=180, answer_s=20, sl_target=0.8, patience_s=180)
    assert need_a < need_c == 14


@pytest.mark.parametrize("traffic, n", [(10.0, 11), (10.0, 8), (2.5, 4)])
def test_erlang_a_with_tiny_patience_is_erlang_b(traffic: float, n: int) -> None:
    """Callers who hang up at once make a loss system: P(wait) -> Erlang B blocking
    B = (A^N / N!) / sum_{j<=N} A^j / j!, and those who find a free agent are answered."""
    weights = [traffic**j / math.factorial(j) for j in range(n + 1)]
    blocking = weights[-1] / sum(weights)
    res = erlang_a(calls=traffic * 12, interval_s=3600, aht_s=300, agents=n, answer_s=20, patience_s=1e-6)
    assert res.p_wait == pytest.approx(blocking, rel=1e-6)
    assert res.p_abandon == pytest.approx(blocking, rel=1e-6)
    assert res.service_level == pytest.approx(1 - blocking, rel=1e-6)


# --------------------------------------------------------------------------- properties

traffic_st = st.floats(min_value=0.05, max_value=300.0)
aht_st = st.sampled_from([60.0, 180.0, 300.0, 600.0])
answer_st = st.sampled_from([0.0, 10.0, 20.0, 60.0])
patience_st = st.sampled_from([30.0, 120.0, 240.0, 900.0])


@settings(max_examples=60, deadline=None)
@given(traffic=traffic_st, aht=aht_st, answer=answer_st, patience=patience_st)
def test_service_level_rises_with_agents(traffic, aht, answer, patience) -> None:
    n = np.arange(max(int(traffic) - 3, 0), int(traffic + 4 * math.sqrt(traffic) + 6))
    calls = traffic * 3600 / aht
    c = erlang_c(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer).service_level
    a = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer, patience_s=patience)
    assert np.all(np.diff(c) >= -1e-9)
    assert np.all(np.diff(a.service_level) >= -1e-9)
    assert np.all(np.diff(a.occupancy[n >= 1]) <= 1e-9)  # occupancy is 0 by definition at N = 0
    for field in (a.p_wait, a.p_abandon, a.service_level, a.asa_s, a.occupancy):
        assert np.isfinite(field).all()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=200), aht=aht_st, answer=answer_st, patience=patience_st)
def test_service_level_falls_with_calls(n, aht, answer, patience) -> None:
    calls = np.linspace(0.0, 1.5 * n, 25) * 3600 / aht
    c = erlang_c(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer).service_level
    a = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer, patience_s=patience)
    assert np.all(np.diff(c) <= 1e-9)
    assert np.all(np.diff(a.service_level) <= 1e-9)


@settings(max_examples=40, deadline=None)
@given(traffic=st.floats(min_value=0.1, max_value=80.0), extra=st.integers(1, 12), aht=aht_st, answer=answer_st)
def test_erlang_a_with_very_long_patience_approaches_erlang_c(traffic, extra, aht, answer) -> None:
    n = int(traffic / 0.95) + extra  # near rho = 1 the gap closes only as patience grows like 1/(1-rho)^2
    calls = traffic * 3600 / aht
    c = erlang_c(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer)
    a = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer, patience_s=aht * 1e7)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-4, abs=1e-6 * aht)
    assert a.p_abandon < 1e-4
    exact = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=n, answer_s=answer, patience_s=np.inf)
    assert exact.service_level == c.service_level and exact.p_abandon == 0.0


@settings(max_examples=40, deadline=None)
@given(
    calls=st.lists(st.just(0.0) | st.floats(min_value=1e-6, max_value=2000.0), min_size=1, max_size=8),
    aht=aht_st,
    answer=st.sampled_from([10.0, 20.0, 60.0]),
    target=st.sampled_from([0.6, 0.8, 0.9, 0.95]),
    occ=st.sampled_from([0.8, 0.88, 1.0]),
    patience=st.sampled_from([None, 60.0, 240.0]),
)
def test_required_agents_is_the_smallest_that_meets_both_targets(calls, aht, answer, target, occ, patience) -> None:
    calls = np.array(calls)
    need = required_agents(calls=calls, interval_s=3600, aht_s=aht, answer_s=answer, sl_target=target,
                           max_occupancy=occ, patience_s=patience)

    def meets(agents: np.ndarray) -> np.ndarray:
        if patience is None:
            r = erlang_c(calls=calls, interval_s=3600, aht_s=aht, agents=agents, answer_s=answer)
            stable = agents > r.traffic
        else:
            r = erlang_a(calls=calls, interval_s=3600, aht_s=aht, agents=agents, answer_s=answer, patience_s=patience)
            stable = True
        return (r.service_level >= target - 1e-9) & (r.occupancy <= occ + 1e-9) & stable | (r.traffic == 0)

    assert meets(need).all()
    busy = calls > 0
    assert (need[~busy] == 0).all() and (need[busy] >= 1).all()
    assert not meets(np.maximum(need - 1, 0))[busy].any()


def test_five_thousand_erlangs_is_finite() -> None:
    """A guard against overflow and NaN for very large centres; speed is measured in bench/."""
    calls = 5000 * 3600 / 300
    n = np.array([4000, 4990, 5000, 5050, 5100, 6000])
    c = erlang_c(calls=calls, interval_s=3600, aht_s=300, agents=n, answer_s=20)
    a = erlang_a(calls=calls, interval_s=3600, aht_s=300, agents=n, answer_s=20, patience_s=240)
    need_c = required_agents(calls=calls, interval_s=3600, aht_s=300, answer_s=20, sl_target=0.8)
    need_a = required_agents(calls=calls, interval_s=3600, aht_s=300, answer_s=20, sl_target=0.8, patience_s=240)
    for field in (c.p_wait, c.service_level, c.occupancy, a.p_wait, a.p_abandon, a.service_level, a.asa_s):
        assert np.isfinite(field).all()
    assert np.isfinite(c.asa_s[n > 5000]).all()
    assert 0.0 <= a.service_level.min() and a.service_level.max() <= 1.0
    assert 5000 < need_c < 5100 and need_a <= need_c
