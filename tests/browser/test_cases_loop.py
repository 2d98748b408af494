"""The whole service loop in a real browser: a resident asks on a phone, the secretary
dispatches from the desk board with a suggestion, the member accepts and finishes on a phone,
the resident rates it with the three questions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haolinju.cases.models import Case, Status
from haolinju.cases.tests.factories import cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


def test_ask_dispatch_accept_resolve_rate(page, desktop_page, login, screenshot, assert_accessible):
    """Every step of the loop is one tap or click on the page that shows it, and the timeline
    ends rated."""
    cast()

    login(page, "resident", PASSWORD)
    page.goto("/cases/new/?kind=service_order")
    expect(page.locator("[data-testid=expected]").first).to_contain_text("预计")
    assert_accessible(page)
    page.locator("label.choice", has_text="水电维修").click()
    page.fill("#id_title", "阳台水管爆了")
    page.fill("#id_description", "阳台洗衣机水管接头爆开，水流不止，总阀关不上。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("待派单")
    screenshot(page, "1-asked")
    case = Case.objects.get(title="阳台水管爆了")

    login(desktop_page, "secretary", PASSWORD)
    desktop_page.goto("/cases/board/")
    row = desktop_page.locator("[data-testid=case-row]", has_text="阳台水管爆了")
    expect(row).to_be_visible()
    assert_accessible(desktop_page)
    row.click()
    suggestion = desktop_page.locator("[data-testid=suggestions] li", has_text="党员甲")
    expect(suggestion).to_contain_text("同一")
    screenshot(desktop_page, "2-suggestions")
    suggestion.locator("[data-testid=dispatch-to]").click()
    expect(desktop_page.locator("[data-testid=case-status]")).to_have_text("已派单")

    page.context.clear_cookies()
    login(page, "member", PASSWORD)
    page.goto("/cases/orders/")
    page.locator("[data-testid=case-row]", has_text="阳台水管爆了").click()
    for action, status in (("accept", "已接单"), ("start", "办理中"), ("resolve", "已办结")):
        page.click(f"[data-testid=act-{action}]")
        expect(page.locator("[data-testid=case-status]")).to_have_text(status)
    screenshot(page, "3-resolved")

    page.context.clear_cookies()
    login(page, "resident", PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    form = page.locator("[data-testid=rate-form]")
    form.locator("input[name=contacted][value=yes]").check()
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=score][value='5']").check()
    assert_accessible(page)
    page.click("[data-testid=rate-submit]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已评价")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("评价")
    screenshot(page, "4-rated")
    assert Case.objects.get(pk=case.pk).status == Status.RATED
