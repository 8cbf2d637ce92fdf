"""The simulation against queueing law (Erlang C, exact Erlang A), hand-built shift edges and
e-mail windows, and the `rota simulate` command on a small hand-made results folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from forecasts.erlang import erlang_a, erlang_c
from common.errors import InputError
from planner.analysis.queue_sim import QueueSpec, formula_service_level, simulate, simulate_queue
from planner.analysis.simulate import load_plan, on_duty_from_rota, simulate_plan

HOURS = 150


def steady(calls: float, aht: float, agents: int, answer: float = 20.0, patience: float | None = None,
           hours: int = HOURS) -> QueueSpec:
    return QueueSpec("phone", "main", np.full(hours, calls), np.full(hours, aht), np.full(hours, answer),
                     np.full(hours, agents, dtype=np.int64), patience_s=patience)


def horizon(spec: QueueSpec, reps: int = 8, seed: int = 11, **kw) -> pd.Series:
    tally = simulate([spec], replications=reps, seed=seed, **kw)
    return tally.grouped(np.zeros(spec.contacts.size, dtype=np.int64), 1).figures().iloc[0]


def inside(value: float, row: pd.Series, name: str) -> bool:
    return row[f"{name}_low"] <= value <= row[f"{name}_high"]


# --------------------------------------------------------------------------- queueing law


def test_steady_mmn_agrees_with_erlang_c() -> None:
    # 100 calls/h, AHT 180 s: 5 Erlangs on 7 agents; Erlang C SL(20 s) 0.7404, ASA 29.17 s
    law = erlang_c(calls=100, interval_s=3600, aht_s=180, agents=7, answer_s=20)
    sim = horizon(steady(100, 180, 7))
    assert inside(law.service_level, sim, "service_level")
    assert inside(law.asa_s, sim, "asa_s")
    assert inside(law.occupancy, sim, "occupancy")
    assert sim["abandonment"] == 0.0


def test_steady_mmn_with_patience_agrees_with_exact_erlang_a() -> None:
    # 5 Erlangs on 5 agents would never settle without abandonment; mean patience 120 s
    law = erlang_a(calls=100, interval_s=3600, aht_s=180, agents=5, answer_s=20, patience_s=120)
    sim = horizon(steady(100, 180, 5, patience=120))
    assert inside(law.service_level, sim, "service_level")
    assert inside(law.asa_s, sim, "asa_s")
    assert inside(law.p_abandon, sim, "abandonment")
    assert inside(law.occupancy, sim, "occupancy")


def test_lognormal_with_cv_one_is_close_to_exponential() -> None:
    spec = steady(100, 180, 7)
    expo = horizon(spec)
    logn = horizon(spec, aht_dist="lognormal", cv=1.0)
    assert abs(logn["service_level"] - expo["service_level"]) < 0.03
    assert abs(logn["occupancy"] - 5 / 7) < 0.01  # the mean handle time is kept
    # steadier handle times shorten the queue (Pollaczek-Khinchine: the wait grows with 1 + CV^2)
    steadier = horizon(spec, aht_dist="lognormal", cv=0.3)
    assert steadier["asa_s"] < 0.8 * expo["asa_s"]


# --------------------------------------------------------------------------- shift edges, e-mail


def test_nobody_starts_off_duty_and_a_waiting_caller_is_taken_when_the_next_shift_starts() -> None:
    # one agent on duty in hour 0, nobody in hour 1, one agent again in hour 2; no hang-ups
    spec = QueueSpec("phone", "main", np.array([3.0, 2.0, 0.0]), np.full(3, 2400.0), np.full(3, 20.0),
                     np.array([1, 0, 1]))
    taken_at_shift_start = 0
    for seed in range(40):
        run = simulate_queue(spec, np.random.default_rng(seed))
        start = (run.arrival + run.wait)[run.answered]
        assert not ((start >= 3600) & (start < 7200)).any()
        assert run.slot_s.tolist() == [3600.0, 0.0, 3600.0]
        taken_at_shift_start += int((start == 7200.0).sum())
    assert taken_at_shift_start > 0


def test_busy_time_after_the_shift_end_is_the_remainder_of_the_call() -> None:
    # a single caller: arrival a in hour 0, handle time s; worked [a, a + s) though duty ends at 3600
    spec = QueueSpec("phone", "main", np.array([1.0, 0.0]), np.array([3000.0, 3000.0]), np.full(2, 20.0),
                     np.array([1, 0]))
    for seed in range(30):
        run = simulate_queue(spec, np.random.default_rng(seed))
        if run.arrival.size != 1:
            continue
        assert run.answered[0] and run.wait[0] == 0.0
        worked = run.busy_s.sum()
        assert run.busy_s[0] == pytest.approx(min(worked, 3600.0 - run.arrival[0]))
        assert run.busy_s[1] == pytest.approx(max(0.0, run.arrival[0] + worked - 3600.0))


def test_email_without_staff_is_on_time_only_when_its_window_outlasts_the_horizon() -> None:
    spec = QueueSpec("email", "main", np.full(4, 30.0), np.full(4, 400.0), np.full(4, 7200.0),
                     np.zeros(4, dtype=np.int64), deferred=True)
    run = simulate_queue(spec, np.random.default_rng(3))
    assert not run.answered.any()
    np.testing.assert_array_equal(run.on_time, run.arrival + 7200.0 > 4 * 3600.0)


def test_email_with_ample_staff_is_all_on_time() -> None:
    spec = QueueSpec("email", "main", np.full(6, 20.0), np.full(6, 400.0), np.full(6, 3600.0),
                     np.full(6, 8, dtype=np.int64), deferred=True)
    tally = simulate([spec], replications=3, seed=1)
    assert tally.on_time.sum() == tally.arrivals.sum()
    assert tally.wait_s.sum() == 0.0 and tally.queued.sum() == 0.0  # e-mail has no ASA


def test_a_seed_reproduces_a_run_and_another_seed_does_not() -> None:
    spec = steady(60, 200, 5, hours=10)
    a = simulate([spec], replications=3, seed=5).figures()
    b = simulate([spec], replications=3, seed=5).figures()
    c = simulate([spec], replications=3, seed=6).figures()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_bad_settings_are_one_clear_error() -> None:
    spec = steady(60, 200, 5, hours=2)
    with pytest.raises(InputError, match="exponential or lognormal"):
        simulate([spec], aht_dist="gamma")
    with pytest.raises(InputError, match="cv"):
        simulate([spec], aht_dist="lognormal", cv=0.0)
    with pytest.raises(InputError, match="2 replications"):
        simulate([spec], replications=1)


# --------------------------------------------------------------------------- a results folder


def plan_folder(root: Path) -> Path:
    """24 hours: phone (Erlang A), chat (concurrency 2.5) and e-mail; 6 agents by day, 2 at night."""
    folder = root / "week"
    folder.mkdir()
    hours = pd.date_range("2026-11-23 00:00", periods=24, freq="h")
    day = (hours.hour >= 8) & (hours.hour < 20)
    rows = []
    for ts, is_day in zip(hours, day):
        stamp = ts.strftime("%Y-%m-%d %H:%M")
        rows.append([stamp, "phone", "main", 40.0 if is_day else 8.0, 180.0, 3 if is_day else 1,
                     4 if is_day else 2, 0.8, 2.0, 0.6, 10.0, 0.01, 240.0, 20.0, 0.8, "erlang_a"])
        # chat: traffic_erl = contacts * aht / concurrency / 3600, concurrency 2.5
        rows.append([stamp, "chat", "main", 20.0, 900.0, 1, 2, 0.8, 20 * 900 / 2.5 / 3600, 0.6, 30.0, 0.0,
                     None, 60.0, 0.8, "chat"])
        rows.append([stamp, "email", "main", 5.0, 420.0, 1, 1, 1.0, 5 * 420 / 3600, 0.5, None, None, None,
                     14400.0, 1.0, "email"])
    cols = ["ts", "channel", "queue", "contacts", "aht_s", "agents", "scheduled_agents", "service_level",
            "traffic_erl", "occupancy", "asa_s", "p_abandon", "patience_s", "answer_s", "sl_target", "model"]
    pd.DataFrame(rows, columns=cols).to_csv(folder / "requirements.csv", index=False)
    shifts = [(f"D{i}", "2026-11-23T08:00", "2026-11-23T20:00") for i in range(6)]
    shifts += [(f"N{i}", "2026-11-22T20:00", "2026-11-23T08:00") for i in range(2)]
    shifts += [(f"M{i}", "2026-11-23T20:00", "2026-11-24T08:00") for i in range(2)]
    pd.DataFrame(shifts, columns=["agent_id", "start", "end"]).assign(
        date="2026-11-23", paid_hours=11.0, night_hours=0.0, holiday_hours=0.0, pattern="2/2", shift="day",
    ).to_csv(folder / "rota.csv", index=False)
    pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "required": np.where(day, 7, 5),
                  "scheduled": np.where(day, 6, 2), "service_level": np.where(day, 0.85, 0.6),
                  "contacts": np.where(day, 65.0, 33.0)}).to_csv(folder / "coverage.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"status": "OPTIMAL", "service_level": 0.8}), encoding="utf-8")
    return folder


def test_on_duty_counts_whole_hours_of_each_shift() -> None:
    hours = pd.date_range("2026-11-23 06:00", periods=4, freq="h")
    rota = pd.DataFrame({"start": pd.to_datetime(["2026-11-23 07:00", "2026-11-22 20:00"]),
                         "end": pd.to_datetime(["2026-11-23 19:00", "2026-11-23 08:00"])})
    assert on_duty_from_rota(rota, hours).tolist() == [1, 2, 1, 1]


def test_plan_staff_are_pooled_after_shrinkage_and_chat_seats_hold_sessions(tmp_path: Path) -> None:
    plan = load_plan(plan_folder(tmp_path))
    assert plan.on_duty[[0, 8, 20]].tolist() == [2, 6, 2]
    servers = {s.channel: s.servers for s in plan.specs}
    # day: 6 on duty x (3+1+1)/(4+2+1) = floor(4.29) = 4 productive, split 3:1:1 = 2.4, 0.8, 0.8
    # -> largest remainders 2, 1, 1; one chat seat x concurrency 2.5 -> 2 session slots
    assert plan.productive[8] == 4
    assert (servers["phone"][8], servers["chat"][8], servers["email"][8]) == (2, 2, 1)
    # night: 2 x (1+1+1)/(2+2+1) = floor(1.2) = 1 productive agent, to the first queue of the hour
    assert plan.productive[0] == 1
    assert (servers["phone"][0], servers["chat"][0], servers["email"][0]) == (1, 0, 0)
    assert {s.channel: s.patience_s for s in plan.specs} == {"phone": 240.0, "chat": None, "email": None}
    by = {s.channel: s for s in plan.specs}
    assert by["chat"].concurrency == pytest.approx(2.5)
    # the formula beside the simulation: Erlang A for the phone's 2 agents, Erlang C on AHT / 2.5 for one chat seat
    phone = erlang_a(calls=40, interval_s=3600, aht_s=180, agents=2, answer_s=20, patience_s=240)
    chat = erlang_c(calls=20, interval_s=3600, aht_s=900 / 2.5, agents=1, answer_s=60)
    assert formula_service_level(by["phone"])[8] == pytest.approx(phone.service_level)
    assert formula_service_level(by["chat"])[8] == pytest.approx(chat.service_level)
    assert formula_service_level(by["chat"])[0] == 0.0  # no seat at night: nobody answered
    assert np.isnan(formula_service_level(by["email"])).all()


def test_simulate_command_writes_csv_chart_and_summary(tmp_path: Path) -> None:
    folder = plan_folder(tmp_path)
    result = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "4", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "horizon" in result.output
    table = pd.read_csv(folder / "simulation.csv")
    assert (table["level"] == "hour").sum() == 24
    assert set(table["level"]) == {"hour", "day", "channel", "series", "horizon"}
    channels = table[table["level"] == "channel"].set_index("channel")
    assert set(channels.index) == {"phone", "chat", "email"}
    assert channels["predicted_service_level"].notna().tolist() == [True, True, False]  # as the folder lists them
    hours = table[table["level"] == "hour"]
    assert hours["predicted_service_level"].tolist()[8] == 0.85
    assert ((hours["service_level_low"] <= hours["service_level"] + 1e-9)
            & (hours["service_level"] <= hours["service_level_high"] + 1e-9)).all()
    assert (folder / "simulation.png").read_bytes()[:4] == b"\x89PNG"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL"  # what was there is kept
    sim = summary["simulation"]
    assert sim["replications"] == 4 and sim["seed"] == 2
    assert sim["service_level"]["ci95"]["low"] <= sim["service_level"]["mean"] <= sim["service_level"]["ci95"]["high"]
    assert set(sim) >= {"service_level", "asa_s", "abandonment", "occupancy"}
    again = simulate_plan(folder, replications=4, seed=2)
    assert again.summary()["service_level"] == sim["service_level"]


@pytest.mark.parametrize("broken", ["no folder", "no rota.csv", "bad contacts"])
def test_simulate_command_bad_input_is_one_line_and_exit_2(tmp_path: Path, broken: str) -> None:
    folder = plan_folder(tmp_path)
    if broken == "no folder":
        folder = tmp_path / "nowhere"
    elif broken == "no rota.csv":
        (folder / "rota.csv").unlink()
    else:
        req = pd.read_csv(folder / "requirements.csv")
        req.loc[4, "contacts"] = -1
        req.to_csv(folder / "requirements.csv", index=False)
    result = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "2"])
    assert result.exit_code == 2
    assert "error" in result.output and len(result.output.strip().splitlines()) == 1
    if broken == "bad contacts":
        assert "row 6" in result.output and "contacts" in result.output
    assert not (folder / "simulation.csv").exists()


def test_simulate_help_shows_an_example() -> None:
    result = CliRunner().invoke(cli.app, ["simulate", "--help"])
    assert result.exit_code == 0
    assert "Example: rota simulate" in result.output


@pytest.mark.parametrize("shrinkage, productive", [(0.5, 3), (0.2, 4), (None, 4)])
def test_an_hour_nobody_was_required_loses_the_plans_own_shrinkage(tmp_path: Path, shrinkage, productive) -> None:
    """Where the requirement asked for nobody, the agents on site are taken off the phones at the
    shrinkage the plan was made with (summary.json), as the planner's own service figure does;
    without it, rota.toml's default of 0.30."""
    folder = plan_folder(tmp_path)
    req = pd.read_csv(folder / "requirements.csv")
    req.loc[req["ts"] == "2026-11-23 08:00", ["agents", "scheduled_agents"]] = 0
    req.to_csv(folder / "requirements.csv", index=False)
    summary = {"status": "OPTIMAL"} | ({} if shrinkage is None else {"shrinkage": shrinkage})
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    plan = load_plan(folder)
    assert plan.on_duty[8] == 6
    assert plan.productive[8] == productive      # floor(6 x (1 - s)): 3 at 0.5, 4 at 0.2 and at 0.30


def two_days(root: Path) -> Path:
    """The 24-hour folder made two days long, the second day like the first."""
    folder = plan_folder(root)
    req = pd.read_csv(folder / "requirements.csv")
    nxt = req.assign(ts=(pd.to_datetime(req["ts"]) + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d %H:%M"))
    pd.concat([req, nxt]).to_csv(folder / "requirements.csv", index=False)
    cover = pd.read_csv(folder / "coverage.csv")
    nxt = cover.assign(ts=(pd.to_datetime(cover["ts"]) + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d %H:%M"))
    pd.concat([cover, nxt]).to_csv(folder / "coverage.csv", index=False)
    rota = pd.read_csv(folder / "rota.csv")
    day2 = rota[rota["agent_id"].str.startswith("D")].assign(start="2026-11-24T08:00", end="2026-11-24T20:00")
    night2 = rota[rota["agent_id"].str.startswith("M")].assign(start="2026-11-24T20:00", end="2026-11-25T08:00",
                                                               agent_id=lambda f: f["agent_id"] + "b")
    pd.concat([rota, day2, night2]).to_csv(folder / "rota.csv", index=False)
    return folder


def test_each_channel_is_judged_against_its_own_target_per_day_and_part_of_day(tmp_path: Path) -> None:
    sim = simulate_plan(two_days(tmp_path), replications=4, seed=3)
    checks = sim.checks
    whole = checks[checks["part"] == ""].set_index(["day", "channel"])
    assert set(whole.index.get_level_values("channel")) == {"phone", "chat", "email"}
    assert whole.loc[(pd.Timestamp("2026-11-23"), "email"), "target"] == 1.0
    assert whole.loc[(pd.Timestamp("2026-11-23"), "chat"), "target"] == pytest.approx(0.8)
    parts = checks[checks["part"] != ""]
    assert set(parts["part"]) == {"night", "morning", "afternoon", "evening"}
    phone = parts[(parts["channel"] == "phone") & (parts["day"] == pd.Timestamp("2026-11-23"))]
    assert phone["contacts"].sum() == pytest.approx(whole.loc[(pd.Timestamp("2026-11-23"), "phone"), "contacts"])
    assert (checks["met"] == (checks["high"] >= checks["target"] - 1e-9)).all()
    assert (checks["high"] >= checks["service_level"] - 1e-9).all()
    met = whole.groupby(level="day")["met"].all()
    assert sim.days_meeting_target() == (int(met.sum()), 2)
    assert sim.summary()["days_with_target"] == 2


def test_simulate_leads_with_the_verdict_and_fits_80_columns(tmp_path: Path) -> None:
    folder = two_days(tmp_path)
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "4"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    sim = simulate_plan(folder, replications=4)
    met, days = sim.days_meeting_target()
    assert lines[0].startswith(f"The rota meets the service target on {met} of {days} days")
    text = " ".join(result.output.split())
    if met < days:
        short = sim.checks[(sim.checks["part"] == "") & ~sim.checks["met"]].iloc[0]
        assert f"{pd.Timestamp(short['day']):%a %d.%m} is short: {short['channel']}" in text
    assert "Trust the simulated figure" in text and "pp" in text
    assert all(len(line) <= 80 for line in lines) and "…" not in result.output
    for word in ("target", "simulated", "Erlang", "wait", "hung up", "busy"):
        assert word in result.output


def test_simulation_chart_shows_the_target(tmp_path: Path) -> None:
    from planner.analysis.simulate import simulation_figure

    sim = simulate_plan(two_days(tmp_path), replications=2)
    lines = {line.get_label(): line for line in simulation_figure(sim).axes[0].get_lines()}
    assert "target" in lines
    hours = sim.table[sim.table["level"] == "hour"]
    assert np.nanmax(np.abs(np.asarray(lines["target"].get_ydata(), float) - hours["target"].to_numpy())) < 1e-9


def test_a_folder_without_serves_simulates_exactly_as_the_pooled_engine_did(tmp_path: Path) -> None:
    """Regression: tests/simulate_pooled_seed2.csv is the output of the pooled engine (before skill
    routing) on plan_folder with 4 replications and seed 2; a rota.csv without `serves` must
    still give every one of its numbers."""
    before = pd.read_csv(Path(__file__).with_name("simulate_pooled_seed2.csv"))
    now = simulate_plan(plan_folder(tmp_path), replications=4, seed=2).table
    now = now[now["level"].isin(set(before["level"]))].reset_index(drop=True)
    assert now["level"].tolist() == before["level"].tolist()
    assert pd.to_datetime(now["ts"]).tolist() == pd.to_datetime(before["ts"]).tolist()
    assert now["channel"].fillna("").tolist() == before["channel"].fillna("").tolist()
    numbers = [c for c in before.columns if c not in ("level", "ts", "channel")]
    np.testing.assert_allclose(now[numbers].to_numpy(float), before[numbers].to_numpy(float), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- skill routing


def skills_folder(root: Path, with_coverage: bool = True) -> Path:
    """plan_folder with an English chat queue (chat/en) that only D0 and D1 (day shift) may serve,
    `serves` in rota.csv and the plan's level per series in coverage_by_queue.csv."""
    folder = plan_folder(root)
    req = pd.read_csv(folder / "requirements.csv")
    en = req[req["channel"] == "chat"].assign(queue="en", contacts=3.0, agents=1, scheduled_agents=1,
                                              traffic_erl=3 * 900 / 2.5 / 3600)
    req = pd.concat([req, en], ignore_index=True)
    req.to_csv(folder / "requirements.csv", index=False)
    rota = pd.read_csv(folder / "rota.csv")
    serves = {"D0": "phone/main;chat/main;chat/en", "D1": "chat/en", "D2": "phone/main",
              "D3": "phone/main;email/main", "D4": "chat/main"}
    rota["serves"] = rota["agent_id"].map(serves).fillna("phone/main;chat/main;email/main")
    rota.to_csv(folder / "rota.csv", index=False)
    if with_coverage:
        cover = req[["ts", "channel", "queue", "contacts"]].assign(
            required=req["agents"], scheduled=req["scheduled_agents"],
            service_level=np.where(req["model"] == "email", np.nan,
                                   np.where(req["channel"] == "phone", 0.8, 0.7)))
        cover.loc[cover["queue"] == "en", "service_level"] = 0.5
        cover.to_csv(folder / "coverage_by_queue.csv", index=False)
    return folder


def test_a_rota_with_serves_is_routed_by_skill_and_reported_per_series(tmp_path: Path) -> None:
    folder = skills_folder(tmp_path)
    plan = load_plan(folder)
    assert plan.team is not None
    names = [f"{s.channel}/{s.queue}" for s in plan.specs]
    en = names.index("chat/en")
    assert plan.team.serves[:, en].tolist() == [True, True] + [False] * 8  # D0, D1 only
    assert plan.team.on_duty.sum(axis=1).tolist() == [12] * 6 + [8] * 2 + [4] * 2
    result = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "4", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "routed by skill" in result.output and "en " in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    table = pd.read_csv(folder / "simulation.csv", keep_default_na=False, na_values=[""])
    series = table[table["level"] == "series"].set_index(["channel", "queue"])
    assert set(series.index) == {("phone", "main"), ("chat", "main"), ("chat", "en"), ("email", "main")}
    assert series.loc[("phone", "main"), "predicted_service_level"] == pytest.approx(0.8)
    assert series.loc[("chat", "en"), "predicted_service_level"] == pytest.approx(0.5)
    assert np.isnan(series.loc[("email", "main"), "predicted_service_level"])
    # English chats of the night (half of them) wait for D0 or D1 at 08:00, or for nobody after 20:00
    assert series.loc[("chat", "en"), "service_level"] < 0.5
    assert series["occupancy"].isna().all()  # agents are shared: no series has time of its own
    hours = table[table["level"] == "hour"]
    assert (hours["occupancy"] > 0).any()
    channels = table[table["level"] == "channel"].set_index("channel")
    # the channel's prediction: its series' contact-weighted (chat: 20 x 0.7 and 3 x 0.5 per hour)
    assert channels.loc["chat", "predicted_service_level"] == pytest.approx((20 * 0.7 + 3 * 0.5) / 23)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["simulation"]
    assert summary["routing"] == "skills"
    by_queue = {(q["channel"], q["queue"]): q for q in summary["by_queue"]}
    assert by_queue[("chat", "en")]["predicted_service_level"] == 0.5
    low, high = by_queue[("chat", "en")]["service_level"]["ci95"].values()
    assert low <= by_queue[("chat", "en")]["service_level"]["mean"] <= high


def test_without_coverage_by_queue_there_is_no_per_series_prediction(tmp_path: Path) -> None:
    sim = simulate_plan(skills_folder(tmp_path, with_coverage=False), replications=2, seed=0)
    rows = sim.table[sim.table["level"].isin(["series", "channel"])]
    assert rows["predicted_service_level"].isna().all()
    assert all(q["predicted_service_level"] is None for q in sim.summary()["by_queue"])


def test_a_pooled_folder_reports_its_series_too(tmp_path: Path) -> None:
    sim = simulate_plan(plan_folder(tmp_path), replications=2, seed=0)
    assert sim.routing == "pooled" and sim.summary()["routing"] == "pooled"
    series = sim.table[sim.table["level"] == "series"]
    assert series[["channel", "queue"]].values.tolist() == [["phone", "main"], ["chat", "main"], ["email", "main"]]
    channels = sim.table[sim.table["level"] == "channel"]
    np.testing.assert_allclose(series["service_level"], channels["service_level"])  # one queue each


def test_a_bad_serves_cell_is_one_clear_error(tmp_path: Path) -> None:
    folder = skills_folder(tmp_path)
    rota = pd.read_csv(folder / "rota.csv")
    rota.loc[3, "serves"] = "phone;chat"
    rota.to_csv(folder / "rota.csv", index=False)
    result = CliRunner().invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "2"])
    assert result.exit_code == 2
    assert "row 5" in result.output and "serves" in result.output and "channel/queue" in result.output


def test_star_serves_every_series_and_an_empty_cell_none(tmp_path: Path) -> None:
    folder = skills_folder(tmp_path)
    rota = pd.read_csv(folder / "rota.csv")
    rota["serves"] = "*"
    rota.loc[rota["agent_id"] == "N0", "serves"] = ""
    rota.to_csv(folder / "rota.csv", index=False)
    team = load_plan(folder).team
    assert team.serves.sum(axis=1).tolist() == [4] * 6 + [0] + [4] * 3


def test_a_series_routed_by_skill_that_falls_short_is_named_first(tmp_path: Path) -> None:
    """Only D0 and D1 may serve chat/en: the first sentence names it with its level and target,
    a series that is its channel's only one is left to the channel's own verdict, and the series
    table stays within 80 columns with each series' target."""
    folder = skills_folder(tmp_path)
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, ["simulate", "--rota", str(folder), "--replications", "4",
                                                               "--seed", "1"])
    assert result.exit_code == 0, result.output
    first = re.split(r"\.\s", " ".join(result.output.split()))[0]
    sim = simulate_plan(folder, replications=4, seed=1)
    short = sim.short_series().set_index(["channel", "queue"])
    assert ("chat", "en") in short.index and short.loc[("chat", "en"), "target"] == pytest.approx(0.8)
    assert "routed by skill" in first and "chat/en (" in first and "against 80%" in first and "short over" in first
    assert "phone/main" not in first
    assert all(len(line) <= 80 for line in result.output.splitlines()) and "…" not in result.output
    by_queue = {(q["channel"], q["queue"]): q for q in sim.summary()["by_queue"]}
    assert by_queue[("chat", "en")]["target"] == pytest.approx(0.8)
    from planner.analysis.simulate import simulation_figure

    assert "chat/en" in simulation_figure(sim).axes[0].get_title() and "phone/main" not in first
