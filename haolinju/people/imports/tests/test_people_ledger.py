"""Importing the people and party-member ledger: validated like hand registration, stored
encrypted, all or nothing."""

import datetime as dt

import pytest

from haolinju.core.crypto import blind_index, decrypt
from haolinju.core.models import AuditEvent
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.core.validators import make_id_number
from haolinju.people.imports import selectors, services
from haolinju.people.models import (
    Employment,
    HeldAt,
    ImportBatch,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
    Volunteer,
)
from haolinju.people.tests.factories import PersonFactory

from .sheets import PEOPLE_HEADERS, ExactNumber, person_row, xlsx

pytestmark = pytest.mark.django_db

ID_A = make_id_number("421102", dt.date(1960, 3, 7), 125)  # numeric check digit
ID_B = make_id_number("421102", dt.date(1988, 11, 2), 247)
ID_C = "11010519491231002X"
UNIT_101 = ["街道0", "社区00", "小区000", "1栋", "1单元", "101"]
UNIT_201 = ["街道0", "社区00", "小区000", "1栋", "1单元", "201"]


def clean_rows() -> list[list]:
    return [
        person_row(
            "王建国",
            ID_A,
            UNIT_101,
            phone="139 1234 5678",
            member="是",
            held_at="社区",
            employment="离退休",
            joined_on=dt.datetime(1985, 7, 1),
            volunteer="是",
            skills="水电维修、理发",
        ),
        person_row("李秀英", ID_B, UNIT_101, role="共有人"),
        person_row(
            "赵敏",
            ID_C,
            UNIT_201,
            role="租户",
            member="中共党员",
            held_at="工作单位",
            employer="黄州区人民医院",
            employment="在职",
            mobility="流入",
            joined_on="2010年7月1日",
        ),
    ]


def _upload(user, content, **kwargs):
    return services.import_upload(
        actor=user, kind="people", content=content, filename="ledger.xlsx", **kwargs
    )


def test_clean_ledger_previews_then_commits(tree, street_staff):
    """A clean ledger previews the right counts (nothing written), then the commit registers
    people, occupancies, members with their ledgers and volunteers."""
    people_before = Person.objects.count()
    batch = _upload(street_staff, xlsx(PEOPLE_HEADERS, clean_rows()))
    assert batch.summary == {
        "people": 3,
        "occupancies": 3,
        "members": 2,
        "members_self_managed": 1,
        "members_retired": 1,
        "members_in_service": 1,
        "members_floating": 1,
        "volunteers": 1,
    }
    assert Person.objects.count() == people_before
    assert [r["cells"][2] for r in batch.preview["rows"]] == [
        "421102**********" + ID_A[-2:],
        "421102**********" + ID_B[-2:],
        "110105**********2X",
    ]

    services.import_commit(actor=street_staff, batch_id=batch.pk)

    wang = Person.objects.get(id_number_index=blind_index(ID_A, "id_number"))
    assert wang.name == "王建国"
    assert wang.area == tree.units[0]
    assert decrypt(wang.id_number_enc) == ID_A
    assert decrypt(wang.phone_enc) == "13912345678"
    assert wang.phone_masked == "139****5678"
    assert wang.member.held_at == HeldAt.COMMUNITY
    assert wang.member.employment == Employment.RETIRED
    assert wang.member.joined_on == dt.date(1985, 7, 1)
    assert wang.volunteer.skills == ["水电维修", "理发"]
    zhao = Person.objects.get(name="赵敏")
    assert zhao.member.mobility == Mobility.FLOATING_IN
    assert zhao.member.employer == "黄州区人民医院"
    assert zhao.member.joined_on == dt.date(2010, 7, 1)
    assert Occupancy.objects.get(person=zhao).role == OccupancyRole.TENANT
    assert Occupancy.objects.get(person__name="李秀英").role == OccupancyRole.CO_OWNER
    assert Person.objects.count() == people_before + 3
    assert AuditEvent.objects.filter(action="person.create").count() >= 3


def test_no_plaintext_id_number_reaches_the_database(tree, street_staff):
    """The stored batch holds the rows read from the file only encrypted: neither an ID
    number nor a phone appears in any column, yet the rows decrypt back cell for cell."""
    content = xlsx(PEOPLE_HEADERS, clean_rows())
    batch = _upload(street_staff, content)
    row = ImportBatch.objects.filter(pk=batch.pk).values().get()
    dumped = repr(row)
    for secret in (ID_A, ID_B, ID_C, "13912345678"):
        assert secret not in dumped
    table = selectors.batch_table(ImportBatch.objects.get(pk=batch.pk))
    assert [row.values["id_number"] for row in table.rows] == [r[1] for r in clean_rows()]


def test_one_bad_row_writes_nothing_and_names_row_and_column(tree, street_staff):
    """A wrong check digit in the 4th data row (sheet row 5, column B) stops the import."""
    bad_id = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    rows = [*clean_rows(), person_row("钱多多", bad_id, UNIT_201)]
    before = (Person.objects.count(), Member.objects.count(), ImportBatch.objects.count())
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows), commit=True)
    [error] = caught.value.errors
    assert error.as_dict() == {
        "field": "B5",
        "row": 5,
        "column": "B",
        "header": "身份证号",
        "message": "身份证号校验位不正确，请核对每一位数字",
    }
    assert (Person.objects.count(), Member.objects.count(), ImportBatch.objects.count()) == before


def test_duplicate_id_in_file_is_an_error(tree, street_staff):
    """The second row carrying the same ID number is an error pointing back at the first."""
    rows = [*clean_rows(), person_row("王建国二", ID_A, UNIT_201)]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column) == (5, "B")
    assert "第2行" in error.message


def test_already_registered_id_is_an_error(tree, street_staff):
    """An ID number already in the register is a row error."""
    PersonFactory(area=tree.units[3], id_number=ID_B)
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, clean_rows()))
    [error] = caught.value.errors
    assert (error.row, error.column, error.message) == (3, "B", "该身份证号已登记")


def test_real_world_layout_merged_title_numeric_ids_and_blank_rows(tree, street_staff):
    """A merged title row above the header, extra columns, an 18-digit ID stored as an exact
    number, a 15-digit ID as a float, an ID pasted with a leading apostrophe, a phone as a
    number, Excel dates and many trailing formatted blank rows all import."""
    old_15 = "421102600307123"  # 15-digit form of 42110219600307123X
    headers = ["序号", *PEOPLE_HEADERS, "备注"]
    rows = [
        [1, *person_row("王建国", ExactNumber(ID_B), UNIT_101, phone=13912345678), "老党员"],
        [2, *person_row("李秀英", float(old_15), UNIT_101)],
        [
            3,
            *person_row(
                "赵敏",
                "'" + ID_C,
                UNIT_201,
                member="是",
                held_at="社区",
                employment="无固定职业",
                joined_on=dt.date(2001, 7, 1),
            ),
        ],
    ]
    content = xlsx(headers, rows, title="宝塔社区人员及党员台账（2024年）", blank_rows_after=300)
    batch = _upload(street_staff, content, commit=True)
    assert batch.rows == 3
    assert batch.preview == {}
    ids = {
        decrypt(p.id_number_enc)
        for p in Person.objects.filter(name__in=["王建国", "李秀英", "赵敏"])
    }
    assert ids == {ID_B, "42110219600307123X", ID_C}
    assert Member.objects.get(person__name="赵敏").joined_on == dt.date(2001, 7, 1)


def test_float_id_that_lost_digits_is_explained(tree, street_staff):
    """An 18-digit ID typed into a number cell (Excel keeps 15 significant digits) is refused
    with an explanation instead of silently importing a wrong number."""
    rows = [person_row("王建国", int(ID_A), UNIT_101)]  # written as a double, like Excel does
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.field, "15位" in error.message) == ("B2", True)


def test_unit_outside_people_scope_is_a_row_error(tree, street_staff):
    """A unit in another street is not found for this actor (nothing says whether it exists)."""
    elsewhere = ["街道1", "社区10", "小区100", "1栋", "1单元", "101"]
    rows = [clean_rows()[1], person_row("孙悟空", ID_C, elsewhere)]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "D")
    assert "找不到" in error.message


def test_unknown_unit_is_a_row_error_on_its_column(tree, street_staff):
    """A unit number that does not exist in the building is reported on the 房号 column."""
    rows = [person_row("孙悟空", ID_C, ["街道0", "社区00", "小区000", "1栋", "1单元", "909"])]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows))
    [error] = caught.value.errors
    assert (error.field, error.header) == ("I2", "房号")


def test_member_fields_are_required_for_members(tree, street_staff):
    """A member without 组织关系所在 / 就业状态 gets one error per missing cell; one held by an
    employer without one named is only warned about (registers often lack it)."""
    rows = [
        person_row("王建国", ID_A, UNIT_101, member="是"),
        person_row("李秀英", ID_B, UNIT_101, member="是", held_at="工作单位", employment="在职"),
        person_row(
            "赵敏",
            ID_C,
            UNIT_101,
            member="是",
            held_at="社区",
            employment="退休",
            joined_on="2099-01-01",
        ),
    ]
    with pytest.raises(ImportInvalid) as caught:
        _upload(street_staff, xlsx(PEOPLE_HEADERS, rows))
    assert [e.field for e in caught.value.errors] == ["L2", "N2", "P4"]


def test_commit_revalidates_against_registrations_made_after_preview(tree, street_staff):
    """If someone registers one of the ID numbers between preview and commit, the commit fails,
    writes nothing, and the batch is marked failed with the reason."""
    batch = _upload(street_staff, xlsx(PEOPLE_HEADERS, clean_rows()))
    PersonFactory(area=tree.units[5], id_number=ID_C)
    before = Person.objects.count()
    with pytest.raises(ImportInvalid) as caught:
        services.import_commit(actor=street_staff, batch_id=batch.pk)
    assert [e.field for e in caught.value.errors] == ["B4"]
    assert Person.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.file_enc == ""
    assert batch.errors[0]["field"] == "B4"


def test_volunteer_without_member(tree, street_staff):
    """A volunteer who is not a member is registered as a volunteer only."""
    rows = [person_row("李秀英", ID_B, UNIT_101, volunteer="是", skills="陪诊 理发")]
    _upload(street_staff, xlsx(PEOPLE_HEADERS, rows), commit=True)
    volunteer = Volunteer.objects.get(person__name="李秀英")
    assert volunteer.skills == ["陪诊", "理发"]
    assert not Member.objects.filter(person__name="李秀英").exists()


def _record(person: Person, *, events_after: int = 0) -> dict:
    """What registration stored about a person, without ids, names and timestamps (events
    after ``events_after`` only: audit rows are insert-only, and SQLite may reuse a pk)."""
    events = AuditEvent.objects.filter(
        target_type="people.person", target_id=person.pk, pk__gt=events_after
    ).values_list("action", "area_path", "actor_id")
    member = Member.objects.filter(person=person).values(
        "area_path", "held_at", "employment", "mobility", "employer", "joined_on"
    )
    volunteer = Volunteer.objects.filter(person=person).first()
    return {
        "person": {
            k: getattr(person, k)
            for k in (
                "id_number_masked",
                "phone_masked",
                "sex",
                "birth_date",
                "area_id",
                "area_path",
                "id_number_index",
                "phone_index",
            )
        },
        "ids": (decrypt(person.id_number_enc), decrypt(person.phone_enc)),
        "occupancies": list(person.occupancies.values_list("unit_id", "area_path", "role")),
        "member": list(member),
        "volunteer": volunteer and (volunteer.skills, volunteer.volunteer_number[:1]),
        "events": sorted(events),
        "actions": sorted(
            AuditEvent.objects.filter(pk__gt=events_after)
            .exclude(action__startswith="import.")
            .values_list("action", "area_path")
        ),
    }


@pytest.mark.parametrize("bulk", [True, False])
def test_import_writes_what_hand_registration_writes(tree, street_staff, monkeypatch, bulk):
    """The bulk writer and the one-by-one fallback store exactly what the people services
    store when the same person is registered by hand (fields, ciphertexts, events)."""
    from haolinju.people import services as people_services
    from haolinju.people.registers import people_ledger

    by_hand = people_services.person_create(
        actor=street_staff,
        area=tree.units[0],
        name="手工",
        id_number=ID_A,
        phone="13912345678",
        role="owner",
    )
    people_services.member_register(
        actor=street_staff,
        person=by_hand,
        held_at="community",
        employment="retired",
        joined_on=dt.date(1985, 7, 1),
    )
    people_services.volunteer_register(actor=street_staff, person=by_hand, skills=["理发"])
    expected = _record(by_hand)
    Person.objects.filter(pk=by_hand.pk).delete()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    monkeypatch.setattr(people_ledger, "bulk_supported", lambda: bulk)
    rows = [
        person_row(
            "导入",
            ID_A,
            UNIT_101,
            phone="13912345678",
            member="是",
            held_at="社区",
            employment="离退休",
            joined_on="1985-07-01",
            volunteer="是",
            skills="理发",
        )
    ]
    _upload(street_staff, xlsx(PEOPLE_HEADERS, rows), commit=True)
    assert _record(Person.objects.get(name="导入"), events_after=last_event) == expected


def test_unit_found_without_the_entrance_column(tree, street_staff):
    """A ledger without 单元 finds the unit when only one entrance of the building has it."""
    headers = [h for h in PEOPLE_HEADERS if h != "单元"]
    row = person_row("李秀英", ID_B, ["街道0", "社区00", "小区000", "2栋", "", "202"])
    del row[PEOPLE_HEADERS.index("单元")]
    _upload(street_staff, xlsx(headers, [row]), commit=True)
    person = Person.objects.get(name="李秀英")
    assert person.area.name == "202"
    assert person.area.parent.parent.name == "2栋"
