"""forecasts.columns: typed values from raw cells, every bad cell one exact InputError."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasts.columns import (
    OFFSET_DROPPED,
    spreadsheet_row,
    to_bools,
    to_choice,
    to_dates,
    to_numbers,
    to_strings,
    to_timestamps,
)
from forecasts.tables import read_table
from table_files import error, workbook, write


# --- text cells --------------------------------------------------------------------------------


def _frame(tmp_path, text: str) -> pd.DataFrame:
    return read_table(write(tmp_path / "t.csv", text))


def test_numbers_errors_name_first_bad_cell(tmp_path):
    df = _frame(tmp_path, "a;b\n1;2\n-3;x\n4;-1\n")
    err = error(to_numbers, df, "b")
    assert (err.file, err.row, err.column) == ("t.csv", 3, "b")
    err = error(to_numbers, df, "a", min_value=0)
    assert (err.row, err.column) == (3, "a") and "-3 is below the minimum 0" in err.message


@pytest.mark.parametrize("cell", ["inf", "nan", "1e999", "-inf"])
def test_numbers_must_be_finite(tmp_path, cell):
    err = error(to_numbers, _frame(tmp_path, f"a\n1\n{cell}\n"), "a")
    assert err.row == 3


def test_numbers_thousands_separators(tmp_path):
    df = _frame(tmp_path, "a;b\n1 234;x\n1\u00a0234,5;x\n12\u202f000;x\n-7;x\n")
    assert to_numbers(df, "a").tolist() == [1234.0, 1234.5, 12000.0, -7.0]


def test_numbers_integer_and_strict_bound(tmp_path):
    df = _frame(tmp_path, "a;b\n1;0\n2,5;3\n")
    err = error(to_numbers, df, "a", integer=True)
    assert err.row == 3 and "not a whole number" in err.message
    err = error(to_numbers, df, "b", above=0)
    assert err.row == 2 and "greater than 0" in err.message
    ints = to_numbers(_frame(tmp_path, "a;b\n1;\n2;\n"), "a", integer=True)
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2]


def test_empty_cells(tmp_path):
    df = _frame(tmp_path, "a;b\n1;\n2;  \n")
    err = error(to_numbers, df, "b")
    assert (err.row, err.column) == (2, "b") and "empty" in err.message
    assert to_numbers(df, "b", allow_empty=True).isna().all()
    nullable = to_numbers(_frame(tmp_path, "a;b\n1;x\n;x\n"), "a", integer=True, allow_empty=True)
    assert str(nullable.dtype) == "Int64" and nullable.iloc[0] == 1 and pd.isna(nullable.iloc[1])


@pytest.mark.parametrize("cell", [
    "2026-11-16 08:30", "2026-11-16 08:30:00", "2026-11-16T08:30", "2026-11-16T08:30:00",
    "16.11.2026 08:30", "16.11.2026 08:30:00", "16.11.2026 8:30", " 2026-11-16 08:30 ",
])
def test_timestamp_formats(tmp_path, cell):
    parsed = to_timestamps(_frame(tmp_path, f"ts;x\n{cell};1\n"), "ts")
    assert parsed.tolist() == [pd.Timestamp(2026, 11, 16, 8, 30)]
    assert not parsed.attrs[OFFSET_DROPPED]


@pytest.mark.parametrize("cell", [
    "2026-11-16T08:30:00Z", "2026-11-16T08:30:00+03:00", "2026-11-16 08:30+0500",
    "16.11.2026 08:30 +03:00",
])
def test_offset_dropped_keeps_wall_clock(tmp_path, cell):
    parsed = to_timestamps(_frame(tmp_path, f"ts;x\n2026-11-16 07:30;1\n{cell};1\n"), "ts")
    assert parsed.tolist() == [pd.Timestamp(2026, 11, 16, 7, 30), pd.Timestamp(2026, 11, 16, 8, 30)]
    assert parsed.attrs[OFFSET_DROPPED]


@pytest.mark.parametrize("cell", ["31.02.2026 08:00", "2026", "вчера", "2026-11-16 25:00", "11/16/2026"])
def test_bad_timestamps(tmp_path, cell):
    err = error(to_timestamps, _frame(tmp_path, f"ts;x\n2026-11-16 07:00;1\n{cell};1\n"), "ts")
    assert (err.file, err.row, err.column) == ("t.csv", 3, "ts")
    assert "is not a date and time" in err.message


def test_dates(tmp_path):
    df = _frame(tmp_path, "d;x\n2026-11-16;1\n17.11.2026;1\n2026-11-18 00:00;1\n")
    assert to_dates(df, "d").tolist() == [pd.Timestamp(2026, 11, d) for d in (16, 17, 18)]
    err = error(to_dates, _frame(tmp_path, "d;x\n2026-11-16;1\n2026-11-17 08:00;1\n"), "d")
    assert err.row == 3 and "time of day" in err.message
    blank = _frame(tmp_path, "d;x\n2026-11-16;1\n;1\n")
    assert to_dates(blank, "d").isna().tolist() == [False, True]
    assert error(to_dates, blank, "d", allow_empty=False).row == 3


def test_bools(tmp_path):
    df = _frame(tmp_path, "b;x\ntrue;1\nFALSE;1\n1;1\n0;1\nyes;1\nNo;1\nда;1\nНет;1\n;1\n")
    assert to_bools(df, "b", default=True).tolist() == [True, False, True, False, True, False,
                                                         True, False, True]
    err = error(to_bools, df, "b")
    assert err.row == 10 and "empty" in err.message
    err = error(to_bools, _frame(tmp_path, "b;x\nyes;1\nmaybe;1\n"), "b")
    assert (err.row, err.column) == (3, "b") and "'maybe' is not yes/no" in err.message


def test_choice(tmp_path):
    df = _frame(tmp_path, "p;x\n2/2;1\nDay;1\n;1\n")
    assert to_choice(df, "p", ["2/2", "day", "night"], default="night").tolist() == \
        ["2/2", "day", "night"]
    err = error(to_choice, _frame(tmp_path, "p;x\nday;1\nnigth;1\n"), "p", ["day", "night", "any"])
    assert (err.row, err.column) == (3, "p")
    assert err.message == "'nigth' is not one of: day, night, any"


def test_comma_file_refuses_decimal_comma_with_a_hint(tmp_path):
    path = write(tmp_path / "h.csv", 'ts,contacts\n2026-11-16 08:00,1\n2026-11-16 09:00,"1,5"\n')
    err = error(to_numbers, read_table(path), "contacts")
    assert (err.file, err.row, err.column) == ("h.csv", 3, "contacts")
    assert "write decimals with a point" in err.message


def test_rows_of_derived_and_hand_built_frames(tmp_path):
    df = read_table(write(tmp_path / "a.csv", "id;kind\n1;vacation\n\n2;holiday\n"))
    derived = pd.DataFrame({"kind": df["kind"].where(df["kind"] != "", "other")})
    err = error(to_choice, derived, "kind", ["vacation", "sick"], file="a.csv")
    assert (err.file, err.row) == ("a.csv", 4)
    built = pd.DataFrame({"kind": ["sick", "holiday"]})
    assert error(to_choice, built, "kind", ["sick"], file="x.csv").row == 3
    assert spreadsheet_row(built, 0) == 2
    typed = pd.DataFrame({"n": pd.Series(["1", None, "x"], dtype="str")})
    err = error(to_numbers, typed, "n", allow_empty=True, file="x.csv")
    assert (err.row, err.message) == (4, "'x' is not a number")


def test_converter_on_absent_column(tmp_path):
    err = error(to_numbers, _frame(tmp_path, "a;b\n1;2\n"), "c")
    assert "missing column 'c'" in err.message and "a, b" in err.message


# --- Excel cells -------------------------------------------------------------------------------


def test_xlsx_real_date_cells_and_numbers(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [
        ["ts", "contacts", "aht_s"],
        [dt.datetime(2026, 11, 16, 8, 0), 12, 180.5],
        [dt.datetime(2026, 11, 16, 9, 0), "7,5", None],
        ["16.11.2026 10:00", 3.0, 200],
    ])
    df = read_table(path, required=["ts", "contacts"])
    assert df.attrs["format"] == "xlsx"
    assert df.index.tolist() == [2, 3, 4]
    assert to_timestamps(df, "ts").tolist() == [
        pd.Timestamp(2026, 11, 16, h) for h in (8, 9, 10)
    ]
    assert to_numbers(df, "contacts").tolist() == [12.0, 7.5, 3.0]
    aht = to_numbers(df, "aht_s", allow_empty=True)
    assert aht.iloc[0] == 180.5 and np.isnan(aht.iloc[1]) and aht.iloc[2] == 200.0


def test_xlsx_serial_number_dates(tmp_path):
    # 46342 days after 1899-12-30 is 2026-11-16; .5 is noon
    path = workbook(tmp_path / "h.xlsx", [["ts", "contacts"], [46342.5, 1]])
    df = read_table(path)
    assert to_timestamps(df, "ts").tolist() == [pd.Timestamp(2026, 11, 16, 12)]


def test_xlsx_values_as_text_and_bools(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [
        ["agent_id", "night_ok", "pattern"], [1001, True, "2/2"], [1002.0, 0, "5/2"],
    ])
    df = read_table(path)
    assert to_strings(df, "agent_id").tolist() == ["1001", "1002"]
    assert to_bools(df, "night_ok").tolist() == [True, False]
    assert to_choice(df, "pattern", ["2/2", "3/3", "5/2"]).tolist() == ["2/2", "5/2"]
