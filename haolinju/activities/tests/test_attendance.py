"""Check-in that a screenshot cannot fool, service hours, confirmation, deeds, corrections."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from haolinju.activities import codes, selectors
from haolinju.activities.errors import Conflict
from haolinju.activities.models import RecordStatus, ServiceRecord
from haolinju.activities.services import attendance as svc
from haolinju.activities.services.signups import signup_create
from haolinju.core.errors import NotPermitted

Out = svc.Outcome


def at(moment):
    """Freeze ``timezone.now`` (and so the code clock) at ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def venue(activity, moment):
    return codes.make(codes.ACTIVITY, activity.pk, now=moment.timestamp())


def scan(user, activity, moment, *, code=None, position=None):
    with at(moment):
        return svc.checkin_by_venue_code(
            actor=user,
            activity_id=activity.pk,
            code=code or venue(activity, moment),
            position=position,
        )


@pytest.fixture
def running(world):
    """A 2-hour activity starting in 10 minutes, volunteer 0 signed up."""
    activity = world.activity(starts_in=dt.timedelta(minutes=10), places=2, minutes=120)
    signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    return activity


@pytest.mark.django_db
def test_check_in_then_out_gives_pending_hours(world, running):
    """Scan in (early: allowed, not counted), scan again within 2 min: already checked in;
    scan out after 108 min of service: checked out, 108 minutes awaiting confirmation."""
    user, start = world.volunteers[0], running.starts_at
    assert scan(user, running, start - dt.timedelta(minutes=20)).outcome == Out.CHECKED_IN
    again = scan(user, running, start - dt.timedelta(minutes=19))
    assert again.outcome == Out.ALREADY and again.http_status == 200
    out = scan(user, running, start + dt.timedelta(minutes=108, seconds=30))
    assert out.outcome == Out.CHECKED_OUT
    record = out.record
    assert (record.status, record.actual_minutes) == (RecordStatus.PENDING, 108)
    assert scan(user, running, start + dt.timedelta(minutes=110)).outcome == Out.ALREADY


@pytest.mark.django_db
def test_expired_replayed_and_foreign_codes_are_refused(world, running):
    """A code older than 30 s is expired (422); the same code used again is replayed (409);
    another activity's code or a forged one is invalid (422); nothing is recorded for them."""
    user, start = world.volunteers[0], running.starts_at
    old = venue(running, start - dt.timedelta(seconds=31))
    expired = scan(user, running, start, code=old)
    assert (expired.outcome, expired.http_status) == (Out.EXPIRED, 422)
    assert not ServiceRecord.objects.exists()
    code = venue(running, start)
    assert scan(user, running, start, code=code).outcome == Out.CHECKED_IN
    replay = scan(user, running, start + dt.timedelta(minutes=5), code=code)
    assert replay.outcome == Out.EXPIRED  # 5 minutes later the screenshot is also stale
    replay = scan(user, running, start + dt.timedelta(seconds=20), code=code)
    assert (replay.outcome, replay.http_status) == (Out.REPLAYED, 409)
    other = world.activity(starts_in=dt.timedelta(minutes=10))
    foreign = scan(user, running, start, code=venue(other, start))
    assert (foreign.outcome, foreign.http_status) == (Out.INVALID, 422)
    assert scan(user, running, start, code="a1.2.3").outcome == Out.INVALID


@pytest.mark.django_db
def test_window_early_allowance_and_sign_up_checks(world, running):
    """Before the early-arrival allowance (30 min) is outside the window; so is well after the
    end; someone not signed up is told so, a waitlisted person too; walk-ins are accepted only
    when the activity allows them and places remain."""
    user, start = world.volunteers[0], running.starts_at
    assert scan(user, running, start - dt.timedelta(minutes=31)).outcome == Out.OUTSIDE_WINDOW
    assert scan(user, running, start + dt.timedelta(hours=4)).outcome == Out.OUTSIDE_WINDOW
    stranger = world.volunteers[1]
    refused = scan(stranger, running, start)
    assert (refused.outcome, refused.http_status) == (Out.NOT_SIGNED_UP, 409)
    open_door = world.activity(starts_in=dt.timedelta(minutes=10), walk_ins=True, places=1)
    assert scan(stranger, open_door, open_door.starts_at).outcome == Out.WALK_IN
    assert scan(world.volunteers[2], open_door, open_door.starts_at).outcome == Out.NOT_SIGNED_UP


@pytest.mark.django_db
def test_geofence_sends_far_check_ins_to_the_organiser(world):
    """With coordinates and a 200 m geofence, a phone 1 km away is checked in but needs the
    organiser's confirmation; one at the venue is checked in."""
    activity = world.activity(
        starts_in=dt.timedelta(minutes=5),
        latitude=Decimal("30.453000"),
        longitude=Decimal("114.872000"),
        geofence_m=200,
    )
    for u in world.volunteers[:2]:
        signup_create(actor=u, activity_id=activity.pk)
    near = scan(
        world.volunteers[0],
        activity,
        activity.starts_at,
        position=(Decimal("30.453500"), Decimal("114.872000")),
    )
    far = scan(
        world.volunteers[1],
        activity,
        activity.starts_at,
        position=(Decimal("30.462000"), Decimal("114.872000")),
    )
    assert near.outcome == Out.CHECKED_IN
    assert far.outcome == Out.NEEDS_CONFIRMATION and far.record.status == RecordStatus.PENDING


@pytest.mark.django_db
def test_short_attendance_needs_confirmation(world, running):
    """Checked out after 71 of 120 minutes (< 60 %): needs the organiser's confirmation."""
    user, start = world.volunteers[0], running.starts_at
    scan(user, running, start)
    out = scan(user, running, start + dt.timedelta(minutes=71))
    assert out.outcome == Out.NEEDS_CONFIRMATION and "60" in out.record.review_reason


@pytest.mark.django_db
def test_personal_code_scanned_by_the_organiser(world, running):
    """The organiser scans the volunteer's own rotating code; a volunteer cannot use this
    path; a code of a person not signed up is answered as not signed up."""
    start = running.starts_at
    person = world.volunteers[0].person
    code = codes.make(codes.PERSON, person.pk, now=start.timestamp())
    with at(start):
        result = svc.checkin_by_personal_code(
            actor=world.secretary, activity_id=running.pk, code=code
        )
        assert result.outcome == Out.CHECKED_IN and result.person_name == person.name
        with pytest.raises(NotPermitted):
            svc.checkin_by_personal_code(
                actor=world.volunteers[1], activity_id=running.pk, code=code
            )
        other = codes.make(codes.PERSON, world.volunteers[1].person.pk, now=start.timestamp())
        assert (
            svc.checkin_by_personal_code(actor=world.secretary, activity_id=running.pk, code=other)
        ).outcome == Out.NOT_SIGNED_UP


@pytest.mark.django_db
def test_confirmation_publishes_one_deed_and_a_correction_compensates(world, running, deed_sink):
    """Confirming publishes exactly one activity.attendance deed with the confirmed minutes and
    the item code; the record is then immutable (a second confirmation is a 409); a correction
    is a new record with a reason whose compensating deed carries the difference, and the
    totals follow it (1.8 h → 1.5 h)."""
    user, start = world.volunteers[0], running.starts_at
    scan(user, running, start)
    record = scan(user, running, start + dt.timedelta(minutes=108)).record
    confirmed = svc.attendance_confirm(actor=world.secretary, record_id=record.pk)
    assert (confirmed.status, confirmed.minutes) == (RecordStatus.CONFIRMED, 108)
    assert len(deed_sink) == 1
    deed = deed_sink[0]
    assert (deed.kind, deed.quantity, deed.item_code) == (
        "activity.attendance",
        108,
        "env.stairwell",
    )
    assert (deed.source_id, deed.person_id) == (record.pk, user.person.pk)
    assert deed.verified_by_id == world.secretary.pk
    assert deed.data["points_code"] == "fixed:3"
    with pytest.raises(Conflict):
        svc.attendance_confirm(actor=world.secretary, record_id=record.pk)
    with pytest.raises(NotPermitted):
        svc.attendance_confirm(actor=user, record_id=record.pk)
    correction = svc.attendance_correct(
        actor=world.secretary, record_id=record.pk, minutes=90, reason="提前离场"
    )
    assert (correction.corrects_id, correction.delta_minutes) == (record.pk, -18)
    assert len(deed_sink) == 2 and deed_sink[1].quantity == -18
    assert deed_sink[1].data["corrects"] == record.pk
    record.refresh_from_db()
    assert record.minutes == 108  # the confirmed record itself never changes
    totals = selectors.totals(user.person.pk)
    assert totals["minutes"] == 90
    assert totals["per_category"] == {"environment": 90}


@pytest.mark.django_db
def test_daily_cap_limits_what_is_confirmed(world, deed_sink):
    """Two long activities on one day: the second is credited only up to 8 h in all."""
    start = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    first = world.activity(starts_at=start, minutes=360)
    second = world.activity(starts_at=start + dt.timedelta(hours=7), minutes=240)
    user = world.volunteers[0]
    for a in (first, second):
        signup_create(actor=user, activity_id=a.pk)
        svc.attendance_record(
            actor=world.secretary,
            activity_id=a.pk,
            person_id=user.person.pk,
            checked_in_at=a.starts_at,
            checked_out_at=a.ends_at,
            confirm=True,
        )
    minutes = list(
        ServiceRecord.objects.filter(person=user.person)
        .order_by("id")
        .values_list("minutes", flat=True)
    )
    assert minutes == [360, 120]
    assert [d.quantity for d in deed_sink] == [360, 120]


@pytest.mark.django_db
def test_volunteer_requests_a_correction_and_the_organiser_answers(world, running, deed_sink):
    """The volunteer asks for 120 minutes with a reason; the organiser accepts, which writes a
    correction record; a second request on an answered one can be made, a rejection needs a
    reason."""
    user = world.volunteers[0]
    record = svc.attendance_record(
        actor=world.secretary,
        activity_id=running.pk,
        person_id=user.person.pk,
        checked_in_at=running.starts_at,
        checked_out_at=running.starts_at + dt.timedelta(minutes=100),
        confirm=True,
    )
    request = svc.correction_request(
        actor=user, record_id=record.pk, minutes=120, reason="签退晚了"
    )
    with pytest.raises(Conflict):
        svc.correction_request(actor=user, record_id=record.pk, minutes=120, reason="再次")
    answered = svc.correction_answer(actor=world.secretary, request_id=request.pk, accept=True)
    assert answered.status == "accepted"
    assert selectors.totals(user.person.pk)["minutes"] == 120
    second = svc.correction_request(actor=user, record_id=record.pk, minutes=150, reason="还有")
    from haolinju.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        svc.correction_answer(actor=world.secretary, request_id=second.pk, accept=False)
    svc.correction_answer(
        actor=world.secretary, request_id=second.pk, accept=False, answer="无依据"
    )
    assert selectors.totals(user.person.pk)["minutes"] == 120
    assert [d.quantity for d in deed_sink] == [100, 20]
