"""What trying the pages as a new user found (issue 5, item 7), each pinned by a test."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory
from haolinju.people.models import Position, Title
from haolinju.people.tests.factories import PersonFactory, account_for, resident, staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = pytest.mark.django_db


def area_url(area) -> str:
    return reverse("dashboard:area", args=[area.pk])


def shown(response, key: str) -> str:
    """The figure shown on the page for ``data-count=key`` ("3", or "少于5" when withheld)."""
    html = response.content.decode()
    match = re.search(rf'data-count="{key}"><span class="stat-value"[^>]*>([^<]+)</span>', html)
    assert match, key
    return match.group(1)


def test_pager_shows_the_rows_of_this_page(client, tree):
    """The directory's pager reads "第 1–20 条，共 65 条", then "第 61–65 条" (not "1–0")."""
    furnish(tree)
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    html = client.get(reverse("people:list")).content.decode()
    assert "第 1–20 条，共 65 条" in html
    html = client.get(reverse("people:list") + "?offset=60").content.decode()
    assert "第 61–65 条，共 65 条" in html


def test_small_counts_of_a_neighbours_unit_are_withheld_from_residents(client, tree):
    """A resident opening a neighbour's unit (or building) sees "少于5" instead of the
    household's 1 resident and 1 party member; people-scope staff see the real figures."""
    furnish(tree)
    neighbour_unit = tree.units[1]
    client.force_login(resident(tree.units[0]))
    response = client.get(area_url(neighbour_unit))
    assert shown(response, "residents") == "少于5"
    assert shown(response, "members") == "少于5"
    assert shown(response, "in_service") in {"0", "少于5"}
    assert "1 人" not in response.content.decode()
    building = client.get(area_url(tree.buildings[1]))  # 4 households
    assert shown(building, "residents") == "少于5"
    assert "居民 少于5" in building.content.decode()  # the entrances listed below it
    # the compound as a whole is not a household: its counts stay
    assert shown(client.get(area_url(tree.compounds[0])), "residents") == "9"

    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    assert shown(client.get(area_url(neighbour_unit)), "residents") == "1"


@override_settings(HAOLINJU_SMALL_COUNT_K=2)
def test_the_small_count_threshold_is_configurable(client, tree):
    """With k = 2 a unit's single resident is withheld but a building's 4 are shown."""
    furnish(tree)
    client.force_login(resident(tree.units[0]))
    assert shown(client.get(area_url(tree.units[1])), "residents") == "少于2"
    assert shown(client.get(area_url(tree.buildings[1])), "residents") == "4"


def test_a_department_user_sees_no_household_counts(client, tree):
    """A department user (public data only) gets the same protection on a unit."""
    furnish(tree)
    department = OrganisationFactory(kind=OrgKind.DEPARTMENT, area=tree.district, name="民政局")
    person = PersonFactory(area=tree.district)
    Position.objects.create(
        person=person,
        title=Title.DEPARTMENT_STAFF,
        area=tree.district,
        area_path=tree.district.path,
        organisation=department,
        started_on=dt.date(2020, 1, 1),
    )
    client.force_login(account_for(person))
    unit = client.get(area_url(tree.units[1]))
    assert shown(unit, "residents") == "少于5"
    assert shown(unit, "members") == "少于5"
    # the district as a whole is not a household: its counts stay
    assert shown(client.get(area_url(tree.district)), "residents") == "65"


def test_district_page_lists_sub_areas_before_organisations(client, tree):
    """The way down the tree comes before the district's long list of organisations."""
    furnish(tree)
    for n in range(30):
        OrganisationFactory(kind=OrgKind.DEPARTMENT, area=tree.district, name=f"部门{n}")
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    html = client.get(area_url(tree.district)).content.decode()
    assert html.index('data-testid="children"') < html.index('data-testid="organisations"')


def test_a_property_manager_sees_one_post_and_the_same_number_of_areas(client, tree):
    """A manager of 3 compounds has one post row (not the badge 3 times), and the area list
    separates the 3 governed areas from their own compound, so 3 means 3 on both pages."""
    company = OrganisationFactory(
        kind=OrgKind.PROPERTY_COMPANY, area=tree.streets[0], name="安居物业"
    )
    person = PersonFactory(area=tree.units[-1])  # lives in a compound they do not serve
    for compound in tree.compounds[:3]:
        Position.objects.create(
            person=person,
            title=Title.PROPERTY_MANAGER,
            area=compound,
            area_path=compound.path,
            organisation=company,
            started_on=dt.date(2021, 3, 1),
        )
    client.force_login(account_for(person))
    home = client.get(reverse("dashboard:home")).content.decode()
    assert home.count('data-testid="post"') == 1
    assert home.count('badge badge-title">物业项目经理') == 1
    assert "3 个区域" in home and "管辖的区域（3）" in home
    areas = client.get(reverse("dashboard:areas")).content.decode()
    assert "管辖的区域（3）" in areas
    governed = areas.split('data-testid="governed-areas"')[1].split("</section>")[0]
    assert governed.count('class="row"') == 3
    assert "我住的小区" in areas


def test_ones_own_record_marks_only_mine_in_the_menu(client, tree):
    """On one's own record only "我的" is the current menu item, not "人员" as well; on someone
    else's record it is "人员" (in the top menu: the phone's bar holds only five entries)."""
    furnished = furnish(tree)
    user = staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0])
    client.force_login(user)
    current = r'aria-current="page">\s*(<svg.*?</svg>)?\s*<span>%s</span>'
    own = client.get(reverse("people:detail", args=[user.person.pk])).content.decode()
    top, bottom = (
        own.split('class="topnav"')[1].split("</nav>")[0],
        own.split('class="bottomnav"')[1],
    )
    assert top.count('aria-current="page"') == bottom.count('aria-current="page"') == 1
    assert re.search(current % "我的", top, re.S) and re.search(current % "我的", bottom, re.S)
    other = client.get(reverse("people:detail", args=[furnished.owners[1].pk])).content.decode()
    top = other.split('class="topnav"')[1].split("</nav>")[0]
    assert top.count('aria-current="page"') == 1
    assert re.search(current % "人员", top, re.S)
    assert 'aria-current="page"' not in other.split('class="bottomnav"')[1]


def test_the_search_hint_is_visible_text_not_a_cut_off_placeholder(client, tree):
    """The full hint is a visible line tied to the box; the placeholder is short enough for
    a phone."""
    client.force_login(staff(Title.DISTRICT_STAFF, tree.district))
    html = client.get(reverse("people:list")).content.decode()
    assert 'id="search-hint"' in html and 'aria-describedby="search-hint"' in html
    placeholder = re.search(r'name="q"[^>]*placeholder="([^"]*)"', html) or re.search(
        r'placeholder="([^"]*)"[^>]*name="q"', html
    )
    assert placeholder and len(placeholder.group(1)) <= 8
