"""Token endpoints and how every other endpoint authenticates: bearer token or session + CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from haolinju.accounts.models import ApiToken
from haolinju.core.crypto import decrypt
from haolinju.people.models import Person, Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


@pytest.fixture
def worker(tree):
    return staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")


def issue(client: Client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_for_username_then_use_it(worker):
    """POST /auth/token with username + password returns a token that opens /me."""
    response = issue(Client(), "worker")
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client().get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == "worker"


def test_token_for_mobile_number_in_plus86_form(worker):
    """The person's mobile number (written +86 …) is a login name too."""
    phone = decrypt(worker.person.phone_enc)
    response = issue(Client(), f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}")
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=worker).count() == 1


@pytest.mark.parametrize(
    ("username", "password"), [("worker", "wrong"), ("nobody", PASSWORD), ("", "")]
)
def test_bad_credentials_are_401_with_one_message(worker, username, password):
    """Wrong password and unknown user get the same 401 body; no token is created."""
    response = issue(Client(), username, password)
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误", "errors": []}
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token(worker):
    """A deactivated account cannot obtain a token."""
    worker.is_active = False
    worker.save()
    assert issue(Client(), "worker").status_code == 401


def test_missing_credentials_are_422_with_field_errors():
    """A body without username and password names both fields."""
    response = Client().post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "输入有误"
    assert {e["field"] for e in body["errors"]} == {"username", "password"}
    assert all(e["message"] == "此项为必填" for e in body["errors"])


@pytest.mark.parametrize("url", ["/api/v1/me", "/api/v1/people", "/api/v1/areas/1"])
def test_no_credentials_is_401(url, db):
    """Without a token or session every endpoint is 401 with a Bearer challenge."""
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效", "errors": []}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer hlj_forged", "Bearer ", "Token x"])
def test_invalid_token_is_401(worker, header):
    """A made-up token or another scheme authenticates nobody."""
    response = Client().get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_revoke_then_the_token_is_401(worker):
    """DELETE /auth/token revokes the token in use: 204, then the same token gets 401."""
    token = issue(Client(), "worker").json()["token"]
    other = issue(Client(), "worker").json()["token"]
    response = Client().delete("/api/v1/auth/token", headers=bearer(token))
    assert response.status_code == 204
    again = Client().get("/api/v1/me", headers=bearer(token))
    assert again.status_code == 401
    assert again.json() == {"detail": "未登录或令牌无效", "errors": []}
    assert Client().delete("/api/v1/auth/token", headers=bearer(token)).status_code == 401
    assert Client().get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_revoked_token_does_not_fall_back_to_the_session(worker):
    """A browser that is logged in but sends a revoked token is refused: the token decides."""
    token = issue(Client(), "worker").json()["token"]
    Client().delete("/api/v1/auth/token", headers=bearer(token))
    browser = Client()
    browser.force_login(worker)
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_token_use_stamps_last_used(worker):
    """Using a token records when it was last used."""
    token = issue(Client(), "worker").json()["token"]
    assert ApiToken.objects.get().last_used_at is None
    Client().get("/api/v1/me", headers=bearer(token))
    assert ApiToken.objects.get().last_used_at is not None


def test_revoke_without_a_token_is_422(worker):
    """A session-authenticated DELETE /auth/token has no token to revoke."""
    browser = Client()
    browser.force_login(worker)
    response = browser.delete("/api/v1/auth/token")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Authorization"


def test_deactivating_the_account_stops_its_tokens(worker):
    """An account switched off loses API access at once."""
    token = issue(Client(), "worker").json()["token"]
    worker.is_active = False
    worker.save()
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_session_can_read_without_csrf(worker):
    """A logged-in browser reads the API with its session cookie alone."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(worker)
    response = browser.get("/api/v1/people")
    assert response.status_code == 200


def test_session_write_needs_the_csrf_token(worker, tree):
    """A session POST without X-CSRFToken is refused (403, nothing written); with it, it works."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(worker)
    body = {"area_id": tree.units[0].pk, "name": "王五"}
    refused = browser.post("/api/v1/people", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Person.objects.filter(name="王五").exists()

    token = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"  # a well-formed CSRF secret, as Django sets it
    browser.cookies["csrftoken"] = token
    accepted = browser.post(
        "/api/v1/people", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["name"] == "王五"


def test_bearer_writes_need_no_csrf(worker, tree):
    """Token clients are not browsers: a bearer POST needs no CSRF token."""
    token = issue(Client(), "worker").json()["token"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/people",
        {"area_id": tree.units[0].pk, "name": "赵六"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 201


def test_anonymous_write_is_401_not_a_csrf_error(db):
    """Without a session, an unsafe request is unauthenticated (401), not a CSRF failure."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/people", {}, content_type="application/json")
    assert response.status_code == 401
