"""Retired areas (kept for history) stay out of the dashboards' figures and lists, while the
retired area's own page, the area management page and the API on request still show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haolinju.dashboard.selectors import node_counts
from haolinju.dashboard.selectors_ui import children_summaries
from haolinju.org.models import AreaKind, OrgKind
from haolinju.org.services import area_retire
from haolinju.org.tests.factories import OrganisationFactory, child
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def demolished(tree):
    """A third building in the first compound, with one entrance, two units and a party
    group, retired (units first, as the service requires)."""
    compound = tree.compounds[0]
    building = child(compound, AreaKind.BUILDING, "3栋")
    entrance = child(building, AreaKind.ENTRANCE, "1单元")
    units = [child(entrance, AreaKind.UNIT, n) for n in ("101", "102")]
    OrganisationFactory(kind=OrgKind.BUILDING_GROUP, area=building, area_path=building.path)
    worker = staff(Title.STREET_STAFF, tree.streets[0])
    for area in (*units, entrance, building):
        area.refresh_from_db()
        area_retire(actor=worker, area=area)
    building.refresh_from_db()
    return building, worker


def test_node_counts_leave_retired_areas_out(tree, demolished):
    """The compound's building, unit and party-group counts are those before the building
    was added: 2 buildings, 8 units, no building group."""
    counts = node_counts(tree.compounds[0])
    assert (counts["buildings"], counts["units"]) == (2, 8)
    assert counts["organisations"]["building_group"] == 0
    street = node_counts(tree.streets[0])
    assert (street["buildings"], street["units"]) == (8, 32)


def test_child_lists_and_their_figures_leave_retired_areas_out(client, tree, demolished):
    """The compound page lists its two live buildings only, and the community page's figure
    for the compound counts 2 buildings and 8 units."""
    _building, worker = demolished
    client.force_login(worker)
    page = client.get(reverse("dashboard:area", args=[tree.compounds[0].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1栋" in html and "3栋" not in html
    summary = children_summaries([tree.compounds[0]])[tree.compounds[0].pk]
    assert (summary.buildings, summary.units) == (2, 8)


def test_a_retired_area_stays_readable(client, tree, demolished):
    """History stays readable: the retired building's own page opens with a 已撤销 badge,
    the API lists it on request (with its retirement time), and not by default."""
    building, worker = demolished
    client.force_login(worker)
    page = client.get(reverse("dashboard:area", args=[building.pk]))
    assert page.status_code == 200 and 'data-testid="retired"' in page.content.decode()
    url = f"/api/v1/areas/{tree.compounds[0].pk}/children"
    current = client.get(url).json()
    assert [a["name"] for a in current["items"]] == ["1栋", "2栋"]
    everything = client.get(url, {"include_retired": "true"}).json()
    names = {a["name"]: a["retired_at"] for a in everything["items"]}
    assert set(names) == {"1栋", "2栋", "3栋"} and names["3栋"] and not names["1栋"]
