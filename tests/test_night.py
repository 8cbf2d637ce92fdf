"""constraints/night.py: the one night window, checked against art. 96's own numbers."""

from __future__ import annotations

from datetime import datetime, time

import numpy as np
import pytest
from pydantic import ValidationError

from common.errors import FieldError, RuleError
from constraints.labour import parse_labour
from constraints.night import LEGAL_NIGHT, NightWindow, check_night_window
from constraints.pay import night_hours_of, parse_pay


def test_the_legal_night_is_22_to_6() -> None:
    assert (LEGAL_NIGHT.start, LEGAL_NIGHT.end) == (time(22), time(6))      # art. 96
    assert LEGAL_NIGHT.hours_per_day == 8 and str(LEGAL_NIGHT) == "22:00-06:00"
    assert NightWindow() == LEGAL_NIGHT
    check_night_window(time(22), time(6))


def test_a_wider_night_is_allowed() -> None:
    wide = NightWindow.model_validate({"night_start": "21:00", "night_end": "07:00"})
    assert (wide.start, wide.end, wide.hours_per_day) == (time(21), time(7), 10)


@pytest.mark.parametrize(("start", "end", "setting", "words"), [
    (time(23), time(6), "night_start", "art. 96"),       # starts after 22:00: narrower than the law
    (time(22), time(5), "night_end", "art. 96"),         # ends before 06:00
    (time(2), time(6), "night_start", "art. 96"),        # not an evening
    (time(22), time(13), "night_end", "art. 96"),        # not a morning
    (time(12), time(12), "night_start", "empty"),
])
def test_a_narrower_or_empty_night_is_refused_naming_the_setting(start: time, end: time, setting: str,
                                                                 words: str) -> None:
    with pytest.raises(FieldError) as err:
        check_night_window(start, end)
    assert err.value.loc == (setting,) and words in err.value.message
    with pytest.raises(ValidationError):
        NightWindow(start=start, end=end)


def test_a_20_to_08_shift_has_8_night_hours() -> None:
    assert LEGAL_NIGHT.hours(20, 32) == 8
    assert LEGAL_NIGHT.hours(22, 30) == 8 and LEGAL_NIGHT.hours(8, 20) == 0 and LEGAL_NIGHT.hours(18, 27) == 5
    assert NightWindow(start=time(21), end=time(7)).hours(20, 32) == 10
    t = np.array([0, 6 * 3600, 22 * 3600, 86_400, 3 * 86_400 + 23 * 3600])
    assert LEGAL_NIGHT.seconds_before(t).tolist() == [0, 6 * 3600, 6 * 3600, 8 * 3600, 3 * 8 * 3600 + 7 * 3600]


def test_labour_and_pay_read_one_window() -> None:
    labour = parse_labour({"night_start": "21:00", "night_end": "07:00"})
    pay = parse_pay({}, night=labour.night)
    assert pay.night == labour.night == NightWindow(start=time(21), end=time(7))
    assert (pay.night_start, pay.night_end) == (labour.night_start, labour.night_end)
    assert labour.night_window_h == 10
    shift = ([datetime(2026, 11, 24, 20)], [datetime(2026, 11, 25, 8)])
    assert night_hours_of(*shift, pay).tolist() == [10]
    with pytest.raises(RuleError) as err:                  # the same check, the pay setting named
        parse_pay({"night_end": "05:00"})
    assert err.value.setting == "pay.night_end" and "art. 96" in err.value.message
