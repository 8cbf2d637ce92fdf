"""constraints/skills.py: who may serve which series (channel x queue), as the contract says.

An agent may serve (channel C, queue Q) iff it has C among its skills and every tag Q needs; an
empty skills cell serves every series; the pooled channel `all` is served by every agent; names
and tokens match in any case; `;` and `,` both separate tokens.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from common.errors import RuleError
from constraints.skills import (
    QueueNeeds,
    canonical_skills,
    eligibility,
    may_serve,
    parse_queues,
    skill_tokens,
    unknown_tokens,
)

NEEDS = parse_queues({"buyers": {"needs": ["buyers"]}, "sellers": {"needs": ["sellers"]},
                      "sellers_en": {"needs": ["sellers", "en"]}})


def serves(cell: str | None, channel: str, queue: str, needs: QueueNeeds = NEEDS) -> bool:
    return may_serve(skill_tokens(cell), channel, queue, needs)


# ------------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("cell, tokens", [
    ("phone;chat;buyers", {"phone", "chat", "buyers"}),
    ("Chat, EMAIL ,sellers", {"chat", "email", "sellers"}),      # ',' separates too; any case
    ("chat;;chat; ", {"chat"}),                                   # empty parts and repeats go
    ("phone,chat;en", {"phone", "chat", "en"}),
    ("", set()),
    ("  ;  ", set()),
    (None, set()),
    (float("nan"), set()),
    (pd.NA, set()),
])
def test_skill_tokens(cell, tokens) -> None:
    assert skill_tokens(cell) == frozenset(tokens)


def test_canonical_skills_sorts_and_lowers() -> None:
    assert canonical_skills("Phone, chat;SELLERS;en") == "chat;en;phone;sellers"
    assert canonical_skills(None) == "" and canonical_skills(math.nan) == "" and canonical_skills(" ") == ""
    assert canonical_skills("chat") == canonical_skills("CHAT;chat")


# ------------------------------------------------------------------------------- matching


def test_the_channel_and_every_tag_of_the_queue_are_needed() -> None:
    assert serves("chat;sellers;en", "chat", "sellers_en")
    assert serves("chat;sellers;en", "chat", "sellers")           # the en agent serves plain sellers too
    assert not serves("chat;sellers", "chat", "sellers_en")       # a tag missing
    assert not serves("chat;en", "chat", "sellers_en")            # the other tag missing
    assert not serves("email;sellers;en", "chat", "sellers_en")   # the channel missing
    assert not serves("chat;sellers;en", "chat", "buyers")
    assert not serves("sellers;en", "chat", "sellers_en")         # tags without a channel serve nothing


def test_a_queue_with_no_entry_needs_only_the_channel() -> None:
    assert serves("phone", "phone", "main")
    assert serves("phone;sellers", "phone", "vip")
    assert not serves("chat", "phone", "main")
    assert not serves("buyers", "phone", "main")


def test_an_empty_cell_serves_every_series() -> None:
    for cell in ("", None, float("nan"), " ; "):
        assert serves(cell, "chat", "sellers_en")
        assert serves(cell, "phone", "buyers")
        assert serves(cell, "fax", "anything")


def test_the_pooled_channel_all_is_served_by_every_agent() -> None:
    assert serves("email;buyers", "all", "main")
    assert serves("email;buyers", "ALL", "sellers_en")
    assert serves("chta", "all", "main")


def test_names_and_tokens_match_in_any_case() -> None:
    needs = QueueNeeds({"Sellers_EN": frozenset({"Sellers", "EN"})})
    assert needs.of("sellers_en") == {"sellers", "en"}
    assert needs.of("SELLERS_EN") == {"sellers", "en"}
    assert serves("CHAT;Sellers;En", "Chat", "SELLERS_en", needs)
    assert may_serve(frozenset({"Chat", "Sellers", "EN"}), "chat", "sellers_en", needs)
    assert not serves("CHAT;Sellers", "Chat", "SELLERS_en", needs)


def test_eligibility_is_may_serve_for_every_agent_and_series() -> None:
    skills = ["phone;chat;buyers", "chat;email;sellers", "phone;chat;sellers;en", "", None, "Chat, Buyers, Sellers"]
    series = [("phone", "buyers"), ("chat", "buyers"), ("chat", "sellers"), ("chat", "sellers_en"),
              ("email", "sellers_en"), ("all", "main")]
    got = eligibility(skills, series, NEEDS)
    assert got.dtype == bool and got.shape == (6, 6)
    expected = np.array([
        [1, 1, 0, 0, 0, 1],
        [0, 0, 1, 0, 0, 1],
        [0, 0, 1, 1, 0, 1],
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
        [0, 1, 1, 0, 0, 1],
    ], dtype=bool)
    assert (got == expected).all()
    for i, cell in enumerate(skills):
        for j, (c, q) in enumerate(series):
            assert got[i, j] == serves(cell, c, q)
    assert eligibility([], series, NEEDS).shape == (0, 6)
    assert eligibility(skills, [], NEEDS).shape == (6, 0)


def test_unknown_tokens_are_neither_channels_nor_needed_tags() -> None:
    channels = ["phone", "Chat", "email"]
    assert unknown_tokens(skill_tokens("chta;sellers;en;phone"), channels, NEEDS) == {"chta"}
    assert unknown_tokens(skill_tokens("chat;buyers"), channels, NEEDS) == set()
    assert unknown_tokens(skill_tokens("chat;en"), channels, QueueNeeds()) == {"en"}   # no queue needs en
    assert unknown_tokens(frozenset(), channels, NEEDS) == set()


# ------------------------------------------------------------------------------- [queues]


def test_parse_queues_lowers_names_and_tags() -> None:
    needs = parse_queues({"Sellers_EN": {"needs": [" Sellers", "EN"]}, "vip": {"needs": []}, "open": {}})
    assert needs.needs == {"sellers_en": {"sellers", "en"}, "vip": frozenset(), "open": frozenset()}
    assert needs.of("buyers") == frozenset()
    assert needs.tags == {"sellers", "en"}
    assert parse_queues({}) == QueueNeeds()


@pytest.mark.parametrize("raw, setting, words", [
    (["sellers"], "queues", "tables"),
    ({"sellers": ["sellers"]}, "queues.sellers", "table"),
    ({"sellers": {"needs": "sellers"}}, "queues.sellers.needs", "list of tags"),
    ({"sellers": {"needs": ["sellers", 1]}}, "queues.sellers.needs", "list of tags"),
    ({"sellers": {"needs": ["sellers en"]}}, "queues.sellers.needs", "one word"),
    ({"sellers": {"needs": ["sellers;en"]}}, "queues.sellers.needs", "one word"),
    ({"sellers": {"needs": [""]}}, "queues.sellers.needs", "one word"),
    ({"sellers": {"need": ["sellers"]}}, "queues.sellers.need", "unknown key"),
    ({"Sellers": {"needs": []}, "sellers": {"needs": []}}, "queues.sellers", "twice"),
])
def test_parse_queues_names_the_bad_setting(raw, setting: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_queues(raw)
    assert info.value.setting == setting
    assert words in info.value.message
