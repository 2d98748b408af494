"""Malformed input never reaches a view or the database as a server error (issue 6, item 9):
each case below gets a clear 400/422, on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from openpyxl import Workbook

from haolinju.accounts.services import token_issue
from haolinju.core.pagination import MAX_OFFSET
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.core.sheets.reader import read_table
from haolinju.people.models import Person, Title
from haolinju.people.registers import people_ledger
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db

CSRF = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"  # a well-formed CSRF secret, as Django sets it
NO_BOUNDARY = "multipart/form-data"
TOO_BIG = str(2**64)


@pytest.fixture
def worker(tree):
    return staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")


@pytest.fixture
def bearer(worker):
    return {"Authorization": f"Bearer {token_issue(user=worker)}"}


@pytest.fixture
def browser(worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    client.cookies["csrftoken"] = CSRF
    return client


# --- multipart without a boundary --------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/people", "/api/v1/imports", "/api/v1/auth/token"])
def test_api_multipart_without_boundary_is_400(url, bearer):
    """A bearer POST declaring multipart without a boundary is a 400 in the API's error shape."""
    response = Client().post(url, data=b"--x\r\n", content_type=NO_BOUNDARY, headers=bearer)
    assert response.status_code == 400
    assert "boundary" in response.json()["detail"]


def test_session_api_multipart_without_boundary_is_400(browser):
    """The same through the browser session (with its CSRF header) is a 400, not a 500."""
    response = browser.post(
        "/api/v1/imports", data=b"--x\r\n", content_type=NO_BOUNDARY, headers={"X-CSRFToken": CSRF}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == []


@pytest.mark.parametrize("url", ["/io/import/", "/accounts/login/", "/people/1/reveal/"])
def test_web_multipart_without_boundary_is_a_400_page(url, browser):
    """Session-authenticated form posts with a broken multipart header get the 400 page."""
    response = browser.post(url, data=b"--x\r\n", content_type=NO_BOUNDARY)
    assert response.status_code == 400
    assert "boundary" in response.content.decode()


# --- offsets no database can take --------------------------------------------------------------


def test_web_pages_refuse_an_offset_beyond_64_bits(browser, tree):
    """People list, ledgers, area page and the htmx children page answer 400 for 2**64."""
    area = tree.communities[0].pk
    for url, extra, headers in [
        ("/people/", {}, {}),
        ("/people/ledgers/", {"ledger": "self"}, {}),
        (f"/areas/{area}/", {}, {}),
        (f"/areas/{area}/children/", {}, {"HX-Request": "true"}),
    ]:
        response = browser.get(url, {"offset": TOO_BIG, **extra}, headers=headers)
        assert response.status_code == 400, url
        assert "翻页位置超出范围" in response.content.decode(), url


def test_web_pages_accept_the_largest_offset(browser):
    """The largest signed 64-bit offset is a valid (empty) page, not an error."""
    assert browser.get("/people/", {"offset": str(MAX_OFFSET)}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/people", "/api/v1/areas/{area}/children"])
def test_api_refuses_an_offset_beyond_64_bits(url, bearer, tree):
    """The API answers 422 on ``offset`` for 2**64 and an empty page for 2**63 - 1."""
    url = url.format(area=tree.communities[0].pk)
    response = Client().get(url, {"offset": TOO_BIG}, headers=bearer)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]
    response = Client().get(url, {"offset": str(MAX_OFFSET)}, headers=bearer)
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- NUL characters ----------------------------------------------------------------------------


def test_api_json_with_a_nul_is_422_naming_the_field(bearer, tree):
    """A NUL (``\\u0000``) in a JSON string is refused with the field's name; nothing is written."""
    body = {"area_id": tree.units[0].pk, "name": "王\u0000五"}
    response = Client().post(
        "/api/v1/people", json.dumps(body), content_type="application/json", headers=bearer
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "不能包含空字符（NUL）"}]
    assert not Person.objects.filter(name__startswith="王").exists()


def test_api_nested_json_and_keys_with_a_nul_name_the_path(bearer):
    """A NUL inside a list or in an object key is reported at its dotted path."""
    raw = '{"a": [{"b": "x\\u0000"}], "k\\u0000": 1}'
    response = Client().post("/api/v1/people", raw, content_type="application/json", headers=bearer)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "a.0.b"


def test_api_query_parameter_with_a_nul_is_422(bearer):
    """``?q=`` with a NUL is refused before the search runs."""
    response = Client().get("/api/v1/people", {"q": "张\x00"}, headers=bearer)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "q", "message": "不能包含空字符（NUL）"}]


def test_web_form_and_query_with_a_nul_are_a_400_page_naming_the_field(browser, tree):
    """Login form, people search and the reveal form refuse a NUL with a 400 naming the field."""
    anonymous = Client()
    response = anonymous.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()
    response = browser.get("/people/", {"q": "\x00"})
    assert response.status_code == 400
    assert "“q”" in response.content.decode()
    response = browser.post(
        "/people/1/reveal/", {"reason": "核对\x00", "csrfmiddlewaretoken": CSRF}
    )
    assert response.status_code == 400
    assert "reason" in response.content.decode()


def test_multipart_field_with_a_nul_is_refused(bearer):
    """A multipart form field holding a NUL is refused by name before the import sees it."""
    upload = io.BytesIO(b"PK\x03\x04")
    upload.name = "名单.xlsx"
    response = Client().post(
        "/api/v1/imports", {"file": upload, "kind": "people\x00"}, headers=bearer
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "kind", "message": "不能包含空字符（NUL）"}]


def test_multipart_with_an_idempotency_key_still_reaches_the_view(bearer):
    """Checking a multipart form for NULs keeps the raw body readable for the idempotency
    middleware, so an upload with an Idempotency-Key is answered by the view (422 on ``kind``)."""
    upload = io.BytesIO(b"PK\x03\x04")
    upload.name = "名单.xlsx"
    response = Client().post(
        "/api/v1/imports",
        {"file": upload, "kind": "nonsense"},
        headers={**bearer, "Idempotency-Key": "k-1"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


# --- an xlsx cell holding a huge text ----------------------------------------------------------


def _workbook_with_huge_cell(megabytes: int) -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "手机号"])
    wb.active.append(["PLACEHOLDER", "x", "y"])
    source = io.BytesIO()
    wb.save(source)
    original = zipfile.ZipFile(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if b"PLACEHOLDER" not in data:
                archive.writestr(info, data)
                continue
            head, tail = data.split(b"PLACEHOLDER")
            with archive.open(info.filename, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(megabytes):
                    part.write(b"A" * (1 << 20))
                part.write(tail)
    return out.getvalue()


def test_an_xlsx_cell_of_150_mb_is_refused_before_openpyxl_reads_it(monkeypatch):
    """A 150 MB cell fits under the file and decompressed-size caps, yet is refused with a
    message on the file, and openpyxl never loads the workbook."""
    from haolinju.core.sheets import reader

    def must_not_load(*args, **kwargs):
        raise AssertionError("the workbook was handed to openpyxl")

    monkeypatch.setattr(reader, "load_workbook", must_not_load)
    content = _workbook_with_huge_cell(150)
    assert len(content) < reader.MAX_FILE_BYTES
    with pytest.raises(ImportInvalid) as caught:
        read_table(content, people_ledger.COLUMNS, filename="名单.xlsx")
    [error] = caught.value.errors
    assert error.field == "file"
    assert "32767" in error.message
