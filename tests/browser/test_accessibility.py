"""Every page at WCAG 2.1 AA (axe-core), the sizes the brief sets for phones (tap targets
>= 44 px, text >= 16 px), and elder-friendly mode (适老化): text >= 18 px, targets >= 48 px,
contrast >= 7:1 (axe's color-contrast-enhanced), nothing that moves, one primary action."""

from __future__ import annotations

import pytest

from haolinju.core.crypto import decrypt
from haolinju.org.tests.factories import Tree
from haolinju.people import services
from haolinju.people.models import PersonalDataField, Title
from haolinju.people.tests.factories import resident, staff
from haolinju.people.tests.factories_extra import furnish

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Visible things one taps that are smaller than min_tap, and visible text under min_text px.
MEASURE = """({minTap, minText}) => {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"
      && !el.closest(".skip-link, .visually-hidden");
  };
  const name = (el) => {
    const text = el.innerText || el.value || el.getAttribute("aria-label") || "";
    return `${el.tagName.toLowerCase()}.${el.className} "${text.trim().slice(0, 20)}"`;
  };
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (Math.round(r.height) < minTap || Math.round(r.width) < minTap)
      problems.push(`tap ${Math.round(r.width)}x${Math.round(r.height)} ${name(el)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minText) problems.push(`text ${size}px ${name(el)}`);
  }
  return problems;
}"""

MOTION = """() => [...document.querySelectorAll("*")].filter((el) => {
  const s = getComputedStyle(el);
  const moving = (v) => v.split(",").some((d) => parseFloat(d) > 0);
  return (s.animationName !== "none" && moving(s.animationDuration))
    || moving(s.transitionDuration);
}).map((el) => el.tagName + "." + el.className)"""

PRIMARY_ACTIONS = """() => [...document.querySelectorAll(".btn-primary")].filter((el) => {
  const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0;
}).length"""


def _audit(page, paths, *, min_tap: int, min_text: int, elder: bool = False) -> str:
    """Every problem on every page, as one report (empty when all is well)."""
    found = []
    for path in paths:
        page.goto(path)
        assert (
            page.evaluate("() => document.documentElement.classList.contains('elder')")
        ) is elder
        problems = [
            f"axe: {line}" for line in describe_violations(run_axe(page)).splitlines() if line
        ]
        problems += page.evaluate(MEASURE, {"minTap": min_tap, "minText": min_text})
        if elder:
            enhanced = run_axe(page, rules=["color-contrast-enhanced"])
            problems += [f"AAA: {line}" for line in describe_violations(enhanced).splitlines()]
            problems += [f"moves: {what}" for what in page.evaluate(MOTION)]
            if (n := page.evaluate(PRIMARY_ACTIONS)) > 1:
                problems.append(f"{n} primary actions on one screen")
        if problems:
            found.append(f"== {path}\n" + "\n".join(problems))
    return "\n".join(found)


def test_every_staff_page_passes_aa_with_44px_targets_and_16px_text(page, login):
    """Sign-in, home, the area tree down to a unit, directory, record, reveal, ledgers, reads
    review, import, inbox, working-day calendar, settings, password and the 404 page: 0 axe
    violations at WCAG 2.1 AA, every tap target >= 44 px, all text >= 16 px, on a phone."""
    tree = Tree()
    furnished = furnish(tree)
    owner = furnished.owners[0]
    report = _audit(page, ["/accounts/login/"], min_tap=44, min_text=16)
    district = staff(Title.DISTRICT_STAFF, tree.district, username="district")
    services.personal_data_reveal(
        actor=district, person_id=owner.pk, field=PersonalDataField.PHONE, reason="核实住址信息"
    )
    login(page, "district", "pw-for-tests")
    report += _audit(
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
            "/people/reads/",
            "/io/import/",
            "/inbox/",
            "/calendar/",
            "/accounts/settings/",
            "/accounts/password/",
            "/no-such-page/",
        ],
        min_tap=44,
        min_text=16,
    )
    assert not report, report


def test_a_resident_gets_elder_mode_by_default_and_every_page_meets_it(page, login):
    """A resident's pages are in elder-friendly mode without asking: 0 AA violations and 0
    color-contrast-enhanced (7:1), targets >= 48 px, text >= 18 px, nothing moving, at most one
    primary action per screen. Turning it off in the settings gives the ordinary pages."""
    tree = Tree()
    furnish(tree)
    me = resident(tree.units[0], username="resident")
    login(page, "resident", "pw-for-tests")
    pages = [
        "/",
        "/areas/",
        f"/areas/{tree.compounds[0].pk}/",
        f"/areas/{tree.buildings[0].pk}/",
        f"/areas/{tree.units[1].pk}/",
        f"/people/{me.person.pk}/",
        "/inbox/",
        "/accounts/settings/",
        "/accounts/password/",
    ]
    report = _audit(page, pages, min_tap=48, min_text=18, elder=True)
    assert not report, report

    page.goto("/accounts/settings/")
    page.locator("[data-testid=elder-toggle]").click()
    page.locator("[data-testid=elder-state]", has_text="已关闭").wait_for()
    report = _audit(page, ["/", "/accounts/settings/"], min_tap=44, min_text=16)
    assert not report, report
    page.locator("[data-testid=elder-toggle]").click()
    page.locator("[data-testid=elder-state]", has_text="已开启").wait_for()
    assert page.evaluate("() => document.documentElement.classList.contains('elder')")


def test_a_revealed_id_number_stays_on_one_line(page, login):
    """The unmasked 18-digit ID number is shown whole on one line of a phone screen."""
    tree = Tree()
    furnished = furnish(tree)
    owner = furnished.owners[2]
    staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec")
    login(page, "sec", "pw-for-tests")
    page.goto(f"/people/{owner.pk}/reveal/?field=id_number")
    page.fill("[data-testid=reveal-reason]", "核实低保申请人身份")
    page.locator("[data-testid=reveal-submit]").click()
    value = page.locator("[data-testid=revealed-value]")
    assert value.inner_text() == decrypt(owner.id_number_enc)
    lines = value.evaluate(
        "(el) => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; }"
    )
    assert lines == 1


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
