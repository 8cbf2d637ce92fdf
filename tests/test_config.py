"""planner/config.py: rota.toml read as one file, each section validated by its owner.

Defaults are checked against the law (night 22:00-06:00 at +20 %, double pay on
holidays, 42 h weekly rest, 12 h daily rest, 2/2 3/3 5/2), not against the code's own constants.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from common.errors import InputError
from planner.workspace.config import SECTIONS, RotaConfig, default_config, load_config

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "rota.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str, name: str = "site.toml") -> InputError:
    with pytest.raises(InputError) as info:
        load_config(write(tmp_path, text, name))
    return info.value


def test_no_file_means_lawful_defaults(tmp_path: Path) -> None:
    cfg = load_config(None)
    assert isinstance(cfg, RotaConfig) and cfg.source == "defaults"
    assert cfg.pay.night_premium == pytest.approx(0.20)                 # art. 154, decree 554
    assert cfg.pay.holiday_multiplier == pytest.approx(2.0)             # art. 153
    assert (cfg.pay.night_start, cfg.pay.night_end) == (time(22), time(6))      # art. 96
    assert (cfg.labour.night_start, cfg.labour.night_end) == (time(22), time(6))
    assert cfg.labour.weekly_rest_h == 42                                # art. 110
    assert cfg.labour.min_daily_rest_h == 12
    assert {"2/2", "3/3", "5/2"} <= set(cfg.book.patterns)
    day = cfg.book.templates["day"]
    assert (day.length_h, day.paid_h) == (12, 11)                       # 12 h on site, 11 paid
    assert cfg.book.templates["office"].paid_h == 8                     # 5/2: 8 + 1
    assert 0.25 <= cfg.staffing.shrinkage <= 0.35
    assert {"phone", "chat", "email"} <= set(cfg.staffing.channels)
    assert (cfg.data.history, cfg.data.agents, cfg.data.absences) == ("history.csv", "agents.csv", "absences.csv")
    assert cfg.solver.time_limit_s == 30 and cfg.solver.workers >= 1
    assert cfg.solver.gap_limit == 0.0            # without a setting: search until the time limit
    assert default_config(tmp_path).root == tmp_path


def test_an_empty_file_is_all_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ""))
    assert cfg.source == "rota.toml"
    assert cfg.root == tmp_path.resolve()
    assert cfg.pay == load_config(None).pay and cfg.labour == load_config(None).labour


def test_the_sample_workspace_config_loads() -> None:
    cfg = load_config(REPO / "sample_data" / "rota.toml")
    assert cfg.staffing.channels["phone"].model == "erlang_a"
    assert cfg.staffing.shrinkage == pytest.approx(0.30)
    assert cfg.path(cfg.data.history) == (REPO / "sample_data" / "history.csv").resolve()


def test_data_paths_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[data]\nhistory = "in/calls.csv"\nabsences = "/srv/leave.csv"\n'))
    assert cfg.path(cfg.data.history) == tmp_path.resolve() / "in" / "calls.csv"
    assert cfg.path(cfg.data.absences) == Path("/srv/leave.csv")


def test_a_workspace_may_restrict_a_pattern_and_a_template(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[patterns."2/2"]\nvariants = { night = ["night", "night", "off", "off"] }\n'
                                      '[shifts.day]\nstarts = ["08:00"]\n'))
    assert [v.name for v in cfg.book.patterns["2/2"].variants] == ["night"]
    assert cfg.book.templates["day"].starts == (time(8),)
    assert cfg.book.templates["day"].length_h == 12                      # kept from the default


def test_a_wider_night_is_accepted_when_labour_and_pay_agree(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[labour]\nnight_start = "21:00"\n[pay]\nnight_start = "21:00"\n'))
    assert cfg.labour.night_start == cfg.pay.night_start == time(21)


def test_the_night_is_set_once_in_labour_and_paid_as_such(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[labour]\nnight_start = "21:00"\nnight_end = "07:00"\n'))
    assert (cfg.pay.night_start, cfg.pay.night_end) == (time(21), time(7))
    assert cfg.pay.night == cfg.labour.night


def test_a_config_cannot_hold_two_nights(tmp_path: Path) -> None:
    from constraints.labour import parse_labour

    with pytest.raises(ValueError, match="night"):
        RotaConfig(source="test", root=tmp_path, labour=parse_labour({"night_start": "21:00"}))


@pytest.mark.parametrize("text, setting", [
    ('[pay]\nnight_start = "21:00"\n', "labour.night_start"),
    ('[pay]\nnight_end = "07:00"\n', "labour.night_end"),
    ('[labour]\nnight_start = "21:00"\n[pay]\nnight_start = "22:00"\n', "labour.night_start"),
])
def test_labour_and_pay_night_windows_must_agree(tmp_path: Path, text: str, setting: str) -> None:
    err = refused(tmp_path, text)
    assert err.file == "site.toml" and err.column == setting
    assert "pay." in err.message


@pytest.mark.parametrize("text, setting", [
    ('[site]\ncity = "Kazan"\n', "site.city"),
    ("[data]\nhistory = 5\n", "data.history"),
    ('[forecast]\nmethods = ["crystal_ball"]\n', "forecast.methods"),
    ("[forecast.backtest]\norigins = 0\n", "forecast.backtest.origins"),
    ("[staffing]\nshrinkage = 1.2\n", "staffing.shrinkage"),
    ('[channels.phone]\nmodel = "erlang_c"\nsl_target = 1.5\n', "channels.phone.sl_target"),
    ('[channels.phone]\nmodel = "erlang_c"\naht_s = -180\n', "channels.phone.aht_s"),
    ('[channels.phone]\nmodel = "pigeon"\n', "channels.phone.model"),
    ('[shifts.day]\nstarts = ["07:30"]\n', "shifts.day.starts"),
    ('[patterns."4/4"]\nvariants = { day = ["day", "lunch"] }\n', 'patterns."4/4".variants.day'),
    ("[labour]\nweekly_rest_h = 30\n", "labour.weekly_rest_h"),
    ("[labour]\nmin_daily_rest_h = -1\n", "labour.min_daily_rest_h"),
    ("[pay]\nnight_premium = 0.1\n", "pay.night_premium"),
    ("[pay]\nholiday_multiplier = 1.5\n", "pay.holiday_multiplier"),
    ("[solver]\nworkers = 0\n", "solver.workers"),
    ("[solver]\ntime_limit = 5\n", "solver.time_limit"),
    ("[solver]\ngap_limit = 1.0\n", "solver.gap_limit"),
    ("[solver]\ngap_limit = -0.01\n", "solver.gap_limit"),
    ("[objective]\nmissed_contact_rub = -1\n", "objective.missed_contact_rub"),
    ('[queues.sellers]\nneeds = "sellers"\n', "queues.sellers.needs"),
    ('[queues.sellers_en]\nneeds = ["sellers en"]\n', "queues.sellers_en.needs"),
    ('[queues.sellers_en]\nneeds = ["sellers", "chat"]\n', "queues.sellers_en.needs"),
])
def test_every_section_names_the_file_and_the_dotted_setting(tmp_path: Path, text: str, setting: str) -> None:
    err = refused(tmp_path, text)
    assert err.file == "site.toml"
    assert err.column == setting
    assert err.message and "Value error" not in err.message
    assert "site.toml" in str(err) and setting in str(err)


def test_every_known_section_is_accepted_empty(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "\n".join(f"[{s}]" for s in SECTIONS) + "\n"))
    assert cfg.labour == load_config(None).labour


def test_unknown_section_is_named_with_the_known_ones(tmp_path: Path) -> None:
    err = refused(tmp_path, "[sites]\n")
    assert err.column == "sites" and "[sites]" in err.message and "site" in err.message


def test_a_section_that_is_not_a_table(tmp_path: Path) -> None:
    err = refused(tmp_path, 'solver = "fast"\n')
    assert err.file == "site.toml" and err.column == "solver"


def test_bad_toml_syntax_names_the_file_and_line(tmp_path: Path) -> None:
    err = refused(tmp_path, '[site]\nname = "unterminated\n')
    assert err.file == "site.toml" and "TOML" in err.message and "line 2" in err.message


def test_a_config_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes('[site]\nname = "Казань"\n'.encode("cp1251"))
    with pytest.raises(InputError) as info:
        load_config(path)
    assert info.value.file == "site.toml" and "UTF-8" in info.value.message


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rota.toml"
    path.write_bytes('[site]\nname = "Казань"\n'.encode("utf-8-sig"))
    assert load_config(path).site.name == "Казань"


def test_a_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_config(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(info.value) and "not found" in info.value.message


def test_queues_say_which_tags_each_queue_needs(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[queues.Sellers_EN]\nneeds = ["sellers", "EN"]\n'
                                      '[queues.buyers]\nneeds = ["buyers"]\n'))
    assert cfg.queues.of("sellers_en") == {"sellers", "en"}
    assert cfg.queues.of("buyers") == {"buyers"}
    assert cfg.queues.of("main") == frozenset()
    assert load_config(None).queues.needs == {}


def test_a_channel_is_not_a_tag_a_queue_may_need(tmp_path: Path) -> None:
    """A channel of rota.toml (here a configured `fax` beside the defaults) in `needs` is refused."""
    err = refused(tmp_path, '[channels.fax]\nmodel = "email"\naht_s = 300\nresponse_h = 24\n'
                            '[queues.docs]\nneeds = ["Fax"]\n')
    assert err.file == "site.toml" and err.column == "queues.docs.needs"
    assert "'fax' is a channel" in err.message


def test_a_misspelt_time_zone_is_refused_by_name(tmp_path: Path) -> None:
    """The site's zone is printed beside its times in every summary (several sites keep their local
    times), so a zone that does not exist is an error naming the setting, and real ones load."""
    bad = tmp_path / "rota.toml"
    bad.write_text('[site]\ntimezone = "Asia/Vladivostk"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"site\.timezone.*'Asia/Vladivostk' is not a time zone"):
        load_config(bad)
    for zone in ("Europe/Moscow", "Asia/Novosibirsk", "Asia/Vladivostok"):
        bad.write_text(f'[site]\ntimezone = "{zone}"\n', encoding="utf-8")
        assert load_config(bad).site.timezone == zone
