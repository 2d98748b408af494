"""Area-tree and organisation writes: shape rules, scope, validation, exact areas."""

from decimal import Decimal

import pytest

from haolinju.accounts.models import User
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.models import AuditEvent
from haolinju.core.scope import Jurisdiction
from haolinju.org import services
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind

pytestmark = pytest.mark.django_db


def Actor(*paths, superuser=False):
    """A real user whose jurisdiction is given directly (positions are tested in people)."""
    user = User.objects.create(username=f"actor{User.objects.count()}", is_superuser=superuser)
    user._haolinju_jurisdiction = Jurisdiction(
        staff_paths=paths, people_paths=paths, public_paths=paths, is_superuser=superuser
    )
    return user


def test_area_create_sets_path_below_parent_and_logs(tree):
    """A new compound's path extends its community's path, and an audit event is written."""
    community = tree.communities[0]
    compound = services.area_create(
        actor=Actor(community.path), parent=community, kind=AreaKind.COMPOUND, name="新苑"
    )
    assert compound.path.startswith(community.path)
    assert len(compound.path) == len(community.path) + 9
    assert compound.depth == community.depth + 1
    assert AuditEvent.objects.filter(action="area.create", target_id=compound.pk).exists()


def test_area_create_rejects_wrong_level(tree):
    """A unit cannot sit directly under a community; nothing is written."""
    before = Area.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.area_create(
            actor=Actor(tree.district.path),
            parent=tree.communities[0],
            kind=AreaKind.UNIT,
            name="101",
        )
    assert exc.value.errors[0].field == "kind"
    assert Area.objects.count() == before


def test_area_create_outside_scope_is_not_found(tree):
    """Staff of one street cannot add areas in another street (404, nothing written)."""
    before = Area.objects.count()
    with pytest.raises(NotFound):
        services.area_create(
            actor=Actor(tree.streets[0].path),
            parent=tree.communities[-1],
            kind=AreaKind.COMPOUND,
            name="越界小区",
        )
    assert Area.objects.count() == before


def test_only_superusers_create_roots():
    """A district root needs a superuser."""
    with pytest.raises(NotPermitted):
        services.area_create(actor=Actor(), parent=None, kind=AreaKind.DISTRICT, name="黄州区")
    root = services.area_create(
        actor=Actor(superuser=True), parent=None, kind=AreaKind.DISTRICT, name="黄州区"
    )
    assert root.depth == 0 and root.parent is None


def test_duplicate_sibling_name_is_an_error(tree):
    """Two buildings of one compound cannot share a name."""
    compound = tree.compounds[0]
    with pytest.raises(InvalidInput) as exc:
        services.area_create(
            actor=Actor(compound.path), parent=compound, kind=AreaKind.BUILDING, name="1栋"
        )
    assert exc.value.errors[0].field == "name"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("89.5", Decimal("89.50")), ("1,120.25", Decimal("1120.25")), ("60㎡", Decimal("60.00"))],
)
def test_unit_area_is_exact_decimal(tree, raw, expected):
    """Exclusive areas are stored as exact decimals in m², whatever the notation."""
    entrance = tree.entrances[0]
    unit = services.area_create(
        actor=Actor(entrance.path),
        parent=entrance,
        kind=AreaKind.UNIT,
        name=f"x{raw}",
        exclusive_area=raw,
    )
    unit.refresh_from_db()
    assert unit.exclusive_area == expected


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "89.505", "NaN"])
def test_unit_area_rejects_nonsense(tree, raw):
    """Zero, negative, non-numeric or sub-centimetre areas are refused with a field error."""
    entrance = tree.entrances[0]
    with pytest.raises(InvalidInput) as exc:
        services.area_create(
            actor=Actor(entrance.path),
            parent=entrance,
            kind=AreaKind.UNIT,
            name="999",
            exclusive_area=raw,
        )
    assert exc.value.errors[0].field == "exclusive_area"


def test_property_company_needs_valid_credit_code(tree):
    """A property company with a bad credit code is refused; a valid one serves many compounds."""
    actor = Actor(tree.district.path)
    with pytest.raises(InvalidInput) as exc:
        services.organisation_create(
            actor=actor,
            area=tree.district,
            kind=OrgKind.PROPERTY_COMPANY,
            name="某物业",
            credit_code="91110108551385082A",
        )
    assert exc.value.errors[0].field == "credit_code"
    company = services.organisation_create(
        actor=actor,
        area=tree.district,
        kind=OrgKind.PROPERTY_COMPANY,
        name="某物业",
        credit_code="91110108551385082q",
        served_areas=tree.compounds[:3],
    )
    assert company.credit_code == "91110108551385082Q"
    assert company.served_areas.count() == 3


def test_organisation_must_sit_at_its_level(tree):
    """A branch belongs to a compound, not to a building."""
    with pytest.raises(InvalidInput) as exc:
        services.organisation_create(
            actor=Actor(tree.district.path),
            area=tree.buildings[0],
            kind=OrgKind.BRANCH,
            name="支部",
        )
    assert exc.value.errors[0].field == "area"
    assert not Organisation.objects.exists()
