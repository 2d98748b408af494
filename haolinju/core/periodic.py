"""Periodic jobs, run by the worker: ``settings.HAOLINJU_PERIODIC`` maps a name to the dotted path
of a Django Task and its interval in seconds::

    HAOLINJU_PERIODIC = {"cases.supervise": ("haolinju.cases.tasks.supervise", 60)}

``haolinju worker`` (and the demo) runs ``manage.py periodic`` beside ``db_worker``: every few
seconds it calls ``enqueue_due``, which queues each job whose interval has passed. The
``PeriodicRun`` row of a job is locked while it is checked, so several schedulers (one per app
server) never queue the same run twice. The job itself runs on the task queue like any other.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun


def jobs() -> dict[str, tuple[str, int]]:
    return dict(getattr(settings, "HAOLINJU_PERIODIC", {}))


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every job that is due; returns their names."""
    now = now or timezone.now()
    queued = []
    for name, (path, seconds) in sorted(jobs().items()):
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update().filter(name=name).first()
            if run is None:
                try:
                    with transaction.atomic():
                        run = PeriodicRun.objects.create(
                            name=name, last_enqueued_at=now - dt.timedelta(seconds=seconds)
                        )
                except IntegrityError:
                    run = PeriodicRun.objects.select_for_update().get(name=name)
            if run.last_enqueued_at + dt.timedelta(seconds=seconds) > now:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            task = import_string(path)
            transaction.on_commit(task.enqueue)
            queued.append(name)
    return queued
