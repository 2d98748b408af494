"""Who may import, and who may see a batch."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of


def can_import(actor) -> bool:
    """Importing registers areas and people: it needs a people-scope position (or superuser)."""
    scope = jurisdiction_of(actor)
    return scope.is_superuser or bool(scope.people_paths)


def can_see_batch(actor, batch) -> bool:
    """A batch holds its uploader's file: only they (or a superuser) may see or commit it."""
    return getattr(actor, "is_superuser", False) or (
        actor is not None and batch.actor_id is not None and batch.actor_id == actor.pk
    )
