"""A thing's timeline is its audit events: every transition writes one (``core.transitions``);
comments, reminders and other entries that change no state are added with ``record``."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def record(obj, *, actor, action: str, note: str = "", area_path: str | None = None, **data):
    """Append a non-transition entry to ``obj``'s timeline, inside the caller's transaction."""
    event = entry(obj, actor=actor, action=action, note=note, area_path=area_path, **data)
    event.save()
    return event


def record_many(entries) -> list[AuditEvent]:
    """Append many entries (built with ``entry``) in one INSERT, inside the caller's
    transaction — for a worker's sweep; the audit chain is sealed for all of them at once."""
    return AuditEvent.objects.bulk_create(list(entries))


def entry(obj, *, actor, action: str, note: str = "", area_path: str | None = None, **data):
    """An unsaved timeline entry for ``obj`` (``record`` saves one, ``record_many`` many)."""
    state_field = getattr(obj, "status", "")
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=obj._meta.label_lower,
        target_id=obj.pk,
        area_path=area_path if area_path is not None else getattr(obj, "area_path", ""),
        from_state=state_field or "",
        to_state=state_field or "",
        note=note,
        data=data,
    )


def timeline_for(obj) -> QuerySet[AuditEvent]:
    """Oldest first, with the actor loaded (one query)."""
    return (
        AuditEvent.objects.filter(target_type=obj._meta.label_lower, target_id=obj.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def timelines_for(model, ids) -> QuerySet[AuditEvent]:
    """Events of many rows of one model (for lists), oldest first."""
    return (
        AuditEvent.objects.filter(target_type=model._meta.label_lower, target_id__in=list(ids))
        .select_related("actor")
        .order_by("created_at", "id")
    )
