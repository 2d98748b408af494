"""One's own settings: elder-friendly mode (default on for residents) and changing the password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = pytest.mark.django_db


def test_elder_mode_is_on_for_residents_and_off_for_staff_by_default(client, tree):
    """A resident's pages carry <html class="elder">; a secretary's do not."""
    client.force_login(resident(tree.units[0]))
    assert 'class="elder"' in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    assert 'class="elder"' not in client.get(reverse("dashboard:home")).content.decode()


def test_a_person_turns_elder_mode_off_and_on_again(client, tree):
    """The settings page switches the mode; the choice is kept on the account."""
    user = resident(tree.units[0])
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"elder_mode": "off"}, follow=True)
    assert "已关闭适老化模式" in response.content.decode()
    assert 'class="elder"' not in response.content.decode()
    user.refresh_from_db()
    assert user.elder_mode is False
    client.post(reverse("accounts:settings"), {"elder_mode": "on"})
    user.refresh_from_db()
    assert user.elder_mode is True


def test_change_password_needs_the_old_one(client, tree):
    """A wrong old password is refused; the right one sets the new password and keeps the
    session signed in."""
    user = resident(tree.units[0])
    client.force_login(user)
    url = reverse("accounts:password_change")
    new = "Lin-ju-2026-new"
    response = client.post(
        url, {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert (
        response.status_code == 200 and 'data-testid="password-error"' in response.content.decode()
    )
    response = client.post(
        url, {"old_password": "pw-for-tests", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:settings")
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_settings_pages_need_a_signed_in_user(client):
    """Anonymous visitors are sent to the login page."""
    for name in ("accounts:settings", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response.url
