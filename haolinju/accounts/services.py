"""Account writes: API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from haolinju.core.errors import NotFound

from .models import ApiToken, User

TOKEN_PREFIX = "hlj_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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


def token_user(raw: str) -> User | None:
    """The active user behind a token, or None. Touches ``last_used_at`` at most once a minute."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .order_by()[:1]  # the digest is unique: no ORDER BY to compile (cheaper than .first())
    )
    token = found[0] if found else None
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
