"""Response headers (issue 6, item 5): the CSP on every page, no caching of signed-in pages."""

import pytest
from django.conf import settings
from django.test import Client

from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_strict_policy(tree):
    """Anonymous and signed-in pages, errors and the API all carry the CSP, which allows no
    inline script or style and no other origin."""
    assert "unsafe-inline" not in settings.HAOLINJU_CSP
    assert "unsafe-eval" not in settings.HAOLINJU_CSP
    user = staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")
    browser = Client()
    pages = [browser.get("/accounts/login/"), browser.get("/api/v1/me")]
    browser.force_login(user)
    pages += [browser.get(url) for url in ("/", "/people/", "/people/999999/", "/api/v1/me")]
    assert [r["Content-Security-Policy"] for r in pages] == [settings.HAOLINJU_CSP] * len(pages)


def test_signed_in_html_is_private_and_not_stored(tree):
    """Every HTML page for a signed-in user says private, no-store."""
    user = staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")
    browser = Client()
    browser.force_login(user)
    for url in ("/", f"/areas/{tree.communities[0].pk}/", "/people/", "/inbox/"):
        response = browser.get(url)
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control, url
