"""One table of yes/no words for the loader and the checker (common.words)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.words import YES_NO, cell_text, is_blank, yes_no


@pytest.mark.parametrize(("cell", "value"), [
    ("true", True), (" Да ", True), ("ИСТИНА", True), (1, True), (1.0, True), (True, True), (np.True_, True),
    ("false", False), ("нет", False), ("ложь", False), ("0", False), (0, False), (False, False), ("no", False),
    ("n", None), ("y", None), ("maybe", None), ("", None), ("  ", None), (None, None), (float("nan"), None),
    (pd.NaT, None),
])
def test_yes_no(cell, value) -> None:
    assert yes_no(cell) is value


def test_blank_and_text() -> None:
    assert is_blank(None) and is_blank(" ") and is_blank(np.nan) and not is_blank(0) and not is_blank([1])
    assert cell_text(np.False_) == "false" and cell_text(2.0) == "2" and cell_text(" Да") == "да"
    assert set(YES_NO) >= {"да", "нет", "истина", "ложь"}
