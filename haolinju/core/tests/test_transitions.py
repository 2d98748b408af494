"""core.transitions: one locked, checked, logged way to change a status.

The machine is generic over a model and a field; here it drives a user's ``last_name`` as the
"status" so the kernel is tested without any domain app.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.models import AuditEvent
from haolinju.core.timeline import record, timeline_for
from haolinju.core.transitions import ANY, InvalidTransition, Move, StateMachine

pytestmark = pytest.mark.django_db


def _may(actor, obj, action):
    return action != "approve" or actor.is_superuser


MACHINE = StateMachine(
    model=get_user_model(),
    field="last_name",
    moves={
        "submit": Move({"draft"}, "submitted", "提交"),
        "approve": Move({"submitted"}, "approved", "批准"),
        "note": Move(ANY, None, "备注"),
    },
    may=_may,
    area_path=lambda obj: "000000001",
    event_prefix="thing",
)


@pytest.fixture
def thing():
    return get_user_model().objects.create(username="thing", last_name="draft")


@pytest.fixture
def boss():
    return get_user_model().objects.create(username="boss", is_superuser=True)


def test_an_allowed_move_changes_the_state_and_writes_one_timeline_event(thing, boss):
    """apply() saves the new state and records actor, from/to, note and data on the timeline."""
    result = MACHINE.apply(thing, action="submit", actor=boss, note="请审核", data={"n": 1})
    assert result.last_name == "submitted"
    thing.refresh_from_db()
    assert thing.last_name == "submitted"
    (event,) = timeline_for(thing)
    assert (event.action, event.from_state, event.to_state) == (
        "thing.submit",
        "draft",
        "submitted",
    )
    assert (event.actor, event.note, event.data, event.area_path) == (
        boss,
        "请审核",
        {"n": 1},
        "000000001",
    )


def test_a_move_the_state_does_not_allow_is_a_409_and_changes_nothing(thing, boss):
    """approve from draft is an InvalidTransition (409); state and timeline are unchanged."""
    with pytest.raises(InvalidTransition) as err:
        MACHINE.apply(thing, action="approve", actor=boss)
    assert err.value.status_code == 409
    thing.refresh_from_db()
    assert thing.last_name == "draft"
    assert not AuditEvent.objects.exists()


def test_a_move_the_policy_refuses_is_not_permitted_and_changes_nothing(thing):
    """A non-superuser may not approve: NotPermitted, nothing saved, nothing logged."""
    MACHINE.apply(thing, action="submit", actor=thing)
    with pytest.raises(NotPermitted):
        MACHINE.apply(thing, action="approve", actor=thing)
    thing.refresh_from_db()
    assert thing.last_name == "submitted"
    assert AuditEvent.objects.count() == 1


def test_an_unknown_action_is_invalid_input_naming_the_field(thing, boss):
    """The error names the ``action`` field and lists the actions that exist."""
    with pytest.raises(InvalidInput) as err:
        MACHINE.apply(thing, action="explode", actor=boss)
    assert err.value.errors[0].field == "action"
    assert "submit" in str(err.value.detail)


def test_actions_for_lists_exactly_what_state_and_policy_allow(thing, boss):
    """The UI shows these: state-allowed moves the actor's policy grants."""
    assert MACHINE.actions_for(thing, boss) == ["submit", "note"]
    MACHINE.apply(thing, action="submit", actor=boss)
    thing.refresh_from_db()
    assert MACHINE.actions_for(thing, boss) == ["approve", "note"]
    assert MACHINE.actions_for(thing, thing) == ["note"]


def test_a_move_to_no_target_keeps_the_state_and_still_logs(thing, boss):
    """``Move(ANY, None)`` is a timeline entry that changes nothing else."""
    MACHINE.apply(thing, action="note", actor=boss, note="已电话联系")
    thing.refresh_from_db()
    assert thing.last_name == "draft"
    assert [e.note for e in timeline_for(thing)] == ["已电话联系"]


def test_changes_are_saved_with_the_move_and_check_can_abort(thing, boss):
    """Extra field changes land in the same save; a check that raises leaves the row untouched."""
    MACHINE.apply(thing, action="submit", actor=boss, changes={"first_name": "甲"})
    thing.refresh_from_db()
    assert thing.first_name == "甲"

    def refuse(locked):
        raise InvalidInput.on("reason", "缺少理由")

    with pytest.raises(InvalidInput):
        MACHINE.apply(thing, action="approve", actor=boss, check=refuse)
    thing.refresh_from_db()
    assert thing.last_name == "submitted"


def test_record_adds_a_non_transition_entry_to_the_timeline(thing, boss):
    """Comments and reminders appear on the same timeline, oldest first."""
    MACHINE.apply(thing, action="submit", actor=boss)
    record(thing, actor=None, action="thing.reminded", note="已超时", area_path="000000001")
    assert [e.action for e in timeline_for(thing)] == ["thing.submit", "thing.reminded"]


def test_sweep_many_moves_the_allowed_rows_skips_the_rest_in_one_insert(boss):
    """sweep_many() moves every row its state allows (with per-row changes, notes and data, one
    event each), leaves a row in another state untouched and without an event, and writes the
    events with one INSERT and the rows with one prepared UPDATE (executemany)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    drafts = [User.objects.create(username=f"d{n}", last_name="draft") for n in range(5)]
    done = User.objects.create(username="done", last_name="approved")
    with CaptureQueriesContext(connection) as q:
        moved = MACHINE.sweep_many(
            [u.pk for u in [*drafts, done]], action="submit", actor=boss,
            note=lambda row: f"批量{row.username}", changes=lambda row: {"first_name": "甲"},
            data=lambda row: {"who": row.username},
        )  # fmt: skip
    assert sorted(u.pk for u in moved) == sorted(u.pk for u in drafts)
    assert set(User.objects.filter(pk__in=[u.pk for u in drafts]).values_list(
        "last_name", "first_name")) == {("submitted", "甲")}  # fmt: skip
    done.refresh_from_db()
    assert done.last_name == "approved" and not timeline_for(done).exists()
    event = timeline_for(drafts[2]).get()
    assert (event.note, event.data, event.to_state) == ("批量d2", {"who": "d2"}, "submitted")
    inserts = [x for x in q.captured_queries if x["sql"].startswith('INSERT INTO "core_auditevent')]
    updates = [x for x in q.captured_queries if 'UPDATE "accounts_user' in x["sql"]]
    assert len(inserts) == 1 and len(updates) == 1


def test_sweep_many_respects_the_policy(thing):
    """A row the policy refuses is skipped, unchanged, with no event."""
    MACHINE.apply(thing, action="submit", actor=thing)
    assert MACHINE.sweep_many([thing.pk], action="approve", actor=thing) == []
    thing.refresh_from_db()
    assert thing.last_name == "submitted"
    assert [e.action for e in timeline_for(thing)] == ["thing.submit"]
