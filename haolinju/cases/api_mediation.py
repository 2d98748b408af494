"""Mediation and micro-review endpoints, on the cases router (``cases.api`` imports this module).

Every read finds the case (or the session, agreement, visit) in the caller's scope first — 404
outside it —; every move goes through ``cases.services`` and ``core.transitions`` (409 for a
move the state forbids).
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Path, Status

from haolinju.people.schemas import Id

from . import selectors, services
from .api import _private, router
from .present import mediation_view, micro_review_view
from .schemas import (
    AgreementIn,
    FollowUpIn,
    FollowUpMoveIn,
    MediationOut,
    MicroReviewIn,
    MicroReviewOut,
    SessionIn,
    SessionMoveIn,
    SignIn,
    VoidIn,
)


def _mediation(request, case_id: int) -> dict:
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return mediation_view(case, request.user)


def _case_of(row) -> int:
    return row.case_id


@router.get("/cases/{case_id}/mediation", response=MediationOut, summary="Mediation of a case")
def mediation_get(request, response: HttpResponse, case_id: Path[Id]):
    _private(response)
    return _mediation(request, case_id)


@router.post(
    "/cases/{case_id}/sessions", response={201: MediationOut}, summary="Schedule a sitting"
)
def session_create(request, response: HttpResponse, case_id: Path[Id], data: SessionIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.session_schedule(
        actor=request.user,
        case_id=case_id,
        scheduled_at=data.scheduled_at,
        place=data.place,
        mediator_person_id=data.mediator_person,
    )
    _private(response)
    return Status(201, _mediation(request, case_id))


@router.post(
    "/mediation-sessions/{session_id}/transitions",
    response=MediationOut,
    summary="Hold or cancel a sitting",
)
def session_move(request, response: HttpResponse, session_id: Path[Id], data: SessionMoveIn):
    row = selectors.mediation_session_get(actor=request.user, session_id=session_id)
    services.session_transition(
        actor=request.user,
        session_id=session_id,
        action=data.action,
        summary=data.summary,
        parties_present=data.parties_present,
    )
    _private(response)
    return _mediation(request, _case_of(row))


@router.post(
    "/cases/{case_id}/agreements", response={201: MediationOut}, summary="Draft the agreement"
)
def agreement_create(request, response: HttpResponse, case_id: Path[Id], data: AgreementIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.agreement_draft(actor=request.user, case_id=case_id, text=data.text)
    _private(response)
    return Status(201, _mediation(request, case_id))


@router.post(
    "/agreements/{agreement_id}/signatures",
    response={201: MediationOut},
    summary="Record a party's signature",
)
def agreement_sign(request, response: HttpResponse, agreement_id: Path[Id], data: SignIn):
    row = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    services.agreement_sign(actor=request.user, agreement_id=agreement_id, party=data.party)
    _private(response)
    return Status(201, _mediation(request, _case_of(row)))


@router.post("/agreements/{agreement_id}/void", response=MediationOut, summary="Void it")
def agreement_void(request, response: HttpResponse, agreement_id: Path[Id], data: VoidIn):
    row = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    services.agreement_void(actor=request.user, agreement_id=agreement_id, reason=data.reason)
    _private(response)
    return _mediation(request, _case_of(row))


@router.post(
    "/cases/{case_id}/follow-ups", response={201: MediationOut}, summary="Plan a return visit"
)
def follow_up_create(request, response: HttpResponse, case_id: Path[Id], data: FollowUpIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.follow_up_schedule(
        actor=request.user,
        case_id=case_id,
        due_on=data.due_on,
        visitor_person_id=data.visitor_person,
    )
    _private(response)
    return Status(201, _mediation(request, case_id))


@router.post("/follow-ups/{visit_id}/transitions", response=MediationOut, summary="Record a visit")
def follow_up_move(request, response: HttpResponse, visit_id: Path[Id], data: FollowUpMoveIn):
    row = selectors.follow_up_get(actor=request.user, visit_id=visit_id)
    services.follow_up_transition(
        actor=request.user,
        visit_id=visit_id,
        action=data.action,
        outcome=data.outcome,
        note=data.note,
    )
    _private(response)
    return _mediation(request, _case_of(row))


@router.get(
    "/cases/{case_id}/micro-reviews", response=MicroReviewOut, summary="The residents' review"
)
def micro_review_get(request, response: HttpResponse, case_id: Path[Id]):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    _private(response)
    return micro_review_view(case, request.user)


@router.post(
    "/cases/{case_id}/micro-reviews", response={201: MicroReviewOut}, summary="Review once"
)
def micro_review_post(request, response: HttpResponse, case_id: Path[Id], data: MicroReviewIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.micro_review_add(
        actor=request.user, case_id=case_id, verdict=data.verdict, comment=data.comment
    )
    case = selectors.case_get(actor=request.user, case_id=case_id)
    _private(response)
    return Status(201, micro_review_view(case, request.user))
