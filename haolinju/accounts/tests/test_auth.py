"""Login by username or mobile number, and how passwords are stored."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from haolinju.accounts.models import User
from haolinju.accounts.tests.helpers import login_request
from haolinju.core.crypto import blind_index

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def user():
    account = User(username="zhangsan", display_name="张三")
    account.phone_index = blind_index("13812345678", "phone")
    account.set_password(PASSWORD)
    account.save()
    return account


def test_login_by_username(user):
    """The username and the right password authenticate."""
    assert authenticate(login_request(), username="zhangsan", password=PASSWORD) == user


@pytest.mark.parametrize(
    "phone", ["13812345678", "+8613812345678", "+86 138 1234 5678", "0086-138-1234-5678"]
)
def test_login_by_mobile_number_in_any_written_form(user, phone):
    """The account's mobile number works as a login name, with or without +86 and spacing."""
    assert authenticate(login_request(), username=phone, password=PASSWORD) == user


def test_wrong_password_fails(user):
    """A wrong password authenticates nobody, by username or by phone."""
    assert authenticate(login_request(), username="zhangsan", password="wrong") is None
    assert authenticate(login_request(), username="13812345678", password="wrong") is None


def test_unknown_login_fails():
    """Unknown usernames and phones authenticate nobody (and do not crash)."""
    assert authenticate(login_request(), username="nobody", password=PASSWORD) is None
    assert authenticate(login_request(), username="13900000000", password=PASSWORD) is None
    assert authenticate(login_request(), username="", password=PASSWORD) is None


def test_inactive_user_cannot_log_in(user):
    """A deactivated account is refused even with the right password."""
    user.is_active = False
    user.save()
    assert authenticate(login_request(), username="zhangsan", password=PASSWORD) is None
    assert authenticate(login_request(), username="13812345678", password=PASSWORD) is None


def test_username_wins_over_a_phone_shaped_username(user):
    """If someone's username looks like a phone number, it is matched as a username first."""
    other = User(username="13812345678")
    other.set_password("other-password")
    other.save()
    assert authenticate(login_request(), username="13812345678", password="other-password") == other
    assert authenticate(login_request(), username="+8613812345678", password=PASSWORD) == user


def test_real_settings_hash_passwords_with_argon2(settings):
    """Outside tests (base and production settings) the first hasher is Argon2, and it works."""
    base = importlib.import_module("haolinju.settings.base")
    production = importlib.import_module("haolinju.settings.production")
    argon2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert base.PASSWORD_HASHERS[0] == argon2
    assert production.PASSWORD_HASHERS[0] == argon2
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password(PASSWORD)
    assert identify_hasher(encoded).algorithm == "argon2"
    assert encoded.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, encoded)
    assert not check_password("wrong", encoded)


def test_stored_password_is_never_the_plaintext(user):
    """The password column holds a hash, not the password."""
    user.refresh_from_db()
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_an_expired_session_row_does_not_sign_in(client):
    """The session store reads its row with a prepared statement; a row whose expiry has
    passed loads as an empty session, exactly as Django's own database store behaves."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = User.objects.create_user(username="expiring", password="pw-Expiring-1")
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401
