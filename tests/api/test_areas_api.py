"""Area endpoints: a node with counts and ancestors, and paginated children."""

from __future__ import annotations

import pytest

from haolinju.org.models import Area, OrgKind
from haolinju.org.tests.factories import OrganisationFactory
from haolinju.people.models import Employment, HeldAt, Mobility, Title
from haolinju.people.tests.factories import (
    MemberFactory,
    PersonFactory,
    VolunteerFactory,
    resident,
    staff,
)

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "未找到", "errors": []}


@pytest.fixture
def street_api(api_as, tree):
    return api_as(staff(Title.STREET_STAFF, tree.streets[0]))


def test_node_has_area_ancestors_and_counts(street_api, tree):
    """GET /areas/{id} returns the area, its ancestors root-first, and the subtree's counts."""
    compound = tree.compounds[0]
    for unit in tree.units[:3]:
        PersonFactory(area=unit)
    MemberFactory(person=PersonFactory(area=tree.units[3]))  # self-managed + retired
    MemberFactory(
        person=PersonFactory(area=tree.units[4]),
        held_at=HeldAt.EMPLOYER,
        employer="区民政局",
        employment=Employment.WORKING,
        mobility=Mobility.FLOATING_OUT,
    )
    VolunteerFactory(person=PersonFactory(area=tree.units[5]))
    PersonFactory(area=tree.units[-1])  # another street: not counted
    OrganisationFactory(kind=OrgKind.BRANCH, area=compound)
    OrganisationFactory(kind=OrgKind.BUILDING_GROUP, area=tree.buildings[0])

    body = street_api.get(f"/api/v1/areas/{compound.pk}").json()
    assert body["area"]["id"] == compound.pk
    assert body["area"]["kind"] == "compound"
    assert body["area"]["kind_label"] == "小区/网格"
    assert [a["id"] for a in body["ancestors"]] == [
        tree.district.pk,
        tree.streets[0].pk,
        tree.communities[0].pk,
    ]
    counts = body["counts"]
    assert (counts["buildings"], counts["units"], counts["compounds"]) == (2, 8, 0)
    assert counts["residents"] == 6
    assert counts["volunteers"] == 1
    assert counts["members"] == 2
    assert counts["members_self_managed"] == 1
    assert counts["members_retired"] == 1
    assert counts["members_in_service"] == 1
    assert counts["members_floating"] == 1
    assert counts["organisations"]["branch"] == 1
    assert counts["organisations"]["building_group"] == 1
    assert set(counts["organisations"]) == set(OrgKind.values)


def test_street_node_counts_compounds_by_class(street_api, tree):
    """A street node counts its communities and compounds, with compounds split by class."""
    counts = street_api.get(f"/api/v1/areas/{tree.streets[0].pk}").json()["counts"]
    assert (counts["communities"], counts["compounds"], counts["units"]) == (2, 4, 32)
    assert sum(counts["compounds_by_class"].values()) == 4
    classes = Area.objects.filter(kind="compound", path__startswith=tree.streets[0].path)
    for cls in ("standard", "demonstration", "boutique"):
        assert counts["compounds_by_class"][cls] == classes.filter(compound_class=cls).count()


def test_unit_node_shows_its_exclusive_area_exactly(street_api, tree):
    """A unit's exclusive area is an exact decimal string, not a float."""
    unit = tree.units[0]
    area = street_api.get(f"/api/v1/areas/{unit.pk}").json()["area"]
    assert area["exclusive_area"] == "80.00"
    assert area["floor"] == 1


def test_children_are_paginated(street_api, tree):
    """/children pages through the direct children with the usual {"items", "count"} shape."""
    building = tree.buildings[0]
    body = street_api.get(f"/api/v1/areas/{building.pk}/children").json()
    assert body["count"] == 2
    assert [c["kind"] for c in body["items"]] == ["entrance", "entrance"]
    assert all(c["parent_id"] == building.pk for c in body["items"])
    first = street_api.get(f"/api/v1/areas/{tree.district.pk}/children", limit=1)
    assert first.status_code == 404  # the district is above this street worker
    page = street_api.get(f"/api/v1/areas/{tree.communities[0].pk}/children", limit=1).json()
    rest = street_api.get(
        f"/api/v1/areas/{tree.communities[0].pk}/children", limit=1, offset=1
    ).json()
    assert page["count"] == rest["count"] == 2
    assert page["items"][0]["id"] != rest["items"][0]["id"]


def test_children_limits_are_validated(street_api, tree):
    """limit above 200 is a 422 naming "limit"."""
    response = street_api.get(f"/api/v1/areas/{tree.streets[0].pk}/children", limit=500)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "limit", "message": "不能大于200"}]


@pytest.mark.parametrize("suffix", ["", "/children"])
def test_out_of_scope_and_missing_areas_are_identical_404s(street_api, tree, suffix):
    """Another street's area and a nonexistent id give byte-identical 404s."""
    outside = street_api.get(f"/api/v1/areas/{tree.streets[1].pk}{suffix}")
    missing = street_api.get(f"/api/v1/areas/{Area.objects.order_by('-pk')[0].pk + 99}{suffix}")
    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content
    assert outside.json() == NOT_FOUND


def test_resident_sees_their_compound_and_nothing_above(api_as, tree):
    """A resident reads their own compound's node (public counts) but not the community."""
    client = api_as(resident(tree.units[0]))
    assert client.get(f"/api/v1/areas/{tree.compounds[0].pk}").status_code == 200
    assert client.get(f"/api/v1/areas/{tree.buildings[1].pk}").status_code == 200
    assert client.get(f"/api/v1/areas/{tree.communities[0].pk}").status_code == 404
    assert client.get(f"/api/v1/areas/{tree.compounds[1].pk}").status_code == 404


def test_node_costs_a_fixed_number_of_queries(street_api, tree, django_assert_max_num_queries):
    """The node with all counts is a fixed number of queries (one per level below it, at most),
    whatever the subtree size."""
    for unit in tree.units[:16]:
        MemberFactory(person=PersonFactory(area=unit))
    with django_assert_max_num_queries(16):
        assert street_api.get(f"/api/v1/areas/{tree.streets[0].pk}").status_code == 200
