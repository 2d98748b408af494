"""Query budgets: every API endpoint and page makes a fixed number of queries, the same with a
few rows as with many, so an N+1 (a query per row, per field, per child) fails here.

Budgets are exact: a change that adds a query must change the number below on purpose.
Helper: ``haolinju.core.testing.assert_query_budget`` (loops reuse it for their endpoints).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.core.notify import notify
from haolinju.core.testing import assert_query_budget
from haolinju.org.models import AreaKind, OrgKind
from haolinju.org.tests.factories import OrganisationFactory, child
from haolinju.people.models import Occupancy, OccupancyRole, Position, Title
from haolinju.people.tests.factories import (
    MemberFactory,
    PersonFactory,
    VolunteerFactory,
    staff,
)

pytestmark = pytest.mark.django_db


class World:
    """A street worker over the first street, a resident of it with a full record, and a way
    to grow every collection the endpoints read (people, members, volunteers, occupancies,
    positions, child areas, organisations)."""

    def __init__(self, tree):
        self.tree = tree
        self.street = tree.streets[0]
        self.compound = tree.compounds[0]
        self.user = staff(Title.STREET_STAFF, self.street, home=tree.units[0])
        self.subject = PersonFactory(area=tree.units[1])
        MemberFactory(person=self.subject)
        VolunteerFactory(person=self.subject)
        self.grown = 0
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=self.user)}")
        self.web = Client()
        self.web.force_login(self.user)
        self.district_web = Client()  # pages only district staff may open (the calendar)
        self.district_web.force_login(staff(Title.DISTRICT_STAFF, tree.district))
        self.grow(2)

    def grow(self, n: int = 12) -> None:
        units = [u for u in self.tree.units if u.path.startswith(self.street.path)]
        for _ in range(n):
            i = self.grown = self.grown + 1
            unit = units[i % len(units)]
            person = PersonFactory(area=unit)
            if i % 2:
                MemberFactory(person=person)
            if i % 3 == 0:
                VolunteerFactory(person=person)
            Occupancy.objects.create(
                person=person, unit=unit, area_path=unit.path, role=OccupancyRole.OWNER
            )
            Occupancy.objects.create(
                person=self.subject, unit=unit, area_path=unit.path, role=OccupancyRole.TENANT
            )
            building = self.tree.buildings[i % 4]
            Position.objects.create(
                person=self.subject,
                title=Title.OTHER_POST,
                area=building,
                area_path=building.path,
                started_on=dt.date(2021, 1, 1) + dt.timedelta(days=i),
            )
            extra = child(self.compound, AreaKind.BUILDING, f"新{i}栋")
            child(extra, AreaKind.ENTRANCE, "1单元")
            OrganisationFactory(
                kind=OrgKind.BUILDING_GROUP, area=extra, area_path=extra.path, name=f"党小组{i}"
            )
            notify(recipients=[self.user], kind="budget", title=f"通知{i}", url="/people/")


@pytest.fixture
def world(tree):
    return World(tree)


def _status(expected: int):
    def check(response):
        assert response.status_code == expected, response.content[:300]

    return check


# name → (client, method, url template, body, expected status, budget)
API = {
    "me": ("api", "get", "/api/v1/me", None, 200, 4),
    "people list": ("api", "get", "/api/v1/people?limit=50", None, 200, 4),
    "people list, area + ledger": (
        "api",
        "get",
        "/api/v1/people?area={street}&ledger=retired",
        None,
        200,
        5,
    ),
    "people search by name": ("api", "get", "/api/v1/people?q=测", None, 200, 4),
    "person detail": ("api", "get", "/api/v1/people/{subject}", None, 200, 5),
    "person create": (
        "api",
        "post",
        "/api/v1/people",
        {"area_id": "{unit}", "name": "新居民"},
        201,
        19,
    ),
    "reveal": (
        "api",
        "post",
        "/api/v1/people/{subject}/reveal",
        {"field": "phone", "reason": "核实联系方式"},
        200,
        15,
    ),
    "area node, street": ("api", "get", "/api/v1/areas/{street}", None, 200, 6),
    "area node, compound": ("api", "get", "/api/v1/areas/{compound}", None, 200, 6),
    "area children": ("api", "get", "/api/v1/areas/{compound}/children", None, 200, 5),
    "imports list": ("api", "get", "/api/v1/imports", None, 200, 3),  # a page: items + count
    "export people": ("api", "get", "/api/v1/exports/people", None, 200, 13),
    "export children": (
        "api",
        "get",
        "/api/v1/exports/areas/{compound}/children",
        None,
        200,
        5,
    ),
    "export organisations": ("api", "get", "/api/v1/exports/organisations", None, 200, 3),
    "notifications": ("api", "get", "/api/v1/notifications", None, 200, 4),
    "notification preferences": ("api", "get", "/api/v1/notifications/preferences", None, 200, 3),
}

PAGES = {
    "inbox": ("web", "get", "/inbox/", None, 200, 7),
    "calendar": ("district", "get", "/calendar/", None, 200, 6),
    "home": ("web", "get", "/", None, 200, 13),
    "areas index": ("web", "get", "/areas/", None, 302, 4),
    "area page, street": (
        "web",
        "get",
        "/areas/{street}/",
        None,
        200,
        19,
    ),  # the rates tile: one aggregate each for cases and ratings
    "area page, compound": ("web", "get", "/areas/{compound}/", None, 200, 20),
    "area children (htmx)": ("htmx", "get", "/areas/{compound}/children/", None, 200, 8),
    "people list": ("web", "get", "/people/", None, 200, 10),
    "people search": ("web", "get", "/people/?q=测", None, 200, 9),
    "ledgers": ("web", "get", "/people/ledgers/", None, 200, 14),
    "person page": ("web", "get", "/people/{subject}/", None, 200, 9),
    "reveal page": ("web", "get", "/people/{subject}/reveal/", None, 200, 6),
    "import page": ("web", "get", "/io/import/", None, 200, 7),
    "export people (xlsx)": ("web", "get", "/io/export/people.xlsx", None, 200, 14),
    "export children (xlsx)": (
        "web",
        "get",
        "/io/export/areas/{compound}/children.xlsx",
        None,
        200,
        6,
    ),
    "export organisations (xlsx)": (
        "web",
        "get",
        "/io/export/organisations.xlsx",
        None,
        200,
        4,
    ),
}


def _fill(world: World, text: str) -> str:
    return text.format(
        street=world.street.pk,
        compound=world.compound.pk,
        subject=world.subject.pk,
        unit=world.tree.units[2].pk,
    )


def _request(world: World, kind, method, url, body):
    client = {"api": world.api, "district": world.district_web}.get(kind, world.web)
    headers = {"HTTP_HX_REQUEST": "true"} if kind == "htmx" else {}
    if body is None:
        return lambda: getattr(client, method)(_fill(world, url), **headers)
    data = {k: (int(_fill(world, v)) if v == "{unit}" else v) for k, v in body.items()}
    return lambda: getattr(client, method)(
        _fill(world, url), json.dumps(data), content_type="application/json", **headers
    )


@pytest.mark.parametrize("name", list(API))
def test_api_endpoint_query_budget(world, name):
    """Each API endpoint makes its budgeted number of queries, with few rows and with many."""
    kind, method, url, body, status, budget = API[name]
    assert_query_budget(
        _request(world, kind, method, url, body), budget, grow=world.grow, check=_status(status)
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_query_budget(world, name):
    """Each page makes its budgeted number of queries, with few rows and with many."""
    kind, method, url, body, status, budget = PAGES[name]
    assert_query_budget(
        _request(world, kind, method, url, body), budget, grow=world.grow, check=_status(status)
    )
