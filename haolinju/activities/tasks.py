"""Background work: the reminder before an activity starts (Django Tasks).

Publishing enqueues ``send_reminder`` to run ``HAOLINJU_ACTIVITY_REMINDER_MINUTES`` before the
start. The task locks the activity and reminds at most once, and only when the activity is
still on and the time has come, so an early or repeated run does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Activity, ActivityStatus, SignupStatus


def reminder_lead() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "HAOLINJU_ACTIVITY_REMINDER_MINUTES", 120)))


@task()
def send_reminder(activity_id: int) -> int:
    """Remind everyone confirmed; returns how many were told."""
    from .services import notices

    with transaction.atomic():
        activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
        now = timezone.now()
        if (
            activity is None
            or activity.reminded_at is not None
            or activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.ONGOING)
            or now < activity.starts_at - reminder_lead()
            or now >= activity.starts_at
        ):
            return 0
        users = [
            s.person.user
            for s in activity.signups.filter(status=SignupStatus.CONFIRMED).select_related(
                "person__user"
            )
            if s.person.user_id
        ]
        notices.reminder(activity, users)
        activity.reminded_at = now
        activity.save(update_fields=["reminded_at"])
        return len(users)


def schedule_reminder(activity: Activity) -> None:
    """Enqueue the reminder after commit on a backend that can defer (the database backend in
    production; the tests' immediate backend cannot, and would run it too early to send)."""
    if not send_reminder.get_backend().supports_defer:
        return
    run_after = max(activity.starts_at - reminder_lead(), timezone.now())
    pk = activity.pk
    transaction.on_commit(lambda: send_reminder.using(run_after=run_after).enqueue(pk))
