"""The cases API end to end: create, list with filters, detail with timeline and actions,
moves (409 for a move the state does not allow, 404 outside scope), rating, suggestions,
categories, stats, and Idempotency-Key on creation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.cases.models import Case, Status

from .factories import order_for


class Api:
    def __init__(self, user=None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if user is not None:
            self.headers["Authorization"] = f"Bearer {token_issue(user=user)}"

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, body=None, **headers):
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json",
            headers=self.headers | headers,
        )  # fmt: skip


ASK = {
    "kind": "service_order",
    "category": "repair",
    "title": "卫生间水龙头坏了",
    "description": "卫生间水龙头关不紧，一直滴水，家里只有老人在。",
    "order_type": "help",
}


def test_the_loop_over_the_api(c):
    """Resident asks, secretary dispatches (with suggestions), member accepts, starts and
    resolves, resident rates; each step is on the timeline and each caller sees their own
    actions."""
    resident, secretary, member = Api(c.resident), Api(c.secretary), Api(c.member)
    r = resident.post("/api/v1/cases", ASK)
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["status"] == "submitted" and case["owner_area"]["id"] == c.compound.pk
    assert case["actions"] == ["close", "comment"]  # the requester may withdraw
    board = secretary.get("/api/v1/cases", status="submitted").json()
    assert [i["id"] for i in board["items"]] == [case["id"]]
    detail = secretary.get(f"/api/v1/cases/{case['id']}").json()
    assert {"dispatch", "close", "escalate", "comment"} <= set(detail["actions"])
    suggestions = secretary.get(f"/api/v1/cases/{case['id']}/suggestions").json()
    member_row = next(s for s in suggestions if s["id"] == c.member.person.pk)
    assert "同一楼栋" in member_row["reasons"] or "同一小区" in member_row["reasons"]
    r = secretary.post(
        f"/api/v1/cases/{case['id']}/transitions",
        {"action": "dispatch", "assignee_person": c.member.person.pk},
    )
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    mine = member.get("/api/v1/cases", assigned="me").json()
    assert [i["id"] for i in mine["items"]] == [case["id"]]
    for action in ("accept", "start", "resolve"):
        r = member.post(f"/api/v1/cases/{case['id']}/transitions", {"action": action})
        assert r.status_code == 200, (action, r.content)
    r = resident.post(
        f"/api/v1/cases/{case['id']}/rating",
        {"contacted": True, "solved": "yes", "score": 5, "comment": "师傅很热心"},
    )
    assert r.status_code == 201 and r.json()["status"] == "rated"
    actions = [e["action"] for e in r.json()["timeline"]]
    assert actions == [
        "case.submit", "case.dispatch", "case.accept", "case.start", "case.resolve", "case.rate",
    ]  # fmt: skip


def test_forbidden_move_is_409_and_outside_scope_is_404(c):
    """Accepting a submitted order is a 409 with a message; another compound's secretary gets a
    404 for the case; no token is a 401."""
    case = order_for(c, assignee_person=c.member.person)
    r = Api(c.member).post(f"/api/v1/cases/{case.pk}/transitions", {"action": "accept"})
    assert r.status_code == 409 and r.json()["detail"]
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert Api(c.other_secretary).get(f"/api/v1/cases/{case.pk}").status_code == 404
    r = Api(c.other_secretary).post(
        f"/api/v1/cases/{case.pk}/transitions", {"action": "close", "reason": "withdrawn"}
    )
    assert r.status_code == 404
    assert Api().get("/api/v1/cases").status_code == 401


def test_rating_someone_elses_case_is_refused(c):
    """A neighbour cannot rate (404: they cannot see it); the requester's second rating is 409."""
    case = order_for(c, status=Status.RESOLVED, assignee_person=c.member.person)
    body = {"contacted": True, "solved": "yes", "score": 4}
    assert Api(c.neighbour).post(f"/api/v1/cases/{case.pk}/rating", body).status_code == 404
    assert Api(c.resident).post(f"/api/v1/cases/{case.pk}/rating", body).status_code == 201
    assert Api(c.resident).post(f"/api/v1/cases/{case.pk}/rating", body).status_code == 409


def test_validation_errors_are_422_with_fields(c):
    """An unknown category and a score out of range are 422 naming the field."""
    r = Api(c.resident).post("/api/v1/cases", ASK | {"category": "parking"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"
    case = order_for(c, status=Status.RESOLVED)
    r = Api(c.resident).post(
        f"/api/v1/cases/{case.pk}/rating", {"contacted": True, "solved": "yes", "score": 9}
    )
    assert r.status_code == 422


def test_retried_create_with_the_same_idempotency_key_creates_one_case(c):
    """A retried POST /api/v1/cases with the same Idempotency-Key returns the first response and
    creates one case."""
    api = Api(c.resident)
    first = api.post("/api/v1/cases", ASK, **{"Idempotency-Key": "ask-1"})
    again = api.post("/api/v1/cases", ASK, **{"Idempotency-Key": "ask-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.filter(requester=c.resident.person).count() == 1


def test_categories_and_filters(c):
    """Categories list their deadlines; the list filters by kind, overdue and area."""
    cats = Api(c.resident).get("/api/v1/case-categories", kind="problem_report").json()
    assert {x["code"] for x in cats} >= {"ebike_charging", "parking", "lighting"}
    order_for(c)
    r = Api(c.secretary).get("/api/v1/cases", kind="problem_report")
    assert r.json()["count"] == 0
    r = Api(c.secretary).get("/api/v1/cases", overdue="false", area=c.compound.pk)
    assert r.json()["count"] == 1
    assert Api(c.secretary).get("/api/v1/cases", area=c.other_compound.pk).status_code == 404


@pytest.mark.parametrize("who", ["resident", "other_secretary"])
def test_stats_are_for_staff_in_scope(c, who):
    """The three rates of a compound are for its staff; a resident or another compound's
    secretary gets a 404."""
    assert Api(getattr(c, who)).get("/api/v1/cases/stats", area=c.compound.pk).status_code == 404


def test_stats_show_numerators_and_denominators(c):
    """Two callbacks, one satisfied and one not: 1/2 satisfied, shown as 50.0 %."""
    for score in (5, 2):
        case = order_for(c, status=Status.RESOLVED, assignee_person=c.member.person)
        Api(c.resident).post(
            f"/api/v1/cases/{case.pk}/rating",
            {"contacted": True, "solved": "yes" if score == 5 else "partly", "score": score},
        )
    r = Api(c.secretary).get("/api/v1/cases/stats", area=c.compound.pk).json()
    assert r["satisfaction"] == {"numerator": 1, "denominator": 2, "percent": "50.0"}
    assert r["response"] == {"numerator": 2, "denominator": 2, "percent": "100.0"}
    assert r["resolution"]["numerator"] == 1
