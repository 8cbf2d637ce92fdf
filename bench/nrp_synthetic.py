"""Random instances in the benchmark's text format with the published *shape* of its large ones.

Instances 4-24 of Curtois & Qu are not in this repository, and tiling Instance3 (`nrp_generate`
`tile`) keeps its 3 shift types and identical contracts. This makes stand-ins that look like the
big ones instead: many shift types with start times (a shift that ends late may not be followed
by an early one the next day), each person allowed a few of them, full- and part-time contracts
with their own run lengths, days off, runs of on- and off-requests weighted 1-3, and cover sized
to about what the staff give halfway between their least and most minutes, so that most
cells can be covered and a few cannot (under weight 100, over weight 1, as in the benchmark).

SYNTHETIC: no best-known value exists; compare against the engine's own long runs.

    python bench/nrp_generate.py --shape 364x150x32 --seed 1 --out /tmp/s364x150x32.txt
"""

from __future__ import annotations

import numpy as np

#: shift lengths in minutes and start hours the shift types are drawn from
LENGTHS = (360, 480, 480, 480, 600, 720)
STARTS = (6, 7, 8, 9, 10, 12, 14, 15, 16, 18, 22)
MIN_REST_H = 11


def shift_ids(n: int) -> list[str]:
    """A, B, ..., Z, then AA, AB, ... (the benchmark's ids are letters)."""
    letters = [chr(ord("A") + i) for i in range(26)]
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


def _shifts(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Ids, lengths, start hours, and the lines of SECTION_SHIFTS."""
    ids = shift_ids(n)
    starts = np.sort(rng.choice(STARTS, size=n))
    lengths = rng.choice(LENGTHS, size=n)
    lines = []
    for s in range(n):
        end = starts[s] * 60 + lengths[s]
        banned = [ids[t] for t in range(n) if 24 * 60 + starts[t] * 60 - end < MIN_REST_H * 60]
        lines.append(f"{ids[s]},{lengths[s]},{'|'.join(banned)}")
    return ids, lengths, starts, lines


def synthetic(days: int, people: int, shifts: int, seed: int = 1) -> str:
    """A synthetic instance (starting on a Monday) as text in the benchmark's format, CRLF."""
    rng = np.random.default_rng(seed)
    ids, lengths, _, shift_lines = _shifts(rng, shifts)
    fortnights = days / 14
    staff, off_lines, on_rq, off_rq = [], [], [], []
    supply = np.zeros(shifts)
    for i in range(people):
        pid = f"E{i:03d}"
        k = int(rng.integers(1, min(shifts, 4) + 1))
        mine = rng.choice(shifts, size=k, replace=False)
        if i < shifts:                       # every shift type has someone who may work it
            mine = np.unique(np.append(mine, i))
        mean_len = float(lengths[mine].mean())
        part_time = rng.random() < 0.25
        most = (4.5 if part_time else 9) * fortnights * mean_len
        max_run = int(rng.integers(4, 7))
        min_run = int(rng.integers(1, 3) if part_time else rng.integers(2, 4))
        min_off = int(rng.integers(1, 4))
        # at most max_run of every max_run + min_off days: the least stays well inside what runs allow
        density = max_run / (max_run + min_off)
        least = min(2.5 if part_time else 7, 0.75 * 14 * density) * fortnights * mean_len
        each = max(10 * fortnights / len(mine), 0)   # together the types allow 10 shifts a fortnight
        caps = {ids[s]: (int(min(days, max(round(fortnights * rng.uniform(3, 10)), np.ceil(each))))
                         if s in mine else 0) for s in range(shifts)}
        weekends = max(1, int(round(days / 7 * rng.uniform(0.35, 0.6))))
        staff.append(f"{pid},{'|'.join(f'{k}={v}' for k, v in caps.items())},{int(most)},{int(least)},"
                     f"{max_run},{min_run},{min_off},{weekends}")
        supply[mine] += (most + least) / 2 / mean_len / len(mine)
        n_off = int(round(fortnights * rng.uniform(0.5, 2.5)))
        off_lines.append(",".join([pid, *map(str, sorted(rng.choice(days, size=min(n_off, days), replace=False)))]))
        for rows, on in ((on_rq, True), (off_rq, False)):
            for _ in range(int(round(fortnights * rng.uniform(0.5, 2)))):
                s = int(rng.choice(mine)) if on else int(rng.integers(shifts))
                first, run, w = int(rng.integers(days)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
                rows += [f"{pid},{d},{ids[s]},{w}" for d in range(first, min(days, first + run))]
    cover = []
    for d in range(days):     # about what the staff give halfway between their least and most minutes
        for s in range(shifts):
            want = int(rng.poisson(supply[s] / days * rng.uniform(0.95, 1.1)))
            cover.append(f"{d},{ids[s]},{want},100,1")
    out = ["# SYNTHETIC instance (rota bench/nrp_synthetic.py): the shape of the benchmark's large ones,",
           "# not one of them; no best-known value", "SECTION_HORIZON", str(days), "",
           "SECTION_SHIFTS", *shift_lines, "", "SECTION_STAFF", *staff, "", "SECTION_DAYS_OFF", *off_lines,
           "", "SECTION_SHIFT_ON_REQUESTS", *dict.fromkeys(on_rq), "", "SECTION_SHIFT_OFF_REQUESTS",
           *dict.fromkeys(off_rq), "", "SECTION_COVER", *cover]
    return "\r\n".join(out) + "\r\n"
