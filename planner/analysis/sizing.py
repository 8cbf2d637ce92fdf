"""`rota size`: does today's team meet a service-level target, and which is the smallest team in
a mix of patterns that does (and whom to hire for it). Each trial team is planned as a scenario
of the workspace (`planner.analysis.scenarios`) and the total is found by a search over team
sizes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import InputError
from forecasts.staffing import largest_remainder
from planner.analysis.scenarios import (
    base_scenario,
    hypothetical_agent,
    open_workspace,
    prepare_job,
    run_job,
    workspace_people,
)



@dataclass(frozen=True)
class SizeResult:
    """The smallest team in the mix that met the target, and how it was found."""

    target: float
    total: int
    needed: dict[str, int]
    current: dict[str, int]
    hire: dict[str, int]
    service_level: float
    tried: tuple[tuple[int, float], ...]   # (total headcount, service level) in the order run
    met: bool
    mix: dict[str, float] = field(default_factory=dict)   # the share of each pattern asked for
    today: dict[str, int] = field(default_factory=dict)   # the team as it is, every pattern
    today_level: float | None = None                      # the service level the team as it is gives

    @property
    def enough_today(self) -> bool | None:
        """Does today's team reach the target (the question asked first)? None: not tried."""
        return None if self.today_level is None else self.today_level >= self.target

    @property
    def spare(self) -> dict[str, int]:
        """Agents today above what the mix asks for, per pattern."""
        return {p: max(0, n - self.needed.get(p, 0)) for p, n in self.today.items()}


def parse_mix(text: str, patterns: Sequence[str]) -> dict[str, float]:
    """`2/2=0.5,3/3=0.2,5/2=0.3` -> shares that add up to 1."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, share = part.partition("=")
        name = name.strip()
        if not sep or name not in patterns:
            raise InputError(f"--mix expects PATTERN=SHARE with a pattern of rota.toml ({', '.join(sorted(patterns))}), "
                             f"got {part!r}")
        try:
            value = float(share.replace(",", "."))
        except ValueError:
            raise InputError(f"--mix share of {name} is not a number: {share!r}") from None
        if value < 0 or not math.isfinite(value):
            raise InputError(f"--mix share of {name} must be 0 or more, got {share!r}")
        mix[name] = mix.get(name, 0.0) + value
    total = sum(mix.values())
    if total <= 0:
        raise InputError("--mix needs at least one pattern with a share above 0")
    return {k: v / total for k, v in mix.items()}


def split_total(total: int, mix: dict[str, float]) -> dict[str, int]:
    """Whole agents per pattern in proportion to the mix (largest remainder, ties by order)."""
    names = list(mix)
    return dict(zip(names, (int(b) for b in largest_remainder(total, np.array([mix[n] for n in names], dtype=float)))))


def team_for(agents: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """The first agents of each pattern (file order) up to the count, then vacancies."""
    parts = []
    for pattern, n in counts.items():
        have = agents[agents["pattern"] == pattern].iloc[:n]
        parts.append(have)
        if n > len(have):
            parts.append(pd.DataFrame([hypothetical_agent(agents, pattern, k + 1) for k in range(n - len(have))])
                         .astype({"cycle_start": "datetime64[ns]"}))
    return pd.concat(parts, ignore_index=True)


def size_team(
    evaluate: Callable[[dict[str, int]], float], mix: dict[str, float], target: float, current: dict[str, int],
    *, start_total: int, max_total: int = 5000,
) -> SizeResult:
    """Bisection on the total headcount: the smallest total whose split by the mix gives a
    contact-weighted service level of at least `target` (assumes more agents never serve worse)."""
    tried: list[tuple[int, float]] = []
    level: dict[int, float] = {}

    def ok(n: int) -> bool:
        if n not in level:
            level[n] = evaluate(split_total(n, mix))
            tried.append((n, level[n]))
        return level[n] >= target

    hi = max(1, start_total)
    lo = 0
    while not ok(hi):
        lo = hi
        if hi >= max_total:
            return SizeResult(target, hi, split_total(hi, mix), current,
                              {p: max(0, n - current.get(p, 0)) for p, n in split_total(hi, mix).items()},
                              level[hi], tuple(tried), False)
        hi = min(hi * 2, max_total)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    needed = split_total(hi, mix)
    return SizeResult(target, hi, needed, current, {p: max(0, n - current.get(p, 0)) for p, n in needed.items()},
                      level[hi], tuple(tried), True)


def size_workspace(workspace: Path, start: date, weeks: int, mix: str, target: float, *,
                   time_limit_s: float | None = None, console=None,
                   report: Callable[[int, float], None] | None = None, force: bool = False) -> SizeResult:
    """`rota size`: how many agents per pattern of the mix meet `target` over the horizon."""
    if not 0 < target <= 1:
        raise InputError(f"--target is a service level between 0 and 1, got {target}")
    ws = open_workspace(workspace, start, weeks, console=console, force=force)
    shares = parse_mix(mix, list(ws.cfg.book.patterns))
    agents, _ = workspace_people(ws.cfg)
    current = {p: int((agents["pattern"] == p).sum()) for p in shares}
    base = base_scenario(ws.cfg)

    def level(team: pd.DataFrame) -> float:
        res = run_job(prepare_job(ws, base, time_limit_s=time_limit_s, agents=team))
        sl = res.summary["service_level"]
        sl = 0.0 if sl is None else float(sl)
        if report is not None:
            report(len(team), sl)
        return sl

    # the question asked first: is the team as it is (every pattern, not the mix) enough?
    today_level = level(agents)
    found = size_team(lambda counts: level(team_for(agents, counts)), shares, target, current,
                      start_total=max(1, sum(current.values())))
    today = {str(p): int(n) for p, n in agents["pattern"].value_counts().sort_index().items()}
    return replace(found, mix=shares, today=today, today_level=today_level)
