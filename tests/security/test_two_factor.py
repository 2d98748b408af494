"""Two-factor sign-in for staff (issue 6, item 4): who must enrol, the web flow (enrol with a
QR code, code at sign-in, recovery codes), reused codes, bearer tokens and the reset path."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haolinju.accounts import twofactor
from haolinju.accounts.models import ApiToken
from haolinju.accounts.services import token_issue
from haolinju.core.models import AuditEvent
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("two_factor_on"),
]

PASSWORD = "pw-for-tests"
ON = "community,street,district,city,province".split(",")


@pytest.fixture
def two_factor_on():
    with override_settings(HAOLINJU_2FA_KINDS=ON):
        yield


@pytest.fixture
def worker(tree):
    return staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")


def current_code(device: TOTPDevice, *, step_offset: int = 0, at: float | None = None) -> str:
    """The code an authenticator app shows now, at ``at``, or ``step_offset`` steps later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (time.time() if at is None else at) + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(user) -> Client:
    """A client signed in through the login page with the password."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:400]
    return client


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Enrol through the pages; returns the confirmed device and the recovery codes shown."""
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    at = time.time()
    done = client.post("/accounts/2fa/setup/", {"code": current_code(device, at=at)})
    assert done.status_code == 200
    device.refresh_from_db()
    device.enrolled_at = at  # the time whose code the enrolment consumed
    return device, list(done.context["codes"])


# --- who must enrol ---------------------------------------------------------------------------


def test_people_scope_at_community_level_and_above_needs_a_second_factor(tree):
    """Community, street and district people-scope positions and superusers need 2FA; a
    compound-level people position, a public-scope post and a resident do not."""
    from haolinju.people.tests.factories import UserFactory

    assert twofactor.required_for(staff(Title.COMMUNITY_WORKER, tree.communities[0]))
    assert twofactor.required_for(staff(Title.STREET_STAFF, tree.streets[0]))
    assert twofactor.required_for(staff(Title.DISTRICT_STAFF, tree.district))
    assert twofactor.required_for(UserFactory(is_superuser=True))
    assert not twofactor.required_for(staff(Title.BRANCH_SECRETARY, tree.compounds[0]))
    assert not twofactor.required_for(staff(Title.DEPARTMENT_STAFF, tree.district))
    assert not twofactor.required_for(resident(tree.units[0]))


def test_the_requirement_is_configurable_and_off_when_the_list_is_empty(tree):
    """HAOLINJU_2FA_KINDS names the levels; an empty list (the demo default) switches it off."""
    secretary = staff(Title.BRANCH_SECRETARY, tree.compounds[0])
    with override_settings(HAOLINJU_2FA_KINDS=["compound"]):
        assert twofactor.required_for(secretary)
    with override_settings(HAOLINJU_2FA_KINDS=[]):
        assert not twofactor.required_for(staff(Title.DISTRICT_STAFF, tree.district))
        client = signed_in(staff(Title.COMMUNITY_WORKER, tree.communities[1]))
        assert client.get("/people/").status_code == 200


# --- the web flow -----------------------------------------------------------------------------


def test_a_staff_session_reaches_nothing_before_enrolling(worker):
    """After the password, every page leads to enrolment and the session API is 401."""
    client = signed_in(worker)
    page = client.get("/people/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/2fa/setup/?next=/people/")
    api = client.get("/api/v1/me")
    assert api.status_code == 401
    assert "detail" in api.json()
    assert client.get("/admin/").status_code == 302


def test_enrolment_shows_a_qr_code_and_recovery_codes_then_the_session_works(worker):
    """The setup page renders an inline SVG QR code and the secret; a current code confirms
    the device, shows 10 recovery codes once, and the session reaches pages at once."""
    client = signed_in(worker)
    page = client.get("/accounts/2fa/setup/")
    html = page.content.decode()
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'data-testid="otp-secret"' in html
    device, codes = enrol(client)
    assert device.confirmed and len(codes) == 10
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="account.2fa_enrolled", target_id=worker.pk).exists()


def test_a_wrong_code_does_not_enrol(worker):
    """A wrong code leaves the device unconfirmed and the page says why."""
    client = signed_in(worker)
    client.get("/accounts/2fa/setup/")
    bad = client.post("/accounts/2fa/setup/", {"code": "000000x"})
    assert bad.status_code == 200 and bad.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_the_next_sign_in_asks_for_a_code_and_refuses_a_reused_one(worker):
    """With a device, the password leads to the code page; the code that just worked is
    refused when replayed in another session, and a later code works."""
    device, _ = enrol(signed_in(worker))
    used = current_code(device, at=device.enrolled_at)  # consumed by the enrolment
    client = signed_in(worker)
    assert client.get("/people/")["Location"].startswith("/accounts/2fa/verify/")
    replay = client.post("/accounts/2fa/verify/", {"code": used, "next": "/people/"})
    assert replay.status_code == 200 and replay.context["form"].errors["code"]
    assert client.get("/people/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    later = client.post(
        "/accounts/2fa/verify/", {"code": current_code(device, step_offset=1), "next": "/people/"}
    )
    assert later.status_code == 302 and later["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_recovery_code_works_once(worker):
    """A recovery code verifies a session once and is then gone."""
    _, codes = enrol(signed_in(worker))
    first = signed_in(worker)
    assert first.post("/accounts/2fa/verify/", {"code": codes[0]}).status_code == 302
    assert first.get("/people/").status_code == 200
    second = signed_in(worker)
    again = second.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert again.status_code == 200
    assert StaticToken.objects.filter(device__user=worker).count() == 9


def test_an_enrolled_account_cannot_re_enrol_without_a_code(worker):
    """Someone with the password only cannot replace the device: setup sends them to the
    code page and creates nothing."""
    enrol(signed_in(worker))
    client = signed_in(worker)
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 302 and page["Location"] == "/accounts/2fa/verify/"
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_new_recovery_codes_replace_the_old_ones(worker):
    """A verified session gets 10 new codes; the old ones no longer verify (and a miss
    throttles the next try, django-otp's exponential delay)."""
    client = signed_in(worker)
    _, old = enrol(client)
    fresh = client.post("/accounts/2fa/recovery/")
    assert fresh.status_code == 200
    new = list(fresh.context["codes"])
    assert set(new).isdisjoint(old)
    assert twofactor.check_code(user=worker, code=old[1]) is None
    StaticDevice.objects.filter(user=worker).update(throttling_failure_count=0)  # the miss
    assert twofactor.check_code(user=worker, code=new[1]) is not None


def test_next_after_the_code_stays_on_this_site(worker):
    """An off-site ``next`` after the code goes home instead."""
    _, codes = enrol(signed_in(worker))
    client = signed_in(worker)
    done = client.post("/accounts/2fa/verify/", {"code": codes[0], "next": "https://evil.example/"})
    assert done.status_code == 302 and "evil" not in done["Location"]


def test_residents_and_lower_posts_are_not_asked(tree):
    """A resident and a compound branch secretary sign in with the password alone."""
    for user in (resident(tree.units[0]), staff(Title.BRANCH_SECRETARY, tree.compounds[0])):
        client = signed_in(user)
        assert client.get("/").status_code == 200


# --- bearer tokens ----------------------------------------------------------------------------


def token_request(user, **extra) -> tuple[int, dict]:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_a_token_needs_a_current_code_for_such_accounts(worker):
    """Not enrolled: 403; enrolled without or with a wrong code: 401 naming ``otp``; a current
    code: a token; the same code again: 401 (no reuse)."""
    status, body = token_request(worker)
    assert status == 403
    device, _ = enrol(signed_in(worker))
    status, body = token_request(worker)
    assert status == 401 and body["errors"][0]["field"] == "otp"
    status, body = token_request(worker, otp="12345x")
    assert status == 401 and body["errors"][0]["field"] == "otp"
    device.refresh_from_db()
    device.throttle_reset()
    code = current_code(device, step_offset=1)
    status, body = token_request(worker, otp=code)
    assert status == 200 and body["token"].startswith("hlj_")
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    status, _ = token_request(worker, otp=code)
    assert status == 401


def test_residents_get_tokens_with_the_password_alone(tree):
    """An account that needs no second factor keeps the plain token exchange."""
    status, body = token_request(resident(tree.units[0]))
    assert status == 200 and "token" in body


# --- reset ------------------------------------------------------------------------------------


def test_an_administrator_reset_forgets_the_device_and_revokes_tokens(worker):
    """The admin action removes every device and recovery code, revokes the tokens, is
    audited, and the next sign-in enrols again."""
    from haolinju.people.tests.factories import UserFactory

    enrol(signed_in(worker))
    token_issue(user=worker)
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=admin_user, name="a", confirmed=True)
    admin = Client()
    admin.force_login(admin_user)
    session = admin.session
    device = TOTPDevice.objects.get(user=admin_user)
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not StaticToken.objects.filter(device__user=worker).exists()
    assert not ApiToken.objects.filter(user=worker, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="account.2fa_reset", target_id=worker.pk).exists()
    assert signed_in(worker).get("/people/")["Location"].startswith("/accounts/2fa/setup/")


def test_the_reset_command(worker):
    """``manage.py reset_2fa USERNAME`` does the same from a shell."""
    enrol(signed_in(worker))
    call_command("reset_2fa", worker.username)
    assert not TOTPDevice.objects.filter(user=worker).exists()


# --- configuration ----------------------------------------------------------------------------


def test_deploy_check_warns_when_nobody_needs_a_second_factor(settings):
    """``check --deploy`` warns (haolinju.W005) when HAOLINJU_2FA_KINDS is empty."""
    from haolinju.core import checks

    assert checks.two_factor_required(None) == []
    settings.HAOLINJU_2FA_KINDS = []
    assert [w.id for w in checks.two_factor_required(None)] == ["haolinju.W005"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "community,street,district,city,province"),
        ({"HAOLINJU_DEMO": "1"}, ""),
        (
            {"HAOLINJU_DEMO": "1", "HAOLINJU_DEMO_2FA": "1"},
            "community,street,district,city,province",
        ),
    ],
)
def test_the_demo_is_password_only_unless_its_setting_is_on(tmp_path, extra, expected):
    """Base settings require 2FA from community level up; ``haolinju demo`` (HAOLINJU_DEMO)
    switches it off so the demo starts with two commands, unless HAOLINJU_DEMO_2FA is on."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("HAOLINJU_")}
    env.update(DJANGO_SETTINGS_MODULE="haolinju.settings.base", HAOLINJU_DATA_DIR=str(tmp_path))
    env.update(extra)
    code = "from django.conf import settings; print(','.join(settings.HAOLINJU_2FA_KINDS))"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
