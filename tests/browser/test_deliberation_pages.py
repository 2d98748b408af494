"""On a phone: staff hold a joint meeting and track a task from it; the party secretary
reviews a proposal; an owner reads the convention's diff and comments — each page checked
with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haolinju.deliberation.models import Proposal, Task
from haolinju.deliberation.services import conventions as convention_services
from haolinju.deliberation.services import proposals as proposal_services
from haolinju.deliberation.tests.factories import ExampleCompound
from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"


def test_staff_hold_a_meeting_and_track_its_task_on_a_phone(
    page, login, screenshot, assert_accessible
):
    """The officer records a meeting, assigns a task with two milestones to the property
    company, marks the first milestone done (the progress card updates in place to 1/2),
    finishes the task and finds it in the tracker."""
    ex = ExampleCompound()
    OrganisationFactory(kind=OrgKind.PROPERTY_COMPANY, name="遗爱物业", area=ex.compound)
    login(page, "officer", PASSWORD)
    page.goto("/deliberation/")
    page.locator("[data-testid=nav-meetings]").click()
    page.fill("#m-agenda", "1. 楼道飞线充电整治")
    page.locator("label.check", has_text="遗爱物业").click()
    assert_accessible(page)
    page.locator("[data-testid=meeting-save]").click()
    expect(page.locator("[data-testid=meeting-agenda]")).to_contain_text("楼道飞线充电整治")
    page.fill("[data-testid=task-title]", "清理楼道飞线")
    page.select_option("[data-testid=task-org]", label="遗爱物业")
    page.fill("[data-testid=task-milestones]", "排查\n清理")
    page.locator("[data-testid=task-save]").click()
    page.locator(
        "[data-testid=meeting-tasks] [data-testid=task-link]", has_text="清理楼道飞线"
    ).click()
    expect(page.locator("[data-testid=task-fraction]")).to_have_text("0/2")
    assert_accessible(page)
    page.wait_for_load_state("load")  # htmx (a deferred script) has wired the page
    page.locator("[data-testid=milestone-done]").first.click()
    expect(page.locator("[data-testid=task-fraction]")).to_have_text("1/2")
    page.fill("[data-testid=task-note]", "已全部清理")
    page.locator("[data-testid=task-finish]").click()
    expect(page.locator("[data-testid=task-status]")).to_have_text("已办结")
    screenshot(page, "task")
    page.goto("/deliberation/tasks/")
    page.wait_for_load_state("load")  # htmx (a deferred script) has wired the page
    page.select_option("#t-status", "open")
    expect(page.locator("[data-testid=task-results]")).to_contain_text("没有符合条件的事项")
    page.select_option("#t-status", "done")
    expect(page.locator("[data-testid=task-results]")).to_contain_text("清理楼道飞线")
    assert_accessible(page)
    assert Task.objects.get().status == "done"


def test_party_secretary_reviews_and_owner_reads_the_convention(
    page, login, screenshot, assert_accessible
):
    """The branch secretary opens the review queue and returns a proposal with a reason; an
    owner then opens the convention, switches the diff to v1 → v2 (htmx) and comments."""
    ex = ExampleCompound()
    p = proposal_services.proposal_create(
        actor=ex.owners[1],
        area=ex.compound,
        title="更换供水管道",
        body="锈蚀",
        category="water_pipes",
    )
    for action in ("discuss", "submit_review"):
        proposal_services.proposal_transition(actor=ex.officer, proposal_id=p.pk, action=action)
    c = convention_services.convention_create(
        actor=ex.officer, area=ex.compound, title="遗爱小区居民公约", text="第一条 垃圾分类。"
    )
    convention_services.version_add(
        actor=ex.officer, convention=c, text="第一条 垃圾分类。\n第二条 文明养犬。"
    )
    convention_services.version_add(
        actor=ex.officer, convention=c, text="第一条 垃圾分类，定时定点。\n第二条 文明养犬。"
    )

    login(page, "officer", PASSWORD)
    page.goto("/deliberation/")
    page.locator("[data-testid=nav-reviews]").click()
    assert_accessible(page)
    page.locator("[data-testid=review-link]", has_text="更换供水管道").click()
    page.fill("#note", "请补充施工期间临时供水方案")
    page.locator("button[value=return]").click()
    expect(page.locator("[data-testid=proposal-status]")).to_have_text("已退回")
    assert Proposal.objects.get(pk=p.pk).status == "returned"
    page.locator("[data-testid=logout]").click()

    login(page, "p3", PASSWORD)
    page.goto("/deliberation/")
    page.locator("[data-testid=nav-conventions]").click()
    page.locator("[data-testid=convention-link]", has_text="遗爱小区居民公约").click()
    expect(page.locator("[data-testid=diff]")).to_contain_text("定时定点")
    page.wait_for_load_state("load")  # htmx (a deferred script) has wired the form
    page.select_option("#d-a", "1")
    expect(page.locator("[data-testid=diff] .diff-added")).to_have_count(2)
    page.fill("[data-testid=convention-comment]", "建议增加邻里互助条款")
    page.locator("[data-testid=convention-comment-send]").click()
    expect(page.locator("[data-testid=convention-comments]")).to_contain_text("邻里互助")
    screenshot(page, "convention")
    assert_accessible(page)
