"""Who may do what to a case: pure predicates over (actor, case, action).

The state check (is the move allowed from this status?) is the TRANSITIONS table's job in
``core.transitions``; these answer only *who*. The UI and API show exactly the actions
``core.transitions`` reports as open, which asks ``may`` for each.
"""

from __future__ import annotations

from django.conf import settings

from .models import Case, CaseKind, Status, Summons
from .selectors import CaseActor, case_actor, sees_in_full

DISPATCHER_ACTIONS = frozenset({"dispatch", "redispatch", "close", "escalate", "whistle", "finish"})
ASSIGNEE_ACTIONS = frozenset({"accept", "decline", "start", "resolve"})
REQUESTER_ACTIONS = frozenset({"rate", "reopen"})
SYSTEM_ACTIONS = frozenset({"accept_timeout"})


def max_reopens() -> int:
    return int(getattr(settings, "HAOLINJU_CASE_MAX_REOPENS", 1))


def is_system(actor) -> bool:
    """The supervision sweep acts with no user."""
    return actor is None


def is_dispatcher(who: CaseActor, case: Case) -> bool:
    return who.dispatches(case.owner_area_path)


def is_assignee(who: CaseActor, case: Case) -> bool:
    if who.person_id is not None and case.assignee_person_id == who.person_id:
        return True
    return case.assignee_organisation_id is not None and (
        case.assignee_organisation_id in who.organisation_ids
    )


def is_requester(who: CaseActor, case: Case) -> bool:
    return who.person_id is not None and case.requester_id == who.person_id


def may(actor, case: Case, action: str) -> bool:
    """May ``actor`` (a user, or None for the worker) take ``action`` on ``case`` now?"""
    if case.locked:
        return False
    if is_system(actor):
        return action in SYSTEM_ACTIONS | {"escalate", "comment"}
    if action in SYSTEM_ACTIONS:
        return False
    who = case_actor(actor)
    if action == "close" and is_requester(who, case) and case.status == "submitted":
        return True  # a request nobody took yet may be withdrawn by its requester
    if action in DISPATCHER_ACTIONS:
        return is_dispatcher(who, case)
    if action in ASSIGNEE_ACTIONS:
        return is_assignee(who, case)
    if action == "rate":
        return is_requester(who, case)
    if action == "reopen":
        return is_requester(who, case) and case.reopen_count < max_reopens()
    if action == "review_reopen":
        return may_micro_review(actor, case)
    if action == "comment":
        return sees_in_full(who, case)
    return False


def may_summons(actor, summons: Summons, action: str) -> bool:
    """Only people acting for the summoned organisation report in and back."""
    if actor is None:
        return False
    return summons.organisation_id in case_actor(actor).organisation_ids


def may_support(actor, case: Case) -> bool:
    """Any resident who sees a public, unlocked problem report (not its reporter) says "me too"."""
    who = case_actor(actor)
    return (
        who.person_id is not None
        and case.kind == "problem_report"
        and not case.locked
        and case.is_open
        and case.requester_id != who.person_id
    )


def may_see_stats(actor, area_path: str) -> bool:
    who = case_actor(actor)
    return who.is_superuser or any(area_path.startswith(p) for p in who.see_paths)


def may_mediate(actor, case: Case) -> bool:
    """The mediator (the case's assignee) and the dispatching staff over it run the mediation:
    sessions, the agreement and its signatures, follow-up visits."""
    if actor is None or case.kind != CaseKind.MEDIATION or case.locked:
        return False
    who = case_actor(actor)
    return is_dispatcher(who, case) or is_assignee(who, case)


def may_mediation_step(actor, obj, action: str) -> bool:
    """``core.transitions`` predicate for sessions, agreements and follow-up visits."""
    return may_mediate(actor, obj.case)


REVIEWABLE = frozenset({Status.RESOLVED, Status.RATED})


def may_micro_review(actor, case: Case) -> bool:
    """Residents of the compound (and the reporter) review a public problem report once it is
    rectified (resolved or rated), once per round."""
    if actor is None or case.kind != CaseKind.PROBLEM_REPORT or case.locked:
        return False
    if case.status not in REVIEWABLE:
        return False
    who = case_actor(actor)
    if who.person_id is None:
        return False
    return who.person_id == case.requester_id or any(
        case.area_path.startswith(p) for p in who.public_paths
    )
