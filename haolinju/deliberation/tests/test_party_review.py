"""The party organisation's review (党组织审议): only a party secretary of the proposal's compound
or of the community above it approves or returns a proposal; other staff do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from haolinju.core.models import AuditEvent
from haolinju.deliberation.models import Proposal
from haolinju.people.models import Position, Title
from haolinju.people.tests.factories import staff

from .factories import ExampleCompound
from .test_proposals import propose, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


@pytest.fixture
def reviewing(ex, api_as):
    p = propose(ex, api_as)
    officer = api_as(ex.officer)
    for action in ("discuss", "submit_review"):
        assert step(officer, p["id"], action).status_code == 200
    return p


def test_community_worker_governing_the_compound_may_not_review(ex, api_as, reviewing):
    """A community worker governs the compound (discusses, minutes) but approve and return are
    the party organisation's: 403, nothing changes, and the buttons are not offered."""
    clerk = api_as(ex.clerk)
    assert step(clerk, reviewing["id"], "approve", "同意").status_code == 403
    assert step(clerk, reviewing["id"], "return", "不同意").status_code == 403
    assert Proposal.objects.get(pk=reviewing["id"]).status == "reviewing"
    actions = clerk.get(f"/api/v1/proposals/{reviewing['id']}").json()["actions"]
    assert "approve" not in actions and "return" not in actions
    officer_actions = api_as(ex.officer).get(f"/api/v1/proposals/{reviewing['id']}").json()
    assert {"approve", "return"} <= set(officer_actions["actions"])


def test_branch_secretary_approves_and_the_step_names_the_party(ex, api_as, reviewing):
    """The compound's branch secretary approves; the timeline event records that the party
    organisation took the step."""
    r = step(api_as(ex.officer), reviewing["id"], "approve", "同意提交业主大会")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    event = AuditEvent.objects.get(action="proposal.approve", target_id=reviewing["id"])
    assert event.data["by"] == "party_organisation" and event.note == "同意提交业主大会"


def test_community_party_secretary_above_returns_with_a_reason(ex, api_as, reviewing):
    """The community party committee's secretary (one level up) may return it, with a reason."""
    secretary = staff(Title.COMMUNITY_SECRETARY, ex.compound.parent, username="community-sec")
    api = api_as(secretary)
    assert step(api, reviewing["id"], "return").status_code == 422  # a reason is required
    r = step(api, reviewing["id"], "return", "请补充造价评估")
    assert r.status_code == 200 and r.json()["status"] == "returned"


def test_superuser_and_ended_positions_do_not_review(ex, api_as, reviewing, django_user_model):
    """Neither a superuser (not a party organisation) nor a secretary whose position has ended
    may review."""
    root = django_user_model.objects.create(username="root", is_superuser=True)
    assert step(api_as(root), reviewing["id"], "approve", "同意").status_code == 403
    Position.objects.filter(person__user=ex.officer).update(
        ended_on=dt.date.today() - dt.timedelta(days=1)
    )
    ex.officer.refresh_from_db()
    assert step(api_as(ex.officer), reviewing["id"], "approve", "同意").status_code in (403, 404)


def test_review_queue_api_and_page(ex, api_as, reviewing):
    """The queue lists proposals in review for the party secretary and nothing for the clerk;
    the page shows it and links to the proposal, whose page offers 审议通过 and 退回."""
    mine = api_as(ex.officer).get("/api/v1/proposals/reviews").json()
    assert [p["id"] for p in mine["items"]] == [reviewing["id"]] and mine["count"] == 1
    assert api_as(ex.clerk).get("/api/v1/proposals/reviews").json()["count"] == 0
    c = Client()
    c.force_login(ex.officer)
    body = c.get("/deliberation/reviews/").content.decode()
    assert reviewing["title"] in body and 'data-testid="review-link"' in body
    page = c.get(f"/deliberation/proposals/{reviewing['id']}/").content.decode()
    assert "审议通过" in page and "退回" in page
    clerk = Client()
    clerk.force_login(ex.clerk)
    assert (
        "审议通过" not in clerk.get(f"/deliberation/proposals/{reviewing['id']}/").content.decode()
    )
    assert "只有党组织书记可以审议议题" in clerk.get("/deliberation/reviews/").content.decode()
