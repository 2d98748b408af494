"""Repeated failed logins lock out that identifier from that address for a while (django-axes)."""

import pytest
from django.conf import settings

from haolinju.people.tests.factories import resident

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def user(tree):
    return resident(tree.units[0], username="zhangsan")


def _web_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_web_login_locks_after_the_limit_even_with_the_right_password(client, user):
    """After the allowed failures the login page answers 429 with a Chinese explanation, and the
    right password no longer gets in until the cool-off ends."""
    for _ in range(LIMIT - 1):
        assert _web_login(client, "zhangsan", "wrong").status_code == 200  # form with error
    response = _web_login(client, "zhangsan", "wrong")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    response = _web_login(client, "zhangsan", "pw-for-tests")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_phone_spellings_count_as_one_identifier(client, user):
    """Failures under +86, spaced and plain spellings of one phone add up to one counter."""
    from haolinju.core.crypto import decrypt

    phone = decrypt(user.person.phone_enc)
    spellings = [phone, f"+86{phone}", f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"0086{phone}"]
    for i in range(LIMIT):
        _web_login(client, spellings[i % len(spellings)], "wrong")
    assert _web_login(client, phone, "pw-for-tests").status_code == 429


def test_api_lockout_uses_the_api_error_shape(client, user):
    """The token endpoint reports a lockout as a 429 with the usual JSON error body."""
    body = {"username": "zhangsan", "password": "wrong"}
    for _ in range(LIMIT):
        client.post("/api/v1/auth/token", body, content_type="application/json")
    body["password"] = "pw-for-tests"
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["errors"] == []
    assert "登录失败次数过多" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_success_before_the_limit_resets_the_count(client, user):
    """A successful login clears earlier failures, so an occasional typo never adds up."""
    for _ in range(LIMIT - 1):
        _web_login(client, "zhangsan", "wrong")
    assert _web_login(client, "zhangsan", "pw-for-tests").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _web_login(client, "zhangsan", "wrong")
    assert _web_login(client, "zhangsan", "pw-for-tests").status_code == 302


def test_another_identifier_from_the_same_address_is_not_locked(client, user, tree):
    """Locking one account out does not lock out a neighbour on the same network."""
    resident(tree.units[1], username="lisi")
    for _ in range(LIMIT):
        _web_login(client, "zhangsan", "wrong")
    assert _web_login(client, "lisi", "pw-for-tests").status_code == 302


def test_attempt_records_never_hold_a_phone_number_in_clear(client, user):
    """Failed and successful logins by phone leave no plaintext phone in the lockout tables."""
    from axes.models import AccessAttempt, AccessLog

    from haolinju.core.crypto import decrypt

    phone = decrypt(user.person.phone_enc)
    _web_login(client, f"+86 {phone}", "wrong")
    assert _web_login(client, phone, "pw-for-tests").status_code == 302
    rows = [*AccessAttempt.objects.values(), *AccessLog.objects.values()]
    assert rows
    assert all(phone not in str(row) for row in rows)
