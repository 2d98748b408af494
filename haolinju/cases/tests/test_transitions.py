"""Every move of an order: allowed from each source state, refused (409, nothing changed) from
every other; refused to the wrong person (403, nothing changed)."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from haolinju.cases import services
from haolinju.cases.models import TRANSITIONS, Case, Rating, StateType, Status
from haolinju.cases.services.cases import _apply
from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.models import AuditEvent
from haolinju.core.transitions import InvalidTransition

from .factories import order_for

# action -> (who acts, extra arguments)
ACTORS = {
    "dispatch": ("secretary", {"assignee": True}),
    "redispatch": ("secretary", {"assignee": True}),
    "decline": ("member", {"reason": "不在本地，无法上门"}),
    "accept_timeout": (None, {}),
    "accept": ("member", {}),
    "start": ("member", {}),
    "resolve": ("member", {}),
    "reopen": ("resident", {}),
    "finish": ("secretary", {}),
    "close": ("secretary", {"reason": "withdrawn"}),
    "escalate": ("secretary", {}),
    "comment": ("secretary", {"note": "已电话联系居民"}),
}
CASES = [
    (action, status, status in TRANSITIONS[action][0])
    for action in ACTORS
    for status in Status.values
]


def _move(c, case, action):
    who, extra = ACTORS[action]
    actor = getattr(c, who) if who else None
    kwargs = {"note": extra.get("note", ""), "reason": extra.get("reason", "")}
    if extra.get("assignee"):
        kwargs["assignee_person_id"] = c.member2.person.pk
    if action == "accept_timeout":
        return _apply(actor=None, case_id=case.pk, action=action)
    return services.case_transition(actor=actor, case_id=case.pk, action=action, **kwargs)


def _snapshot(case):
    case.refresh_from_db()
    return model_to_dict(case), AuditEvent.objects.filter(target_id=case.pk).count()


@pytest.mark.parametrize(("action", "status", "allowed"), CASES)
def test_move_from_each_state(c, action, status, allowed):
    """An action moves the order from each of its source states to its target, writing one
    timeline event; from any other state it is a 409 and changes nothing."""
    case = order_for(c, status=status, assignee_person=c.member.person)
    before, events = _snapshot(case)
    if allowed:
        moved = _move(c, case, action)
        target = TRANSITIONS[action][1] or status
        assert moved.status == target
        assert AuditEvent.objects.filter(target_id=case.pk).count() == events + 1
        assert AuditEvent.objects.filter(action=f"case.{action}", target_id=case.pk).exists()
    else:
        with pytest.raises(InvalidTransition) as err:
            _move(c, case, action)
        assert err.value.status_code == 409
        assert _snapshot(case) == (before, events)


@pytest.mark.parametrize(
    ("action", "status", "who"),
    [
        ("dispatch", Status.SUBMITTED, "resident"),
        ("dispatch", Status.SUBMITTED, "member"),
        ("dispatch", Status.SUBMITTED, "other_secretary"),
        ("accept", Status.DISPATCHED, "member2"),
        ("accept", Status.DISPATCHED, "secretary"),
        ("resolve", Status.IN_PROGRESS, "resident"),
        ("close", Status.DISPATCHED, "resident"),
        ("close", Status.SUBMITTED, "neighbour"),
        ("reopen", Status.RESOLVED, "neighbour"),
        ("accept_timeout", Status.DISPATCHED, "secretary"),
    ],
)
def test_wrong_person_is_refused_and_nothing_changes(c, action, status, who):
    """A move by someone the policy does not allow is refused and leaves the case as it was."""
    case = order_for(c, status=status, assignee_person=c.member.person)
    before, events = _snapshot(case)
    kwargs = {"reason": "withdrawn"} if action == "close" else {}
    if action == "dispatch":
        kwargs["assignee_person_id"] = c.member.person.pk
    with pytest.raises((NotPermitted, InvalidInput)):
        services.case_transition(actor=getattr(c, who), case_id=case.pk, action=action, **kwargs)
    assert _snapshot(case) == (before, events)


def test_duplicate_points_to_its_original_and_is_locked(c):
    """Closing as a duplicate links the original, locks the case (no further move, not even a
    comment) and makes it *closed*, never fixed."""
    original = order_for(c)
    dup = order_for(c)
    services.case_transition(
        actor=c.secretary, case_id=dup.pk, action="close", reason="duplicate",
        duplicate_of_id=original.pk,
    )  # fmt: skip
    dup.refresh_from_db()
    assert (dup.duplicate_of_id, dup.locked, dup.state_type) == (
        original.pk,
        True,
        StateType.CLOSED,
    )
    assert services.actions_for(dup, c.secretary) == []
    with pytest.raises(NotPermitted):
        services.case_transition(actor=c.secretary, case_id=dup.pk, action="comment", note="x")


def test_duplicate_needs_an_original(c):
    """A duplicate without a visible original is refused."""
    dup = order_for(c)
    with pytest.raises(InvalidInput):
        services.case_transition(
            actor=c.secretary, case_id=dup.pk, action="close", reason="duplicate"
        )
    other = order_for(c, area=c.other_compound, owner_area=c.other_compound, requester=None)
    with pytest.raises(InvalidInput):
        services.case_transition(
            actor=c.secretary, case_id=dup.pk, action="close", reason="duplicate",
            duplicate_of_id=other.pk,
        )  # fmt: skip


def test_decline_needs_a_reason_and_returns_to_the_dispatcher(c):
    """A decline without a reason is refused; with one, the order is back with its owner."""
    case = order_for(c, status=Status.DISPATCHED, assignee_person=c.member.person)
    with pytest.raises(InvalidInput):
        services.case_transition(actor=c.member, case_id=case.pk, action="decline")
    moved = services.case_transition(
        actor=c.member, case_id=case.pk, action="decline", reason="本周出差"
    )
    assert (moved.status, moved.step, moved.decline_count) == (Status.DECLINED, "dispatch", 1)
    assert "dispatch" in services.actions_for(moved, c.secretary)


def test_rating_twice_and_someone_elses_case_are_refused(c):
    """Only the requester rates, once per resolution; the second attempt changes nothing."""
    case = order_for(c, status=Status.RESOLVED, assignee_person=c.member.person)
    with pytest.raises(NotPermitted):
        services.case_rate(
            actor=c.neighbour, case_id=case.pk, contacted=True, solved="yes", score=5
        )
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="yes", score=5)
    with pytest.raises(InvalidTransition):
        services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="yes", score=1)
    assert list(Rating.objects.filter(case=case).values_list("score", flat=True)) == [5]


def test_not_solved_reopens_once(c):
    """ "Not solved" reopens the order for its assignee once; the second "not solved" leaves it
    rated (the callback still counts against the resolution rate)."""
    case = order_for(c, status=Status.RESOLVED, assignee_person=c.member.person)
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="no", score=2)
    case.refresh_from_db()
    assert (case.status, case.reopen_count, case.step) == (Status.IN_PROGRESS, 1, "resolve")
    services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="no", score=1)
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == (Status.RATED, 1)
    assert Rating.objects.filter(case=case).count() == 2


def test_rating_publishes_a_deed_for_the_assignee(c, settings):
    """A rated order is published as a ``case.rated`` deed of the member who did it."""
    seen = []
    settings.HAOLINJU_DEED_SINKS = ["haolinju.cases.tests.test_transitions.collect"]
    COLLECTED.clear()
    case = order_for(c, status=Status.RESOLVED, assignee_person=c.member.person)
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="yes", score=5)
    seen = [(d.kind, d.person_id, d.source_id, d.item_code) for d in COLLECTED]
    assert seen == [("case.rated", c.member.person.pk, case.pk, "repair")]


COLLECTED: list = []


def collect(deed):
    COLLECTED.append(deed)


def test_a_case_always_has_an_owner(c):
    """A new request is owned by its compound (first receiver); escalation moves the owner up
    one level at a time and never leaves it empty."""
    case = services.case_create(
        actor=c.resident, kind="service_order", category_code="elderly_help",
        title="帮忙买药", description="家里老人腿脚不便，想请人帮忙去药店买降压药。",
    )  # fmt: skip
    assert case.owner_area_id == c.compound.pk and case.area_id == c.unit.pk
    up = services.case_transition(actor=c.secretary, case_id=case.pk, action="escalate")
    assert up.owner_area_id == c.tree.communities[0].pk
    up = services.case_transition(actor=c.community_secretary, case_id=case.pk, action="escalate")
    assert up.owner_area_id == c.tree.streets[0].pk
    with pytest.raises(InvalidInput):
        services.case_transition(actor=c.street_staff, case_id=case.pk, action="escalate")
    assert Case.objects.get(pk=case.pk).owner_area_id == c.tree.streets[0].pk


def test_requester_withdraws_a_request_nobody_took(c):
    """The requester may withdraw a submitted request (closed, not fixed), with no other
    reason, and not once it is dispatched."""
    case = order_for(c)
    with pytest.raises(InvalidInput):
        services.case_transition(actor=c.resident, case_id=case.pk, action="close", reason="unable")
    moved = services.case_transition(
        actor=c.resident, case_id=case.pk, action="close", reason="withdrawn"
    )
    assert (moved.status, moved.state_type) == (Status.CLOSED, StateType.CLOSED)
