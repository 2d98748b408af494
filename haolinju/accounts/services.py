"""Account writes: API tokens.

A token expires ``HAOLINJU_TOKEN_DAYS`` after it was issued and ``HAOLINJU_TOKEN_IDLE_DAYS``
after it was last used; it is revoked when its account's password changes or the account is
disabled (``User.save``). Both are checked on every request, so a revocation holds at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haolinju.core.errors import NotFound
from haolinju.core.prepared import Prepared

from .models import ApiToken, User

TOKEN_PREFIX = "hlj_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def elder_mode_set(*, user: User, on: bool) -> None:
    """Record the person's own choice of elder-friendly mode (it then overrides the default)."""
    User.objects.filter(pk=user.pk).update(elder_mode=on)
    user.elder_mode = on


@transaction.atomic
def token_issue(*, user: User, name: str = "api") -> str:
    """Create a token and return its secret; only its digest is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    return raw


@transaction.atomic
def token_revoke(*, user: User, raw: str) -> None:
    updated = ApiToken.objects.filter(
        user=user, digest=token_digest(raw), revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise NotFound()


def token_expires_at(token: ApiToken) -> datetime:
    """When the token stops working unless it is used before: the earlier of its absolute end
    and its idle end."""
    absolute = token.created_at + timedelta(days=settings.HAOLINJU_TOKEN_DAYS)
    idle = (token.last_used_at or token.created_at) + timedelta(
        days=settings.HAOLINJU_TOKEN_IDLE_DAYS
    )
    return min(absolute, idle)


def token_list(*, user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first, each with ``expires_at`` set."""
    now = timezone.now()
    tokens = []
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-pk"):
        token.expires_at = token_expires_at(token)
        if token.expires_at > now:
            tokens.append(token)
    return tokens


@transaction.atomic
def token_revoke_id(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; another user's token is a ``NotFound``."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound()


def token_user(raw: str) -> User | None:
    """The active user behind a live token, or None: unknown, revoked, expired (absolute or
    idle) and inactive accounts all give None. Touches ``last_used_at`` at most once a minute.

    One prepared statement (``core.prepared``) reads the token and its user on every request:
    the same query the ORM would send, without compiling it each time."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    rows = _TOKEN_AND_USER(digest=token_digest(raw))
    if not rows:
        return None
    token_id, created_at, last_used_at, *user_values = rows[0]
    user = User.from_db("default", USER_FIELDS, user_values)
    if not user.is_active:
        return None
    token = ApiToken(pk=token_id, user_id=user.pk, created_at=created_at, last_used_at=last_used_at)
    now = timezone.now()
    if token_expires_at(token) <= now:
        return None
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


# Every column of a user, in model order: prepared reads build the instance with User.from_db.
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
_TOKEN_AND_USER = Prepared(
    lambda digest: (
        ApiToken.objects.filter(digest=digest, revoked_at__isnull=True)
        .order_by()  # the digest is unique
        .values_list(
            "id", "created_at", "last_used_at", *(f"user__{name}" for name in USER_FIELDS)
        )[:1]
    ),
    "digest",
)
