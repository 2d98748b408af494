"""The Content-Security-Policy holds on the main pages: Chromium reports no violation while a
district user and a compound secretary walk them, including htmx swaps and the reveal form."""

from __future__ import annotations

import pytest

from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (through the DevTools protocol, so the CSP does not block it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


def _violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__cspViolations")


def test_no_csp_violation_on_the_main_pages(page, login):
    """Login, home, area tree (with the htmx children page), people list with an htmx search,
    a person's record and the reveal form, ledgers, import, inbox and tokens: no violation,
    and every page carries the policy without 'unsafe-inline'."""
    tree = Tree()
    furnished = furnish(tree)
    staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec")
    console = _watch(page)

    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    login(page, "sec", "pw-for-tests")
    page.locator("[data-testid=role]").wait_for()
    visited = []
    for url in [
        "/",
        "/areas/",
        f"/areas/{tree.compounds[0].pk}/",
        "/people/ledgers/",
        "/io/import/",
        "/inbox/",
        "/accounts/tokens/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert "no-store" in response.headers["cache-control"], url
        visited.append(url)
        assert _violations(page, console) == [], url

    page.goto("/people/")
    page.fill("input[name=q]", "业主05")
    page.locator("[data-testid=result-count]", has_text="共 1 人").wait_for()
    page.locator("[data-testid=person]", has_text=furnished.owners[5].name).click()
    page.locator("[data-testid=reveal-phone]").click()
    page.locator("[data-testid=reveal-submit]").click()
    page.locator("[data-testid=reveal-error]").wait_for()
    assert _violations(page, console) == []
