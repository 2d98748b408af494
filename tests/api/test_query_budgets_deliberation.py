"""Query budgets of the deliberation loop: every endpoint and page makes a fixed number of
queries, the same with a few proposals, ballots, meetings, tasks and conventions as with many
(an N+1 fails here). Budgets are exact; a change that adds a query changes the number on
purpose. Helper: ``haolinju.core.testing.assert_query_budget``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.core.testing import assert_query_budget
from haolinju.deliberation.services import conventions as convention_services
from haolinju.deliberation.services import meetings as meeting_services
from haolinju.deliberation.services import proposals as proposal_services
from haolinju.deliberation.services import votes as vote_services
from haolinju.deliberation.tests.factories import ExampleCompound, window
from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class World:
    """The worked-example compound with an open vote, and a way to grow every collection the
    endpoints read: proposals in review, ballots, meetings with tasks and milestones,
    conventions with versions and comments."""

    def __init__(self):
        ex = self.ex = ExampleCompound()
        self.org = OrganisationFactory(kind=OrgKind.PROPERTY_COMPANY, area=ex.compound)
        opens, closes = window()
        self.vote = vote_services.vote_create(
            actor=ex.officer,
            area=ex.compound,
            matter_item=7,
            title="加装电梯",
            opens_at=opens,
            closes_at=closes,
        )
        for action in ("notice", "open"):
            vote_services.vote_transition(actor=ex.officer, vote_id=self.vote.pk, action=action)
        self.voters = iter([1, 2, 3, 4, 5, 6, 7, 8, 9])
        self.grown = 0
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=ex.officer)}")
        self.web = Client()
        self.web.force_login(ex.officer)
        self.grow(1)
        self.ids = {
            "vote": self.vote.pk,
            "proposal": self.first_proposal.pk,
            "meeting": self.first_meeting.pk,
            "task": self.first_task.pk,
            "convention": self.first_convention.pk,
        }

    def grow(self, n: int = 3) -> None:
        ex = self.ex
        for _ in range(n):
            i = self.grown = self.grown + 1
            p = proposal_services.proposal_create(
                actor=ex.owners[1],
                area=ex.compound,
                title=f"议题{i}",
                body="内容",
                category="other",
            )
            proposal_services.proposal_support(actor=ex.owners[2], proposal_id=p.pk)
            for action in ("discuss", "submit_review"):
                proposal_services.proposal_transition(
                    actor=ex.officer, proposal_id=p.pk, action=action
                )
            n_owner = next(self.voters, None)
            if n_owner is not None:
                vote_services.ballot_cast(
                    actor=ex.owners[n_owner], vote_id=self.vote.pk, choice="for", channel="online"
                )
            m = meeting_services.meeting_create(
                actor=ex.officer,
                area=ex.compound,
                held_on=dt.date(2026, 1, 30) + dt.timedelta(days=7 * i),
                agenda=f"议程{i}",
                attendee_ids=[self.org.pk],
            )
            t = meeting_services.task_create(
                actor=ex.officer,
                area=ex.compound,
                title=f"事项{i}",
                owner_org=self.org,
                due_on=dt.date(2026, 3, 1) + dt.timedelta(days=i),
                meeting=m,
                milestones=["一", "二", "三"],
            )
            meeting_services.milestone_done(
                actor=ex.officer, task=t, milestone_id=t.milestones.first().pk
            )
            c = convention_services.convention_create(
                actor=ex.officer, area=ex.compound, title=f"公约{i}", text="第一条"
            )
            convention_services.version_add(actor=ex.officer, convention=c, text="第一条\n第二条")
            convention_services.comment(actor=ex.owners[3], convention=c, text="意见")
            if i == 1:
                self.first_proposal, self.first_meeting = p, m
                self.first_task, self.first_convention = t, c


@pytest.fixture
def world():
    return World()


def _status(expected: int):
    def check(response):
        assert response.status_code == expected, response.content[:300]

    return check


# name → (client, url template, budget)
API = {
    "proposals": ("api", "/api/v1/proposals", 5),
    "proposal": ("api", "/api/v1/proposals/{proposal}", 6),
    "review queue": ("api", "/api/v1/proposals/reviews", 5),
    "votes": ("api", "/api/v1/votes", 4),
    "vote": ("api", "/api/v1/votes/{vote}", 3),
    "tally": ("api", "/api/v1/votes/{vote}/tally", 4),
    "electorate": ("api", "/api/v1/votes/{vote}/electorate", 8),
    "receipts": ("api", "/api/v1/votes/{vote}/receipts", 5),
    "meetings": ("api", "/api/v1/meetings", 6),
    "meeting": ("api", "/api/v1/meetings/{meeting}", 5),
    "tasks": ("api", "/api/v1/tasks", 5),
    "task": ("api", "/api/v1/tasks/{task}", 4),
    "conventions": ("api", "/api/v1/conventions", 6),
    "convention": ("api", "/api/v1/conventions/{convention}", 5),
}
PAGES = {
    "deliberation home": ("web", "/deliberation/", 10),
    "review queue page": ("web", "/deliberation/reviews/", 8),
    "vote page": ("web", "/deliberation/votes/{vote}/", 9),
    "meetings page": ("web", "/deliberation/meetings/", 11),
    "meeting page": ("web", "/deliberation/meetings/{meeting}/", 10),
    "tasks page": ("web", "/deliberation/tasks/", 8),
    "tasks page, overdue": ("web", "/deliberation/tasks/?overdue=1", 8),
    "task page": ("web", "/deliberation/tasks/{task}/", 8),
    "conventions page": ("web", "/deliberation/conventions/", 7),
    "convention page": ("web", "/deliberation/conventions/{convention}/", 10),
}


def _call(world, kind: str, url: str):
    client = getattr(world, kind)
    path = url.format(**world.ids)
    return lambda: client.get(path)


@pytest.mark.parametrize("name", list(API))
def test_deliberation_api_query_budget(world, name):
    """Each deliberation API read makes its budgeted number of queries, few rows or many."""
    kind, url, budget = API[name]
    assert_query_budget(_call(world, kind, url), budget, grow=world.grow, check=_status(200))


@pytest.mark.parametrize("name", list(PAGES))
def test_deliberation_page_query_budget(world, name):
    """Each deliberation page makes its budgeted number of queries, few rows or many."""
    kind, url, budget = PAGES[name]
    assert_query_budget(_call(world, kind, url), budget, grow=world.grow, check=_status(200))


def test_electorate_freeze_makes_a_fixed_number_of_queries():
    """Noticing a vote (freezing its electorate) makes the same number of queries for the
    12-unit example compound as after 60 more units with owners: the register is read in
    three queries and each table written in one bulk statement per batch, never per row."""
    from decimal import Decimal

    from haolinju.deliberation.tests.factories import own
    from haolinju.org.models import AreaKind
    from haolinju.org.tests.factories import child
    from haolinju.people.tests.factories import PersonFactory

    ex = ExampleCompound()
    opens, closes = window()

    def notice():
        vote = vote_services.vote_create(
            actor=ex.officer,
            area=ex.compound,
            matter_item=9,
            title="冻结表决权人",
            opens_at=opens,
            closes_at=closes,
        )
        return vote_services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="notice")

    def grow():
        for i in range(60):
            unit = child(
                ex.entrance, AreaKind.UNIT, f"{7 + i // 2}0{i % 2 + 1}", exclusive_area=Decimal(88)
            )
            own(PersonFactory(area=unit), unit)

    def check(vote):
        assert vote.status == "noticed" and vote.total_count >= 10

    from django.db import connection

    # PostgreSQL writes the three tables with COPY, which Django's query log does not list
    budget = 38 if connection.vendor == "postgresql" else 41
    assert_query_budget(notice, budget, grow=grow, check=check)
