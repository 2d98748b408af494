"""Two-factor sign-in in Chromium (issue 6, item 4): a community worker enrols an authenticator
from the QR page (the code computed here from the secret the page shows), keeps the recovery
codes, and the next sign-in asks for a code; both pages pass axe and the CSP."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def code_for(secret: str, at: float) -> str:
    """What an authenticator app shows at time ``at`` for the base32 ``secret``."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = at
    return f"{totp.token():06d}"


def test_enrol_then_sign_in_with_a_code(page, login, assert_accessible, settings):
    """Password → enrolment page with an SVG QR code → a computed code → recovery codes →
    home; signed out, the password leads to the code page, a later code signs in, and a
    reused code is refused. No CSP violation, no axe violation on the new pages."""
    settings.HAOLINJU_2FA_KINDS = ["community", "street", "district"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the refused replay must not delay the next code
    tree = Tree()
    staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker2fa")
    page.add_init_script(LISTEN)

    login(page, "worker2fa", "pw-for-tests")
    page.locator("[data-testid=two-factor-setup]").wait_for()
    assert page.locator("[data-testid=otp-qr] svg").count() == 1
    assert_accessible(page)
    secret = page.locator("[data-testid=otp-secret]").inner_text()
    enrolled_at = time.time()
    page.fill("input[name=code]", code_for(secret, enrolled_at))
    page.click("[data-testid=otp-submit]")
    page.locator("[data-testid=recovery-codes]").wait_for()
    assert page.locator("[data-testid=recovery-code]").count() == 10
    page.click("[data-testid=recovery-done]")
    page.locator("[data-testid=role]").wait_for()

    page.context.clear_cookies()
    login(page, "worker2fa", "pw-for-tests")
    page.locator("[data-testid=two-factor-verify]").wait_for()
    assert_accessible(page)
    page.fill("input[name=code]", code_for(secret, enrolled_at))  # used once: refused
    page.click("[data-testid=otp-submit]")
    page.locator("[data-testid=otp-error]").wait_for()
    page.fill("input[name=code]", code_for(secret, time.time() + 30))  # the next step
    page.click("[data-testid=otp-submit]")
    page.locator("[data-testid=role]").wait_for()
    assert page.evaluate("window.__cspViolations") == []
