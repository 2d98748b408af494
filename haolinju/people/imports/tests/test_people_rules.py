"""The people register as offices write it: 是否党员 + 党员类别, 身份 synonyms, cross-field
checks, owners completed by name + unit, and ID numbers registered elsewhere."""

import datetime as dt

import pytest

from haolinju.core.models import AuditEvent
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.core.validators import make_id_number
from haolinju.people.imports import services
from haolinju.people.models import (
    Employment,
    HeldAt,
    Ledger,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
)
from haolinju.people.tests.factories import PersonFactory

from .sheets import xlsx

pytestmark = pytest.mark.django_db
MALE = make_id_number("421102", dt.date(1958, 3, 7), 125)
MALE_2 = make_id_number("421102", dt.date(1990, 5, 1), 311)
FEMALE = "11010519491231002X"
HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "楼栋",
    "单元",
    "房号",
    "身份",
    "是否党员",
    "党员类别",
    "工作单位",
]


def _row(name, sex, id_number, unit="101", role="居民", member="否", category="", employer=""):
    entrance = "1单元" if unit in ("101", "201") else "2单元"
    return [name, sex, id_number, "1栋", entrance, unit, role, member, category, employer]


def _upload(user, tree, rows, headers=HEADERS, **kwargs):
    return services.import_upload(
        actor=user,
        kind="people",
        content=xlsx(headers, rows),
        filename="p.xlsx",
        target_id=tree.compounds[0].pk,
        **kwargs,
    )


def _errors(user, tree, rows, headers=HEADERS):
    with pytest.raises(ImportInvalid) as caught:
        _upload(user, tree, rows, headers)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_party_category_maps_onto_the_ledger_attributes(tree, street_staff):
    """离退休 → held by the community, retired; 在职 with an employer → in service; the mapping is
    stated in the preview's notes and the derived ledgers shown per row."""
    rows = [
        _row("王建国", "男", MALE, member="是", category="离退休"),
        _row(
            "李梅", "女", FEMALE, unit="201", member="中共党员", category="在职", employer="市一中"
        ),
    ]
    preview = _upload(street_staff, tree, rows)
    assert any("离退休 → " in note for note in preview.preview["notes"])
    assert str(Ledger.RETIRED.label) in preview.preview["rows"][0]["cells"][6]
    _upload(street_staff, tree, rows, commit=True)
    retired = Member.objects.get(person__name="王建国")
    assert (retired.held_at, retired.employment) == (HeldAt.COMMUNITY, Employment.RETIRED)
    assert set(retired.ledgers()) == {Ledger.SELF_MANAGED, Ledger.RETIRED}
    working = Member.objects.get(person__name="李梅")
    assert working.ledgers() == [Ledger.IN_SERVICE]
    assert working.mobility == Mobility.SETTLED


def test_category_errors_point_at_their_cells(tree, street_staff):
    """A category for a non-member, an unknown category and an internal column contradicting
    the category are errors; 在职 without an employer is only a warning (not an error)."""
    headers = [*HEADERS, "就业状态"]
    rows = [
        [*_row("甲", "", MALE, category="离退休"), ""],
        [*_row("乙", "", MALE_2, unit="201", member="是", category="老党员"), ""],
        [*_row("丙", "", FEMALE, unit="102", member="是", category="在职"), ""],
        [*_row("丁", "", "", unit="202", member="是", category="离退休"), "在职"],
    ]
    errors = _errors(street_staff, tree, rows, headers)
    cells = [(r, c) for r, c, _m in errors]
    assert (2, "I") in cells and "不是党员" in errors[cells.index((2, "I"))][2]
    assert (3, "I") in cells
    assert not any(r == 4 for r, _c in cells)
    assert (5, "K") in cells and "不一致" in errors[cells.index((5, "K"))][2]


def test_in_service_member_without_employer_imports_with_a_warning(tree, street_staff):
    """党员类别 在职 with 工作单位 blank (common in real registers; RULES.md §4 does not ask
    for it) imports the member into the in-service ledger, with a warning at the 工作单位
    cell in the preview and the committed batch."""
    rows = [_row("丙", "女", FEMALE, unit="102", member="是", category="在职")]
    preview = _upload(street_staff, tree, rows)
    [warning] = [w for w in preview.warnings if w["column"] == "J"]
    assert warning["row"] == 2 and "工作单位" in warning["message"]
    assert preview.summary["members_without_employer"] == 1
    batch = services.import_commit(actor=street_staff, batch_id=preview.pk)
    member = Member.objects.get(person__name="丙")
    assert (member.held_at, member.employment, member.employer) == (
        HeldAt.EMPLOYER,
        Employment.WORKING,
        "",
    )
    assert member.ledgers() == [Ledger.IN_SERVICE]
    assert any(w["column"] == "J" for w in batch.warnings)


def test_sex_must_agree_with_the_id_number(tree, street_staff):
    """性别 contradicting the ID number's 17th digit is an error; agreeing passes."""
    rows = [_row("王", "女", MALE), _row("李", "女", FEMALE, unit="201")]
    assert [(r, c) for r, c, _m in _errors(street_staff, tree, rows)] == [(2, "B")]


def test_area_must_match_the_unit_register_and_be_sane(tree, street_staff, settings):
    """An area differing from the unit's registered area, ≤ 0, or above the bound is an error."""
    settings.HAOLINJU_IMPORT_MAX_UNIT_AREA = 500
    headers = ["姓名", "身份证号", "楼栋", "单元", "房号", "建筑面积"]
    rows = [
        ["甲", MALE, "1栋", "1单元", "101", "80"],  # registered 80.00: passes
        ["乙", MALE_2, "1栋", "1单元", "201", 95],
        ["丙", FEMALE, "1栋", "2单元", "102", -3],
        ["丁", "", "1栋", "2单元", "202", 900],
    ]
    errors = _errors(street_staff, tree, rows, headers)
    area_cells = [(r, c) for r, c, _m in errors if c == "F"]
    assert area_cells == [(3, "F"), (4, "F"), (5, "F")]
    assert "90.00" in next(m for r, c, m in errors if (r, c) == (3, "F"))


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("业主", OccupancyRole.OWNER),
        ("产权人", OccupancyRole.OWNER),
        ("租户", OccupancyRole.TENANT),
        ("承租人", OccupancyRole.TENANT),
        ("居民", OccupancyRole.RESIDENT),
        ("住户", OccupancyRole.RESIDENT),
        ("家属", OccupancyRole.RESIDENT),
        ("本人", OccupancyRole.RESIDENT),
    ],
)
def test_identity_synonyms_map_onto_occupancy_roles(tree, street_staff, word, role):
    """身份 as registers write it becomes the occupancy role."""
    _upload(street_staff, tree, [_row("王", "", MALE, role=word)], commit=True)
    assert Occupancy.objects.get(person__name="王").role == role


def test_people_register_completes_owners_by_name_and_unit(tree, street_staff):
    """An owner recorded from the unit register (no ID number) is the same person as the people
    register's row with that name at that unit: completed, not duplicated; an owner row whose
    name is not among the unit's owners is a warning."""
    services.import_upload(
        actor=street_staff,
        kind="unit_register",
        content=xlsx(
            ["楼栋", "单元", "房号", "面积", "产权人"], [["1栋", "1单元", "101", 80, "张三"]]
        ),
        target_id=tree.compounds[0].pk,
        commit=True,
    )
    owner = Person.objects.get(name="张三")
    assert owner.id_number_index == ""
    rows = [_row("张三", "", MALE, role="业主"), _row("李四", "", MALE_2, role="共有人")]
    batch = _upload(street_staff, tree, rows, commit=True)
    assert batch.summary["matched_people"] == 1
    owner.refresh_from_db()
    assert owner.id_number_masked.startswith("421102")
    assert Person.objects.filter(name="张三").count() == 1
    [warning] = [w for w in batch.warnings if w["row"] == 3]
    assert "张三" in warning["message"]


def test_id_registered_outside_jurisdiction_says_only_to_ask_above(tree, street_staff, settings):
    """An ID number registered in another street gives exactly "已在其他辖区登记，请联系上级",
    writes an audit event on that person's area, and enough such rows flag the file to the
    level above the importer."""
    settings.HAOLINJU_FOREIGN_ID_FLAG_THRESHOLD = 2
    far = tree.units[-1]  # 街道1
    PersonFactory(name="外人", area=far, id_number=MALE)
    PersonFactory(name="外人二", area=far, id_number=MALE_2)
    rows = [_row("王", "", MALE), _row("李", "", MALE_2, unit="201")]
    errors = _errors(street_staff, tree, rows)
    assert [m for _r, _c, m in errors] == ["已在其他辖区登记，请联系上级"] * 2
    hits = AuditEvent.objects.filter(action="import.foreign_id")
    assert hits.count() == 2
    assert {e.area_path for e in hits} == {far.path}
    flag = AuditEvent.objects.get(action="import.foreign_ids_flagged")
    assert flag.area_path == tree.district.path
    assert flag.data["hits"] == 2


def test_import_previews_share_the_hourly_probe_allowance(tree, street_staff, settings):
    """Each ID number a file finds registered elsewhere counts against the importer's hourly
    duplicate-ID probes (the API's allowance): once used up, the next upload is a 429 before
    the file is read, so the oracle cannot be walked through imports either."""
    from haolinju.people.services import TooManyDuplicateProbes

    settings.HAOLINJU_DUPLICATE_PROBES_PER_HOUR = 2
    far = tree.units[-1]
    PersonFactory(name="外人", area=far, id_number=MALE)
    PersonFactory(name="外人二", area=far, id_number=MALE_2)
    rows = [_row("王", "", MALE), _row("李", "", MALE_2, unit="201")]
    assert len(_errors(street_staff, tree, rows)) == 2
    with pytest.raises(TooManyDuplicateProbes) as refused:
        _upload(street_staff, tree, [_row("赵", "", FEMALE)])
    assert refused.value.status_code == 429
