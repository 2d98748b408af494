"""Importing into a chosen area, name normalisation, column synonyms and column mapping."""

import json
from decimal import Decimal

import pytest

from haolinju.core.errors import InvalidInput
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.org.models import Area, AreaBasis, AreaKind
from haolinju.org.registers.addresses import canonical_name
from haolinju.people.imports import services
from haolinju.people.models import ColumnMapping, ImportStatus, Person

from .conftest import bearer
from .sheets import xlsx
from .test_people_ledger import ID_A

pytestmark = pytest.mark.django_db


def _upload(user, content, **kwargs):
    return services.import_upload(
        actor=user, kind="unit_register", content=content, filename="u.xlsx", **kwargs
    )


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [
        (AreaKind.BUILDING, ["1栋", "1号楼", "1", "一栋", "1幢", "１栋", "01"]),
        (AreaKind.ENTRANCE, ["1单元", "一单元", "1", "01单元"]),
        (AreaKind.UNIT, ["101", "101室", " 101 ", "101号"]),
    ],
)
def test_names_normalise_to_one_canonical_form(kind, spellings):
    """Every documented spelling of a building, entrance or unit folds to the same name."""
    assert len({canonical_name(kind, s) for s in spellings}) == 1


def test_building_ten_and_one_stay_apart():
    """Normalisation never merges different numbers (十 is 10, not 1)."""
    assert canonical_name(AreaKind.BUILDING, "十栋") == "10"
    assert canonical_name(AreaKind.BUILDING, "10栋") != canonical_name(AreaKind.BUILDING, "1栋")


def test_compound_file_without_address_columns_imports_into_the_target(tree, street_staff):
    """A single compound's register (no 街道/社区/小区 columns) imports into the chosen compound:
    existing buildings are matched by tolerant names, missing ones created, the 房号 typed as
    a number is found, and the file's area basis applies to every unit."""
    compound = tree.compounds[0]  # 小区000 with 1栋, 2栋
    rows = [
        ["1号楼", "一单元", 101, "88.5"],  # existing unit (was 80.00)
        ["3", "1", "301", 95],  # new building 3, entrance 1
    ]
    batch = _upload(
        street_staff,
        xlsx(["楼号", "单元", "门牌号", "建筑面积"], rows),
        commit=True,
        target_id=compound.pk,
        options={"area_basis": "测绘面积"},
    )
    assert batch.target_id == compound.pk
    assert batch.summary["existing_units"] == 1
    assert batch.summary["new_buildings"] == 1
    tree.units[0].refresh_from_db()
    assert tree.units[0].exclusive_area == Decimal("88.50")
    assert tree.units[0].area_basis == AreaBasis.SURVEYED
    new = Area.objects.get(parent__parent__name="3", parent__parent__parent=compound, name="301")
    assert new.area_basis == AreaBasis.SURVEYED


def test_address_columns_must_agree_with_the_target(tree, street_staff):
    """A row naming another compound than the target is an error at its cell; nothing written."""
    compound = tree.compounds[0]
    rows = [
        ["小区000", "1栋", "1单元", "101", 80],
        ["小区001", "1栋", "1单元", "101", 80],
    ]
    before = Area.objects.count()
    with pytest.raises(ImportInvalid) as caught:
        _upload(
            street_staff,
            xlsx(["小区", "楼栋", "单元", "房号", "面积"], rows),
            target_id=compound.pk,
        )
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "A")
    assert "不一致" in error.message
    assert Area.objects.count() == before


def test_community_target_needs_the_compound_column(tree, street_staff):
    """Imported into a community, a row without 小区 says so at the row."""
    community = tree.communities[0]
    rows = [["", "1栋", "101", 80], ["小区000", "1栋", "101", 80]]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(["小区", "楼栋", "房号", "面积"], rows), target_id=community.pk)
    [error] = caught.value.errors
    assert error.row == 2
    assert "小区" in error.message


def test_target_outside_jurisdiction_or_wrong_level_is_refused(tree, street_staff):
    """A compound in another street, or a building, cannot be a target."""
    content = xlsx(["楼栋", "房号", "面积"], [["1栋", "101", 80]])
    for target in (tree.compounds[-1], tree.buildings[0]):
        with pytest.raises(InvalidInput) as caught:
            _upload(street_staff, content, target_id=target.pk)
        assert caught.value.errors[0].field == "target"


def test_a_retired_compound_is_neither_offered_nor_accepted_as_a_target(tree, street_staff):
    """A retired compound (kept for history) is not among the import targets, and naming it
    anyway is a field error on ``target``."""
    import datetime as dt

    from haolinju.org.selectors import import_targets

    compound = tree.compounds[0]
    Area.objects.filter(pk=compound.pk).update(retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert compound.pk not in {a.pk for a in import_targets(actor=street_staff)}
    with pytest.raises(InvalidInput) as caught:
        _upload(street_staff, xlsx(["楼栋", "房号", "面积"], [["1栋", "101", 80]]),
                target_id=compound.pk)  # fmt: skip
    assert caught.value.errors[0].field == "target"


def test_area_bound_and_non_positive_area_are_errors(tree, street_staff, settings):
    """An area above the configured bound, or ≤ 0, is an error at the area cell."""
    settings.HAOLINJU_IMPORT_MAX_UNIT_AREA = 300
    rows = [["1栋", "1单元", "501", 301], ["1栋", "1单元", "502", 0], ["1栋", "1单元", "503", 300]]
    with pytest.raises(ImportInvalid) as caught:
        _upload(
            street_staff,
            xlsx(["楼栋", "单元", "房号", "面积"], rows),
            target_id=tree.compounds[0].pk,
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "D"), (3, "D")]
    assert "300" in caught.value.errors[0].message


def test_unmatched_required_column_waits_for_a_mapping_and_is_remembered(tree, street_staff):
    """A people register whose 姓名 column is headed "户主名称" is held for mapping (unknown
    columns listed, nothing written); mapping it makes a preview, and the next file with the
    same headers needs no mapping."""
    headers = ["户主名称", "身份证号", "楼栋", "单元", "房号", "备注"]
    content = xlsx(headers, [["张三", ID_A, "1栋", "1单元", "101", "x"]])
    people = Person.objects.count()
    batch = _people(street_staff, content, target_id=tree.compounds[0].pk)
    assert batch.status == ImportStatus.NEEDS_MAPPING
    assert batch.preview["unmatched_columns"] == ["户主名称", "备注"]
    assert batch.preview["missing_fields"] == ["name"]

    batch = services.import_remap(
        actor=street_staff, batch_id=batch.pk, mapping={"户主名称": "name"}
    )
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.preview["mapped_columns"] == {"户主名称": "name"}
    assert batch.preview["ignored_columns"] == ["备注"]
    assert ColumnMapping.objects.get(actor=street_staff).mapping == {"户主名称": "name"}
    assert Person.objects.count() == people

    again = _people(street_staff, content, target_id=tree.compounds[0].pk, commit=True)
    assert again.status == ImportStatus.COMMITTED
    assert Person.objects.filter(name="张三").count() == 1


def _people(user, content, **kwargs):
    return services.import_upload(
        actor=user, kind="people", content=content, filename="p.xlsx", **kwargs
    )


def test_api_takes_target_basis_and_mapping(client, tree, street_staff):
    """POST /api/v1/imports accepts target, area_basis and a JSON mapping (multipart)."""
    content = xlsx(["楼栋", "单元", "编号", "面积"], [["1栋", "1单元", "701", 80]])
    response = client.post(
        "/api/v1/imports",
        {
            "kind": "unit_register",
            "target": tree.compounds[0].pk,
            "area_basis": "contract",
            "mapping": json.dumps({"编号": "unit"}),
            "commit": "true",
            "file": _named(content),
        },
        **bearer(street_staff),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["target_id"] == tree.compounds[0].pk
    assert Area.objects.get(name="701").area_basis == AreaBasis.CONTRACT


def test_api_maps_a_waiting_batch(client, tree, street_staff):
    """POST /api/v1/imports/{id}/mapping turns a batch waiting for a mapping into a preview."""
    content = xlsx(["居民", "身份证号", "楼栋", "房号"], [["李四", ID_A, "1栋", "101"]])
    response = client.post(
        "/api/v1/imports",
        {"kind": "people", "target": tree.compounds[0].pk, "file": _named(content)},
        **bearer(street_staff),
    )
    assert response.json()["status"] == "needs_mapping"
    batch_id = response.json()["id"]
    response = client.post(
        f"/api/v1/imports/{batch_id}/mapping",
        {"mapping": {"居民": "name"}},
        content_type="application/json",
        **bearer(street_staff),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "previewed"


def _named(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("u.xlsx", content)
