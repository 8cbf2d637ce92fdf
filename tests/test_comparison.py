"""The comparison outputs: deltas against the base, a readable workbook, all-or-nothing files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.analysis.comparison import comparison_frame, write_comparison
from planner.output.terminal import comparison_table
from planner.analysis.scenarios import ScenarioResult


def _result(name: str, sl: float, total: float, contacts: float, heads: dict[str, int], under: int,
            desc: str = "") -> ScenarioResult:
    cost = {"base": total * 0.8, "night_premium": total * 0.1, "holiday_premium": 0.0, "overtime": total * 0.1,
            "total": total}
    summary = {"status": "OPTIMAL", "contacts": contacts, "required_agent_hours": 1000.0,
               "scheduled_agent_hours": 1100.0 + 10 * sum(heads.values()), "service_level": sl,
               "shortfall_agent_hours": 60.0 - 5 * sum(heads.values()),
               "hours_short": 3, "cost": cost, "cost_per_contact": total / contacts}
    return ScenarioResult(name, desc, summary, heads, under)


@pytest.fixture
def frame() -> pd.DataFrame:
    return comparison_frame([
        _result("base", 0.80, 500_000, 10_000, {"2/2": 10, "5/2": 5}, 12),
        _result("hire", 0.86, 560_000, 10_000, {"2/2": 14, "5/2": 5}, 4, "=SUM(A1) four more on 2/2"),
    ])


def test_deltas_against_the_base(frame: pd.DataFrame):
    hire = frame.iloc[1]
    assert hire["delta_service_level"] == pytest.approx(0.06)
    assert hire["delta_cost_total"] == pytest.approx(60_000)
    assert hire["delta_headcount"] == 4
    assert hire["delta_hours_under_target"] == -8
    assert hire["delta_shortfall_agent_hours"] == -20     # 5 h fewer short per agent, 4 more agents
    assert hire["delta_cost_per_contact"] == pytest.approx(6.0)    # 56 - 50 RUB
    assert hire["headcount_2/2"] == 14 and hire["headcount_5/2"] == 5
    assert frame.iloc[0]["delta_cost_total"] == 0


def test_table_shows_every_scenario(frame: pd.DataFrame):
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(comparison_table(frame))
    text = console.export_text()
    assert "hire" in text and "+6.0 pp" in text and "+60 " in text and "560" in text


def test_files_written_and_readable(frame: pd.DataFrame, tmp_path: Path):
    written = write_comparison(frame, tmp_path / "cmp")
    assert sorted(p.name for p in written) == ["comparison.csv", "comparison.png", "comparison.xlsx"]
    assert sorted(p.name for p in (tmp_path / "cmp").iterdir()) == sorted(p.name for p in written)  # no leftovers
    back = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert back["scenario"].tolist() == ["base", "hire"]
    ws = load_workbook(tmp_path / "cmp" / "comparison.xlsx").active
    header = [c.value for c in ws[3]]
    assert header[:2] == ["Scenario", "Description"]
    assert ws["A5"].value == "hire"
    assert ws["B5"].value.startswith("=SUM") and ws["B5"].data_type == "s"   # text, not a formula
    sl = ws.cell(row=5, column=header.index("Service level") + 1)
    assert sl.value == pytest.approx(0.86) and "%" in sl.number_format
    assert (tmp_path / "cmp" / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_nothing_is_written_when_a_file_fails(frame: pd.DataFrame, tmp_path: Path, monkeypatch):
    from planner.analysis import comparison

    def broken(df, path):
        raise OSError("disk full")

    monkeypatch.setattr(comparison, "write_comparison_png", broken)
    with pytest.raises(OSError):
        write_comparison(frame, tmp_path / "cmp")
    assert list((tmp_path / "cmp").iterdir()) == []


def _many() -> pd.DataFrame:
    """The base and five scenarios with the sample's long names, one with its own target."""
    results = [_result("base", 0.798, 3_151_225, 24_703, {"2/2": 76, "3/3": 24, "5/2": 50}, 62)]
    for name, sl in (("aht_plus_10", 0.677), ("hire_10_on_2_2", 0.842), ("night_premium_40", 0.802),
                     ("phone_90_20", 0.767), ("sale_chat_x2", 0.600)):
        r = _result(name, sl, 3_200_000, 24_703, {"2/2": 76, "3/3": 24, "5/2": 50}, 80)
        if name == "phone_90_20":
            from dataclasses import replace

            r = replace(r, own_targets="phone.sl_target 0.9 against the base's 0.8", target=0.86)
        results.append(r)
    return comparison_frame(results)


def test_at_80_columns_no_scenario_name_or_figure_is_broken(frame: pd.DataFrame) -> None:
    from rich.console import Console

    df = _many()
    console = Console(width=80, record=True)
    console.print(comparison_table(df, 80))
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines())
    for name in df["scenario"]:
        assert any(f" {name} " in line for line in text.splitlines()), name
    assert "-12.1 pp" in text and "76.7% *" in text
    said = " ".join(text.split())
    assert "* phone_90_20 is scored against its own service targets (phone.sl_target 0.9 against the base's 0.8)" in said


def test_a_scenario_with_its_own_target_is_flagged_in_the_csv(tmp_path: Path) -> None:
    write_comparison(_many(), tmp_path)
    back = pd.read_csv(tmp_path / "comparison.csv", keep_default_na=False).set_index("scenario")
    assert not back.loc["phone_90_20", "service_level_comparable"]
    assert back.loc["phone_90_20", "own_targets"] == "phone.sl_target 0.9 against the base's 0.8"
    assert back.loc["aht_plus_10", "service_level_comparable"] and back.loc["aht_plus_10", "own_targets"] == ""


def test_the_service_level_axis_starts_at_zero_and_targets_are_not_the_base_line() -> None:
    from planner.analysis.comparison import comparison_figure

    ax = comparison_figure(_many()).axes[0]
    assert ax.get_ylim()[0] == 0
    handles, labels = ax.get_legend_handles_labels()
    assert labels == ["base 79.8 %", "target of the scenario"]
    ticks = [c for c in ax.collections if c.get_label() == "target of the scenario"][0]
    assert len(ticks.get_segments()) == 6   # one per bar, at each scenario's own target
    assert "own" in ax.get_title()
