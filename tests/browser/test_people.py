"""Signing in, searching the directory and unmasking a number with a reason, in a real browser."""

from __future__ import annotations

import pytest

from haolinju.core.crypto import decrypt
from haolinju.org.tests.factories import Tree
from haolinju.people.models import PersonalDataRead, Title
from haolinju.people.tests.factories import staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_signs_in_by_phone_searches_and_reveals_a_phone(page, login, screenshot):
    """A wrong password shows the Chinese message; the mobile number signs in; typing a name
    filters the list in place (htmx); the reveal asks for a reason, shows the number once and
    logs the read."""
    tree = Tree()
    furnished = furnish(tree)
    secretary = staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec")
    phone = decrypt(secretary.person.phone_enc)

    login(page, phone, "wrong-password")
    assert (
        "用户名（或手机号）与密码不匹配" in page.locator("[data-testid=login-error]").inner_text()
    )
    screenshot(page, "1-login-error")
    login(page, phone, "pw-for-tests")
    assert page.locator("[data-testid=role]").inner_text() == "小区党支部书记"

    page.locator(".bottomnav [data-testid=nav-more]").click()
    page.locator("[data-testid=all-features] a", has_text="人员").click()
    assert page.locator("[data-testid=result-count]").inner_text() == "共 9 人"
    page.fill("input[name=q]", "业主05")
    page.locator("[data-testid=result-count]", has_text="共 1 人").wait_for()
    assert "q=%E4%B8%9A%E4%B8%BB05" in page.url  # the address follows the search (hx-push-url)
    screenshot(page, "2-search")

    owner = furnished.owners[5]
    page.locator("[data-testid=person]", has_text=owner.name).click()
    assert page.locator("[data-testid=phone-masked]").inner_text() == owner.phone_masked
    page.locator("[data-testid=reveal-phone]").click()
    page.locator("[data-testid=reveal-submit]").click()
    assert "至少4个字" in page.locator("[data-testid=reveal-error]").inner_text()
    page.fill("[data-testid=reveal-reason]", "联系业主处理漏水")
    page.locator("[data-testid=reveal-submit]").click()
    revealed = page.locator("[data-testid=revealed-value]")
    assert revealed.inner_text() == decrypt(owner.phone_enc)
    screenshot(page, "3-revealed")
    read = PersonalDataRead.objects.get()
    assert (read.person_id, read.field, read.reason) == (owner.pk, "phone", "联系业主处理漏水")


def test_desk_screen_shows_the_top_menu_instead_of_the_bottom_bar(desktop_page, login, screenshot):
    """On a wide screen the menu sits in the top bar and the phone bottom bar is hidden."""
    tree = Tree()
    furnish(tree)
    staff(Title.COMMUNITY_SECRETARY, tree.communities[0], username="community")
    login(desktop_page, "community", "pw-for-tests")
    assert desktop_page.locator(".topnav").is_visible()
    assert not desktop_page.locator(".bottomnav").is_visible()
    desktop_page.locator(".topnav a", has_text="台账").click()
    desktop_page.locator("[data-testid=ledger-tab-in_service]").click()
    desktop_page.locator("[data-testid=ledger-tab-in_service][aria-selected=true]").wait_for()
    assert desktop_page.locator("[data-testid=result-count]").inner_text() == "共 4 人"
    screenshot(desktop_page, "ledgers")
