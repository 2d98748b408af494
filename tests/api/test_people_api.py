"""People endpoints: list, detail, registration, reveal, /me — happy paths and error shapes."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.core.models import AuditEvent
from haolinju.people.models import (
    Employment,
    HeldAt,
    Mobility,
    Occupancy,
    Person,
    PersonalDataRead,
    Position,
    Title,
)
from haolinju.people.tests.factories import (
    MemberFactory,
    PersonFactory,
    VolunteerFactory,
    resident,
    staff,
    synthetic_id,
    synthetic_phone,
)

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "未找到", "errors": []}


@pytest.fixture
def secretary(tree):
    """The branch secretary of compound 0 (people scope over it), living in its first unit."""
    return staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0], username="sec")


@pytest.fixture
def api(api_as, secretary):
    return api_as(secretary)


# --- list --------------------------------------------------------------------------------


def test_list_shape_is_items_and_count_with_masked_data(api, tree, secretary):
    """GET /people returns {"items", "count"}; items carry masked ID and phone only."""
    person = PersonFactory(area=tree.units[1], name="陈一", seq=777)
    body = api.get("/api/v1/people").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == person.pk)
    assert item == {
        "id": person.pk,
        "name": "陈一",
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "id_number_masked": person.id_number_masked,
        "phone_masked": person.phone_masked,
        "area": {"id": tree.units[1].pk, "kind": "unit", "name": tree.units[1].name},
    }
    assert synthetic_id(777) not in str(body)
    assert synthetic_phone(777) not in str(body)
    assert "*" in item["id_number_masked"] and "*" in item["phone_masked"]


def test_list_is_scoped_to_the_jurisdiction(api, tree):
    """People of another compound never appear, not even in the count."""
    PersonFactory(area=tree.units[2])
    PersonFactory(area=tree.units[-1])
    body = api.get("/api/v1/people").json()
    assert body["count"] == 2
    assert all(i["area"]["id"] != tree.units[-1].pk for i in body["items"])


def test_pagination_offset_and_limit(api, tree):
    """offset/limit page through a stable order; count is the total, not the page size."""
    for unit in tree.units[:8]:
        PersonFactory(area=unit)
    everyone = api.get("/api/v1/people", limit=200).json()
    assert everyone["count"] == 9
    ids = [i["id"] for i in everyone["items"]]
    first = api.get("/api/v1/people", limit=4).json()
    second = api.get("/api/v1/people", limit=4, offset=4).json()
    last = api.get("/api/v1/people", limit=4, offset=8).json()
    assert [i["id"] for i in first["items"] + second["items"] + last["items"]] == ids
    assert first["count"] == second["count"] == last["count"] == 9
    assert len(last["items"]) == 1
    assert api.get("/api/v1/people", offset=50).json() == {"items": [], "count": 9}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": 0}, "limit", "不能小于1"),
        ({"limit": 201}, "limit", "不能大于200"),
        ({"limit": "ten"}, "limit", "应为整数"),
        ({"offset": -1}, "offset", "不能小于0"),
        ({"area": "x"}, "area", "应为整数"),
        ({"area": 0}, "area", "不能小于1"),
        ({"q": "字" * 65}, "q", "最多64个字符"),
    ],
)
def test_bad_paging_and_filters_are_422_with_the_field(api, params, field, message):
    """Out-of-range limits and malformed filters name the parameter and the rule."""
    response = api.get("/api/v1/people", **params)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "输入有误",
        "errors": [{"field": field, "message": message}],
    }


def test_bad_ledger_is_422_naming_the_allowed_values(api):
    """An unknown ledger is a 422 on field "ledger" listing the four ledgers."""
    response = api.get("/api/v1/people", ledger="party")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "ledger"
    for value in ("self_managed", "in_service", "retired", "floating"):
        assert value in error["message"]
    assert error["message"].startswith("取值应为")


def test_ledger_filter(api, tree):
    """ledger=retired lists retired members only; ledger=floating the floating ones."""
    retired = MemberFactory(person=PersonFactory(area=tree.units[1]))
    floating = MemberFactory(
        person=PersonFactory(area=tree.units[2]),
        employment=Employment.WORKING,
        held_at=HeldAt.EMPLOYER,
        employer="区住建局",
        mobility=Mobility.FLOATING_IN,
    )
    PersonFactory(area=tree.units[3])
    ids = {i["id"] for i in api.get("/api/v1/people", ledger="retired").json()["items"]}
    assert ids == {retired.person_id}
    ids = {i["id"] for i in api.get("/api/v1/people", ledger="floating").json()["items"]}
    assert ids == {floating.person_id}
    ids = {i["id"] for i in api.get("/api/v1/people", ledger="in_service").json()["items"]}
    assert ids == {floating.person_id}


def test_area_filter_and_out_of_scope_area(api, tree):
    """area= narrows to a subtree; an area outside the jurisdiction is a 404."""
    here = PersonFactory(area=tree.units[4])
    PersonFactory(area=tree.units[1])
    ids = {i["id"] for i in api.get("/api/v1/people", area=tree.buildings[1].pk).json()["items"]}
    assert ids == {here.pk}
    response = api.get("/api/v1/people", area=tree.compounds[1].pk)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_search_by_name_phone_and_id_number(api, tree):
    """q finds by name substring, by exact phone in any format, by exact ID number."""
    target = PersonFactory(area=tree.units[1], name="欧阳明", seq=4242)
    PersonFactory(area=tree.units[2], name="李明")
    phone = synthetic_phone(4242)

    def found(q):
        return {i["id"] for i in api.get("/api/v1/people", q=q).json()["items"]}

    assert found("欧阳") == {target.pk}
    assert len(found("明")) == 2
    assert found(phone) == {target.pk}
    assert found(f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}") == {target.pk}
    assert found(synthetic_id(4242)) == {target.pk}
    assert found(synthetic_id(4242)[:10]) == set()


def test_list_costs_a_fixed_number_of_queries(api, tree, django_assert_max_num_queries):
    """Fifty people with members, volunteers and occupancies cost as few queries as one."""
    for n in range(49):
        person = PersonFactory(area=tree.units[n % 8])
        if n % 2:
            MemberFactory(person=person)
        if n % 3:
            VolunteerFactory(person=person)
    # token (+ last-used stamp), jurisdiction (3), page, count
    with django_assert_max_num_queries(7):
        body = api.get("/api/v1/people", limit=50).json()
    assert len(body["items"]) == 50


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_occupancies_member_volunteer_positions(api, tree, secretary):
    """The detail carries every related record, masked, in a fixed number of queries."""
    person = PersonFactory(area=tree.units[1], name="周二")
    Occupancy.objects.create(
        person=person,
        unit=tree.units[1],
        area_path=tree.units[1].path,
        role="owner",
        since=dt.date(2019, 5, 1),
    )
    MemberFactory(person=person, held_at=HeldAt.COMMUNITY, employment=Employment.RETIRED)
    VolunteerFactory(person=person, volunteer_number="V0001", skills=["理发"])
    Position.objects.create(
        person=person,
        title=Title.BUILDING_HEAD,
        area=tree.buildings[0],
        area_path=tree.buildings[0].path,
        started_on=dt.date(2021, 3, 1),
    )
    body = api.get(f"/api/v1/people/{person.pk}").json()
    assert body["name"] == "周二"
    assert body["occupancies"] == [
        {
            "unit": {"id": tree.units[1].pk, "kind": "unit", "name": tree.units[1].name},
            "role": "owner",
            "since": "2019-05-01",
            "until": None,
        }
    ]
    assert body["member"]["ledgers"] == ["self_managed", "retired"]
    assert body["member"]["held_at"] == "community"
    assert body["volunteer"]["skills"] == ["理发"]
    assert body["positions"] == [
        {
            "title": "building_head",
            "area": {
                "id": tree.buildings[0].pk,
                "kind": "building",
                "name": tree.buildings[0].name,
            },
            "started_on": "2021-03-01",
            "ended_on": None,
        }
    ]
    assert "id_number" not in body and "phone" not in body


def test_detail_without_relations_has_nulls_and_empty_lists(api, tree):
    """A plain person has no member, no volunteer and empty lists."""
    person = PersonFactory(area=tree.units[1])
    body = api.get(f"/api/v1/people/{person.pk}").json()
    assert (body["member"], body["volunteer"]) == (None, None)
    assert body["occupancies"] == body["positions"] == []


def test_detail_costs_a_fixed_number_of_queries(api, tree, django_assert_max_num_queries):
    """Detail is one query for the person plus one per related list, however many rows."""
    person = PersonFactory(area=tree.units[1])
    MemberFactory(person=person)
    for unit in tree.units[:6]:
        Occupancy.objects.create(person=person, unit=unit, area_path=unit.path, role="owner")
    # token (+ last-used stamp), jurisdiction (3), person, occupancies, positions
    with django_assert_max_num_queries(8):
        assert api.get(f"/api/v1/people/{person.pk}").status_code == 200


def test_out_of_scope_and_nonexistent_are_the_same_404(api, tree):
    """A person elsewhere and an id that does not exist get byte-identical 404 responses."""
    elsewhere = PersonFactory(area=tree.units[-1])
    missing = Person.objects.order_by("-pk").first().pk + 1000
    a = api.get(f"/api/v1/people/{elsewhere.pk}")
    b = api.get(f"/api/v1/people/{missing}")
    assert a.status_code == b.status_code == 404
    assert a.content == b.content
    assert a.json() == NOT_FOUND


def test_malformed_id_is_422(api):
    """A non-numeric or non-positive id is a validation error on the path parameter."""
    for bad in ("abc", "0", "99999999999999999999999"):
        response = api.get(f"/api/v1/people/{bad}")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "person_id"


def test_personal_responses_are_not_cacheable(api, secretary):
    """Responses carrying personal data say Cache-Control: no-store."""
    assert "no-store" in api.get("/api/v1/people")["Cache-Control"]
    assert "no-store" in api.get(f"/api/v1/people/{secretary.person.pk}")["Cache-Control"]
    assert "no-store" in api.get("/api/v1/me")["Cache-Control"]


# --- create ------------------------------------------------------------------------------


def test_create_registers_and_returns_the_masked_detail(api, tree):
    """POST /people returns 201 with masked data and the occupancy; the service logged it."""
    response = api.post(
        "/api/v1/people",
        {
            "area_id": tree.units[1].pk,
            "name": " 张  三 ",
            "id_number": "421102199003071233",
            "phone": "+86 138-1234-5678",
            "role": "owner",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "张 三"
    assert body["id_number_masked"] == "421102**********33"
    assert body["phone_masked"] == "138****5678"
    assert (body["sex"], body["birth_date"]) == ("M", "1990-03-07")
    assert body["occupancies"][0]["role"] == "owner"
    assert "421102199003071233" not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.create", target_id=body["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": ""}, "name", "姓名不能为空"),
        ({"name": "   "}, "name", "姓名不能为空"),
        ({"name": "甲", "id_number": "421102199003071234"}, "id_number", "校验位"),
        ({"name": "甲", "id_number": "421102199002301231"}, "id_number", "出生日期"),
        ({"name": "甲", "phone": "12812345678"}, "phone", "手机号"),
        ({"name": "甲", "role": "landlord"}, "role", "住户关系"),
    ],
)
def test_create_invalid_input_is_422_with_field_errors(api, tree, body, field, words):
    """Empty name, bad ID checksum or date, bad phone, unknown role: 422 naming the field in
    Chinese, and nothing is written."""
    before = Person.objects.count()
    response = api.post("/api/v1/people", {"area_id": tree.units[1].pk, **body})
    assert response.status_code == 422
    payload = response.json()
    assert set(payload) == {"detail", "errors"}
    errors = {e["field"]: e["message"] for e in payload["errors"]}
    assert field in errors
    assert words in errors[field]
    assert Person.objects.count() == before


def test_create_reports_every_bad_field_at_once(api, tree):
    """Name, ID number and phone errors come back together."""
    response = api.post(
        "/api/v1/people",
        {"area_id": tree.units[1].pk, "name": "", "id_number": "123", "phone": "456"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name", "id_number", "phone"]


def test_create_missing_name_is_a_schema_error(api, tree):
    """A body without "name" is 422 with field "name" and "此项为必填"."""
    response = api.post("/api/v1/people", {"area_id": tree.units[1].pk})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "此项为必填"}]


def test_create_duplicate_id_number_is_422(api, tree):
    """The same ID number cannot be registered twice."""
    body = {"area_id": tree.units[1].pk, "name": "甲", "id_number": "421102199003071233"}
    assert api.post("/api/v1/people", body).status_code == 201
    again = api.post("/api/v1/people", body | {"id_number": "421102900307123"})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "id_number"


def test_create_outside_jurisdiction_is_404(api, tree):
    """Registering into another compound is a 404, like a missing area; nothing is written."""
    before = Person.objects.count()
    for area_id in (tree.units[-1].pk, 10**9):
        response = api.post("/api/v1/people", {"area_id": area_id, "name": "甲"})
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    assert Person.objects.count() == before


def test_create_needs_people_scope(api_as, tree):
    """A resident can see their compound but cannot register people in it (404)."""
    client = api_as(resident(tree.units[0]))
    response = client.post("/api/v1/people", {"area_id": tree.units[1].pk, "name": "甲"})
    assert response.status_code == 404


def test_invalid_json_body_is_400_with_the_error_shape(api):
    """A body that is not JSON is refused with the usual shape and a Chinese message."""
    response = api.post("/api/v1/people", raw="{not json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON", "errors": []}


# --- reveal ------------------------------------------------------------------------------


def test_reveal_returns_the_value_and_logs_the_reason(api, tree, secretary):
    """Staff with people scope get the full value; the read is logged with the reason."""
    person = PersonFactory(area=tree.units[1], seq=31337)
    response = api.post(
        f"/api/v1/people/{person.pk}/reveal", {"field": "phone", "reason": "上门核实住户信息"}
    )
    assert response.status_code == 200
    assert response.json() == {"field": "phone", "value": synthetic_phone(31337)}
    assert "no-store" in response["Cache-Control"]
    read = PersonalDataRead.objects.get()
    assert (read.actor, read.person, read.field, read.reason) == (
        secretary,
        person,
        "phone",
        "上门核实住户信息",
    )
    assert AuditEvent.objects.filter(action="personal_data.reveal", target_id=person.pk).exists()
    id_number = api.post(
        f"/api/v1/people/{person.pk}/reveal", {"field": "id_number", "reason": "办理党员关系转接"}
    ).json()["value"]
    assert id_number == synthetic_id(31337)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "phone", "reason": "看看"}, "reason"),
        ({"field": "phone", "reason": "   "}, "reason"),
        ({"field": "name", "reason": "上门核实住户信息"}, "field"),
        ({"field": "phone"}, "reason"),
    ],
)
def test_reveal_needs_a_known_field_and_a_real_reason(api, tree, body, field):
    """A short reason or an unknown field is 422 on that field, and nothing is logged."""
    person = PersonFactory(area=tree.units[1])
    response = api.post(f"/api/v1/people/{person.pk}/reveal", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not PersonalDataRead.objects.exists()


def test_reveal_outside_scope_is_the_same_404(api, tree):
    """Revealing someone elsewhere is indistinguishable from a missing person; nothing logged."""
    elsewhere = PersonFactory(area=tree.units[-1])
    body = {"field": "phone", "reason": "上门核实住户信息"}
    a = api.post(f"/api/v1/people/{elsewhere.pk}/reveal", body)
    b = api.post(f"/api/v1/people/{elsewhere.pk + 10_000}/reveal", body)
    assert a.status_code == b.status_code == 404
    assert a.content == b.content
    assert not PersonalDataRead.objects.exists()


def test_resident_cannot_unmask_even_their_own_record_here(api_as, tree):
    """Reveal is a staff tool: a resident asking for their own phone gets 403, not the value."""
    user = resident(tree.units[3])
    response = api_as(user).post(
        f"/api/v1/people/{user.person.pk}/reveal", {"field": "phone", "reason": "忘记了手机号"}
    )
    assert response.status_code == 403
    assert "value" not in response.json()
    assert not PersonalDataRead.objects.exists()


# --- /me ---------------------------------------------------------------------------------


def test_me_describes_the_caller(api, secretary, tree):
    """/me returns the account, the masked person record, titles and the tree roots."""
    body = api.get("/api/v1/me").json()
    assert body["username"] == "sec"
    assert body["is_superuser"] is False
    assert body["person"]["id"] == secretary.person.pk
    assert body["person"]["phone_masked"] == secretary.person.phone_masked
    assert body["titles"] == ["branch_secretary"]
    assert body["roots"] == [
        {"id": tree.compounds[0].pk, "kind": "compound", "name": tree.compounds[0].name}
    ]


def test_me_for_a_superuser_without_person(api_as, tree, django_user_model):
    """A superuser without a person record gets person null and the tree's top as roots."""
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests")
    body = api_as(admin).get("/api/v1/me").json()
    assert body["person"] is None
    assert body["is_superuser"] is True
    assert [r["id"] for r in body["roots"]] == [tree.district.pk]
