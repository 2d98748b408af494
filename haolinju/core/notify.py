"""Notifications: the in-app inbox, email and signed webhooks.

``notify(...)`` writes inbox rows in the caller's transaction (they commit with the change that
caused them) and queues email and webhook delivery with ``transaction.on_commit`` as Django Tasks,
so nothing is sent from inside a request or for a change that rolled back. Each user's
``NotificationPreference`` picks email on or off and may mute kinds; the inbox is always on.

Webhooks: ``POST`` of ``{"kind", "title", "body", "url", "target": {"type", "id"}, "sent_at"}``
with ``X-Haolinju-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`` and
``X-Haolinju-Delivery: <id>``; a failure is retried with exponential backoff
(``HAOLINJU_WEBHOOK_BACKOFF`` seconds × 2^attempt, up to ``HAOLINJU_WEBHOOK_ATTEMPTS`` tries).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from .crypto import decrypt, encrypt
from .models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    WebhookDelivery,
    WebhookEndpoint,
)

logger = logging.getLogger("haolinju.notify")


@dataclass
class Message:
    """One event to tell some users about (see ``notify``)."""

    recipients: Iterable
    kind: str
    title: str
    body: str = ""
    url: str = ""
    target: object = None
    webhook_owner: tuple[str, int] | None = None


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target=None,
    webhook_owner: tuple[str, int] | None = None,
) -> list[Notification]:
    """Tell ``recipients`` (users; ``None`` and duplicates skipped) about an event."""
    return notify_many([Message(recipients, kind, title, body, url, target, webhook_owner)])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """``notify`` for many events at once (a worker's sweep): one preference read, one INSERT
    of inbox rows, one email task, one endpoint read and one INSERT of webhook deliveries,
    whatever the number of messages."""
    messages = list(messages)
    per_message = [
        {u.pk: u for u in m.recipients if u is not None and getattr(u, "pk", None)}
        for m in messages
    ]
    everyone = {uid for users in per_message for uid in users}
    muted = {
        p.user_id: set(p.muted_kinds or [])
        for p in NotificationPreference.objects.filter(user_id__in=everyone)
        if p.muted_kinds
    } if everyone else {}  # fmt: skip
    inbox = []
    for m, users in zip(messages, per_message, strict=True):
        target_type = m.target._meta.label_lower if m.target is not None else ""
        target_id = m.target.pk if m.target is not None else None
        inbox += [
            Notification(
                recipient_id=uid,
                kind=m.kind,
                title=str(m.title)[:200],
                body=str(m.body),
                url=m.url,
                target_type=target_type,
                target_id=target_id,
            )
            for uid in users
            if m.kind not in muted.get(uid, ())
        ]
    rows = Notification.objects.bulk_create(inbox) if inbox else []
    ids = [n.pk for n in rows]  # SQLite ≥ 3.35 and PostgreSQL return ids from bulk_create
    if ids:
        transaction.on_commit(lambda: send_emails.enqueue(ids))
    _queue_webhooks([m for m in messages if m.webhook_owner is not None])
    return rows


def _queue_webhooks(messages: list[Message]) -> None:
    if not messages:
        return
    owners = Q(pk__in=[])
    for m in messages:
        owners |= Q(owner_type=m.webhook_owner[0], owner_id=m.webhook_owner[1])
    endpoints: dict[tuple[str, int], list[WebhookEndpoint]] = {}
    for e in WebhookEndpoint.objects.filter(owners, active=True):
        endpoints.setdefault((e.owner_type, e.owner_id), []).append(e)
    sent_at = timezone.now().isoformat()
    deliveries = [
        WebhookDelivery(
            endpoint=e,
            kind=m.kind,
            payload={
                "kind": m.kind,
                "title": str(m.title),
                "body": str(m.body),
                "url": m.url,
                "target": {
                    "type": m.target._meta.label_lower if m.target is not None else "",
                    "id": m.target.pk if m.target is not None else None,
                },
                "sent_at": sent_at,
            },
        )
        for m in messages
        for e in endpoints.get(tuple(m.webhook_owner), [])
    ]
    for d in WebhookDelivery.objects.bulk_create(deliveries):
        transaction.on_commit(lambda pk=d.pk: deliver_webhook.enqueue(pk))


@task()
def send_emails(notification_ids: list[int]) -> int:
    """Email the notifications whose recipients chose email and have an address."""
    sent = 0
    wanted = set(
        NotificationPreference.objects.filter(email=True).values_list("user_id", flat=True)
    )
    for n in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient"):
        if n.recipient_id not in wanted or not n.recipient.email:
            continue
        send_mail(n.title, n.body or n.title, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def webhook_endpoint_create(*, owner_type: str, owner_id: int, url: str, secret: str):
    return WebhookEndpoint.objects.create(
        owner_type=owner_type, owner_id=owner_id, url=url, secret_enc=encrypt(secret)
    )


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured URL
        return response.status


def attempt_webhook(delivery_id: int, *, post=_post) -> str:
    """Try one delivery once; on failure schedule the next try or give up. Returns the status."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Haolinju-Signature": sign(decrypt(delivery.endpoint.secret_enc), body),
        "X-Haolinju-Delivery": str(delivery.pk),
        "X-Haolinju-Event": delivery.kind,
    }
    delivery.attempts += 1
    try:
        status = post(delivery.endpoint.url, body, headers)
        ok, error = 200 <= status < 300, f"HTTP {status}"
    except Exception as exc:  # network errors of any kind: retry later
        ok, error = False, type(exc).__name__
    now = timezone.now()
    if ok:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED,
            now,
            "",
        )
    else:
        delivery.last_error = error[:300]
        attempts = getattr(settings, "HAOLINJU_WEBHOOK_ATTEMPTS", 6)
        if delivery.attempts >= attempts:
            delivery.status = DeliveryStatus.FAILED
        else:
            backoff = getattr(settings, "HAOLINJU_WEBHOOK_BACKOFF", 30) * 2 ** (
                delivery.attempts - 1
            )
            delivery.next_attempt_at = now + dt.timedelta(seconds=backoff)
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING and default_task_backend.supports_defer:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


@task()
def deliver_webhook(delivery_id: int) -> str:
    return attempt_webhook(delivery_id)


def retry_due_webhooks(*, now=None) -> int:
    """Retry deliveries whose next attempt is due (for backends that cannot defer tasks)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        attempt_webhook(pk)
    return len(ids)


# --- inbox reads and writes (the API and the web inbox call these) ---------------------------
def inbox(user):
    return Notification.objects.filter(recipient=user).order_by("-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def preference_set(*, user, email: bool | None = None, muted_kinds: list[str] | None = None):
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    if email is not None:
        pref.email = email
    if muted_kinds is not None:
        pref.muted_kinds = sorted(set(muted_kinds))
    pref.save()
    return pref
