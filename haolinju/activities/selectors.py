"""Reads, scoped to the actor's jurisdiction first: outside it is a ``NotFound`` (404).

A published activity is seen by staff whose subtrees hold it and by everyone living below its
area (a community activity reaches every compound of the community). Drafts are seen by staff
governing the area and by the organiser.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from haolinju.core.errors import NotFound
from haolinju.core.scope import SEGMENT, jurisdiction_of, subtree_q

from .models import (
    ACTIVE_SIGNUP,
    Activity,
    ActivityItem,
    ActivityStatus,
    Certificate,
    Need,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)


def ancestor_paths(paths) -> set[str]:
    """Every prefix (ancestor path, itself included) of each path."""
    out: set[str] = set()
    for p in paths:
        for end in range(SEGMENT, len(p) + 1, SEGMENT):
            out.add(p[:end])
    return out


def _reach_q(scope) -> Q:
    """Rows at areas the actor lives in or below (public data), or at their ancestors."""
    homes = [p for p in (scope.home_path, *scope.public_paths) if p]
    return subtree_q(scope.public_paths) | Q(area_path__in=sorted(ancestor_paths(homes)))


def visible_activities(*, actor) -> QuerySet[Activity]:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Activity.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return Activity.objects.none()
    q = subtree_q(scope.staff_paths) | Q(organiser_id=actor.pk)
    q |= _reach_q(scope) & ~Q(status=ActivityStatus.DRAFT)
    return Activity.objects.filter(q)


def activity_list(
    *,
    actor,
    area=None,
    starts_from: dt.datetime | None = None,
    starts_to: dt.datetime | None = None,
    status: str | None = None,
) -> QuerySet[Activity]:
    qs = visible_activities(actor=actor)
    if area is not None:
        qs = qs.filter(subtree_q([area.path]) | Q(area_path__in=ancestor_paths([area.path])))
    if starts_from is not None:
        qs = qs.filter(starts_at__gte=starts_from)
    if starts_to is not None:
        qs = qs.filter(starts_at__lt=starts_to)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("item_version__item", "area").order_by("starts_at", "id")


def activity_get(*, actor, activity_id: int) -> Activity:
    activity = (
        visible_activities(actor=actor)
        .select_related("item_version__item__category", "area", "organiser")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound()
    return activity


def library(*, active_only: bool = True) -> QuerySet[ActivityItem]:
    qs = ActivityItem.objects.select_related("category", "current")
    return qs.filter(active=True) if active_only else qs


def roster(activity: Activity) -> QuerySet[Signup]:
    return activity.signups.filter(status__in=ACTIVE_SIGNUP).select_related("person")


def my_signup(activity: Activity, person_id: int | None) -> Signup | None:
    if person_id is None:
        return None
    return activity.signups.filter(person_id=person_id, status__in=ACTIVE_SIGNUP).first()


def waitlist_position(signup: Signup) -> int | None:
    """1-based place on the waitlist, in arrival order."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = Signup.objects.filter(
        activity_id=signup.activity_id, status=SignupStatus.WAITLISTED, seq__lt=signup.seq
    ).count()
    return ahead + 1


def checkin_counts(activity: Activity) -> dict[str, int]:
    records = activity.records.filter(corrects__isnull=True).aggregate(
        checked_in=Count("id"),
        checked_out=Count("id", filter=Q(checked_out_at__isnull=False)),
        pending=Count("id", filter=Q(status=RecordStatus.PENDING)),
        confirmed=Count("id", filter=Q(status=RecordStatus.CONFIRMED)),
    )
    return {"confirmed_signups": activity.confirmed_count, **records}


def no_shows(activity: Activity) -> QuerySet[Signup]:
    """Confirmed sign-ups of a finished activity with no attendance record."""
    attended = activity.records.values("person_id")
    return activity.signups.filter(status=SignupStatus.CONFIRMED).exclude(person_id__in=attended)


def person_no_show_count(person_id: int) -> int:
    return (
        Signup.objects.filter(
            person_id=person_id,
            status=SignupStatus.CONFIRMED,
            activity__status__in=[ActivityStatus.FINISHED, ActivityStatus.ARCHIVED],
        )
        .exclude(activity__records__person_id=person_id)
        .count()
    )


def visible_records(*, actor) -> QuerySet[ServiceRecord]:
    """The actor's own records, and those of people whose directory the actor reads."""
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return ServiceRecord.objects.all()
    q = subtree_q(scope.people_paths)
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
    return ServiceRecord.objects.filter(q)


def records_of(*, actor, person_id: int) -> QuerySet[ServiceRecord]:
    """A person's records, when the actor may read that person (themselves, or staff with
    people scope over where they live); otherwise NotFound."""
    from haolinju.people.selectors import person_get

    person_get(actor=actor, person_id=person_id)  # 404 outside the people scope
    return (
        ServiceRecord.objects.filter(person_id=person_id)
        .select_related("activity", "corrects")
        .order_by("-service_date", "-id")
    )


def totals(person_id: int) -> dict:
    """Confirmed minutes in all, per year and per category: three grouped sums."""
    base = ServiceRecord.objects.filter(person_id=person_id, status=RecordStatus.CONFIRMED)
    total = base.aggregate(m=Sum("delta_minutes"))["m"] or 0
    per_year = {
        row["service_date__year"]: row["m"]
        for row in base.values("service_date__year").annotate(m=Sum("delta_minutes")).order_by()
    }
    per_category = {
        row["category_code"]: row["m"]
        for row in base.values("category_code").annotate(m=Sum("delta_minutes")).order_by()
    }
    return {"minutes": total, "per_year": per_year, "per_category": per_category}


def minutes_on(person_id: int, day: dt.date, *, exclude_record: int | None = None) -> int:
    qs = ServiceRecord.objects.filter(
        person_id=person_id, status=RecordStatus.CONFIRMED, service_date=day
    )
    if exclude_record is not None:
        qs = qs.exclude(pk=exclude_record)
    return qs.aggregate(m=Sum("delta_minutes"))["m"] or 0


def certificate_by_number(number: str) -> Certificate | None:
    return Certificate.objects.filter(number=number).first()


def visible_needs(*, actor) -> QuerySet[Need]:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Need.objects.all()
    return Need.objects.filter(subtree_q(scope.staff_paths) | _reach_q(scope))


def need_get(*, actor, need_id: int) -> Need:
    need = visible_needs(actor=actor).filter(pk=need_id).first()
    if need is None:
        raise NotFound()
    return need
