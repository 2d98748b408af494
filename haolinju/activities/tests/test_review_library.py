"""The organiser's review desk (refuse a record, answer a correction request) and the library
edit page, through the pages and the API."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from haolinju.accounts.services import token_issue
from haolinju.activities import selectors
from haolinju.activities.models import (
    ActivityItem,
    CorrectionRequest,
    RecordStatus,
    ServiceRecord,
)
from haolinju.activities.services import attendance as svc
from haolinju.activities.services.signups import signup_create
from haolinju.core.models import AuditEvent
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def api_for(user):
    token = token_issue(user=user)

    class Api:
        headers = {"Authorization": f"Bearer {token}"}

        def get(self, url, **params):
            return Client().get(url, params, headers=self.headers)

        def post(self, url, body):
            return Client().post(
                url, json.dumps(body), content_type="application/json", headers=self.headers
            )

    return Api()


def confirmed_record(world, minutes=100, volunteer=0):
    activity = world.activity(starts_in=dt.timedelta(minutes=10))
    user = world.volunteers[volunteer]
    signup_create(actor=user, activity_id=activity.pk)
    return svc.attendance_record(
        actor=world.secretary,
        activity_id=activity.pk,
        person_id=user.person.pk,
        checked_in_at=activity.starts_at,
        checked_out_at=activity.starts_at + dt.timedelta(minutes=minutes),
        confirm=True,
    )


@pytest.mark.django_db
def test_review_page_answers_a_correction_request(world):
    """The volunteer asks on their record page; the request shows on the organiser's review
    desk; refusing without an answer keeps it open with a message; refusing with one closes
    it; a new request accepted there writes a correction and moves the totals."""
    record = confirmed_record(world)
    vol = client_for(world.volunteers[0])
    vol.post(
        reverse("activities:record"), {"record_id": record.pk, "minutes": 120, "reason": "晚签退"}
    )
    req = CorrectionRequest.objects.get()
    sec = client_for(world.secretary)
    page = sec.get(reverse("activities:review")).content.decode()
    assert f'data-testid="request-{req.pk}"' in page and "晚签退" in page
    r = sec.post(
        reverse("activities:review"), {"request_id": req.pk, "action": "refuse"}, follow=True
    )
    assert "驳回时请说明理由" in r.content.decode()
    req.refresh_from_db()
    assert req.status == "open"
    sec.post(
        reverse("activities:review"),
        {"request_id": req.pk, "action": "refuse", "answer": "签退记录无误"},
    )
    req.refresh_from_db()
    assert (req.status, req.answer) == ("rejected", "签退记录无误")
    vol.post(reverse("activities:record"), {"record_id": record.pk, "minutes": 130, "reason": "补"})
    second = CorrectionRequest.objects.get(status="open")
    sec.post(reverse("activities:review"), {"request_id": second.pk, "action": "accept"})
    second.refresh_from_db()
    assert second.status == "accepted"
    assert selectors.totals(world.volunteers[0].person.pk)["minutes"] == 130
    assert "没有待处理的更正申请" in sec.get(reverse("activities:review")).content.decode()


@pytest.mark.django_db
def test_review_page_refuses_a_pending_record_with_a_reason(world):
    """A checked-out record awaiting confirmation is listed; refusing needs a reason; with one
    it becomes 未通过 with the reason kept and a timeline event."""
    activity = world.activity(starts_in=dt.timedelta(minutes=10))
    user = world.volunteers[1]
    signup_create(actor=user, activity_id=activity.pk)
    record = svc.attendance_record(
        actor=world.secretary,
        activity_id=activity.pk,
        person_id=user.person.pk,
        checked_in_at=activity.starts_at,
        checked_out_at=activity.starts_at + dt.timedelta(minutes=30),
    )
    sec = client_for(world.secretary)
    assert (
        f'data-testid="record-{record.pk}"'
        in sec.get(reverse("activities:review")).content.decode()
    )
    r = sec.post(
        reverse("activities:review"), {"record_id": record.pk, "action": "reject"}, follow=True
    )
    assert "请填写理由" in r.content.decode()
    sec.post(
        reverse("activities:review"),
        {"record_id": record.pk, "action": "reject", "reason": "未在现场"},
    )
    record.refresh_from_db()
    assert (record.status, record.review_reason) == (RecordStatus.REJECTED, "未在现场")
    assert AuditEvent.objects.filter(action="servicerecord.reject", target_id=record.pk).exists()


@pytest.mark.django_db
def test_review_desk_is_for_organisers_only(world):
    """A resident gets a 403; an organiser of another compound sees nothing of this one."""
    record = confirmed_record(world)
    svc.correction_request(actor=world.volunteers[0], record_id=record.pk, minutes=120, reason="x")
    assert client_for(world.volunteers[0]).get(reverse("activities:review")).status_code == 403
    other = staff(Title.BRANCH_SECRETARY, world.other_compound)
    page = client_for(other).get(reverse("activities:review")).content.decode()
    assert "没有待处理的更正申请" in page


@pytest.mark.django_db
def test_correction_requests_over_the_api(world):
    """The volunteer files a request (201); the organiser lists it and accepts (a correction
    record is written); answering twice is a 409; a refusal without an answer is a 422; the
    volunteer may not answer (403); another compound's organiser sees none and gets a 404."""
    record = confirmed_record(world)
    vol, sec = api_for(world.volunteers[0]), api_for(world.secretary)
    r = vol.post(
        f"/api/v1/service-records/{record.pk}/correction-requests",
        {"minutes": 115, "reason": "签退晚了"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["recorded_minutes"], body["requested_minutes"], body["status"]) == (
        100,
        115,
        "open",
    )
    rid = body["id"]
    listed = sec.get("/api/v1/correction-requests").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == rid
    bad = vol.post(f"/api/v1/service-records/{record.pk}/correction-requests", {"minutes": -1})
    assert bad.status_code == 422
    assert (
        vol.post(f"/api/v1/correction-requests/{rid}/answer", {"accept": True}).status_code == 403
    )
    refuse = sec.post(f"/api/v1/correction-requests/{rid}/answer", {"accept": False})
    assert refuse.status_code == 422 and refuse.json()["errors"][0]["field"] == "answer"
    other = api_for(staff(Title.BRANCH_SECRETARY, world.other_compound))
    assert other.get("/api/v1/correction-requests").json()["count"] == 0
    assert (
        other.post(f"/api/v1/correction-requests/{rid}/answer", {"accept": True}).status_code == 404
    )
    ok = sec.post(f"/api/v1/correction-requests/{rid}/answer", {"accept": True, "answer": "属实"})
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert ServiceRecord.objects.filter(corrects=record, delta_minutes=15).exists()
    again = sec.post(f"/api/v1/correction-requests/{rid}/answer", {"accept": True})
    assert again.status_code == 409
    assert sec.get("/api/v1/correction-requests", status="all").json()["count"] == 1
    assert sec.get("/api/v1/correction-requests").json()["count"] == 0


@pytest.mark.django_db
def test_library_pages_for_district_staff(world):
    """District staff see the 39 items with edit links and revise one through the form: a new
    version, the old one kept, one audit event naming old and new values."""
    district = staff(Title.DISTRICT_STAFF, world.tree.district)
    web = client_for(district)
    page = web.get(reverse("activities:library")).content.decode()
    assert page.count('data-testid="item-') == 39
    item = ActivityItem.objects.get(code="env.stairwell")
    url = reverse("activities:library_edit", args=[item.pk])
    form = web.get(url).content.decode()
    assert 'value="楼道清洁"' in form
    r = web.post(
        url,
        {
            "name": "楼道清洁",
            "description": "清扫楼道、扶手",
            "default_minutes": 90,
            "skills": "清洁、劳动",
            "points_rule": "每次积4分",
            "points_code": "fixed:4",
        },
        follow=True,
    )
    assert "已保存为第 2 版" in r.content.decode()
    item.refresh_from_db()
    assert (item.current.version, item.current.default_minutes, item.current.skills) == (
        2,
        90,
        ["清洁", "劳动"],
    )
    assert item.versions.get(version=1).default_minutes == 120
    event = AuditEvent.objects.get(action="activityitem.revise", target_id=item.pk)
    assert event.data["changes"]["default_minutes"] == [120, 90]
    assert event.actor_id == district.pk


@pytest.mark.django_db
def test_library_form_shows_field_errors_and_saves_nothing(world):
    """A zero duration, an empty name or an unchanged form come back with the error at the
    field (or the form) in Chinese, and no version is written."""
    district = staff(Title.DISTRICT_STAFF, world.tree.district)
    web = client_for(district)
    item = ActivityItem.objects.get(code="env.stairwell")
    url = reverse("activities:library_edit", args=[item.pk])
    base = {
        "name": "楼道清洁",
        "default_minutes": 120,
        "skills": "",
        "points_rule": item.current.points_rule,
        "points_code": item.current.points_code,
        "description": item.current.description,
    }
    r = web.post(url, base | {"default_minutes": 0, "name": ""})
    text = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="error-default_minutes"' in text and 'data-testid="error-name"' in text
    r = web.post(url, base | {"skills": "、".join(item.current.skills)})
    assert "没有修改任何内容" in r.content.decode()
    assert item.versions.count() == 1


@pytest.mark.django_db
def test_library_edit_is_for_district_staff_only(world):
    """A branch secretary reads the library without edit links and gets a 403 on the form; a
    resident gets a 403 on the library."""
    sec = client_for(world.secretary)
    page = sec.get(reverse("activities:library")).content.decode()
    assert page.count('data-testid="item-') == 0 and "楼道清洁" in page
    item = ActivityItem.objects.get(code="env.stairwell")
    assert sec.get(reverse("activities:library_edit", args=[item.pk])).status_code == 403
    assert client_for(world.volunteers[0]).get(reverse("activities:library")).status_code == 403
