"""The activities API as issue 8 lists it, end to end: publish, sign up, check in and out,
confirm, records, verification."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from haolinju.activities import codes
from haolinju.activities.models import ActivityItem, Certificate
from haolinju.activities.services.certificates import certificate_issue
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff


@pytest.fixture
def people(tree):
    compound = tree.compounds[0]
    return {
        "secretary": staff(Title.BRANCH_SECRETARY, compound),
        "volunteers": [resident(tree.units[i]) for i in range(3)],
        "outsider": resident(tree.units[-1]),
        "compound": compound,
    }


def _create(api, people, **extra):
    starts = timezone.now() + dt.timedelta(minutes=10)
    body = {
        "item_id": ActivityItem.objects.get(code="env.stairwell").pk,
        "area_id": people["compound"].pk,
        "starts_at": starts.isoformat(),
        "places": 2,
        "place": "3栋楼道",
    } | extra
    return api.post("/api/v1/activities", body)


@pytest.mark.django_db
def test_the_whole_loop_over_the_api(api_as, people):
    """Secretary creates and publishes; two sign up, the third is waitlisted at position 1; a
    second sign-up is a 409; the organiser's code checks a volunteer in and (108 min later)
    out; the organiser confirms; the volunteer's record shows 1.8 h."""
    sec = api_as(people["secretary"])
    r = _create(sec, people)
    assert r.status_code == 201, r.content
    activity = r.json()
    assert (activity["status"], activity["title"], activity["item_code"]) == (
        "draft",
        "楼道清洁",
        "env.stairwell",
    )
    assert activity["ends_at"] > activity["starts_at"]  # default duration from the library
    aid = activity["id"]
    r = sec.post(f"/api/v1/activities/{aid}/transitions", {"action": "publish"})
    assert r.json()["status"] == "published"
    assert (
        sec.post(f"/api/v1/activities/{aid}/transitions", {"action": "publish"}).status_code == 409
    )
    vols = [api_as(u) for u in people["volunteers"]]
    answers = [v.post(f"/api/v1/activities/{aid}/signups").json() for v in vols]
    assert [(a["status"], a["position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
    ]
    assert vols[0].post(f"/api/v1/activities/{aid}/signups").status_code == 409
    listed = vols[0].get("/api/v1/activities", status="published").json()
    assert listed["count"] == 1 and listed["items"][0]["confirmed"] == 2
    soon = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert vols[0].get("/api/v1/activities", **{"from": soon}).json()["count"] == 0
    assert vols[0].get("/api/v1/activities", to=soon).json()["count"] == 1
    area = people["compound"].pk
    assert vols[0].get("/api/v1/activities", area=area).json()["count"] == 1
    assert vols[0].get(f"/api/v1/activities/{aid}/checkin-code").status_code == 403
    code = sec.get(f"/api/v1/activities/{aid}/checkin-code").json()
    assert code["expires_in"] == 30 and code["svg"].startswith("<svg")
    r = vols[0].post(f"/api/v1/activities/{aid}/checkins", {"code": code["code"]})
    assert (r.status_code, r.json()["outcome"]) == (200, "checked_in")
    later = timezone.now() + dt.timedelta(minutes=118)
    with mock.patch("django.utils.timezone.now", return_value=later):
        fresh = codes.make(codes.ACTIVITY, aid, now=later.timestamp())
        r = vols[0].post(f"/api/v1/activities/{aid}/checkins", {"code": fresh})
    assert r.json()["outcome"] == "checked_out", r.json()
    record_id = r.json()["record_id"]
    r = sec.post(
        f"/api/v1/activities/{aid}/attendance", {"action": "confirm", "record_id": record_id}
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert r.json()["minutes"] == 108 and r.json()["hours"] == "1.8"
    person_id = people["volunteers"][0].person.pk
    records = vols[0].get(f"/api/v1/volunteers/{person_id}/records").json()
    assert (records["count"], records["total_hours"]) == (1, "1.8")
    assert records["per_category"] == {"environment": "1.8"}
    r = vols[1].delete(f"/api/v1/activities/{aid}/signups/mine")
    assert r.json()["status"] == "cancelled"
    detail = vols[2].get(f"/api/v1/activities/{aid}").json()
    assert detail["my_signup"]["status"] == "confirmed"


@pytest.mark.django_db
def test_expired_code_and_scope(api_as, people):
    """An expired code is a 422 with its outcome; an activity outside the caller's reach is a
    404 for every endpoint; without a token it is a 401."""
    sec = api_as(people["secretary"])
    aid = _create(sec, people).json()["id"]
    sec.post(f"/api/v1/activities/{aid}/transitions", {"action": "publish"})
    vol = api_as(people["volunteers"][0])
    vol.post(f"/api/v1/activities/{aid}/signups")
    stale = codes.make(codes.ACTIVITY, aid, now=timezone.now().timestamp() - 40)
    r = vol.post(f"/api/v1/activities/{aid}/checkins", {"code": stale})
    assert (r.status_code, r.json()["outcome"]) == (422, "expired_code")
    out = api_as(people["outsider"])
    for method, url in [
        ("get", f"/api/v1/activities/{aid}"),
        ("post", f"/api/v1/activities/{aid}/signups"),
        ("get", f"/api/v1/activities/{aid}/checkin-code"),
        ("post", f"/api/v1/activities/{aid}/checkins"),
    ]:
        body = {"code": stale} if url.endswith("checkins") else None
        r = getattr(out, method)(url, body) if body else getattr(out, method)(url)
        assert r.status_code == 404, (url, r.status_code)
    assert out.get("/api/v1/activities").json()["count"] == 0
    assert api_as(None).get("/api/v1/activities").status_code == 401
    person_id = people["volunteers"][0].person.pk
    assert out.get(f"/api/v1/volunteers/{person_id}/records").status_code == 404


@pytest.mark.django_db
def test_library_lists_items_with_rules(api_as, people):
    """The library lists 39 items (paged), each with its current version and points rule."""
    r = api_as(people["volunteers"][0]).get("/api/v1/activity-items", limit=100).json()
    assert r["count"] == 39 and len(r["items"]) == 39
    first = r["items"][0]
    assert first["version"] == 1 and first["points_rule"] and first["default_minutes"] > 0


@pytest.mark.django_db
def test_certificate_verification_is_public_and_leaks_nothing(api_as, people):
    """Anyone can verify a certificate number without logging in: masked name and ID, hours,
    issuer, date; an unknown number is a 404 saying so; a revoked one says revoked."""
    from haolinju.activities.models import RecordStatus, ServiceRecord
    from haolinju.activities.services.certificates import certificate_revoke

    sec_user = people["secretary"]
    sec = api_as(sec_user)
    aid = _create(sec, people).json()["id"]
    volunteer = people["volunteers"][0].person
    ServiceRecord.objects.create(
        activity_id=aid,
        person=volunteer,
        area_path=volunteer.area_path,
        category_code="environment",
        item_code="env.stairwell",
        service_date=timezone.localdate(),
        method="manual",
        status=RecordStatus.CONFIRMED,
        minutes=119,
        delta_minutes=119,
    )
    cert = certificate_issue(
        actor=sec_user,
        person_id=volunteer.pk,
        issuer_name="阳光小区党支部",
        issuer_in_charge="李书记",
        issuer_contact="0713-1234567",
    )
    anon = api_as(None)
    r = anon.get(f"/api/v1/certificates/{cert.number}/verify")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "valid" and body["hours"] == "1.9"
    assert body["volunteer"] != volunteer.name and body["volunteer"].startswith(volunteer.name[0])
    assert body["id_number"] == volunteer.id_number_masked and "*" in body["id_number"]
    from haolinju.core.crypto import decrypt

    raw = r.content.decode()
    assert decrypt(volunteer.id_number_enc) not in raw and decrypt(volunteer.phone_enc) not in raw
    assert set(body) == {
        "number",
        "status",
        "volunteer",
        "id_type",
        "id_number",
        "hours",
        "issuer",
        "issued_on",
        "revoked_reason",
    }
    missing = anon.get("/api/v1/certificates/ZYFW2026NOPE/verify")
    assert missing.status_code == 404 and "不存在" in missing.json()["detail"]
    certificate_revoke(actor=sec_user, number=cert.number, reason="时长有误")
    r = anon.get(f"/api/v1/certificates/{cert.number}/verify").json()
    assert (r["status"], r["revoked_reason"]) == ("revoked", "时长有误")
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_district_staff_revise_an_item_and_old_activities_keep_their_version(api_as, people, tree):
    """A PATCH by district staff makes version 2 current; an activity created before still
    reports version 1; a secretary's PATCH is a 403."""
    sec = api_as(people["secretary"])
    aid = _create(sec, people).json()["id"]
    item = ActivityItem.objects.get(code="env.stairwell")
    district = api_as(staff(Title.DISTRICT_STAFF, tree.district))
    r = district.client.patch(
        f"/api/v1/activity-items/{item.pk}",
        data='{"default_minutes": 90, "points_rule": "每次积4分"}',
        content_type="application/json",
        headers=district.headers,
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["default_minutes"] == 90
    assert sec.get(f"/api/v1/activities/{aid}").json()["item_version"] == 1
    r = sec.client.patch(
        f"/api/v1/activity-items/{item.pk}",
        data="{}",
        content_type="application/json",
        headers=sec.headers,
    )
    assert r.status_code == 403
