"""The activity library for transactional tests, whose flush empties what the migration seeded."""

from __future__ import annotations


def ensure_library() -> None:
    """Seed the 5 × 39 library again if a transactional test's flush emptied it."""
    import importlib

    from django.apps import apps

    from haolinju.activities.models import ActivityItem

    if not ActivityItem.objects.exists():
        importlib.import_module("haolinju.activities.migrations.0002_seed_activity_library").seed(
            apps, None
        )
