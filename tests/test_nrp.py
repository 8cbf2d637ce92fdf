"""The public rostering benchmark: reader, independent evaluator, and the engine on instances 1-3."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import REPO, shared_file

sys.path.insert(0, str(REPO / "bench"))

from nrp_evaluate import evaluate, read_roster  # noqa: E402
from nrp_instance import InstanceError, parse, read, to_problem  # noqa: E402

from constraints.flex import flex_violations  # noqa: E402
from planner.solve.flex_model import solve_flex  # noqa: E402
from planner.solve.flex_problem import build_index, from_roster, objective  # noqa: E402

BENCH = "shift_scheduling_benchmark"
OPTIMA = {1: 607, 2: 828, 3: 1001}

#: a tiny instance to compute by hand: 7 days from a Monday, two people, two shifts
TINY = """# comment\r
SECTION_HORIZON\r
7\r
\r
SECTION_SHIFTS\r
E,480,\r
L,600,E\r
\r
SECTION_STAFF\r
A,E=7|L=7,4000,960,5,2,2,1\r
B,E=7|L=0,2400,0,3,1,1,0\r
\r
SECTION_DAYS_OFF\r
A,6\r
B,2,3\r
\r
SECTION_SHIFT_ON_REQUESTS\r
A,0,L,2\r
B,1,E,3\r
\r
SECTION_SHIFT_OFF_REQUESTS\r
A,4,E,5\r
\r
SECTION_COVER\r
0,E,1,100,1\r
0,L,1,100,1\r
1,E,2,50,10\r
"""


def instance(n: int):
    return read(shared_file(f"{BENCH}/Instance{n}.txt"))


# ----------------------------------------------------------------------------- reader


@pytest.mark.parametrize("n, days, staff, shifts, cover_rows", [
    (1, 14, 8, 1, 14), (2, 14, 14, 2, 28), (3, 14, 20, 3, 42)])
def test_reader_sizes(n: int, days: int, staff: int, shifts: int, cover_rows: int) -> None:
    inst = instance(n)
    assert (inst.horizon, len(inst.staff), len(inst.shifts), len(inst.cover)) == (days, staff, shifts, cover_rows)


def test_reader_spot_values_of_instance2() -> None:
    inst = instance(2)
    assert [(s.id, s.minutes, s.cannot_follow) for s in inst.shifts] == [("E", 480, ()), ("L", 480, ("E",))]
    d = next(e for e in inst.staff if e.id == "D")
    assert (d.max_shifts, d.max_minutes, d.min_minutes, d.max_consecutive, d.min_consecutive,
            d.min_consecutive_off, d.max_weekends) == ({"E": 14, "L": 0}, 4320, 3360, 5, 2, 2, 1)
    assert inst.days_off["N"] == (6,)
    assert (inst.on_requests[0].employee, inst.on_requests[0].day, inst.on_requests[0].shift,
            inst.on_requests[0].weight) == ("A", 5, "L", 1)
    assert len(inst.on_requests) == 50 and len(inst.off_requests) == 12
    last = inst.cover[-1]
    assert (last.day, last.shift, last.requirement, last.under, last.over) == (13, "L", 5, 100, 1)


def test_reader_tiny_with_crlf_and_mapping_to_the_engine() -> None:
    inst = parse(TINY)
    assert inst.days_off == {"A": (6,), "B": (2, 3)}
    problem = to_problem(inst)
    b = next(c for c in problem.contracts if c.person == "B")
    assert b.allowed == frozenset({"E"}) and b.unavailable == frozenset({2, 3}) and b.max_weekends == 0
    late = next(s for s in problem.shift_types if s.id == "L")
    assert late.forbidden_next == frozenset({"E"}) and late.minutes == 600


def test_reader_names_the_line_of_a_bad_row() -> None:
    with pytest.raises(InstanceError, match=r"<instance>:4: SECTION_COVER needs 5 fields, got 3"):
        parse("SECTION_HORIZON\n7\nSECTION_COVER\n0,E,1\n")
    with pytest.raises(InstanceError, match=r"<instance>:1: unknown section SECTION_NONE"):
        parse("SECTION_NONE\n")


# ----------------------------------------------------------------------------- evaluator


def test_evaluator_on_hand_made_rosters() -> None:
    inst = parse(TINY)
    # nobody works: on-requests 2 + 3; cover short 1*100 + 1*100 + 2*50
    empty = evaluate(inst, [])
    assert (empty.on_requests, empty.off_requests, empty.under, empty.over, empty.total) == (5, 0, 300, 0, 305)
    # A: L on day 0 (granted), E on day 4 (off-request 5); B: E on days 0 and 1 (granted)
    rows = [("A", 0, "L"), ("A", 4, "E"), ("B", 0, "E"), ("B", 1, "E")]
    s = evaluate(inst, rows)
    # day 1 E: 1 of 2 -> 50 short
    assert (s.on_requests, s.off_requests, s.under, s.over, s.total) == (0, 5, 50, 0, 55)
    # three on day 1 E would be one over: add A on day 1
    s = evaluate(inst, [*rows, ("A", 1, "E"), ("A", 0, "E")])   # A twice on day 0: 2 E over by 1
    assert (s.under, s.over, s.total) == (0, 1, 6)


def test_evaluator_reads_roster_csv(tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("employee,day,shift\nA,0,L\nB,1,E\n", encoding="utf-8")
    assert read_roster(path) == [("A", 0, "L"), ("B", 1, "E")]
    assert evaluate(parse(TINY), read_roster(path)).total == 0 + 0 + 100 + 50


def test_engine_objective_agrees_with_the_evaluator_on_a_hand_made_roster() -> None:
    inst = parse(TINY)
    rows = [("A", 0, "L"), ("A", 4, "E"), ("B", 0, "E"), ("B", 1, "E")]
    ix = build_index(to_problem(inst))
    assert objective(ix, from_roster(ix, rows)) == evaluate(inst, rows).total == 55


# ----------------------------------------------------------------------------- the engine


@pytest.mark.parametrize("n", [1, 2, 3])
def test_engine_reaches_the_proven_optimum_lawfully(n: int) -> None:
    inst = instance(n)
    problem = to_problem(inst)
    result = solve_flex(problem, time_limit_s=10, workers=2, seed=1)
    assert result.objective == OPTIMA[n]
    assert evaluate(inst, result.roster.itertuples(index=False)).total == result.objective
    assert flex_violations(problem.contracts, problem.shift_types, result.roster, problem.horizon_days) == []
    assert result.seconds <= 10.5


def test_engine_search_alone_keeps_the_rules_and_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """From a first roster built group by group, the search only keeps lawful rosters."""
    import planner.solve.flex_model as fm
    inst = instance(3)
    problem = to_problem(inst)
    monkeypatch.setattr(fm, "FULL_MODEL_MAX_VARS", 0)   # skip the full model: construction and search only
    result = solve_flex(problem, time_limit_s=4, workers=2, seed=3)
    assert result.best_bound is None and result.status == "FEASIBLE" and result.moves > 0
    assert result.seconds <= 4.5
    assert flex_violations(problem.contracts, problem.shift_types, result.roster, problem.horizon_days) == []
    assert evaluate(inst, result.roster.itertuples(index=False)).total == result.objective
    assert [o for _, o in result.trace] == sorted({o for _, o in result.trace}, reverse=True)
    assert np.isclose(result.objective, result.trace[-1][1])


# ----------------------------------------------------------------------------- stand-ins


def test_synthetic_instance_is_read_back_with_its_shape(tmp_path) -> None:
    from nrp_generate import main as generate
    path = tmp_path / "s.txt"
    assert generate(["--shape", "28x12x6", "--seed", "2", "--out", str(path)]) == 0
    text = path.read_bytes()
    assert b"\r\n" in text and text.startswith(b"# SYNTHETIC")
    inst = read(path)
    assert (inst.horizon, len(inst.staff), len(inst.shifts)) == (28, 12, 6)
    assert len(inst.cover) == 28 * 6 and inst.on_requests and inst.off_requests
    ids = {s.id for s in inst.shifts}
    assert all(set(e.max_shifts) == ids for e in inst.staff)
    assert all(any(e.max_shifts[s] > 0 for e in inst.staff) for s in ids)   # every type has someone
    again = tmp_path / "again.txt"
    generate(["--shape", "28x12x6", "--seed", "2", "--out", str(again)])
    assert again.read_bytes() == text                                     # seeded
