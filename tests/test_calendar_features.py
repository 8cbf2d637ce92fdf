"""Day labels: Russian holidays and days off (ТК РФ art. 112 and the 2025/2026 transfers),
configurable events and the built-in Black Friday rule, checked against published dates."""

from __future__ import annotations

from datetime import date

import pytest

from forecasts.calendar_features import (
    BLACK_FRIDAY,
    DayCalendar,
    Event,
    event_uplifts,
    last_friday_of_november,
)

ART112_2026 = [
    "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06",
    "2026-01-07", "2026-01-08", "2026-02-23", "2026-03-08", "2026-05-01", "2026-05-09",
    "2026-06-12", "2026-11-04",
]


def test_russian_art112_holidays_2026_are_labelled_as_holidays():
    labels = DayCalendar("RU").labels("2026-01-01", "2026-12-31")
    holidays = labels.index[labels["holiday"] != ""].strftime("%Y-%m-%d")
    for day in ART112_2026:
        assert day in holidays, day
    assert labels.loc["2026-05-09", "holiday"] == "Victory Day"
    assert labels.loc["2026-01-07", "key"] == "holiday:Christmas Day"


@pytest.mark.parametrize("day", ["2025-05-02", "2025-12-31", "2026-01-09", "2026-12-31"])
def test_transferred_days_off_are_non_working_but_not_holidays(day):
    row = DayCalendar("RU").labels(day, day).iloc[0]
    assert row["day_off"] and row["non_working"]
    assert row["holiday"] == ""
    assert row["key"] == "holiday:day off"


def test_working_saturday_and_ordinary_days_are_ordinary():
    labels = DayCalendar("RU").labels("2025-11-01", "2025-11-02")
    assert not labels["non_working"].any()
    assert (labels["key"] == "").all()
    assert list(labels["weekday"]) == [5, 6]


def test_observed_holiday_shares_the_holidays_label():
    # 2026-03-08 is a Sunday; the package moves the day off to Monday 2026-03-09
    labels = DayCalendar("RU").labels("2026-03-08", "2026-03-09")
    assert set(labels["key"]) == {"holiday:International Women's Day"}


def test_no_country_means_no_holidays():
    labels = DayCalendar(None).labels("2026-01-01", "2026-01-10")
    assert not labels["non_working"].any() and (labels["key"] == "").all()


def test_unknown_country_is_rejected():
    with pytest.raises(ValueError, match="not supported"):
        DayCalendar("XX")


@pytest.mark.parametrize("year, day", [(2023, 24), (2024, 29), (2025, 28), (2026, 27)])
def test_black_friday_is_the_last_friday_of_november(year, day):
    assert last_friday_of_november(year) == date(year, 11, day)
    labels = DayCalendar(None, (BLACK_FRIDAY,)).labels(f"{year}-11-01", f"{year}-11-30")
    assert list(labels.index[labels["event"] != ""].day) == [day]


def test_recurring_month_day_event_every_year_with_offsets():
    sale = Event("11.11", month_day=("11-11",), days_before=1, days_after=1)
    labels = DayCalendar(None, (sale,)).labels("2025-11-01", "2026-11-30")
    events = labels[labels["event"] != ""]["event"]
    assert events.to_dict() == {
        labels.index[9]: "11.11-1", labels.index[10]: "11.11", labels.index[11]: "11.11+1",
        labels.index[374]: "11.11-1", labels.index[375]: "11.11", labels.index[376]: "11.11+1",
    }
    assert labels.loc["2026-11-11", "key"] == "event:11.11"


def test_date_range_offsets_count_from_the_nearest_edge():
    promo = Event("promo", ranges=((date(2025, 6, 1), date(2025, 6, 3)),), days_before=1, days_after=2)
    labels = DayCalendar(None, (promo,)).labels("2025-05-30", "2025-06-07")
    assert list(labels["event"]) == ["", "promo-1", "promo", "promo", "promo", "promo+1", "promo+2", "", ""]


def test_offset_days_just_outside_the_requested_range_are_still_found():
    # the core day (Nov 11) is after the range end; its day-before label falls inside
    sale = Event("11.11", month_day="11-11", days_before=1)
    labels = DayCalendar(None, (sale,)).labels("2025-11-01", "2025-11-10")
    assert labels.loc["2025-11-10", "event"] == "11.11-1"


def test_explicit_dates_and_strings():
    ev = Event("launch", dates=("2025-03-03", date(2025, 3, 5)))
    assert ev.core_days(date(2025, 1, 1), date(2025, 12, 31)) == [date(2025, 3, 3), date(2025, 3, 5)]


def test_feb_29_recurs_only_in_leap_years():
    ev = Event("leap", month_day=("02-29",))
    assert ev.core_days(date(2023, 1, 1), date(2024, 12, 31)) == [date(2024, 2, 29)]


def test_holiday_wins_over_an_event_on_the_same_day():
    cal = DayCalendar("RU", (Event("new year sale", month_day=("01-01",)),))
    row = cal.labels("2026-01-01", "2026-01-01").iloc[0]
    assert row["event"] == "new year sale"
    assert row["key"] == "holiday:New Year Holidays"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"month_day": ("11/11",)}, "MM-DD"),
        ({"month_day": ("13-01",)}, "MM-DD"),
        ({"rule": "cyber_monday"}, "unknown rule"),
        ({"ranges": ((date(2025, 6, 3), date(2025, 6, 1)),)}, "ends before"),
        ({"days_before": -1}, ">= 0"),
    ],
)
def test_bad_events_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Event("bad", **kwargs)


def test_event_uplift_priors():
    assert event_uplifts([Event("sale", month_day=("11-11",), uplift=1.8), BLACK_FRIDAY]) == {"event:sale": 1.8}


def test_calendar_is_hashable_and_labels_are_not_shared():
    cal = DayCalendar("RU", (BLACK_FRIDAY,))
    assert hash(cal) == hash(DayCalendar("RU", (BLACK_FRIDAY,)))
    first = cal.labels("2025-01-01", "2025-01-31")
    first.loc[:, "key"] = "x"
    assert cal.labels("2025-01-01", "2025-01-31").loc["2025-01-01", "key"] == "holiday:New Year Holidays"
