"""Area reads: subtree range queries, counts, scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haolinju.core.errors import NotFound
from haolinju.core.scope import Jurisdiction
from haolinju.org import selectors
from haolinju.org.models import AreaKind, CompoundClass, OrgKind
from haolinju.org.tests.factories import OrganisationFactory, child

pytestmark = pytest.mark.django_db


class Actor:
    is_authenticated = True
    is_superuser = False

    def __init__(self, *paths):
        self._haolinju_jurisdiction = Jurisdiction(staff_paths=paths, public_paths=paths)


def test_subtree_is_one_query_and_exact(tree):
    """All units of a community come from one query, and only that community's units."""
    community = tree.communities[0]
    with CaptureQueriesContext(connection) as ctx:
        units = list(selectors.areas_within(community, kind=AreaKind.UNIT))
    assert len(ctx.captured_queries) == 1
    expected = [u for u in tree.units if u.path.startswith(community.path)]
    assert sorted(u.pk for u in units) == sorted(u.pk for u in expected)
    assert len(units) == 2 * 2 * 2 * 2


def test_sibling_ids_sharing_digits_do_not_bleed(tree):
    """Area 1's subtree never includes areas under 10 or 11 (fixed-width path segments)."""
    district = tree.district
    many = [child(district, AreaKind.STREET, f"S{i}") for i in range(12)]
    first = many[0]
    inside = child(first, AreaKind.COMMUNITY, "inside")
    got = {a.pk for a in selectors.areas_within(first)}
    assert got == {first.pk, inside.pk}


def test_structure_counts_match_the_tree(tree):
    """A street's node counts its communities, compounds by class, buildings, units and orgs."""
    street = tree.streets[0]
    for compound in tree.compounds:
        OrganisationFactory(kind=OrgKind.BRANCH, area=compound)
    counts = selectors.area_structure_counts(street)
    assert counts.communities == 2
    assert counts.compounds == 4
    assert sum(counts.compounds_by_class.values()) == 4
    assert set(counts.compounds_by_class) == set(CompoundClass.values)
    assert counts.buildings == 8
    assert counts.units == 32
    assert counts.organisations[OrgKind.BRANCH] == 4
    assert counts.organisations[OrgKind.MEDIATION_GROUP] == 0


def test_area_outside_scope_is_not_found(tree):
    """An area outside the actor's jurisdiction is a NotFound, like a missing one."""
    actor = Actor(tree.streets[0].path)
    assert selectors.area_get(actor=actor, area_id=tree.communities[0].pk)
    with pytest.raises(NotFound):
        selectors.area_get(actor=actor, area_id=tree.communities[-1].pk)
    with pytest.raises(NotFound):
        selectors.area_get(actor=actor, area_id=10**8)
    assert [a.pk for a in selectors.area_roots(actor=actor)] == [tree.streets[0].pk]


def test_ancestors_are_root_first(tree):
    """Breadcrumbs of a unit run district → … → entrance."""
    unit = tree.units[0]
    kinds = [a.kind for a in selectors.area_ancestors(unit)]
    assert kinds == ["district", "street", "community", "compound", "building", "entrance"]


def test_compound_of_finds_the_enclosing_compound(tree):
    """A unit's compound is found from its path; a street has none."""
    assert selectors.compound_of(tree.units[0].path) == tree.compounds[0]
    assert selectors.compound_of(tree.streets[0].path) is None
