"""Zero leaks in the deliberation loop: proposals, votes, electorates, tallies, receipts and
cost shares are readable exactly by those who see their area (``world.py``'s rule), a 404
otherwise; who chose what is readable by nobody but the vote's returning officer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.deliberation.services import costs as cost_services
from haolinju.deliberation.services import meetings as meeting_services
from haolinju.deliberation.services import proposals as proposal_services
from haolinju.deliberation.services import votes as vote_services
from haolinju.org.models import AreaKind, OrgKind
from haolinju.org.tests.factories import OrganisationFactory
from haolinju.people.tests.factories import UserFactory

from .world import build_world

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "未找到", "errors": []}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The shared random world plus, in three compounds, a proposal, an open vote with a ballot
    and a cost-share plan, all made by a returning officer who is none of the world's actors."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.tokens = {a.user.pk: token_issue(user=a.user) for a in built.actors}
        officer = UserFactory(username="returning-officer", is_superuser=True)
        compounds = [a for a in built.areas.values() if a.kind == AreaKind.COMPOUND][:3]
        built.items = []
        built.tasks = []
        now = timezone.now()
        for compound in compounds:
            p = proposal_services.proposal_create(
                actor=officer,
                area=compound,
                title="更换水管",
                body="管道老化",
                category="water_pipes",
            )
            v = vote_services.vote_create(
                actor=officer,
                area=compound,
                matter_item=9,
                title="更换水管表决",
                opens_at=now - dt.timedelta(hours=1),
                closes_at=now + dt.timedelta(days=3),
            )
            vote_services.vote_transition(actor=officer, vote_id=v.pk, action="notice")
            vote_services.vote_transition(actor=officer, vote_id=v.pk, action="open")
            unit = v.voters.first().units.first().unit_id
            b = vote_services.ballot_cast(
                actor=officer, vote_id=v.pk, choice="against", channel="paper", voter_unit_id=unit
            )
            plan = cost_services.cost_share_create(
                actor=officer, title="分摊", total_fen=100_00, area=compound
            )
            org = OrganisationFactory(kind=OrgKind.PROPERTY_COMPANY, area=compound)
            task = meeting_services.task_create(
                actor=officer, area=compound, title="修路灯", owner_org=org, due_on=now.date()
            )
            built.items.append((compound.pk, p.pk, v.pk, b.receipt, plan.pk))
            built.tasks.append((compound.pk, task.pk))
        yield built
        transaction.set_rollback(True)


def api(world, actor) -> Client:
    client = Client(raise_request_exception=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor.user.pk]}"
    return client


def test_lists_hold_exactly_the_visible_proposals_and_votes(world):
    """For every actor, the proposal and vote lists hold exactly the items in areas they see."""
    for actor in world.actors:
        c = api(world, actor)
        expected_p = {p for area, p, *_ in world.items if world.sees_area(actor, area)}
        expected_v = {v for area, _, v, *_ in world.items if world.sees_area(actor, area)}
        got_p = {i["id"] for i in c.get("/api/v1/proposals", {"limit": 200}).json()["items"]}
        got_v = {i["id"] for i in c.get("/api/v1/votes", {"limit": 200}).json()["items"]}
        assert got_p == expected_p, actor.label
        assert got_v == expected_v, actor.label


def test_every_read_is_visible_iff_allowed_else_an_identical_404(world):
    """Proposal, vote, electorate, tally, receipts and cost share: 200 exactly when the actor
    sees the area, else the same 404 body as for a record that does not exist."""
    for actor in world.actors:
        c = api(world, actor)
        for area, p, v, _, plan in world.items:
            urls = [
                f"/api/v1/proposals/{p}",
                f"/api/v1/votes/{v}",
                f"/api/v1/votes/{v}/electorate",
                f"/api/v1/votes/{v}/tally",
                f"/api/v1/votes/{v}/receipts",
                f"/api/v1/cost-shares/{plan}",
            ]
            for url in urls:
                r = c.get(url)
                if world.sees_area(actor, area):
                    assert r.status_code == 200, (actor.label, url)
                else:
                    assert (r.status_code, r.json()) == (404, NOT_FOUND), (actor.label, url)


def test_choices_are_visible_to_no_other_role(world):
    """No actor of the world — superuser, staff over the compound, residents — reads who chose
    what (404); no other response carries a ballot's choice next to its receipt or voter."""
    for actor in world.actors:
        c = api(world, actor)
        for _, _, v, receipt, _ in world.items:
            r = c.get(f"/api/v1/votes/{v}/choices")
            assert (r.status_code, r.json()) == (404, NOT_FOUND), actor.label
            for url in (f"/api/v1/votes/{v}/receipts", f"/api/v1/votes/{v}/electorate"):
                body = c.get(url).content.decode()
                assert "against" not in body, (actor.label, url)
            body = json.dumps(c.get(f"/api/v1/votes/{v}").json(), ensure_ascii=False)
            assert receipt not in body


def test_tasks_are_visible_iff_the_area_is(world):
    """The task list holds exactly the tasks in areas the actor sees; a detail outside is 404."""
    for actor in world.actors:
        c = api(world, actor)
        expected = {t for area, t in world.tasks if world.sees_area(actor, area)}
        got = {i["id"] for i in c.get("/api/v1/tasks", {"limit": 200}).json()["items"]}
        assert got == expected, actor.label
        for area, t in world.tasks:
            r = c.get(f"/api/v1/tasks/{t}")
            assert r.status_code == (200 if world.sees_area(actor, area) else 404), actor.label
