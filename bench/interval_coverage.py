"""How often the forecast's 80 % interval (contacts_p10 .. contacts_p90) holds the real count, on the
US bank calls of `bench/forecast_accuracy.py` (its loader and its 8 weekly origins at the end of the
series, `daily_profile`). Closed hours (a forecast of 0) are left out: they hold nothing to cover.

    python3 bench/interval_coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from forecast_accuracy import load  # noqa: E402
from forecasts.forecast import forecast_frame  # noqa: E402


def main() -> None:
    y = load()
    h = pd.DataFrame({"ts": y.index, "channel": "phone", "queue": "main", "contacts": y.to_numpy()})
    end = y.index[-1] + pd.Timedelta(hours=1)
    held = []
    print("| week from | phi | coverage of open hours |\n|---|---|---|")
    for k in range(8, 0, -1):
        start = end - pd.Timedelta(weeks=k)
        fc = forecast_frame(h[h["ts"] < start], start, 7, methods=["daily_profile"])
        actual = y.reindex(pd.to_datetime(fc["ts"])).to_numpy()
        open_ = (fc["contacts"].to_numpy() > 0.5) & ~np.isnan(actual)
        inside = (actual >= fc["contacts_p10"].to_numpy()) & (actual <= fc["contacts_p90"].to_numpy())
        held.append(inside[open_])
        print(f"| {start.date()} | {fc.attrs['dispersion']['phone/main']:.4f} | {inside[open_].mean():.1%} |")
    every = np.concatenate(held)
    print(f"\nall {every.size} open hours: {every.mean():.1%} inside the 80 % interval")


if __name__ == "__main__":
    main()
