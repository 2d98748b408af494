"""The duplicate-ID oracle (issue 6, item 2, API registration): an ID number registered outside
the caller's scope is answered only with "registered elsewhere — ask the level above", audited on
the caller's area and rate-limited per account."""

from __future__ import annotations

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.core.crypto import decrypt
from haolinju.core.models import AuditEvent
from haolinju.people.models import Person, Title
from haolinju.people.tests.factories import PersonFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    mine = tree.compounds[0]
    elsewhere = next(c for c in tree.compounds if not c.path.startswith(tree.communities[0].path))
    secretary = staff(Title.BRANCH_SECRETARY, mine, username="sec")
    headers = {"Authorization": f"Bearer {token_issue(user=secretary)}"}
    return mine, elsewhere, secretary, headers


def _register(headers, area, id_number, name="新住户"):
    return Client().post(
        "/api/v1/people",
        {"area_id": area.pk, "name": name, "id_number": id_number},
        content_type="application/json",
        headers=headers,
    )


def test_an_id_registered_elsewhere_says_only_ask_the_level_above(setup):
    """422 on id_number with the "other jurisdiction" message and nothing about where or whose;
    an audit event on the caller's area; no person created."""
    mine, elsewhere, secretary, headers = setup
    holder = PersonFactory(area=elsewhere, name="外区居民")
    response = _register(headers, mine, decrypt(holder.id_number_enc))
    assert response.status_code == 422
    message = "该身份证号已在其他辖区登记，请联系上级核实"
    assert response.json() == {
        "detail": message,
        "errors": [{"field": "id_number", "message": message}],
    }  # the whole answer: no name, area or id of the holder
    event = AuditEvent.objects.get(action="person.duplicate_elsewhere")
    assert (event.actor_id, event.area_path) == (secretary.pk, mine.path)
    assert not Person.objects.filter(name="新住户").exists()


def test_an_id_registered_in_scope_keeps_the_plain_message(setup):
    """A duplicate the caller may see anyway is reported as registered, with no oracle event."""
    mine, _elsewhere, _secretary, headers = setup
    holder = PersonFactory(area=mine)
    response = _register(headers, mine, decrypt(holder.id_number_enc))
    assert response.json()["errors"][0]["message"] == "该身份证号已登记"
    assert not AuditEvent.objects.filter(action="person.duplicate_elsewhere").exists()


def test_probing_is_rate_limited_per_account(setup, settings):
    """After the hourly limit, every registration with an ID number is a 429 — even a fresh
    number — so the oracle cannot be walked; registrations without one still work."""
    settings.HAOLINJU_DUPLICATE_PROBES_PER_HOUR = 2
    mine, elsewhere, _secretary, headers = setup
    holders = [PersonFactory(area=elsewhere) for _ in range(3)]
    codes = [_register(headers, mine, decrypt(h.id_number_enc)).status_code for h in holders]
    assert codes == [422, 422, 429]
    from haolinju.people.tests.factories import synthetic_id

    assert _register(headers, mine, synthetic_id(987654)).status_code == 429
    assert _register(headers, mine, "", name="无证住户").status_code == 201
    assert AuditEvent.objects.filter(action="person.duplicate_elsewhere").count() == 2
