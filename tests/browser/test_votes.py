"""An owner votes on a phone; the returning officer enters a paper ballot at the desk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haolinju.deliberation.models import Ballot
from haolinju.deliberation.services import votes as services
from haolinju.deliberation.tests.factories import ExampleCompound, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_votes_on_a_phone_and_staff_enter_a_paper_ballot(
    page, login, screenshot, assert_accessible
):
    """The owner opens the vote from the menu, taps 同意 and sees the receipt and the bars; the
    officer finds unit 401 at the desk, enters a paper 反对, and the tally shows two voters."""
    ex = ExampleCompound()
    opens, closes = window()
    vote = services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=7,
        title="1栋加装电梯",
        opens_at=opens,
        closes_at=closes,
    )
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="notice")
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="open")

    login(page, "p5", "pw-for-tests")
    page.locator(".bottomnav [data-testid=nav-more]").click()
    page.locator("[data-testid=all-features] a", has_text="议事").click()
    page.locator("[data-testid=vote-link]", has_text="1栋加装电梯").click()
    page.locator("[data-testid=choose-for]").click()
    receipt = page.locator("[data-testid=my-receipt]")
    expect(receipt).to_have_text(Ballot.objects.get(vote=vote).receipt)
    expect(page.locator("[data-testid=tally]")).to_contain_text("150.00 / 1220.00")
    box = page.locator("[data-testid=choose-against]").bounding_box()
    assert box["height"] >= 44
    screenshot(page, "1-owner-voted")
    assert_accessible(page)
    page.locator("[data-testid=logout]").click()

    login(page, "officer", "pw-for-tests")
    page.goto(f"/deliberation/votes/{vote.pk}/")
    page.locator("[data-testid=desk-link]").click()
    page.fill("[data-testid=desk-search]", "401")
    page.keyboard.press("Enter")
    page.locator("[data-testid=desk-voter]", has_text="1栋1单元401").wait_for()
    page.locator("[data-testid=desk-against]").click()
    expect(page.locator("[data-testid=desk-receipt]")).to_contain_text("已录入")
    screenshot(page, "2-desk-entered")
    assert_accessible(page)
    page.goto(f"/deliberation/votes/{vote.pk}/")
    expect(page.locator("[data-testid=tally]")).to_contain_text("2 / 10")
    counted = Ballot.objects.filter(vote=vote, superseded_at__isnull=True)
    assert sorted(counted.values_list("channel", flat=True)) == ["online", "paper"]
