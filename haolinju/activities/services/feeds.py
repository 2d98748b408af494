"""Calendar feed tokens: shown once, stored only as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.org.models import Area, AreaKind

from ..models import FeedToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, actor, area: Area | None = None) -> tuple[FeedToken, str]:
    """A new feed of the actor's own sign-ups, or of a compound's activities (``area``)."""
    scope = jurisdiction_of(actor)
    if area is None:
        if scope.person_id is None:
            raise NotPermitted(_("账号未关联人员信息"))
        owner = {"person_id": scope.person_id}
    else:
        if area.kind != AreaKind.COMPOUND:
            raise InvalidInput.on("area_id", _("只能订阅小区的活动日历"))
        if not scope.can_see_area(area.path):
            raise NotFound()
        owner = {"area": area}
    token = secrets.token_urlsafe(32)
    feed = FeedToken.objects.create(token_hash=token_hash(token), created_by=actor, **owner)
    return feed, token


@transaction.atomic
def feed_revoke(*, actor, feed_id: int) -> FeedToken:
    feed = FeedToken.objects.filter(pk=feed_id, created_by=actor).first()
    if feed is None:
        raise NotFound()
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_by_token(token: str) -> FeedToken | None:
    if not token or len(token) > 100:
        return None
    return (
        FeedToken.objects.select_related("area")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
