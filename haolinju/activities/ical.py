"""iCalendar (RFC 5545) feeds with the ``icalendar`` package."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import ACTIVE_SIGNUP, Activity, ActivityStatus, FeedToken, Signup
from .selectors import ancestor_paths

SHOWN = (ActivityStatus.PUBLISHED, ActivityStatus.ONGOING, ActivityStatus.FINISHED)
PAST_DAYS = 30


def feed_activities(feed: FeedToken) -> list[Activity]:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    qs = Activity.objects.filter(ends_at__gte=since).select_related("area")
    if feed.person_id:
        ids = Signup.objects.filter(person_id=feed.person_id, status__in=ACTIVE_SIGNUP).values(
            "activity_id"
        )
        qs = qs.filter(pk__in=ids).exclude(status=ActivityStatus.DRAFT)
    else:
        path = feed.area.path
        qs = qs.filter(status__in=SHOWN).filter(
            Q(area_path__in=ancestor_paths([path])) | Q(area_path__startswith=path)
        )
    return list(qs.order_by("starts_at")[:500])


def render(feed: FeedToken, *, host: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Haolinju//activities//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for activity in feed_activities(feed):
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", activity.title)
        event.add("location", activity.place)
        event.add("description", activity.description or activity.title)
        event.add(
            "status", "CANCELLED" if activity.status == ActivityStatus.CANCELLED else "CONFIRMED"
        )
        event.add("url", f"https://{host}/activities/{activity.pk}/")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", activity.title)
        alarm.add("trigger", dt.timedelta(hours=-2))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
