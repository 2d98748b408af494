"""Service-time arithmetic at its boundaries (RULES.md §3)."""

import datetime as dt
from decimal import Decimal

import pytest

from haolinju.activities import hours


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0.0"),
        (5, "0.0"),
        (6, "0.1"),
        (59, "0.9"),
        (60, "1.0"),
        (65, "1.0"),
        (108, "1.8"),
        (119, "1.9"),
        (480, "8.0"),
        (-59, "-0.9"),
    ],
)
def test_hours_are_truncated_to_tenths(minutes, expected):
    """Hours are reported to 0.1 h and never rounded up: 59 min is 0.9 h, not 1.0 h."""
    assert hours.hours(minutes) == Decimal(expected)


def test_daily_cap_credits_only_what_is_left():
    """The daily cap (8 h) credits only the minutes left that day, and never less than zero."""
    assert hours.credit(actual=120, already_that_day=0) == 120
    assert hours.credit(actual=120, already_that_day=420) == 60
    assert hours.credit(actual=120, already_that_day=480) == 0
    assert hours.credit(actual=600, already_that_day=0) == 480
    assert hours.credit(actual=120, already_that_day=500) == 0


def test_share_below_sixty_percent_needs_confirmation():
    """Attendance covering less than 60 % of the activity needs the organiser's confirmation;
    exactly 60 % does not."""
    assert hours.needs_confirmation(actual=71, scheduled=120)
    assert not hours.needs_confirmation(actual=72, scheduled=120)
    assert not hours.needs_confirmation(actual=120, scheduled=120)
    assert hours.needs_confirmation(actual=59, scheduled=100, share_percent=60)


def test_early_arrival_is_not_service_time_and_seconds_are_dropped():
    """Time before the start does not count; partial minutes are dropped."""
    start = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
    early = start - dt.timedelta(minutes=20)
    out = start + dt.timedelta(minutes=108, seconds=59)
    assert hours.actual_minutes(checked_in=early, checked_out=out, starts_at=start) == 108
    late = start + dt.timedelta(minutes=10)
    assert hours.actual_minutes(checked_in=late, checked_out=out, starts_at=start) == 98
    assert hours.whole_minutes(out, start) == 0


@pytest.mark.parametrize(
    ("hours_done", "stars"),
    [(0, 0), (99, 0), (100, 1), (299, 1), (300, 2), (600, 3), (999, 3), (1000, 4), (1500, 5)],
)
def test_star_levels(hours_done, stars):
    """Stars at 100 / 300 / 600 / 1,000 / 1,500 hours; one minute short is one star less."""
    assert hours.star_level(hours_done * 60) == stars
    if hours_done:
        assert hours.star_level(hours_done * 60 - 1) == (
            stars - 1 if hours_done in hours.STAR_LEVELS_HOURS else stars
        )
