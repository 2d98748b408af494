"""The organiser's review desk and the library edit form in a real browser: a volunteer's
correction request refused without an answer (a clear message), then accepted; district
staff revise a library item (a field error first, then a new version). axe-core on both."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.activities.models import ActivityItem, CorrectionRequest
from haolinju.activities.services import attendance
from haolinju.activities.services.activities import activity_create, activity_transition
from haolinju.activities.services.signups import signup_create
from haolinju.activities.tests.library import ensure_library
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _requested_correction():
    tree = Tree()
    compound = tree.compounds[0]
    secretary = staff(Title.BRANCH_SECRETARY, compound, username="sec")
    volunteer = resident(tree.units[0], username="vol")
    ensure_library()
    from django.utils import timezone

    starts = timezone.now() + dt.timedelta(minutes=10)
    activity = activity_create(
        actor=secretary,
        item_id=ActivityItem.objects.get(code="env.stairwell").pk,
        area=compound,
        starts_at=starts,
        places=5,
        place="1栋楼道",
    )
    activity_transition(actor=secretary, activity_id=activity.pk, action="publish")
    signup_create(actor=volunteer, activity_id=activity.pk)
    record = attendance.attendance_record(
        actor=secretary,
        activity_id=activity.pk,
        person_id=volunteer.person.pk,
        checked_in_at=starts,
        checked_out_at=starts + dt.timedelta(minutes=90),
        confirm=True,
    )
    return attendance.correction_request(
        actor=volunteer, record_id=record.pk, minutes=110, reason="签退时手机没电"
    ), tree


def test_review_desk_answers_a_correction(page, login, assert_accessible):
    """The request shows with its reason; refusing with no answer says why and keeps it;
    accepting writes the correction and empties the desk."""
    request, _tree = _requested_correction()
    login(page, "sec", "pw-for-tests")
    page.goto("/activities/review/")
    row = page.locator(f"[data-testid=request-{request.pk}]")
    row.get_by_text("签退时手机没电").wait_for()
    assert_accessible(page)
    row.locator(f"[data-testid=refuse-{request.pk}]").click()
    page.get_by_text("驳回时请说明理由").wait_for()
    page.locator(f"[data-testid=accept-{request.pk}]").click()
    page.get_by_text("没有待处理的更正申请").wait_for()
    request.refresh_from_db()
    assert request.status == "accepted"
    assert CorrectionRequest.objects.filter(status="open").count() == 0


def test_library_edit_form(page, login, assert_accessible):
    """District staff open 楼道清洁 from the library, get a field error for a zero duration,
    then save 90 minutes as version 2."""
    tree = Tree()
    staff(Title.DISTRICT_STAFF, tree.district, username="dist")
    ensure_library()
    login(page, "dist", "pw-for-tests")
    page.goto("/activities/library/")
    assert_accessible(page)
    page.locator("[data-testid='item-env.stairwell']").click()
    page.locator("[data-testid=version]", has_text="v1").wait_for()
    assert_accessible(page)
    page.fill("input[name=default_minutes]", "0")
    page.click("[data-testid=save-item]")
    page.locator("[data-testid=error-default_minutes]").wait_for()
    page.fill("input[name=default_minutes]", "90")
    page.click("[data-testid=save-item]")
    page.locator("[data-testid=version]", has_text="v2").wait_for()
    item = ActivityItem.objects.select_related("current").get(code="env.stairwell")
    assert (item.current.version, item.current.default_minutes) == (2, 90)
