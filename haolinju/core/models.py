"""Shared kernel models: the audit trail every domain writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per state change or sensitive read, written in the same transaction as the change.

    Insert-only: nothing updates or deletes these rows.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True, blank=True)
    area_path = models.CharField(max_length=96, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["area_path"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


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
