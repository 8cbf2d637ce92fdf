"""Forecasting methods on synthetic series whose right answer is known by construction."""

from __future__ import annotations


from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import Constant

from forecasts.calendar_features import DayCalendar, Event
from forecasts.models import METHODS, Blend, DailyProfile, Ensemble, SeasonalNaive, WeeklyMean

HOURS = np.arange(24)
# intraday shape of an open day, and relative weekday volumes (Monday first)
SHAPE = 0.1 + np.exp(-0.5 * ((HOURS - 13) / 4.0) ** 2)
WEEKDAY = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.7, 0.6])


def weekly_series(start: str, weeks: int, day_total: float = 1000.0, office: bool = False) -> pd.Series:
    """A series that repeats exactly every week: weekday volume x intraday shape.
    `office`: open only Monday-Friday 07:00-21:00, zero otherwise."""
    idx = pd.date_range(start, periods=weeks * 168, freq="h")
    shape = SHAPE.copy()
    weekday = WEEKDAY.copy()
    if office:
        shape[(HOURS < 7) | (HOURS >= 21)] = 0.0
        weekday[5:] = 0.0
    shape = shape / shape.sum()
    values = day_total * weekday[idx.day_of_week] * shape[idx.hour]
    return pd.Series(values, index=idx)


def future_truth(y: pd.Series, horizon: int, day_total: float = 1000.0, office: bool = False) -> np.ndarray:
    after = weekly_series(y.index[0].strftime("%Y-%m-%d %H:%M"), len(y) // 168 + horizon // 168 + 2, day_total, office)
    return after.iloc[len(y) : len(y) + horizon].to_numpy()


ALL = [SeasonalNaive(), WeeklyMean(), DailyProfile()]


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
@pytest.mark.parametrize("office", [False, True], ids=["24/7", "weekdays 07-21"])
def test_weekly_periodic_series_is_reproduced_exactly(method, office):
    y = weekly_series("2026-01-05", 12, office=office)  # starts on a Monday
    fc = method.forecast(y, 336)
    np.testing.assert_allclose(fc, future_truth(y, 336, office=office), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
def test_origin_in_the_middle_of_a_day(method):
    y = weekly_series("2026-01-07 07:00", 10).iloc[:-13]  # ends on a Wednesday at 18:00
    fc = method.forecast(y, 100)
    np.testing.assert_allclose(fc, future_truth(y, 100), rtol=1e-9, atol=1e-9)


def test_seasonal_naive_takes_the_week_before_when_last_week_is_missing():
    y = weekly_series("2026-01-05", 4)
    y.iloc[-168 + 5] = np.nan  # the hour exactly one week before the 6th forecast hour
    y.iloc[-2 * 168 + 5] = 99.0  # ...so two weeks before is used
    fc = SeasonalNaive().forecast(y, 10)
    assert fc[5] == 99.0
    assert fc[4] == y.iloc[-168 + 4]


def test_weekly_mean_is_the_mean_of_the_last_four_weeks_skipping_gaps():
    idx = pd.date_range("2026-02-02", periods=5 * 168, freq="h")
    y = pd.Series(0.0, index=idx)
    hour0 = [len(y) - 168 * k for k in (1, 2, 3, 4, 5)]  # same hour of the week, 1..5 weeks back
    for pos, val in zip(hour0, [10.0, 20.0, np.nan, 60.0, 1000.0]):
        y.iloc[pos] = val
    fc = WeeklyMean().forecast(y, 168)
    assert fc[0] == pytest.approx((10 + 20 + 60) / 3)  # 5 weeks back is outside the window
    assert fc[1] == 0.0


def test_outage_day_is_ignored_not_taken_as_level():
    y = weekly_series("2026-01-05", 10)
    y.iloc[-3 * 24 : -2 * 24] = 0.0  # last Friday dropped to zero: an outage
    truth = future_truth(y, 168)
    np.testing.assert_allclose(DailyProfile().forecast(y, 168), truth, rtol=1e-9)
    # the 4-week mean, by contrast, drags next Friday down by a quarter
    friday = slice(4 * 24, 5 * 24)
    assert WeeklyMean().forecast(y, 168)[friday].sum() == pytest.approx(0.75 * truth[friday].sum())


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
def test_nan_gaps_in_the_history_and_at_its_end(method):
    y = weekly_series("2026-01-05", 10)
    y.iloc[500:560] = np.nan  # two and a half days missing in the middle
    y.iloc[-5:] = np.nan  # the last hours not delivered yet
    fc = method.forecast(y, 168)
    assert np.isfinite(fc).all() and (fc >= 0).all()
    np.testing.assert_allclose(fc, future_truth(y, 168), rtol=1e-9, atol=1e-9)


def test_daily_profile_fills_a_half_day_gap_through_the_shape():
    y = weekly_series("2026-01-05", 10)
    y.iloc[-30:-20] = np.nan  # part of the last day but one
    np.testing.assert_allclose(DailyProfile().forecast(y, 168), future_truth(y, 168), rtol=1e-9)


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
@pytest.mark.parametrize("hours", [1, 5, 30, 100, 200, 500])
def test_short_histories_fall_back_gracefully(method, hours):
    y = weekly_series("2026-01-05", 4).iloc[:hours]
    fc = method.forecast(y, 168)
    assert fc.shape == (168,)
    assert np.isfinite(fc).all() and (fc >= 0).all()
    # never wildly off the observed scale
    assert fc.max() <= 3 * y.max()


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
def test_all_zero_and_all_missing_series_forecast_zero(method):
    idx = pd.date_range("2026-01-05", periods=3 * 168, freq="h")
    assert (method.forecast(pd.Series(0.0, index=idx), 48) == 0).all()
    assert (method.forecast(pd.Series(np.nan, index=idx), 48) == 0).all()


def test_horizon_zero_and_bad_input():
    y = weekly_series("2026-01-05", 3)
    assert DailyProfile().forecast(y, 0).shape == (0,)
    with pytest.raises(ValueError):
        DailyProfile().forecast(y, -1)
    with pytest.raises(TypeError):
        DailyProfile().forecast(pd.Series([1.0, 2.0]), 3)


def test_office_series_forecasts_zero_on_closed_hours_and_weekends():
    y = weekly_series("2026-01-05", 8, office=True)
    rng = np.random.default_rng(1)
    y = pd.Series(rng.poisson(y.to_numpy() * 5.0).astype(float), index=y.index)
    fc = DailyProfile().forecast(y, 168)
    idx = pd.date_range(y.index[-1] + pd.Timedelta(hours=1), periods=168, freq="h")
    closed = (idx.day_of_week >= 5) | (idx.hour < 7) | (idx.hour >= 21)
    assert (fc[closed] == 0).all()
    assert (fc[~closed] > 0).all()


def test_level_follows_a_step_change_faster_than_the_four_week_mean():
    y = weekly_series("2026-01-05", 16)
    y.iloc[-3 * 168 :] *= 1.5  # volume up by half three weeks ago
    truth = 1.5 * future_truth(y, 168)
    ours = abs(DailyProfile().forecast(y, 168).sum() / truth.sum() - 1)
    mean4 = abs(WeeklyMean().forecast(y, 168).sum() / truth.sum() - 1)
    assert mean4 == pytest.approx(0.5 / 4 / 1.5)  # one of four weeks at the old level
    assert ours < mean4 / 2


def test_linear_growth_is_extrapolated():
    y = weekly_series("2026-01-05", 20)
    days = np.arange(len(y)) / 24.0
    growth = 1.0 + 0.004 * days  # +0.4 % of the start level per day
    y = y * growth
    future_days = (len(y) + np.arange(168)) / 24.0
    truth = future_truth(y, 168) * (1.0 + 0.004 * future_days)
    ratio = DailyProfile().forecast(y, 168).sum() / truth.sum()
    assert ratio == pytest.approx(1.0, abs=0.01)
    assert WeeklyMean().forecast(y, 168).sum() / truth.sum() < 0.97


def test_outliers_are_clipped_in_the_level():
    rng = np.random.default_rng(3)
    base = weekly_series("2026-01-05", 12)
    noise = np.repeat(rng.normal(1.0, 0.03, len(base) // 24), 24)
    y = base * noise
    spiked = y.copy()
    spiked.iloc[-24:] *= 3.0  # yesterday tripled (a one-off incident)
    plain = DailyProfile().forecast(y, 168).sum()
    assert DailyProfile().forecast(spiked, 168).sum() / plain < 1.06


def test_month_start_effect_is_learnt_and_absent_effect_is_shrunk_away():
    idx = pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h")
    flat = pd.Series(100.0, index=idx)
    boosted = flat.copy()
    first_days = idx.day == 1
    boosted[first_days] *= 1.4  # the 1st of every month 40 % busier (a 24/7 series)
    fc = DailyProfile().forecast(boosted, 48)  # Jan 1 and Jan 2 of the next year
    assert fc[:24].sum() == pytest.approx(1.4 * 2400, rel=0.01)
    assert fc[24:].sum() == pytest.approx(2400, rel=0.01)
    np.testing.assert_allclose(DailyProfile().forecast(flat, 48), 100.0)


def test_holiday_effect_is_estimated_from_past_occurrences():
    # a 24/7 series whose volume halves on every Russian non-working day
    cal = DayCalendar("RU")
    idx = pd.date_range("2025-01-15", "2026-05-05 23:00", freq="h")
    keys = cal.keys(idx[0].date(), idx[-1].date())
    day = (idx.normalize() - idx[0].normalize()).days.to_numpy()
    y = pd.Series(np.where(keys[day] != "", 50.0, 100.0), index=idx)
    fc = DailyProfile().forecast(y, 168, cal)  # 2026-05-06 .. 05-12: Victory Day on Sat 9, off Mon 11
    days = fc.reshape(7, 24).sum(axis=1)
    np.testing.assert_allclose(days, [2400, 2400, 2400, 1200, 2400, 1200, 2400], rtol=1e-6)
    # without the calendar the model cannot know
    assert DailyProfile().forecast(y, 168).reshape(7, 24).sum(axis=1)[3] > 0.8 * 2400


def test_unseen_holiday_takes_the_pooled_effect_of_past_holidays():
    cal = DayCalendar("US")
    idx = pd.date_range("2003-03-03", "2003-08-29 23:00", freq="h")  # Memorial Day, July 4 inside
    y = weekly_series("2003-03-03", 30, office=True).reindex(idx)
    keys = cal.keys(idx[0].date(), idx[-1].date())
    day = (idx.normalize() - idx[0].normalize()).days.to_numpy()
    y[keys[day] != ""] = 0.0  # the bank is closed on holidays
    fc = DailyProfile().forecast(y, 4 * 24, cal)  # Sat, Sun, Labor Day Monday, Tuesday
    assert fc[48:72].sum() == 0.0
    assert fc[72:].sum() > 0.5 * 1000 * WEEKDAY[1]


def test_multiplicative_event_effect_is_recovered():
    sale = Event("11.11", month_day=("11-11",))
    cal = DayCalendar(None, (sale,))
    idx = pd.date_range("2025-09-01", "2026-11-09 23:00", freq="h")
    y = pd.Series(100.0, index=idx)
    y[(idx.month == 11) & (idx.day == 11)] *= 2.5
    fc = DailyProfile().forecast(y, 72, cal)  # Nov 10, 11, 12
    np.testing.assert_allclose(fc.reshape(3, 24).sum(axis=1), [2400, 6000, 2400], rtol=1e-6)


def test_event_uplift_is_used_until_history_has_an_occurrence():
    sale = Event("spring sale", dates=("2026-03-20",), uplift=1.5)
    idx = pd.date_range("2026-01-05", "2026-03-18 23:00", freq="h")
    y = pd.Series(10.0, index=idx)
    fc = DailyProfile().forecast(y, 72, DayCalendar(None, (sale,)))
    np.testing.assert_allclose(fc.reshape(3, 24).sum(axis=1), [240, 360, 240], rtol=1e-6)


def test_catch_up_after_a_holiday_is_learnt():
    cal = DayCalendar("RU")
    idx = pd.date_range("2025-01-13", "2026-06-10 23:00", freq="h")
    keys = cal.keys(idx[0].date(), idx[-1].date())
    daily = np.where(keys != "", 0.5, 1.0)
    after = np.r_[False, (keys[:-1] != "") & (keys[1:] == "")]
    daily[after] = 1.3
    day = (idx.normalize() - idx[0].normalize()).days.to_numpy()
    y = pd.Series(100.0 * daily[day], index=idx)
    fc = DailyProfile().forecast(y, 72, cal)  # Jun 11, Russia Day Jun 12, Sat Jun 13
    np.testing.assert_allclose(fc.reshape(3, 24).sum(axis=1), [2400, 1200, 1.3 * 2400], rtol=1e-6)


def test_daily_profile_beats_the_baselines_on_a_noisy_series():
    rng = np.random.default_rng(11)
    idx = pd.date_range("2025-01-06", periods=40 * 168, freq="h")
    shape = SHAPE / SHAPE.sum()
    # day-level noise that persists a little (what real contact volume does), then Poisson
    level = np.exp(np.cumsum(rng.normal(0, 0.01, 280)))
    daily = 3000 * WEEKDAY[idx.day_of_week[::24]] * level * rng.lognormal(0, 0.08, 280)
    rate = np.repeat(daily, 24) * shape[idx.hour]
    y = pd.Series(rng.poisson(rate).astype(float), index=idx)
    errors = {}
    for m in ALL:
        err = tot = 0.0
        for o in range(len(y) - 8 * 168, len(y), 168):
            f = m.forecast(y.iloc[:o], 168)
            err += np.abs(f - y.iloc[o : o + 168].to_numpy()).sum()
            tot += y.iloc[o : o + 168].sum()
        errors[m.name] = err / tot
    assert errors["daily_profile"] < min(errors["weekly_mean"], errors["seasonal_naive"])


def test_ensemble_median_and_mean():
    y = weekly_series("2026-01-05", 2)
    members = (Constant("a", 1.0), Constant("b", 5.0), Constant("c", 30.0))
    assert (Ensemble(members=members).forecast(y, 3) == 5.0).all()
    assert (Ensemble(members=members, combine="mean").forecast(y, 3) == 12.0).all()
    with pytest.raises(ValueError):
        Ensemble().forecast(y, 3)


def test_registry_lists_the_default_method_first():
    assert list(METHODS) == ["blend", "daily_profile", "weekly_mean", "seasonal_naive"]
    assert all(m.name == key for key, m in METHODS.items())


# ------------------------------------------------------------------------------ blend


def test_blend_weights_its_members_by_their_pooled_error_on_the_last_weeks():
    """Two members that forecast 10 and 20 a hour. On a series that is 13 every hour, the weight
    w minimising |13 - (10 w + 20 (1 - w))| over the inner weeks is 0.7; on 10 it is 1, on 20 it
    is 0, and the forecast is that mix."""
    idx = pd.date_range("2026-01-05", periods=168 * 10, freq="h")
    ten, twenty = Constant("ten", 10.0), Constant("twenty", 20.0)
    blend = Blend(members=(ten, twenty))
    for level, weight in ((13.0, 0.7), (10.0, 1.0), (20.0, 0.0)):
        y = pd.Series(level, index=idx)
        assert blend.weight(y) == pytest.approx(weight)
        assert blend.forecast(y, 24) == pytest.approx(np.full(24, level))


def test_blend_ties_and_short_histories_keep_the_first_member():
    """Members that err alike leave every weight equally good: the first member keeps it all.
    Under four weeks there are fewer than two inner origins with two weeks before them, so
    nothing is judged."""
    idx = pd.date_range("2026-01-05", periods=168 * 10, freq="h")
    same = Blend(members=(Constant("ten", 10.0), Constant("also_ten", 10.0)))
    assert same.weight(pd.Series(15.0, index=idx)) == 1.0
    blend = Blend(members=(Constant("ten", 10.0), Constant("twenty", 20.0)))
    assert blend.weight(pd.Series(20.0, index=idx[: 168 * 3])) == 1.0
    assert blend.weight(pd.Series(20.0, index=idx[: 168 * 4])) == 0.0


def test_the_default_blend_leans_on_the_four_week_mean_after_the_daily_shape_changed():
    """Six weeks ago the day's peak moved from 10:00 to 18:00. The daily model pools a quarter of
    shapes, so it still expects half a peak at 10:00; the four-week mean has only seen the new
    shape. The blend moves weight to it and forecasts the next week better than the daily model."""
    idx = pd.date_range("2026-01-05", periods=168 * 20, freq="h")
    hour, week = idx.hour.to_numpy(), np.arange(len(idx)) // 168
    peak = np.where(week < 14, 10, 18)
    y = pd.Series(5.0 + 40.0 * np.exp(-0.5 * ((hour - peak) / 1.5) ** 2), index=idx)
    assert Blend().weight(y.iloc[:-168]) < 0.5
    actual = y.iloc[-168:].to_numpy()
    err = {m.name: np.abs(m.forecast(y.iloc[:-168], 168) - actual).sum() for m in (Blend(), DailyProfile())}
    assert err["blend"] < 0.5 * err["daily_profile"]


def test_blend_keeps_a_sales_peak_out_of_its_four_week_mean_and_forecasts_sales_days_by_the_first_member():
    """A sale on Wednesday 2026-03-04 tripled its hours. The 4-week mean member sees that day as
    missing, so next Wednesday is forecast at the ordinary level (30, not a quarter of the peak on
    top); on the next sale day (Wednesday 2026-03-18) the blend is the first member's alone."""
    idx = pd.date_range("2026-01-05", "2026-03-15 23:00", freq="h")
    y = pd.Series(30.0, index=idx)
    y[(idx >= "2026-03-04") & (idx < "2026-03-05")] = 90.0
    sale = DayCalendar(None, (Event("sale", dates=(date(2026, 3, 4), date(2026, 3, 18))),))
    blend = Blend(members=(Constant("level", 30.0), WeeklyMean()))
    fc = pd.Series(blend.forecast(y, 168 * 2, sale), index=pd.date_range("2026-03-16", periods=336, freq="h"))
    assert fc["2026-03-16":"2026-03-17 23:00"].to_numpy() == pytest.approx(30.0)
    assert fc["2026-03-18"].to_numpy() == pytest.approx(30.0)            # the sale day: the first member's
    unaware = Blend(members=(Constant("level", 40.0), WeeklyMean()))    # weights judged where the mean is right
    plain = unaware.forecast(y, 168, None)                              # no calendar: the peak leaks in
    assert plain[48:72].max() > 30.0


@pytest.mark.parametrize("hours", [1, 23, 24, 169, 700, 2000])
def test_the_blend_forecasts_any_history_with_gaps_and_a_calendar_without_warnings(hours):
    """Short and gappy histories, starting at odd hours, with holidays and a sale labelled: a finite,
    non-negative forecast and no numpy warning on the terminal (an hour no week has data for is
    expected, not an error)."""
    import warnings

    rng = np.random.default_rng(hours)
    y = pd.Series(rng.poisson(10, hours).astype(float), index=pd.date_range("2025-12-30 05:00", periods=hours, freq="h"))
    y.iloc[rng.integers(0, hours, max(1, hours // 10))] = np.nan
    calendar = DayCalendar("RU", (Event("sale", month_day=("01-05",)),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = Blend().forecast(y, 200, calendar)
    assert f.shape == (200,) and np.isfinite(f).all() and (f >= 0).all()


def test_the_blend_fits_each_inner_week_once_across_successive_forecasts():
    """Forecasts from origins a week apart share seven of their eight inner weeks: with the memory,
    the second forecast fits only its new inner week (two member calls) and gives what a cold
    forecast gives."""
    from forecasts.models import forget_inner_forecasts

    calls = []

    class Counting(Constant):
        def forecast(self, y, horizon, calendar=None):
            calls.append(len(y))
            return super().forecast(y, horizon, calendar)

    idx = pd.date_range("2026-01-05", periods=168 * 12, freq="h")
    y = pd.Series(np.arange(len(idx)) % 24 + 1.0, index=idx)
    blend = Blend(members=(Counting("a", 10.0), Counting("b", 14.0)))
    forget_inner_forecasts()
    first = blend.forecast(y.iloc[: 168 * 11], 24)
    calls.clear()
    second = blend.forecast(y, 24)
    inner = [n for n in calls if n < len(y)]
    assert sorted(set(inner)) == [168 * 11] and len(inner) == 2   # only the newest inner origin
    forget_inner_forecasts()
    assert blend.forecast(y, 24) == pytest.approx(second)
    assert first.shape == (24,)
