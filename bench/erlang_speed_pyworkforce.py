"""The pyworkforce side of bench/erlang_speed.py; runs inside bench/.venv-pyworkforce only.

Reads the queue rows written by erlang_speed.py (calls, interval_s, aht_s, answer_s,
sl_target, max_occupancy, shrinkage), sizes every row with pyworkforce's ErlangC one row at
a time (its API), writes raw_positions and positions, and prints the best time as JSON.

    bench/.venv-pyworkforce/bin/python bench/erlang_speed_pyworkforce.py IN.csv OUT.csv [REPEATS]
"""

from __future__ import annotations

import csv
import json
import sys
import time

import pyworkforce
from pyworkforce.queuing import ErlangC


def size(rows: list[dict[str, float]]) -> list[tuple[int, int]]:
    out = []
    for r in rows:
        if r["calls"] <= 0:  # pyworkforce rejects zero transactions
            out.append((0, 0))
            continue
        erlang = ErlangC(transactions=r["calls"], aht=r["aht_s"], asa=r["answer_s"], interval=r["interval_s"],
                         shrinkage=r["shrinkage"])
        res = erlang.required_positions(service_level=r["sl_target"], max_occupancy=r["max_occupancy"])
        out.append((int(res["raw_positions"]), int(res["positions"])))
    return out


def main(src: str, dst: str, repeats: int = 3) -> None:
    with open(src, newline="") as fh:
        rows = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(fh)]
    best, result = float("inf"), []
    for _ in range(repeats):
        started = time.perf_counter()
        result = size(rows)
        best = min(best, time.perf_counter() - started)
    with open(dst, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["raw_positions", "positions"])
        writer.writerows(result)
    print(json.dumps({"seconds": best, "rows": len(rows), "version": pyworkforce.__version__}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
