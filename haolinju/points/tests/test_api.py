"""The points, shop and notice API: shapes, scope, status codes and Idempotency-Key."""

from __future__ import annotations

import json

import pytest

from haolinju.accounts.services import token_issue
from haolinju.points.models import Redemption
from haolinju.points.services import entries, shop

from .factories import PAST, fund


def client_for(client, user):
    token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, auth, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **auth, **headers)


def test_balance_needs_auth_and_has_two_numbers(client, w):
    """Without a token the balance is a 401; with one it has the documented shape."""
    assert client.get("/api/v1/points/balance").status_code == 401
    auth = client_for(client, w.member)
    fund(w, w.member, 12)
    body = client.get("/api/v1/points/balance?year=2025", **auth).json()
    assert body == {
        "exchange": {"available": 12, "pending": 0, "held": 0},
        "assessment": {"year": 2025, "score": 0},
    }


def test_award_review_lock_flow(client, w):
    """Staff record an award, the secretary approves it, the community locks the month; then a
    new award in that month is a 409 and the member's entries list shows the approved one."""
    sec = client_for(client, w.secretary)
    r = post(
        client,
        "/api/v1/points/awards",
        {
            "person_id": w.member.person.pk,
            "points": 5,
            "reason": "楼道清扫",
            "occurred_on": PAST.isoformat(),
        },
        sec,
    )
    assert r.status_code == 201, r.content
    entry = r.json()
    assert entry["status"] == "pending" and entry["rule_version"] == 1
    r = post(
        client,
        "/api/v1/points/reviews",
        {"compound_id": w.compound.pk, "entry_ids": [entry["id"]], "approve": True},
        sec,
    )
    assert r.status_code == 200 and r.json()["items"][0]["status"] == "approved"
    assert (
        post(
            client,
            "/api/v1/points/locks",
            {"community_id": w.community.pk, "year": 2025, "month": 3},
            sec,
        ).status_code
        == 404
    )
    r = post(
        client,
        "/api/v1/points/locks",
        {"community_id": w.community.pk, "year": 2025, "month": 3},
        client_for(client, w.community_secretary),
    )
    assert r.status_code == 201
    r = post(
        client,
        "/api/v1/points/awards",
        {
            "person_id": w.member.person.pk,
            "points": 1,
            "reason": "补录",
            "occurred_on": PAST.isoformat(),
        },
        sec,
    )
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "occurred_on"
    mine = client.get("/api/v1/points/entries", **client_for(client, w.member)).json()
    assert mine["count"] == 1 and mine["items"][0]["points"] == 5


def test_member_cannot_award(client, w):
    """A member without a position gets a 404 and nothing is recorded."""
    r = post(
        client,
        "/api/v1/points/awards",
        {
            "person_id": w.other.person.pk,
            "points": 5,
            "reason": "x",
            "occurred_on": PAST.isoformat(),
        },
        client_for(client, w.member),
    )
    assert r.status_code == 404


@pytest.fixture
def soap(w):
    return shop.item_create(
        actor=w.secretary,
        station_id=w.station.pk,
        name="香皂",
        price=15,
        stock=5,
        donor_id=w.partner.pk,
    )


def test_redemption_idempotency_and_transitions(client, w, soap):
    """A retried reservation with the same Idempotency-Key returns the first response and
    reserves once; the same key with another body is a 422; staff hand it over; a second
    hand-over is a 409."""
    fund(w, w.member, 50)
    auth = client_for(client, w.member)
    items = client.get("/api/v1/shop/items", **auth).json()
    assert items["count"] == 1 and items["items"][0]["donor"] == "区供电公司"
    body = {"item_id": soap.pk, "quantity": 1}
    first = post(client, "/api/v1/shop/redemptions", body, auth, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, "/api/v1/shop/redemptions", body, auth, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.content == again.content
    assert Redemption.objects.count() == 1
    other = post(
        client,
        "/api/v1/shop/redemptions",
        {"item_id": soap.pk, "quantity": 2},
        auth,
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 422
    rid = first.json()["id"]
    assert first.json()["actions"] == ["cancel"]
    staff = client_for(client, w.secretary)
    url = f"/api/v1/shop/redemptions/{rid}/transitions"
    r = post(client, url, {"action": "hand_over"}, staff)
    assert r.status_code == 200 and r.json()["status"] == "handed_over"
    assert post(client, url, {"action": "hand_over"}, staff).status_code == 409
    bal = client.get("/api/v1/points/balance", **auth).json()["exchange"]
    assert bal["available"] == 35 and bal["held"] == 0


def test_out_of_stock_and_not_enough_points_are_clear(client, w, soap):
    """Out of stock and not enough points are 409s with a message saying which."""
    fund(w, w.member, 20)
    auth = client_for(client, w.member)
    r = post(client, "/api/v1/shop/redemptions", {"item_id": soap.pk, "quantity": 6}, auth)
    assert r.status_code == 409 and "库存不足" in r.json()["detail"]
    r = post(client, "/api/v1/shop/redemptions", {"item_id": soap.pk, "quantity": 2}, auth)
    assert r.status_code == 409 and "可用积分不足" in r.json()["detail"]


def test_notice_and_proof(client, w):
    """The published notice carries the digest and verify command; the caller's proof lists
    only their own leaves; another compound's member gets a 404."""
    e = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=4, reason="x", occurred_on=PAST
    )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    entries.month_lock(actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3)
    r = post(
        client,
        "/api/v1/notices",
        {"compound_id": w.compound.pk, "year": 2025},
        client_for(client, w.secretary),
    )
    assert r.status_code == 201
    url = f"/api/v1/notices/{w.compound.pk}/2025"
    body = client.get(url, **client_for(client, w.other)).json()
    assert len(body["digest"]) == 64 and body["ranking"][0]["score"] == 4
    assert body["verify_command"].startswith("haolinju points verify")
    proof = client.get(url + "/proof", **client_for(client, w.member)).json()
    assert proof["count"] == 1 and proof["digest"] == body["digest"]
    assert client.get(url + "/proof", **client_for(client, w.other)).json()["count"] == 0
    assert client.get(url, **client_for(client, w.stranger)).status_code == 404
    r = post(client, url + "/objections", {"text": "有异议"}, client_for(client, w.other))
    assert r.status_code == 201
    r = post(
        client,
        f"/api/v1/notices/objections/{r.json()['id']}/answer",
        {"text": "已核实"},
        client_for(client, w.secretary),
    )
    assert r.status_code == 200 and r.json()["answer"] == "已核实"
