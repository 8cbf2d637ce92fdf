"""Skill routing (planner.analysis.routing): eligibility, specialists before generalists on hand-built
contacts with known times, chat sessions, e-mail as deferred work, who is off the phones, and
queueing law on a steady single series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecasts.erlang import erlang_c
from planner.analysis.queue_sim import Contacts, QueueSpec, draw_contacts, simulate
from planner.analysis.routing import Team, chat_sessions, route, simulate_routed

INF = math.inf


def spec(channel: str, queue: str, hours: int = 1, calls: float = 0.0, aht: float = 300.0, answer: float = 20.0,
         patience: float | None = None, deferred: bool = False, concurrent: bool = False) -> QueueSpec:
    return QueueSpec(channel, queue, np.full(hours, calls), np.full(hours, aht), np.full(hours, answer),
                     np.zeros(hours, dtype=np.int64), patience_s=patience, deferred=deferred,
                     concurrency=2.5 if concurrent else 1.0, concurrent=concurrent)


def team(serves: list[list[bool]], hours: int = 1, sessions: list[int] | None = None,
         productive: int | None = None) -> Team:
    s = np.array(serves, dtype=bool)
    return Team(serves=s, on_duty=np.ones((len(s), hours), dtype=bool),
                productive=np.full(hours, len(s) if productive is None else productive),
                sessions=np.array(sessions or [1] * len(s), dtype=np.int64))


def contacts(arrival: list[float], service: list[float], patience: list[float] | None = None) -> Contacts:
    a = np.array(arrival, dtype=float)
    return Contacts(arrival=a, hour=(a // 3600).astype(np.int64), service=np.array(service, dtype=float),
                    patience=np.array(patience if patience is not None else [INF] * len(a), dtype=float))


def run(specs: list[QueueSpec], drawn: list[Contacts], t: Team):
    return route(specs, drawn, t, t.on_duty.copy())


# --------------------------------------------------------------------------- the policy, by hand


def test_specialists_before_generalists_then_longest_idle_and_the_oldest_contact_first() -> None:
    # agents: 0 = generalist (a and b), 1 and 2 = specialists of a; all on from 0 s
    specs = [spec("phone", "a"), spec("phone", "b")]
    t = team([[True, True], [True, False], [True, False]])
    a = contacts([10, 20, 30, 50, 190, 700], [100, 500, 50, 100, 10, 10])
    b = contacts([40], [100])
    got = run(specs, [a, b], t)
    # a@10 -> specialist 1 (before the generalist, though all idle since 0); a@20 -> specialist 2;
    # a@30 -> only the generalist is free; b@40 and a@50 wait; at 80 the generalist takes the
    # older b@40; at 110 specialist 1 takes a@50; a@190 -> the generalist (both specialists busy);
    # a@700 -> specialist 1, idle since 210, before specialist 2, idle since 520
    assert got.agent[0].tolist() == [1, 2, 0, 1, 0, 1]
    assert got.start[0].tolist() == [10, 20, 30, 110, 190, 700]
    assert got.agent[1].tolist() == [0]
    assert got.start[1].tolist() == [80]


def test_a_series_nobody_may_serve_is_never_answered_and_counts_as_a_miss() -> None:
    specs = [spec("phone", "buyers", hours=4, calls=30), spec("phone", "nobody", hours=4, calls=10)]
    t = team([[True, False]] * 6, hours=4)
    tally = simulate_routed(specs, t, replications=3, seed=4)
    nobody = tally[("phone", "nobody")]
    assert nobody.arrivals.sum() > 0
    assert nobody.on_time.sum() == 0 and nobody.busy_s.sum() == 0
    served = tally[("phone", "buyers")]
    assert served.on_time.sum() > 0.9 * served.arrivals.sum()


def test_an_english_queue_is_served_only_by_english_speaking_agents() -> None:
    specs = [spec("chat", "sellers", hours=6, calls=40, aht=600, answer=60, concurrent=True),
             spec("chat", "sellers_en", hours=6, calls=6, aht=600, answer=60, concurrent=True),
             spec("phone", "sellers", hours=6, calls=30, aht=300)]
    en = [True, True, False]
    serves = [en, en, [True, False, True], [True, False, True], [False, False, True], [True, False, False]]
    t = team(serves, hours=6, sessions=chat_sessions(6, 2.5).tolist(), productive=5)
    for seed in range(5):
        working = t.draw_working(np.random.default_rng([seed, 1]))
        rng = np.random.default_rng(seed)
        drawn = [draw_contacts(s, rng) for s in specs]
        got = route(specs, drawn, t, working)
        for j in range(len(specs)):
            who = got.agent[j][got.agent[j] >= 0]
            assert t.serves[who, j].all()  # nobody served a series it may not
            hours = (got.start[j][got.agent[j] >= 0] // 3600).astype(int)
            assert working[who, hours].all()  # and nobody started work off the phones
        assert set(got.agent[1][got.agent[1] >= 0].tolist()) <= {0, 1}


# --------------------------------------------------------------------------- chat and e-mail


def test_chat_sessions_are_whole_and_average_the_concurrency() -> None:
    assert chat_sessions(4, 2.5).tolist() == [2, 3, 2, 3]
    assert chat_sessions(3, 2.0).tolist() == [2, 2, 2]
    assert chat_sessions(2, 0.5).tolist() == [1, 1]  # at least one session each


def test_an_agent_holds_its_chat_sessions_at_once_and_takes_no_call_while_chatting() -> None:
    # one agent, 3 sessions, serving chat and phone
    specs = [spec("chat", "main", concurrent=True), spec("phone", "main")]
    t = team([[True, True]], sessions=[3])
    chat = contacts([0, 10, 20, 30], [1000, 1000, 1000, 100])
    phone = contacts([15], [60])
    got = run(specs, [chat, phone], t)
    # three sessions at once; the fourth waits for the first to end (1000 s)
    assert got.start[0].tolist() == [0, 10, 20, 1000]
    assert got.work[0].tolist() == pytest.approx([1 / 3] * 4)
    # the call waits until the agent holds no chat: sessions end at 1010, 1020 and 1100
    assert got.start[1].tolist() == [1100]


def test_chats_go_to_an_agent_already_chatting_before_an_idle_one() -> None:
    specs = [spec("chat", "main", concurrent=True)]
    t = team([[True], [True]], sessions=[2, 2])
    got = run(specs, [contacts([0, 5, 10], [500, 500, 500])], t)
    assert got.agent[0].tolist() == [0, 0, 1]  # agent 0 fills its two sessions; agent 1 stays free


def test_email_is_worked_only_when_no_live_contact_waits() -> None:
    specs = [spec("phone", "main"), spec("email", "main", answer=3600, deferred=True)]
    t = team([[True, True]])
    phone = contacts([0, 60], [100, 100])
    mail = contacts([50, 3000], [200, 200])
    got = run(specs, [phone, mail], t)
    # free at 100: the call of 60 s goes first though the e-mail is older; the e-mail at 200
    assert got.start[0].tolist() == [0, 100]
    assert got.start[1].tolist() == [200, 3000]  # an idle agent takes e-mail at once


def test_a_caller_hangs_up_after_the_patience_and_the_agent_takes_the_next() -> None:
    specs = [spec("phone", "main", patience=30)]
    t = team([[True]])
    got = run(specs, [contacts([0, 10, 20], [100, 50, 50], patience=[30, 30, 200])], t)
    assert got.start[0].tolist() == [0, INF, 100]  # the second hung up at 40 s


def test_an_agent_going_off_finishes_the_contact_in_hand_and_starts_nothing_more() -> None:
    specs = [spec("phone", "main", hours=3)]
    t = Team(serves=np.ones((1, 1), bool), on_duty=np.array([[True, False, True]]),
             productive=np.array([1, 1, 1]), sessions=np.ones(1, dtype=np.int64))
    got = run(specs, [contacts([3500, 3550, 4000], [400, 10, 10])], t)
    # in hand at 3600: finished at 3900; the others wait for hour 2 (7200 s)
    assert got.start[0].tolist() == [3500, 7200, 7210]


# --------------------------------------------------------------------------- who works, and the law


def test_the_productive_agents_of_an_hour_are_a_seeded_draw_of_those_on_duty() -> None:
    on = np.array([[1, 1, 0], [1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=bool)
    t = Team(serves=np.ones((5, 1), bool), on_duty=on, productive=np.array([3, 9, 2]),
             sessions=np.ones(5, dtype=np.int64))
    draws = [t.draw_working(np.random.default_rng([0, r, 1])) for r in range(20)]
    for w in draws:
        assert not (w & ~on).any()
        assert w.sum(axis=0).tolist() == [3, 4, 2]  # never more than are on duty
    np.testing.assert_array_equal(draws[0], t.draw_working(np.random.default_rng([0, 0, 1])))
    assert any(not np.array_equal(draws[0], w) for w in draws[1:])


def test_steady_single_series_agrees_with_erlang_c_and_with_the_pooled_engine() -> None:
    hours = 150
    one = QueueSpec("phone", "main", np.full(hours, 100.0), np.full(hours, 180.0), np.full(hours, 20.0),
                    np.full(hours, 7, dtype=np.int64))
    t = team([[True]] * 7, hours=hours)
    law = erlang_c(calls=100, interval_s=3600, aht_s=180, agents=7, answer_s=20)
    routed = simulate_routed([one], t, replications=8, seed=11)[("phone", "main")]
    row = routed.grouped(np.zeros(hours, dtype=np.int64), 1).figures().iloc[0]
    assert row["service_level_low"] <= law.service_level <= row["service_level_high"]
    assert row["asa_s_low"] <= law.asa_s <= row["asa_s_high"]
    # one series, everyone on: the same contacts served FCFS by identical agents as the pooled engine
    pooled = simulate([one], replications=8, seed=11)
    np.testing.assert_array_equal(routed.on_time, pooled.on_time)
    np.testing.assert_allclose(routed.wait_s, pooled.wait_s)
