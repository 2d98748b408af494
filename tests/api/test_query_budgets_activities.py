"""Query budgets of the activities endpoints and pages (issue 8): each makes an exact number
of queries, the same with a few rows as after growing every collection it reads (activities,
sign-ups, service records, corrections, certificates, needs), so an N+1 fails here.

Budgets are exact: a change that adds a query must change the number below on purpose.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.activities.models import ActivityItem, Need, NeedKind
from haolinju.activities.services import attendance
from haolinju.activities.services.activities import activity_create, activity_transition
from haolinju.activities.services.certificates import certificate_issue
from haolinju.activities.services.signups import signup_create
from haolinju.core.testing import assert_query_budget
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = pytest.mark.django_db


class World:
    """A branch secretary organising in one compound, a volunteer with confirmed hours, a
    correction request and a certificate; ``grow`` adds activities, sign-ups, records,
    requests and needs."""

    def __init__(self, tree):
        self.tree = tree
        self.compound = tree.compounds[0]
        self.secretary = staff(Title.BRANCH_SECRETARY, self.compound)
        self.district = staff(Title.DISTRICT_STAFF, tree.district)
        self.volunteer = resident(tree.units[0])
        self.item = ActivityItem.objects.get(code="env.stairwell")
        self.residents = itertools.count()
        self.grown = 0
        self.activity = self._activity(places=500)
        self.grow(2)
        self.certificate = certificate_issue(
            actor=self.secretary,
            person_id=self.volunteer.person.pk,
            issuer_name="东湖社区",
            issuer_in_charge="张主任",
            issuer_contact="0713-1234567",
        )
        self.signer = itertools.count()
        self.clients = {
            "secretary": self._api(self.secretary),
            "volunteer": self._api(self.volunteer),
            "anonymous": Client(),
        }
        self.pages = {}
        for name, user in (
            ("secretary", self.secretary),
            ("volunteer", self.volunteer),
            ("district", self.district),
        ):
            self.pages[name] = Client()
            self.pages[name].force_login(user)
        self.pages["anonymous"] = Client()

    @staticmethod
    def _api(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")

    def _activity(self, *, places=20, days=2):
        starts = timezone.now() + dt.timedelta(days=days, minutes=self.grown)
        activity = activity_create(
            actor=self.secretary,
            item_id=self.item.pk,
            area=self.compound,
            starts_at=starts,
            places=places,
            place="小区广场",
        )
        return activity_transition(actor=self.secretary, activity_id=activity.pk, action="publish")

    def _person(self):
        units = self.tree.units[:8]
        return resident(units[next(self.residents) % len(units)])

    def grow(self, n: int = 6) -> None:
        """More of everything the endpoints list: activities the volunteer attended (confirmed,
        one asked to be corrected), people on the main roster (one checked out, pending),
        needs on the board."""
        for _ in range(n):
            self.grown += 1
            other = self._activity(places=30, days=1)
            signup_create(actor=self.volunteer, activity_id=other.pk)
            record = attendance.attendance_record(
                actor=self.secretary,
                activity_id=other.pk,
                person_id=self.volunteer.person.pk,
                checked_in_at=other.starts_at,
                checked_out_at=other.starts_at + dt.timedelta(minutes=60 + self.grown),
                confirm=True,
            )
            attendance.correction_request(
                actor=self.volunteer, record_id=record.pk, minutes=100, reason="签退晚了"
            )
            person = self._person()
            signup_create(actor=person, activity_id=self.activity.pk)
            attendance.attendance_record(
                actor=self.secretary,
                activity_id=self.activity.pk,
                person_id=person.person.pk,
                checked_in_at=self.activity.starts_at,
                checked_out_at=self.activity.starts_at + dt.timedelta(minutes=45),
            )
            Need.objects.create(
                kind=NeedKind.WISH,
                area=self.compound,
                area_path=self.compound.path,
                title=f"心愿{self.grown}",
                posted_by=self.secretary,
            )

    def fill(self, url: str) -> str:
        return url.format(
            activity=self.activity.pk,
            volunteer=self.volunteer.person.pk,
            item=self.item.pk,
            number=self.certificate.number,
        )


@pytest.fixture
def world(tree):
    return World(tree)


def _ok(expected: int):
    def check(response):
        assert response.status_code == expected, response.content[:300]

    return check


# name → (client, url template, expected status, budget)
API = {
    "activity items": ("secretary", "/api/v1/activity-items", 200, 3),
    "activities list": ("volunteer", "/api/v1/activities?limit=50", 200, 4),
    "activity detail": ("volunteer", "/api/v1/activities/{activity}", 200, 4),
    "volunteer records": ("volunteer", "/api/v1/volunteers/{volunteer}/records", 200, 7),
    "volunteer records (organiser)": (
        "secretary",
        "/api/v1/volunteers/{volunteer}/records",
        200,
        7,
    ),
    "correction requests": ("secretary", "/api/v1/correction-requests", 200, 4),
    "certificate verify": ("anonymous", "/api/v1/certificates/{number}/verify", 200, 1),
}

PAGES = {
    "activity list": ("volunteer", "/activities/", 200, 7),
    "activity detail": ("volunteer", "/activities/{activity}/", 200, 7),
    "organiser page": ("secretary", "/activities/{activity}/manage/", 200, 9),
    "live roster": ("secretary", "/activities/{activity}/manage/roster/", 200, 7),
    "my record": ("volunteer", "/activities/record/", 200, 11),
    "a volunteer's record (organiser)": ("secretary", "/activities/record/{volunteer}/", 200, 11),
    "review desk": ("secretary", "/activities/review/", 200, 7),
    "needs board": ("secretary", "/activities/needs/", 200, 8),
    "library": ("district", "/activities/library/", 200, 6),
    "library edit form": ("district", "/activities/library/{item}/", 200, 7),
    "certificate page": ("volunteer", "/activities/certificates/{number}/", 200, 6),
    "public verification": ("anonymous", "/activities/verify/{number}/", 200, 1),
}


@pytest.mark.parametrize("name", list(API))
def test_activities_api_query_budget(world, name):
    """Each activities API endpoint makes its budgeted number of queries, few rows or many."""
    who, url, status, budget = API[name]
    client = world.clients[who]
    assert_query_budget(
        lambda: client.get(world.fill(url)), budget, grow=world.grow, check=_ok(status)
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_activities_page_query_budget(world, name):
    """Each activities page makes its budgeted number of queries, few rows or many."""
    who, url, status, budget = PAGES[name]
    client = world.pages[who]
    assert_query_budget(
        lambda: client.get(world.fill(url)), budget, grow=world.grow, check=_ok(status)
    )


def test_sign_up_query_budget(world):
    """A sign-up (the burst's request) makes the same number of queries whether the activity
    has a few sign-ups or many, confirmed or waitlisted."""

    def sign_up():
        person = resident(world.tree.units[0])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=person)}")
        return lambda: client.post(f"/api/v1/activities/{world.activity.pk}/signups")

    calls = iter([sign_up() for _ in range(3)])
    assert_query_budget(lambda: next(calls)(), 12, grow=world.grow, check=_ok(201), warm=True)
