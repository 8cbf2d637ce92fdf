"""The committed sample workspace: file formats, the realism the demo relies on, reproducibility.

Expected figures come from the task's description of the site (volumes, seasons, holidays of
ТК РФ art. 112, sales events, roster mix), not from the generator's own constants.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SERIES = {
    ("phone", "buyers"), ("phone", "sellers"),
    ("chat", "buyers"), ("chat", "sellers"), ("chat", "sellers_en"),
    ("email", "buyers"), ("email", "sellers"), ("email", "sellers_en"),
}
HOURS = 2 * 365 * 24  # 2024-11-16 00:00 .. 2026-11-15 23:00, no leap day in between


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE / "history.csv", dtype={"channel": str, "queue": str})
    frame["ts"] = pd.to_datetime(frame["ts"], format="%Y-%m-%d %H:%M")
    return frame


@pytest.fixture(scope="module")
def daily(history: pd.DataFrame) -> pd.DataFrame:
    """Contacts per day, one column per (channel, queue)."""
    per_day = history.groupby(["channel", "queue", history["ts"].dt.normalize()])["contacts"].sum()
    return per_day.unstack([0, 1])


@pytest.fixture(scope="module")
def agents() -> pd.DataFrame:
    """The rota staff (2/2, 3/3, 5/2); the flex group is checked on its own below."""
    every = pd.read_csv(SAMPLE / "agents.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    return every[every["pattern"] != "flex"].reset_index(drop=True)


@pytest.fixture(scope="module")
def flex_agents() -> pd.DataFrame:
    every = pd.read_csv(SAMPLE / "agents.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    return every[every["pattern"] == "flex"].reset_index(drop=True)


def test_the_flex_group_is_fifteen_part_timers_mostly_on_evenings_and_weekends(flex_agents: pd.DataFrame) -> None:
    """Issue 17's sample: about 15 flex agents, most of their hours of availability in the evening
    (from 17:00) or on a weekend; each has availability rows; the wishes are theirs, in the weeks
    the sample plans, with weights in roubles."""
    assert len(flex_agents) == 15 and flex_agents["agent_id"].str.fullmatch(r"F0\d\d").all()
    assert set(flex_agents["team"]) == {"flex"} and flex_agents["name"].is_unique
    windows = pd.read_csv(SAMPLE / "availability.csv", dtype=str, keep_default_na=False)
    assert set(windows["agent_id"]) == set(flex_agents["agent_id"])
    on = windows[windows["from"] != ""]
    hour = lambda t: int(t[:2])  # noqa: E731
    evening_or_weekend = sum(
        (hour(b) - hour(a)) if d in ("sat", "sun") else max(hour(b) - max(hour(a), 17), 0)
        for d, a, b in zip(on["day"], on["from"], on["to"]))
    assert evening_or_weekend / sum(hour(b) - hour(a) for a, b in zip(on["from"], on["to"])) > 0.6
    wishes = pd.read_csv(SAMPLE / "requests.csv", dtype=str, keep_default_na=False)
    assert set(wishes["agent_id"]) <= set(flex_agents["agent_id"]) and len(wishes) >= 10
    assert wishes["date"].between("2026-11-23", "2026-12-13").all() and (wishes["weight"].astype(int) >= 1000).all()


@pytest.fixture(scope="module")
def absences() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "absences.csv", dtype=str, keep_default_na=False)


def _buyers_live(daily: pd.DataFrame) -> pd.Series:
    return daily[("chat", "buyers")] + daily[("phone", "buyers")]


def _sellers(daily: pd.DataFrame) -> pd.Series:
    return daily.loc[:, [c for c in daily.columns if c[1].startswith("sellers")]].sum(axis=1)


def _day(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def _same_weekday(series: pd.Series, day: str, offsets: tuple[int, ...]) -> float:
    """Mean of the series on the same weekday `offsets` weeks away (negative = before)."""
    d = _day(day)
    return float(series.loc[[d + pd.Timedelta(weeks=k) for k in offsets]].mean())


# --- history: format ----------------------------------------------------------------------------


def test_history_columns_series_and_complete_hourly_grid(history: pd.DataFrame) -> None:
    assert list(history.columns) == ["ts", "channel", "queue", "contacts", "aht_s"]
    assert set(zip(history["channel"], history["queue"])) == SERIES
    assert len(history) == len(SERIES) * HOURS
    grid = pd.date_range("2024-11-16 00:00", "2026-11-15 23:00", freq="h")
    for _, part in history.groupby(["channel", "queue"]):
        assert part["ts"].is_monotonic_increasing
        assert part["ts"].reset_index(drop=True).equals(pd.Series(grid, name="ts"))


def test_history_timestamps_are_written_as_minutes() -> None:
    with open(SAMPLE / "history.csv", encoding="utf-8") as f:
        next(f)
        first = [next(f) for _ in range(50)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:00,[a-z]+,[a-z_]+,\d+,\d*\n", line) for line in first)


def test_contacts_are_non_negative_integers_and_aht_present_when_contacts(history: pd.DataFrame) -> None:
    assert history["contacts"].dtype.kind == "i"
    assert (history["contacts"] >= 0).all()
    served = history["contacts"] > 0
    assert history.loc[served, "aht_s"].notna().all()
    assert history.loc[~served, "aht_s"].isna().all()
    assert (history.loc[served, "aht_s"] > 0).all()


def test_aht_levels_by_channel_and_queue(history: pd.DataFrame) -> None:
    served = history[history["contacts"] > 0]
    weighted = (served["contacts"] * served["aht_s"]).groupby([served["channel"], served["queue"]]).sum()
    aht = weighted / served.groupby(["channel", "queue"])["contacts"].sum()
    bounds = {"phone": (280, 360), "chat": (700, 1000), "email": (360, 500)}
    for (channel, _queue), value in aht.items():
        lo, hi = bounds[channel]
        assert lo <= value <= hi, (channel, _queue, value)
    for channel in ("phone", "chat", "email"):
        assert aht[(channel, "buyers")] < aht[(channel, "sellers")]
    for channel in ("chat", "email"):
        assert aht[(channel, "sellers")] < aht[(channel, "sellers_en")]


def test_history_file_is_modest() -> None:
    assert (SAMPLE / "history.csv").stat().st_size < 6_000_000


# --- history: realism ---------------------------------------------------------------------------


def test_weekly_season_sellers_quiet_at_weekends_buyers_busy_on_monday(daily: pd.DataFrame) -> None:
    year = daily.loc["2025-11-17":"2026-11-08"]
    dow = year.index.day_of_week
    sellers = _sellers(year)
    assert sellers[dow >= 5].mean() < 0.55 * sellers[dow < 5].mean()
    buyers = _buyers_live(year)
    assert buyers[dow == 0].mean() > 1.05 * buyers[dow == 2].mean()


def test_buyers_sunday_evening_is_busier_than_saturday_evening(history: pd.DataFrame) -> None:
    part = history[(history["channel"] == "chat") & (history["queue"] == "buyers")
                   & (history["ts"] >= "2025-11-17") & history["ts"].dt.hour.between(19, 22)]
    dow = part["ts"].dt.day_of_week
    assert part.loc[dow == 6, "contacts"].mean() > 1.1 * part.loc[dow == 5, "contacts"].mean()


def _hour_profile(history: pd.DataFrame, channel: str, queue: str) -> pd.Series:
    part = history[(history["channel"] == channel) & (history["queue"] == queue)
                   & (history["ts"] >= "2026-09-01") & (history["ts"].dt.day_of_week < 5)]
    return part.groupby(part["ts"].dt.hour)["contacts"].mean()


def test_intraday_quiet_nights_and_day_peaks(history: pd.DataFrame) -> None:
    buyers = _hour_profile(history, "chat", "buyers")
    peak = buyers.max()
    assert 0.03 * peak <= buyers.loc[3:6].mean() <= 0.12 * peak
    assert buyers.loc[11:14].mean() > 0.85 * peak
    assert buyers.loc[19:22].mean() > buyers.loc[16:17].mean()  # the evening peak
    sellers = _hour_profile(history, "phone", "sellers")
    assert sellers.loc[10:17].sum() > 0.6 * sellers.sum()
    assert sellers.loc[19:22].mean() < 0.5 * sellers.loc[10:17].mean()
    email = _hour_profile(history, "email", "buyers")
    assert email.loc[9:18].sum() > 0.55 * email.sum()


def test_chat_is_buyers_main_channel(daily: pd.DataFrame) -> None:
    others = daily[("phone", "buyers")].sum() + daily[("email", "buyers")].sum()
    assert daily[("chat", "buyers")].sum() > others


def test_growth_buyers_faster_than_sellers(daily: pd.DataFrame) -> None:
    now = daily.loc["2026-08-31":"2026-10-25"]  # 8 weeks, no holiday or sale
    year_ago = daily.loc["2025-09-01":"2025-10-26"]  # the same weekdays 364 days earlier
    buyers = daily.columns[[q == "buyers" for _, q in daily.columns]]
    g_buyers = now[buyers].to_numpy().sum() / year_ago[buyers].to_numpy().sum() - 1
    g_sellers = _sellers(now).sum() / _sellers(year_ago).sum() - 1
    g_all = now.to_numpy().sum() / year_ago.to_numpy().sum() - 1
    assert 0.14 <= g_all <= 0.26
    assert g_buyers > g_sellers + 0.04
    assert g_sellers > 0.03


def test_slight_yearly_season_summer_lower(daily: pd.DataFrame) -> None:
    buyers = _buyers_live(daily)
    summer = buyers.loc["2025-06-15":"2025-08-15"].mean()
    spring = buyers.loc["2025-03-15":"2025-04-15"].mean()
    autumn = buyers.loc["2025-10-01":"2025-10-31"].mean()
    assert summer < 0.98 * (spring + autumn) / 2  # below the trend line between them
    assert summer > 0.80 * (spring + autumn) / 2  # but only slightly


@pytest.mark.parametrize("day", ["2025-11-11", "2026-11-11"])
def test_11_11_spike_and_the_days_after(daily: pd.DataFrame, day: str) -> None:
    buyers = _buyers_live(daily)
    before = (-4, -3, -2)  # a week before is Nov 4, a holiday
    ratio = buyers[_day(day)] / _same_weekday(buyers, day, before)
    assert 1.55 <= ratio <= 2.1
    next_day = (_day(day) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    assert buyers[_day(next_day)] / _same_weekday(buyers, next_day, before) > 1.15
    sellers = daily[("chat", "sellers")] + daily[("phone", "sellers")]
    s_ratio = sellers[_day(day)] / _same_weekday(sellers, day, before)
    assert 1.05 < s_ratio < ratio - 0.2  # sellers feel it less


@pytest.mark.parametrize("friday", ["2024-11-29", "2025-11-28"])  # last Fridays of November
def test_black_friday(daily: pd.DataFrame, friday: str) -> None:
    buyers = _buyers_live(daily)
    assert buyers[_day(friday)] > 1.3 * _same_weekday(buyers, friday, (-1, 1))
    sunday = (_day(friday) + pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    assert buyers[_day(sunday)] > 1.1 * _same_weekday(buyers, sunday, (-1, 1))


@pytest.mark.parametrize("year", [2024, 2025])
def test_weeks_before_new_year_ramp_up(daily: pd.DataFrame, year: int) -> None:
    buyers = _buyers_live(daily)
    early = buyers.loc[f"{year}-12-01":f"{year}-12-12"].mean()
    late = buyers.loc[f"{year}-12-23":f"{year}-12-30"].mean()
    assert 1.12 <= late / early <= 1.45


@pytest.mark.parametrize("day", ["2025-03-07", "2026-03-07"])
def test_gifts_before_march_8(daily: pd.DataFrame, day: str) -> None:
    buyers = _buyers_live(daily)
    assert buyers[_day(day)] > 1.2 * _same_weekday(buyers, day, (-2, -1))


@pytest.mark.parametrize("year", [2025, 2026])
def test_new_year_morning_dip_and_busy_days_after(
    history: pd.DataFrame, daily: pd.DataFrame, year: int
) -> None:
    live = history[history["channel"].isin(["chat", "phone"]) & (history["queue"] == "buyers")]
    by_hour = live.groupby(live["ts"].dt.floor("D"))["contacts"].sum()
    morning = live[live["ts"].dt.hour.between(6, 11)]
    morning = morning.groupby(morning["ts"].dt.floor("D"))["contacts"].sum()
    ref = [_day(f"{year - 1}-12-{d}") for d in (16, 17, 18, 19, 20, 21, 22)]
    assert morning[_day(f"{year}-01-01")] < 0.35 * morning.loc[ref].mean()
    assert by_hour[_day(f"{year}-01-01")] < 0.85 * by_hour.loc[ref].mean()
    buyers = _buyers_live(daily)
    after = buyers.loc[f"{year}-01-02":f"{year}-01-08"].mean()
    ordinary = buyers.loc[f"{year}-01-19":f"{year}-02-08"].mean()
    assert after > 1.1 * ordinary


ART112 = ["2025-01-01", "2025-01-08", "2025-02-23", "2025-03-08", "2025-05-01", "2025-05-09",
          "2025-06-12", "2025-11-04", "2026-01-05", "2026-02-23", "2026-03-08", "2026-05-01",
          "2026-05-09", "2026-06-12", "2026-11-04"]


@pytest.mark.parametrize("day", ART112)
def test_sellers_drop_strongly_on_holidays(daily: pd.DataFrame, day: str) -> None:
    sellers = _sellers(daily)
    d = _day(day)
    window = sellers.loc[d - pd.Timedelta(days=21):d - pd.Timedelta(days=10)]
    weekdays = window[window.index.day_of_week < 5]
    assert sellers[d] < 0.5 * weekdays.mean()


def test_calibration_scheduled_agent_hours(history: pd.DataFrame) -> None:
    """A plain week just before the horizon (Oct 26 - Nov 1, 2026) asks for roughly what the
    150 agents deliver: rota's own requirements with the sample rota.toml come to 4,800-5,800
    scheduled agent-hours, below the ~6,400 on-site hours of the agents file, with a real
    day peak and a quiet night."""
    from forecasts.staffing import requirements
    from planner.workspace.config import load_config

    cfg = load_config(SAMPLE / "rota.toml")
    week = history[(history["ts"] >= "2026-10-26") & (history["ts"] < "2026-11-02")]
    req = requirements(week.assign(ts=pd.to_datetime(week["ts"])), cfg.staffing)
    scheduled = req.groupby("ts")["scheduled_agents"].sum()
    assert len(scheduled) == 168
    assert 4800 <= scheduled.sum() <= 5800
    assert 40 <= scheduled.max() <= 90
    assert scheduled.min() <= 0.2 * scheduled.max()


# --- agents -------------------------------------------------------------------------------------

AGENT_COLUMNS = ["agent_id", "name", "team", "pattern", "shift_pref", "skills", "rate_rub_h",
                 "cycle_start", "night_ok", "hired_for_nights", "overtime_ytd_h"]


def test_agents_columns_ids_and_names(agents: pd.DataFrame) -> None:
    assert list(agents.columns) == AGENT_COLUMNS
    assert len(agents) == 150
    assert agents["agent_id"].is_unique
    assert agents["agent_id"].str.fullmatch(r"A\d{3}").all()
    assert agents["name"].str.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+").all()
    assert agents["name"].is_unique
    assert agents["team"].str.fullmatch(r"(buyers|sellers)-(\d|en)").all()
    assert {"buyers-1", "buyers-2", "sellers-1", "sellers-en"} <= set(agents["team"])


def test_pattern_mix(agents: pd.DataFrame) -> None:
    counts = agents["pattern"].value_counts()
    assert set(counts.index) == {"2/2", "3/3", "5/2"}
    assert 70 <= counts["2/2"] <= 82
    assert 20 <= counts["3/3"] <= 28
    assert 45 <= counts["5/2"] <= 55


def test_shift_preferences(agents: pd.DataFrame) -> None:
    assert set(agents["shift_pref"]) <= {"day", "night", "any"}
    five_two = agents[agents["pattern"] == "5/2"]
    assert (five_two["shift_pref"] == "day").mean() >= 0.8
    shifts = agents[agents["pattern"] != "5/2"]
    assert (shifts["shift_pref"] == "any").mean() > 0.5
    assert (shifts["shift_pref"] == "night").sum() >= 5


CHANNELS = {"phone", "chat", "email"}
TAGS = {"buyers", "sellers", "en"}


def _tokens(agents: pd.DataFrame) -> pd.Series:
    return agents["skills"].str.split(";").map(set)


def _english(agents: pd.DataFrame) -> pd.Series:
    return _tokens(agents).map(lambda t: "en" in t)


def test_skills_are_channels_and_team_tags(agents: pd.DataFrame) -> None:
    cells = agents["skills"].str.split(";")
    assert cells.map(lambda s: len(s) == len(set(s)) and set(s) <= CHANNELS | TAGS).all()
    skills = _tokens(agents)
    assert skills.map(lambda s: bool(s & CHANNELS)).all()
    assert skills.map(lambda s: bool(s & {"buyers", "sellers"})).all()
    for channel in CHANNELS:
        assert skills.map(lambda s, c=channel: c in s).sum() >= 25
    multi_channel = skills.map(lambda s: len(s & CHANNELS) >= 2).mean()
    assert multi_channel >= 0.35
    both = skills.map(lambda s: {"buyers", "sellers"} <= s)
    assert 10 <= both.sum() <= 25                                 # some serve buyers and sellers
    team = agents["team"].str.split("-").str[0]
    assert skills[team == "buyers"].map(lambda s: "buyers" in s).all()
    assert skills[team == "sellers"].map(lambda s: "sellers" in s).all()
    assert (both & (team == "buyers")).any() and (both & (team == "sellers")).any()


def test_english_speakers_are_few_sellers_on_chat_and_email(agents: pd.DataFrame) -> None:
    skills = _tokens(agents)
    en = _english(agents)
    assert 8 <= en.sum() <= 12
    assert skills[en].map(lambda s: "sellers" in s and bool(s & {"chat", "email"})).all()
    assert not skills[en].map(lambda s: "buyers" in s).any()
    assert en[agents["team"] == "sellers-en"].all()
    on_shifts = en & agents["pattern"].isin(["2/2", "3/3"]) & (agents["night_ok"] == "true")
    assert 5 <= on_shifts.sum() <= 8                              # around the clock takes care


def test_the_sample_queues_and_every_series_has_agents(agents: pd.DataFrame, history: pd.DataFrame) -> None:
    from constraints.skills import eligibility
    from planner.workspace.config import load_config

    cfg = load_config(SAMPLE / "rota.toml")
    assert cfg.queues.of("buyers") == {"buyers"}
    assert cfg.queues.of("sellers") == {"sellers"}
    assert cfg.queues.of("sellers_en") == {"sellers", "en"}
    series = sorted(SERIES)
    ok = eligibility(list(agents["skills"]), series, cfg.queues)
    per_series = dict(zip(series, ok.sum(axis=0)))
    assert all(n >= 5 for n in per_series.values()), per_series
    en_only = {s: n for s, n in per_series.items() if s[1] == "sellers_en"}
    assert all(n <= 10 for n in en_only.values()), en_only
    assert (ok[:, [i for i, s in enumerate(series) if s[1] == "sellers_en"]].any(axis=1) == _english(agents)).all()


def test_english_sellers_can_be_covered_every_hour_for_four_weeks(agents: pd.DataFrame, absences: pd.DataFrame) -> None:
    """The English speakers on 2/2 and 3/3 who may work nights can give sellers_en a day shift
    and a night shift on every day of Nov 23 - Dec 20 (each agent keeps one variant and its
    cycle_start phase, none works while absent); the site's history has English sellers'
    contacts in every hour of the day."""
    import datetime as dt
    import itertools

    import numpy as np

    cycles = {"2/2": ("DDOO", "NNOO", "DNOO"), "3/3": ("DDDOOO", "NNNOOO")}
    first = dt.date(2026, 11, 23)
    days = [first + dt.timedelta(days=k) for k in range(-1, 28)]     # the night before staffs the first morning
    crew = agents[_english(agents) & agents["pattern"].isin(list(cycles)) & (agents["night_ok"] == "true")]
    options = []
    for row in crew.itertuples():
        length = len(cycles[row.pattern][0])
        phases = ([(first - dt.date.fromisoformat(row.cycle_start)).days % length] if row.cycle_start
                  else range(length))
        away = set()
        for a in absences[absences["agent_id"] == row.agent_id].itertuples():
            s, e = dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end)
            away |= {s + dt.timedelta(days=k) for k in range((e - s).days + 1)}
        mine = []
        for phase, variant in itertools.product(phases, cycles[row.pattern]):
            kinds = ["" if d in away else variant[(phase + (d - first).days) % length] for d in days]
            mine.append((np.array([k == "D" for k in kinds]), np.array([k == "N" for k in kinds])))
        options.append(mine)
    covered = any(np.any([d for d, _ in combo], axis=0)[1:].all() and np.any([n for _, n in combo], axis=0).all()
                  for combo in itertools.product(*options))
    assert covered


def test_english_sellers_have_contacts_around_the_clock(history: pd.DataFrame) -> None:
    en = history[(history["queue"] == "sellers_en") & (history["ts"] >= "2026-10-01")]
    by_hour = en.groupby(en["ts"].dt.hour)["contacts"].sum()
    assert len(by_hour) == 24 and (by_hour > 0).all()


def test_rates(agents: pd.DataFrame) -> None:
    rate = agents["rate_rub_h"].astype(int)
    assert rate.between(380, 650).all()
    en = _english(agents)
    assert rate[en].mean() > rate[~en].mean() + 30
    assert rate.std() > 30  # seniors are paid more


def test_cycle_start_spread_over_phases(agents: pd.DataFrame) -> None:
    five_two = agents["pattern"] == "5/2"
    assert (agents.loc[five_two, "cycle_start"] == "").all()
    for pattern, length in (("2/2", 4), ("3/3", 6)):
        group = agents[agents["pattern"] == pattern]
        known = group.loc[group["cycle_start"] != "", "cycle_start"]
        assert 0.7 <= len(known) / len(group) <= 0.9
        dates = pd.to_datetime(known, format="%Y-%m-%d")
        assert dates.between("2026-10-01", "2026-11-15").all()
        phases = ((dates - pd.Timestamp("2026-10-01")).dt.days % length).value_counts()
        assert len(phases) == length
        assert phases.min() >= len(known) // length - 1


def test_night_ok(agents: pd.DataFrame) -> None:
    assert set(agents["night_ok"]) == {"true", "false"}
    barred = agents[agents["night_ok"] == "false"]
    assert 6 <= len(barred) <= 10
    assert (barred["shift_pref"] != "night").all()


def test_night_staff_were_hired_for_night_work_and_overtime_so_far_is_given(agents: pd.DataFrame) -> None:
    """Art. 96: those who asked for nights hold night-work contracts (no shorter night shift);
    art. 99: the year's overtime before the plan, two agents close to the 120-h cap."""
    assert ((agents["hired_for_nights"] == "true") == (agents["shift_pref"] == "night")).all()
    ytd = agents["overtime_ytd_h"].astype(float)
    assert (ytd >= 0).all() and sorted(ytd.nlargest(2)) == [112.0, 118.0]
    assert ytd[agents["pattern"] == "5/2"].max() <= 6


# --- absences -----------------------------------------------------------------------------------


def test_absences(absences: pd.DataFrame, agents: pd.DataFrame) -> None:
    assert list(absences.columns) == ["agent_id", "start", "end", "kind"]
    assert 20 <= len(absences) <= 30
    assert absences["agent_id"].isin(agents["agent_id"]).all()
    start = pd.to_datetime(absences["start"], format="%Y-%m-%d")
    end = pd.to_datetime(absences["end"], format="%Y-%m-%d")
    assert (end >= start).all()
    assert (start >= "2026-11-01").all() and (end <= "2027-01-31").all()
    days = (end - start).dt.days + 1
    limits = {"vacation": (7, 14), "sick": (2, 7), "training": (1, 1)}
    assert set(absences["kind"]) == set(limits)
    for kind, (lo, hi) in limits.items():
        assert days[absences["kind"] == kind].between(lo, hi).all(), kind


@pytest.mark.parametrize("first,last", [("2026-11-23", "2026-11-29"), ("2026-11-30", "2026-12-06"),
                                        ("2026-12-31", "2027-01-08")])
def test_absences_in_planning_weeks_and_new_year(absences: pd.DataFrame, first: str, last: str) -> None:
    overlapping = (absences["start"] <= last) & (absences["end"] >= first)
    assert overlapping.sum() >= 2


def test_absences_of_one_agent_do_not_overlap(absences: pd.DataFrame) -> None:
    for _, rows in absences.sort_values("start").groupby("agent_id"):
        assert (rows["start"].iloc[1:].to_numpy() > rows["end"].iloc[:-1].to_numpy()).all()
    assert not absences[absences["kind"] == "vacation"]["agent_id"].duplicated().any()


def test_training_is_on_ordinary_weekdays(absences: pd.DataFrame) -> None:
    days = pd.to_datetime(absences.loc[absences["kind"] == "training", "start"], format="%Y-%m-%d")
    assert (days.dt.day_of_week < 5).all()
    assert not ((days.dt.month == 1) & (days.dt.day <= 8)).any()  # New Year holidays, art. 112


# --- reproducibility ----------------------------------------------------------------------------


def test_generator_reproduces_committed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    for name in ("history.csv", "agents.csv", "absences.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
