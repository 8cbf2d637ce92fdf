"""`rota size`: does today's team meet a service-level target, and which is the smallest team in
a mix of patterns that does (and whom to hire for it). Each trial team is planned as a scenario
of the workspace (`planner.analysis.scenarios`) and the total is found by a search over team
sizes. With a skill set, only the agents who have it are sized, against the service of the series
they may serve."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import InputError
from constraints.skills import canonical_skills, may_serve, skill_tokens
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
    today: dict[str, int] = field(default_factory=dict)   # the team as it is, every pattern (with --skills: the sized)
    today_level: float | None = None                      # the service level the team as it is gives
    skills: str = ""                        # with --skills: the skill set sized (others kept as they are)
    series: tuple[str, ...] = ()            # with --skills: the series whose service was the target

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


def team_for(agents: pd.DataFrame, counts: dict[str, int], skills: str | None = None) -> pd.DataFrame:
    """The first agents of each pattern (file order) up to the count, then vacancies. With
    `skills` (canonical), only agents with exactly those skills are counted and the vacancies
    get them; everyone else stays as they are."""
    sized = agents if skills is None else agents[agents["skills"].map(canonical_skills) == skills]
    parts = [] if skills is None else [agents.drop(sized.index)]
    for pattern, n in counts.items():
        have = sized[sized["pattern"] == pattern].iloc[:n]
        parts.append(have)
        if n > len(have):
            new = [hypothetical_agent(agents, pattern, k + 1) for k in range(n - len(have))]
            if skills is not None:
                new = [{**row, "agent_id": f"NEW-{skills}-{row['agent_id'][4:]}", "skills": skills} for row in new]
            parts.append(pd.DataFrame(new).astype({"cycle_start": "datetime64[ns]"}))
    return pd.concat(parts, ignore_index=True)


def series_level(by_queue: Sequence[dict], series: Sequence[str]) -> float | None:
    """Contact-weighted service level of some series of summary.json's `by_queue`."""
    rows = [r for r in by_queue if f"{r['channel']}/{r['queue']}" in series and r["service_level"] is not None]
    weight = sum(r["contacts"] for r in rows)
    return sum(r["service_level"] * r["contacts"] for r in rows) / weight if weight > 0 else None


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


def size_workspace(workspace: Path, start: date, mix: str, target: float, *, days: int,
                   time_limit_s: float | None = None, console=None, skills: str | None = None,
                   report: Callable[[int, float], None] | None = None, force: bool = False) -> SizeResult:
    """`rota size`: does today's team meet `target` over the `days` days from `start`, and how many
    agents per pattern of the mix do.

    With `skills` (e.g. `chat;sellers;en`) only agents with exactly those skills are sized, the
    rest of the team stays, and the target is the service level of the series those skills may
    serve: "how many English-speaking seller agents do we need"."""
    if not 0 < target <= 1:
        raise InputError(f"--target is a service level between 0 and 1, got {target}")
    ws = open_workspace(workspace, start, days=days, console=console, force=force)
    shares = parse_mix(mix, list(ws.cfg.book.patterns))
    agents, _ = workspace_people(ws.cfg)
    wanted = None if skills is None else canonical_skills(skills)
    served: tuple[str, ...] = ()
    if wanted is not None:
        tokens = skill_tokens(wanted)
        series = ws.forecast[["channel", "queue"]].drop_duplicates()
        served = tuple(f"{c}/{q}" for c, q in zip(series["channel"], series["queue"])
                       if may_serve(tokens, c, q, ws.cfg.queues))
        if not tokens or not served:
            raise InputError(f"--skills {skills!r} may serve none of the workspace's series", column="skills")
    sized = agents if wanted is None else agents[agents["skills"].map(canonical_skills) == wanted]
    current = {p: int((sized["pattern"] == p).sum()) for p in shares}
    base = base_scenario(ws.cfg)

    def level(team: pd.DataFrame, n: int) -> float:
        res = run_job(prepare_job(ws, base, time_limit_s=time_limit_s, agents=team))
        sl = res.summary["service_level"] if wanted is None else series_level(res.summary["by_queue"], served)
        sl = 0.0 if sl is None else float(sl)
        if report is not None:
            report(n, sl)
        return sl

    # the question asked first: is the team as it is (every pattern, not the mix) enough?
    today_level = level(agents, len(sized))
    found = size_team(lambda counts: level(team_for(agents, counts, wanted), sum(counts.values())), shares, target,
                      current, start_total=max(1, sum(current.values())))
    today = {str(p): int(n) for p, n in sized["pattern"].value_counts().sort_index().items()}
    return replace(found, mix=shares, today=today, today_level=today_level, skills=wanted or "", series=served)
