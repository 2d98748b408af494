"""The working-day calendar page: district staff edit it, nobody else reaches it."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.core import calendar
from haolinju.core.models import AuditEvent, CalendarDay
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def test_district_staff_add_a_holiday_for_an_unknown_year_and_deadlines_follow(client, tree):
    """Adding 2027-10-01 as a holiday makes it a non-working day at once; the edit is audited."""
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district, username="d"))
    page = client.get("/calendar/?year=2027")
    assert page.status_code == 200
    assert "日历数据包尚未收录该年" in page.content.decode()
    response = client.post(
        "/calendar/?year=2027", {"day": "2027-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    assert not calendar.is_working_day(dt.date(2027, 10, 1))
    assert AuditEvent.objects.filter(action="calendar.set").count() == 1
    assert "国庆节" in client.get("/calendar/?year=2027").content.decode()
    client.post("/calendar/?year=2027", {"remove": "2027-10-01"})
    assert not CalendarDay.objects.exists()
    assert calendar.is_working_day(dt.date(2027, 10, 1))


def test_the_package_days_are_listed_for_a_known_year(client, tree):
    """2026 shows National Day and the make-up Saturday from the package."""
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district, username="d"))
    body = client.get("/calendar/?year=2026").content.decode()
    assert "2026-10-01" in body and "2026-10-10" in body


def test_a_branch_secretary_may_not_edit_the_calendar(client, tree):
    """The calendar is the district's: anyone else gets 403 and nothing changes."""
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="s"))
    assert client.get("/calendar/").status_code == 403
    assert client.post("/calendar/", {"day": "2027-10-01", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.exists()
