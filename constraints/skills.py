"""Temporary minimal version of constraints.skills (the full one lands from the contract work)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class QueueNeeds:
    needs: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def of(self, queue: str) -> frozenset[str]:
        return self.needs.get(str(queue).lower(), frozenset())


def parse_queues(raw: Any) -> QueueNeeds:
    raw = raw or {}
    return QueueNeeds({str(k).lower(): frozenset(str(t).lower() for t in v.get("needs", [])) for k, v in raw.items()})


def skill_tokens(cell: str | None) -> frozenset[str]:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return frozenset()
    return frozenset(t.strip().lower() for t in str(cell).replace(",", ";").split(";") if t.strip())


def canonical_skills(cell: str | None) -> str:
    return ";".join(sorted(skill_tokens(cell)))


def may_serve(tokens: frozenset[str], channel: str, queue: str, needs: QueueNeeds) -> bool:
    if not tokens or str(channel).lower() == "all":
        return True
    return str(channel).lower() in tokens and needs.of(queue) <= tokens


def eligibility(skills: Sequence[str | None], series: Sequence[tuple[str, str]], needs: QueueNeeds) -> np.ndarray:
    toks = [skill_tokens(s) for s in skills]
    return np.array([[may_serve(t, c, q, needs) for c, q in series] for t in toks], dtype=bool).reshape(len(toks), len(series))


def unknown_tokens(tokens: frozenset[str], channels: Iterable[str], needs: QueueNeeds) -> frozenset[str]:
    known = {str(c).lower() for c in channels} | {t for v in needs.needs.values() for t in v}
    return frozenset(tokens - known)
