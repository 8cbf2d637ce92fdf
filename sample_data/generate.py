"""Generate the sample workspace's data: hourly contact history, the agent roster and absences.

A seeded, standalone script (numpy, pandas, holidays only) so that the committed CSV files can be
re-created byte for byte and audited: ``python sample_data/generate.py [--out DIR]``.

The site: ~150 operators of a large Russian marketplace's support (buyers and sellers; phone,
chat, e-mail; a small English-speaking sellers' queue), 24/7, Moscow time. The history has the
effects a forecaster must find (trend, yearly/weekly/intraday seasons, Russian holidays, sales
events) and a volume calibrated so that ~150 agents on 2/2, 3/3 and 5/2 can staff it. Each
agent's skills are its channels plus its team's tags (`buyers`, `sellers`, `sellers;en`), which
the `[queues]` of sample_data/rota.toml ask for; a few agents serve both buyers and sellers, and
ten English speakers (seven on 2/2) keep the sellers_en queue staffed around the clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

SEED = 20261116
# Multiplies every series' base daily volume; tuned so that rota's own requirements (with
# sample_data/rota.toml) ask ~5,300 scheduled agent-hours for a plain week of November 2026,
# which ~150 agents on 2/2, 3/3 and 5/2 can just deliver; sale weeks ask more.
VOLUME_SCALE = 0.6

HISTORY_START = pd.Timestamp("2024-11-16 00:00")
HISTORY_END = pd.Timestamp("2026-11-15 23:00")
# Volumes and handle times below are stated at this date; the trend is anchored here.
REFERENCE_DATE = pd.Timestamp("2026-11-16")
CALIBRATION_WEEK = pd.Timestamp("2026-11-16")  # an event-free Monday just after the history

# Staffing approximation used for calibration (and for the figures the script prints).
CHAT_CONCURRENCY = 2.5
OCCUPANCY = 0.85
SHRINKAGE = 0.30
QUEUEING_MARGIN = 0.5  # extra productive agents per hour per phone/chat series

OUT_DIR = Path(__file__).resolve().parent

ART112_MONTH_DAYS = {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}


@dataclass(frozen=True)
class Series:
    """One channel/queue with its volume and handle time at REFERENCE_DATE."""

    channel: str
    queue: str
    daily_contacts: float  # an average day at the reference date, before VOLUME_SCALE
    aht_s: float
    growth: float  # year-on-year volume growth

    @property
    def segment(self) -> str:
        return "buyers" if self.queue == "buyers" else "sellers"


SERIES: tuple[Series, ...] = (
    Series("phone", "buyers", 1000, 295, 0.23),
    Series("phone", "sellers", 450, 330, 0.14),
    Series("chat", "buyers", 2300, 760, 0.23),
    Series("chat", "sellers", 600, 850, 0.14),
    Series("chat", "sellers_en", 40, 930, 0.30),
    Series("email", "buyers", 500, 375, 0.23),
    Series("email", "sellers", 400, 415, 0.14),
    Series("email", "sellers_en", 30, 450, 0.30),
)

# Intraday shapes (relative weights for hours 00..23), normalised per day below.
_BUYERS_LIVE = [2.2, 1.4, 0.9, 0.6, 0.5, 0.55, 0.9, 1.8, 3.2, 4.8, 6.0, 6.8,
                7.0, 6.9, 6.6, 6.1, 5.7, 5.6, 5.9, 6.4, 6.7, 6.5, 5.2, 3.6]
_SELLERS_LIVE = [0.6, 0.45, 0.35, 0.35, 0.3, 0.35, 0.6, 1.5, 3.5, 6.0, 7.8, 8.3,
                 8.2, 7.8, 8.0, 7.9, 7.4, 6.2, 4.3, 3.0, 2.3, 1.8, 1.3, 0.9]
_EMAIL = [1.4, 1.0, 0.8, 0.6, 0.55, 0.6, 1.0, 2.0, 3.6, 5.4, 6.4, 6.7,
          6.6, 6.5, 6.4, 6.2, 5.9, 5.3, 4.6, 4.0, 3.6, 3.1, 2.5, 1.9]

# Day-of-week volume factors (Mon..Sun); sellers' weekend factors apply to any non-working day.
_BUYERS_DOW = np.array([1.10, 1.02, 1.00, 0.98, 0.95, 0.90, 1.02])
_SELLERS_WORKDAY = np.array([1.12, 1.05, 1.02, 1.00, 0.95, 0.95, 0.95])
_SELLERS_OFF_SAT, _SELLERS_OFF_SUN, _SELLERS_HOLIDAY = 0.42, 0.35, 0.30


def _intraday_profiles() -> dict[str, np.ndarray]:
    """Hourly shape per (series kind, day kind), each row summing to 1."""
    buyers = np.array(_BUYERS_LIVE)
    weekend = buyers.copy()
    weekend[7:11] *= [0.6, 0.65, 0.75, 0.85]  # people get up later
    sunday = weekend.copy()
    sunday[18:23] *= 1.2  # Sunday evening rush
    jan1 = buyers.copy()
    jan1[0:12] *= [0.5, 0.35, 0.25, 0.25, 0.25, 0.25, 0.2, 0.15, 0.15, 0.18, 0.22, 0.3]
    jan1[12:17] *= [0.45, 0.55, 0.65, 0.75, 0.8]
    dec31 = buyers.copy()
    dec31[17:24] *= [0.8, 0.6, 0.45, 0.35, 0.3, 0.25, 0.35]
    phone_scale = np.ones(24)
    phone_scale[18:24] = 0.8  # phone is less of an evening channel
    phone_scale[0:7] = 0.8
    email = np.array(_EMAIL)
    sellers = np.array(_SELLERS_LIVE)
    sellers_off = sellers ** 0.8  # flatter on days off
    shapes = {
        "buyers_chat_weekday": buyers, "buyers_chat_sat": weekend, "buyers_chat_sun": sunday,
        "buyers_chat_jan1": jan1, "buyers_chat_dec31": dec31,
        "sellers_live_work": sellers, "sellers_live_off": sellers_off,
        "email_work": email, "email_off": email ** 0.8,
        "sellers_email_work": (email + sellers) / 2, "sellers_email_off": ((email + sellers) / 2) ** 0.8,
    }
    for key in ("weekday", "sat", "sun", "jan1", "dec31"):
        shapes[f"buyers_phone_{key}"] = shapes[f"buyers_chat_{key}"] * phone_scale
    return {k: v / v.sum() for k, v in shapes.items()}


def last_friday_of_november(year: int) -> dt.date:
    """Black Friday in Russian e-commerce follows the US date: the last Friday of November."""
    d = dt.date(year, 11, 30)
    return d - dt.timedelta(days=(d.weekday() - 4) % 7)


def event_uplift(dates: pd.DatetimeIndex) -> np.ndarray:
    """Relative uplift of buyers' live channels per day from sales events (0 = none)."""
    up = np.zeros(len(dates))
    for i, ts in enumerate(dates):
        d = ts.date()
        if (d.month, d.day) == (11, 11):
            up[i] += 0.8
        elif d.month == 11 and 12 <= d.day <= 14:
            up[i] += (0.4, 0.2, 0.1)[d.day - 12]
        bf = last_friday_of_november(d.year)
        if 0 <= (d - bf).days <= 2:
            up[i] += (0.5, 0.35, 0.25)[(d - bf).days]
        if d.month == 12 and 15 <= d.day <= 30:
            up[i] += 0.3 * (d.day - 14) / 16
        if d.month == 12 and d.day == 31:
            up[i] += 0.1
        if (d.month, d.day) == (3, 7):
            up[i] += 0.35
    return up


def _day_table(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Per day: weekday, art. 112 holiday, production-calendar working day, event uplift."""
    cal = holidays.RU(years=range(days[0].year, days[-1].year + 1))
    dates = [ts.date() for ts in days]
    return pd.DataFrame({
        "dow": days.day_of_week,
        "month": days.month,
        "day": days.day,
        "art112": [(d.month, d.day) in ART112_MONTH_DAYS for d in dates],
        "working": [cal.is_working_day(d) for d in dates],
        "uplift": event_uplift(days),
    }, index=days)


def _daily_factor(s: Series, days: pd.DataFrame) -> np.ndarray:
    """Volume factor per day (trend x yearly x weekly x holidays x events)."""
    t_years = (days.index - REFERENCE_DATE).days.to_numpy() / 365.25
    trend = (1 + s.growth) ** t_years
    doy = days.index.day_of_year.to_numpy()
    yearly = 1 + 0.06 * np.cos(2 * np.pi * (doy - 335) / 365.25)  # high Nov-Dec, low in summer
    dow = days["dow"].to_numpy()
    if s.segment == "buyers":
        weekly = _BUYERS_DOW[dow].copy()
        month, day = days["month"].to_numpy(), days["day"].to_numpy()
        jan = month == 1
        weekly[jan & (day == 1)] = 0.75
        weekly[jan & (day >= 2) & (day <= 8)] = 1.25  # returns and order issues
        other_holiday = days["art112"].to_numpy() & ~jan
        weekly[other_holiday] = 0.92
        weight = {"phone": 1.0, "chat": 1.0, "email": 0.6}[s.channel]
    else:
        weekly = _SELLERS_WORKDAY[dow].copy()
        off = ~days["working"].to_numpy()
        weekly[off & (dow == 5)] = _SELLERS_OFF_SAT
        weekly[off & (dow == 6)] = _SELLERS_OFF_SUN
        weekly[off & (dow < 5)] = _SELLERS_HOLIDAY
        weight = 0.3
    events = 1 + weight * days["uplift"].to_numpy()
    return s.daily_contacts * VOLUME_SCALE * trend * yearly * weekly * events


def _profile_keys(s: Series, days: pd.DataFrame) -> list[str]:
    keys = []
    for dow, month, day, working in days[["dow", "month", "day", "working"]].itertuples(index=False):
        if s.segment == "buyers" and s.channel != "email":
            if (month, day) == (1, 1):
                kind = "jan1"
            elif (month, day) == (12, 31):
                kind = "dec31"
            elif dow == 6:
                kind = "sun"
            elif dow == 5 or not working:
                kind = "sat"
            else:
                kind = "weekday"
            keys.append(f"buyers_{s.channel}_{kind}")
        elif s.channel == "email":
            prefix = "email" if s.segment == "buyers" else "sellers_email"
            keys.append(f"{prefix}_{'work' if working else 'off'}")
        else:
            keys.append(f"sellers_live_{'work' if working else 'off'}")
    return keys


def expected_rates(start: pd.Timestamp, days_count: int) -> dict[Series, np.ndarray]:
    """Smooth expected contacts per hour, shape (days, 24), for each series."""
    days = pd.date_range(start.normalize(), periods=days_count, freq="D")
    table = _day_table(days)
    profiles = _intraday_profiles()
    rates = {}
    for s in SERIES:
        daily = _daily_factor(s, table)
        shape = np.stack([profiles[k] for k in _profile_keys(s, table)])
        hourly = daily[:, None] * shape
        is_1111 = (table["month"].to_numpy() == 11) & (table["day"].to_numpy() == 11)
        if s.segment == "buyers" and s.channel != "email":
            hourly[is_1111, 0:2] *= [2.0, 1.5]  # the sale opens at midnight
        rates[s] = hourly
    return rates


def expected_aht(s: Series, start: pd.Timestamp, days_count: int) -> np.ndarray:
    """Smooth expected AHT in seconds per hour, shape (days, 24)."""
    days = pd.date_range(start.normalize(), periods=days_count, freq="D")
    t_years = (days - REFERENCE_DATE).days.to_numpy() / 365.25
    drift = 0.98 ** t_years  # agents get a little faster every year
    hour = np.arange(24)
    by_hour = 1 + 0.06 * ((hour < 7) | (hour >= 23)) - 0.02 * ((hour >= 11) & (hour <= 14))
    uplift = event_uplift(days)
    busy = 1 + (0.15 * uplift if s.segment == "buyers" else 0.05 * uplift)  # order issues take longer
    return s.aht_s * drift[:, None] * busy[:, None] * by_hour[None, :]


def hourly_need(rates: dict[Series, np.ndarray], aht: dict[Series, np.ndarray]) -> np.ndarray:
    """Scheduled agents per hour by a quick approximation (no queueing formula), used to size
    the sample: productive = workload / occupancy + a margin per phone or chat queue, then
    scheduled = productive / (1 - shrinkage)."""
    productive = 0.0
    for s, r in rates.items():
        work = r * aht[s] / 3600
        if s.channel == "chat":
            work = work / CHAT_CONCURRENCY
        productive = productive + work / OCCUPANCY
        if s.channel != "email":
            productive = productive + QUEUEING_MARGIN
    return productive / (1 - SHRINKAGE)


def generate_history(rng: np.random.Generator) -> pd.DataFrame:
    """Hourly contacts and AHT for every series from HISTORY_START to HISTORY_END."""
    days_count = (HISTORY_END.normalize() - HISTORY_START.normalize()).days + 1
    rates = expected_rates(HISTORY_START, days_count)
    ts = pd.date_range(HISTORY_START, HISTORY_END, freq="h").strftime("%Y-%m-%d %H:%M")
    # day-level overdispersion: a shock shared by a queue's channels times one of the series' own
    queues = ("buyers", "sellers", "sellers_en")
    queue_shock = {q: rng.gamma(1 / 0.04**2, 0.04**2, days_count) for q in queues}
    frames = []
    for s in SERIES:
        own_shock = rng.gamma(1 / 0.03**2, 0.03**2, days_count)
        lam = rates[s] * (queue_shock[s.queue] * own_shock)[:, None]
        contacts = rng.poisson(lam).ravel()
        mean_aht = expected_aht(s, HISTORY_START, days_count).ravel()
        spread = 0.7 / np.sqrt(np.maximum(contacts, 1)) + 0.03  # a mean of n handle times, CV 0.7
        aht = mean_aht * np.clip(1 + spread * rng.standard_normal(contacts.size), 0.5, 2.0)
        aht_col = pd.array(np.rint(aht).astype(np.int64), dtype="Int64")
        aht_col[contacts == 0] = pd.NA
        frames.append(pd.DataFrame({
            "ts": ts, "channel": s.channel, "queue": s.queue,
            "contacts": contacts, "aht_s": aht_col,
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {(s.channel, s.queue): i for i, s in enumerate(SERIES)}
    out["_o"] = [order[k] for k in zip(out["channel"], out["queue"])]
    return out.sort_values(["ts", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Agents

_MALE_SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
    "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв",
    "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов",
    "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников",
    "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров",
    "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев",
    "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков", "Горбунов", "Анисимов",
    "Еремеев", "Тимошенко", "Литвиненко", "Бондаренко", "Руденко", "Шевченко", "Ткаченко",
    "Зиновьев", "Лукин", "Суханов", "Рыбаков", "Кравченко", "Пестов", "Рябов", "Сафонов",
    "Островский", "Вишневский", "Белозерский", "Покровский", "Раевский", "Соколовский",
    "Шубин", "Кононов", "Зуев", "Блинов", "Субботин", "Горелов", "Лыткин", "Жданов", "Сычёв",
    "Мухин", "Третьяков", "Шестаков", "Фадеев", "Шилов", "Носков", "Латышев", "Пахомов",
]
_FEMALE_NAMES = [
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина", "Светлана",
    "Юлия", "Анастасия", "Дарья", "Ксения", "Полина", "Алина", "Виктория", "Валерия", "Софья",
    "Александра", "Евгения", "Марина", "Кристина", "Вера", "Людмила", "Надежда", "Галина",
    "Диана", "Вероника", "Алёна", "Яна", "Елизавета", "Маргарита", "Олеся", "Арина", "Карина",
]
_MALE_NAMES = [
    "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл",
    "Михаил", "Никита", "Матвей", "Роман", "Егор", "Иван", "Денис", "Евгений", "Павел",
    "Владимир", "Тимур", "Антон", "Олег", "Константин", "Григорий", "Руслан", "Игорь",
]


def _female_surname(male: str) -> str:
    if male.endswith(("ов", "ев", "ёв", "ин")):
        return male + "а"
    if male.endswith("ский") or male.endswith("цкий"):
        return male[:-2] + "ая"
    return male  # -енко and the like do not change


# (team, pattern, count) — who works where; buyers are ~70 % of the workload.
_ROSTER_PLAN: tuple[tuple[str, str, int], ...] = (
    ("buyers-1", "2/2", 26), ("buyers-1", "3/3", 8), ("buyers-1", "5/2", 8),
    ("buyers-2", "2/2", 26), ("buyers-2", "3/3", 8), ("buyers-2", "5/2", 8),
    ("buyers-3", "2/2", 4), ("buyers-3", "5/2", 16),
    ("sellers-1", "2/2", 10), ("sellers-1", "3/3", 6), ("sellers-1", "5/2", 10),
    ("sellers-2", "2/2", 5), ("sellers-2", "3/3", 2), ("sellers-2", "5/2", 6),
    ("sellers-en", "2/2", 5), ("sellers-en", "5/2", 2),
)
CYCLE_LENGTH = {"2/2": 4, "3/3": 6}
AGENT_COLUMNS = ["agent_id", "name", "team", "pattern", "shift_pref", "skills", "rate_rub_h",
                 "cycle_start", "night_ok", "hired_for_nights", "overtime_ytd_h"]


# Channel sets and their shares per kind of team: chat is the buyers' main channel.
_SKILL_MIX: dict[str, dict[str, float]] = {
    "en": {"chat;email;en": 0.4, "phone;chat;email;en": 0.3, "chat;en": 0.15, "email;en": 0.15},
    "back-office": {"email": 0.4, "chat;email": 0.4, "phone;email": 0.2},
    "buyers": {"chat": 0.35, "phone;chat": 0.3, "phone": 0.15, "chat;email": 0.1, "phone;chat;email": 0.1},
    "sellers": {"phone;chat": 0.25, "chat;email": 0.2, "phone": 0.15, "chat": 0.15, "email": 0.1,
                "phone;chat;email": 0.15},
}


# The tags of each kind of team: the queues it serves (`[queues]` in rota.toml: buyers needs
# "buyers", sellers "sellers", sellers_en "sellers" and "en").
_TEAM_TAGS: dict[str, tuple[str, ...]] = {
    "buyers": ("buyers",), "back-office": ("buyers",), "sellers": ("sellers",), "en": ("sellers", "en"),
}
CHANNELS = ("phone", "chat", "email")


def _cell(tokens: set[str] | list[str]) -> str:
    """A skills cell: channels first (phone, chat, email), then the tags (buyers, sellers, en)."""
    order = {t: i for i, t in enumerate(CHANNELS + ("buyers", "sellers", "en"))}
    return ";".join(sorted(set(tokens), key=lambda t: order[t]))


def _skills_for(team: str, pattern: str, rng: np.random.Generator) -> str:
    kind = {"sellers-en": "en", "buyers-3": "back-office"}.get(team, team.split("-")[0])
    mix = _SKILL_MIX[kind]
    options, p = list(mix), list(mix.values())
    if kind in ("buyers", "sellers") and pattern == "5/2":  # office hours suit e-mail
        options, p = options + ["email"], [x * 0.8 for x in p] + [0.2]
    channels = str(rng.choice(options, p=p)).split(";")
    return _cell(channels + list(_TEAM_TAGS[kind]))


def _tokens(skills: pd.Series) -> pd.Series:
    return skills.str.split(";").map(set)


def _cross_skill(agents: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """A few buyers' agents on shifts who also serve sellers (on the phone: the sellers' teams
    are short of phone hours), and a few sellers' agents who also serve buyers (English speakers
    stay on their queue)."""
    tokens = _tokens(agents["skills"])
    team, pattern = agents["team"], agents["pattern"]
    phone = tokens.map(lambda t: "phone" in t).to_numpy()
    to_sellers = np.flatnonzero(team.str.fullmatch(r"buyers-[12]").to_numpy() & (pattern != "5/2").to_numpy() & phone)
    to_buyers = np.flatnonzero(team.str.fullmatch(r"sellers-[12]").to_numpy()
                               & ~tokens.map(lambda t: "en" in t).to_numpy())
    out = agents["skills"].copy()
    for idx, tag in ((rng.choice(to_sellers, 12, replace=False), "sellers"),
                     (rng.choice(to_buyers, 5, replace=False), "buyers")):
        for i in idx:
            out.iloc[i] = _cell(tokens.iloc[i] | {tag})
    return out


def generate_agents(rng: np.random.Generator) -> pd.DataFrame:
    """150 agents with names, teams, patterns, preferences, skills, rates, cycle phases, night
    eligibility, night-work contracts and the year's overtime so far."""
    rows = []
    used: set[str] = set()
    surnames = iter(rng.permutation(_MALE_SURNAMES))  # colleagues rarely share a surname
    for team, pattern, count in _ROSTER_PLAN:
        for _ in range(count):
            while True:
                female = rng.random() < 0.7
                surname = str(next(surnames))
                first = str(rng.choice(_FEMALE_NAMES if female else _MALE_NAMES))
                name = f"{_female_surname(surname) if female else surname} {first}"
                if name not in used:
                    used.add(name)
                    break
            rows.append({"team": team, "pattern": pattern, "name": name})
    agents = pd.DataFrame(rows)
    n = len(agents)
    agents.insert(0, "agent_id", [f"A{i + 1:03d}" for i in range(n)])

    pattern = agents["pattern"].to_numpy()
    pref = np.where(pattern == "5/2", "day", "any").astype(object)
    shift_agents = np.flatnonzero(pattern != "5/2")
    picks = rng.permutation(shift_agents)
    pref[picks[:12]] = "night"
    pref[picks[12:26]] = "day"
    five_two = np.flatnonzero(pattern == "5/2")
    pref[rng.choice(five_two, 6, replace=False)] = "any"
    agents["shift_pref"] = pref

    agents["skills"] = [_skills_for(t, p, rng) for t, p in zip(agents["team"], agents["pattern"])]
    # a few sellers-1 agents also read English; the en queue has chat and e-mail only
    can_write = agents["skills"].str.contains("chat|email").to_numpy()
    candidates = np.flatnonzero((agents["team"] == "sellers-1").to_numpy() & can_write)
    en_extra = rng.choice(candidates, 3, replace=False)
    for i in en_extra:
        agents.loc[i, "skills"] = agents.loc[i, "skills"] + ";en"
    english = _tokens(agents["skills"]).map(lambda t: "en" in t).to_numpy()

    senior = rng.random(n) < 0.2
    rate = rng.uniform(400, 520, n) + senior * rng.uniform(60, 110, n)
    rate += english * 60
    rate += (pattern != "5/2") * 10  # shift work is paid a little better
    agents["rate_rub_h"] = np.clip(np.rint(rate / 5) * 5, 380, 650).astype(int)

    cycle_start = np.full(n, "", dtype=object)
    for pat, length in CYCLE_LENGTH.items():
        idx = np.flatnonzero(pattern == pat)
        known = rng.permutation(idx)[: int(round(0.8 * len(idx)))]
        phases = np.arange(len(known)) % length
        rng.shuffle(phases)
        anchor = dt.date(2026, 10, 1)
        for i, ph in zip(sorted(known), phases):
            k = rng.integers(0, (45 - ph) // length + 1)  # cycles since Oct 1, start stays <= Nov 15
            cycle_start[i] = (anchor + dt.timedelta(days=int(ph + k * length))).isoformat()
    agents["cycle_start"] = cycle_start

    night_ok = np.ones(n, dtype=bool)
    not_night = np.flatnonzero(pref != "night")
    night_ok[rng.choice(not_night, 8, replace=False)] = False
    agents["night_ok"] = np.where(night_ok, "true", "false")
    agents.loc[~night_ok & (agents["shift_pref"] == "any").to_numpy(), "shift_pref"] = "day"
    agents["skills"] = _cross_skill(agents, rng)   # drawn last: every column above is as before

    # art. 96: the night-shift staff were hired for night work, so their night shifts are not one
    # hour shorter; anyone else who works a night has that hour credited
    agents["hired_for_nights"] = np.where(agents["shift_pref"] == "night", "true", "false")
    # art. 99: overtime already worked this year, as payroll had it at the end of November 2026;
    # shift work runs close to the norm, office work hardly above it; two agents near the cap
    ytd = np.where(pattern == "5/2", rng.uniform(0, 6, n), rng.uniform(5, 60, n))
    ytd[rng.choice(shift_agents, 2, replace=False)] = (112.0, 118.0)
    agents["overtime_ytd_h"] = np.round(ytd * 2) / 2
    return agents[AGENT_COLUMNS]


# ---------------------------------------------------------------------------------------------
# The flex group (гибкий график): students and part-timers who fill evenings and weekends

#: (kind, how many, skills, weekday windows, weekend windows, night_ok)
_FLEX_PLAN: tuple[tuple[str, int, str, tuple[str, str] | None, tuple[str, str] | None, bool], ...] = (
    ("evening", 8, "phone;chat;buyers;sellers", ("17:00", "24:00"), ("10:00", "24:00"), True),
    ("weekend", 4, "chat;email;sellers", None, ("09:00", "24:00"), True),
    ("daytime", 3, "chat;buyers", ("09:00", "17:00"), None, False),
)


def generate_flex(rng: np.random.Generator, taken: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """15 flex agents (F001..F015), when they can work (availability.csv, by weekday; a weekend
    student also on Friday evenings) and what they wish in the weeks of the sample's plans
    (requests.csv: days off with a weight, a few wished shifts)."""
    rows, windows = [], []
    surnames = iter(s for s in rng.permutation(_MALE_SURNAMES) if s not in taken)
    for kind, count, skills, weekday, weekend, night_ok in _FLEX_PLAN:
        for _ in range(count):
            agent = f"F{len(rows) + 1:03d}"
            female = rng.random() < 0.6
            surname = str(next(surnames))
            first = str(rng.choice(_FEMALE_NAMES if female else _MALE_NAMES))
            rows.append({"agent_id": agent, "name": f"{_female_surname(surname) if female else surname} {first}",
                         "team": "flex", "pattern": "flex", "shift_pref": "any", "skills": skills,
                         "rate_rub_h": int(np.rint(rng.uniform(400, 460) / 5) * 5), "cycle_start": "",
                         "night_ok": "true" if night_ok else "false", "hired_for_nights": "false",
                         "overtime_ytd_h": 0.0})
            days = [(d, weekday) for d in ("mon", "tue", "wed", "thu", "fri")] + [(d, weekend) for d in ("sat", "sun")]
            if kind == "weekend":
                days[4] = ("fri", ("18:00", "24:00"))
            for day, hours in days:
                windows.append({"agent_id": agent, "day": day, "from": hours[0] if hours else "",
                                "to": hours[1] if hours else ""})
    agents = pd.DataFrame(rows)[AGENT_COLUMNS]
    evening = [r["agent_id"] for r in rows[:8]]
    wishes = []
    for week in ("2026-11-23", "2026-11-30", "2026-12-07"):
        monday = dt.date.fromisoformat(week)
        for agent in rng.choice(evening, 3, replace=False):
            day = monday + dt.timedelta(days=int(rng.integers(0, 7)))
            wishes.append({"agent_id": str(agent), "date": day.isoformat(), "shift": "off",
                           "weight": int(rng.choice([2000, 5000]))})
        for agent in rng.choice(evening, 2, replace=False):
            day = monday + dt.timedelta(days=int(rng.integers(0, 5)))
            wishes.append({"agent_id": str(agent), "date": day.isoformat(), "shift": "18:00-24:00", "weight": 1000})
    requests = pd.DataFrame(wishes).sort_values(["date", "agent_id"], kind="stable").reset_index(drop=True)
    return agents, pd.DataFrame(windows), requests


# ---------------------------------------------------------------------------------------------
# Absences

# (kind, earliest start, latest start, min days, max days, how many)
_ABSENCE_PLAN: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("vacation", "2026-11-02", "2026-11-10", 7, 14, 2),
    ("vacation", "2026-11-19", "2026-11-24", 7, 14, 2),  # covers the week of Nov 23
    ("vacation", "2026-11-28", "2026-12-02", 7, 14, 2),  # covers the week of Nov 30
    ("vacation", "2026-12-08", "2026-12-20", 7, 14, 2),
    ("vacation", "2026-12-26", "2027-01-04", 7, 14, 3),  # over New Year
    ("vacation", "2027-01-12", "2027-01-20", 7, 10, 1),
    ("sick", "2026-11-03", "2026-11-12", 2, 7, 2),
    ("sick", "2026-11-23", "2026-11-27", 2, 7, 2),
    ("sick", "2026-11-30", "2026-12-04", 2, 7, 2),
    ("sick", "2026-12-10", "2027-01-20", 2, 7, 2),
    ("training", "2026-11-24", "2026-11-26", 1, 1, 2),
    ("training", "2026-12-01", "2026-12-03", 1, 1, 2),
    ("training", "2026-12-15", "2027-01-28", 1, 1, 3),
)


def generate_absences(rng: np.random.Generator, agents: pd.DataFrame) -> pd.DataFrame:
    """About 25 vacations, sick leaves and trainings in Nov 2026 - Jan 2027.

    One agent's absences never overlap, nobody takes two vacations in the quarter, and
    training happens on working days of the production calendar.
    """
    taken: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    calendar = holidays.RU(years=(2026, 2027))
    rows = []
    ids = agents["agent_id"].to_numpy()
    for kind, lo, hi, dmin, dmax, count in _ABSENCE_PLAN:
        lo_d, hi_d = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
        for _ in range(count):
            while True:
                agent = str(rng.choice(ids))
                start = lo_d + dt.timedelta(days=int(rng.integers(0, (hi_d - lo_d).days + 1)))
                end = start + dt.timedelta(days=int(rng.integers(dmin, dmax + 1)) - 1)
                mine = taken.get(agent, [])
                second_vacation = kind == "vacation" and any(k == "vacation" for _, _, k in mine)
                off_day_training = kind == "training" and not calendar.is_working_day(start)
                overlaps = any(start <= e and s <= end for s, e, _ in mine)
                if not (second_vacation or off_day_training or overlaps):
                    break
            taken.setdefault(agent, []).append((start, end, kind))
            rows.append({"agent_id": agent, "start": start.isoformat(), "end": end.isoformat(),
                         "kind": kind})
    return pd.DataFrame(rows).sort_values(["start", "agent_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------


def weekly_scheduled_hours(week_start: pd.Timestamp = CALIBRATION_WEEK) -> tuple[float, float, float]:
    """(scheduled agent-hours in the week, peak hour need, trough hour need) of the smooth model."""
    rates = expected_rates(week_start, 7)
    aht = {s: expected_aht(s, week_start, 7) for s in SERIES}
    need = hourly_need(rates, aht)
    return float(need.sum()), float(need.max()), float(need.min())


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    tmp.replace(path)


def generate(out_dir: Path = OUT_DIR) -> dict[str, Path]:
    """Write history.csv, agents.csv, absences.csv, availability.csv and requests.csv into out_dir;
    return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    history = generate_history(np.random.default_rng(rng.integers(2**63)))
    agents = generate_agents(np.random.default_rng(rng.integers(2**63)))
    absences = generate_absences(np.random.default_rng(rng.integers(2**63)), agents)
    flex, availability, requests = generate_flex(np.random.default_rng(rng.integers(2**63)),
                                                 {n.split()[0] for n in agents["name"]})
    agents = pd.concat([agents, flex], ignore_index=True)
    frames = {"history": history, "agents": agents, "absences": absences, "availability": availability,
              "requests": requests}
    paths = {name: out_dir / f"{name}.csv" for name in frames}
    for name, frame in frames.items():
        _write_csv(frame, paths[name])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR,
                        help="output folder (default: beside this script)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    paths = generate(args.out)
    elapsed = time.perf_counter() - t0
    hours, peak, trough = weekly_scheduled_hours()
    for p in paths.values():
        print(f"{p}  {p.stat().st_size / 1e6:.2f} MB")
    print(f"week of {CALIBRATION_WEEK:%Y-%m-%d}: {hours:,.0f} scheduled agent-hours, "
          f"peak {peak:.1f}, trough {trough:.1f} scheduled agents per hour")
    print(f"generated in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
