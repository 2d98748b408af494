"""core.calendar: deadlines that skip China's holidays and count make-up working days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from haolinju.core import calendar
from haolinju.core.calendar import Duration, due_at, is_working_day, working_time_between
from haolinju.core.errors import InvalidInput
from haolinju.core.models import CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_national_day_week_is_not_worked_and_the_make_up_saturday_is():
    """2026: 1–7 October off (with Mid-Autumn); Saturday 10 October is a make-up working day."""
    assert not any(is_working_day(dt.date(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(dt.date(2026, 10, 10))  # Saturday, 调休
    assert not is_working_day(dt.date(2026, 10, 11))  # Sunday


def test_working_days_skip_the_national_day_week_and_count_the_make_up_day():
    """Received Wednesday 30 September 10:00 with 3 working days: 9, 10 (Sat), 12 October."""
    assert due_at(at(2026, 9, 30, 10, 0), "1wd") == at(2026, 10, 8, 10, 0)
    assert due_at(at(2026, 9, 30, 10, 0), "3wd") == at(2026, 10, 10, 10, 0)
    assert due_at(at(2026, 9, 30, 10, 0), "4wd") == at(2026, 10, 12, 10, 0)


def test_wall_clock_hours_ignore_the_calendar():
    """An emergency's 2 h run through a holiday night."""
    assert due_at(at(2026, 10, 1, 23, 30), "2h") == at(2026, 10, 2, 1, 30)
    assert due_at(at(2026, 10, 1, 23, 30), Duration.parse("30m")) == at(2026, 10, 2, 0, 0)


def test_working_hours_stop_at_lunch_and_at_night():
    """4 working hours from Friday 16:00 (8:30–12:00, 14:00–17:30): 1.5 h Friday, 2.5 h Monday."""
    friday = at(2026, 11, 27, 16, 0)
    assert due_at(friday, "4wh") == at(2026, 11, 30, 11, 0)
    assert due_at(at(2026, 11, 30, 11, 0), "2wh") == at(2026, 11, 30, 15, 0)


def test_received_outside_working_time_counts_from_the_next_opening():
    """Saturday evening + 1 working day: from Monday 08:30 to Tuesday 08:30."""
    assert due_at(at(2026, 11, 28, 20, 0), "1wd") == at(2026, 12, 1, 8, 30)


def test_rows_override_the_package_for_years_it_does_not_know():
    """2027 is unknown to the package: Monday–Friday, until district staff add holidays."""
    assert calendar.package_says(dt.date(2027, 10, 1)) is None
    assert is_working_day(dt.date(2027, 10, 1))  # a Friday
    CalendarDay.objects.create(date=dt.date(2027, 10, 1), kind=CalendarDayKind.HOLIDAY)
    CalendarDay.objects.create(date=dt.date(2027, 9, 26), kind=CalendarDayKind.WORKDAY)
    calendar.clear_cache()
    assert not is_working_day(dt.date(2027, 10, 1))
    assert is_working_day(dt.date(2027, 9, 26))  # a Sunday made a working day


def test_bad_duration_text_is_a_clear_field_error():
    """ "7 days" is not a duration: InvalidInput naming the field."""
    with pytest.raises(InvalidInput) as err:
        Duration.parse("7 days", field="deadline")
    assert err.value.errors[0].field == "deadline"


def test_working_time_between_counts_only_working_hours():
    """Friday 16:00 to Monday 10:00 holds 1.5 + 1.5 working hours."""
    spent = working_time_between(at(2026, 11, 27, 16, 0), at(2026, 11, 30, 10, 0))
    assert spent == dt.timedelta(hours=3)


def test_calendar_seed_copies_the_package_days_into_editable_rows():
    """2026 has holidays on weekdays and make-up Saturdays/Sundays: each becomes a row once."""
    from django.core.management import call_command

    call_command("calendar_seed", "--year", "2026")
    holiday = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    assert holiday.kind == CalendarDayKind.HOLIDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == CalendarDayKind.WORKDAY
    count = CalendarDay.objects.count()
    call_command("calendar_seed", "--year", "2026")
    assert CalendarDay.objects.count() == count
