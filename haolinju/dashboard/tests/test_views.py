"""Home page per role and the area tree browser, through the Django test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from haolinju.core.crypto import decrypt
from haolinju.dashboard.templatetags.haolinju_ui import big_count
from haolinju.org.models import AreaKind, OrgKind
from haolinju.org.tests.factories import OrganisationFactory, child
from haolinju.people.models import Position, Title
from haolinju.people.tests.factories import account_for, resident, staff
from haolinju.people.tests.factories_extra import furnish

pytestmark = pytest.mark.django_db


@pytest.fixture
def furnished(tree):
    return furnish(tree)


def counts(response) -> dict[str, str]:
    """The figures on a page, keyed by their ``data-count`` attribute."""
    html = response.content.decode()
    pattern = r'data-count="(\w+)"><span class="stat-value" title="([\d,]+)">'
    return dict(re.findall(pattern, html))


def area_url(area) -> str:
    return reverse("dashboard:area", args=[area.pk])


def test_anonymous_visitor_is_sent_to_login(client, tree):
    """Every page but the login page needs a signed-in user."""
    for url in (reverse("dashboard:home"), area_url(tree.district)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_street_staff_home_shows_their_street_with_counts_and_title(client, furnished):
    """A street worker's home is their street: its name, their title and the article's figures."""
    tree = furnished.tree
    client.force_login(staff(Title.STREET_STAFF, tree.streets[0]))
    response = client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "街道工作人员" in html
    assert tree.streets[0].name in html
    figures = counts(response)
    assert figures["communities"] == "2"
    assert figures["compounds"] == "4"
    assert figures["branch"] == "4"
    assert figures["building_group"] == "8"
    assert figures["residents"] == "33"  # 32 owners + the worker registered at the street
    assert figures["self_managed"] == "8"
    assert reverse("people:list") + f"?area={tree.streets[0].pk}" in html


def test_branch_secretary_home_is_their_compound(client, furnished):
    """A compound branch secretary sees their compound's figures, not the community's."""
    tree = furnished.tree
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0]))
    response = client.get(reverse("dashboard:home"))
    figures = counts(response)
    assert "小区党支部书记" in response.content.decode()
    assert figures["buildings"] == "2"
    assert figures["units"] == "8"
    assert "communities" not in figures


def test_building_head_home_is_their_building(client, furnished):
    """A building head's home shows their building: four units and its party group."""
    tree = furnished.tree
    client.force_login(staff(Title.BUILDING_HEAD, tree.buildings[0], home=tree.units[0]))
    figures = counts(client.get(reverse("dashboard:home")))
    assert figures["units"] == "4"
    assert figures["building_group"] == "1"
    assert "buildings" not in figures


def test_resident_home_shows_own_masked_record_and_compound_public_data(client, furnished):
    """A resident sees their own record masked, their home address, their compound's figures
    and organisations (including the property company serving it), and no people shortcuts."""
    tree = furnished.tree
    owner = furnished.owners[0]
    user = resident(tree.units[0])
    me = user.person
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "居民" in html
    assert me.phone_masked in html
    assert me.id_number_masked in html
    assert decrypt(me.phone_enc) not in html
    assert decrypt(me.id_number_enc) not in html
    assert "我的小区：小区000" in html
    assert "小区000综合党支部" in html
    assert "街道0物业公司" in html
    assert counts(response)["units"] == "8"
    assert owner.name not in html  # the neighbour's name is not public data
    assert "人员名录" not in html and f'href="{reverse("people:list")}"' not in html


def test_member_home_shows_their_ledgers(client, furnished):
    """A party member without a post is labelled a member and sees their ledgers."""
    owner = furnished.owners[0]  # self-managed and retired (MEMBER_PATTERN[0])
    client.force_login(account_for(owner))
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "党员" in html
    assert "自管党员" in html and "离退休党员" in html


def test_property_manager_home_lists_the_compounds_their_company_serves(client, furnished):
    """Property staff see the areas their company serves."""
    tree = furnished.tree
    user = staff(Title.PROPERTY_MANAGER, tree.streets[0])
    company = OrganisationFactory(
        kind=OrgKind.PROPERTY_COMPANY, area=tree.streets[0], name="安居物业"
    )
    company.served_areas.set([tree.compounds[1]])
    Position.objects.filter(person=user.person).update(organisation=company)
    client.force_login(user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "服务的区域" in html
    assert area_url(tree.compounds[1]) in html


def test_staff_with_many_posts_get_a_list_of_their_areas(client, furnished):
    """Someone governing more than two areas sees them listed (each linked) instead of a long
    run of figure cards, and the same post over five compounds is one row (issue 5)."""
    tree = furnished.tree
    user = staff(Title.PROPERTY_MANAGER, tree.compounds[0])
    for compound in tree.compounds[1:5]:
        Position.objects.create(
            person=user.person,
            title=Title.PROPERTY_MANAGER,
            area=compound,
            area_path=compound.path,
            started_on="2021-01-01",
        )
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert 'data-testid="governed"' in html and "管辖的区域（5）" in html
    assert all(area_url(c) in html for c in tree.compounds[:5])
    assert 'data-testid="home-node"' not in html
    assert html.count('data-testid="post"') == 1 and "5 个区域" in html and "另外" not in html


def test_superuser_home_lists_the_roots(client, tree, django_user_model):
    """A superuser without a person record starts from the top of the tree."""
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests")
    client.force_login(admin)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "系统管理员" in html
    assert area_url(tree.district) in html


def test_area_page_shows_breadcrumbs_counts_organisations_and_children(client, furnished):
    """A compound page: linked ancestors inside the jurisdiction, plain names above it, the
    compound's figures, its organisations and its buildings with their own figures."""
    tree = furnished.tree
    client.force_login(staff(Title.STREET_STAFF, tree.streets[0]))
    response = client.get(area_url(tree.compounds[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert area_url(tree.streets[0]) in html
    assert area_url(tree.district) not in html  # above the worker's jurisdiction: no link
    assert tree.district.name in html
    figures = counts(response)
    assert figures["buildings"] == "2" and figures["owners_committee"] == "1"
    assert "小区000业主委员会" in html
    assert html.count('data-testid="child"') == 2
    assert "户 4 · " in html  # each building's own unit count


def test_area_outside_jurisdiction_is_404(client, furnished):
    """Another street's compound, and a resident's neighbouring compound, are 404 pages."""
    tree = furnished.tree
    client.force_login(staff(Title.STREET_STAFF, tree.streets[0]))
    response = client.get(area_url(tree.compounds[-1]))
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()
    client.force_login(resident(tree.units[0]))
    assert client.get(area_url(tree.compounds[1])).status_code == 404
    assert client.get(area_url(tree.compounds[0])).status_code == 200


def test_unit_page_shows_occupants_masked_to_staff_only(client, furnished):
    """Staff see a unit's occupants with masked phones; a resident looking at a neighbour's
    unit in their own compound sees its area but no occupants."""
    tree = furnished.tree
    owner = furnished.owners[1]
    client.force_login(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    html = client.get(area_url(tree.units[1])).content.decode()
    assert owner.name in html and "业主" in html
    assert owner.phone_masked in html
    assert decrypt(owner.phone_enc) not in html
    assert "90.00 ㎡" in html  # exclusive area of the second unit on its entrance

    client.force_login(resident(tree.units[0]))
    html = client.get(area_url(tree.units[1])).content.decode()
    assert owner.name not in html
    assert "住户信息仅对本辖区工作人员开放" in html


def test_children_load_more_returns_the_next_rows_only(client, tree):
    """Past the first page of children, htmx asks for the next rows and gets a fragment; a
    browser without JavaScript is sent to the area page at that offset."""
    community = tree.communities[0]
    for n in range(33):
        child(community, AreaKind.COMPOUND, f"新区{n:02d}")
    client.force_login(staff(Title.COMMUNITY_SECRETARY, community))
    first = client.get(area_url(community)).content.decode()
    assert first.count('data-testid="child"') == 30
    assert 'data-testid="load-more"' in first
    url = reverse("dashboard:area_children", args=[community.pk]) + "?offset=30"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert fragment.count('data-testid="child"') == 5  # 2 from the tree + 33 new = 35
    assert 'data-testid="load-more"' not in fragment
    plain = client.get(url)
    assert plain.status_code == 302 and plain.url == area_url(community) + "?offset=30"
    assert client.get(plain.url).content.decode().count('data-testid="child"') == 5


def test_area_page_queries_do_not_grow_with_children(client, tree, django_assert_max_num_queries):
    """The children list costs the same number of queries for 2 children or 32."""
    community = tree.communities[0]
    client.force_login(staff(Title.COMMUNITY_SECRETARY, community))
    with django_assert_max_num_queries(30) as few:
        client.get(area_url(community))
    for n in range(30):
        child(community, AreaKind.COMPOUND, f"新区{n:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(area_url(community))


def test_area_page_in_english_after_switching_language(client, furnished):
    """The language switch sets English for the session's next pages."""
    tree = furnished.tree
    client.force_login(staff(Title.STREET_STAFF, tree.streets[0]))
    response = client.post(
        reverse("set_language"), {"language": "en", "next": area_url(tree.streets[0])}
    )
    assert response.status_code == 302
    html = client.get(area_url(tree.streets[0])).content.decode()
    assert '<html lang="en">' in html
    assert "Overview" in html and "Compounds / grids" in html and "Party branches" in html
    assert "概况" not in html


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (99_999, "99,999", "99,999"),
        (100_000, "10万", "100k"),
        (136_000, "13.6万", "136k"),
        (136_999, "13.6万", "136.9k"),  # cut, never rounded up
        (58_000_000, "5,800万", "58M"),
        (123_456_789, "1.2亿", "123.4M"),
    ],
)
def test_big_figures_are_shortened_the_way_each_language_writes_them(value, zh, en):
    """Tiles show 万/亿 in Chinese and k/M in English above 100,000, never overstating."""
    with translation.override("zh-hans"):
        assert big_count(value) == zh
    with translation.override("en"):
        assert big_count(value) == en
