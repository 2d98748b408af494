"""Query budgets of the two-factor pages (issue 6, item 4): fixed counts for a community worker
who must enrol (setup page), who is enrolled and signs in (code page), and who is verified
(status page). None grows with other accounts' devices."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haolinju.core.testing import assert_query_budget
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db
ON = ["community", "street", "district", "city", "province"]


def _sign_in(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    return client


def _grow(tree, n: int = 5):
    def grow():
        for i in range(n):
            other = staff(
                Title.COMMUNITY_WORKER, tree.communities[1], username=f"o{i}{time.time_ns()}"
            )
            TOTPDevice.objects.create(user=other, name="x", confirmed=True)

    return grow


def _ok(response):
    assert response.status_code == 200, response.status_code


@override_settings(HAOLINJU_2FA_KINDS=ON)
def test_two_factor_page_budgets(tree):
    """Setup (pending device exists), code page (enrolled, unverified) and status page
    (verified) each make a fixed number of queries."""
    worker = staff(Title.COMMUNITY_WORKER, tree.communities[0], username="qb2fa")
    client = _sign_in(worker)
    assert_query_budget(lambda: client.get("/accounts/2fa/setup/"), 9, grow=_grow(tree), check=_ok)
    device = TOTPDevice.objects.get(user=worker)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post("/accounts/2fa/setup/", {"code": f"{totp.token():06d}"}).status_code == 200
    assert_query_budget(lambda: client.get("/accounts/2fa/"), 9, grow=_grow(tree), check=_ok)
    fresh = _sign_in(worker)
    assert_query_budget(lambda: fresh.get("/accounts/2fa/verify/"), 6, grow=_grow(tree), check=_ok)
