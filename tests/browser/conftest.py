"""Browser-test harness: Playwright for Python driving Debian's Chromium against pytest-django's
``live_server``. Nothing is downloaded: the browser is /usr/bin/chromium.

Fixtures
- ``browser`` (session): one headless Chromium for the whole run.
- ``page``: a fresh context on a phone (390×844, scale 2, touch, zh-CN) at the live server.
- ``desktop_page``: the same on a 1280×800 desk screen.
- ``login``: ``login(page, username, password)`` signs in through the login form.
- ``screenshot``: ``screenshot(page, "name")`` saves test-artifacts/<test>-<name>.png.
- ``axe``: ``axe(page, tags=("wcag2a", "wcag2aa"), rules=None)`` runs axe-core (npm, pinned in
  package.json, installed by ``scripts/test`` into node_modules/) on the page as it is and
  returns its violations; ``rules`` restricts the run to those rule ids.
- ``assert_accessible``: ``assert_accessible(page, ...)`` (same arguments) fails listing every
  violation with its nodes.

Tests using them are marked ``pytest.mark.browser`` and ``pytest.mark.django_db(transaction=True)``
(the live server runs in another thread and must see committed data).
"""

from __future__ import annotations

import os
import re
import urllib.request
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
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
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


@pytest.fixture(scope="session")
def warm_live_server(live_server):
    """The live server's first request imports the URLconf, the API and the templates (about
    4 s on a busy machine): make it once, outside any page's 5 s budget."""
    url = live_server.url + "/accounts/login/"  # always http://localhost:<port>
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
        response.read()
    return live_server


def _page(browser, live_server, device: dict, locale: str = "zh-CN"):
    context = browser.new_context(base_url=live_server.url, locale=locale, **device)
    context.set_default_timeout(TIMEOUT_MS)
    # Only the live server may be reached: a page that tried a CDN would fail loudly here.
    context.route(
        re.compile(r"^(?!" + re.escape(live_server.url) + r").*"), lambda route: route.abort()
    )
    return context, context.new_page()


@pytest.fixture
def page(browser, warm_live_server):
    live_server = warm_live_server
    context, phone_page = _page(browser, live_server, PHONE)
    yield phone_page
    context.close()


@pytest.fixture
def desktop_page(browser, warm_live_server):
    live_server = warm_live_server
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


def run_axe(page, *, tags=WCAG_AA, rules=None) -> list[dict]:
    """axe-core's violations on the page as it is now (injected once per document)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT}: run `npm ci` (scripts/test does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the page's
        # Content-Security-Policy (no inline scripts) must stay as it is in production.
        page.evaluate("() => {\n" + AXE_SCRIPT.read_text(encoding="utf-8") + "\n}")
    options = (
        {"runOnly": {"type": "rule", "values": list(rules)}}
        if rules
        else {"runOnly": {"type": "tag", "values": list(tags)}}
    )
    result = page.evaluate("(options) => window.axe.run(document, options)", options)
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    return run_axe


@pytest.fixture
def assert_accessible():
    def check(page, *, tags=WCAG_AA, rules=None) -> None:
        violations = run_axe(page, tags=tags, rules=rules)
        assert not violations, f"{page.url}\n{describe_violations(violations)}"

    return check
