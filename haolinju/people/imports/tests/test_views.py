"""Import and export pages: upload, preview with errors, confirm; 404 for non-importers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from haolinju.core.xlsx import XLSX_CONTENT_TYPE
from haolinju.org.models import Area
from haolinju.people.models import ImportBatch, ImportStatus, Person
from haolinju.people.tests.factories import PersonFactory, resident

from .sheets import PEOPLE_HEADERS, UNIT_HEADERS, person_row, xlsx
from .test_people_ledger import ID_A, UNIT_101

pytestmark = pytest.mark.django_db

UNIT_ROWS = [["街道0", "社区00", "江柳小区", "示范型", "1栋", "1单元", "101", 89.5, 1]]


def _upload(client, kind, content):
    upload = SimpleUploadedFile("登记表.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    return client.post(reverse("io:import"), {"kind": kind, "file": upload})


def test_upload_preview_confirm(client, tree, street_staff):
    """Uploading shows the preview page with counts and a confirm button; confirming writes."""
    client.force_login(street_staff)
    page = client.get(reverse("io:import"))
    assert page.status_code == 200
    assert reverse("io:template", args=["unit_register"]) in page.content.decode()

    response = _upload(client, "unit_register", xlsx(UNIT_HEADERS, UNIT_ROWS))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("io:batch", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "确认导入" in preview and "新建房屋" in preview and "江柳小区" in preview
    assert not Area.objects.filter(name="江柳小区").exists()

    done = client.post(reverse("io:commit", args=[batch.pk]))
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert Area.objects.filter(name="江柳小区").exists()
    assert "确认导入" not in client.get(done["Location"]).content.decode()


def test_errors_are_listed_with_row_column_and_reason(client, tree, street_staff):
    """A bad file re-renders the form with a row/column/reason table and stores nothing."""
    client.force_login(street_staff)
    rows = [person_row("王建国", ID_A, UNIT_101), person_row("李四", "123", UNIT_101)]
    response = _upload(client, "people", xlsx(PEOPLE_HEADERS, rows))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<td>3</td>" in html and '<td class="mono">B</td>' in html
    assert "身份证号应为18位" in html
    assert not ImportBatch.objects.exists() and not Person.objects.filter(name="王建国").exists()


def test_failed_commit_shows_the_reason(client, tree, street_staff):
    """If the data changed after the preview, confirming shows the errors and writes nothing."""
    client.force_login(street_staff)
    _upload(client, "people", xlsx(PEOPLE_HEADERS, [person_row("王建国", ID_A, UNIT_101)]))
    batch = ImportBatch.objects.get()
    PersonFactory(area=tree.units[1], id_number=ID_A)
    response = client.post(reverse("io:commit", args=[batch.pk]))
    assert response.status_code == 422
    assert "该身份证号已登记" in response.content.decode()
    assert not Person.objects.filter(name="王建国").exists()


def test_residents_get_404_and_batches_are_private(client, tree, street_staff):
    """Someone without a people-scope post cannot reach the import pages or another's batch."""
    client.force_login(street_staff)
    _upload(client, "unit_register", xlsx(UNIT_HEADERS, UNIT_ROWS))
    batch = ImportBatch.objects.get()
    client.force_login(resident(tree.units[0]))
    assert client.get(reverse("io:import")).status_code == 404
    assert client.get(reverse("io:template", args=["people"])).status_code == 404
    assert client.get(reverse("io:batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("io:commit", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED


def test_export_pages_download_scoped_sheets(client, tree, street_staff):
    """The export links return .xlsx files built from the actor's scope."""
    PersonFactory(area=tree.units[0], name="院内人")
    PersonFactory(area=tree.units[-1], name="外街人")
    client.force_login(street_staff)
    response = client.get(reverse("io:export_people"), {"area": tree.streets[0].pk, "q": ""})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    names = [r[0] for r in load_workbook(io.BytesIO(response.content)).active.values]
    assert "院内人" in names and "外街人" not in names
    children = client.get(reverse("io:export_children", args=[tree.streets[0].pk]))
    assert children.status_code == 200
    rows = list(load_workbook(io.BytesIO(children.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["社区00", "社区01"]
    assert client.get(reverse("io:export_children", args=[tree.streets[1].pk])).status_code == 404
    assert client.get(reverse("io:export_organisations")).status_code == 200
    assert client.get(reverse("io:export_people"), {"area": "x"}).status_code == 404


def test_template_downloads(client, tree, street_staff):
    """Each kind has a blank template whose headers the importer recognises."""
    client.force_login(street_staff)
    for kind in ("unit_register", "people"):
        response = client.get(reverse("io:template", args=[kind]))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["数据", "填写说明"]
    assert client.get(reverse("io:template", args=["votes"])).status_code == 404


def test_import_into_a_compound_and_map_a_column_on_the_web(client, tree, street_staff):
    """The form offers the staff member's compounds as targets; a file whose 姓名 column is
    unknown shows a select per unknown header, and choosing one previews the file."""
    client.force_login(street_staff)
    compound = tree.compounds[0]
    page = client.get(reverse("io:import")).content.decode()
    assert f'value="{compound.pk}"' in page and 'name="area_basis"' in page
    content = xlsx(
        ["户主名称", "身份证号", "楼栋", "单元", "房号"], [["张三", ID_A, "1栋", "1单元", "101"]]
    )
    upload = SimpleUploadedFile("登记表.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    response = client.post(
        reverse("io:import"), {"kind": "people", "file": upload, "target": compound.pk}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.NEEDS_MAPPING
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="mapping-form"' in page and "户主名称" in page
    response = client.post(
        reverse("io:remap", args=[batch.pk]), {"header_0": "户主名称", "field_0": "name"}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert "张三" in client.get(response["Location"]).content.decode()
