"""The import and export API: status codes, the row-error shape, scoping, file downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from haolinju.core.xlsx import XLSX_CONTENT_TYPE
from haolinju.org.models import Area
from haolinju.org.tests.factories import OrganisationFactory
from haolinju.people.models import ImportBatch, Person, Title
from haolinju.people.tests.factories import MemberFactory, PersonFactory, resident, staff

from .conftest import bearer
from .sheets import PEOPLE_HEADERS, UNIT_HEADERS, person_row, xlsx
from .test_people_ledger import ID_A, ID_B, UNIT_101

pytestmark = pytest.mark.django_db

UNIT_ROWS = [["街道0", "社区00", "江柳小区", "示范型", "1栋", "1单元", "101", 89.5, 1]]


def _post(client, user, content, **form):
    upload = SimpleUploadedFile("台账.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    return client.post("/api/v1/imports", {"file": upload, **form}, **bearer(user))


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def test_dry_run_returns_preview_and_commit_endpoint_writes(client, tree, street_staff):
    """POST /imports previews (200, nothing written); POST /imports/{id}/commit writes (201)."""
    response = _post(client, street_staff, xlsx(UNIT_HEADERS, UNIT_ROWS), kind="unit_register")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("kind", "status", "rows", "errors")} == {
        "kind": "unit_register",
        "status": "previewed",
        "rows": 1,
        "errors": [],
    }
    assert body["summary"]["new_units"] == 1
    assert not Area.objects.filter(name="江柳小区").exists()

    committed = client.post(f"/api/v1/imports/{body['id']}/commit", **bearer(street_staff))
    assert committed.status_code == 201
    assert committed.json()["status"] == "committed"
    assert Area.objects.filter(name="江柳小区").exists()
    again = client.post(f"/api/v1/imports/{body['id']}/commit", **bearer(street_staff))
    assert again.status_code == 422


def test_commit_flag_writes_at_once(client, tree, street_staff):
    """commit=true with a clean file writes and answers 201."""
    rows = [person_row("王建国", ID_A, UNIT_101)]
    response = _post(client, street_staff, xlsx(PEOPLE_HEADERS, rows), kind="people", commit="true")
    assert response.status_code == 201
    assert response.json()["status"] == "committed"
    assert Person.objects.filter(name="王建国").exists()


def test_errors_come_back_as_422_with_cell_references(client, tree, street_staff):
    """A file with an error answers 422 with row, column letter, header and message, and
    writes nothing — not even a batch."""
    rows = [person_row("王建国", ID_A, UNIT_101), person_row("", "12345", UNIT_101)]
    response = _post(client, street_staff, xlsx(PEOPLE_HEADERS, rows), kind="people", commit="true")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "文件中有2处错误，未导入任何数据"
    assert body["errors"] == [
        {"field": "A3", "row": 3, "column": "A", "header": "姓名", "message": "姓名不能为空"},
        {
            "field": "B3",
            "row": 3,
            "column": "B",
            "header": "身份证号",
            "message": "身份证号应为18位（或旧式15位），现在是5位",
        },
    ]
    assert not Person.objects.filter(name="王建国").exists()
    assert not ImportBatch.objects.exists()


def test_chinese_headers_work_for_an_english_speaking_caller(client, tree, street_staff):
    """Header matching does not depend on the caller's language: the same Chinese sheet gives
    the same cell references with Accept-Language: en."""
    rows = [person_row("", ID_A, UNIT_101)]
    zh = _post(client, street_staff, xlsx(PEOPLE_HEADERS, rows), kind="people").json()
    upload = SimpleUploadedFile("x.xlsx", xlsx(PEOPLE_HEADERS, rows))
    en = client.post(
        "/api/v1/imports",
        {"file": upload, "kind": "people"},
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(street_staff),
    ).json()
    assert [e["field"] for e in en["errors"]] == [e["field"] for e in zh["errors"]] == ["A2"]


def test_non_xlsx_upload_and_unknown_kind_are_refused(client, tree, street_staff):
    """A CSV upload is a 422 on the file; an unknown kind is a 422 on kind."""
    upload = SimpleUploadedFile("a.csv", "姓名,身份证号\n".encode(), content_type="text/csv")
    response = client.post(
        "/api/v1/imports", {"file": upload, "kind": "people"}, **bearer(street_staff)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    response = _post(client, street_staff, xlsx(UNIT_HEADERS, UNIT_ROWS), kind="votes")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    missing = client.post("/api/v1/imports", {"kind": "people"}, **bearer(street_staff))
    assert missing.status_code == 422


def test_only_people_scope_may_import_and_batches_are_private(client, tree, street_staff):
    """A resident or a public-scope post holder gets 404; another officer cannot see or commit
    someone else's batch."""
    content = xlsx(UNIT_HEADERS, UNIT_ROWS)
    assert _post(client, resident(tree.units[0]), content, kind="unit_register").status_code == 404
    mediator = staff(Title.MEDIATION_OFFICER, tree.compounds[0])
    assert _post(client, mediator, content, kind="unit_register").status_code == 404
    batch_id = _post(client, street_staff, content, kind="unit_register").json()["id"]
    colleague = staff(Title.STREET_STAFF, tree.streets[0])
    assert client.get(f"/api/v1/imports/{batch_id}", **bearer(colleague)).status_code == 404
    response = client.post(f"/api/v1/imports/{batch_id}/commit", **bearer(colleague))
    assert response.status_code == 404
    assert ImportBatch.objects.get(pk=batch_id).status == "previewed"
    assert client.get(f"/api/v1/imports/{batch_id}", **bearer(street_staff)).status_code == 200


def test_people_export_is_masked_and_scoped(client, tree, street_staff):
    """The people export holds only masked IDs and phones, and only people in scope."""
    inside = PersonFactory(area=tree.units[0], id_number=ID_A, phone="13912345678", name="院内人")
    MemberFactory(person=inside)
    PersonFactory(area=tree.units[-1], id_number=ID_B, name="外街人")
    response = client.get("/api/v1/exports/people", **bearer(street_staff))
    ws = _sheet(response)
    rows = list(ws.values)
    assert rows[0][:4] == ("姓名", "性别", "身份证号", "手机号")
    names = [r[0] for r in rows[1:]]
    assert "院内人" in names and "外街人" not in names
    text = repr(rows)
    assert ID_A not in text and ID_B not in text and "13912345678" not in text
    row = next(r for r in rows if r[0] == "院内人")
    assert row[2] == inside.id_number_masked and row[3] == "139****5678"
    assert row[4:10] == ("街道0", "社区00", "小区000", "1栋", "1单元", "101")
    assert row[11:16] == ("是", "自管党员、离退休党员", "社区（小区）党组织", "离退休", "不流动")


def test_people_export_filters_like_the_list(client, tree, street_staff):
    """area / q filters narrow the export; an area outside scope is 404; a bad ledger is 422."""
    PersonFactory(area=tree.units[0], name="甲")
    PersonFactory(area=tree.units[8], name="乙")  # another compound in street 0
    ws = _sheet(
        client.get(f"/api/v1/exports/people?area={tree.compounds[0].pk}", **bearer(street_staff))
    )
    assert [r[0] for r in list(ws.values)[1:]] == ["甲"]
    ws = _sheet(client.get("/api/v1/exports/people?q=乙", **bearer(street_staff)))
    assert [r[0] for r in list(ws.values)[1:]] == ["乙"]
    outside = client.get(
        f"/api/v1/exports/people?area={tree.streets[1].pk}", **bearer(street_staff)
    )
    assert outside.status_code == 404
    bad = client.get("/api/v1/exports/people?ledger=nope", **bearer(street_staff))
    assert bad.status_code == 422


def test_children_and_organisation_exports(client, tree, street_staff):
    """Children of an area and organisations come out as sheets; other subtrees are 404."""
    OrganisationFactory(area=tree.compounds[0], name='=HYPERLINK("http://x")')
    ws = _sheet(
        client.get(f"/api/v1/exports/areas/{tree.buildings[0].pk}/children", **bearer(street_staff))
    )
    assert [r[0] for r in list(ws.values)[1:]] == ["1单元", "2单元"]
    ws = _sheet(client.get("/api/v1/exports/organisations", **bearer(street_staff)))
    assert list(ws.values)[1][0] == '\'=HYPERLINK("http://x")'
    assert ws["A2"].data_type == "s"
    outside = client.get(
        f"/api/v1/exports/areas/{tree.streets[1].pk}/children", **bearer(street_staff)
    )
    assert outside.status_code == 404


def test_template_download(client, tree, street_staff):
    """The blank template has the known headers, required ones marked, ID column as text."""
    response = client.get("/api/v1/imports/templates/people", **bearer(street_staff))
    ws = _sheet(response)
    headers = next(ws.values)
    assert headers[:3] == ("姓名*", "身份证号*", "手机号")


def test_the_batch_list_is_a_page_like_every_list(client, tree, street_staff):
    """``GET /api/v1/imports`` answers ``{"items", "count"}``, newest first, paged by
    ``offset`` / ``limit``; a limit out of range is a 422 naming it."""
    for _ in range(3):
        response = _post(client, street_staff, xlsx(UNIT_HEADERS, UNIT_ROWS), kind="unit_register")
        assert response.status_code == 200
    page = client.get("/api/v1/imports", {"limit": 2}, **bearer(street_staff)).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert page["items"][0]["id"] > page["items"][1]["id"]
    rest = client.get("/api/v1/imports", {"offset": 2}, **bearer(street_staff)).json()
    assert len(rest["items"]) == 1
    bad = client.get("/api/v1/imports", {"limit": 0}, **bearer(street_staff))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
