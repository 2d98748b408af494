"""API tokens: issue, use, last-used stamp, revocation; only digests are stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.accounts import services
from haolinju.accounts.models import ApiToken, User
from haolinju.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    account = User(username="lisi")
    account.set_password("pw-for-tests")
    account.save()
    return account


def test_issued_token_authenticates_its_user(user):
    """A fresh token maps back to its user."""
    raw = services.token_issue(user=user)
    assert raw.startswith(services.TOKEN_PREFIX)
    assert services.token_user(raw) == user


def test_only_the_digest_is_stored(user):
    """The secret itself is nowhere in the token table; its SHA-256 digest is."""
    raw = services.token_issue(user=user)
    row = ApiToken.objects.get(user=user)
    assert row.digest == services.token_digest(raw)
    assert raw not in (row.digest, row.prefix, row.name)
    assert len(row.prefix) < len(raw)


def test_tokens_are_unique_and_unguessable(user):
    """Two tokens differ and carry at least 256 bits of randomness."""
    a, b = services.token_issue(user=user), services.token_issue(user=user)
    assert a != b
    assert len(a) - len(services.TOKEN_PREFIX) >= 43


def test_unknown_or_malformed_tokens_authenticate_nobody(user):
    """Garbage, an empty string, or a near miss of a real token are not tokens."""
    raw = services.token_issue(user=user)
    assert services.token_user("") is None
    assert services.token_user("not-a-token") is None
    assert services.token_user(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_use_stamps_last_used_at_at_most_once_a_minute(user):
    """First use sets last_used_at; uses within a minute leave it; a later use moves it."""
    raw = services.token_issue(user=user)
    assert ApiToken.objects.get().last_used_at is None
    services.token_user(raw)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    services.token_user(raw)
    assert ApiToken.objects.get().last_used_at == first
    earlier = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.update(last_used_at=earlier)
    services.token_user(raw)
    assert ApiToken.objects.get().last_used_at > earlier


def test_revoked_token_no_longer_authenticates(user):
    """After revocation the token maps to nobody, and the row records when."""
    raw = services.token_issue(user=user)
    other = services.token_issue(user=user)
    services.token_revoke(user=user, raw=raw)
    assert services.token_user(raw) is None
    assert ApiToken.objects.get(digest=services.token_digest(raw)).revoked_at is not None
    assert services.token_user(other) == user


def test_revoking_twice_or_someone_elses_token_is_not_found(user):
    """A token can be revoked once, and only by its owner."""
    raw = services.token_issue(user=user)
    stranger = User.objects.create(username="stranger")
    with pytest.raises(NotFound):
        services.token_revoke(user=stranger, raw=raw)
    services.token_revoke(user=user, raw=raw)
    with pytest.raises(NotFound):
        services.token_revoke(user=user, raw=raw)


def test_token_of_an_inactive_user_authenticates_nobody(user):
    """Deactivating an account disables its tokens at once."""
    raw = services.token_issue(user=user)
    user.is_active = False
    user.save()
    assert services.token_user(raw) is None
