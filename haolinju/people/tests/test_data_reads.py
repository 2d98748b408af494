"""Staff review the unmasked personal-data reads of their jurisdiction: who, whose, which
field, why and when; filtered, exported as xlsx, scoped by jurisdiction."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from haolinju.people import services
from haolinju.people.models import PersonalDataField, Title
from haolinju.people.tests.factories import resident, staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(tree):
    """Two compounds' secretaries each read one of their owners' data."""
    furnished = furnish(tree)
    first = staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec0")
    second = staff(Title.BRANCH_SECRETARY, tree.compounds[1], username="sec1")
    services.personal_data_reveal(
        actor=first,
        person_id=furnished.owners[0].pk,
        field=PersonalDataField.PHONE,
        reason="联系业主处理漏水",
    )
    services.personal_data_reveal(
        actor=second,
        person_id=furnished.owners[9].pk,
        field=PersonalDataField.ID_NUMBER,
        reason="核实低保申请人身份",
    )
    return furnished


def test_each_secretary_sees_only_the_reads_of_their_compound(client, tree, reads):
    """The review lists reads of people in one's jurisdiction (reader, person, field, reason)
    and nothing of the neighbouring compound; the district sees both."""
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    html = client.get(reverse("people:reads")).content.decode()
    assert "共 1 次" in html and "联系业主处理漏水" in html and reads.owners[0].name in html
    assert "手机号" in html and "核实低保申请人身份" not in html
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    html = client.get(reverse("people:reads")).content.decode()
    assert "共 2 次" in html


def test_reads_filter_by_field_reader_person_and_date(client, tree, reads):
    """Each filter narrows the list; dates are inclusive days."""
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    url = reverse("people:reads")
    assert "共 1 次" in client.get(url, {"field": "id_number"}).content.decode()
    assert "共 1 次" in client.get(url, {"reader": "sec0"}).content.decode()
    assert "共 1 次" in client.get(url, {"person": reads.owners[9].name}).content.decode()
    area = tree.compounds[1].pk
    assert "共 1 次" in client.get(url, {"area": area}).content.decode()

    today = timezone.localdate()
    assert "共 2 次" in client.get(url, {"since": today, "until": today}).content.decode()
    assert "共 0 次" in client.get(url, {"until": "2000-01-01"}).content.decode()


def test_reads_export_as_xlsx_within_jurisdiction(client, tree, reads):
    """The export holds the filtered reads of one's jurisdiction and never a read value."""
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    response = client.get(reverse("people:reads_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("查看时间", "查看人", "账号", "被查看人", "查看项目", "查看理由")
    assert len(rows) == 2 and rows[1][2] == "sec0" and rows[1][4] == "手机号"
    assert all("138" not in str(cell) and "139" not in str(cell) for cell in rows[1][:4])


def test_residents_cannot_review_reads_and_foreign_areas_are_404(client, tree, reads):
    """A resident gets 403; an area filter outside one's jurisdiction is 404."""
    client.force_login(resident(tree.units[0]))
    assert client.get(reverse("people:reads")).status_code == 403
    assert client.get(reverse("people:reads_export")).status_code == 403
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    foreign = tree.compounds[1].pk
    assert client.get(reverse("people:reads"), {"area": foreign}).status_code == 404
