"""[staffing] and [channels.*] settings: the documented example parses, defaults exist, and
each kind of bad setting gives one message naming it."""

from __future__ import annotations

import copy
import tomllib

import numpy as np
import pytest

from common.errors import InputError
from forecasts.channels import (
    DEFAULT_CHANNELS,
    ChatChannel,
    EmailChannel,
    ErlangAChannel,
    StaffingSettings,
    parse_staffing,
)

EXAMPLE = tomllib.loads(
    """
[site]
name = "ignored here: owned by the planner"

[staffing]
shrinkage = 0.30
max_occupancy = 0.88

[channels.phone]
model = "erlang_a"
aht_s = 300
answer_s = 20
sl_target = 0.80
patience_s = 240
[[channels.phone.periods]]
from = "22:00"
to = "08:00"
answer_s = 60
sl_target = 0.70

[channels.chat]
model = "chat"
aht_s = 900
concurrency = 2.5
answer_s = 60
sl_target = 0.80
max_occupancy = 0.80
[[channels.chat.periods]]
from = "00:00"
to = "08:00"
answer_s = 900

[channels.email]
model = "email"
aht_s = 420
response_h = 8
shrinkage = 0.20
[[channels.email.periods]]
from = "20:00"
to = "08:00"
response_h = 12
"""
)


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def test_documented_example_parses() -> None:
    s = parse_staffing(EXAMPLE, "rota.toml")
    assert isinstance(s, StaffingSettings)
    assert (s.shrinkage, s.max_occupancy) == (0.30, 0.88)
    phone, chat, email = s.channel("phone"), s.channel("chat"), s.channel("email")
    assert isinstance(phone, ErlangAChannel) and phone.patience_s == 240
    assert isinstance(chat, ChatChannel) and chat.concurrency == 2.5
    assert isinstance(email, EmailChannel) and email.response_h == 8
    assert s.max_occupancy_for("chat") == 0.80 and s.max_occupancy_for("phone") == 0.88
    assert s.shrinkage_for("email") == 0.20 and s.shrinkage_for("chat") == 0.30


def test_periods_wrap_midnight_and_fall_back_to_channel_targets() -> None:
    s = parse_staffing(EXAMPLE, "rota.toml")
    minutes = np.array([hm(t) for t in ("00:00", "07:59", "08:00", "12:00", "21:59", "22:00", "23:30")])
    phone = s.channel("phone")
    assert phone.target("sl_target", minutes).tolist() == [0.70, 0.70, 0.80, 0.80, 0.80, 0.70, 0.70]
    assert phone.target("answer_s", minutes).tolist() == [60, 60, 20, 20, 20, 60, 60]
    chat = s.channel("chat")  # a period that sets answer_s only keeps the channel's sl_target
    assert chat.target("answer_s", minutes).tolist() == [900, 900, 60, 60, 60, 60, 60]
    assert chat.target("sl_target", minutes).tolist() == [0.80] * 7
    assert s.channel("email").target("response_h", minutes).tolist() == [12, 12, 8, 8, 12, 12, 12]  # from 20:00


def test_defaults_cover_phone_chat_and_email_without_config() -> None:
    s = parse_staffing({}, "rota.toml")
    assert set(s.channels) >= {"phone", "chat", "email"}
    assert s.channels["phone"] is DEFAULT_CHANNELS["phone"]
    assert 0.25 <= s.shrinkage <= 0.35 and 0.85 <= s.max_occupancy <= 0.90  # DESIGN.md section 4 ranges
    for name in ("phone", "chat", "email"):
        assert s.channel(name).aht_s > 0
    only_phone = parse_staffing({"channels": {"phone": {"model": "erlang_c", "sl_target": 0.9}}}, "rota.toml")
    assert only_phone.channel("phone").sl_target == 0.9 and only_phone.channel("phone").answer_s == 20
    assert only_phone.channel("email") is DEFAULT_CHANNELS["email"]


def test_unknown_channel_is_named() -> None:
    with pytest.raises(InputError) as err:
        parse_staffing({}, "rota.toml").channel("whatsapp")
    assert err.value.column == "channels.whatsapp" and "[channels.whatsapp]" in err.value.message


def _set(path: str, value):
    def change(doc: dict) -> None:
        *parents, last = path.split(".")
        node = doc
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is KeyError:
            del node[last]
        elif isinstance(node, list):
            node.append(value)
        else:
            node[last] = value

    return change


@pytest.mark.parametrize(
    "change, column, words",
    [
        (_set("channels.phone.sl_target", 1.5), "channels.phone.sl_target", "< 1"),
        (_set("channels.phone.sl_target", 1.0), "channels.phone.sl_target", "< 1"),
        (_set("channels.phone.aht_s", -5), "channels.phone.aht_s", "> 0"),
        (_set("channels.phone.model", "erlang_x"), "channels.phone.model", "unknown channel model"),
        (_set("channels.phone.patience_s", KeyError), "channels.phone.patience_s", "required"),
        (_set("channels.chat.concurrency", 0.5), "channels.chat.concurrency", ">= 1"),
        (_set("staffing.shrinkage", 1.0), "staffing.shrinkage", "< 1"),
        (_set("staffing.max_occupancy", 0), "staffing.max_occupancy", "> 0"),
        (_set("channels.phone.periods.0.from", "8am"), "channels.phone.periods[0].from", "HH:MM"),
        (_set("channels.phone.periods.0.to", "25:00"), "channels.phone.periods[0].to", "HH:MM"),
        (_set("channels.phone.periods.0.to", "22:00"), "channels.phone.periods[0]", "empty"),
        (_set("channels.phone.periods.0.response_h", 2), "channels.phone.periods[0].response_h", "not used"),
        (_set("channels.phone.periods.x", {"from": "07:00", "to": "09:00"}), "channels.phone.periods[1].from",
         "overlaps periods[0]"),
        (_set("channels.email.answer_s", 30), "channels.email.answer_s", "unknown setting"),
        (_set("channels.phone.aht_s", "fast"), "channels.phone.aht_s", "number"),
        (_set("channels.phone.model", KeyError), "channels.phone.model", "required"),
    ],
)
def test_bad_settings_give_one_message_naming_the_setting(change, column: str, words: str) -> None:
    doc = copy.deepcopy(EXAMPLE)
    change(doc)
    with pytest.raises(InputError) as err:
        parse_staffing(doc, "ws/rota.toml")
    assert err.value.file == "ws/rota.toml"
    assert err.value.column == column
    assert words in err.value.message
    assert "\n" not in str(err.value)
