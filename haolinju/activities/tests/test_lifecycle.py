"""Activities move only along their state machine, and each move is on the timeline."""

import pytest

from haolinju.activities.models import ActivityStatus
from haolinju.activities.services.activities import MACHINE, activity_transition
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.timeline import timeline_for
from haolinju.core.transitions import InvalidTransition

S = ActivityStatus
ALLOWED = {
    "publish": {S.DRAFT},
    "start": {S.PUBLISHED},
    "finish": {S.PUBLISHED, S.ONGOING},
    "archive": {S.FINISHED},
    "cancel": {S.DRAFT, S.PUBLISHED, S.ONGOING},
}
TARGET = {
    "publish": S.PUBLISHED,
    "start": S.ONGOING,
    "finish": S.FINISHED,
    "archive": S.ARCHIVED,
    "cancel": S.CANCELLED,
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_transition_allowed_and_forbidden(world, state, action):
    """Each action succeeds exactly from its source states (to its target, on the timeline)
    and is a 409 from every other state, changing nothing."""
    activity = world.activity(publish=False)
    type(activity).objects.filter(pk=activity.pk).update(status=state)
    reason = "天气原因" if action == "cancel" else ""
    if state in ALLOWED[action]:
        moved = activity_transition(
            actor=world.secretary, activity_id=activity.pk, action=action, reason=reason
        )
        assert moved.status == TARGET[action]
        event = list(timeline_for(moved))[-1]
        assert (event.from_state, event.to_state) == (state, TARGET[action])
    else:
        with pytest.raises(InvalidTransition) as exc:
            activity_transition(
                actor=world.secretary, activity_id=activity.pk, action=action, reason=reason
            )
        assert exc.value.status_code == 409
        activity.refresh_from_db()
        assert activity.status == state


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_only_managers_move(world):
    """Cancelling without a reason is refused; a volunteer cannot publish or cancel; someone
    outside the compound does not even see a draft (404)."""
    activity = world.activity(publish=False)
    with pytest.raises(InvalidInput):
        activity_transition(actor=world.secretary, activity_id=activity.pk, action="cancel")
    with pytest.raises(NotFound):
        activity_transition(actor=world.volunteers[0], activity_id=activity.pk, action="publish")
    activity = activity_transition(actor=world.secretary, activity_id=activity.pk, action="publish")
    with pytest.raises(NotPermitted):
        activity_transition(
            actor=world.volunteers[0], activity_id=activity.pk, action="cancel", reason="x"
        )
    assert MACHINE.actions_for(activity, world.volunteers[0]) == []
    assert MACHINE.actions_for(activity, world.secretary) == ["start", "finish", "cancel"]
