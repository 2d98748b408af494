"""Proposals through the four steps, each on the timeline, resolved by committee or by vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.deliberation.models import Proposal, Vote

from .factories import ExampleCompound, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


def propose(ex, api_as, n=1, **extra):
    body = {
        "area_id": ex.compound.pk,
        "title": "更换小区老化供水管道",
        "body": "管道锈蚀严重，经常停水，建议整体更换。",
        "category": "water_pipes",
        "is_major": True,
        **extra,
    }
    r = api_as(ex.owners[n]).post("/api/v1/proposals", body)
    assert r.status_code == 201, r.content
    return r.json()


def step(api, pid, action, note="", **extra):
    return api.post(
        f"/api/v1/proposals/{pid}/transitions", {"action": action, "note": note, **extra}
    )


def test_four_steps_to_a_committee_resolution(ex, api_as):
    """Owner proposes, neighbours second, the council discusses with minutes, the party branch
    returns it with a reason, then approves, and the committee resolves — every step on the
    timeline with its record."""
    p = propose(ex, api_as)
    assert p["status"] == "proposed" and p["actions"] == ["withdraw", "comment"]
    for n in (2, 3):
        assert api_as(ex.owners[n]).post(f"/api/v1/proposals/{p['id']}/supports").status_code == 200
    assert api_as(ex.owners[2]).post(f"/api/v1/proposals/{p['id']}/supports").status_code == 409
    officer = api_as(ex.officer)
    assert step(officer, p["id"], "discuss").json()["status"] == "discussing"
    assert step(officer, p["id"], "minutes").status_code == 422  # minutes need text
    step(officer, p["id"], "minutes", "联席会议：物业、业委会、社区一致同意推进")
    assert step(api_as(ex.owners[4]), p["id"], "comment", "支持，尽快施工").status_code == 200
    step(officer, p["id"], "submit_review")
    assert step(officer, p["id"], "return").status_code == 422  # a return needs its reason
    r = step(officer, p["id"], "return", "请补充施工期间临时供水方案")
    assert r.json()["status"] == "returned"
    step(api_as(ex.owners[1]), p["id"], "resubmit")
    step(officer, p["id"], "submit_review")
    step(officer, p["id"], "approve", "同意提交决议")
    r = step(officer, p["id"], "resolve", "业委会决议：按方案实施")
    detail = r.json()
    assert detail["status"] == "resolved" and detail["support_count"] == 2
    actions = [s["action"] for s in detail["steps"]]
    assert actions == [
        "proposal.propose",
        "proposal.support",
        "proposal.support",
        "proposal.discuss",
        "proposal.minutes",
        "proposal.comment",
        "proposal.submit_review",
        "proposal.return",
        "proposal.resubmit",
        "proposal.submit_review",
        "proposal.approve",
        "proposal.resolve",
    ]
    returned = next(s for s in detail["steps"] if s["action"] == "proposal.return")
    assert returned["note"] == "请补充施工期间临时供水方案"


def test_owners_cannot_take_staff_steps(ex, api_as):
    """An owner cannot send a proposal to the council (403) and the state is unchanged."""
    p = propose(ex, api_as)
    assert step(api_as(ex.owners[2]), p["id"], "discuss").status_code == 403
    assert Proposal.objects.get(pk=p["id"]).status == "proposed"


def test_wrong_state_is_a_409(ex, api_as):
    """Approving a proposal that was never reviewed is a 409."""
    p = propose(ex, api_as)
    assert step(api_as(ex.officer), p["id"], "approve").status_code == 409


def test_resolution_by_owners_vote(ex, api_as):
    """Approved proposal put to an owners' vote; certifying the passed vote resolves it."""
    p = propose(ex, api_as)
    officer = api_as(ex.officer)
    for action in ("discuss", "submit_review", "approve"):
        step(officer, p["id"], action)
    opens, closes = window()
    v = officer.post(
        "/api/v1/votes",
        {
            "area_id": ex.compound.pk,
            "matter_item": 5,
            "title": "使用维修资金更换供水管道",
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
            "proposal_id": p["id"],
        },
    ).json()
    assert step(officer, p["id"], "put_to_vote").status_code == 422  # which vote?
    assert step(officer, p["id"], "put_to_vote", vote_id=v["id"]).json()["status"] == "voting"
    url = f"/api/v1/votes/{v['id']}"
    for action in ("notice", "open"):
        officer.post(f"{url}/transitions", {"action": action})
    for n in (1, 2, 3, 4, 5, 7, 8):
        api_as(ex.owners[n]).post(f"{url}/ballots", {"choice": "for"})
    past = timezone.now() - dt.timedelta(seconds=1)
    Vote.objects.filter(pk=v["id"]).update(closes_at=past)
    officer.post(f"{url}/transitions", {"action": "close"})
    officer.post(f"{url}/transitions", {"action": "publish"})
    Vote.objects.filter(pk=v["id"]).update(objection_until=past)
    assert officer.post(f"{url}/transitions", {"action": "certify"}).status_code == 200
    detail = api_as(ex.owners[9]).get(f"/api/v1/proposals/{p['id']}").json()
    assert detail["status"] == "resolved"
    assert detail["steps"][-1]["data"]["by"] == "owners_vote"


def test_proposals_of_another_compound_are_invisible(ex, api_as):
    """Staff of another compound get a 404 for this compound's proposal and see none listed."""
    p = propose(ex, api_as)
    assert api_as(ex.outsider).get(f"/api/v1/proposals/{p['id']}").status_code == 404
    assert api_as(ex.outsider).get("/api/v1/proposals").json()["count"] == 0
