"""People directory, person record, the logged reveal and the member ledgers, through the
Django test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haolinju.core.crypto import decrypt
from haolinju.core.models import AuditEvent
from haolinju.people.models import PersonalDataRead, Title
from haolinju.people.tests.factories import resident, staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def furnished(tree):
    return furnish(tree)


@pytest.fixture
def secretary(furnished):
    """Branch secretary of compound 000 (units 0–7, owners 0–7)."""
    return staff(Title.BRANCH_SECRETARY, furnished.tree.compounds[0], username="secretary")


def test_directory_lists_people_in_jurisdiction_masked(client, furnished, secretary):
    """The secretary's directory holds their compound's people only, with masked phones."""
    client.force_login(secretary)
    response = client.get(reverse("people:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "共 9 人" in html  # 8 owners and the secretary
    inside, outside = furnished.owners[0], furnished.owners[8]
    assert inside.name in html and outside.name not in html
    assert inside.phone_masked in html
    assert decrypt(inside.phone_enc) not in html
    assert decrypt(inside.id_number_enc) not in html
    assert "小区000 1栋 1单元 101" in html  # a short address, not just "101"


def test_directory_search_by_name_exact_phone_and_id_number(client, furnished, secretary):
    """Search finds by part of a name, or by a complete phone or ID number."""
    client.force_login(secretary)
    owner = furnished.owners[3]
    for q in ("业主03", decrypt(owner.phone_enc), decrypt(owner.id_number_enc)):
        html = client.get(reverse("people:list"), {"q": q}).content.decode()
        assert "共 1 人" in html, q
        assert reverse("people:detail", args=[owner.pk]) in html


def test_directory_filters_by_area_and_ledger(client, furnished, secretary):
    """The area filter narrows to a building; the ledger filter to one ledger's members."""
    tree = furnished.tree
    client.force_login(secretary)
    html = client.get(reverse("people:list"), {"area": tree.buildings[0].pk}).content.decode()
    assert "共 4 人" in html
    html = client.get(reverse("people:list"), {"ledger": "in_service"}).content.decode()
    assert "共 2 人" in html  # owners 1 and 5
    assert furnished.owners[1].name in html and furnished.owners[5].name in html


def test_directory_area_outside_jurisdiction_is_404(client, furnished, secretary):
    """Filtering by an area the secretary cannot see is a 404, not an empty list."""
    client.force_login(secretary)
    response = client.get(reverse("people:list"), {"area": furnished.tree.compounds[1].pk})
    assert response.status_code == 404


def test_directory_queries_do_not_grow_with_rows(
    client, furnished, secretary, django_assert_max_num_queries
):
    """A page of 20 people costs the same queries as a page of 2 (no query per row)."""
    client.force_login(secretary)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("people:list"), {"q": "业主0", "area": furnished.tree.buildings[0].pk})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:list"))


def test_directory_htmx_request_gets_the_result_fragment(client, furnished, secretary):
    """htmx updates only the result list (a partial), paging included."""
    client.force_login(secretary)
    response = client.get(reverse("people:list"), {"q": "业主"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="results"' in html and "共 8 人" in html


def test_person_detail_shows_record_masked_with_member_and_occupancy(client, furnished, secretary):
    """The record shows masked numbers, the unit held, member attributes and derived ledgers,
    volunteer data, and offers the reveal actions to staff."""
    owner = furnished.owners[0]  # self-managed + retired member and volunteer
    client.force_login(secretary)
    response = client.get(reverse("people:detail", args=[owner.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert owner.id_number_masked in html and owner.phone_masked in html
    assert decrypt(owner.id_number_enc) not in html and decrypt(owner.phone_enc) not in html
    assert "自管党员" in html and "离退休党员" in html
    assert "V00000000" in html
    assert "小区000 1栋 1单元 101" in html
    assert "查看完整身份证号" in html and "查看完整手机号" in html


def test_person_outside_jurisdiction_is_404(client, furnished, secretary):
    """Another compound's resident is a 404 for the secretary and for a neighbour."""
    other = furnished.owners[8]
    client.force_login(secretary)
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
    client.force_login(resident(furnished.tree.units[8]))
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404


def test_resident_sees_own_record_without_reveal_actions(client, furnished):
    """A resident opens their own record, masked, and cannot unmask it here."""
    user = resident(furnished.tree.units[0])
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[user.person.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert user.person.phone_masked in html
    assert "查看完整手机号" not in html
    reveal = reverse("people:reveal", args=[user.person.pk])
    response = client.post(reveal, {"field": "phone", "reason": "想看看自己的号码"})
    assert response.status_code == 403
    assert "您没有权限执行此操作" in response.content.decode()  # the friendly 403 page
    assert PersonalDataRead.objects.count() == 0


def test_reveal_needs_a_reason_and_logs_the_read(client, furnished, secretary):
    """Without a reason nothing is shown or logged; with one the full number is shown once and
    the read is logged with the reason and an audit event."""
    owner = furnished.owners[2]
    client.force_login(secretary)
    url = reverse("people:reveal", args=[owner.pk])
    form = client.get(url, {"field": "phone"}, headers=HTMX).content.decode()
    assert "<html" not in form and "查看理由" in form

    response = client.post(url, {"field": "phone", "reason": "  "}, headers=HTMX)
    html = response.content.decode()
    assert "请说明查看理由" in html
    assert decrypt(owner.phone_enc) not in html
    response = client.post(url, {"field": "phone", "reason": "核实"}, headers=HTMX)
    assert "至少4个字" in response.content.decode()
    assert PersonalDataRead.objects.count() == 0

    response = client.post(
        url, {"field": "phone", "reason": "核实低保申请人联系方式"}, headers=HTMX
    )
    html = response.content.decode()
    assert decrypt(owner.phone_enc) in html
    assert "no-store" in response["Cache-Control"]
    read = PersonalDataRead.objects.get()
    assert (read.actor, read.person, read.field, read.reason) == (
        secretary,
        owner,
        "phone",
        "核实低保申请人联系方式",
    )
    assert AuditEvent.objects.filter(action="personal_data.reveal", target_id=owner.pk).exists()


def test_reveal_outside_jurisdiction_is_404_and_logs_nothing(client, furnished, secretary):
    """The secretary cannot unmask someone in another compound: 404, no log row."""
    url = reverse("people:reveal", args=[furnished.owners[8].pk])
    client.force_login(secretary)
    response = client.post(url, {"field": "id_number", "reason": "核实身份信息"})
    assert response.status_code == 404
    assert PersonalDataRead.objects.count() == 0


def test_reveal_without_javascript_renders_a_full_page(client, furnished, secretary):
    """Without htmx the reveal form and its answer are whole pages."""
    owner = furnished.owners[2]
    client.force_login(secretary)
    url = reverse("people:reveal", args=[owner.pk])
    assert "<html" in client.get(url, {"field": "id_number"}).content.decode()
    html = client.post(url, {"field": "id_number", "reason": "核实身份信息"}).content.decode()
    assert "<html" in html and decrypt(owner.id_number_enc) in html


def test_ledgers_page_counts_each_ledger_and_lists_the_chosen_one(client, furnished, secretary):
    """Tabs count the compound's four ledgers; the chosen tab lists its members."""
    client.force_login(secretary)
    response = client.get(reverse("people:ledgers"), {"ledger": "floating"})
    html = response.content.decode()
    assert response.status_code == 200
    tabs = {
        ledger: html.split(f'data-testid="ledger-tab-{ledger}"')[1]
        .split('class="stat-value">')[1]
        .split("<")[0]
        for ledger in ("self_managed", "in_service", "retired", "floating")
    }
    assert tabs == {"self_managed": "2", "in_service": "2", "retired": "2", "floating": "2"}
    assert "共 2 人" in html
    assert furnished.owners[2].name in html and furnished.owners[0].name not in html


def test_ledgers_htmx_tab_returns_the_panel_only(client, furnished, secretary):
    """Switching tabs with htmx replaces the ledger panel only."""
    client.force_login(secretary)
    html = client.get(
        reverse("people:ledgers"), {"ledger": "in_service"}, headers=HTMX
    ).content.decode()
    assert "<html" not in html and 'id="ledger-panel"' in html
    assert furnished.owners[1].name in html


def test_people_pages_in_english(client, furnished, secretary):
    """With English chosen, the directory and ledgers speak English."""
    client.force_login(secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("people:list")).content.decode()
    assert "People directory" in html and "9 people" in html
    html = client.get(reverse("people:ledgers")).content.decode()
    assert "Self-managed members" in html


def test_admin_shows_people_masked_and_read_only(client, furnished, django_user_model):
    """A superuser browses people in the admin with masked numbers only and cannot add one;
    ciphertexts and blind indexes never reach the page."""
    owner = furnished.owners[0]
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    html = client.get("/admin/people/person/").content.decode()
    assert owner.phone_masked in html
    assert decrypt(owner.phone_enc) not in html
    assert client.get("/admin/people/person/add/").status_code == 403
    page = client.get(f"/admin/people/person/{owner.pk}/change/").content.decode()
    assert owner.id_number_masked in page
    assert owner.phone_enc not in page and owner.id_number_index not in page
    assert decrypt(owner.id_number_enc) not in page
