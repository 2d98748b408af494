"""Onboarding a compound in the browser (issue 5): a unit register imported into a chosen
compound with owners, 开发商 and 产权证号; a people register whose unknown column is mapped by
hand, with 党员类别 and an 在职 member lacking 工作单位 (a warning, not an error); then a unit
retired on the area management page, gone from the dashboard list but readable on its own
page. Every page on the way passes axe at WCAG 2.1 AA."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from haolinju.core.validators import make_id_number
from haolinju.org.models import Area
from haolinju.org.tests.factories import Tree
from haolinju.people.imports.tests.sheets import xlsx
from haolinju.people.models import Member, Occupancy, Title
from haolinju.people.tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(page, *, kind: str, target: Area, name: str, content: bytes) -> None:
    page.goto("/io/import/")
    page.select_option("#id_kind", kind)
    page.select_option("[data-testid=import-target]", str(target.pk))
    page.set_input_files("#id_file", {"name": name, "mimeType": XLSX, "buffer": content})
    page.click("[data-testid=import-form] button[type=submit]")


def test_a_street_worker_onboards_a_compound_from_its_registers(page, login, assert_accessible):
    """Preview, commit, map a column, see the warning, commit again, retire a unit: each step
    lands on a page saying what happened, and the database holds what the pages said."""
    tree = Tree()
    compound = tree.compounds[0]
    staff(Title.STREET_STAFF, tree.streets[0], username="street")
    login(page, "street", "pw-for-tests")

    units = xlsx(
        ["楼号", "单元", "门牌号", "建筑面积", "产权人", "产权证号"],
        [
            ["1栋", "1单元", 101, 80, "", ""],
            ["3号楼", "一单元", "101室", "95.5", "张三、李梅", "鄂(2019)黄州区不动产权第0001234号"],
            ["3号楼", "一单元", "102", "88", "开发商", ""],
        ],
    )  # fmt: skip
    _upload(page, kind="unit_register", target=compound, name="房屋.xlsx", content=units)
    expect(page.get_by_test_id("batch-status")).to_have_text("已预览")
    expect(page.get_by_test_id("import-preview")).to_contain_text("张三、李梅")
    assert_accessible(page)
    page.click("[data-testid=commit-form] button[type=submit]")
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入")
    new_unit = Area.objects.get(parent__parent__name="3号楼", name="101室")
    assert new_unit.deed_number_masked and "0001234" not in new_unit.deed_number_masked
    assert Occupancy.objects.filter(unit=new_unit).count() == 2
    unsold = Area.objects.get(parent__parent__name="3号楼", name="102")
    assert unsold.developer_held

    born = dt.date(1975, 6, 1)
    people = xlsx(
        ["姓名", "身份证号", "楼号", "单元", "住址房号", "身份", "是否党员", "党员类别"],
        [
            ["张三", make_id_number("421102", born, 111), "3号楼", "1单元", "101", "业主", "否",
             ""],
            ["王五", make_id_number("421102", born, 131), "1栋", "1单元", "101", "家属", "是",
             "在职"],
        ],
    )  # fmt: skip
    _upload(page, kind="people", target=compound, name="人员.xlsx", content=people)
    expect(page.get_by_test_id("mapping-form")).to_be_visible()
    assert_accessible(page)
    page.select_option("[data-testid=map-select]", "unit")
    page.click("[data-testid=mapping-form] button[type=submit]")
    expect(page.get_by_test_id("batch-status")).to_have_text("已预览")
    expect(page.get_by_test_id("import-note").first).to_contain_text("在职 →")
    expect(page.locator("main")).to_contain_text("在职党员未填写工作单位")
    assert_accessible(page)
    page.click("[data-testid=commit-form] button[type=submit]")
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入")
    assert Member.objects.get(person__name="王五").ledgers() == ["in_service"]

    page.goto(f"/manage/areas/{unsold.pk}/")
    assert_accessible(page)
    page.click("[data-testid=retire-form] button[type=submit]")
    expect(page.get_by_test_id("retired")).to_be_visible()
    page.goto(f"/areas/{unsold.parent_id}/")
    expect(page.locator("main")).to_contain_text("101室")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b102\b"))
    page.goto(f"/areas/{unsold.pk}/")
    expect(page.get_by_test_id("retired")).to_be_visible()
    assert_accessible(page)
