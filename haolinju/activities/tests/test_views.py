"""The phone pages, end to end through the Django test client."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from haolinju.activities import codes
from haolinju.activities.models import Certificate, RecordStatus, ServiceRecord
from haolinju.activities.services.signups import signup_create


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_publish_sign_up_scan_confirm_and_certify_through_the_pages(world):
    """The secretary creates and publishes from the form; a volunteer signs up and checks in
    with the typed code; the organiser sees the live count and confirms; the record shows the
    hours; the certificate page and its PDF (real Chinese text) are issued and verifiable."""
    sec = client_for(world.secretary)
    assert sec.get(reverse("activities:new")).status_code == 200
    from haolinju.activities.models import Activity, ActivityItem

    starts = timezone.localtime() + dt.timedelta(minutes=5)
    r = sec.post(
        reverse("activities:new"),
        {
            "item": ActivityItem.objects.get(code="env.stairwell").pk,
            "area": world.compound.pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "places": 12,
            "place": "5栋楼道",
        },
    )
    activity = Activity.objects.get()
    assert r.status_code == 302 and activity.status == "draft"
    sec.post(reverse("activities:transition", args=[activity.pk]), {"action": "publish"})
    activity.refresh_from_db()
    assert activity.status == "published"
    vol = client_for(world.volunteers[0])
    page = vol.get(reverse("activities:list")).content.decode()
    assert "楼道清洁" in page
    vol.post(reverse("activities:signup", args=[activity.pk]))
    detail = vol.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "您已报名" in detail
    code = codes.make(codes.ACTIVITY, activity.pk)
    r = vol.post(
        reverse("activities:scan", args=[activity.pk]),
        {"code": code},
        headers={"HX-Request": "true"},
    )
    assert 'data-outcome="checked_in"' in r.content.decode()
    manage = sec.get(reverse("activities:manage", args=[activity.pk])).content.decode()
    assert 'data-testid="count-in">1<' in manage and "<svg" in manage
    assert "<script" not in sec.get(reverse("activities:code", args=[activity.pk])).content.decode()
    later = timezone.now() + dt.timedelta(minutes=125)
    with mock.patch("django.utils.timezone.now", return_value=later):
        fresh = codes.make(codes.ACTIVITY, activity.pk, now=later.timestamp())
        vol.post(reverse("activities:scan", args=[activity.pk]), {"code": fresh})
    record = ServiceRecord.objects.get()
    assert record.status == RecordStatus.PENDING
    sec.post(
        reverse("activities:record_action", args=[activity.pk]),
        {"action": "confirm", "record_id": record.pk},
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED
    mine = vol.get(reverse("activities:record")).content.decode()
    import re

    assert re.search(r"total-hours\">([^<]*)<", mine).group(1) == "2.0"
    person = world.volunteers[0].person
    r = sec.post(
        reverse("activities:certify", args=[person.pk]),
        {
            "issuer_name": "测试小区党支部",
            "issuer_in_charge": "李书记",
            "issuer_contact": "0713-8888888",
        },
    )
    cert = Certificate.objects.get()
    assert r.status_code == 302
    page = vol.get(reverse("activities:certificate", args=[cert.number])).content.decode()
    assert cert.number in page and "居民身份证" in page
    pdf = vol.get(reverse("activities:certificate_pdf", args=[cert.number]))
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "志愿服务证明",
        person.name,
        "2.0 小时",
        cert.number,
        "测试小区党支部",
        "李书记",
        "经办人",
        person.id_number_masked,
        "环境整治与垃圾分类",
    ):
        assert expected in text, expected
    assert (
        client_for(world.outsider)
        .get(reverse("activities:certificate", args=[cert.number]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_verification_page_is_public_and_clear(world):
    """Without logging in: an unknown number says so (404); the page shows no full ID."""
    anon = Client()
    r = anon.get(reverse("activities:verify", args=["ZYFW2026FAKE"]))
    assert r.status_code == 404 and "不存在" in r.content.decode()


@pytest.mark.django_db
def test_feeds_are_rfc5545_behind_a_revocable_token(world):
    """A personal feed lists the person's sign-ups; a compound feed its published activities
    (not drafts); both parse as iCalendar; a revoked or guessed token is a 404."""
    from haolinju.activities.models import FeedToken
    from haolinju.activities.services.feeds import feed_create, feed_revoke

    published = world.activity(title="周六楼道清洁")
    world.activity(publish=False, title="草稿活动")
    signup_create(actor=world.volunteers[0], activity_id=published.pk)
    _, personal = feed_create(actor=world.volunteers[0])
    feed, compound = feed_create(actor=world.secretary, area=world.compound)
    anon = Client()
    for token in (personal, compound):
        r = anon.get(reverse("activities:feed_ics", args=[token]))
        assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
        cal = Calendar.from_ical(r.content)
        summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
        assert summaries == ["周六楼道清洁"]
    assert not FeedToken.objects.filter(token_hash=personal).exists()  # only the hash is kept
    feed_revoke(actor=world.secretary, feed_id=feed.pk)
    assert anon.get(reverse("activities:feed_ics", args=[compound])).status_code == 404
    assert anon.get(reverse("activities:feed_ics", args=["guess" * 8])).status_code == 404


@pytest.mark.django_db
def test_reminder_before_start_is_sent_once(world):
    """The reminder task tells everyone confirmed once, only inside the lead time."""
    from haolinju.activities.tasks import send_reminder
    from haolinju.core.models import Notification

    activity = world.activity(starts_in=dt.timedelta(hours=5))
    signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    assert send_reminder.call(activity.pk) == 0  # too early: nothing
    inside = activity.starts_at - dt.timedelta(minutes=90)
    with mock.patch("django.utils.timezone.now", return_value=inside):
        assert send_reminder.call(activity.pk) == 1
        assert send_reminder.call(activity.pk) == 0
    assert Notification.objects.filter(kind="activity.reminder").count() == 1


@pytest.mark.django_db
def test_needs_board_post_claim_done(world):
    """The secretary posts a 微心愿; a volunteer claims it; the secretary marks it done;
    someone from another compound does not see it."""
    from haolinju.activities.models import Need

    sec = client_for(world.secretary)
    sec.post(
        reverse("activities:needs"),
        {"area": world.compound.pk, "kind": "wish", "title": "帮独居老人换灯泡"},
    )
    need = Need.objects.get()
    vol = client_for(world.volunteers[0])
    assert "帮独居老人换灯泡" in vol.get(reverse("activities:needs")).content.decode()
    vol.post(reverse("activities:needs"), {"need": need.pk, "action": "claim"})
    need.refresh_from_db()
    assert need.status == "claimed" and need.claimed_by_person == world.volunteers[0].person
    sec.post(reverse("activities:needs"), {"need": need.pk, "action": "done"})
    need.refresh_from_db()
    assert need.status == "done"
    assert (
        "帮独居老人换灯泡"
        not in client_for(world.outsider).get(reverse("activities:needs")).content.decode()
    )


@pytest.mark.django_db
def test_my_code_page_shows_a_rotating_personal_code(world):
    """The volunteer's own code page shows a QR and a code that reads back to them."""
    r = client_for(world.volunteers[0]).get(reverse("activities:my_code"))
    html = r.content.decode()
    assert "<svg" in html
    import re

    text = re.search(r'data-testid="my-code-text">([^<]+)<', html).group(1)
    assert codes.read(text).subject_id == world.volunteers[0].person.pk
