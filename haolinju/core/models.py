"""Shared kernel models: the audit trail (and timelines) every domain writes to, the working-day
calendar, notifications and idempotency records."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hashchain

AUDIT_SEGMENT = 9  # one area path segment (decision 0001): the chain is per tree root


def audit_chain_of(area_path: str) -> str:
    """The chain an event joins: its jurisdiction root (first path segment), or ``-``."""
    return area_path[:AUDIT_SEGMENT] if area_path else "-"


class AuditChainHead(models.Model):
    """The last link of one audit chain. Appending locks this row, so concurrent writers queue
    and every event's ``prev_hash`` is the hash of the one committed before it."""

    chain = models.CharField(max_length=16, primary_key=True)
    last_hash = models.CharField(max_length=64, default=hashchain.GENESIS)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.chain} #{self.length}"


def seal_events(events: list) -> None:
    """Give unsaved events their chain, sequence number and hashes, in the caller's
    transaction, advancing each chain head under a row lock (chains in a fixed order)."""
    by_chain: dict[str, list] = {}
    for event in events:
        event.chain = audit_chain_of(event.area_path)
        by_chain.setdefault(event.chain, []).append(event)
    with transaction.atomic():
        for chain in sorted(by_chain):
            AuditChainHead.objects.get_or_create(chain=chain)
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
            prev = head.last_hash
            for event in by_chain[chain]:
                head.length += 1
                event.seq = head.length
                event.prev_hash = prev
                event.hash = prev = hashchain.link(prev, event.chain_payload())
            head.last_hash = prev
            head.save(update_fields=["last_hash", "length"])


class AuditEventManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic():
            seal_events([o for o in objs if not o.hash])
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_insert(self, objs) -> int:
        """``bulk_create`` for many events whose ids nobody reads (imports): sealed the same
        way, written by one prepared statement (``core.bulk.insert_each``), ids not set."""
        from .bulk import insert_each

        objs = list(objs)
        with transaction.atomic():
            seal_events([o for o in objs if not o.hash])
            return insert_each(self.model, objs)


class AuditEvent(models.Model):
    """One row per state change or sensitive read, written in the same transaction as the change.

    Insert-only: nothing updates or deletes these rows (on PostgreSQL a trigger refuses it).
    Tamper-evident: each event carries the hash of the one before it in its chain (one chain
    per jurisdiction root, ``seq`` 1, 2, …); ``haolinju audit verify`` recomputes every chain.
    Kept at least 180 days (the app deletes none; see docs/security.md).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True, blank=True)
    area_path = models.CharField(max_length=96, blank=True, default="")
    from_state = models.CharField(max_length=32, blank=True, default="")
    to_state = models.CharField(max_length=32, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    chain = models.CharField(max_length=16, default="-")
    seq = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["area_path"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="core_auditevent_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit events are insert-only")
        with transaction.atomic():
            if not self.hash:
                seal_events([self])
            super().save(*args, **kwargs)

    def chain_payload(self) -> dict:
        """What the hash covers: every field but the hashes themselves."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "actor": self.actor_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "area_path": self.area_path,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "note": self.note,
            "data": self.data,
        }


def record_event(*, actor, action: str, target, area_path: str = "", **data) -> AuditEvent:
    """Append an audit event for ``target`` (a model instance) inside the caller's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        area_path=area_path,
        data=data,
    )


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that differs from the package's calendar (or from Monday–Friday for years the package
    does not know): a public holiday or a make-up working day. Edited by district staff."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notification(models.Model):
    """One message in a user's in-app inbox (the inbox channel is always on)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Which channels a person wants besides the inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("邮件通知"), default=False)
    muted_kinds = models.JSONField(_("不接收的通知类型"), default=list, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")


class WebhookEndpoint(models.Model):
    """Where an organisation (or any owner named by type and id) receives signed event posts."""

    owner_type = models.CharField(max_length=64)
    owner_id = models.BigIntegerField()
    url = models.URLField(_("回调地址"), max_length=300)
    secret_enc = models.TextField()
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回调地址")
        verbose_name_plural = _("回调地址")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="webhook_owner")]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("已放弃")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("回调投递")
        verbose_name_plural = _("回调投递")


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key``, replayed on retries."""

    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_unique_key")
        ]


class PeriodicRun(models.Model):
    """When each periodic job (``settings.HAOLINJU_PERIODIC``) was last queued."""

    name = models.CharField(max_length=64, unique=True)
    last_enqueued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")


class QuotaCounter(models.Model):
    """How much of one allowance (``key``, e.g. ``reveal:<user id>``) is used in one window
    (its start). Taken with one conditional UPDATE, so a cap holds under concurrency
    (``core.quota``)."""

    key = models.CharField(max_length=80)
    window = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限额计数")
        verbose_name_plural = _("限额计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_quota_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window:%Y-%m-%d %H:%M} {self.used}"
