"""Sign-up with places and a waitlist promoted in order."""

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.activities import selectors
from haolinju.activities.errors import Conflict
from haolinju.activities.models import Activity, SignupStatus
from haolinju.activities.services.signups import signup_cancel, signup_create
from haolinju.core.errors import NotFound
from haolinju.core.models import Notification


@pytest.mark.django_db
def test_places_then_waitlist_then_promotion_in_order(world):
    """With 2 places, the 3rd and 4th are waitlisted in arrival order; when a confirmed one
    cancels, the 3rd is promoted and told so; the 4th moves up to first place."""
    activity = world.activity(places=2)
    signups = [signup_create(actor=u, activity_id=activity.pk) for u in world.volunteers]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [selectors.waitlist_position(s) for s in signups[2:]] == [1, 2]
    signup_cancel(actor=world.volunteers[0], activity_id=activity.pk)
    for s in signups:
        s.refresh_from_db()
    assert [s.status for s in signups] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert selectors.waitlist_position(signups[3]) == 1
    activity.refresh_from_db()
    assert activity.confirmed_count == 2
    note = Notification.objects.get(recipient=world.volunteers[2])
    assert note.kind == "activity.promoted" and activity.title in note.title
    assert not Notification.objects.filter(recipient=world.volunteers[3]).exists()


@pytest.mark.django_db
def test_signing_up_twice_is_a_conflict(world):
    """A second sign-up by the same person is a 409; after cancelling they may sign up again."""
    activity = world.activity()
    signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    with pytest.raises(Conflict) as exc:
        signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    assert exc.value.status_code == 409
    signup_cancel(actor=world.volunteers[0], activity_id=activity.pk)
    again = signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    assert again.status == SignupStatus.CONFIRMED


@pytest.mark.django_db
def test_late_cancellation_is_recorded_and_frees_the_place(world):
    """A cancellation inside the cut-off (2 h before the start) is marked late; earlier is not."""
    soon = world.activity(starts_in=dt.timedelta(minutes=60), places=5)
    later = world.activity(starts_in=dt.timedelta(days=3), places=5)
    for a in (soon, later):
        signup_create(actor=world.volunteers[0], activity_id=a.pk)
    assert signup_cancel(actor=world.volunteers[0], activity_id=soon.pk).late_cancel
    assert not signup_cancel(actor=world.volunteers[0], activity_id=later.pk).late_cancel
    soon.refresh_from_db()
    assert soon.confirmed_count == 0


@pytest.mark.django_db
def test_drafts_closed_windows_and_other_compounds_refuse(world):
    """A draft, a closed sign-up window and a finished activity refuse (409); someone living in
    another compound does not see the activity at all (404)."""
    draft = world.activity(publish=False)
    Activity.objects.filter(pk=draft.pk)  # the secretary sees it, volunteers do not
    with pytest.raises(NotFound):
        signup_create(actor=world.volunteers[0], activity_id=draft.pk)
    closed = world.activity(signup_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        signup_create(actor=world.volunteers[0], activity_id=closed.pk)
    future = world.activity(signup_opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(Conflict):
        signup_create(actor=world.volunteers[0], activity_id=future.pk)
    with pytest.raises(NotFound):
        signup_create(actor=world.outsider, activity_id=closed.pk)


@pytest.mark.django_db
def test_a_community_activity_reaches_every_compound_below(world):
    """An activity published to the community is offered to residents of all its compounds,
    but not to a resident of another community."""
    community = world.tree.communities[0]
    from haolinju.people.models import Title
    from haolinju.people.tests.factories import resident, staff

    secretary = staff(Title.COMMUNITY_SECRETARY, community)
    activity = world.activity(actor=secretary, area=community, publish=False)
    from haolinju.activities.services.activities import activity_transition

    activity_transition(actor=secretary, activity_id=activity.pk, action="publish")
    neighbour = resident(world.tree.compounds[1].children.first().children.first().children.first())
    assert signup_create(actor=neighbour, activity_id=activity.pk).status == "confirmed"
    assert signup_create(actor=world.volunteers[0], activity_id=activity.pk)
    with pytest.raises(NotFound):
        signup_create(actor=world.outsider, activity_id=activity.pk)


@pytest.mark.django_db
def test_no_shows_are_counted(world):
    """Confirmed sign-ups of a finished activity without attendance count as no-shows."""
    from haolinju.activities.services.activities import activity_transition

    activity = world.activity(places=3)
    for u in world.volunteers[:2]:
        signup_create(actor=u, activity_id=activity.pk)
    activity_transition(actor=world.secretary, activity_id=activity.pk, action="finish")
    assert selectors.no_shows(activity).count() == 2
    person_id = world.volunteers[0].person.pk
    assert selectors.person_no_show_count(person_id) == 1
