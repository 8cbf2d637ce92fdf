"""Bad input through the real command line (one clear line naming file, row and column; exit code 2; nothing written).

Each case must end with exit code 2, exactly one line on stderr that names the file, the row and
the column (or the rota.toml setting, or the option), no traceback, and no output written. Row
numbers are spreadsheet rows: the header is row 1, so the k-th data line written is row k + 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli

START = "2026-11-23"
Case = tuple[list[object], list[str], Path]  # arguments, words the error line must hold, --out


def hourly_history(days: int = 14) -> list[str]:
    """Lines of a plain hourly history ending the day before START: header + one row per hour."""
    hours = pd.date_range(pd.Timestamp(START) - pd.Timedelta(days=days), periods=days * 24, freq="h")
    return ["ts,channel,queue,contacts"] + [f"{h:%Y-%m-%d %H:%M},phone,main,{5 + h.hour % 5}" for h in hours]


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def forecast_args(history: Path, tmp: Path) -> tuple[list[object], Path]:
    out = tmp / "out" / "forecast.csv"
    return ["forecast", "--history", history, "--start", START, "--days", 1, "--out", out], out


def requirements_file(tmp: Path) -> Path:
    hours = pd.date_range(START, periods=7 * 24, freq="h")
    return write_lines(tmp / "req.csv", ["ts,agents"] + [f"{h:%Y-%m-%d %H:%M},2" for h in hours])


AGENTS = [
    "agent_id,name,team,pattern,shift_pref,skills,rate_rub_h,cycle_start,night_ok",
    "A1,Иванова,t1,2/2,day,phone,450,,true",
    "A2,Петров,t1,2/2,night,phone,450,,true",
    "A3,Сидорова,t1,5/2,any,phone,400,,false",
]


def schedule_args(tmp: Path, agents: Path | None = None, *extra: object) -> tuple[list[object], Path]:
    out = tmp / "out"
    if agents is None:
        agents = write_lines(tmp / "agents.csv", AGENTS)
    args: list[object] = ["schedule", "--requirements", requirements_file(tmp), "--agents", agents,
                          "--start", START, "--weeks", 1, "--time-limit", 1, "--out", out, *extra]
    return args, out


# ------------------------------------------------------------------------------ history (issue 2)


def history_missing_column(tmp: Path) -> Case:
    lines = hourly_history()
    lines[0] = "time,channel,queue,contacts"
    args, out = forecast_args(write_lines(tmp / "calls.csv", lines), tmp)
    return args, ["calls.csv", "row 1", "'ts'"], out


def history_text_in_contacts(tmp: Path) -> Case:
    lines = hourly_history()
    lines[7] = lines[7].rsplit(",", 1)[0] + ",много"
    args, out = forecast_args(write_lines(tmp / "calls.csv", lines), tmp)
    return args, ["calls.csv", "row 8", "'contacts'", "много"], out


def history_negative_count(tmp: Path) -> Case:
    lines = hourly_history()
    lines[30] = lines[30].rsplit(",", 1)[0] + ",-3"
    args, out = forecast_args(write_lines(tmp / "calls.csv", lines), tmp)
    return args, ["calls.csv", "row 31", "'contacts'", "-3"], out


def history_empty_file(tmp: Path) -> Case:
    path = tmp / "calls.csv"
    path.write_bytes(b"")
    args, out = forecast_args(path, tmp)
    return args, ["calls.csv", "empty"], out


def history_header_only(tmp: Path) -> Case:
    args, out = forecast_args(write_lines(tmp / "calls.csv", hourly_history()[:1]), tmp)
    return args, ["calls.csv", "no data rows"], out


def history_broken_xlsx(tmp: Path) -> Case:
    good = tmp / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["ts", "contacts"])
    wb.save(good)
    path = tmp / "calls.xlsx"
    path.write_bytes(good.read_bytes()[:200])  # a workbook cut short: a damaged zip
    args, out = forecast_args(path, tmp)
    return args, ["calls.xlsx", "XLSX"], out


def history_csv_named_xlsx(tmp: Path) -> Case:
    args, out = forecast_args(write_lines(tmp / "calls.xlsx", hourly_history()), tmp)
    return args, ["calls.xlsx", "XLSX"], out


def history_duplicated_timestamp(tmp: Path) -> Case:
    lines = hourly_history()
    lines.insert(11, lines[5])  # the row of line 5 (row 6) again, as row 12
    args, out = forecast_args(write_lines(tmp / "calls.csv", lines), tmp)
    return args, ["calls.csv", "row 12", "'ts'", "6 and 12"], out


def history_xlsx_text_in_contacts(tmp: Path) -> Case:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Выгрузка из АТС"])       # a title row: the header is row 2, data from row 3
    ws.append(["ts", "contacts"])
    for k, h in enumerate(pd.date_range("2026-11-09", periods=14 * 24, freq="h")):
        ws.append([h.to_pydatetime(), "n/a" if k == 20 else 4])
    path = tmp / "calls.xlsx"
    wb.save(path)
    args, out = forecast_args(path, tmp)
    return args, ["calls.xlsx", "row 23", "'contacts'", "n/a"], out


def forecast_text_in_contacts(tmp: Path) -> Case:
    forecast = write_lines(tmp / "fc.csv", ["ts,channel,contacts", "2026-11-23 00:00,phone,3", "2026-11-23 01:00,phone,x"])
    out = tmp / "req.csv"
    return ["requirements", "--forecast", forecast, "--out", out], ["fc.csv", "row 3", "'contacts'"], out


def forecast_out_under_a_file(tmp: Path) -> Case:
    history = write_lines(tmp / "calls.csv", hourly_history())
    blocker = write_lines(tmp / "results", ["a file where a folder should be"])
    out = blocker / "forecast.csv"
    return ["forecast", "--history", history, "--start", START, "--days", 1, "--out", out], ["results"], out


# ------------------------------------------------------------------------------ rota.toml (issues 3, 4)


def config_case(body: str, *expect: str) -> Callable[[Path], Case]:
    def build(tmp: Path) -> Case:
        config = tmp / "site.toml"
        config.write_text(body, encoding="utf-8")
        forecast = write_lines(tmp / "fc.csv", ["ts,channel,contacts", "2026-11-23 10:00,phone,200"])
        out = tmp / "req.csv"
        return ["requirements", "--forecast", forecast, "--config", config, "--out", out], ["site.toml", *expect], out

    return build


PHONE = '[channels.phone]\nmodel = "erlang_c"\naht_s = 180\nanswer_s = 20\n'
config_sl_above_one = config_case(PHONE + "sl_target = 1.5\n", "channels.phone.sl_target")
config_negative_aht = config_case('[channels.phone]\nmodel = "erlang_c"\naht_s = -180\n', "channels.phone.aht_s")
config_unknown_model = config_case('[channels.phone]\nmodel = "erlang_x"\n', "channels.phone.model", "erlang_x")
config_unknown_section = config_case('[sites]\nname = "x"\n', "[sites]")
config_bad_toml = config_case('[site\nname = "x"\n', "TOML", "line 1")
config_night_premium_below_law = config_case("[pay]\nnight_premium = 0.1\n", "pay.night_premium", "0.1")
config_weekly_rest_below_law = config_case("[labour]\nweekly_rest_h = 30\n", "labour.weekly_rest_h", "42")


# ------------------------------------------------------------------------------ agents and absences (issue 4)


def agents_case(row: int, column: str, bad: str, *expect: str) -> Callable[[Path], Case]:
    """Agents file with the `column` cell of data line `row - 1` replaced by `bad`."""

    def build(tmp: Path) -> Case:
        header = AGENTS[0].split(",")
        lines = list(AGENTS)
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = bad
        lines[row - 1] = ",".join(cells)
        args, out = schedule_args(tmp, write_lines(tmp / "staff.csv", lines))
        return args, ["staff.csv", f"row {row}", f"'{column}'", *expect], out

    return build


agents_unknown_pattern = agents_case(3, "pattern", "4/4", "4/4")
agents_duplicate_id = agents_case(4, "agent_id", "A1", "A1")
agents_negative_rate = agents_case(2, "rate_rub_h", "-450", "-450")
agents_bad_shift_pref = agents_case(3, "shift_pref", "evening", "evening")
agents_night_ok_maybe = agents_case(4, "night_ok", "maybe", "maybe")


def absences_case(lines: list[str], row: int, column: str, *expect: str) -> Callable[[Path], Case]:
    def build(tmp: Path) -> Case:
        absences = write_lines(tmp / "leave.csv", ["agent_id,start,end,kind", *lines])
        args, out = schedule_args(tmp, None, "--absences", absences)
        return args, ["leave.csv", f"row {row}", f"'{column}'", *expect], out

    return build


absences_unknown_agent = absences_case(["A1,2026-11-24,2026-11-25,sick", "Z9,2026-11-24,2026-11-25,sick"],
                                       3, "agent_id", "Z9")
absences_end_before_start = absences_case(["A2,2026-11-26,2026-11-24,vacation"], 2, "end")


# ------------------------------------------------------------------------------ schedule and options


def schedule_night_only_agent(tmp: Path) -> Case:
    config = tmp / "rota.toml"
    config.write_text('[patterns."2/2"]\nvariants = { night = ["night", "night", "off", "off"] }\n', encoding="utf-8")
    agents = write_lines(tmp / "agents.csv", ["agent_id,pattern,rate_rub_h,night_ok",
                                              "N1,2/2,400,true", "N2,2/2,400,false", "N3,5/2,400,true"])
    args, out = schedule_args(tmp, agents, "--config", config)
    return args, ["N2", "night"], out


def schedule_start_not_a_date(tmp: Path) -> Case:
    args, out = schedule_args(tmp)
    args[args.index("--start") + 1] = "23-11-2026"
    return args, ["--start", "23-11-2026"], out


def requirements_without_agents(tmp: Path) -> Case:
    args, out = schedule_args(tmp)
    hours = pd.date_range(START, periods=24, freq="h")
    write_lines(tmp / "req.csv", ["ts,scheduled"] + [f"{h:%Y-%m-%d %H:%M},2" for h in hours])
    args[args.index("--requirements") + 1] = tmp / "req.csv"
    return args, ["req.csv", "row 1", "'agents'"], out


def plan_start_not_a_date(tmp: Path) -> Case:
    out = tmp / "out"
    return ["plan", "--workspace", tmp, "--start", "next week", "--out", out], ["--start", "next week"], out


def plan_bad_agents_in_workspace(tmp: Path) -> Case:
    ws = tmp / "ws"
    ws.mkdir()
    (ws / "rota.toml").write_text('[forecast]\nmethods = ["weekly_mean"]\n', encoding="utf-8")
    write_lines(ws / "history.csv", hourly_history())
    write_lines(ws / "agents.csv", [AGENTS[0], AGENTS[1], AGENTS[2].replace(",450,", ",четыреста,")])
    out = tmp / "out"
    return (["plan", "--workspace", ws, "--start", START, "--time-limit", 1, "--out", out],
            ["agents.csv", "row 3", "'rate_rub_h'"], out)


CASES = [
    history_missing_column, history_text_in_contacts, history_negative_count, history_empty_file,
    history_header_only, history_broken_xlsx, history_csv_named_xlsx, history_duplicated_timestamp,
    history_xlsx_text_in_contacts, forecast_text_in_contacts, forecast_out_under_a_file,
    config_sl_above_one, config_negative_aht, config_unknown_model, config_unknown_section, config_bad_toml,
    config_night_premium_below_law, config_weekly_rest_below_law,
    agents_unknown_pattern, agents_duplicate_id, agents_negative_rate, agents_bad_shift_pref, agents_night_ok_maybe,
    absences_unknown_agent, absences_end_before_start,
    schedule_night_only_agent, schedule_start_not_a_date, requirements_without_agents,
    plan_start_not_a_date, plan_bad_agents_in_workspace,
]
NAMES = [
    "history_missing_column", "history_text_in_contacts", "history_negative_count", "history_empty_file",
    "history_header_only", "history_broken_xlsx", "history_csv_named_xlsx", "history_duplicated_timestamp",
    "history_xlsx_text_in_contacts", "forecast_text_in_contacts", "forecast_out_under_a_file",
    "config_sl_above_one", "config_negative_aht", "config_unknown_model", "config_unknown_section",
    "config_bad_toml", "config_night_premium_below_law", "config_weekly_rest_below_law",
    "agents_unknown_pattern", "agents_duplicate_id", "agents_negative_rate", "agents_bad_shift_pref",
    "agents_night_ok_maybe", "absences_unknown_agent", "absences_end_before_start",
    "schedule_night_only_agent", "schedule_start_not_a_date", "requirements_without_agents",
    "plan_start_not_a_date", "plan_bad_agents_in_workspace",
]


@pytest.mark.parametrize("build", CASES, ids=NAMES)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(build: Callable[[Path], Case], tmp_path: Path) -> None:
    args, expect, out = build(tmp_path)
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in expect:
        assert word in lines[0], (word, lines[0])
    assert not out.exists()


def test_a_russian_export_is_read_not_refused(tmp_path: Path) -> None:
    """cp1251, `;`, dd.mm.yyyy and decimal commas, under a title line: read, exit 0.

    Seasonal naive repeats the last week, so the forecast must equal values the test wrote.
    """
    hours = pd.date_range("2026-11-09", periods=14 * 24, freq="h")
    values = [round(1.5 + (h.hour % 7) * 0.25, 2) for h in hours]
    lines = ["Обращения по часам", "ts;channel;queue;contacts"]
    lines += [f"{h:%d.%m.%Y %H:%M};phone;покупатели;{str(v).replace('.', ',')}" for h, v in zip(hours, values)]
    path = tmp_path / "выгрузка.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1251"))
    out = tmp_path / "fc.csv"
    result = CliRunner().invoke(cli.app, ["forecast", "--history", str(path), "--start", START, "--days", "1",
                                          "--method", "seasonal_naive", "--out", str(out)])
    assert result.exit_code == 0, result.output
    fc = pd.read_csv(out)
    assert set(fc["queue"]) == {"покупатели"}
    assert np.allclose(fc["contacts"], values[-168:-144])
