"""forecasts.tables: every input dialect read right, every bad file one exact InputError."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasts.columns import OFFSET_DROPPED, to_numbers, to_strings, to_timestamps
from forecasts.tables import normalise_header, read_table
from table_files import error, workbook, write


# --- file-level errors ------------------------------------------------------------------------


def test_missing_file_names_it(tmp_path):
    err = error(read_table, tmp_path / "history.csv", what="history")
    assert err.file == "history.csv"
    assert "not found" in err.message


def test_folder_instead_of_file(tmp_path):
    (tmp_path / "history.csv").mkdir()
    assert "folder" in error(read_table, tmp_path / "history.csv").message


@pytest.mark.parametrize("content", [b"", b"  \r\n\n"])
def test_empty_file(tmp_path, content):
    (tmp_path / "h.csv").write_bytes(content)
    err = error(read_table, tmp_path / "h.csv", what="history")
    assert (err.file, err.row) == ("h.csv", None)
    assert "empty" in err.message


def test_header_only_file(tmp_path):
    err = error(read_table, write(tmp_path / "h.csv", "ts;contacts\r\n"), required=["ts"])
    assert err.file == "h.csv"
    assert "header but no data rows" in err.message


def test_missing_required_columns_named_and_found_listed(tmp_path):
    path = write(tmp_path / "h.csv", "DateTime,Calls\n2026-11-16 08:00,5\n")
    err = error(read_table, path, required=["ts", "contacts"], optional=["aht_s"])
    assert (err.file, err.row, err.column) == ("h.csv", 1, None)
    assert "'ts', 'contacts'" in err.message
    assert "found: datetime, calls" in err.message
    assert "aht_s" in err.message
    assert str(err).startswith("h.csv, row 1: missing required columns")


def test_duplicate_header(tmp_path):
    err = error(read_table, write(tmp_path / "h.csv", "ts,contacts,TS\n1,2,3\n"))
    assert err.row == 1
    assert "'ts' appears twice" in err.message and "columns 1 and 3" in err.message


def test_row_with_more_values_than_header(tmp_path):
    path = write(tmp_path / "h.csv", "ts,contacts\n2026-11-16 08:00,1\n2026-11-16 09:00,2,7\n")
    err = error(read_table, path)
    assert err.row == 3
    assert "more values than the header has columns (2)" in err.message


def test_trailing_separators_are_ignored(tmp_path):
    df = read_table(write(tmp_path / "h.csv", "ts;contacts;\n2026-11-16 08:00;1;\n"))
    assert list(df.columns) == ["ts", "contacts"]


def test_binary_content_is_not_a_table(tmp_path):
    (tmp_path / "h.csv").write_bytes(bytes(range(256)) * 8)
    err = error(read_table, tmp_path / "h.csv")
    assert err.file == "h.csv" and "not a text table" in err.message


def test_random_bytes_named_xlsx_is_a_broken_workbook(tmp_path):
    rng = np.random.default_rng(7)
    (tmp_path / "x.xlsx").write_bytes(rng.integers(0, 256, 4000, dtype=np.uint8).tobytes())
    err = error(read_table, tmp_path / "x.xlsx")
    assert err.file == "x.xlsx" and "not a valid XLSX workbook" in err.message


def test_truncated_xlsx(tmp_path):
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["ts", "contacts"])
    wb.active.append([dt.datetime(2026, 11, 16, 8), 5])
    wb.save(good)
    data = good.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    err = error(read_table, tmp_path / "cut.xlsx")
    assert err.file == "cut.xlsx" and "not a valid XLSX workbook" in err.message


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "x.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not a valid XLSX workbook" in error(read_table, tmp_path / "x.xlsx").message


def test_old_xls_is_refused_with_advice(tmp_path):
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "save it as .xlsx or CSV" in error(read_table, tmp_path / "x.xls").message


# --- dialects ---------------------------------------------------------------------------------


def test_cp1251_semicolon_decimal_comma(tmp_path):
    text = (
        "ts;Очередь;contacts;aht_s\r\n"
        "16.11.2026 08:00;покупатели;1,5;180,25\r\n"
        "16.11.2026 09:00;продавцы;1 234;95\r\n"
    )
    df = read_table(write(tmp_path / "h.csv", text, "cp1251"), required=["ts", "contacts"])
    assert df.attrs["encoding"] == "cp1251" and df.attrs["sep"] == ";"
    assert list(df.columns) == ["ts", "очередь", "contacts", "aht_s"]
    assert to_numbers(df, "contacts").tolist() == [1.5, 1234.0]
    assert to_numbers(df, "aht_s").tolist() == [180.25, 95.0]
    assert to_strings(df, "очередь").tolist() == ["покупатели", "продавцы"]
    ts = to_timestamps(df, "ts")
    assert ts.tolist() == [pd.Timestamp(2026, 11, 16, 8), pd.Timestamp(2026, 11, 16, 9)]
    assert ts.index.tolist() == [2, 3]
    assert not ts.attrs[OFFSET_DROPPED]


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "TS,Contacts\n2026-11-16 08:00,3\n".encode())
    df = read_table(path, required=["ts", "contacts"])
    assert list(df.columns) == ["ts", "contacts"]
    assert df.attrs["encoding"] == "utf-8-sig"
    assert to_numbers(df, "contacts").tolist() == [3.0]


def test_utf16_excel_unicode_text(tmp_path):
    path = tmp_path / "h.txt"
    path.write_bytes("ts\tcontacts\r\n2026-11-16 08:00\t4\r\n".encode("utf-16"))
    df = read_table(path, required=["ts", "contacts"])
    assert df.attrs["sep"] == "\t" and to_numbers(df, "contacts").tolist() == [4.0]


def test_tab_separated_with_decimal_comma(tmp_path):
    df = read_table(write(tmp_path / "h.tsv", "ts\tcontacts\n2026-11-16 08:00\t2,5\n"))
    assert df.attrs["sep"] == "\t"
    assert to_numbers(df, "contacts").tolist() == [2.5]


def test_rows_are_spreadsheet_rows_after_title_and_blank_lines(tmp_path):
    text = "Выгрузка звонков за ноябрь\n\nts;contacts\n16.11.2026 08:00;1\n\n16.11.2026 09:00;x\n"
    df = read_table(write(tmp_path / "h.csv", text), required=["ts", "contacts"])
    assert df.attrs["header_row"] == 3
    assert df.index.tolist() == [4, 6]
    err = error(to_numbers, df, "contacts")
    assert (err.row, err.column) == (6, "contacts")
    assert str(err) == "h.csv, row 6, column 'contacts': 'x' is not a number"


def test_quoted_fields_with_separators(tmp_path):
    df = read_table(write(tmp_path / "a.csv", 'agent_id;name\n1;"Иванова; Мария"\n'))
    assert to_strings(df, "name").tolist() == ["Иванова; Мария"]


def test_header_normalisation():
    assert normalise_header("\ufeff  Contacts ") == "contacts"
    assert normalise_header(None) == ""


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_named_sheet_and_unknown_sheet(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [["notes"], ["none"]], title="Notes", extra="Data")
    df = read_table(path, sheet="Data", required=["ts"])
    assert to_numbers(df, "contacts").tolist() == [42.0]
    err = error(read_table, path, sheet="Calls")
    assert "'Calls' not found" in err.message and "Notes, Data" in err.message


def test_xlsx_empty_first_sheet_points_to_others(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [], title="Empty", extra="Data")
    assert "other sheets: Data" in error(read_table, path).message


def test_xlsx_merged_header_cells(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [
        ["ts", "Звонки", None],
        [dt.datetime(2026, 11, 16, 8), 10, 2],
    ], merge="B1:C1")
    err = error(read_table, path)
    assert (err.file, err.row) == ("h.xlsx", 1)
    assert "column C" in err.message and "merged" in err.message


def test_xlsx_merged_title_above_the_header_is_skipped(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [
        ["Отчёт по звонкам за ноябрь", None],
        ["ts", "contacts"],
        [dt.datetime(2026, 11, 16, 8), 10],
        [dt.datetime(2026, 11, 16, 9), "десять"],
    ], merge="A1:B1")
    df = read_table(path, required=["ts", "contacts"])
    err = error(to_numbers, df, "contacts")
    assert (err.row, err.column) == (4, "contacts")


def test_xlsx_missing_column_mentions_merged_header(tmp_path):
    path = workbook(tmp_path / "h.xlsx", [["ts", "Звонки", None], [1, 2, 3]], merge="B1:C1")
    err = error(read_table, path, required=["ts", "contacts"])
    assert "'contacts'" in err.message and "merged header" in err.message


# --- property: any dialect reads back the same values ------------------------------------------

_CP1251_TEXT = st.text(
    alphabet=st.sampled_from(list("abcxyzABC019 _-;,.'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЯ№")),
    min_size=1, max_size=12,
).map(str.strip).filter(bool)
_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M",
            "%d.%m.%Y %H:%M:%S"]
_ROWS = st.lists(
    st.tuples(
        st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31))
        .map(lambda d: d.replace(microsecond=0)),
        st.integers(min_value=0, max_value=10**7),
        _CP1251_TEXT,
    ),
    min_size=1, max_size=25,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_ROWS,
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]),
    decimal_comma=st.booleans(),
    thousands=st.booleans(),
    fmt=st.sampled_from(_FORMATS),
    suffix=st.sampled_from(["", "Z", "+03:00"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    header_case=st.sampled_from([str.lower, str.upper, str.title]),
)
def test_any_dialect_reads_back_equal(rows, sep, encoding, decimal_comma, thousands, fmt, suffix,
                                      newline, header_case):
    decimal_comma = decimal_comma and sep != ","
    thousands = thousands and sep != ","
    if "%S" not in fmt:
        rows = [(ts.replace(second=0), n, q) for ts, n, q in rows]

    def number(n: int) -> str:
        whole, frac = divmod(n, 100)
        text = f"{whole:,}".replace(",", "\u00a0" if thousands else "")
        return f"{text}{',' if decimal_comma else '.'}{frac:02d}"

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    writer.writerow([header_case(h) for h in ("ts", "contacts", "queue")])
    for ts, n, q in rows:
        writer.writerow([ts.strftime(fmt) + suffix, number(n), q])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        df = read_table(path, required=["ts", "contacts", "queue"])

    assert df.attrs["sep"] == sep
    assert df.index.tolist() == list(range(2, len(rows) + 2))
    parsed = to_timestamps(df, "ts")
    assert parsed.tolist() == [pd.Timestamp(ts) for ts, _, _ in rows]
    assert parsed.attrs[OFFSET_DROPPED] == bool(suffix)
    assert to_numbers(df, "contacts").tolist() == [n / 100 for _, n, _ in rows]
    assert to_strings(df, "queue").tolist() == [q for _, _, q in rows]
