"""The benchmark's objective, recomputed from a roster file and the instance only.

Independent of the engine on purpose: it reads the raw `NrpInstance` (not rota's FlexProblem)
and the roster as rows `employee, day, shift`, and adds up the four parts the benchmark defines,
so a mistake in the model's objective cannot hide here.

    python bench/nrp_evaluate.py INSTANCE.txt roster.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nrp_instance import NrpInstance, read  # noqa: E402


@dataclass(frozen=True)
class Score:
    """The objective and its parts."""

    on_requests: int     # weights of on-requests not granted
    off_requests: int    # weights of off-requests granted
    under: int           # Σ under weight × shortage
    over: int            # Σ over weight × surplus

    @property
    def total(self) -> int:
        return self.on_requests + self.off_requests + self.under + self.over


def evaluate(inst: NrpInstance, rows: Iterable[tuple[str, int, str]]) -> Score:
    """Score of a roster given as (employee, day, shift) rows, one per assigned shift."""
    assigned: set[tuple[str, int, str]] = set()
    on_cover: Counter[tuple[int, str]] = Counter()
    for employee, day, shift in rows:
        key = (str(employee), int(day), str(shift))
        assigned.add(key)
        on_cover[(key[1], key[2])] += 1
    on = sum(r.weight for r in inst.on_requests if (r.employee, r.day, r.shift) not in assigned)
    off = sum(r.weight for r in inst.off_requests if (r.employee, r.day, r.shift) in assigned)
    under = over = 0
    for c in inst.cover:
        have = on_cover[(c.day, c.shift)]
        under += c.under * max(0, c.requirement - have)
        over += c.over * max(0, have - c.requirement)
    return Score(on, off, under, over)


def read_roster(path: str | Path) -> list[tuple[str, int, str]]:
    """Rows of a roster.csv with columns employee, day, shift."""
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["employee"], int(r["day"]), r["shift"]) for r in csv.DictReader(f)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance")
    ap.add_argument("roster")
    a = ap.parse_args(argv)
    s = evaluate(read(a.instance), read_roster(a.roster))
    print(f"objective {s.total} (on-requests {s.on_requests}, off-requests {s.off_requests}, "
          f"under {s.under}, over {s.over})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
