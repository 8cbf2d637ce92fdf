"""Who may serve which series: the agents' skills and the tags each queue needs (`[queues]`).

An agent's `skills` cell holds tokens separated by `;` or `,`, in any case. A token is either a
channel of rota.toml (`phone`, `chat`, `email`, ... the names of `[channels.*]`) or a tag (any
other word: `buyers`, `sellers`, `en`). `[queues.NAME] needs = ["tag", ...]` lists the tags an
agent must have to serve queue NAME on any channel; a queue with no entry needs no tag.

An agent may serve the series (channel C, queue Q) when it has C among its skills and every tag
Q needs. An agent whose cell is empty may serve every series, so a site that keeps no skills
plans as one pooled team; and every agent may serve the pooled series of a requirements file
without channels (channel `all`). Channel and queue names match in any case.

Pure: no file, no pandas; the planner reads the files and words the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from common.errors import RuleError, pydantic_problem

POOLED_CHANNEL = "all"          # the one series of a requirements file without a channel column
_SEPARATOR = re.compile(r"[;,]")
_WORD = re.compile(r"[^\s;,]+")


@dataclass(frozen=True)
class QueueNeeds:
    """The `[queues]` table: the tags (lower case) each queue (lower case) needs."""

    needs: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clean = {str(q).strip().lower(): frozenset(str(t).strip().lower() for t in tags)
                 for q, tags in self.needs.items()}
        object.__setattr__(self, "needs", clean)

    def of(self, queue: str) -> frozenset[str]:
        """The tags `queue` needs; none for a queue with no entry."""
        return self.needs.get(str(queue).strip().lower(), frozenset())

    @property
    def tags(self) -> frozenset[str]:
        """Every tag some queue needs."""
        return frozenset().union(*self.needs.values())


class _Queue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    needs: list[str] = Field(default_factory=list)

    @field_validator("needs")
    @classmethod
    def _one_word_each(cls, tags: list[str]) -> list[str]:
        out = []
        for tag in tags:
            word = tag.strip().lower()
            if not _WORD.fullmatch(word):
                raise ValueError(f"tag {tag!r} must be one word without spaces, ';' or ','")
            out.append(word)
        return out


def _plain_words(err: Any, setting: str) -> str | None:
    """A queue's problems in a team lead's words; None keeps pydantic's own."""
    if err["type"] == "extra_forbidden":
        return f"unknown key {setting!r}: a queue has only needs = [\"tag\", ...]"
    if err["type"] in ("list_type", "string_type"):
        return 'must be a list of tags, such as needs = ["sellers", "en"]'
    return None


def parse_queues(raw: Any) -> QueueNeeds:
    """Validate the `[queues]` table of rota.toml: `[queues.NAME] needs = ["tag", ...]`.

    Bad input raises RuleError naming the setting (`queues.sellers_en.needs`).
    """
    if not isinstance(raw, Mapping):
        raise RuleError("must be a set of [queues.NAME] tables with needs = [\"tag\", ...]", setting="queues")
    needs: dict[str, frozenset[str]] = {}
    named: dict[str, str] = {}
    for name, table in raw.items():
        key = str(name).strip().lower()
        if not key:
            raise RuleError("a queue needs a name", setting=f"queues.{name}")
        if key in named:
            raise RuleError(f"queue {name!r} is given twice (also as {named[key]!r}; queue names match in any case)",
                            setting=f"queues.{name}")
        if not isinstance(table, Mapping):
            raise RuleError(f"must be a table such as [queues.{name}] needs = [\"tag\", ...], got {table!r}",
                            setting=f"queues.{name}")
        try:
            queue = _Queue.model_validate(dict(table))
        except ValidationError as exc:
            setting, message = pydantic_problem(exc, ("queues", str(name)), locate=lambda loc: loc[:1],
                                                describe=_plain_words)
            raise RuleError(message, setting=setting) from None
        named[key] = str(name)
        needs[key] = frozenset(queue.needs)
    return QueueNeeds(needs)


def skill_tokens(cell: str | None) -> frozenset[str]:
    """The lower-case tokens of a skills cell; none for an empty, None or NaN cell."""
    if not isinstance(cell, str):
        try:
            if cell is None or cell != cell:          # None, NaN
                return frozenset()
        except TypeError:                              # pandas' NA has no truth value
            return frozenset()
        cell = str(cell)
    return frozenset(t for t in (p.strip().lower() for p in _SEPARATOR.split(cell)) if t)


def canonical_skills(cell: str | None) -> str:
    """A skills cell as its sorted tokens joined by `;` (`""` when empty)."""
    return ";".join(sorted(skill_tokens(cell)))


def may_serve(tokens: frozenset[str], channel: str, queue: str, needs: QueueNeeds) -> bool:
    """Whether an agent with these skill tokens may serve the series (channel, queue): it has
    the channel and every tag the queue needs; no tokens at all, or the pooled channel `all`,
    serve everything."""
    if not tokens:
        return True
    channel = str(channel).strip().lower()
    if channel == POOLED_CHANNEL:
        return True
    have = {t.lower() for t in tokens}
    return channel in have and needs.of(queue) <= have


def eligibility(skills: Sequence[str | None], series: Sequence[tuple[str, str]], needs: QueueNeeds) -> np.ndarray:
    """(agents, series) booleans: whether agent i (its skills cell) may serve series j (channel, queue)."""
    series = list(series)
    out = np.zeros((len(skills), len(series)), dtype=bool)
    rows: dict[frozenset[str], np.ndarray] = {}
    for i, cell in enumerate(skills):
        tokens = skill_tokens(cell)
        if tokens not in rows:
            rows[tokens] = np.array([may_serve(tokens, c, q, needs) for c, q in series], dtype=bool)
        out[i] = rows[tokens]
    return out


def unknown_tokens(tokens: frozenset[str], channels: Iterable[str], needs: QueueNeeds) -> frozenset[str]:
    """The tokens that are neither a channel nor a tag some queue needs (a typo such as `chta`)."""
    known = {str(c).strip().lower() for c in channels} | needs.tags
    return frozenset(t for t in tokens if t.lower() not in known)
