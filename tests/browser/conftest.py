"""Browser-test harness: Playwright for Python driving Debian's Chromium against pytest-django's
``live_server``. Nothing is downloaded: the browser is /usr/bin/chromium.

Fixtures
- ``browser`` (session): one headless Chromium for the whole run.
- ``page``: a fresh context on a phone (390×844, scale 2, touch, zh-CN) at the live server.
- ``desktop_page``: the same on a 1280×800 desk screen.
- ``login``: ``login(page, username, password)`` signs in through the login form.
- ``screenshot``: ``screenshot(page, "name")`` saves test-artifacts/<test>-<name>.png.

Tests using them are marked ``pytest.mark.browser`` and ``pytest.mark.django_db(transaction=True)``
(the live server runs in another thread and must see committed data).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _page(browser, live_server, device: dict, locale: str = "zh-CN"):
    context = browser.new_context(base_url=live_server.url, locale=locale, **device)
    context.set_default_timeout(TIMEOUT_MS)
    # Only the live server may be reached: a page that tried a CDN would fail loudly here.
    context.route(
        re.compile(r"^(?!" + re.escape(live_server.url) + r").*"), lambda route: route.abort()
    )
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, phone_page = _page(browser, live_server, PHONE)
    yield phone_page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context, desk_page = _page(browser, live_server, DESKTOP)
    yield desk_page
    context.close()


@pytest.fixture
def login():
    def sign_in(page, username: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def screenshot(request):
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save
