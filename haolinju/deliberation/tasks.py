"""Background jobs of the deliberation loop (queued by ``core.periodic``)."""

from __future__ import annotations

from django_tasks import task

from .services.meetings import remind_overdue
from .services.votes import close_due


@task()
def remind_overdue_tasks() -> dict:
    """Remind, then escalate, overdue joint-meeting tasks."""
    return remind_overdue()


@task()
def close_due_votes() -> dict:
    """Close the votes whose closing time has passed, and tally them."""
    return close_due()
