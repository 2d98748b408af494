"""Owners from the unit register: 产权人 → owner / co-owner occupancies, 开发商 → developer-held,
产权证号 encrypted."""

import pytest

from haolinju.core.crypto import decrypt
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.org.models import Area
from haolinju.people.imports import services
from haolinju.people.models import Occupancy, OccupancyRole, Person
from haolinju.people.tests.factories import PersonFactory

from .sheets import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["楼栋", "单元", "房号", "建筑面积", "产权人", "产权证号"]
DEED = "鄂(2019)黄州区不动产权第0001234号"


def _commit(user, rows, compound, **kwargs):
    return services.import_upload(
        actor=user,
        kind="unit_register",
        content=xlsx(HEADERS, rows),
        filename="u.xlsx",
        target_id=compound.pk,
        commit=True,
        **kwargs,
    )


def test_owners_and_co_owners_are_recorded_and_the_deed_encrypted(tree, street_staff):
    """ "张三、李梅" makes 张三 the owner and 李梅 a co-owner of the unit; the same name in another
    unit of the compound is the same person; the deed number is stored only encrypted."""
    compound = tree.compounds[0]
    rows = [
        ["1栋", "1单元", "101", 80, "张三、李梅", DEED],
        ["1栋", "1单元", "201", 90, "张三", ""],
    ]
    batch = _commit(street_staff, rows, compound)
    assert batch.summary["owners"] == 3
    assert batch.summary["new_owners"] == 2
    unit = tree.units[0]
    roles = dict(Occupancy.objects.filter(unit=unit).values_list("person__name", "role"))
    assert roles == {"张三": OccupancyRole.OWNER, "李梅": OccupancyRole.CO_OWNER}
    zhang = Person.objects.get(name="张三")
    assert set(zhang.occupancies.values_list("unit__name", flat=True)) == {"101", "201"}
    unit.refresh_from_db()
    assert DEED not in unit.deed_number_enc
    assert decrypt(unit.deed_number_enc) == DEED
    assert unit.deed_number_masked.startswith("鄂(") and DEED not in unit.deed_number_masked


def test_developer_marks_the_unit_developer_held(tree, street_staff):
    """ "开发商" (or a configured synonym) marks the unit developer-held and records no owner."""
    compound = tree.compounds[0]
    rows = [["1栋", "1单元", "101", 80, "开发商", ""], ["1栋", "2单元", "102", 80, "未售", ""]]
    batch = _commit(street_staff, rows, compound)
    assert batch.summary["developer_held"] == 2
    assert Area.objects.filter(parent__parent=tree.buildings[0], developer_held=True).count() == 2
    assert Occupancy.objects.count() == 0


def test_existing_person_in_the_compound_is_matched_by_name(tree, street_staff):
    """A person of that name already living in the compound becomes the owner; none is added."""
    compound = tree.compounds[0]
    known = PersonFactory(name="王五", area=tree.units[1])
    people = Person.objects.count()
    batch = _commit(street_staff, [["1栋", "1单元", "101", 80, "王五", ""]], compound)
    assert batch.summary["matched_people"] == 1
    assert Person.objects.count() == people
    assert Occupancy.objects.get(unit=tree.units[0]).person == known


def test_reimport_records_no_duplicate_occupancy(tree, street_staff):
    """Importing the same register twice keeps one occupancy per owner and unit."""
    rows = [["1栋", "1单元", "101", 80, "张三、李梅", ""]]
    _commit(street_staff, rows, tree.compounds[0])
    _commit(street_staff, rows, tree.compounds[0])
    assert Occupancy.objects.filter(unit=tree.units[0]).count() == 2
    assert Person.objects.filter(name="张三").count() == 1


def test_ambiguous_or_contradictory_owners_are_errors(tree, street_staff):
    """Two people of one name in the compound (none at the unit), 开发商 beside a name, and an
    owner on a row without a unit are each an error at the 产权人 cell; nothing is written."""
    PersonFactory(name="赵六", area=tree.units[2])
    PersonFactory(name="赵六", area=tree.units[3])
    rows = [
        ["1栋", "1单元", "101", 80, "赵六", ""],
        ["1栋", "1单元", "201", 80, "开发商、张三", ""],
        ["1栋", "", "", "", "张三", ""],
        ["1栋", "2单元", "102", 80, "孙七", ""],
    ]
    people = Person.objects.count()
    with pytest.raises(ImportInvalid) as caught:
        _commit(street_staff, rows, tree.compounds[0])
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "E"), (3, "E"), (4, "E")]
    assert Person.objects.count() == people
    assert Occupancy.objects.count() == 0
