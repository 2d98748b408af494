"""Mediation: sessions scheduled and held, an agreement drafted and signed by every party,
follow-up visits — each status change through core.transitions (409 for a forbidden move,
nothing changed), on the case's timeline, refused to people who do not run the mediation, and
a mediation case resolves only with a signed agreement."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.cases import services
from haolinju.cases.models import (
    AgreementStatus,
    CaseKind,
    FollowUpStatus,
    MediationDetail,
    MediationSession,
    SessionStatus,
    Status,
)
from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.models import AuditEvent
from haolinju.core.transitions import InvalidTransition

from .factories import CaseFactory, category

PARTIES = ["张先生（302）", "李女士（402）"]


def _mediation(c, status=Status.IN_PROGRESS):
    case = CaseFactory(
        kind=CaseKind.MEDIATION, category=category("neighbour_dispute"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, status=status,
        assignee_person=c.member.person,
    )  # fmt: skip
    MediationDetail.objects.create(case=case, parties=PARTIES)
    return case


def _held(c, case):
    session = services.session_schedule(
        actor=c.member, case_id=case.pk, scheduled_at=timezone.now(), place="小区议事厅"
    )
    return services.session_transition(
        actor=c.member, session_id=session.pk, action="hold", summary="双方陈述，同意修缮",
        parties_present=PARTIES,
    )  # fmt: skip


def _case_events(case):
    return list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_whole_mediation_session_agreement_signatures_visit_then_resolve(c):
    """A sitting is scheduled and held; the agreement is drafted, each party's signature is
    recorded and the last one puts it in force; a visit is planned and recorded; the case then
    resolves. Every step is on the case's timeline and on its own row's machine events."""
    case = _mediation(c)
    session = _held(c, case)
    assert session.status == SessionStatus.HELD and session.parties_present == PARTIES
    agreement = services.agreement_draft(
        actor=c.member, case_id=case.pk, text="楼上住户负责修复防水层，两周内完成。"
    )
    assert agreement.status == AgreementStatus.DRAFT and agreement.parties == PARTIES
    agreement = services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[0])
    assert agreement.status == AgreementStatus.DRAFT
    agreement = services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[1])
    assert agreement.status == AgreementStatus.SIGNED and agreement.signed_at is not None
    services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    visit = services.follow_up_schedule(
        actor=c.secretary, case_id=case.pk, due_on=dt.date.today() + dt.timedelta(days=14)
    )
    visit = services.follow_up_transition(
        actor=c.member, visit_id=visit.pk, action="visit", outcome="holding", note="已修好"
    )
    assert visit.status == FollowUpStatus.DONE and visit.outcome == "holding"
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert _case_events(case) == [
        "case.session_scheduled",
        "case.session_hold",
        "case.agreement_drafted",
        "case.agreement_signed",
        "case.agreement_signed",
        "case.agreement_in_force",
        "case.resolve",
        "case.follow_up_scheduled",
        "case.follow_up_visit",
    ]
    assert AuditEvent.objects.filter(action="mediation_agreement.complete").count() == 1
    assert AuditEvent.objects.filter(action="mediation_session.hold").count() == 1


def test_resolve_needs_a_signed_agreement(c):
    """Without a signed agreement a mediation case does not resolve (field error, nothing
    changed); an unsigned draft is not enough."""
    case = _mediation(c)
    with pytest.raises(InvalidInput):
        services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    _held(c, case)
    services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    with pytest.raises(InvalidInput):
        services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_agreement_needs_a_held_session_and_one_live_at_a_time(c):
    """No agreement before a sitting is held; a second live agreement is refused until the
    first is voided (with a reason)."""
    case = _mediation(c)
    with pytest.raises(InvalidInput):
        services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    _held(c, case)
    first = services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    with pytest.raises(InvalidInput):
        services.agreement_draft(actor=c.member, case_id=case.pk, text="另一份。")
    with pytest.raises(InvalidInput):
        services.agreement_void(actor=c.member, agreement_id=first.pk, reason="")
    services.agreement_void(actor=c.member, agreement_id=first.pk, reason="一方反悔")
    second = services.agreement_draft(actor=c.member, case_id=case.pk, text="修改后的协议。")
    assert second.status == AgreementStatus.DRAFT


def test_signatures_only_by_named_parties_once_each(c):
    """A name not on the agreement, or a party signing twice, is a field error."""
    case = _mediation(c)
    _held(c, case)
    agreement = services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    with pytest.raises(InvalidInput):
        services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party="王五")
    services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[0])
    with pytest.raises(InvalidInput):
        services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[0])
    assert agreement.signatures.count() == 1


def test_forbidden_moves_are_409_and_change_nothing(c):
    """Holding a cancelled sitting, signing a void agreement and visiting twice are 409s that
    leave the rows and the event count as they were."""
    case = _mediation(c)
    session = services.session_schedule(
        actor=c.member, case_id=case.pk, scheduled_at=timezone.now()
    )
    services.session_transition(actor=c.member, session_id=session.pk, action="cancel")
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        services.session_transition(
            actor=c.member, session_id=session.pk, action="hold", summary="x"
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.summary == ""
    _held(c, case)
    agreement = services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    services.agreement_void(actor=c.member, agreement_id=agreement.pk, reason="作废")
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[0])
    assert agreement.signatures.count() == 0 and AuditEvent.objects.count() == events


def test_follow_up_needs_signed_agreement_and_visit_once(c):
    """A visit can be planned only after signing; recording it twice is a 409."""
    case = _mediation(c)
    with pytest.raises(InvalidInput):
        services.follow_up_schedule(actor=c.member, case_id=case.pk, due_on=dt.date.today())
    _held(c, case)
    agreement = services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    for party in PARTIES:
        services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=party)
    visit = services.follow_up_schedule(actor=c.member, case_id=case.pk, due_on=dt.date.today())
    with pytest.raises(InvalidInput):
        services.follow_up_transition(actor=c.member, visit_id=visit.pk, action="visit")
    services.follow_up_transition(
        actor=c.member, visit_id=visit.pk, action="visit", outcome="relapsed", note="又吵起来了"
    )
    with pytest.raises(InvalidTransition):
        services.follow_up_transition(
            actor=c.member, visit_id=visit.pk, action="visit", outcome="holding"
        )


@pytest.mark.parametrize("who", ["resident", "neighbour", "member2", "other_secretary"])
def test_only_mediator_and_dispatchers_run_it(c, who):
    """The requester, a neighbour, another member and another compound's secretary can neither
    schedule nor hold a sitting (403, nothing written)."""
    case = _mediation(c)
    with pytest.raises(NotPermitted):
        services.session_schedule(
            actor=getattr(c, who), case_id=case.pk, scheduled_at=timezone.now()
        )
    session = services.session_schedule(
        actor=c.secretary, case_id=case.pk, scheduled_at=timezone.now()
    )
    with pytest.raises(NotPermitted):
        services.session_transition(
            actor=getattr(c, who), session_id=session.pk, action="hold", summary="x"
        )
    assert MediationSession.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED


def _api(user):
    client = Client()
    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

    def call(method, url, body=None):
        if method == "get":
            return client.get(url, headers=headers)
        return client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=headers
        )

    return call


def test_api_mediation_loop_and_scope(c):
    """Over the API the mediator schedules, holds, drafts, collects both signatures and plans a
    visit, each answer showing the mediation with its open actions; an outsider gets 404 on the
    case and on its agreement; a second hold is a 409."""
    case = _mediation(c)
    api = _api(c.member)
    r = api("post", f"/api/v1/cases/{case.pk}/sessions",
            {"scheduled_at": timezone.now().isoformat(), "place": "议事厅"})  # fmt: skip
    assert r.status_code == 201, r.content
    session = r.json()["sessions"][0]
    assert session["actions"] == ["hold", "cancel"]
    url = f"/api/v1/mediation-sessions/{session['id']}/transitions"
    body = {"action": "hold", "summary": "达成一致", "parties_present": PARTIES}
    assert api("post", url, body).status_code == 200
    assert api("post", url, body).status_code == 409
    r = api("post", f"/api/v1/cases/{case.pk}/agreements", {"text": "楼上修复防水。"})
    assert r.status_code == 201
    agreement = r.json()["agreements"][0]
    assert agreement["unsigned"] == PARTIES
    for party in PARTIES:
        r = api("post", f"/api/v1/agreements/{agreement['id']}/signatures", {"party": party})
        assert r.status_code == 201
    assert r.json()["agreements"][0]["status"] == "signed"
    r = api("post", f"/api/v1/cases/{case.pk}/follow-ups", {"due_on": "2030-01-15"})
    assert r.status_code == 201 and r.json()["follow_ups"][0]["actions"] == ["visit", "cancel"]
    outsider = _api(c.outsider)
    assert outsider("get", f"/api/v1/cases/{case.pk}/mediation").status_code == 404
    r = outsider("post", f"/api/v1/agreements/{agreement['id']}/void", {"reason": "x"})
    assert r.status_code == 404
    r = _api(c.resident)("get", f"/api/v1/cases/{case.pk}/mediation")
    assert r.status_code == 200 and r.json()["may_mediate"] is False
    assert r.json()["sessions"][0]["actions"] == []


def test_api_bad_input_is_a_field_error(c):
    """A signature for an unknown party is a 422 naming the field, not a 500."""
    case = _mediation(c)
    _held(c, case)
    agreement = services.agreement_draft(actor=c.member, case_id=case.pk, text="双方同意。")
    r = _api(c.member)("post", f"/api/v1/agreements/{agreement.pk}/signatures", {"party": "王五"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "party"
