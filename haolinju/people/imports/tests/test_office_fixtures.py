"""Registers as offices write them, made with LibreOffice (``fixtures/make_fixtures.py``):
a merged title row, numbers as text and text as numbers, header synonyms, 、-separated owners,
开发商 units, a 15-digit ID number and a lowercase x. Each rule has a failing row in the *_bad
file and a passing row in both."""

from decimal import Decimal
from pathlib import Path

import pytest

from haolinju.core.sheets.errors import ImportInvalid
from haolinju.org.models import Area, AreaBasis, AreaKind
from haolinju.org.tests.factories import child
from haolinju.people.imports import services
from haolinju.people.models import Ledger, Member, Occupancy, OccupancyRole, Person

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def compound(tree):
    return child(tree.communities[0], AreaKind.COMPOUND, "江柳小区")


def _import(user, kind, name, compound, commit=True):
    return services.import_upload(
        actor=user,
        kind=kind,
        content=(FIXTURES / f"{name}.xlsx").read_bytes(),
        filename=f"{name}.xlsx",
        target_id=compound.pk,
        commit=commit,
    )


def _error_cells(user, kind, name, compound) -> dict[str, str]:
    with pytest.raises(ImportInvalid) as caught:
        _import(user, kind, name, compound)
    return {e.field: e.message for e in caught.value.errors}


def test_office_unit_register_imports_units_owners_and_developer_units(compound, street_staff):
    """The LibreOffice unit register builds the compound: buildings 1 and 2 from 1号楼/1/1栋
    and 2号楼/2, units from numbers and text, areas from "89.5", 96.25 and "120㎡", owners
    split on 、 and ，, one person for 张三's two units, 开发商 as developer-held."""
    batch = _import(street_staff, "unit_register", "office_units_good", compound)
    assert batch.summary["new_buildings"] == 2
    assert batch.summary["new_units"] == 5
    units = {
        (a.parent.name if a.parent.kind == AreaKind.BUILDING else a.parent.parent.name, a.name): a
        for a in Area.objects.filter(kind=AreaKind.UNIT, path__startswith=compound.path)
    }
    assert units[("1号楼", "101")].exclusive_area == Decimal("89.50")
    assert units[("1号楼", "101")].area_basis == AreaBasis.REGISTERED
    assert units[("1号楼", "201")].exclusive_area == Decimal("120.00")
    assert units[("1号楼", "201")].developer_held is True
    assert units[("2号楼", "102")].exclusive_area == Decimal("75.00")
    zhang = Person.objects.get(name="张三")
    assert zhang.occupancies.count() == 2
    assert Occupancy.objects.get(person__name="钱七").role == OccupancyRole.CO_OWNER


def test_office_unit_register_faults_are_reported_all_at_once(compound, street_staff):
    """Every faulty row of the office unit register is reported at its cell; nothing written."""
    cells = _error_cells(street_staff, "unit_register", "office_units_bad", compound)
    assert set(cells) == {"D4", "D5", "F6", "E7", "C8", "D9", "F9"}
    assert Area.objects.filter(path__startswith=compound.path).count() == 1


def test_office_people_register_completes_owners_and_maps_party_categories(compound, street_staff):
    """After the unit register, the people register (15-digit ID, lowercase x, phone with
    spaces, 家属/居民 as 身份, 中共党员 + 在职) links 张三 to the owner already recorded and
    derives the ledgers from 党员类别."""
    _import(street_staff, "unit_register", "office_units_good", compound)
    preview = _import(street_staff, "people", "office_people_good", compound, commit=False)
    assert preview.preview["ignored_columns"] == []
    batch = services.import_commit(actor=street_staff, batch_id=preview.pk)
    assert batch.summary["matched_people"] == 1  # 张三, recorded as owner by the unit register
    zhang = Person.objects.get(name="张三")
    assert zhang.id_number_masked.endswith("5X")
    assert Person.objects.filter(name="张三").count() == 1
    assert Person.objects.get(name="老周").birth_date.year == 1962
    assert set(Member.objects.get(person=zhang).ledgers()) == {Ledger.SELF_MANAGED, Ledger.RETIRED}
    assert Member.objects.get(person__name="刘芳").ledgers() == [Ledger.IN_SERVICE]


def test_office_people_register_faults_are_reported_all_at_once(compound, street_staff):
    """Sex vs ID, a category without membership, an unknown 身份, an ID saved as a number, an
    area contradicting the unit register, a missing ID and an unknown category: each at its
    cell."""
    _import(street_staff, "unit_register", "office_units_good", compound)
    people = Person.objects.count()
    cells = _error_cells(street_staff, "people", "office_people_bad", compound)
    assert set(cells) == {"B4", "J5", "H6", "C7", "L8", "C9", "J9"}
    assert Person.objects.count() == people
