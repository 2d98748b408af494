"""What this app tells people, through ``core.notify`` (inbox now, email/webhooks after commit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from haolinju.core.notify import notify

from ..models import Activity, Signup


def _user_of(person):
    return getattr(person, "user", None)


def promoted(signup: Signup, activity: Activity) -> None:
    user = _user_of(signup.person)
    if user is None:
        return
    notify(
        recipients=[user],
        kind="activity.promoted",
        title=_("候补转正：%(title)s") % {"title": activity.title},
        body=_("有人取消报名，您已从候补转为正式报名，请按时参加。"),
        url=reverse("activities:detail", args=[activity.pk]),
        target=activity,
    )


def reminder(activity: Activity, users: list) -> None:
    if not users:
        return
    notify(
        recipients=users,
        kind="activity.reminder",
        title=_("活动提醒：%(title)s") % {"title": activity.title},
        body=_("%(when)s 在 %(place)s 开始，请准时签到。")
        % {"when": localtime(activity.starts_at).strftime("%m-%d %H:%M"), "place": activity.place},
        url=reverse("activities:detail", args=[activity.pk]),
        target=activity,
    )


def cancelled(activity: Activity, users: list) -> None:
    if not users:
        return
    notify(
        recipients=users,
        kind="activity.cancelled",
        title=_("活动取消：%(title)s") % {"title": activity.title},
        body=activity.cancel_reason,
        url=reverse("activities:detail", args=[activity.pk]),
        target=activity,
    )
