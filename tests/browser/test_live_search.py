"""The directory's live search in the ways people really type: before the page's scripts are
ready (a slow phone, a slow network) and through a Chinese input method."""

from __future__ import annotations

import re

import pytest

from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE_SEARCH = re.compile(r"/people/\?.*q=")


@pytest.fixture
def secretary_page(page, login):
    tree = Tree()
    furnish(tree)
    staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec")
    login(page, "sec", "pw-for-tests")
    return page


def test_text_typed_before_the_scripts_are_ready_is_still_searched(secretary_page):
    """A name typed while htmx is still loading is searched once it has loaded: htmx must not
    take the typed text for the box's starting value (the old race: nothing was ever searched)."""
    page = secretary_page
    held = []
    page.route(re.compile(r"htmx-2(\.min)?\.js"), lambda route: held.append(route))
    with page.expect_request(re.compile(r"htmx-2(\.min)?\.js")):
        page.goto("/people/", wait_until="commit")
    page.fill("input[name=q]", "业主05")
    assert held, "the htmx script should still be held back while typing"
    held[0].continue_()
    page.locator("[data-testid=result-count]", has_text="共 1 人").wait_for()
    assert "q=%E4%B8%9A%E4%B8%BB05" in page.url


def test_pinyin_being_composed_is_not_searched_only_the_committed_characters(secretary_page):
    """While an input method composes "ye'zhu" (however long the person hesitates), no search is
    sent; committing 业主05 searches exactly that."""
    page = secretary_page
    page.clock.install()
    page.goto("/people/")
    searched = []
    page.on("request", lambda r: searched.append(r.url) if PEOPLE_SEARCH.search(r.url) else None)
    page.focus("input[name=q]")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "ye'zhu", "selectionStart": 6, "selectionEnd": 6})
    assert page.input_value("input[name=q]") == "ye'zhu"
    page.clock.run_for(2_000)  # far past the 600 ms pause that starts a search
    cdp.send("Input.insertText", {"text": "业主05"})
    page.clock.run_for(2_000)
    page.locator("[data-testid=result-count]", has_text="共 1 人").wait_for()
    assert [re.search(r"q=([^&]*)", url).group(1) for url in searched] == ["%E4%B8%9A%E4%B8%BB05"]
