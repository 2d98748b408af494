"""The kernel's own periodic jobs (listed in ``settings.HAOLINJU_PERIODIC``)."""

from __future__ import annotations

from django_tasks import task

from . import idempotency, notify


@task()
def retry_webhooks() -> int:
    """Retry webhook deliveries whose backoff has passed."""
    return notify.retry_due_webhooks()


@task()
def purge_idempotency_records() -> int:
    """Forget stored responses older than their lifetime."""
    return idempotency.purge_expired()
