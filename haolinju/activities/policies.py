"""Pure predicates: who may organise, manage, see and sign up for activities."""

from __future__ import annotations

from haolinju.core.scope import Jurisdiction, is_within, jurisdiction_of
from haolinju.people.models import Title

from .models import Activity, ActivityStatus
from .selectors import ancestor_paths


def may_organise_at(actor, area_path: str) -> bool:
    """Staff whose positions cover the area organise there (谁组织谁记录)."""
    return jurisdiction_of(actor).governs(area_path)


def may_edit_library(actor) -> bool:
    scope = jurisdiction_of(actor)
    return scope.is_superuser or Title.DISTRICT_STAFF in scope.titles


def may_manage(actor, activity: Activity) -> bool:
    """The organiser, or staff governing the activity's area."""
    return activity.organiser_id == getattr(actor, "pk", None) or may_organise_at(
        actor, activity.area_path
    )


def reaches(scope: Jurisdiction, area_path: str) -> bool:
    """A published activity at ``area_path`` is offered to people living below it and seen by
    staff above or below it."""
    if scope.is_superuser or is_within(area_path, scope.public_paths):
        return True
    homes = [p for p in (scope.home_path, *scope.public_paths) if p]
    return area_path in ancestor_paths(homes)


def may_see(actor, activity: Activity) -> bool:
    if may_manage(actor, activity):
        return True
    return activity.status != ActivityStatus.DRAFT and reaches(
        jurisdiction_of(actor), activity.area_path
    )


SIGNUP_OPEN = (ActivityStatus.PUBLISHED, ActivityStatus.ONGOING)


def _own(actor, person_id: int) -> bool:
    return getattr(actor, "is_authenticated", False) and (
        jurisdiction_of(actor).person_id == person_id
    )


def may_move_signup(actor, signup, action: str) -> bool:
    """A person cancels their own sign-up (or the organiser does); a promotion follows from a
    cancellation, whoever made it."""
    if action == "promote":
        return True
    return _own(actor, signup.person_id) or may_manage(actor, signup.activity)


def may_move_record(actor, record, action: str) -> bool:
    """谁组织谁记录: the organiser records, confirms, rejects and corrects; a check-out scan
    is the volunteer's own (venue code) or the organiser's (personal code)."""
    if action == "check_out" and _own(actor, record.person_id):
        return True
    return may_manage(actor, record.activity)


def may_answer_correction(actor, request, action: str) -> bool:
    """The organiser of the record's activity answers a volunteer's correction request."""
    return may_manage(actor, request.record.activity)
