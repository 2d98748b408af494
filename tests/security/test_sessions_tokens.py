"""Sessions and tokens (issue 6, item 3): token expiry and revocation, the user's own token
list, staff session timeouts, per-account lockout keyed on the real client address, and the
longer cool-off after a second lockout within a day."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client

from haolinju.accounts import sessions
from haolinju.accounts.models import ApiToken, LoginLockout
from haolinju.accounts.services import token_issue
from haolinju.core.crypto import decrypt
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def worker(tree):
    return staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")


def me(token: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def age_token(token: str, *, created: timedelta, used: timedelta | None = None) -> None:
    from django.utils import timezone

    now = timezone.now()
    ApiToken.objects.filter(prefix=token[:10]).update(
        created_at=now - created, last_used_at=None if used is None else now - used
    )


# --- token lifetime and revocation ------------------------------------------------------------


def test_a_token_stops_working_after_its_lifetime(worker):
    """A token issued more than HAOLINJU_TOKEN_DAYS ago is a 401, even if used yesterday."""
    token = token_issue(user=worker)
    age_token(
        token,
        created=timedelta(days=settings.HAOLINJU_TOKEN_DAYS, minutes=1),
        used=timedelta(days=1),
    )
    assert me(token) == 401


def test_an_idle_token_expires_and_a_used_one_does_not(worker):
    """Unused for longer than HAOLINJU_TOKEN_IDLE_DAYS: 401; used within it: still works."""
    idle, busy = token_issue(user=worker), token_issue(user=worker)
    days = settings.HAOLINJU_TOKEN_IDLE_DAYS
    age_token(idle, created=timedelta(days=days + 2), used=timedelta(days=days, minutes=1))
    age_token(busy, created=timedelta(days=days + 2), used=timedelta(days=days - 1))
    assert me(idle) == 401
    assert me(busy) == 200


def test_a_password_change_revokes_every_token_at_once(worker):
    """After set_password + save the very next API request with an old token is a 401."""
    tokens = [token_issue(user=worker), token_issue(user=worker)]
    assert me(tokens[0]) == 200
    worker.set_password("a-new-password-2026")
    worker.save()
    assert [me(t) for t in tokens] == [401, 401]
    assert not ApiToken.objects.filter(user=worker, revoked_at__isnull=True).exists()


def test_disabling_an_account_revokes_its_tokens_for_good(worker):
    """A disabled account's tokens are revoked, and enabling it again does not revive them."""
    token = token_issue(user=worker)
    worker.is_active = False
    worker.save()
    worker.is_active = True
    worker.save()
    assert me(token) == 401


def test_a_password_hash_upgrade_is_not_a_password_change(worker):
    """Logging in (which may re-hash the password) keeps the tokens working."""
    token = token_issue(user=worker)
    assert worker.check_password(PASSWORD)
    assert Client().post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert me(token) == 200


# --- the user's own tokens --------------------------------------------------------------------


def test_the_api_lists_only_the_callers_live_tokens_without_secrets(worker, tree):
    """GET /auth/tokens lists the caller's live tokens (marking the current one) and nothing of
    other accounts or revoked tokens; no secret or digest leaves the server."""
    current, other = token_issue(user=worker), token_issue(user=worker)
    revoked = token_issue(user=worker)
    ApiToken.objects.filter(prefix=revoked[:10]).update(revoked_at=F("created_at"))
    token_issue(user=resident(tree.units[0], username="neighbour"))
    response = Client().get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {current}"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {i["prefix"] for i in body["items"]} == {current[:10], other[:10]}
    assert [i["current"] for i in body["items"] if i["prefix"] == current[:10]] == [True]
    assert current not in response.content.decode() and "digest" not in body["items"][0]


def test_the_api_revokes_an_own_token_by_id_and_404s_anothers(worker, tree):
    """DELETE /auth/tokens/{id}: 204 for an own token (which then fails), 404 for another's."""
    mine, spare = token_issue(user=worker), token_issue(user=worker)
    theirs = token_issue(user=resident(tree.units[0], username="neighbour"))
    headers = {"Authorization": f"Bearer {mine}"}
    spare_id = ApiToken.objects.get(prefix=spare[:10]).pk
    theirs_id = ApiToken.objects.get(prefix=theirs[:10]).pk
    assert Client().delete(f"/api/v1/auth/tokens/{spare_id}", headers=headers).status_code == 204
    assert me(spare) == 401
    assert Client().delete(f"/api/v1/auth/tokens/{theirs_id}", headers=headers).status_code == 404
    assert me(theirs) == 200
    big = Client().delete(f"/api/v1/auth/tokens/{2**64}", headers=headers)
    assert big.status_code == 422


def test_the_web_page_lists_and_revokes_own_tokens(worker, tree):
    """/accounts/tokens/ shows the user's tokens (no-store); revoking one there ends it; another
    account's token id is a 404."""
    token = token_issue(user=worker)
    theirs = token_issue(user=resident(tree.units[0], username="neighbour"))
    browser = Client()
    browser.force_login(worker)
    page = browser.get("/accounts/tokens/")
    assert page.status_code == 200
    assert token[:10] in page.content.decode() and theirs[:10] not in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    token_id = ApiToken.objects.get(prefix=token[:10]).pk
    theirs_id = ApiToken.objects.get(prefix=theirs[:10]).pk
    assert browser.post(f"/accounts/tokens/{theirs_id}/revoke/").status_code == 404
    assert browser.post(f"/accounts/tokens/{token_id}/revoke/").status_code == 302
    assert me(token) == 401 and me(theirs) == 200


# --- staff web sessions -----------------------------------------------------------------------


def _signed_in(user) -> Client:
    browser = Client()
    assert browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert browser.get("/").status_code == 200
    return browser


def _shift_clock(browser: Client, *, started: int = 0, seen: int = 0) -> None:
    session = browser.session
    session[sessions.STARTED] -= started
    session[sessions.SEEN] -= seen
    session.save()


def test_a_staff_session_ends_after_the_idle_timeout(worker):
    """31 minutes without a request: the page sends the browser to login, the API says 401."""
    browser = _signed_in(worker)
    _shift_clock(browser, seen=settings.HAOLINJU_STAFF_SESSION_IDLE_MINUTES * 60 + 60)
    assert browser.get("/api/v1/me").status_code == 401
    response = browser.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_active_staff_session_ends_after_its_absolute_lifetime(worker):
    """Used a minute ago but signed in more than the maximum hours ago: signed out."""
    browser = _signed_in(worker)
    _shift_clock(browser, started=settings.HAOLINJU_STAFF_SESSION_MAX_HOURS * 3600 + 60, seen=60)
    response = browser.get("/")
    assert response.status_code == 302


def test_a_staff_session_in_use_stays_and_a_resident_session_has_no_idle_limit(worker, tree):
    """Twenty idle minutes keep a staff session; a resident's session survives 31 idle minutes."""
    browser = _signed_in(worker)
    _shift_clock(browser, seen=20 * 60)
    assert browser.get("/").status_code == 200
    neighbour = _signed_in(resident(tree.units[0], username="neighbour"))
    neighbour.session  # noqa: B018 - the clock is kept for staff only
    session = neighbour.session
    session[sessions.SEEN] = int(time.time()) - 31 * 60
    session.save()
    assert neighbour.get("/").status_code == 200


# --- lockout per account, on the real address ---------------------------------------------------


def _fail(client, username, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": "wrong"}, headers=headers
    )


def test_username_and_phone_failures_count_against_one_account(worker):
    """Failures typed as the username and as spellings of the phone add up to one lockout."""
    phone = decrypt(worker.person.phone_enc)
    spellings = ["worker", phone, f"+86 {phone}", "WORKER".lower()]
    client = Client()
    for i in range(LIMIT):
        _fail(client, spellings[i % len(spellings)])
    ok = client.post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert ok.status_code == 429


def test_a_forged_forwarded_for_does_not_escape_the_lockout(worker):
    """With no trusted proxy, a different X-Forwarded-For on every try changes nothing."""
    client = Client()
    for i in range(LIMIT):
        _fail(client, "worker", **{"X-Forwarded-For": f"10.0.0.{i}"})
    response = client.post(
        "/accounts/login/",
        {"username": "worker", "password": PASSWORD},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(worker, settings):
    """With one trusted proxy, the last X-Forwarded-For hop is the client: another client
    behind the same proxy is not locked out, and hops the client wrote are ignored."""
    settings.HAOLINJU_TRUSTED_PROXIES = 1
    client = Client()
    for _ in range(LIMIT):
        _fail(client, "worker", **{"X-Forwarded-For": "1.1.1.1, 203.0.113.7"})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    other = client.post(
        "/accounts/login/",
        {"username": "worker", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.8"},
    )
    assert other.status_code == 302


def test_the_token_throttle_ignores_a_forged_forwarded_for(db):
    """The API token endpoint's per-address rate holds however X-Forwarded-For varies."""
    client = Client()
    codes = [
        client.post(
            "/api/v1/auth/token",
            {"username": f"nobody{i}", "password": "x"},
            content_type="application/json",
            headers={"X-Forwarded-For": f"10.1.0.{i}"},
        ).status_code
        for i in range(21)
    ]
    assert codes[:20] == [401] * 20
    assert codes[20] == 429


def test_a_second_lockout_within_a_day_lasts_the_long_cool_off(worker):
    """After the first lockout's cool-off a user may log in again; a second lockout the same day
    lasts HAOLINJU_LOGIN_REPEAT_COOLOFF, and the answer says so (Retry-After)."""
    client = Client()
    for _ in range(LIMIT):
        _fail(client, "worker")
    assert LoginLockout.objects.count() == 1
    assert _fail(client, "worker").status_code == 429  # attempts while locked add no lockout
    assert LoginLockout.objects.count() == 1
    short = settings.HAOLINJU_LOGIN_COOLOFF + timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - short)
    LoginLockout.objects.update(created_at=F("created_at") - short)
    for _ in range(LIMIT):
        _fail(client, "worker")
    assert LoginLockout.objects.count() == 2
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - short)
    response = client.post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert response.status_code == 429
    long = int(settings.HAOLINJU_LOGIN_REPEAT_COOLOFF.total_seconds())
    assert int(response["Retry-After"]) == long
