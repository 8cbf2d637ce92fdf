"""Staffing-requirement speed: a year of hourly intervals for phone, chat and e-mail
(8,760 x 3 rows) through forecasts.staffing.requirements, and the same Erlang C sizing of the
phone and chat rows through pyworkforce's ErlangC, with the agent counts compared row by row.

Volumes are synthetic but shaped like a marketplace support centre: an intraday curve with a
midday peak and an evening shoulder, quieter weekends, a seasonal swell towards November
and sale events (11.11, Black Friday week, pre-New-Year), Poisson noise; phone AHT varies by
hour in the forecast, chat and e-mail use the configured AHT.

pyworkforce is installed only in a benchmark venv (not a project dependency):

    python3 -m venv bench/.venv-pyworkforce
    bench/.venv-pyworkforce/bin/pip install pyworkforce pandas
    python3 bench/erlang_speed.py            # --repeats 5 --no-pyworkforce
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasts.channels import parse_staffing  # noqa: E402
from forecasts.staffing import requirements  # noqa: E402

VENV_PYTHON = ROOT / "bench" / ".venv-pyworkforce" / "bin" / "python"
HELPER = ROOT / "bench" / "erlang_speed_pyworkforce.py"

CONFIG = {  # the documented rota.toml example (phone with abandonment)
    "staffing": {"shrinkage": 0.30, "max_occupancy": 0.88},
    "channels": {
        "phone": {"model": "erlang_a", "aht_s": 300, "answer_s": 20, "sl_target": 0.80, "patience_s": 240,
                  "periods": [{"from": "22:00", "to": "08:00", "answer_s": 60, "sl_target": 0.70}]},
        "chat": {"model": "chat", "aht_s": 900, "concurrency": 2.5, "answer_s": 60, "sl_target": 0.80,
                 "periods": [{"from": "00:00", "to": "08:00", "answer_s": 900, "sl_target": 0.80}]},
        "email": {"model": "email", "aht_s": 420, "response_h": 8,
                  "periods": [{"from": "20:00", "to": "08:00", "response_h": 12}]},
    },
}


def erlang_c_config() -> dict:
    """The same targets with phone on Erlang C, so that pyworkforce can size the same rows."""
    cfg = json.loads(json.dumps(CONFIG))
    phone = cfg["channels"]["phone"]
    phone["model"] = "erlang_c"
    del phone["patience_s"]
    return cfg


def synthetic_year(seed: int = 7, start: str = "2025-01-01") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ts = pd.date_range(start, periods=8760, freq="h")
    hour = ts.hour.to_numpy() + 0.5
    intraday = 0.05 + 0.95 * np.exp(-(((hour - 12.5) / 4.3) ** 2)) + 0.25 * np.exp(-(((hour - 20.0) / 1.8) ** 2))
    weekly = np.array([1.0, 0.97, 0.95, 0.95, 0.92, 0.78, 0.72])[ts.day_of_week.to_numpy()]
    season = 1.0 + 0.15 * np.cos(2 * np.pi * (ts.day_of_year.to_numpy() - 325) / 365.0)
    day = ts.normalize()
    event = np.ones(len(ts))
    event[(day >= "2025-11-11") & (day <= "2025-11-12")] = 1.5
    event[(day >= "2025-11-24") & (day <= "2025-11-30")] = 1.6
    event[(day >= "2025-12-20") & (day <= "2025-12-31")] = 1.3
    shape = intraday * weekly * season * event
    frames = []
    for channel, peak in (("phone", 420.0), ("chat", 260.0), ("email", 110.0)):
        contacts = rng.poisson(peak * shape).astype(float)
        aht = 300.0 + 40.0 * np.cos(2 * np.pi * (hour - 3.0) / 24.0) if channel == "phone" else np.nan
        frames.append(pd.DataFrame({"ts": ts, "channel": channel, "queue": "main", "contacts": contacts,
                                    "aht_s": aht}))
    return pd.concat(frames, ignore_index=True)


def best_time(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def pyworkforce_rows(req: pd.DataFrame, cfg) -> pd.DataFrame:
    """The phone and chat rows as pyworkforce sees them (chat: AHT / concurrency)."""
    rows = req[req["model"].isin(["erlang_c", "chat"])].copy()
    conc = rows["channel"].map(lambda c: getattr(cfg.channel(c), "concurrency", 1.0)).astype(float)
    return pd.DataFrame({
        "calls": rows["contacts"],
        "interval_s": 3600.0,
        "aht_s": rows["aht_s"] / conc,
        "answer_s": rows["answer_s"],
        "sl_target": rows["sl_target"],
        "max_occupancy": rows["channel"].map(cfg.max_occupancy_for),
        "shrinkage": rows["channel"].map(cfg.shrinkage_for),
    }, index=rows.index)


def large_centre(repeats: int) -> None:
    """One interval of 5,000 Erlangs (AHT 300 s, 80 % in 20 s): the scale limit of the brief."""
    from forecasts.erlang import erlang_a, erlang_c, required_agents

    calls = 5000 * 3600 / 300
    common = dict(calls=calls, interval_s=3600, aht_s=300)
    cases = [
        ("erlang_c, 5,050 agents", lambda: erlang_c(**common, agents=5050, answer_s=20)),
        ("erlang_a, 5,000 agents, patience 240 s", lambda: erlang_a(**common, agents=5000, answer_s=20,
                                                                      patience_s=240)),
        ("required_agents, Erlang C", lambda: required_agents(**common, answer_s=20, sl_target=0.8)),
        ("required_agents, Erlang A, patience 240 s", lambda: required_agents(**common, answer_s=20, sl_target=0.8,
                                                                              patience_s=240)),
        ("required_agents, Erlang A, patience 1e9 s (absurd)", lambda: required_agents(
            **common, answer_s=20, sl_target=0.8, patience_s=1e9)),
    ]
    print("\n5,000 Erlangs in one interval:")
    for name, fn in cases:
        seconds, out = best_time(fn, 1 if "absurd" in name else repeats)
        shown = f" -> {out} agents" if isinstance(out, int) else ""
        print(f"  {name}: {seconds * 1e3:.1f} ms{shown}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-pyworkforce", action="store_true")
    args = ap.parse_args()

    forecast = synthetic_year()
    print(f"synthetic year: {len(forecast):,} rows; contacts per channel: "
          + ", ".join(f"{c} {int(v):,}" for c, v in forecast.groupby("channel")["contacts"].sum().items()))

    cfg_a = parse_staffing(CONFIG, "bench")
    cfg_c = parse_staffing(erlang_c_config(), "bench")
    requirements(forecast.head(48), cfg_a)  # warm-up (imports, first allocations)
    t_a, req_a = best_time(lambda: requirements(forecast, cfg_a), args.repeats)
    t_c, req_c = best_time(lambda: requirements(forecast, cfg_c), args.repeats)
    print(f"rota requirements, phone Erlang A + chat + e-mail: {t_a:.3f} s (best of {args.repeats})")
    print(f"rota requirements, phone Erlang C + chat + e-mail: {t_c:.3f} s (best of {args.repeats})")
    for name, req in (("Erlang A", req_a), ("Erlang C", req_c)):
        summary = req.groupby("channel").agg(agents_mean=("agents", "mean"), agents_max=("agents", "max"),
                                             scheduled_max=("scheduled_agents", "max"),
                                             sl_min=("service_level", "min"))
        print(f"\nphone on {name}:\n{summary.round(3).to_string()}")
    ph_a, ph_c = req_a[req_a.channel == "phone"], req_c[req_c.channel == "phone"]
    print(f"\nphone agent-hours over the year: Erlang C {ph_c['agents'].sum():,}, "
          f"Erlang A (patience 240 s) {ph_a['agents'].sum():,}")

    large_centre(args.repeats)
    if args.no_pyworkforce:
        return
    if not VENV_PYTHON.exists():
        print(f"\npyworkforce part skipped: {VENV_PYTHON} missing (see the module docstring)")
        return
    rows = pyworkforce_rows(req_c, cfg_c)
    t0 = time.perf_counter()
    ours = requirements(forecast[forecast["channel"].isin(["phone", "chat"])], cfg_c)
    t_ours_queue = time.perf_counter() - t0
    t_ours_queue = min(t_ours_queue, best_time(
        lambda: requirements(forecast[forecast["channel"].isin(["phone", "chat"])], cfg_c), args.repeats)[0])
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "rows.csv", Path(tmp) / "pyworkforce.csv"
        rows.to_csv(src, index=False)
        done = subprocess.run([str(VENV_PYTHON), str(HELPER), str(src), str(dst), "3"],
                              capture_output=True, text=True, check=True)
        stats = json.loads(done.stdout.strip().splitlines()[-1])
        theirs = pd.read_csv(dst)
    theirs.index = rows.index
    ours = ours.set_index(rows.index)
    same_raw = (theirs["raw_positions"] == ours["agents"])
    same_pos = (theirs["positions"] == ours["scheduled_agents"])
    print(f"\nphone + chat rows sized with Erlang C: {len(rows):,}")
    print(f"  rota (requirements, phone + chat only): {t_ours_queue:.3f} s (best of {args.repeats})")
    print(f"  pyworkforce {stats['version']} ErlangC.required_positions, row by row: "
          f"{stats['seconds']:.3f} s (best of 3)")
    print(f"  same productive agents: {int(same_raw.sum()):,} / {len(rows):,}; "
          f"same scheduled agents: {int(same_pos.sum()):,} / {len(rows):,}")
    explain_differences(rows, ours, theirs, same_raw, same_pos)


def explain_differences(rows, ours, theirs, same_raw, same_pos) -> None:
    """Check every row where the two disagree against Erlang C itself."""
    from forecasts.erlang import erlang_c

    traffic = rows["calls"] * rows["aht_s"] / rows["interval_s"]
    fewer = rows.index[~same_raw]
    if len(fewer):
        r = rows.loc[fewer]
        mine = ours.loc[fewer, "agents"].to_numpy()
        res = erlang_c(calls=r["calls"], interval_s=r["interval_s"], aht_s=r["aht_s"], agents=mine,
                       answer_s=r["answer_s"])
        meets = (res.service_level >= r["sl_target"]) & (res.occupancy <= r["max_occupancy"]) & (mine > traffic[fewer])
        skipped = np.round(traffic[fewer] + 1).to_numpy() > mine  # pyworkforce starts at round(A + 1)
        print(f"  productive agents differ on {len(fewer)} rows: rota's count meets the target there "
              f"({int(meets.sum())}/{len(fewer)}) and pyworkforce's search starts at round(A + 1) above it "
              f"({int(skipped.sum())}/{len(fewer)}), e.g. A = {traffic[fewer].iloc[0]:.3f} Erl: rota "
              f"{mine[0]} (SL {res.service_level[0]:.4f}), pyworkforce {theirs.loc[fewer[0], 'raw_positions']}")
    sched = rows.index[same_raw & ~same_pos]
    if len(sched):
        ratio = ours.loc[sched, "agents"] / (1.0 - rows.loc[sched, "shrinkage"])
        exact = (ratio - np.round(ratio)).abs() < 1e-9
        first = sched[0]
        print(f"  scheduled agents differ on {len(sched)} more rows; agents / (1 - shrinkage) is a whole "
              f"number up to float rounding on {int(exact.sum())}/{len(sched)}: pyworkforce takes ceil of e.g. "
              f"{ours.loc[first, 'agents']} / 0.7 = {float(ours.loc[first, 'agents']) / 0.7!r} -> "
              f"{theirs.loc[first, 'positions']}, rota {ours.loc[first, 'scheduled_agents']}")

if __name__ == "__main__":
    main()
