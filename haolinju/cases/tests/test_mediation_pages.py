"""The mediation and micro-review pages, driven with the test client: a resident asks for
mediation naming the parties; the mediator schedules, holds, drafts, records the signatures and
a visit from the case page; residents review a rectified report on the 微评议 page."""

from __future__ import annotations

from django.test import Client

from haolinju.cases.models import (
    AgreementStatus,
    Case,
    CaseKind,
    FollowUpStatus,
    MicroReview,
    SessionStatus,
    Status,
)

from .factories import CaseFactory, category


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mediation_from_the_pages(c):
    """Ask for mediation with two parties; once dispatched to the member and accepted, the member
    runs a sitting, the agreement and its two signatures, resolves, and records a visit; the
    case page shows each step; a form error (no summary) is a message, not a 500."""
    resident = login(c.resident)
    r = resident.post("/cases/new/?kind=mediation", {
        "kind": "mediation", "category": "neighbour_dispute", "title": "楼上漏水纠纷",
        "description": "楼上卫生间漏水到我家，协商不成。", "parties": "居民丁\n楼上王先生",
    })  # fmt: skip
    assert r.status_code == 302
    case = Case.objects.get(title="楼上漏水纠纷")
    assert case.kind == CaseKind.MEDIATION and case.mediation.parties == ["居民丁", "楼上王先生"]
    secretary, member = login(c.secretary), login(c.member)
    act = f"/cases/{case.pk}/act/"
    secretary.post(act, {"action": "dispatch", "assignee_person": c.member.person.pk})
    member.post(act, {"action": "accept"})
    member.post(act, {"action": "session_schedule", "scheduled_at": "2026-12-05T19:30",
                      "place": "小区议事厅"})  # fmt: skip
    session = case.sessions.get()
    page = member.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="session-hold"' in page and "小区议事厅" in page
    r = member.post(act, {"action": "session_hold", "session": session.pk}, follow=True)
    assert r.status_code == 200 and "请填写调解经过" in r.content.decode()
    member.post(act, {"action": "session_hold", "session": session.pk, "summary": "双方同意修缮",
                      "parties_present": ["居民丁", "楼上王先生"]})  # fmt: skip
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    member.post(act, {"action": "agreement_draft", "text": "王先生两周内修好防水层。"})
    agreement = case.agreements.get()
    for party in ("居民丁", "楼上王先生"):
        member.post(act, {"action": "agreement_sign", "agreement": agreement.pk, "party": party})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    member.post(act, {"action": "resolve", "note": "协议已签"})
    member.post(act, {"action": "follow_up_schedule", "due_on": "2026-12-20"})
    visit = case.follow_ups.get()
    member.post(act, {"action": "follow_up_visit", "follow_up": visit.pk, "outcome": "holding"})
    visit.refresh_from_db()
    case.refresh_from_db()
    assert visit.status == FollowUpStatus.DONE and case.status == Status.RESOLVED
    page = resident.get(f"/cases/{case.pk}/").content.decode()
    assert "调解协议生效" in page and "协议履行良好" in page
    assert 'data-testid="session-form"' not in page  # the requester does not run it


def test_micro_review_page_and_form(c):
    """The 微评议 page lists the compound's rectified public reports with their tally; a
    neighbour's verdict from it is stored once and shown as theirs; an outsider's page is
    empty and the outsider cannot post."""
    case = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=category("lighting"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, status=Status.RESOLVED,
        state_type="fixed", title="路灯不亮", detail__public=True,
    )  # fmt: skip
    neighbour = login(c.neighbour)
    page = neighbour.get("/cases/reviews/").content.decode()
    assert "路灯不亮" in page and 'data-testid="review-form"' in page
    assert 'name="verdict" value="not"' in page
    neighbour.post(f"/cases/{case.pk}/act/", {"action": "micro_review", "verdict": "satisfied"})
    assert MicroReview.objects.filter(case=case, verdict="satisfied").count() == 1
    page = neighbour.get("/cases/reviews/").content.decode()
    assert 'data-testid="my-verdict"' in page and 'data-testid="review-form"' not in page
    outsider = login(c.outsider)
    assert "路灯不亮" not in outsider.get("/cases/reviews/").content.decode()
    r = outsider.post(f"/cases/{case.pk}/act/", {"action": "micro_review", "verdict": "not"})
    assert r.status_code == 404
    assert MicroReview.objects.filter(case=case).count() == 1
