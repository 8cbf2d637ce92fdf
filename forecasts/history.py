"""Contact-volume history: load one file, validate it, and make the hourly series.

`load_history` keeps the file's native interval (5 to 60 minutes) so nothing is lost;
`to_hourly` gives the forecaster a complete hourly grid per series in which a missing hour is
either a closed hour (0.0: the series never has contacts at that hour of the week) or a gap
(NaN: data is missing where the centre is normally open). Telling the two apart matters: a
closed night must forecast zero, while a missing Tuesday must not drag the forecast down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import InputError
from forecasts.columns import OFFSET_DROPPED, to_numbers, to_strings, to_timestamps
from forecasts.tables import read_table

__all__ = [
    "ALLOWED_INTERVALS",
    "DEFAULT_CHANNEL",
    "DEFAULT_QUEUE",
    "HistoryData",
    "load_history",
    "to_hourly",
]

ALLOWED_INTERVALS = (5, 10, 15, 20, 30, 60)
DEFAULT_CHANNEL = "phone"
DEFAULT_QUEUE = "main"
# In a per-contact log an hour without rows had no contacts; only a run of empty hours this
# long or longer is left missing (an outage or a closed period) for `to_hourly` to judge.
LOG_ZERO_FILL_MAX_HOURS = 24
# A longer span is a typo (0026 for 2026) that would blow the hourly grid up, not history.
MAX_SPAN_DAYS = 3660

_HOUR = np.timedelta64(1, "h")
_TS = "datetime64[us]"


@dataclass(frozen=True, eq=False)
class HistoryData:
    """History at its native interval.

    `frame`: long format `ts, channel, queue, contacts[, aht_s]`, sorted by channel, queue, ts,
    one row per interval present in the file (a per-contact log is already counted into
    hours). `warnings`: things the user should know but that did not stop the load.
    """

    frame: pd.DataFrame
    interval_minutes: int
    warnings: tuple[str, ...] = ()
    source: str = ""


def load_history(path: str | Path, *, sheet: str | int | None = None) -> HistoryData:
    """Read and validate a history CSV/XLSX; raise `InputError` at the first bad cell."""
    df = read_table(
        path, required=("ts",), optional=("channel", "queue", "contacts", "aht_s"),
        what="history", sheet=sheet,
    )
    name = df.attrs["source"]
    warnings: list[str] = []
    ts = to_timestamps(df, "ts", file=name)
    if ts.attrs[OFFSET_DROPPED]:
        warnings.append(
            f"{name}: time-zone suffixes (Z, +03:00) in 'ts' were dropped; "
            "times are read as the site's local wall clock"
        )
    _check_span(ts, name)
    frame = pd.DataFrame(
        {"ts": ts.to_numpy(), "channel": _channels(df, name), "queue": _queues(df, name)},
        index=df.index,
    )
    if "aht_s" in df.columns:
        frame["aht_s"] = to_numbers(df, "aht_s", file=name, allow_empty=True, above=0)

    if "contacts" in df.columns:
        frame.insert(3, "contacts", to_numbers(df, "contacts", file=name, min_value=0))
        interval = _detect_interval(frame, name)
        _check_grid(frame, interval, name)
        frame, repeated = _merge_clock_change_repeats(frame, name)
        warnings.extend(repeated)
    else:
        _refuse_unnamed_counts(df, frame, name)
        frame = _count_log(frame)
        interval = 60
        warnings.append(
            f"{name}: no 'contacts' column, so each row is read as one contact "
            f"({len(df):,} contacts counted into hours)"
        )

    frame = frame.sort_values(["channel", "queue", "ts"], kind="stable").reset_index(drop=True)
    _, gap_warnings = _hourly(frame, interval, name)
    warnings.extend(gap_warnings)
    return HistoryData(frame, interval, tuple(warnings), str(path))


def to_hourly(data: HistoryData) -> pd.DataFrame:
    """Hourly history contract: complete hourly grid per series, 0.0 closed, NaN gap.

    Sub-hour intervals are summed into their hour (aht_s weighted by contacts); an hour with
    only some of its intervals present is the sum of those present.
    """
    hourly, _ = _hourly(data.frame, data.interval_minutes, Path(data.source).name)
    return hourly


# ---------------------------------------------------------------------------------------------
# columns


def _channels(df: pd.DataFrame, name: str) -> np.ndarray:
    if "channel" not in df.columns:
        return np.full(len(df), DEFAULT_CHANNEL, dtype=object)
    codes, uniques = pd.factorize(to_strings(df, "channel", file=name).to_numpy(dtype=object))
    lowered = np.array([u.lower() for u in uniques], dtype=object)
    for i, value in enumerate(lowered):
        if not (value.isascii() and value[:1].isalpha() and value.replace("_", "").isalnum()):
            pos = int(np.argmax(codes == i))
            raise InputError(
                f"{df['channel'].iat[pos]!r} is not a simple channel name (latin letters, "
                "digits and _, starting with a letter, e.g. phone, chat, email)",
                file=name, row=int(df.index[pos]), column="channel",
            )
    return lowered[codes]


def _queues(df: pd.DataFrame, name: str) -> np.ndarray:
    if "queue" not in df.columns:
        return np.full(len(df), DEFAULT_QUEUE, dtype=object)
    return to_strings(df, "queue", file=name).to_numpy(dtype=object)


def _check_span(ts: pd.Series, name: str) -> None:
    """Refuse a time range no history has; point at the timestamp farthest from the median."""
    first, last = ts.min(), ts.max()
    if (last - first) <= pd.Timedelta(days=MAX_SPAN_DAYS):
        return
    median = ts.median()
    pos = int(ts.argmin()) if (median - first) > (last - median) else int(ts.argmax())
    raise InputError(
        f"{str(ts.iat[pos])[:16]} is far from the other timestamps (the file would span "
        f"{str(first)[:10]} to {str(last)[:10]}); history may cover at most "
        f"{MAX_SPAN_DAYS // 366} years — is the year mistyped?",
        file=name, row=int(ts.index[pos]), column="ts",
    )


def _series_codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per (channel, queue) pair."""
    channel, _ = pd.factorize(frame["channel"].to_numpy(dtype=object))
    queue, queues = pd.factorize(frame["queue"].to_numpy(dtype=object))
    return channel.astype(np.int64) * max(len(queues), 1) + queue


# ---------------------------------------------------------------------------------------------
# interval files


def _detect_interval(frame: pd.DataFrame, name: str) -> int:
    """The native interval: the common step between a series' consecutive timestamps."""
    t = frame["ts"].to_numpy().astype(_TS).astype(np.int64)  # microseconds
    codes = _series_codes(frame)
    order = np.lexsort((t, codes))
    ts_sorted, code_sorted = t[order], codes[order]
    step = np.diff(ts_sorted)
    valid = (np.diff(code_sorted) == 0) & (step > 0)
    steps = step[valid] // 1_000_000  # seconds
    if steps.size == 0:
        return 60
    allowed = {m * 60 for m in ALLOWED_INTERVALS}
    gcd = int(np.gcd.reduce(steps))
    if gcd in allowed:
        return gcd // 60
    values, counts = np.unique(steps, return_counts=True)
    common = int(values[np.argmax(counts)])
    if common in allowed:
        return common // 60
    # the row where that step first occurs, in sorted order
    where = np.flatnonzero(valid)[np.flatnonzero(steps == common)[0]] + 1
    row = int(frame.index[order[where]])
    if common >= 86_400:
        what = f"{common / 86_400:g} day{'s' if common != 86_400 else ''}"
        raise InputError(
            f"rows are {what} apart: this looks like daily (or coarser) totals; rota needs "
            "contacts per interval of 5, 10, 15, 20, 30 or 60 minutes, or a per-contact log",
            file=name, row=row, column="ts",
        )
    raise InputError(
        f"rows are {_duration(common)} apart: the interval must divide an hour "
        "(5, 10, 15, 20, 30 or 60 minutes)",
        file=name, row=row, column="ts",
    )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        h = seconds // 3600
        return f"{h} hour{'s' if h != 1 else ''}"
    if seconds % 60 == 0:
        m = seconds // 60
        return f"{m} minute{'s' if m != 1 else ''}"
    return f"{seconds} seconds"


def _check_grid(frame: pd.DataFrame, interval: int, name: str) -> None:
    """Every timestamp must be an interval start: 08:00, 08:15, ... for a 15-minute file."""
    ts = frame["ts"]
    off = ((ts.dt.minute % interval) != 0) | (ts.dt.second != 0) | (ts.dt.microsecond != 0)
    if off.any():
        pos = int(np.argmax(off.to_numpy()))
        grid = "whole hours" if interval == 60 else \
            ", ".join(f":{m:02d}" for m in range(0, 60, interval))
        raise InputError(
            f"{ts.iat[pos]:%Y-%m-%d %H:%M:%S} is not on the {interval}-minute grid of this file "
            f"(interval starts: {grid})",
            file=name, row=int(frame.index[pos]), column="ts",
        )


def _is_clock_change_night(ts: pd.Series) -> np.ndarray:
    """Early hours of the last Sunday of March or October, when a wall-clock hour can repeat."""
    return (
        ts.dt.month.isin((3, 10)) & (ts.dt.day_of_week == 6) & (ts.dt.day >= 25) & (ts.dt.hour < 4)
    ).to_numpy()


def _merge_clock_change_repeats(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    """Reject duplicated (ts, channel, queue) rows, except a wall-clock hour repeated at DST."""
    key = ["channel", "queue", "ts"]
    dup = frame.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return frame, []
    sub = frame[dup]
    size = sub.groupby(key, sort=False)["ts"].transform("size").to_numpy()
    ok = _is_clock_change_night(sub["ts"]) & (size == 2)
    if not ok.all():
        bad = sub[~ok]
        second = bad[bad.duplicated(key, keep="first")].index[0]
        r = bad.loc[second]
        same = (bad["channel"] == r["channel"]) & (bad["queue"] == r["queue"]) & (bad["ts"] == r["ts"])
        first = bad.index[same.to_numpy()][0]
        raise InputError(
            f"rows {first} and {second} both hold {r['ts']:%Y-%m-%d %H:%M} for "
            f"{r['channel']}/{r['queue']}: each interval may appear only once",
            file=name, row=int(second), column="ts",
        )
    merged = _sum_intervals(sub, key)
    example = merged.iloc[0]
    n = len(merged)
    warning = (
        f"{name}: {n} interval{'s' if n != 1 else ''} on clock-change nights appear twice "
        f"(e.g. {example['ts']:%Y-%m-%d %H:%M} in {example['channel']}/{example['queue']}); "
        "the repeated rows were summed"
    )
    return pd.concat([frame[~dup], merged], ignore_index=True), [warning]


def _sum_intervals(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Sum contacts per key; aht_s weighted by the contacts of the rows that have it."""
    if "aht_s" not in frame.columns:
        return frame.groupby(key, sort=False, as_index=False)["contacts"].sum()
    known = frame["aht_s"].notna()
    work = frame.assign(
        _w=frame["contacts"].where(known, 0.0),
        _wa=(frame["aht_s"] * frame["contacts"]).where(known, 0.0),
    )
    out = work.groupby(key, sort=False, as_index=False)[["contacts", "_w", "_wa"]].sum()
    out["aht_s"] = (out["_wa"] / out["_w"]).where(out["_w"] > 0)
    return out.drop(columns=["_w", "_wa"])


# ---------------------------------------------------------------------------------------------
# per-contact logs


def _refuse_unnamed_counts(df: pd.DataFrame, frame: pd.DataFrame, name: str) -> None:
    """Interval totals whose count column has another name must not be read as a log.

    Contact logs stamp arbitrary seconds and repeat times; distinct timestamps that all sit on
    a 5-minute grid, next to an unknown column, are totals under a different header.
    """
    extra = [c for c in df.columns if c not in ("ts", "channel", "queue", "aht_s")]
    ts = frame["ts"]
    if not extra or len(frame) < 3:
        return
    on_grid = ((ts.dt.minute % 5 == 0) & (ts.dt.second == 0) & (ts.dt.microsecond == 0)).all()
    if on_grid and not frame.duplicated(["channel", "queue", "ts"]).any():
        raise InputError(
            "no 'contacts' column, and the rows look like interval totals (distinct times on "
            f"a 5-minute grid) rather than a per-contact log; found columns: "
            f"{', '.join(df.columns)} — name the column with the counts 'contacts'",
            file=name, row=df.attrs.get("header_row", 1),
        )


def _count_log(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per contact -> contacts per hour; short empty runs are real zero hours."""
    work = frame.assign(ts=frame["ts"].dt.floor("h"))
    grouped = work.groupby(["channel", "queue", "ts"], sort=True)
    counts = grouped.size().rename("contacts").astype(float).reset_index()
    if "aht_s" in frame.columns:
        counts["aht_s"] = grouped["aht_s"].mean().to_numpy()
    codes = _series_codes(counts)
    hours = counts["ts"].to_numpy().astype(_TS)
    step = (np.diff(hours) // _HOUR).astype(np.int64) - 1
    same = np.diff(codes) == 0
    fill = np.where(same & (step >= 1) & (step < LOG_ZERO_FILL_MAX_HOURS), step, 0)
    total = int(fill.sum())
    if total == 0:
        return counts
    src = np.repeat(np.arange(len(fill)), fill)
    within = np.arange(total) - np.repeat(np.cumsum(fill) - fill, fill) + 1
    zeros = pd.DataFrame({
        "ts": hours[src] + within * _HOUR,
        "channel": counts["channel"].to_numpy()[src],
        "queue": counts["queue"].to_numpy()[src],
        "contacts": 0.0,
    })
    if "aht_s" in counts.columns:
        zeros["aht_s"] = np.nan
    return pd.concat([counts, zeros], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# hourly grid


def _hourly(frame: pd.DataFrame, interval: int, name: str) -> tuple[pd.DataFrame, list[str]]:
    has_aht = "aht_s" in frame.columns
    if interval < 60:
        frame = _sum_intervals(frame.assign(ts=frame["ts"].dt.floor("h")), ["channel", "queue", "ts"])
    frame = frame.sort_values(["channel", "queue", "ts"], kind="stable")
    parts: list[pd.DataFrame] = []
    warnings: list[str] = []
    for (channel, queue), series in frame.groupby(["channel", "queue"], sort=True):
        hours = series["ts"].to_numpy().astype(_TS)
        first = hours[0]
        n = int((hours[-1] - first) // _HOUR) + 1
        grid = first + np.arange(n) * _HOUR
        pos = ((hours - first) // _HOUR).astype(np.int64)
        contacts = np.full(n, np.nan)
        contacts[pos] = series["contacts"].to_numpy(dtype=float)
        present = np.zeros(n, dtype=bool)
        present[pos] = True
        grid_idx = pd.DatetimeIndex(grid)
        how = (grid_idx.day_of_week * 24 + grid_idx.hour).to_numpy()
        open_how = np.zeros(168, dtype=bool)
        open_how[how[present & (contacts > 0)]] = True
        missing = ~present
        contacts[missing & ~open_how[how]] = 0.0
        gaps = missing & open_how[how]
        if gaps.any():
            k = int(gaps.sum())
            d0, d1 = grid_idx[gaps][[0, -1]].strftime("%Y-%m-%d")
            span = f"on {d0}" if d0 == d1 else f"between {d0} and {d1}"
            warnings.append(
                f"{name}: {k} hour{'s' if k != 1 else ''} missing in {channel}/{queue} {span}, "
                "treated as gaps"
            )
        part = {"ts": grid, "channel": channel, "queue": queue, "contacts": contacts}
        if has_aht:
            aht = np.full(n, np.nan)
            aht[pos] = series["aht_s"].to_numpy(dtype=float)
            part["aht_s"] = aht
        parts.append(pd.DataFrame(part))
    columns = ["ts", "channel", "queue", "contacts"] + (["aht_s"] if has_aht else [])
    hourly = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return hourly[columns], warnings
