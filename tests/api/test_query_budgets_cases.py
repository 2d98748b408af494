"""Query budgets of the service loop (cases, mediation, micro-review, Open311): each endpoint and
page makes exactly its budgeted number of queries, with a few rows and again after growing
every collection it reads (cases of each kind, timeline events, ratings, summonses, sessions,
agreements and visits, micro-reviews, candidates for suggestions). An N+1 fails here.

Budgets are exact: a change that adds a query must change the number below on purpose.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.cases import services
from haolinju.cases.models import CaseKind, MediationDetail, Status, Summons
from haolinju.cases.tests.factories import CaseFactory, cast, category
from haolinju.core import timeline
from haolinju.core.testing import assert_query_budget
from haolinju.people.tests.factories import MemberFactory, PersonFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

PARTIES = ["甲方", "乙方"]


class World:
    """The cases cast, one case of each kind to read, and a way to grow what they read."""

    def __init__(self):
        self.c = c = cast()
        self.order = self._order(Status.DISPATCHED)
        self.report = CaseFactory(
            kind=CaseKind.PROBLEM_REPORT, category=category("lighting"), area=c.compound,
            owner_area=c.compound, requester=c.resident.person, status=Status.RESOLVED,
            state_type="fixed", detail__public=True, assignee_person=c.member.person,
        )  # fmt: skip
        self.mediation = CaseFactory(
            kind=CaseKind.MEDIATION, category=category("neighbour_dispute"), area=c.compound,
            owner_area=c.compound, requester=c.resident.person, status=Status.IN_PROGRESS,
            assignee_person=c.member.person,
        )  # fmt: skip
        MediationDetail.objects.create(case=self.mediation, parties=PARTIES)
        self.grown = 0
        self.grow(2)

    def _order(self, status):
        c = self.c
        return CaseFactory(
            area=c.unit, owner_area=c.compound, requester=c.resident.person, status=status,
            assignee_person=c.member.person,
        )  # fmt: skip

    def grow(self, n: int = 6) -> None:
        c = self.c
        for _ in range(n):
            i = self.grown = self.grown + 1
            case = self._order([Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS][i % 3])
            timeline.record(case, actor=c.secretary, action="case.comment", note=f"留言{i}")
            for target in (self.order, self.report, self.mediation):
                timeline.record(target, actor=c.secretary, action="case.comment", note=f"{i}")
            Summons.objects.create(
                case=case, organisation=c.department, area_path=case.area_path,
                whistled_at=timezone.now(), report_in_due_at=timezone.now(),
            )  # fmt: skip
            person = PersonFactory(area=c.unit)
            MemberFactory(person=person) if i % 2 else VolunteerFactory(person=person)
            reviewer = PersonFactory(area=c.unit)
            self.report.micro_reviews.create(
                person=reviewer, verdict="partly", comment=f"意见{i}",
                area_path=self.report.area_path, created_at=timezone.now(),
            )  # fmt: skip
            session = services.session_schedule(
                actor=c.member, case_id=self.mediation.pk, scheduled_at=timezone.now()
            )
            services.session_transition(
                actor=c.member, session_id=session.pk, action="hold", summary=f"第{i}次"
            )
            agreement = services.agreement_draft(
                actor=c.member, case_id=self.mediation.pk, text=f"协议{i}"
            )
            services.agreement_sign(actor=c.member, agreement_id=agreement.pk, party=PARTIES[0])
            services.agreement_void(actor=c.member, agreement_id=agreement.pk, reason="重拟")


@pytest.fixture
def world(db):
    return World()


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# name -> (who, kind, url, body, status, budget); kind: api | web | anon; url placeholders:
# {order} {report} {mediation} {compound}
API = {
    "GET /api/v1/case-categories": ("resident", "api", "/api/v1/case-categories", None, 200, 2),
    "GET /api/v1/cases (secretary)": ("secretary", "api", "/api/v1/cases", None, 200, 6),
    "GET /api/v1/cases?assigned=me (member)": (
        "member", "api", "/api/v1/cases?assigned=me", None, 200, 6,
    ),
    "GET /api/v1/cases/{id} (secretary)": (
        "secretary", "api", "/api/v1/cases/{order}", None, 200, 8,
    ),
    "GET /api/v1/cases/{id}/suggestions": (
        "secretary", "api", "/api/v1/cases/{order}/suggestions", None, 200, 16,
    ),
    "GET /api/v1/cases/stats": (
        "secretary", "api", "/api/v1/cases/stats?area={compound}", None, 200, 8,
    ),
    "GET /api/v1/cases/{id}/mediation": (
        "member", "api", "/api/v1/cases/{mediation}/mediation", None, 200, 10,
    ),
    "GET /api/v1/cases/{id}/micro-reviews": (
        "neighbour", "api", "/api/v1/cases/{report}/micro-reviews", None, 200, 6,
    ),
    "POST /api/v1/cases/{id}/transitions comment": (
        "secretary", "api", "/api/v1/cases/{order}/transitions",
        {"action": "comment", "note": "已电话联系"}, 200, 23,
    ),
    "GET /open311/v2/requests.json": ("", "anon", "/open311/v2/requests.json", None, 200, 1),
    "GET /open311/v2/requests.xml": ("", "anon", "/open311/v2/requests.xml", None, 200, 1),
    "GET /open311/v2/services.xml": ("", "anon", "/open311/v2/services.xml", None, 200, 1),
}  # fmt: skip
PAGES = {
    "HTML /cases/ (resident)": ("resident", "web", "/cases/", None, 200, 7),
    "HTML /cases/board/ (secretary)": ("secretary", "web", "/cases/board/", None, 200, 7),
    "HTML /cases/orders/ (member)": ("member", "web", "/cases/orders/", None, 200, 7),
    "HTML /cases/whistles/ (department)": (
        "department_staff", "web", "/cases/whistles/", None, 200, 7,
    ),
    "HTML /cases/{order}/ (secretary)": ("secretary", "web", "/cases/{order}/", None, 200, 12),
    "HTML /cases/{mediation}/ (member)": ("member", "web", "/cases/{mediation}/", None, 200, 15),
    "HTML /cases/{report}/ (neighbour)": ("neighbour", "web", "/cases/{report}/", None, 200, 12),
    "HTML /cases/reviews/ (neighbour)": ("neighbour", "web", "/cases/reviews/", None, 200, 8),
}  # fmt: skip


def _call(world: World, spec):
    who, kind, url, body, _status, _budget = spec
    url = url.format(
        order=world.order.pk, report=world.report.pk, mediation=world.mediation.pk,
        compound=world.c.compound.pk,
    )  # fmt: skip
    user = getattr(world.c, who) if who else None
    client = _api(user) if kind == "api" else _web(user) if kind == "web" else Client()
    if body is None:
        return lambda: client.get(url)
    return lambda: client.post(url, json.dumps(body), content_type="application/json")


def _status(expected):
    def check(response):
        assert response.status_code == expected, response.content[:300]

    return check


@pytest.mark.parametrize("name", list(API) + list(PAGES))
def test_cases_query_budget(world, name):
    """Each cases endpoint or page makes its budgeted number of queries, few rows or many."""
    spec = API.get(name) or PAGES[name]
    assert_query_budget(_call(world, spec), spec[5], grow=world.grow, check=_status(spec[4]))
