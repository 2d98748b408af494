"""axe-core at WCAG 2.1 AA on every page, as the people who use them see them (phone viewport)."""

from __future__ import annotations

import pytest

from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff
from haolinju.people.tests.factories_extra import furnish

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations_on(page, paths) -> str:
    found = []
    for path in paths:
        page.goto(path)
        violations = run_axe(page)
        if violations:
            found.append(f"== {path}\n{describe_violations(violations)}")
    return "\n".join(found)


def test_every_staff_page_has_no_aa_violation(page, login):
    """Sign-in, home, area tree (district down to a unit), directory, record, reveal, ledgers
    and import pages pass axe-core's WCAG 2.1 A and AA rules."""
    tree = Tree()
    furnished = furnish(tree)
    page.goto("/accounts/login/")
    report = _violations_on(page, ["/accounts/login/"])
    staff(Title.DISTRICT_STAFF, tree.district, username="district")
    login(page, "district", "pw-for-tests")
    owner = furnished.owners[0]
    report += _violations_on(
        page,
        [
            "/",
            "/areas/",
            f"/areas/{tree.district.pk}/",
            f"/areas/{tree.compounds[0].pk}/",
            f"/areas/{tree.units[0].pk}/",
            "/people/",
            "/people/?q=%E4%B8%9A%E4%B8%BB",
            f"/people/{owner.pk}/",
            f"/people/{owner.pk}/reveal/?field=phone",
            "/people/ledgers/",
            "/io/import/",
            "/no-such-page/",
        ],
    )
    assert not report, report


def test_the_axe_fixture_reports_what_it_finds(page, axe):
    """The checker is live: an unlabeled input and low-contrast text on the page are reported,
    and ``rules`` narrows the run to the rules asked for."""
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            document.querySelector("main").append(input);
            const faint = document.createElement("p");
            faint.textContent = "浅灰色的字";
            faint.style.color = "#cccccc";
            faint.style.backgroundColor = "#ffffff";
            document.querySelector("main").append(faint);
        }"""
    )
    assert {v["id"] for v in axe(page)} == {"label", "color-contrast"}
    assert {v["id"] for v in axe(page, rules=["label"])} == {"label"}
