"""Area management: create, rename, retire, set unit data, and move a compound (paths of its
whole subtree and of every record copying them rewritten in one transaction)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from haolinju.core.models import AuditEvent
from haolinju.core.scope import subtree_q
from haolinju.org import services
from haolinju.org.models import Area, AreaKind
from haolinju.people.models import Member, Occupancy, OccupancyRole, Person, Title
from haolinju.people.tests.factories import MemberFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_user(tree):
    return staff(Title.STREET_STAFF, tree.streets[0])


def _patch(api, url, body):
    return api.client.patch(
        url, data=json.dumps(body), content_type="application/json", headers=api.headers
    )


def test_create_rename_set_unit_and_retire_through_the_api(api_as, tree, street_user):
    """Staff create a building and a unit, rename, set the unit's area and floor, and retire
    it; each step is audited."""
    api = api_as(street_user)
    compound = tree.compounds[0]
    response = api.post("/api/v1/areas", {"parent": compound.pk, "kind": "building", "name": "9栋"})
    assert response.status_code == 201, response.json()
    building = response.json()["id"]
    response = api.post(
        "/api/v1/areas",
        {"parent": building, "kind": "unit", "name": "101", "exclusive_area": "88.50"},
    )
    assert response.status_code == 201
    unit = response.json()["id"]
    response = _patch(api, f"/api/v1/areas/{unit}", {"exclusive_area": "90.25", "floor": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["exclusive_area"] == "90.25"
    response = _patch(api, f"/api/v1/areas/{building}", {"name": "9号楼"})
    assert response.json()["name"] == "9号楼"
    response = _patch(api, f"/api/v1/areas/{unit}", {"retired": True})
    assert response.status_code == 200
    assert response.json()["retired_at"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"area.create", "area.update", "area.rename", "area.retire"} <= actions


def test_outside_scope_is_404_and_a_busy_area_cannot_be_retired(api_as, tree, street_user):
    """A compound of another street is a 404 for every write; retiring a building with
    units still open is a 409 and changes nothing."""
    api = api_as(street_user)
    far = tree.compounds[-1]
    assert _patch(api, f"/api/v1/areas/{far.pk}", {"name": "x"}).status_code == 404
    assert (
        api.post(f"/api/v1/areas/{far.pk}/move", {"parent": tree.communities[0].pk}).status_code
        == 404
    )
    response = _patch(api, f"/api/v1/areas/{tree.buildings[0].pk}", {"retired": True})
    assert response.status_code == 409
    tree.buildings[0].refresh_from_db()
    assert tree.buildings[0].retired_at is None


def test_moving_a_large_compound_rewrites_every_copied_path(api_as, tree, street_user):
    """A compound with 1,000 units, their people, occupancies and members moves to another
    community: every path in the subtree and every area_path copy starts with the new path,
    nothing remains under the old one, and audit history keeps the path it was written
    under."""
    compound = tree.compounds[0]
    units = services.units_bulk_create(
        actor=street_user,
        specs=[
            (tree.buildings[0], f"X{i}", {"exclusive_area": Decimal("70")}) for i in range(1000)
        ],
    )
    people = Person.objects.bulk_create(
        [Person(name=f"人{i}", area=u, area_path=u.path) for i, u in enumerate(units)]
    )
    Occupancy.objects.bulk_create(
        [
            Occupancy(person=p, unit=u, area_path=u.path, role=OccupancyRole.OWNER)
            for p, u in zip(people, units, strict=True)
        ]
    )
    MemberFactory(person=PersonFactory(area=tree.units[0]))
    old = compound.path
    history = AuditEvent.objects.filter(subtree_q([old])).count()
    target = tree.communities[1]  # same street
    response = api_as(street_user).post(f"/api/v1/areas/{compound.pk}/move", {"parent": target.pk})
    assert response.status_code == 200, response.json()
    new = response.json()["area"]["path"]
    assert new == target.path + old[-9:]
    assert (
        response.json()["rewritten"]["org.area"]
        == Area.objects.filter(subtree_q([new], "path")).count()
    )
    assert Area.objects.filter(subtree_q([old], "path")).count() == 0
    for model in (Person, Occupancy, Member):
        assert model.objects.filter(subtree_q([old])).count() == 0
    assert Person.objects.filter(subtree_q([new])).count() >= 1001
    unit = Area.objects.get(pk=units[0].pk)
    assert unit.path.startswith(new) and unit.depth == units[0].depth
    assert Person.objects.get(pk=people[0].pk).area_path == unit.path
    compound.refresh_from_db()
    assert compound.parent_id == target.pk
    assert AuditEvent.objects.filter(subtree_q([old])).count() == history


def test_move_refuses_a_wrong_level_or_a_descendant(api_as, tree, street_user):
    """A compound cannot move under a street or under its own building (422)."""
    api = api_as(street_user)
    compound = tree.compounds[0]
    for parent in (tree.streets[0], tree.buildings[0]):
        response = api.post(f"/api/v1/areas/{compound.pk}/move", {"parent": parent.pk})
        assert response.status_code == 422, response.json()
    compound.refresh_from_db()
    assert compound.parent_id == tree.communities[0].pk


def test_every_model_with_area_path_is_rewritten():
    """The rewrite discovers its models from the app registry (people, members, positions,
    organisations …) and leaves out insert-only audit history."""
    labels = {m._meta.label_lower for m in services.area_path_models()}
    assert {"people.person", "people.occupancy", "people.member", "org.organisation"} <= labels
    assert "core.auditevent" not in labels
    assert AreaKind.COMPOUND


def test_management_page_renames_and_explains_refusals(client, tree, street_user):
    """Staff open an area's management page and rename it; retiring a building with open
    units shows the reason (422); another street's area is a 404."""
    client.force_login(street_user)
    building = tree.buildings[0]
    url = f"/manage/areas/{building.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "rename", "name": "一号楼"}).status_code == 302
    building.refresh_from_db()
    assert building.name == "一号楼"
    response = client.post(url, {"action": "retire"})
    assert response.status_code == 422
    assert "下级区域" in response.content.decode()
    assert client.get(f"/manage/areas/{tree.buildings[-1].pk}/").status_code == 404


def test_management_page_moves_a_compound(client, tree, street_user):
    """The move form re-parents a compound to a community the staff member governs."""
    client.force_login(street_user)
    compound = tree.compounds[0]
    page = client.get(f"/manage/areas/{compound.pk}/").content.decode()
    assert 'data-testid="move-form"' in page
    response = client.post(
        f"/manage/areas/{compound.pk}/", {"action": "move", "parent": tree.communities[1].pk}
    )
    assert response.status_code == 302
    compound.refresh_from_db()
    assert compound.parent_id == tree.communities[1].pk
