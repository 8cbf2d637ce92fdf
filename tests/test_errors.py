"""common/errors.py: one translation of pydantic's errors into a setting and a readable line."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.errors import FieldError, pydantic_problem, setting_path


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: str = Field("07:00", alias="from")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: float = Field(1.0, gt=0)
    word: str = "ok"
    parts: list[_Part] = []
    low: int = 0
    high: int = 1

    @field_validator("word")
    @classmethod
    def _word(cls, v: str) -> str:
        if v != "ok":
            raise ValueError(f"{v!r} is not ok")
        return v

    @model_validator(mode="after")
    def _order(self) -> _Table:
        if self.high < self.low:
            raise FieldError("must not be below low", "high")
        return self


def problem(raw: dict, **hooks) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        _Table.model_validate(raw)
    return pydantic_problem(info.value, ("sec",), **hooks)


def test_the_setting_and_plain_words() -> None:
    assert problem({"rate": 0}) == ("sec.rate", "Input should be greater than 0")
    assert problem({"word": "bad"}) == ("sec.word", "'bad' is not ok")          # no "Value error, "
    assert problem({"typo": 1})[0] == "sec.typo"


def test_a_check_of_several_fields_names_its_field() -> None:
    assert problem({"low": 5, "high": 2}) == ("sec.high", "must not be below low")


def test_list_positions_and_the_hooks() -> None:
    assert problem({"parts": [{}, {"from": 5}]})[0] == "sec.parts.1.from"
    assert problem({"parts": [{}, {"from": 5}]}, brackets=True)[0] == "sec.parts[1].from"
    renamed = problem({"parts": [{"from": 5}]}, locate=lambda loc: loc[:2] + ("at",))
    assert renamed[0] == "sec.parts.0.at"
    worded = problem({"typo": 1}, describe=lambda err, where: f"unknown {where}" if err["type"] == "extra_forbidden"
                     else None)
    assert worded == ("sec.typo", "unknown sec.typo")
    assert problem({"rate": 0}, describe=lambda err, where: None)[1] == "Input should be greater than 0"


def test_setting_path() -> None:
    assert setting_path(("channels", "phone", "periods", 0, "from"), brackets=True) == "channels.phone.periods[0].from"
    assert setting_path(("volume", 0, "factor")) == "volume.0.factor"
    assert setting_path(()) == ""
