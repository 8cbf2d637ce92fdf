"""Requirements per channel model against published and hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecasts.erlang import erlang_a, erlang_c
from common.errors import InputError
from forecasts.channels import parse_staffing
from forecasts.staffing import COLUMNS, deferred_agents, deferred_service_level, requirements

CONTRACT = ["ts", "channel", "queue", "contacts", "contacts_planned", "aht_s", "agents", "scheduled_agents",
            "service_level"]


def frame(channel: str, contacts, start: str = "2026-03-02 00:00", freq: str = "h", **extra) -> pd.DataFrame:
    ts = pd.date_range(start, periods=len(contacts), freq=freq)
    return pd.DataFrame({"ts": ts, "channel": channel, "queue": "main", "contacts": contacts, **extra})


def settings(shrinkage: float = 0.30, max_occupancy: float = 0.88, **channels) -> object:
    return parse_staffing({"staffing": {"shrinkage": shrinkage, "max_occupancy": max_occupancy},
                           "channels": channels}, "rota.toml")


def test_published_example_14_agents_and_20_positions() -> None:
    """100 calls per 30 min, AHT 180 s, 80 % in 20 s -> 14 agents; 30 % shrinkage -> 20
    positions (pyworkforce and R ErlangC READMEs)."""
    cfg = settings(shrinkage=0.30, max_occupancy=1.0,
                   phone={"model": "erlang_c", "aht_s": 180, "answer_s": 20, "sl_target": 0.8})
    out = requirements(frame("phone", [100.0, 100.0], freq="30min"), cfg, interval_s=1800)
    assert out["agents"].tolist() == [14, 14]
    assert out["scheduled_agents"].tolist() == [20, 20]
    assert out["service_level"].iloc[0] == pytest.approx(0.88835, abs=5e-6)
    assert out["traffic_erl"].iloc[0] == 10.0
    assert out["occupancy"].iloc[0] == pytest.approx(10 / 14)


def test_contract_columns_order_and_types() -> None:
    f = pd.concat([frame("phone", [5.0, 0.0, 12.0]), frame("email", [3.0, 0.0, 4.0]), frame("chat", [1.0, 2.0, 0.0])])
    f = f.sample(frac=1.0, random_state=1).reset_index(drop=True)  # any order in, same order out
    out = requirements(f, parse_staffing({}, "rota.toml"))
    assert list(out.columns) == COLUMNS and CONTRACT == COLUMNS[: len(CONTRACT)]
    assert out[["ts", "channel", "contacts"]].equals(f[["ts", "channel", "contacts"]])
    assert out["agents"].dtype == np.int64 and out["scheduled_agents"].dtype == np.int64
    queued = out[out["channel"] != "email"]
    assert ((queued["contacts"] > 0) == (queued["agents"] > 0)).all()  # zero contacts -> nobody
    assert (out.loc[out["contacts"] > 0, "agents"] >= 1).all()
    assert out["service_level"].between(0, 1).all()


def test_tiny_volume_still_gets_one_agent() -> None:
    out = requirements(frame("phone", [0.01, 0.2]), parse_staffing({}, "rota.toml"))
    assert out["agents"].tolist() == [1, 1]
    assert out["scheduled_agents"].tolist() == [2, 2]  # ceil(1 / 0.7)


def test_time_of_day_targets_and_forecast_aht() -> None:
    cfg = settings(phone={"model": "erlang_c", "aht_s": 300, "answer_s": 20, "sl_target": 0.8,
                          "periods": [{"from": "22:00", "to": "08:00", "answer_s": 60, "sl_target": 0.7}]})
    f = frame("phone", [40.0] * 24, aht_s=[np.nan] * 12 + [600.0] * 12)
    out = requirements(f, cfg)
    hour = out["ts"].dt.hour
    night = (hour >= 22) | (hour < 8)
    assert (out.loc[night, "answer_s"] == 60).all() and (out.loc[night, "sl_target"] == 0.7).all()
    assert (out.loc[~night, "answer_s"] == 20).all() and (out.loc[~night, "sl_target"] == 0.8).all()
    assert out["aht_s"].tolist() == [300.0] * 12 + [600.0] * 12
    # each row meets its own target, and one agent fewer would not (SL or the 88 % cap)
    for row in out.itertuples():
        r = erlang_c(calls=40, interval_s=3600, aht_s=row.aht_s, agents=[row.agents - 1, row.agents],
                     answer_s=row.answer_s)
        assert r.service_level[1] >= row.sl_target and r.occupancy[1] <= 0.88
        assert r.service_level[0] < row.sl_target or r.occupancy[0] > 0.88 or row.agents - 1 <= r.traffic[0]


def test_erlang_a_channel_uses_patience_and_needs_fewer_agents() -> None:
    base = {"aht_s": 180, "answer_s": 20, "sl_target": 0.8}
    f = frame("phone", [200.0, 350.0])
    c = requirements(f, settings(max_occupancy=1.0, phone={"model": "erlang_c", **base}))
    a = requirements(f, settings(max_occupancy=1.0, phone={"model": "erlang_a", "patience_s": 180, **base}))
    assert (a["agents"] <= c["agents"]).all() and (a["agents"] < c["agents"]).any()
    assert (a["p_abandon"] > 0).all() and (c["p_abandon"] == 0).all()
    assert (a["patience_s"] == 180).all() and c["patience_s"].isna().all()
    check = erlang_a(calls=f["contacts"], interval_s=3600, aht_s=180, agents=a["agents"] - 1, answer_s=20,
                     patience_s=180)
    assert (check.service_level < 0.8).all()


def test_chat_hand_computed() -> None:
    """48 chats an hour, session AHT 900 s, concurrency 3 -> effective AHT 300 s, seat traffic
    A = 48 * 300 / 3600 = 4 Erlangs; target 80 % first response in 60 s.
    Erlang B by the recursion B_k = A B_{k-1} / (k + A B_{k-1}):
      B1 = .8, B2 = .615385, B3 = .450704, B4 = .310680, B5 = .199067, B6 = .117163.
    N = 5: C = 5 B5 / (5 - 4 (1 - B5)) = .995335 / 1.796268 = .554113,
           SL = 1 - .554113 e^(-1 * 60/300) = 1 - .554113 * .818731 = .546330 < .8
    N = 6: C = 6 B6 / (6 - 4 (1 - B6)) = .702978 / 2.468652 = .284762,
           SL = 1 - .284762 e^(-2 * 60/300) = 1 - .284762 * .670320 = .809118 >= .8
    -> 6 seats (occupancy 4/6 = .667 under the cap), 30 % shrinkage -> ceil(6 / .7) = 9."""
    cfg = settings(chat={"model": "chat", "aht_s": 900, "concurrency": 3, "answer_s": 60, "sl_target": 0.8})
    out = requirements(frame("chat", [48.0]), cfg)
    row = out.iloc[0]
    assert (row["agents"], row["scheduled_agents"]) == (6, 9)
    assert row["traffic_erl"] == pytest.approx(4.0)
    assert row["service_level"] == pytest.approx(0.809118, abs=2e-6)
    assert row["occupancy"] == pytest.approx(4 / 6)
    assert row["aht_s"] == 900.0  # the session AHT is reported, the seat load in traffic_erl


def test_email_hand_computed_smoothing() -> None:
    """Interval 1 h, max occupancy 0.8 -> one agent does 2,880 s of mail per hour. AHT 360 s,
    response window 4 h. 32 mails at 00:00 and 32 at 02:00 = 11,520 s of work each.
    Each hour runs at the lowest constant rate meeting every pending deadline:
      h0: 11,520 due by end of h3 -> 11,520/4 = 2,880 s/h -> 1 agent; 8,640 left (due h3)
      h1: 8,640/3 = 2,880 -> 1 agent; 5,760 left (due h3)
      h2: +11,520 due h5: max(5,760/2, 17,280/4 = 4,320) -> 2 agents, clears the h3 work
      h3: 11,520/3 = 3,840 -> 2 agents; 5,760 left    h4: 5,760/2 -> 1    h5: 2,880/1 -> 1
    -> [1, 1, 2, 2, 1, 1]: 8 agent-hours for 8 x 2,880 s of work, peak 2 (same-hour staffing
    would need [4, 0, 4, 0, 0, 0]). Every mail within 4 h; 20 % shrinkage -> ceil(n / .8)."""
    cfg = settings(shrinkage=0.2, max_occupancy=0.8, email={"model": "email", "aht_s": 360, "response_h": 4})
    out = requirements(frame("email", [32.0, 0, 32.0, 0, 0, 0]), cfg)
    assert out["agents"].tolist() == [1, 1, 2, 2, 1, 1]
    assert out["scheduled_agents"].tolist() == [2, 2, 3, 3, 2, 2]
    assert out["service_level"].tolist() == [1.0] * 6
    assert out["occupancy"].tolist() == pytest.approx([0.8] * 6)
    assert (out["answer_s"] == 4 * 3600).all()


def test_email_service_level_of_a_short_staffing_by_hand() -> None:
    """Same arrivals, one agent every hour (2,880 s each), earliest deadline first:
    h0..h3 serve the 00:00 mails (11,520 s, all by their h3 deadline); h4, h5 serve 5,760 s
    of the 02:00 mails before their h5 deadline -> half of them on time."""
    work = np.array([11520.0, 0, 11520.0, 0, 0, 0])
    level, done = deferred_service_level(work, np.full(6, 4), np.ones(6, dtype=int), 2880.0)
    assert level.tolist() == [1.0, 1.0, 0.5, 1.0, 1.0, 1.0]
    assert done.tolist() == [2880.0] * 6


def test_email_night_window_from_periods() -> None:
    """An agent does 3,600 x .88 = 3,168 s of mail an hour. Night mails (20:00-08:00) may wait
    12 h: 24 mails x 600 s = 14,400 s at 20:00 need 14,400 / 12 = 1,200 s an hour -> 1 agent,
    who works at full capacity: 14,400 -> 11,232 -> 8,064 -> 4,896 -> 1,728 -> 0, so five
    hours of one agent. With the day window of 2 h: 14,400 / 2 / 3,168 -> ceil(2.27) = 3
    agents, leaving 14,400 - 9,504 = 4,896 s for the next hour -> ceil(1.55) = 2."""
    cfg = settings(email={"model": "email", "aht_s": 600, "response_h": 2,
                          "periods": [{"from": "20:00", "to": "08:00", "response_h": 12}]})
    night = requirements(frame("email", [24.0] + [0.0] * 11, start="2026-03-02 20:00"), cfg)
    assert night["agents"].tolist() == [1] * 5 + [0] * 7
    day = requirements(frame("email", [24.0, 0.0], start="2026-03-02 10:00"), cfg)
    assert day["agents"].tolist() == [3, 2]


def test_deferred_agents_meets_every_deadline_on_random_loads() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        work = rng.gamma(0.7, 4000.0, 200) * (rng.random(200) < 0.6)
        window = rng.integers(1, 9, 200)
        agents = deferred_agents(work, window, 3000.0)
        level, done = deferred_service_level(work, window, agents, 3000.0)
        assert level.min() == pytest.approx(1.0)
        assert done.sum() <= work.sum() + 1e-6
        # never more agents than handling each interval's own work at once would take
        assert agents.max() <= math.ceil(work.max() / 3000.0)


def test_shrinkage_override_per_channel() -> None:
    cfg = settings(shrinkage=0.30, phone={"model": "erlang_c", "aht_s": 180, "shrinkage": 0.5})
    out = requirements(frame("phone", [200.0]), cfg)
    assert out["scheduled_agents"].iloc[0] == 2 * out["agents"].iloc[0]


@pytest.mark.parametrize(
    "change, row, column",
    [
        (lambda f: f.assign(contacts=[1.0, -2.0, 3.0]), 3, "contacts"),
        (lambda f: f.assign(contacts=[1.0, 2.0, np.nan]), 4, "contacts"),
        (lambda f: f.assign(aht_s=[300.0, 0.0, 300.0]), 3, "aht_s"),
        (lambda f: f.drop(columns="contacts"), None, "contacts"),
        (lambda f: f.assign(ts=["2026-03-02 00:00", "yesterday", "2026-03-02 02:00"]), 3, "ts"),
    ],
)
def test_bad_forecast_rows_are_named(change, row, column) -> None:
    with pytest.raises(InputError) as err:
        requirements(change(frame("phone", [1.0, 2.0, 3.0])), parse_staffing({}, "rota.toml"), source="forecast.csv")
    assert (err.value.row, err.value.column) == (row, column)
    assert err.value.file == "forecast.csv"


def test_unknown_channel_and_missing_aht_are_named() -> None:
    with pytest.raises(InputError) as err:
        requirements(frame("whatsapp", [1.0]), parse_staffing({}, "rota.toml"))
    assert err.value.column == "channels.whatsapp"
    cfg = settings(phone={"model": "erlang_c"})  # no aht_s in config nor in the forecast
    with pytest.raises(InputError) as err:
        requirements(frame("phone", [1.0]), cfg)
    assert err.value.column == "channels.phone.aht_s"


def test_productive_agents_split_by_need_after_the_hours_own_shrinkage() -> None:
    from forecasts.staffing import largest_remainder, productive_agents

    hours = pd.date_range("2026-11-23", periods=2, freq="h")
    req = pd.DataFrame({
        "ts": [hours[0], hours[0], hours[1], hours[1]],
        "agents": [3.0, 1.0, 0.0, 0.0],                 # the first hour needs 4 productive ...
        "scheduled_agents": [5.0, 2.0, 0.0, 0.0],       # ... of 7 scheduled; the second nobody
    })
    # hour 0: 10 on site x 4/7 = 5.7 -> 5 productive, split 3.75 : 1.25 -> 4 and 1
    # hour 1: 10 on site x (1 - 0.3) = 7, split evenly 3.5 : 3.5 -> the first row gets the odd one
    got = productive_agents(req, hours, np.array([10, 10]), shrinkage=0.3)
    assert got.tolist() == [4, 1, 4, 3] and got.dtype == np.int64
    assert largest_remainder(5, np.array([3.0, 1.0])).tolist() == [4, 1]
    assert largest_remainder(0, np.array([3.0, 1.0])).tolist() == [0, 0]
