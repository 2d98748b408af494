"""The in-app inbox over the API: list, mark one or all read, channel preferences."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from . import notify
from .errors import NotFound
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate

router = Router(tags=["notifications"])
MAX_ID = 2**63 - 1


class InboxParams(Schema):
    offset: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    unread: bool = Field(False, description="Only unread notifications")


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    target_type: str
    target_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceIn(Schema):
    email: bool | None = None
    muted_kinds: list[str] | None = Field(None, max_length=50)


class PreferenceOut(Schema):
    email: bool
    muted_kinds: list[str]


@router.get("/notifications", response=InboxPage, summary="My notifications, newest first")
def notification_list(request, params: Query[InboxParams]):
    qs = notify.inbox(request.user)
    if params.unread:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(qs, offset=params.offset, limit=params.limit)
    return {"items": page.items, "count": page.count, "unread": notify.unread_count(request.user)}


@router.post(
    "/notifications/{notification_id}/read", response=MarkedOut, summary="Mark one as read"
)
def notification_read(request, notification_id: Path[int]):
    if (
        not 1 <= notification_id <= MAX_ID
        or not notify.inbox(request.user).filter(pk=notification_id).exists()
    ):
        raise NotFound()
    return {"marked": notify.mark_read(user=request.user, notification_id=notification_id)}


@router.post("/notifications/read-all", response=MarkedOut, summary="Mark all as read")
def notification_read_all(request):
    return {"marked": notify.mark_read(user=request.user)}


@router.get("/notifications/preferences", response=PreferenceOut, summary="My channels")
def preference_get(request):
    return notify.preference_set(user=request.user)


@router.post("/notifications/preferences", response=PreferenceOut, summary="Choose my channels")
def preference_post(request, data: PreferenceIn):
    return notify.preference_set(user=request.user, email=data.email, muted_kinds=data.muted_kinds)
