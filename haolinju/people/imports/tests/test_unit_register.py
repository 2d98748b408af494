"""Importing the unit register: areas created under the actor's jurisdiction, all or nothing."""

from decimal import Decimal

import pytest

from haolinju.core.sheets.errors import ImportInvalid
from haolinju.org.models import Area, AreaBasis, AreaKind, CompoundClass
from haolinju.people.imports import services
from haolinju.people.models import ImportBatch, ImportStatus, Title
from haolinju.people.tests.factories import staff

from .sheets import UNIT_HEADERS, xlsx

pytestmark = pytest.mark.django_db

NEW_COMPOUND_ROWS = [
    ["街道0", "社区00", "江柳小区", "示范型", "1栋", "1单元", "101", 89.5, 1],
    ["街道0", "社区00", "江柳小区", "", "1栋", "1单元", "102", "96.25", 1],
    ["街道0", "社区00", "江柳小区", "", "1栋", "2单元", "201", Decimal("120"), 2],
    ["街道0", "社区00", "江柳小区", "", "2栋", "", "101", "75.00㎡", 1],
]


def _upload(user, content, **kwargs):
    return services.import_upload(
        actor=user, kind="unit_register", content=content, filename="units.xlsx", **kwargs
    )


def test_clean_register_previews_then_commits(tree, street_staff):
    """A clean file previews with the right counts and writes nothing until it is committed;
    the commit creates the compound, buildings, entrance and units with exact areas."""
    before = Area.objects.count()
    batch = _upload(street_staff, xlsx(UNIT_HEADERS, NEW_COMPOUND_ROWS))
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.rows == 4
    assert batch.summary == {
        "new_compounds": 1,
        "new_buildings": 2,
        "new_entrances": 2,
        "new_units": 4,
        "existing_units": 0,
    }
    assert Area.objects.count() == before

    services.import_commit(actor=street_staff, batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert batch.committed_at is not None
    assert batch.file_enc == ""
    assert Area.objects.count() == before + 9
    compound = Area.objects.get(kind=AreaKind.COMPOUND, name="江柳小区")
    assert compound.parent == tree.communities[0]
    assert compound.compound_class == CompoundClass.DEMONSTRATION
    assert compound.path.startswith(tree.communities[0].path)
    units = {
        (u.parent.parent.name if u.parent.kind == AreaKind.ENTRANCE else u.parent.name, u.name): u
        for u in Area.objects.filter(kind=AreaKind.UNIT, path__startswith=compound.path)
    }
    assert units[("1栋", "101")].exclusive_area == Decimal("89.50")
    assert units[("1栋", "102")].exclusive_area == Decimal("96.25")
    assert units[("1栋", "201")].exclusive_area == Decimal("120.00")
    assert units[("1栋", "201")].floor == 2
    direct = units[("2栋", "101")]
    assert direct.parent.kind == AreaKind.BUILDING  # no entrance column value: unit under building
    assert direct.exclusive_area == Decimal("75.00")


def test_commit_at_once_creates_areas(tree, district_staff):
    """With commit=True a clean file is written in the same call, new street included."""
    rows = [["新港街道", "新港社区", "新港小区", "精品型", "1栋", "1单元", "101", 88, 1]]
    batch = _upload(district_staff, xlsx(UNIT_HEADERS, rows), commit=True)
    assert batch.status == ImportStatus.COMMITTED
    street = Area.objects.get(name="新港街道")
    assert street.parent == tree.district and street.kind == AreaKind.STREET
    assert Area.objects.get(name="新港小区").compound_class == CompoundClass.BOUTIQUE


def test_one_bad_row_writes_nothing_and_points_at_the_cell(tree, street_staff):
    """A bad area on the third data row (sheet row 4, column H) blocks the whole file."""
    rows = [
        *NEW_COMPOUND_ROWS[:2],
        ["街道0", "社区00", "江柳小区", "", "1栋", "2单元", "201", "abc", 2],
    ]
    before = (Area.objects.count(), ImportBatch.objects.count())
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(UNIT_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column, error.header, error.field) == (4, "H", "专有面积（㎡）", "H4")
    assert "数字" in error.message
    assert (Area.objects.count(), ImportBatch.objects.count()) == before


def test_street_outside_jurisdiction_is_a_row_error(tree, street_staff):
    """Staff of 街道0 cannot register units in 街道1: the street cell of that row is the error."""
    rows = [
        NEW_COMPOUND_ROWS[0],
        ["街道1", "社区10", "小区100", "", "1栋", "1单元", "999", 90, 9],
    ]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(UNIT_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column, error.header) == (3, "A", "街道")
    assert "管辖范围" in error.message
    assert not Area.objects.filter(name__in=["江柳小区", "999"]).exists()


def test_community_worker_cannot_create_a_sibling_community(tree):
    """A community worker may add compounds to their community but not a new community."""
    worker = staff(Title.COMMUNITY_WORKER, tree.communities[0])
    rows = [
        ["街道0", "社区00", "新小区", "", "1栋", "", "101", 60, 1],
        ["街道0", "新社区", "新小区", "", "1栋", "", "101", 60, 1],
    ]
    with pytest.raises(ImportInvalid) as caught:
        _upload(worker, xlsx(UNIT_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "B")


def test_duplicate_unit_in_file_is_an_error(tree, street_staff):
    """The same unit twice in one file is an error on the later row."""
    rows = [
        NEW_COMPOUND_ROWS[0],
        ["街道0", "社区00", "江柳小区", "", "1栋", "1单元", "101", 89.5, 1],
    ]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(UNIT_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "G")
    assert "第2行" in error.message


def test_existing_units_are_updated_and_reported(tree, street_staff):
    """A unit already registered is updated where the file differs, each change listed as a
    warning with the old and new value; tolerant names ("1" for "1栋") find the building."""
    unit = tree.units[0]  # 街道0/社区00/小区000/1栋/1单元/101, 80.00 m²
    rows = [
        ["街道0", "社区00", "小区000", "", "1", "1单元", "101", 95, 1],
        ["街道0", "社区00", "小区000", "", "1栋", "1单元", "301", 95, 3],
    ]
    batch = _upload(street_staff, xlsx(UNIT_HEADERS, rows), commit=True)
    assert batch.summary["existing_units"] == 1
    assert batch.summary["new_units"] == 1
    assert batch.summary["updated_units"] == 1
    assert (batch.warnings[0]["row"], batch.warnings[0]["column"]) == (2, "H")
    assert "80.00" in batch.warnings[0]["message"]
    assert "95.00" in batch.warnings[0]["message"]
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("95.00")
    assert Area.objects.get(parent=unit.parent, name="301").exclusive_area == Decimal("95.00")


def test_every_row_is_validated_and_all_errors_returned(tree, street_staff):
    """Errors from several rows and columns come back together, in sheet order."""
    headers = [*UNIT_HEADERS, "面积依据", "开发商未售"]
    rows = [
        ["街道0", "社区00", "江柳小区", "一流型", "1栋", "1单元", "101", 89.5, 1, "登记", "否"],
        ["街道0", "社区00", "江柳小区", "", "1栋", "1单元", "102", -3, "三楼", "合同", "否"],
        ["街道0", "", "江柳小区", "", "1栋", "1单元", "103", 60, 1, "估算", "也许"],
    ]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(headers, rows))
    cells = [e.field for e in caught.value.errors]
    assert cells == ["D2", "H3", "I3", "B4", "J4", "K4"]


def test_area_basis_and_developer_flag_are_stored(tree, street_staff):
    """面积依据 and 开发商未售 are parsed into the unit's fields."""
    headers = [*UNIT_HEADERS, "面积依据", "开发商未售"]
    rows = [["街道0", "社区00", "小区000", "", "1栋", "1单元", "501", 70, 5, "测绘面积", "是"]]
    _upload(street_staff, xlsx(headers, rows), commit=True)
    unit = Area.objects.get(name="501", parent=tree.entrances[0])
    assert unit.area_basis == AreaBasis.SURVEYED
    assert unit.developer_held is True


def test_bulk_units_match_area_create(tree, street_staff):
    """Units written in bulk have what ``org.services.area_create`` would give them: the
    path of their parent plus their own id, the depth, the fields, and an audit event."""
    from haolinju.core.models import AuditEvent
    from haolinju.org.services import area_create

    entrance = tree.entrances[0]
    by_hand = area_create(
        actor=street_staff,
        parent=entrance,
        kind=AreaKind.UNIT,
        name="手工",
        exclusive_area=Decimal("70.5"),
        floor=7,
    )
    rows = [["街道0", "社区00", "小区000", "", "1栋", "1单元", "导入", "70.50", 7]]
    _upload(street_staff, xlsx(UNIT_HEADERS, rows), commit=True)
    imported = Area.objects.get(parent=entrance, name="导入")

    def shape(area):
        event = AuditEvent.objects.get(target_type="org.area", target_id=area.pk)
        return {
            "path": area.path.removesuffix(f"{area.pk:09d}"),
            "own_segment": area.path[-9:] == f"{area.pk:09d}",
            "fields": (area.kind, area.depth, area.exclusive_area, area.floor, area.area_basis),
            "event": (event.action, event.area_path == area.path, event.actor_id),
        }

    assert shape(imported) == shape(by_hand)
    assert Area.objects.filter(path__startswith="~").count() == 0
