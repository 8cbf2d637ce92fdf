"""Larger instances in the benchmark's format, made by tiling a small one (for scale checks only).

The published larger instances (5-24) are not in this repository; to see how the engine behaves
at their size (up to a year and 150 people) this tiles one instance `weeks` times in time and
`copies` times in staff: each copy of a person gets the same contract (minutes, shift counts and
weekends scaled with the horizon) and their days off and requests moved by a seeded whole number
of weeks; cover is the original's per weekday, times `copies`. These are not the benchmark's
instances and have no best-known value: only time, violations and the bound can be read off.

    python bench/nrp_generate.py ../shared/data/shift_scheduling_benchmark/Instance3.txt \\
        --weeks 52 --copies 7 --out /tmp/tiled.txt

With `--shape DAYSxPEOPLExSHIFTS` it writes a synthetic instance of that shape instead
(`nrp_synthetic`: many shift types, varied contracts; no best-known value either):

    python bench/nrp_generate.py --shape 182x100x8 --seed 1 --out /tmp/s182x100x8.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nrp_instance import NrpInstance, read  # noqa: E402
from nrp_synthetic import synthetic  # noqa: E402


def tile(inst: NrpInstance, weeks: int, copies: int, seed: int = 1) -> str:
    """The tiled instance as text in the benchmark's format."""
    rng = np.random.default_rng(seed)
    base_weeks = inst.horizon // 7
    H = 7 * weeks
    scale = H / inst.horizon
    out = ["SECTION_HORIZON", str(H), "", "SECTION_SHIFTS"]
    out += [f"{s.id},{s.minutes},{'|'.join(s.cannot_follow)}" for s in inst.shifts]
    staff, off, on_rq, off_rq = [], [], [], []
    for c in range(copies):
        for e in inst.staff:
            pid = f"{e.id}{c}"
            caps = "|".join(f"{k}={min(H, round(v * scale))}" for k, v in e.max_shifts.items())
            staff.append(f"{pid},{caps},{round(e.max_minutes * scale)},{round(e.min_minutes * scale)},"
                         f"{e.max_consecutive},{e.min_consecutive},{e.min_consecutive_off},"
                         f"{max(1, round(e.max_weekends * scale))}")
            days: set[int] = set()
            for t in range(0, weeks, base_weeks):
                shift = 7 * int(rng.integers(0, max(1, weeks - base_weeks + 1)))
                days |= {(d + shift) % H for d in inst.days_off.get(e.id, ())}
            off.append(",".join([pid, *map(str, sorted(days))]))
            for src, dst in ((inst.on_requests, on_rq), (inst.off_requests, off_rq)):
                for t in range(0, weeks, base_weeks):
                    shift = 7 * int(rng.integers(0, max(1, weeks - base_weeks + 1)))
                    dst += [f"{pid},{(r.day + shift) % H},{r.shift},{r.weight}" for r in src if r.employee == e.id]
    out += ["", "SECTION_STAFF", *staff, "", "SECTION_DAYS_OFF", *off,
            "", "SECTION_SHIFT_ON_REQUESTS", *sorted(set(on_rq)), "", "SECTION_SHIFT_OFF_REQUESTS", *sorted(set(off_rq)),
            "", "SECTION_COVER"]
    by_day = {(c.day, c.shift): c for c in inst.cover}
    for d in range(H):
        for s in inst.shifts:
            c = by_day.get((d % inst.horizon, s.id))
            if c is not None:
                out.append(f"{d},{s.id},{c.requirement * copies},{c.under},{c.over}")
    return "\r\n".join(out) + "\r\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", nargs="?", help="the instance to tile (not with --shape)")
    ap.add_argument("--weeks", type=int)
    ap.add_argument("--copies", type=int)
    ap.add_argument("--shape", help="DAYSxPEOPLExSHIFTS: a synthetic instance of that shape instead")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.shape:
        if a.instance:
            ap.error("--shape makes an instance of its own: give no instance to tile")
        try:
            days, people, shifts = (int(v) for v in a.shape.lower().split("x"))
        except ValueError:
            ap.error(f"--shape {a.shape!r}: expected DAYSxPEOPLExSHIFTS, e.g. 182x100x8")
        text = synthetic(days, people, shifts, a.seed)
    elif a.instance and a.weeks and a.copies:
        text = tile(read(a.instance), a.weeks, a.copies, a.seed)
    else:
        ap.error("give an instance with --weeks and --copies, or --shape")
    a.out.write_text(text, encoding="utf-8", newline="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
