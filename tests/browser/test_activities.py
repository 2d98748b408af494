"""The volunteer loop in a real browser on a phone: publish → sign up → check in and out →
confirm → certificate → public verification, with axe-core on the pages people use."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from haolinju.activities import codes
from haolinju.activities.models import Activity, ActivityItem
from haolinju.activities.tests.library import ensure_library
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_sign_up_check_in_out_confirm_certificate(
    page, browser, warm_live_server, login, screenshot
):
    """The secretary publishes 楼道清洁; the volunteer signs up and checks in by typing the code
    the organiser's page shows; later checks out; the organiser confirms on the roster; the
    volunteer's record shows the hours; the secretary issues the certificate; its public
    verification page says it is genuine, without logging in."""
    tree = Tree()
    compound = tree.compounds[0]
    staff(Title.BRANCH_SECRETARY, compound, username="sec")
    volunteer = resident(tree.units[0], username="vol")
    ensure_library()
    item = ActivityItem.objects.get(code="env.stairwell")

    login(page, "sec", "pw-for-tests")
    page.goto("/activities/new/")
    page.select_option("select[name=item]", str(item.pk))
    page.select_option("select[name=area]", str(compound.pk))
    starts = timezone.localtime() + dt.timedelta(minutes=10)
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=places]", "12")
    page.fill("input[name=place]", "1栋楼道")
    page.click("[data-testid=save]")
    page.click("[data-testid=action-publish]")
    page.locator("[data-testid=status]", has_text="已发布").wait_for()
    activity = Activity.objects.get()
    page.goto(f"/activities/{activity.pk}/manage/")
    venue_code = page.locator("[data-testid=venue-code-text]").inner_text()
    assert page.locator("[data-testid=venue-code] svg").count() == 1

    context = browser.new_context(
        base_url=warm_live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    vol = context.new_page()
    vol.set_default_timeout(5000)
    login(vol, "vol", "pw-for-tests")
    vol.goto("/activities/")
    vol.locator("[data-testid=activity]", has_text="楼道清洁").click()
    vol.click("[data-testid=signup]")
    vol.locator("[data-testid=my-signup]", has_text="您已报名").wait_for()
    vol.click("[data-testid=go-scan]")
    vol.fill("[data-testid=code-input]", venue_code)
    vol.click("[data-testid=submit-code]")
    vol.locator("[data-testid=scan-result][data-outcome=checked_in]").wait_for()
    violations = run_axe(vol)
    assert not violations, describe_violations(violations)
    screenshot(vol, "checked-in")

    later = timezone.now() + dt.timedelta(minutes=118)
    with mock.patch("django.utils.timezone.now", return_value=later):
        vol.fill(
            "[data-testid=code-input]",
            codes.make(codes.ACTIVITY, activity.pk, now=later.timestamp()),
        )
        vol.click("[data-testid=submit-code]")
        vol.locator("[data-testid=scan-result][data-outcome=checked_out]").wait_for()

    page.goto(f"/activities/{activity.pk}/manage/")
    assert page.locator("[data-testid=count-in]").inner_text() == "1"
    page.click(f"[data-testid=confirm-{volunteer.person.pk}]")
    page.locator("[data-testid=roster]", has_text="已确认").wait_for()
    screenshot(page, "roster-confirmed")

    vol.goto("/activities/record/")
    assert vol.locator("[data-testid=total-hours]").inner_text() == "1.8"
    violations = run_axe(vol)
    assert not violations, describe_violations(violations)

    page.goto(f"/activities/record/{volunteer.person.pk}/")
    page.fill("input[name=issuer_name]", "小区000综合党支部")
    page.fill("input[name=issuer_in_charge]", "王书记")
    page.fill("input[name=issuer_contact]", "0713-8356000")
    page.click("[data-testid=issue-certificate]")
    page.locator("[data-testid=certificate]").wait_for()
    assert "1.8 小时" in page.locator("[data-testid=certificate]").inner_text()
    screenshot(page, "certificate")
    from haolinju.activities.models import Certificate

    cert = Certificate.objects.get()
    assert cert.number in page.content()
    anon = browser.new_context(base_url=warm_live_server.url, locale="zh-CN").new_page()
    anon.goto(f"/activities/verify/{cert.number}/")
    anon.locator("[data-testid=verify-valid]").wait_for()
    assert volunteer.person.name not in anon.content()
    context.close()
