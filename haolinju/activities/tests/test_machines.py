"""Sign-ups, service records and correction requests change state only through their
``core.transitions`` machines: every allowed move writes its timeline event, every forbidden
one is a 409 that changes nothing."""

import datetime as dt
from itertools import product

import pytest

from haolinju.activities.models import (
    CorrectionRequest,
    CorrectionStatus,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from haolinju.activities.services import attendance as svc
from haolinju.activities.services import signups
from haolinju.core.errors import NotPermitted
from haolinju.core.timeline import timeline_for
from haolinju.core.transitions import InvalidTransition

SIGNUP_ALLOWED = {
    ("cancel", SignupStatus.CONFIRMED),
    ("cancel", SignupStatus.WAITLISTED),
    ("promote", SignupStatus.WAITLISTED),
}
RECORD_ALLOWED = {
    ("check_out", RecordStatus.OPEN),
    ("check_out", RecordStatus.PENDING),
    ("record", RecordStatus.OPEN),
    ("record", RecordStatus.PENDING),
    ("confirm", RecordStatus.PENDING),
    ("reject", RecordStatus.OPEN),
    ("reject", RecordStatus.PENDING),
    ("correct", RecordStatus.CONFIRMED),
}
CORRECTION_ALLOWED = {("accept", CorrectionStatus.OPEN), ("reject", CorrectionStatus.OPEN)}


def _table_matches(machine, allowed, states):
    return {
        (action, state)
        for action, state in product(machine.moves, states)
        if machine.moves[action].allows(state)
    } == allowed


def test_the_tables_are_exactly_the_documented_moves():
    """The three machines allow exactly the moves listed here, no more."""
    assert _table_matches(signups.MACHINE, SIGNUP_ALLOWED, SignupStatus.values)
    assert _table_matches(svc.RECORD_MACHINE, RECORD_ALLOWED, RecordStatus.values)
    assert _table_matches(svc.CORRECTION_MACHINE, CORRECTION_ALLOWED, CorrectionStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action,state", sorted(product(("cancel", "promote"), SignupStatus.values))
)
def test_every_signup_move_from_every_state(world, action, state):
    """Allowed: the status moves and one ``signup.<action>`` event is written. Forbidden: a
    409, the row and the timeline unchanged."""
    activity = world.activity()
    signup = signups.signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    Signup.objects.filter(pk=signup.pk).update(status=state)
    before = timeline_for(signup).count()
    if (action, state) in SIGNUP_ALLOWED:
        moved = signups.MACHINE.apply(signup, action=action, actor=world.secretary)
        assert moved.status == signups.MACHINE.moves[action].target
        event = timeline_for(signup).last()
        assert (event.action, event.from_state, event.to_state) == (
            f"signup.{action}",
            state,
            moved.status,
        )
    else:
        with pytest.raises(InvalidTransition):
            signups.MACHINE.apply(signup, action=action, actor=world.secretary)
        signup.refresh_from_db()
        assert signup.status == state
        assert timeline_for(signup).count() == before


def _record(world, activity, status):
    person = world.volunteers[0].person
    signups.signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    return ServiceRecord.objects.create(
        activity=activity,
        person=person,
        area_path=activity.area_path,
        category_code="environment",
        item_code="env.stairwell",
        service_date=activity.starts_at.date(),
        checked_in_at=activity.starts_at,
        checked_out_at=activity.starts_at + dt.timedelta(minutes=100),
        actual_minutes=100,
        minutes=100 if status == RecordStatus.CONFIRMED else 0,
        delta_minutes=100 if status == RecordStatus.CONFIRMED else 0,
        method="manual",
        status=status,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action,state", sorted(product(svc.RECORD_MACHINE.moves, RecordStatus.values))
)
def test_every_record_move_from_every_state(world, action, state):
    """The organiser's move on a record in each state: the allowed ones write
    ``servicerecord.<action>``; the others are a 409 and leave the record as it was."""
    record = _record(world, world.activity(), state)
    before = timeline_for(record).count()
    if (action, state) in RECORD_ALLOWED:
        moved = svc.RECORD_MACHINE.apply(record, action=action, actor=world.secretary)
        target = svc.RECORD_MACHINE.moves[action].target or state
        assert moved.status == target
        event = timeline_for(record).last()
        assert (event.action, event.from_state, event.to_state) == (
            f"servicerecord.{action}",
            state,
            target,
        )
    else:
        with pytest.raises(InvalidTransition):
            svc.RECORD_MACHINE.apply(record, action=action, actor=world.secretary)
        record.refresh_from_db()
        assert record.status == state
        assert timeline_for(record).count() == before


@pytest.mark.django_db
def test_only_the_organiser_moves_a_record_and_the_volunteer_only_checks_out(world):
    """A volunteer may check their own record out, not confirm it; another resident neither."""
    record = _record(world, world.activity(), RecordStatus.OPEN)
    with pytest.raises(NotPermitted):
        svc.RECORD_MACHINE.apply(record, action="check_out", actor=world.volunteers[1])
    moved = svc.RECORD_MACHINE.apply(record, action="check_out", actor=world.volunteers[0])
    assert moved.status == RecordStatus.PENDING
    with pytest.raises(NotPermitted):
        svc.RECORD_MACHINE.apply(record, action="confirm", actor=world.volunteers[0])
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING


@pytest.mark.django_db
def test_the_service_flow_leaves_a_timeline(world):
    """Cancel with a waitlist, manual times, confirm, request and accept a correction: each
    step is one event on the sign-up, the record or the request, in order."""
    activity = world.activity(places=1)
    first, second = world.volunteers[:2]
    signups.signup_create(actor=first, activity_id=activity.pk)
    waiting = signups.signup_create(actor=second, activity_id=activity.pk)
    cancelled = signups.signup_cancel(actor=first, activity_id=activity.pk)
    assert [e.action for e in timeline_for(cancelled)] == ["signup.cancel"]
    assert [e.action for e in timeline_for(waiting)] == ["signup.promote"]
    record = svc.attendance_record(
        actor=world.secretary,
        activity_id=activity.pk,
        person_id=second.person.pk,
        checked_in_at=activity.starts_at,
        checked_out_at=activity.starts_at + dt.timedelta(minutes=90),
        confirm=True,
    )
    request = svc.correction_request(
        actor=second, record_id=record.pk, minutes=110, reason="晚签退"
    )
    svc.correction_answer(actor=world.secretary, request_id=request.pk, accept=True, answer="属实")
    assert [e.action for e in timeline_for(record)] == [
        "servicerecord.confirm",
        "servicerecord.correction_requested",
        "servicerecord.correct",
    ]
    assert [e.action for e in timeline_for(CorrectionRequest.objects.get())] == [
        "correction.accept"
    ]
    with pytest.raises(InvalidTransition):
        svc.CORRECTION_MACHINE.apply(request, action="reject", actor=world.secretary)
