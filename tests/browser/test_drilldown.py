"""A street worker on a phone drills down the area tree, then reads it in English."""

from __future__ import annotations

import pytest

from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count(page, key: str) -> str:
    return page.locator(f"[data-testid=counts] [data-count={key}] .stat-value").inner_text()


def open_child(page, name: str) -> None:
    page.locator("[data-testid=child]", has_text=name).first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=area-name]").inner_text() == name


def test_street_staff_drill_down_on_a_phone_then_switch_to_english(page, login, screenshot):
    """Street → community → compound → building → entrance → unit shows each level's Chinese
    labels and counts; the language switch turns the same page into English."""
    tree = Tree()
    furnished = furnish(tree)
    staff(Title.STREET_STAFF, tree.streets[0], username="street0")

    login(page, "street0", "pw-for-tests")
    assert page.locator("[data-testid=role]").inner_text() == "街道工作人员"
    screenshot(page, "1-home")

    page.locator("[data-testid=home-node] a", has_text="浏览下级区域").click()
    assert page.locator("[data-testid=area-name]").inner_text() == "街道0"
    assert page.locator("[data-testid=counts] h2").inner_text() == "概况"
    # 2 communities × 2 compounds × 2 buildings × 2 entrances × 2 units; one owner per unit
    # plus the street worker registered at the street.
    assert [count(page, k) for k in ("communities", "compounds", "buildings", "units")] == [
        "2",
        "4",
        "8",
        "32",
    ]
    assert count(page, "branch") == "4"
    assert count(page, "residents") == "33"
    assert count(page, "self_managed") == "8"
    screenshot(page, "2-street")

    open_child(page, "社区00")
    assert "街道0" in page.locator("[data-testid=breadcrumbs]").inner_text()
    assert [count(page, k) for k in ("compounds", "units", "residents")] == ["2", "16", "16"]

    open_child(page, "小区000")
    assert [count(page, k) for k in ("buildings", "units", "branch", "owners_committee")] == [
        "2",
        "8",
        "1",
        "1",
    ]
    organisations = page.locator("[data-testid=organisations]").inner_text()
    assert "小区000综合党支部" in organisations
    assert "街道0物业公司" in organisations  # the property company serving this compound
    screenshot(page, "3-compound")

    open_child(page, "1栋")
    assert [count(page, k) for k in ("units", "building_group", "central_household")] == [
        "4",
        "1",
        "1",
    ]
    open_child(page, "1单元")
    assert page.locator("[data-testid=child]").count() == 2

    open_child(page, "101")
    assert page.locator("[data-testid=exclusive-area]").inner_text() == "80.00 ㎡"
    occupants = page.locator("[data-testid=occupants]").inner_text()
    owner = furnished.owners[0]
    assert owner.name in occupants and "业主" in occupants
    assert owner.phone_masked in occupants
    screenshot(page, "4-unit")

    page.locator(".topbar [data-testid=language-switch]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-testid=counts] h2").inner_text() == "Overview"
    assert "Exclusive area" in page.locator("[data-testid=unit]").inner_text()
    assert page.locator(".bottomnav").inner_text().split() == [
        "Home",
        "Activities",
        "Dispatch",
        "board",
        "Messages",
        "Me",
        "More",
    ]
    screenshot(page, "5-unit-english")
