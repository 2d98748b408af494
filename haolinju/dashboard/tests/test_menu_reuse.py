"""The main menu is rendered once per key and reused: it never crosses roles or languages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = pytest.mark.django_db


def test_a_reused_menu_still_follows_the_viewers_role(client, tree):
    """Staff then a resident then staff again on the same page of the same process: each sees
    their own menu (the people directory link only for staff), however often it is reused."""
    people_link = f'href="{reverse("people:list")}"'
    officer = staff(Title.DISTRICT_STAFF, tree.district)
    neighbour = resident(tree.units[0])
    for user, expected in ((officer, True), (neighbour, False), (officer, True)):
        client.force_login(user)
        html = client.get(reverse("dashboard:more")).content.decode()
        assert (people_link in html) is expected


def test_a_reused_menu_follows_the_language(client, tree):
    """The same menu key in Chinese and in English gives each language its own labels."""
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    chinese = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    english = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content
    again = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "台账".encode() in chinese and "台账".encode() in again
    assert "台账".encode() not in english and b"Ledgers" in english
