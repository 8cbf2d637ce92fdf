"""Week-ahead accuracy and interval calibration of rota's forecaster on real arrival series
(the acceptance benchmark of the forecaster).

Protocol (../shared/data/README.md): rolling weekly origins at the end of each series, each
forecasting the next 168 hours from the history before it; WAPE = sum|y - yhat| / sum y pooled
over all origins; 8 origins (4 for the 10-week IT desk); `[forecast] country` set to the
series' country. Compared with the two public baselines (same hour last week; mean of the same
hour of the week over the last 4 weeks) and one library model, statsforecast's
MSTL(24, 168) with an AutoETS trend on the last 12 weeks (gaps filled with the same hour a
week before). "rota" is the product's default method (`blend`) exactly as `rota forecast`
runs it; `daily_profile` alone is shown for reference.

The 80 % interval (contacts_p10 .. contacts_p90) is scored at each origin as the forecast stage
would have drawn it then: its dispersion from the errors of the 4 weekly origins before it.
Coverage counts the open hours (forecast above 0); pinball is the mean pinball loss of p10 and
p90 per hour, divided by the mean hourly count (so series compare).

The four shared series:
- `bank`: US bank calls, 5-minute counts summed to hours, weekends and closed hours as zeros.
  The grid ends Sunday 2003-10-26 23:00 (any end from the last observed hour gives the same
  figures); the baselines are checked against the data README first.
- `it_desk`: ServiceNow incidents, 10 weeks. The country is Brazil: its volume falls to the
  weekend level on Good Friday and Tiradentes (21 April), which the Brazilian calendar lists.
  A second row runs it with no calendar at all.
- `ed`: University of Iowa emergency-department arrivals (US holidays).
- `dispatch_911`: Montgomery County 911 events (US). Hours inside the public feed's outages
  (`feed_gaps.csv`) and the hour either side are masked: missing in the history the methods see
  and not scored.

Any other hourly series (`ts,contacts`) runs the same way:

    python3 bench/forecast_accuracy.py --csv path/hourly.csv --country US --origins 8 [--gaps gaps.csv]

statsforecast needs pandas < 3, so it lives in its own environment:

    python3 -m venv /tmp/bench-env && /tmp/bench-env/bin/pip install -e '.[bench]'
    /tmp/bench-env/bin/python bench/forecast_accuracy.py

Without statsforecast the library column is left out (and the ratios use the two baselines).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forecasts.backtest import backtest, score_table  # noqa: E402
from forecasts.calendar_features import DayCalendar  # noqa: E402
from forecasts.models import METHODS, DailyProfile, SeasonalNaive, WeeklyMean, forget_inner_forecasts  # noqa: E402

DATA = REPO.parent / "shared" / "data"
#: the data README's baselines (WAPE), checked before anything else is reported
README = {
    "bank": {"seasonal_naive": 0.198, "weekly_mean": 0.158},
    "it_desk": {"seasonal_naive": 0.510, "weekly_mean": 0.396},
    "ed": {"seasonal_naive": 0.435, "weekly_mean": 0.353},
    "dispatch_911 (unmasked)": {"seasonal_naive": 0.349, "weekly_mean": 0.278},
}
TARGET_EVERY, TARGET_MEAN, COVERAGE = 0.95, 0.90, (0.75, 0.85)


@dataclass(frozen=True)
class Series:
    name: str
    load: Callable[[], pd.Series]
    origins: int
    country: str | None


def bank() -> pd.Series:
    raw = pd.read_csv(DATA / "us_bank_calls_5min.csv")
    ts = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))
    hourly = raw["Calls"].groupby(ts.dt.floor("h")).sum()
    grid = pd.date_range("2003-03-03 00:00", "2003-10-26 23:00", freq="h")
    return hourly.reindex(grid, fill_value=0).astype(float)


def hourly_csv(path: Path) -> pd.Series:
    frame = pd.read_csv(path, parse_dates=["ts"])
    s = frame.groupby(frame["ts"].dt.floor("h"))["contacts"].sum().astype(float)
    return s.reindex(pd.date_range(s.index[0], s.index[-1], freq="h"))


def masked(y: pd.Series, gaps: Path) -> pd.Series:
    """The hours of each outage, and the hour either side, as missing."""
    g = pd.read_csv(gaps, parse_dates=[0, 1])
    out = y.copy()
    for start, end in zip(g.iloc[:, 0], g.iloc[:, 1]):
        out[(out.index >= start.floor("h") - pd.Timedelta(hours=1)) & (out.index <= end.floor("h") + pd.Timedelta(hours=1))] = np.nan
    return out


def shared_series() -> list[Series]:
    return [
        Series("bank", bank, 8, "US"),
        Series("it_desk", lambda: hourly_csv(DATA / "servicenow_incidents" / "hourly.csv"), 4, "BR"),
        Series("ed", lambda: hourly_csv(DATA / "uihc_ed" / "hourly.csv"), 8, "US"),
        Series("dispatch_911", lambda: masked(hourly_csv(DATA / "montco911" / "hourly.csv"),
                                              DATA / "montco911" / "feed_gaps.csv"), 8, "US"),
    ]


# ------------------------------------------------------------------------------ the library model


@dataclass(frozen=True)
class LibraryMSTL:
    """statsforecast MSTL(24, 168) with an AutoETS trend on the last `weeks` weeks."""

    name: str = "mstl"
    weeks: int = 12

    def forecast(self, y: pd.Series, horizon: int, calendar: DayCalendar | None = None) -> np.ndarray:
        from statsforecast.models import MSTL, AutoETS

        v = y.to_numpy(float)[-self.weeks * 168:].copy()
        for i in np.flatnonzero(np.isnan(v)):
            v[i] = v[i - 168] if i >= 168 and not np.isnan(v[i - 168]) else 0.0
        model = MSTL(season_length=[24, 168], trend_forecaster=AutoETS(model="ZZN"))
        return np.maximum(model.forecast(y=v, h=horizon)["mean"], 0.0)


def have_statsforecast() -> bool:
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------------------ scoring


def score(s: Series, library: bool, calendar_country: str | None | bool = True) -> dict:
    y = s.load()
    country = s.country if calendar_country is True else calendar_country
    cal = DayCalendar(country) if country else None
    rota = METHODS["blend"]
    base = {"seasonal_naive": SeasonalNaive(), "weekly_mean": WeeklyMean()}
    ours = backtest(y, {"rota": rota, "daily_profile": DailyProfile()}, origins=s.origins, calendar=cal)
    forget_inner_forecasts()   # time a cold forecast, not one the backtest has warmed
    t0 = time.perf_counter()
    rota.forecast(y.iloc[:-168], 168, cal)
    seconds = time.perf_counter() - t0
    others = backtest(y, {**base, **({"mstl": LibraryMSTL()} if library else {})}, origins=s.origins,
                      intervals=False)
    table = score_table(pd.concat([ours, others], ignore_index=True)).set_index("method")
    baselines = [m for m in ("seasonal_naive", "weekly_mean", "mstl") if m in table.index]
    best = min(baselines, key=lambda m: table.loc[m, "wape"])
    mean_y = float(np.nanmean(y.to_numpy(float)[-s.origins * 168:]))
    per_origin = ours[ours["method"] == "rota"]
    return {
        "series": s.name if calendar_country is True else f"{s.name} (no calendar)",
        "table": table, "best": best, "ratio": table.loc["rota", "wape"] / table.loc[best, "wape"],
        "coverage": table.loc["rota", "coverage"], "pinball": table.loc["rota", "pinball"] / mean_y,
        "weekly_coverage": (per_origin["covered"] / per_origin["interval_hours"]).to_numpy(),
        "seconds": seconds, "country": country or "none",
        "first": per_origin["origin"].iloc[0], "last": per_origin["origin"].iloc[-1],
    }


def check_readme(series: list[Series]) -> None:
    """The baselines must reproduce the data README's figures to 3 decimals."""
    loads = {s.name: s for s in series}
    unmasked = Series("dispatch_911 (unmasked)", lambda: hourly_csv(DATA / "montco911" / "hourly.csv"), 8, "US")
    for name, want in README.items():
        s = unmasked if name.endswith("(unmasked)") else loads.get(name)
        if s is None:
            continue
        res = score_table(backtest(s.load(), {"seasonal_naive": SeasonalNaive(), "weekly_mean": WeeklyMean()},
                                   origins=s.origins, intervals=False)).set_index("method")["wape"]
        got = {m: round(float(res[m]), 3) for m in want}
        status = "reproduced" if got == want else "MISMATCH"
        print(f"{name}: baselines {got} vs README {want} -> {status}")
        if got != want:
            sys.exit(1)


def report(rows: list[dict], library: bool) -> None:
    lib = " MSTL |" if library else ""
    print(f"\n| series | country | origins | seasonal naive | 4-week mean |{lib} daily_profile | **rota** | "
          f"rota / best baseline | 80 % interval holds | pinball / mean |")
    print("|---|---|---|---|---|" + ("---|" if library else "") + "---|---|---|---|---|")
    for r in rows:
        t = r["table"]["wape"]
        lib_cell = f" {t['mstl']:.3f} |" if library else ""
        print(f"| {r['series']} | {r['country']} | {r['first']:%Y-%m-%d} .. {r['last']:%Y-%m-%d} | "
              f"{t['seasonal_naive']:.3f} | {t['weekly_mean']:.3f} |{lib_cell} {t['daily_profile']:.3f} | "
              f"**{t['rota']:.3f}** | {r['ratio']:.3f} ({r['best']}) | {r['coverage']:.1%} | {r['pinball']:.3f} |")
    main_rows = [r for r in rows if "(no calendar)" not in r["series"]]
    ratios = np.array([r["ratio"] for r in main_rows])
    covers = np.array([r["coverage"] for r in main_rows])
    print(f"\nrota / best baseline: mean {ratios.mean():.3f} (target <= {TARGET_MEAN}), "
          f"worst {ratios.max():.3f} (target <= {TARGET_EVERY} on every series)")
    print(f"80 % interval: {covers.min():.1%} .. {covers.max():.1%} of open hours "
          f"(target {COVERAGE[0]:.0%} .. {COVERAGE[1]:.0%} on every series)")
    print("\ninterval coverage week by week (rota):")
    for r in rows:
        print(f"  {r['series']}: " + " ".join(f"{c:.0%}" for c in r["weekly_coverage"]))
    print("\nseconds for one week-ahead forecast from the last origin (rota, its 8 inner weeks included): "
          + ", ".join(f"{r['series']} {r['seconds']:.2f}" for r in rows))
    if not library:
        print("\nstatsforecast is not installed: the library model is left out (see the module's docstring)")


def early_weeks(series: list[Series]) -> None:
    """The 20 weekly origins before the scored ones: were the methods fitted to the test weeks?"""
    print("\nearlier weeks (20 origins before the scored ones, not used to build anything):\n")
    print("| series | seasonal naive | 4-week mean | daily_profile | rota | 80 % interval holds |")
    print("|---|---|---|---|---|---|")
    for s in series:
        y = s.load()
        if len(y) < (s.origins + 24) * 168:
            continue
        cal = DayCalendar(s.country) if s.country else None
        head = y.iloc[: len(y) - s.origins * 168]
        res = backtest(head, {"seasonal_naive": SeasonalNaive(), "weekly_mean": WeeklyMean(),
                              "daily_profile": DailyProfile(), "rota": METHODS["blend"]}, origins=20, calendar=cal)
        t = score_table(res).set_index("method")
        print(f"| {s.name} | {t.loc['seasonal_naive', 'wape']:.3f} | {t.loc['weekly_mean', 'wape']:.3f} | "
              f"{t.loc['daily_profile', 'wape']:.3f} | {t.loc['rota', 'wape']:.3f} | {t.loc['rota', 'coverage']:.1%} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, help="an hourly ts,contacts file instead of the four shared series")
    ap.add_argument("--country", default=None, help="its holidays country (ISO code); none by default")
    ap.add_argument("--origins", type=int, default=8)
    ap.add_argument("--gaps", type=Path, help="CSV of outages (start, end) to mask")
    ap.add_argument("--no-early", action="store_true", help="skip the earlier-weeks table")
    args = ap.parse_args()
    library = have_statsforecast()
    if args.csv is not None:
        load = (lambda: masked(hourly_csv(args.csv), args.gaps)) if args.gaps else (lambda: hourly_csv(args.csv))
        series = [Series(args.csv.parent.name or args.csv.stem, load, args.origins, args.country)]
        rows = [score(series[0], library)]
    else:
        missing = [p for p in (DATA / "us_bank_calls_5min.csv", DATA / "uihc_ed") if not p.exists()]
        if missing:
            sys.exit(f"missing {missing[0]}")
        series = shared_series()
        check_readme(series)
        rows = [score(s, library) for s in series]
        rows.append(score(series[1], library, calendar_country=None))
    report(rows, library)
    if not args.no_early:
        early_weeks(series)


if __name__ == "__main__":
    main()
