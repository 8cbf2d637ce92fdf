"""forecasts.history: loading, validation, interval detection and the hourly grid."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import InputError
from forecasts.history import HistoryData, load_history, to_hourly

BANK = SHARED_DATA / "us_bank_calls_5min.csv"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_history(path)
    return info.value


def hourly_file(path: Path, start: str, values, *, channel=None, queue=None) -> Path:
    ts = pd.date_range(start, periods=len(values), freq="h")
    lines = ["ts,contacts" + (",channel" if channel else "") + (",queue" if queue else "")]
    for t, v in zip(ts, values):
        lines.append(f"{t:%Y-%m-%d %H:%M},{v}" + (f",{channel}" if channel else "")
                     + (f",{queue}" if queue else ""))
    return write(path, "\n".join(lines) + "\n")


# --- the plain case ----------------------------------------------------------------------------


def test_plain_ts_contacts_file(tmp_path):
    path = write(tmp_path / "history.csv",
                 "ts,contacts\n2026-11-16 08:00,5\n2026-11-16 09:00,7.5\n2026-11-16 10:00,0\n")
    data = load_history(path)
    assert isinstance(data, HistoryData)
    assert data.interval_minutes == 60
    assert data.warnings == ()
    assert data.source == str(path)
    assert list(data.frame.columns) == ["ts", "channel", "queue", "contacts"]
    assert data.frame["channel"].tolist() == ["phone"] * 3
    assert data.frame["queue"].tolist() == ["main"] * 3
    assert data.frame["contacts"].tolist() == [5.0, 7.5, 0.0]
    hourly = to_hourly(data)
    assert hourly["ts"].tolist() == [pd.Timestamp(2026, 11, 16, h) for h in (8, 9, 10)]
    assert hourly["contacts"].tolist() == [5.0, 7.5, 0.0]


def test_channels_lower_cased_queues_kept_and_sorted(tmp_path):
    text = (
        "ts;channel;queue;contacts\n"
        "2026-11-16 09:00;Phone;sellers;2\n"
        "2026-11-16 08:00;CHAT;buyers;1\n"
        "2026-11-16 08:00;phone;sellers;3\n"
    )
    frame = load_history(write(tmp_path / "h.csv", text)).frame
    assert list(zip(frame["channel"], frame["queue"], frame["contacts"])) == [
        ("chat", "buyers", 1.0), ("phone", "sellers", 3.0), ("phone", "sellers", 2.0)]


# --- bad input: exact file, row, column ------------------------------------------------------


def test_missing_ts_column(tmp_path):
    err = error(write(tmp_path / "h.csv", "time,contacts\n2026-11-16 08:00,1\n"))
    assert (err.file, err.row) == ("h.csv", 1)
    assert "'ts'" in err.message and "found: time, contacts" in err.message


def test_text_in_contacts(tmp_path):
    err = error(write(tmp_path / "h.csv",
                      "ts,contacts\n2026-11-16 08:00,1\n2026-11-16 09:00,12 calls\n"))
    assert (err.file, err.row, err.column) == ("h.csv", 3, "contacts")
    assert "'12 calls' is not a number" in err.message


def test_negative_contacts(tmp_path):
    err = error(write(tmp_path / "h.csv",
                      "ts;contacts\n2026-11-16 08:00;1\n2026-11-16 09:00;2\n2026-11-16 10:00;-4\n"))
    assert (err.row, err.column) == (4, "contacts")
    assert "-4 is below the minimum 0" in err.message


def test_bad_timestamp(tmp_path):
    err = error(write(tmp_path / "h.csv", "ts,contacts\n2026-11-16 08:00,1\n16/11/2026 9:00,1\n"))
    assert (err.row, err.column) == (3, "ts")


def test_empty_and_header_only_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "empty" in error(tmp_path / "empty.csv").message
    err = error(write(tmp_path / "header.csv", "ts,contacts\n"))
    assert err.file == "header.csv" and "no data rows" in err.message


def test_broken_xlsx(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(np.random.default_rng(1).bytes(2048))
    err = error(tmp_path / "x.xlsx")
    assert err.file == "x.xlsx" and "XLSX" in err.message


def test_duplicated_timestamps_name_both_rows(tmp_path):
    text = (
        "ts,queue,contacts\n"
        "2026-11-16 08:00,buyers,1\n"
        "2026-11-16 08:00,sellers,1\n"
        "2026-11-16 09:00,buyers,1\n"
        "2026-11-16 08:00,buyers,4\n"
    )
    err = error(write(tmp_path / "h.csv", text))
    assert (err.row, err.column) == (5, "ts")
    assert err.message.startswith("rows 2 and 5 both hold 2026-11-16 08:00 for phone/buyers")


def test_repeated_hour_on_clock_change_night_is_summed(tmp_path):
    # 2025-10-26 is the last Sunday of October: 02:00 can occur twice on a DST site clock
    text = (
        "ts,contacts,aht_s\n"
        "2025-10-26 01:00,4,100\n"
        "2025-10-26 02:00,3,100\n"
        "2025-10-26 02:00,1,300\n"
        "2025-10-26 03:00,2,100\n"
    )
    data = load_history(write(tmp_path / "h.csv", text))
    assert data.frame["contacts"].tolist() == [4.0, 4.0, 2.0]
    assert data.frame["aht_s"].tolist() == [100.0, 150.0, 100.0]  # (3*100 + 1*300) / 4
    assert any("clock-change" in w and "2025-10-26 02:00" in w for w in data.warnings)


def test_repeated_hour_on_an_ordinary_sunday_is_an_error(tmp_path):
    text = "ts,contacts\n2025-10-19 02:00,3\n2025-10-19 02:00,1\n"
    err = error(write(tmp_path / "h.csv", text))
    assert err.row == 3 and "rows 2 and 3" in err.message


def test_daily_totals_are_refused(tmp_path):
    text = "ts,contacts\n2026-11-16,500\n2026-11-17,480\n2026-11-18,510\n"
    err = error(write(tmp_path / "h.csv", text))
    assert err.column == "ts"
    assert "1 day apart" in err.message and "daily" in err.message


def test_interval_not_dividing_an_hour(tmp_path):
    text = "ts,contacts\n2026-11-16 08:00,1\n2026-11-16 08:45,1\n2026-11-16 09:30,1\n"
    err = error(write(tmp_path / "h.csv", text))
    assert err.column == "ts" and "45 minutes apart" in err.message


def test_timestamp_off_the_interval_grid(tmp_path):
    lines = ["ts,contacts"] + [f"2026-11-16 {h:02d}:{m:02d},1" for h in (8, 9) for m in (0, 15, 30, 45)]
    lines[3] = "2026-11-16 08:37,1"  # row 4
    err = error(write(tmp_path / "h.csv", "\n".join(lines) + "\n"))
    assert (err.row, err.column) == (4, "ts")
    assert "15-minute grid" in err.message


def test_mistyped_year_is_pointed_at(tmp_path):
    text = "ts,contacts\n2026-11-16 08:00,1\n0026-11-16 09:00,1\n2026-11-16 10:00,1\n"
    err = error(write(tmp_path / "h.csv", text))
    assert (err.row, err.column) == (3, "ts") and "0026-11-16 09:00" in err.message


def test_channel_must_be_a_simple_name(tmp_path):
    err = error(write(tmp_path / "h.csv",
                      "ts,channel,contacts\n2026-11-16 08:00,phone,1\n2026-11-16 08:00,Телефон,1\n"))
    assert (err.row, err.column) == (3, "channel")


def test_aht_must_be_positive_where_given(tmp_path):
    text = "ts,contacts,aht_s\n2026-11-16 08:00,1,\n2026-11-16 09:00,1,180\n2026-11-16 10:00,1,0\n"
    err = error(write(tmp_path / "h.csv", text))
    assert (err.row, err.column) == (4, "aht_s")
    data = load_history(write(tmp_path / "ok.csv", text.replace(",0\n", ",200\n")))
    assert np.isnan(data.frame["aht_s"].iloc[0])


def test_offset_suffix_dropped_with_warning(tmp_path):
    text = "ts,contacts\n2026-11-16T08:00:00+03:00,1\n2026-11-16T09:00:00+03:00,2\n"
    data = load_history(write(tmp_path / "h.csv", text))
    assert data.frame["ts"].tolist() == [pd.Timestamp(2026, 11, 16, 8), pd.Timestamp(2026, 11, 16, 9)]
    assert any("dropped" in w for w in data.warnings)


# --- dialects --------------------------------------------------------------------------------


def test_cp1251_semicolon_decimal_comma_history(tmp_path):
    text = (
        "ts;Channel;Queue;Contacts;aht_s\r\n"
        "16.11.2026 08:00;chat;покупатели;12,5;210,5\r\n"
        "16.11.2026 09:00;chat;покупатели;1 204;190\r\n"
    )
    data = load_history(write(tmp_path / "h.csv", text, "cp1251"))
    assert data.frame["queue"].tolist() == ["покупатели", "покупатели"]
    assert data.frame["contacts"].tolist() == [12.5, 1204.0]
    assert data.frame["aht_s"].tolist() == [210.5, 190.0]


def test_xlsx_history_with_date_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ts", "channel", "contacts"])
    for h, n in ((8, 10), (9, 12), (10, 0)):
        ws.append([dt.datetime(2026, 11, 16, h), "email", n])
    wb.save(tmp_path / "h.xlsx")
    data = load_history(tmp_path / "h.xlsx")
    assert data.interval_minutes == 60
    assert data.frame["contacts"].tolist() == [10.0, 12.0, 0.0]
    assert set(data.frame["channel"]) == {"email"}


# --- sub-hour intervals, logs, gaps ---------------------------------------------------------


def test_five_minute_file_summed_to_hours(tmp_path):
    ts = pd.date_range("2026-11-16 08:00", "2026-11-16 09:55", freq="5min")
    counts = np.arange(len(ts))  # 0..23
    aht = np.where(np.arange(len(ts)) < 12, 100.0, 200.0)
    lines = ["ts,contacts,aht_s"] + [f"{t:%Y-%m-%d %H:%M},{c},{a}" for t, c, a in zip(ts, counts, aht)]
    data = load_history(write(tmp_path / "h.csv", "\n".join(lines) + "\n"))
    assert data.interval_minutes == 5
    hourly = to_hourly(data)
    assert hourly["contacts"].tolist() == [sum(range(12)), sum(range(12, 24))]  # 66, 210
    assert hourly["aht_s"].tolist() == [100.0, 200.0]


def test_aht_weighted_by_contacts_within_the_hour(tmp_path):
    text = ("ts,contacts,aht_s\n2026-11-16 08:00,10,100\n2026-11-16 08:30,30,200\n"
            "2026-11-16 09:00,0,500\n2026-11-16 09:30,5,\n")
    hourly = to_hourly(load_history(write(tmp_path / "h.csv", text)))
    assert hourly["contacts"].tolist() == [40.0, 5.0]
    assert hourly["aht_s"].iloc[0] == pytest.approx((10 * 100 + 30 * 200) / 40)
    assert np.isnan(hourly["aht_s"].iloc[1])  # no contacts with a known handle time


def test_per_contact_log(tmp_path):
    text = (
        "ts,channel\n"
        "2026-11-16 08:00:17,chat\n"
        "2026-11-16 08:59:59,chat\n"
        "2026-11-16 08:59:59,chat\n"
        "2026-11-16 09:30:00,chat\n"
        "2026-11-16 12:01:02,chat\n"
        "2026-11-16 08:10:00,phone\n"
    )
    data = load_history(write(tmp_path / "log.csv", text))
    assert data.interval_minutes == 60
    assert any("one contact" in w and "6 contacts" in w for w in data.warnings)
    chat = data.frame[data.frame["channel"] == "chat"]
    # hours 10 and 11 had no contacts: in a log that is a real zero
    assert chat["ts"].dt.hour.tolist() == [8, 9, 10, 11, 12]
    assert chat["contacts"].tolist() == [3.0, 1.0, 0.0, 0.0, 1.0]
    phone = data.frame[data.frame["channel"] == "phone"]
    assert phone["contacts"].tolist() == [1.0]


def test_totals_under_another_header_are_not_read_as_a_log(tmp_path):
    text = "ts,calls\n2026-11-16 08:00,5\n2026-11-16 09:00,7\n2026-11-16 10:00,6\n"
    err = error(write(tmp_path / "h.csv", text))
    assert err.row == 1 and "'contacts'" in err.message and "ts, calls" in err.message


def test_per_contact_log_long_silence_left_to_hourly(tmp_path):
    # contacts every weekday hour 10:00 on 3 Mondays; the week between is silent
    rows = ["ts"] + [f"2026-11-{d:02d} 10:{m:02d}:00" for d in (2, 9, 16) for m in (5, 25)]
    data = load_history(write(tmp_path / "log.csv", "\n".join(rows) + "\n"))
    hourly = to_hourly(data)
    assert hourly["contacts"].sum() == 6
    assert hourly["contacts"].isna().sum() == 0  # Monday 10:00 is never missing
    assert len(hourly) == 14 * 24 + 1


def test_gaps_versus_closed_hours(tmp_path):
    # a weekday 07-21 centre: Mon 2025-03-03 .. Fri 2025-03-14, nothing at night or weekends
    ts = pd.date_range("2025-03-03 07:00", "2025-03-14 20:00", freq="h")
    open_ = (ts.day_of_week < 5) & (ts.hour >= 7) & (ts.hour < 21)
    keep = open_ & ~((ts.normalize() == pd.Timestamp("2025-03-05")) & ts.hour.isin([10, 11]))
    lines = ["ts,queue,contacts"] + [f"{t:%Y-%m-%d %H:%M},buyers,{10 + t.hour}" for t in ts[keep]]
    data = load_history(write(tmp_path / "history.csv", "\n".join(lines) + "\n"))
    hourly = to_hourly(data)
    assert len(hourly) == len(ts)  # complete hourly grid first..last
    by_ts = hourly.set_index("ts")["contacts"]
    assert np.isnan(by_ts[pd.Timestamp("2025-03-05 10:00")])
    assert np.isnan(by_ts[pd.Timestamp("2025-03-05 11:00")])
    assert by_ts[pd.Timestamp("2025-03-05 03:00")] == 0.0  # night: closed
    assert by_ts[pd.Timestamp("2025-03-08 12:00")] == 0.0  # Saturday: closed
    assert by_ts.isna().sum() == 2
    assert by_ts.sum() == sum(10 + t.hour for t in ts[keep])
    assert ("history.csv: 2 hours missing in phone/buyers on 2025-03-05, treated as gaps"
            in data.warnings)


def test_hourly_contract_columns_and_order(tmp_path):
    a = hourly_file(tmp_path / "a.csv", "2026-11-16 00:00", [1, 2, 3], channel="phone", queue="b")
    text = a.read_text() + "2026-11-16 05:00,9,chat,a\n2026-11-16 07:00,0,chat,a\n"
    hourly = to_hourly(load_history(write(tmp_path / "h.csv", text)))
    assert list(hourly.columns) == ["ts", "channel", "queue", "contacts"]
    assert str(hourly["ts"].dtype).startswith("datetime64")
    assert hourly["contacts"].dtype == np.float64
    assert list(zip(hourly["channel"], hourly["ts"].dt.hour)) == [
        ("chat", 5), ("chat", 6), ("chat", 7), ("phone", 0), ("phone", 1), ("phone", 2)]
    # 06:00 is missing, and its hour of the week never has contacts in chat/a: closed
    assert hourly["contacts"].tolist() == [9.0, 0.0, 0.0, 1.0, 2.0, 3.0]


@pytest.mark.skipif(not BANK.exists(), reason="reference data ../shared/data not present")
def test_us_bank_calls_reference_file(tmp_path):
    src = pd.read_csv(BANK)
    path = tmp_path / "bank.csv"
    src.rename(columns={"DateTime": "ts", "Calls": "contacts"})[["ts", "contacts"]] \
        .to_csv(path, index=False)
    data = load_history(path)
    assert data.interval_minutes == 5
    assert data.frame["contacts"].sum() == 5_323_661  # README: 5,323,661 calls
    assert any("dropped" in w for w in data.warnings)  # the 'Z' suffix is local time
    hourly = to_hourly(data)
    assert hourly["contacts"].sum() == 5_323_661
    # 6 missing weekdays x 15 open hours (07:00-21:00) are gaps; nights and weekends are zeros
    assert hourly["contacts"].isna().sum() == 6 * 15
    missing = {"2003-04-04", "2003-04-07", "2003-05-26", "2003-07-04", "2003-09-01", "2003-10-14"}
    gap_days = set(hourly.loc[hourly["contacts"].isna(), "ts"].dt.strftime("%Y-%m-%d"))
    assert gap_days == missing
    weekend = hourly["ts"].dt.day_of_week >= 5
    assert (hourly.loc[weekend, "contacts"] == 0).all()


# --- property: counting a log and summing intervals agree with a plain reference ------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3 * 24 * 3600 - 1), min_size=1, max_size=60))
def test_log_counts_match_a_counter(seconds):
    start = pd.Timestamp("2026-11-16")
    stamps = [start + pd.Timedelta(seconds=s) for s in seconds]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "log.csv",
                     "ts\n" + "\n".join(f"{t:%d.%m.%Y %H:%M:%S}" for t in stamps) + "\n")
        hourly = to_hourly(load_history(path))
    expected = Counter(t.floor("h") for t in stamps)
    got = hourly.dropna().set_index("ts")["contacts"]
    assert {k: v for k, v in got.items() if v > 0} == {k: float(v) for k, v in expected.items()}
    assert hourly["contacts"].sum() == len(stamps)
