"""红色微评议: residents of the compound review a rectified problem report once per round,
separately from the reporter's rating; a majority of "not satisfied" among enough reviews
reopens it (a new round) through core.transitions; outsiders and unrectified reports refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from haolinju.accounts.services import token_issue
from haolinju.cases import services
from haolinju.cases.models import CaseKind, MicroReview, Rating, Status
from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.models import AuditEvent

from .factories import CaseFactory, category


def _report(c, status=Status.RESOLVED):
    return CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=category("ebike_charging"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, status=status,
        state_type="fixed" if status == Status.RESOLVED else "open",
        assignee_person=c.member.person, detail__public=True,
    )  # fmt: skip


def test_neighbours_review_once_per_round_and_it_is_not_a_rating(c):
    """Several residents each give one verdict; a second verdict from the same person this
    round is refused; no Rating row is written and the status stays resolved."""
    case = _report(c)
    services.micro_review_add(actor=c.neighbour, case_id=case.pk, verdict="satisfied")
    services.micro_review_add(actor=c.volunteer, case_id=case.pk, verdict="partly", comment="还行")
    with pytest.raises(InvalidInput):
        services.micro_review_add(actor=c.neighbour, case_id=case.pk, verdict="not")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert MicroReview.objects.filter(case=case).count() == 2
    assert not Rating.objects.filter(case=case).exists()


@override_settings(HAOLINJU_MICRO_REVIEW_MIN=3)
def test_majority_not_satisfied_reopens_for_a_new_round(c):
    """With three reviews of which two are "not satisfied" the report reopens (review_reopen on
    the timeline, redo count up); the same residents may then review the next round."""
    case = _report(c)
    services.micro_review_add(actor=c.neighbour, case_id=case.pk, verdict="not")
    services.micro_review_add(actor=c.volunteer, case_id=case.pk, verdict="satisfied")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED  # two reviews: below the minimum
    services.micro_review_add(actor=c.member2, case_id=case.pk, verdict="not")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.reopen_count == 1
    assert AuditEvent.objects.filter(target_id=case.pk, action="case.review_reopen").count() == 1
    services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    services.micro_review_add(actor=c.neighbour, case_id=case.pk, verdict="satisfied")
    assert MicroReview.objects.filter(case=case, round=1).count() == 1


@override_settings(HAOLINJU_MICRO_REVIEW_MIN=3)
def test_half_not_satisfied_does_not_reopen(c):
    """Two "not" out of four is not a majority: the report stays resolved."""
    case = _report(c)
    for actor, verdict in [(c.neighbour, "not"), (c.volunteer, "satisfied"),
                           (c.resident, "partly"), (c.member2, "not")]:  # fmt: skip
        services.micro_review_add(actor=actor, case_id=case.pk, verdict=verdict)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_refused_outside_the_compound_or_before_rectification(c):
    """A resident of another compound, and any review of a report still open, are refused;
    nothing is written."""
    case = _report(c)
    with pytest.raises(NotPermitted):
        services.micro_review_add(actor=c.outsider, case_id=case.pk, verdict="not")
    open_case = _report(c, status=Status.IN_PROGRESS)
    with pytest.raises(NotPermitted):
        services.micro_review_add(actor=c.neighbour, case_id=open_case.pk, verdict="not")
    assert not MicroReview.objects.exists()


def test_api_tally_without_names_and_404_outside(c):
    """GET shows this round's tally, comments without names and whether the caller may still
    review; POST answers 201 with the new tally; an outsider gets 404."""
    case = _report(c)
    client = Client()
    auth = {"Authorization": f"Bearer {token_issue(user=c.neighbour)}"}
    url = f"/api/v1/cases/{case.pk}/micro-reviews"
    r = client.get(url, headers=auth)
    assert r.status_code == 200 and r.json()["may_review"] is True and r.json()["count"] == 0
    r = client.post(
        url, json.dumps({"verdict": "partly", "comment": "充电桩还不够"}),
        content_type="application/json", headers=auth,
    )  # fmt: skip
    assert r.status_code == 201
    body = r.json()
    assert body["partly"] == 1 and body["mine"] == "partly" and body["may_review"] is False
    assert body["comments"] == ["充电桩还不够"] and "person" not in json.dumps(body)
    r = client.post(url, json.dumps({"verdict": "meh"}), content_type="application/json",
                    headers=auth)  # fmt: skip
    assert r.status_code == 422
    outsider = {"Authorization": f"Bearer {token_issue(user=c.outsider)}"}
    assert client.get(url, headers=outsider).status_code == 404
