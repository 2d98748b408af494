"""Mediation and the residents' micro-review in a real browser, on a phone: the mediator
schedules and holds a sitting, drafts the agreement and records both signatures; a neighbour
reviews a rectified report on the 微评议 page. axe-core on each new page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haolinju.cases.models import CaseKind, MediationDetail, Status
from haolinju.cases.tests.factories import CaseFactory, cast, category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


def test_mediation_sitting_agreement_signatures(page, login, screenshot, assert_accessible):
    """From the case page the member schedules, holds (parties ticked), drafts and records the
    two signatures; the agreement then reads 已签署 and the timeline shows it in force."""
    c = cast()
    case = CaseFactory(
        kind=CaseKind.MEDIATION, category=category("neighbour_dispute"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, status=Status.IN_PROGRESS,
        assignee_person=c.member.person, title="楼上漏水纠纷",
    )  # fmt: skip
    MediationDetail.objects.create(case=case, parties=["居民丁", "楼上王先生"])
    login(page, "member", PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    form = page.locator("[data-testid=session-form]")
    form.locator("input[name=scheduled_at]").fill("2026-12-05T19:30")
    form.locator("input[name=place]").fill("小区议事厅")
    form.locator("button[type=submit]").click()
    hold = page.locator("[data-testid=session-hold]")
    expect(hold).to_be_visible()
    assert_accessible(page)
    hold.locator("textarea[name=summary]").fill("双方当面陈述，同意修缮")
    hold.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=sessions]")).to_contain_text("已调解")
    draft = page.locator("[data-testid=agreement-form]")
    draft.locator("textarea[name=text]").fill("王先生两周内修好防水层。")
    draft.locator("button[type=submit]").click()
    signs = page.locator("[data-testid=sign]")
    expect(signs).to_have_count(2)
    for left in (1, 0):
        signs.first.click()
        expect(signs).to_have_count(left)
    expect(page.locator("[data-testid=agreement]")).to_contain_text("已签署")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("调解协议生效")
    assert_accessible(page)
    screenshot(page, "mediation-signed")


def test_micro_review_page(page, login, screenshot, assert_accessible):
    """The neighbour opens 微评议, sees the rectified report, gives a verdict and then sees it
    as theirs, with the tally counting it."""
    c = cast()
    CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=category("lighting"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, status=Status.RESOLVED,
        state_type="fixed", title="东门路灯不亮", detail__public=True,
    )  # fmt: skip
    login(page, "neighbour", PASSWORD)
    page.goto("/cases/reviews/")
    item = page.locator("[data-testid=review-item]", has_text="东门路灯不亮")
    expect(item).to_be_visible()
    assert_accessible(page)
    item.locator("input[name=verdict][value=satisfied]").check()
    item.locator("[data-testid=review-submit]").click()
    expect(page.locator("[data-testid=my-verdict]")).to_contain_text("满意")
    page.goto("/cases/reviews/")
    expect(page.locator("[data-testid=micro-review]")).to_contain_text("本轮 1 人评议")
    assert_accessible(page)
    screenshot(page, "micro-review")
