"""Scenarios: overrides validated like rota.toml, data changes checked against hand-made frames,
unknown keys named, the three executors giving identical numbers, and sizing on a tiny case."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import agents_frame

from common.errors import InputError
from planner.workspace.config import load_config
from planner.analysis.scenarios import (
    HeadcountChange,
    VolumeChange,
    apply_volume,
    change_headcount,
    deep_merge,
    hours_under_target,
    load_scenario,
    run_jobs,
)
from planner.analysis.sizing import parse_mix, size_team, split_total, team_for

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

START = date(2026, 11, 23)


def _scenario(ws: Path, name: str, text: str) -> Path:
    folder = ws / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------- config overrides


def test_deep_merge_keeps_siblings_and_replaces_lists():
    base = {"channels": {"phone": {"aht_s": 240, "sl_target": 0.8, "periods": [{"from": "23:00"}]}}, "pay": {"a": 1}}
    merged = deep_merge(base, {"channels": {"phone": {"sl_target": 0.9, "periods": []}}})
    assert merged == {"channels": {"phone": {"aht_s": 240, "sl_target": 0.9, "periods": []}}, "pay": {"a": 1}}
    assert base["channels"]["phone"]["sl_target"] == 0.8   # the base is not touched


def test_overrides_are_validated_like_rota_toml(small_workspace: Path):
    base = load_config(small_workspace / "rota.toml")
    sc = load_scenario(_scenario(small_workspace, "strict",
                                 'name = "strict"\n[config.channels.phone]\nsl_target = 0.9\n'
                                 '[config.pay]\nnight_premium = 0.4\n'), base)
    assert sc.cfg.staffing.channels["phone"].sl_target == 0.9
    assert sc.cfg.staffing.channels["phone"].aht_s == 240          # from the workspace
    assert sc.cfg.pay.night_premium == 0.4
    assert base.pay.night_premium != 0.4
    bad = _scenario(small_workspace, "bad", 'name = "bad"\n[config.channels.phone]\nsl_target = 1.5\n')
    with pytest.raises(InputError) as e:
        load_scenario(bad, base)
    assert "bad.toml" in str(e.value) and "channels.phone.sl_target" in str(e.value)


def test_aht_factor_scales_configured_handle_times(small_workspace: Path):
    base = load_config(small_workspace / "rota.toml")
    sc = load_scenario(_scenario(small_workspace, "slow", 'name = "slow"\naht_factor = 1.1\n'), base)
    assert sc.cfg.staffing.channels["phone"].aht_s == pytest.approx(264.0)   # 240 s x 1.1
    assert sc.cfg.staffing.channels["chat"].aht_s == pytest.approx(660.0)    # 600 s x 1.1


@pytest.mark.parametrize("text, key", [
    ('name = "x"\nvolumes = []\n', "volumes"),
    ('name = "x"\n[[volume]]\nfactor = 2.0\nchanel = "chat"\n', "volume.0.chanel"),
    ('name = "x"\n[[headcount]]\npattern = "2/2"\nchange = 1\nrate = 5\n', "headcount.0.rate"),
    ('name = "x"\n[config.nonsense]\na = 1\n', "nonsense"),
    ('name = "x"\n[config.solver]\nthreads = 4\n', "solver.threads"),
])
def test_unknown_keys_are_named(small_workspace: Path, text: str, key: str):
    base = load_config(small_workspace / "rota.toml")
    with pytest.raises(InputError) as e:
        load_scenario(_scenario(small_workspace, "typo", text), base)
    assert "typo.toml" in str(e.value) and key in str(e.value)


def test_unknown_pattern_and_missing_name(small_workspace: Path):
    base = load_config(small_workspace / "rota.toml")
    with pytest.raises(InputError, match="headcount.0.pattern"):
        load_scenario(_scenario(small_workspace, "p", 'name = "p"\n[[headcount]]\npattern = "4/4"\nchange = 1\n'), base)
    with pytest.raises(InputError, match="name"):
        load_scenario(_scenario(small_workspace, "n", 'description = "no name"\n'), base)


# ----------------------------------------------------------------------------- data changes


def test_volume_multiplies_only_the_matching_rows():
    ts = pd.to_datetime(["2026-11-22 23:00", "2026-11-23 10:00", "2026-11-25 23:00", "2026-11-26 00:00"] * 2)
    fc = pd.DataFrame({"ts": ts, "channel": ["chat"] * 4 + ["phone"] * 4, "queue": "buyers",
                       "contacts": 10.0, "aht_s": 100.0})
    out = apply_volume(fc, [VolumeChange(channel="chat", start=date(2026, 11, 23), end=date(2026, 11, 25), factor=2)],
                       aht_factor=1.1)
    assert out["contacts"].tolist() == [10, 20, 20, 10, 10, 10, 10, 10]
    assert out["aht_s"].tolist() == pytest.approx([110.0] * 8)
    both = apply_volume(fc, [VolumeChange(factor=2), VolumeChange(channel="phone", factor=1.5)])
    assert both["contacts"].tolist() == [20] * 4 + [30] * 4
    assert fc["contacts"].tolist() == [10.0] * 8   # the input is not changed


def test_headcount_adds_vacancies_at_median_rate_and_common_skills():
    agents = agents_frame(
        {"agent_id": "A1", "rate_rub_h": 400, "skills": "chat"},
        {"agent_id": "A2", "rate_rub_h": 500, "skills": "chat;phone"},
        {"agent_id": "A3", "rate_rub_h": 700, "skills": "chat;phone"},
        {"agent_id": "B1", "pattern": "5/2", "rate_rub_h": 900, "skills": "email"},
    )
    out = change_headcount(agents, [HeadcountChange(pattern="2/2", change=2)])
    new = out[out["agent_id"].str.startswith("NEW-")]
    assert new["agent_id"].tolist() == ["NEW-2/2-01", "NEW-2/2-02"]
    assert new["rate_rub_h"].tolist() == [500.0, 500.0]          # median of 400, 500, 700
    assert set(new["skills"]) == {"chat;phone"}                  # two of three 2/2 agents
    assert new["cycle_start"].isna().all()
    removed = change_headcount(agents, [HeadcountChange(pattern="2/2", change=-2)])
    assert removed["agent_id"].tolist() == ["A1", "B1"]          # the last two 2/2 agents go
    with pytest.raises(InputError, match="cannot remove 2 agents on 5/2"):
        change_headcount(agents, [HeadcountChange(pattern="5/2", change=-2)])


def test_headcount_vacancies_get_the_skills_the_scenario_gives():
    agents = agents_frame(
        {"agent_id": "A1", "skills": "chat;buyers"},
        {"agent_id": "A2", "skills": "buyers;chat"},
        {"agent_id": "A3", "skills": "phone;sellers"},
    )
    out = change_headcount(agents, [HeadcountChange(pattern="2/2", change=2, skills="Chat, SELLERS;en"),
                                    HeadcountChange(pattern="2/2", change=1)])
    new = out[out["agent_id"].str.startswith("NEW-")]
    assert new["agent_id"].tolist() == ["NEW-2/2-01", "NEW-2/2-02", "NEW-2/2-03"]
    assert new["skills"].tolist() == ["chat;en;sellers", "chat;en;sellers", "buyers;chat"]   # given, then most common
    universal = change_headcount(agents, [HeadcountChange(pattern="2/2", change=1, skills="")])
    assert universal["skills"].iloc[-1] == ""                      # an empty cell: may serve every series


def test_headcount_skills_are_checked_against_channels_and_queues(small_workspace: Path):
    with open(small_workspace / "rota.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[queues.sellers_en]\nneeds = ["sellers", "en"]\n')
    base = load_config(small_workspace / "rota.toml")
    ok = load_scenario(_scenario(small_workspace, "hire_en", 'name = "hire_en"\n[[headcount]]\npattern = "2/2"\n'
                                 'change = 2\nskills = "chat;sellers;EN"\n'), base)
    assert ok.headcount[0].skills == "chat;sellers;EN"
    with pytest.raises(InputError) as e:
        load_scenario(_scenario(small_workspace, "typo", 'name = "typo"\n[[headcount]]\npattern = "2/2"\n'
                                'change = 1\nskills = "phone;chta"\n'), base)
    assert "typo.toml" in str(e.value) and "headcount.0.skills" in str(e.value) and "'chta'" in e.value.message
    with pytest.raises(InputError, match="headcount.0.skills"):
        load_scenario(_scenario(small_workspace, "drop", 'name = "drop"\n[[headcount]]\npattern = "2/2"\n'
                                'change = -1\nskills = "chat"\n'), base)


def test_hours_under_target_uses_each_hours_weighted_target():
    ts = pd.to_datetime(["2026-11-23 10:00", "2026-11-23 11:00", "2026-11-23 12:00"])
    req = pd.DataFrame({"ts": list(ts) * 2, "contacts": [30, 10, 0, 10, 30, 0],
                        "sl_target": [0.9, 0.9, 0.9, 0.5, 0.5, 0.5]})
    # hour 10: target (30*.9 + 10*.5)/40 = 0.8; hour 11: (10*.9 + 30*.5)/40 = 0.6; hour 12: no contacts
    cov = pd.DataFrame({"ts": ts, "service_level": [0.79, 0.61, 0.0], "contacts": [40, 40, 0]})
    assert hours_under_target(cov, req) == 1


# ----------------------------------------------------------------------------------- sizing


def test_parse_mix_and_split():
    assert parse_mix("2/2=0.5, 3/3=0.2,5/2=0.3", ["2/2", "3/3", "5/2"]) == pytest.approx(
        {"2/2": 0.5, "3/3": 0.2, "5/2": 0.3})
    assert parse_mix("2/2=1,5/2=1", ["2/2", "5/2"]) == {"2/2": 0.5, "5/2": 0.5}
    with pytest.raises(InputError, match="4/4"):
        parse_mix("4/4=1", ["2/2"])
    assert split_total(10, {"2/2": 0.5, "3/3": 0.2, "5/2": 0.3}) == {"2/2": 5, "3/3": 2, "5/2": 3}
    assert split_total(7, {"2/2": 0.5, "3/3": 0.2, "5/2": 0.3}) == {"2/2": 4, "3/3": 1, "5/2": 2}  # 3.5, 1.4, 2.1


def test_size_team_finds_the_smallest_total():
    # a made-up service curve: 2 % per agent, capped at 100 %; 80 % needs 40 agents
    calls = []

    def level(counts):
        calls.append(sum(counts.values()))
        return min(1.0, 0.02 * sum(counts.values()))

    res = size_team(level, {"2/2": 0.5, "5/2": 0.5}, 0.8, {"2/2": 10, "5/2": 30}, start_total=12)
    assert res.met and res.total == 40
    assert res.needed == {"2/2": 20, "5/2": 20}
    assert res.hire == {"2/2": 10, "5/2": 0}
    assert len(calls) == len(set(calls))   # no total is solved twice


def test_team_for_keeps_people_first_then_vacancies():
    agents = agents_frame({"agent_id": "A1"}, {"agent_id": "A2"}, {"agent_id": "B1", "pattern": "5/2"})
    team = team_for(agents, {"2/2": 3, "5/2": 0})
    assert team["agent_id"].tolist() == ["A1", "A2", "NEW-2/2-01"]


# ----------------------------------------------------------------------- running, executors


@pytest.fixture(scope="module")
def compare_workspace(staffed_workspace: Path, tmp_path_factory) -> Path:
    import shutil

    ws = tmp_path_factory.mktemp("cmp") / "ws"
    shutil.copytree(staffed_workspace, ws)
    _scenario(ws, "sale", 'name = "sale"\n[[volume]]\nchannel = "chat"\nstart = 2026-11-23\nend = 2026-11-25\n'
                          'factor = 2.0\n')
    _scenario(ws, "hire", 'name = "hire"\n[[headcount]]\npattern = "2/2"\nchange = 4\n')
    return ws


def _figures(results):
    return [(r.name, r.summary["service_level"], r.summary["cost"], r.summary["scheduled_agent_hours"],
             r.hours_under_target, r.headcount) for r in results]


@pytest.mark.slow
def test_executors_give_identical_numbers(compare_workspace: Path):
    from dask.distributed import LocalCluster

    from planner.analysis import scenarios

    ws = scenarios.open_workspace(compare_workspace, START, days=7)
    jobs = [scenarios.prepare_job(ws, sc, time_limit_s=0.5)
            for sc in [scenarios.base_scenario(ws.cfg)]
            + [scenarios.load_scenario(p, ws.cfg) for p in scenarios.find_scenarios(compare_workspace)]]
    serial = _figures(run_jobs(jobs, "serial"))
    processes = _figures(run_jobs(jobs, "processes", workers=2))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = _figures(run_jobs(jobs, "dask", scheduler=cluster.scheduler_address))
    assert serial == processes == dask
    assert [f[0] for f in serial] == ["base", "hire", "sale"]


def test_rota_compare_applies_changes_end_to_end(compare_workspace: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from cli import app

    done = CliRunner().invoke(app, ["compare", "--workspace", str(compare_workspace), "--start", "2026-11-23",
                                    "--time-limit", "0.5", "--executor", "serial", "--out", str(tmp_path / "cmp")])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv").set_index("scenario")
    assert table.index.tolist() == ["base", "hire", "sale"]
    base, hire, sale = table.loc["base"], table.loc["hire"], table.loc["sale"]
    assert hire["headcount_2/2"] == base["headcount_2/2"] + 4
    assert hire["required_agent_hours"] == base["required_agent_hours"]   # same forecast, same need
    assert sale["required_agent_hours"] > base["required_agent_hours"]
    assert sale["contacts"] > base["contacts"]
    assert sale["delta_required_agent_hours"] == sale["required_agent_hours"] - base["required_agent_hours"]
    done = CliRunner().invoke(app, ["compare", "nosuch", "--workspace", str(compare_workspace),
                                    "--out", str(tmp_path / "x")])
    assert done.exit_code == 2 and "nosuch.toml" in done.output


def test_rota_size_on_a_tiny_case(compare_workspace: Path):
    from planner.analysis.sizing import size_workspace

    res = size_workspace(compare_workspace, START, "2/2=0.6,5/2=0.4", 0.85, days=7, time_limit_s=0.3)
    levels = dict(res.tried)
    assert res.met and levels[res.total] >= 0.85
    if res.total - 1 in levels:
        assert levels[res.total - 1] < 0.85
    assert sum(res.needed.values()) == res.total
    assert res.needed == split_total(res.total, {"2/2": 0.6, "5/2": 0.4})
    assert res.current == {"2/2": 16, "5/2": 8}                     # the staffed workspace's team
    assert res.hire == {p: max(0, res.needed[p] - res.current[p]) for p in res.needed}


def test_dask_without_scheduler_is_an_error():
    with pytest.raises(InputError, match="--scheduler"):
        run_jobs([object(), object()], "dask")


def test_a_scenario_that_changes_a_service_target_says_so() -> None:
    from planner.analysis.scenarios import load_scenario, target_changes
    from planner.workspace.config import load_config

    base = load_config(SAMPLE / "rota.toml")
    strict = load_scenario(SAMPLE / "scenarios" / "phone_90_20.toml", base)
    assert target_changes(base, strict.cfg) == "phone.sl_target 0.9 against the base's 0.8"
    longer = load_scenario(SAMPLE / "scenarios" / "aht_plus_10.toml", base)
    assert target_changes(base, longer.cfg) == ""


def test_compare_without_scenario_files_says_only_the_base_runs(tmp_path: Path) -> None:
    from rich.console import Console

    from planner.analysis.scenarios import compare_scenarios
    from planner.workspace.scaffold import init_workspace

    ws = tmp_path / "site"
    init_workspace(SAMPLE, ws)
    shutil.rmtree(ws / "scenarios")
    console = Console(width=200, record=True)
    results = compare_scenarios(ws, date(2026, 11, 23), days=7, time_limit_s=1, executor="serial", console=console)
    assert [r.name for r in results] == ["base"]
    said = console.export_text()
    assert "no scenario files in" in said and "only the base is run" in said


def _render(renderable) -> str:
    from rich.console import Console

    console = Console(width=80, record=True)
    console.print(renderable)
    return " ".join(console.export_text().split())


def test_size_answers_whether_todays_team_is_enough_before_whom_to_hire() -> None:
    """Today's 150 reach the target; the mix asked for has more on 3/3 than today: those hires
    are for the mix, not for the service, and the answer says so."""
    from dataclasses import replace

    from planner.output.terminal import size_report

    level = lambda counts: min(1.0, sum(counts.values()) / 175)   # noqa: E731 (a made-up service curve)
    found = size_team(level, {"2/2": 0.5, "3/3": 0.2, "5/2": 0.3}, 0.8, {"2/2": 76, "3/3": 24, "5/2": 50},
                      start_total=150)
    assert found.met and found.total == 140 and found.hire == {"2/2": 0, "3/3": 4, "5/2": 0}
    res = replace(found, mix={"2/2": 0.5, "3/3": 0.2, "5/2": 0.3}, today={"2/2": 76, "3/3": 24, "5/2": 50},
                  today_level=0.834)
    text = _render(size_report(res, first=date(2026, 11, 30), days=7))
    assert text.startswith("Yes: today's team of 150 reaches 83.4% against the 80% target")
    assert "Hiring 4 on 3/3 would only bring the team to that mix: for the service itself nobody needs to be hired" \
        in text
    assert res.spare == {"2/2": 6, "3/3": 0, "5/2": 8}
    short = replace(res, today_level=0.76)
    text = _render(size_report(short, first=date(2026, 11, 30), days=7))
    assert text.startswith("No: today's team of 150 reaches 76.0%") and "To reach the target in that mix, hire 4 on 3/3" in text


def test_size_with_skills_speaks_of_that_skill_set_and_its_series() -> None:
    from dataclasses import replace

    from planner.output.terminal import size_report

    level = lambda counts: min(1.0, 0.5 + sum(counts.values()) / 10)   # noqa: E731 (a made-up service curve)
    found = size_team(level, {"2/2": 0.5, "5/2": 0.5}, 0.8, {"2/2": 3, "5/2": 0}, start_total=3)
    res = replace(found, mix={"2/2": 0.5, "5/2": 0.5}, today={"2/2": 3}, today_level=0.62, skills="chat;en;sellers",
                  series=("chat/sellers", "chat/sellers_en"))
    text = _render(size_report(res, first=date(2026, 11, 30), days=7))
    assert text.startswith("No: with today's 3 agents who have skills chat;en;sellers, the series they may serve "
                           "(chat/sellers, chat/sellers_en) reach 62.0% against the 80% target "
                           "(1 week from 2026-11-30)")
    assert f"the fewest with these skills that reach it are {res.total}" in text
    assert "with these skills." in text and "The rest of the team stays as it is" in text
    assert "Agents with skills chat;en;sellers in the mix against today's" in text


def test_size_command_tries_todays_team_as_it_is(small_workspace: Path) -> None:
    from typer.testing import CliRunner

    import cli

    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, [
        "size", "--mix", "2/2=0.6,5/2=0.4", "--target", "0.3", "--workspace", str(small_workspace),
        "--start", "2026-11-23", "--time-limit", "0.5"])
    assert result.exit_code in (0, 1), result.output
    first = [line for line in result.output.splitlines() if line.strip()][0]
    assert first.startswith(("Yes: today's team of 24 reaches", "No: today's team of 24 reaches"))
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.startswith("│")}
    assert rows["3/3"].split("│")[2].strip() == "4"   # today's 3/3 agents, though the mix has none
