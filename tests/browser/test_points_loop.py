"""The points loop in a real browser: community staff shelve goods, the branch secretary
approves the month's entries, the resident sees the balance on a phone and redeems, and the
station desk hands the goods over — with axe-core on every page of the loop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.org.models import Organisation, OrgKind
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff
from haolinju.points.models import Redemption, RedemptionStatus, ShopItem
from haolinju.points.services import entries, ledger

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page):
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_shelve_approve_redeem_hand_over(page, desktop_page, login, screenshot):
    """Soap goes on the shelf (12 in stock); two awards of last month wait for review; the
    secretary approves them all; the resident sees 20 spendable points and the score, redeems
    soap for 15 (5 left, 15 held); the desk hands it over; stock, balance and the books agree."""
    tree = Tree()
    compound = tree.compounds[0]
    station = Organisation.objects.create(
        kind=OrgKind.STATION, name="幸福工作站", area=compound, area_path=compound.path
    )
    secretary = staff(Title.BRANCH_SECRETARY, compound, username="sec")
    staff(Title.COMMUNITY_SECRETARY, tree.communities[0], username="comm")
    member = resident(tree.units[0], username="res")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    for points, reason in ((10, "楼道清扫"), (10, "帮办代办")):
        entries.award_record(
            actor=secretary,
            person_id=member.person.pk,
            points=points,
            reason=reason,
            occurred_on=last_month,
        )

    desk = desktop_page
    login(desk, "comm", "pw-for-tests")
    desk.goto(f"/points/stations/{station.pk}/")
    desk.click("[data-testid=item-new]")
    desk.fill("input[name=name]", "香皂")
    desk.fill("input[name=price]", "15")
    desk.fill("input[name=stock]", "12")
    accessible(desk)
    desk.click("[data-testid=save]")
    desk.locator(".alert", has_text="物品已上架").wait_for()
    accessible(desk)
    soap = ShopItem.objects.get(name="香皂")
    assert soap.stock == 12

    login(page, "res", "pw-for-tests")
    page.goto("/points/")
    page.locator("[data-testid=entry-list] li", has_text="待审核").first.wait_for()
    assert page.locator("[data-testid=available]").inner_text() == "0"
    accessible(page)

    desk.context.clear_cookies()
    login(desk, "sec", "pw-for-tests")
    desk.goto(f"/points/review/{compound.pk}/?month={last_month:%Y-%m}")
    assert desk.locator("[data-testid=pending-count]").inner_text() == "2"
    accessible(desk)
    desk.click("[data-testid=approve-all]")
    desk.locator(".alert", has_text="已通过 2 条").wait_for()
    assert desk.locator("[data-testid=pending-count]").inner_text() == "0"

    page.goto("/points/")
    assert page.locator("[data-testid=available]").inner_text() == "20"
    this_year = last_month.year == timezone.localdate().year  # the score shown is this year's
    assert page.locator("[data-testid=score]").inner_text() == ("20" if this_year else "0")
    page.goto("/points/shop/")
    accessible(page)
    page.click(f"[data-testid=reserve-{soap.pk}]")
    page.locator(".alert", has_text="已预留").wait_for()
    assert page.locator("[data-testid=shop-balance]").inner_text() == "可用 5 分，冻结 15 分"
    page.locator("[data-testid=my-redemption][data-status=reserved]").wait_for()
    accessible(page)
    screenshot(page, "reserved")

    redemption = Redemption.objects.get()
    desk.goto(f"/points/desk/{station.pk}/")
    accessible(desk)
    desk.click(f"[data-testid=hand-over-{redemption.pk}]")
    desk.locator(".alert", has_text="已确认发放").wait_for()
    assert desk.locator(f"[data-testid=hand-over-{redemption.pk}]").count() == 0

    page.reload()
    page.locator("[data-testid=my-redemption][data-status=handed_over]").wait_for()
    assert page.locator("[data-testid=shop-balance]").inner_text() == "可用 5 分，冻结 0 分"
    redemption.refresh_from_db()
    soap.refresh_from_db()
    assert redemption.status == RedemptionStatus.HANDED_OVER
    assert (soap.stock, soap.reserved) == (11, 0)
    assert ledger.mismatched_accounts() == []
