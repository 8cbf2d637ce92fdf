"""End-to-end: several sites planned in one `rota plan` give each site exactly the results of its
own single-site run, on every executor; a site with bad input is reported and the others finish.

The sites are small seeded workspaces (conftest's history and agents) in three time zones, each
solved by one CP-SAT worker with a deterministic work limit, so that a rota does not depend on
where or beside what it was solved.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import cli
from common.files import new_folder
from conftest import SMALL_TOML, small_agents, small_history
from planner.executors import fan_out

START = "2026-11-23"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
ZONES = {"msk": "Europe/Moscow", "nsk": "Asia/Novosibirsk", "vvo": "Asia/Vladivostok"}
SAME_FILES = ("rota.csv", "coverage.csv", "coverage_by_queue.csv", "pay.csv", "timesheet.csv", "forecast.csv",
              "requirements.csv", "days_off.csv")


def invoke(*args: object):
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def make_site(folder: Path, zone: str, seed: int) -> Path:
    """A small staffed workspace in `zone`, solved reproducibly (1 worker, deterministic time)."""
    folder.mkdir(parents=True)
    toml = SMALL_TOML.replace('name = "Test site"', f'name = "{folder.name}"\ntimezone = "{zone}"')
    toml = toml.replace("workers = 2", "workers = 1\ndeterministic_time = 1")
    (folder / "rota.toml").write_text(toml, encoding="utf-8")
    history = small_history(seed=seed)
    history["contacts"] = (history["contacts"] * 0.3).round().astype(int)
    history.to_csv(folder / "history.csv", index=False)
    small_agents(n22=16, n33=4, n52=8).to_csv(folder / "agents.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sites") / "sites"
    for seed, (name, zone) in enumerate(ZONES.items(), start=7):
        make_site(root / name, zone, seed)
    return root


@pytest.fixture(scope="module")
def alone(sites: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each site planned on its own, as today's single-site `rota plan` does."""
    out = tmp_path_factory.mktemp("alone")
    for name in ZONES:
        done = invoke("plan", "--workspace", sites / name, "--start", START, "--out", out / name)
        assert done.exit_code == 0, done.output
    return out


def assert_same_as_alone(out: Path, alone: Path, names=tuple(ZONES)) -> None:
    for name in names:
        mine, theirs = out / name, alone / name
        assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in theirs.iterdir())
        for f in SAME_FILES:
            assert (mine / f).read_bytes() == (theirs / f).read_bytes(), (name, f)
        ours, single = (json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (mine, theirs))
        for s in (ours, single):
            s.pop("solve_seconds")
            s["model"].pop("build_seconds", None)
        assert ours == single


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_several_sites_give_the_rotas_of_separate_runs(sites: Path, alone: Path, tmp_path: Path, executor: str):
    out = tmp_path / "week48"
    done = invoke("plan", *(a for n in ZONES for a in ("--workspace", sites / n)), "--start", START,
                  "--executor", executor, "--out", out)
    assert done.exit_code == 0, done.output
    assert_same_as_alone(out, alone)
    assert sorted(p.name for p in out.iterdir()) == ["msk", "nsk", "sites.csv", "sites.json", "vvo"]
    for name in ZONES:   # a line per site and stage, and one when it is done
        for stage in ("forecasting", "solving", "done"):
            assert any(line.split()[:2] == [name, stage] for line in done.output.splitlines()), (name, stage)


def test_sites_folder_through_dask_gives_the_same_rotas(sites: Path, alone: Path, tmp_path: Path):
    pytest.importorskip("dask.distributed")
    done = invoke("plan", "--sites", sites, "--start", START, "--executor", "dask", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    assert_same_as_alone(tmp_path / "out", alone)


def test_the_summary_names_each_site_s_time_zone_and_says_times_are_local(sites: Path, tmp_path: Path):
    out = tmp_path / "out"
    done = CliRunner(env={"COLUMNS": "80"}).invoke(cli.app, ["plan", "--sites", str(sites), "--start", START,
                                                             "--executor", "serial", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert max(len(line) for line in done.output.splitlines()) <= 80
    table = [line.split() for line in done.output.splitlines() if line.split()[:1] in (["msk"], ["nsk"], ["vvo"])
             and len(line.split()) == 9]
    assert {row[0]: row[1] for row in table} == ZONES
    assert "local time" in done.output
    doc = json.loads((out / "sites.json").read_text(encoding="utf-8"))
    assert "local" in doc["times"] and doc["sites_failed"] == 0 and doc["start"] == START
    assert {s["site"]: s["timezone"] for s in doc["sites"]} == ZONES
    csv = pd.read_csv(out / "sites.csv", keep_default_na=False)
    assert csv["timezone"].tolist() == list(ZONES.values())
    for r in csv.to_dict("records"):   # the site's own summary.json, unchanged
        own = json.loads((out / r["site"] / "summary.json").read_text(encoding="utf-8"))
        assert (r["agents"], r["violations"], r["pay_rub"]) == (own["agents"], own["violations"], own["cost"]["total"])
        assert r["shortfall_agent_hours"] == pytest.approx(own["shortfall_agent_hours"])
    rota = pd.read_csv(out / "vvo" / "rota.csv")   # local clock times, not shifted to Moscow
    assert set(rota["start"].str[11:13]) <= {f"{h:02d}" for h in range(24)}
    assert (rota["start"].str.len() == 16).all() and not rota["start"].str.contains(r"\+").any()


def test_a_site_with_bad_input_is_reported_and_the_others_finish(sites: Path, alone: Path, tmp_path: Path):
    bad = make_site(tmp_path / "bad", "Asia/Novosibirsk", 11)
    agents = pd.read_csv(bad / "agents.csv", keep_default_na=False)
    agents.loc[2, "pattern"] = "4/4"
    agents.to_csv(bad / "agents.csv", index=False)
    out = tmp_path / "out"
    done = invoke("plan", "--workspace", sites / "msk", "--workspace", bad, "--workspace", sites / "vvo",
                  "--start", START, "--executor", "processes", "--out", out)
    assert done.exit_code == 2, done.output
    assert "1 of 3 sites failed on their input (bad)" in " ".join(done.output.split())
    assert "agents.csv, row 4, column 'pattern'" in done.output
    assert_same_as_alone(out, alone, ("msk", "vvo"))
    assert not (out / "bad").exists() and not [p for p in out.iterdir() if p.name.startswith(".")]
    doc = json.loads((out / "sites.json").read_text(encoding="utf-8"))
    failed = [s for s in doc["sites"] if s["error"]]
    assert [s["site"] for s in failed] == ["bad"] and doc["sites_failed"] == 1
    assert failed[0]["timezone"] == "Asia/Novosibirsk" and "row 4" in failed[0]["error"]


def test_sites_are_named_after_their_folders_and_refused_when_alike(sites: Path, tmp_path: Path):
    twin = make_site(tmp_path / "msk", "Europe/Moscow", 3)
    done = invoke("plan", "--workspace", sites / "msk", "--workspace", twin, "--start", START, "--out", tmp_path / "o")
    assert done.exit_code == 2 and "two sites are named 'msk'" in done.output
    done = invoke("plan", "--sites", sites, "--workspace", twin, "--out", tmp_path / "o")
    assert done.exit_code == 2 and "not both" in done.output
    done = invoke("plan", "--sites", tmp_path / "nothing", "--out", tmp_path / "o")
    assert done.exit_code == 2 and "nothing" in done.output
    done = invoke("plan", "--sites", sites, "--executor", "threads", "--out", tmp_path / "o")
    assert done.exit_code == 2 and "--executor 'threads' is unknown" in done.output
    assert not (tmp_path / "o").exists()


def test_the_help_example_for_several_sites_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    epilog = typer.main.get_command(cli.app).commands["plan"].epilog
    said = " ".join(epilog.split())
    command = said[said.index("(rota plan --workspace") + 1:]
    command = command[:command.index(")")]
    args = shlex.split(command.removeprefix("rota "))
    for n, name in enumerate(a for a, before in zip(args[1:], args) if before == "--workspace"):
        make_site(tmp_path / name, "Europe/Moscow", 20 + n)   # small sites under the example's names
    monkeypatch.chdir(tmp_path)
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    out = Path(args[args.index("--out") + 1])
    assert (out / "sites.json").is_file() and (out / "sample_data" / "rota.csv").is_file()
    assert (out / "my_site" / "rota.xlsx").is_file()


# ---------------------------------------------------------------------------------- pieces


def _square(x: int, report=None) -> int:
    if report is not None:
        report(("began", x))
    return x * x


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_fan_out_keeps_job_order_and_hears_every_job(executor: str):
    heard, finished = [], []
    got = fan_out(_square, [3, 1, 2], executor, workers=2, listen=heard.append,
                  done=lambda i, r: finished.append((i, r)))
    assert got == [9, 1, 4]
    assert sorted(finished) == [(0, 9), (1, 1), (2, 4)]
    assert sorted(heard) == [("began", 1), ("began", 2), ("began", 3)]


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path):
    with pytest.raises(RuntimeError):
        with new_folder(tmp_path / "site") as staging:
            (staging / "rota.csv").write_text("half", encoding="utf-8")
            raise RuntimeError("the run failed half-way")
    assert list(tmp_path.iterdir()) == []
    with new_folder(tmp_path / "site") as staging:
        (staging / "rota.csv").write_text("whole", encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and (tmp_path / "site" / "rota.csv").is_file()


def test_ctrl_c_stops_every_site_and_keeps_each_best_rota(tmp_path: Path):
    """A terminal's Ctrl-C reaches the command and its worker processes: each site stops its search
    (set to 300 s here, never proven in that time) and writes its best rota, and the command ends
    with every site's folder and the sites summary, each site warned that it was stopped."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from planner.sites import STOPPED

    root = tmp_path / "sites"
    for name in ("north", "south"):
        shutil.copytree(SAMPLE, root / name)
        toml = root / name / "rota.toml"
        text = toml.read_text(encoding="utf-8")
        assert text.count("time_limit_s = 30\n") == 1 and text.count("gap_limit = 0.005 ") == 1
        toml.write_text(text.replace("time_limit_s = 30\n", "time_limit_s = 300\n")
                        .replace("gap_limit = 0.005 ", "gap_limit = 0 "), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", "import cli; cli.main()", "plan", "--sites", str(root), "--start", START,
           "--out", str(out), "--executor", "processes"]
    began = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env={**os.environ, "COLUMNS": "100"}, start_new_session=True)
    said = []
    for line in proc.stdout:   # both sites searching: Ctrl-C, to the whole group as a terminal sends it
        said.append(line)
        if sum("solving" in s for s in said) == 2:
            time.sleep(1.0)
            os.killpg(proc.pid, signal.SIGINT)
            break
    rest, _ = proc.communicate(timeout=240)
    output = "".join(said) + rest
    assert proc.returncode == 0, output
    assert time.monotonic() - began < 240
    assert "stopping: every site keeps the best rota" in output
    summary = json.loads((out / "sites.json").read_text(encoding="utf-8"))
    assert summary["sites_planned"] == 2 and summary["sites_failed"] == 0
    for site in summary["sites"]:
        assert STOPPED in site["warnings"]
        folder = out / site["site"]
        assert (folder / "rota.csv").is_file() and (folder / "rota.xlsx").is_file()
        assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["violations"] == 0
