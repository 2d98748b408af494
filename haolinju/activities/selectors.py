"""Reads, scoped to the actor's jurisdiction first: outside it is a ``NotFound`` (404).

A published activity is seen by staff whose subtrees hold it and by everyone living below its
area (a community activity reaches every compound of the community). Drafts are seen by staff
governing the area and by the organiser.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet, Sum

from haolinju.core.errors import NotFound
from haolinju.core.scope import SEGMENT, jurisdiction_of, subtree_q

from .models import (
    ACTIVE_SIGNUP,
    Activity,
    ActivityCategory,
    ActivityItem,
    ActivityStatus,
    Certificate,
    CorrectionRequest,
    CorrectionStatus,
    FeedToken,
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


def library_item(*, item_id: int) -> ActivityItem:
    """One library item with its current version (the library is district-wide; 404 if none)."""
    item = library(active_only=False).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def item_versions(item: ActivityItem) -> list:
    """Every version of an item, newest first, with who wrote it."""
    return list(item.versions.select_related("created_by").order_by("-version"))


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
    """Confirmed sign-ups of finished activities with no attendance record: a correlated
    ``NOT EXISTS`` on the (activity, person) record index, not a multi-valued exclude."""
    attended = ServiceRecord.objects.filter(
        activity_id=OuterRef("activity_id"), person_id=person_id
    )
    return (
        Signup.objects.filter(
            person_id=person_id,
            status=SignupStatus.CONFIRMED,
            activity__status__in=[ActivityStatus.FINISHED, ActivityStatus.ARCHIVED],
        )
        .filter(~Exists(attended))
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


RECORD_FIELDS = (
    "id",
    "activity_id",
    "person_id",
    "service_date",
    "category_code",
    "item_code",
    "checked_in_at",
    "checked_out_at",
    "method",
    "status",
    "review_reason",
    "actual_minutes",
    "minutes",
    "delta_minutes",
    "corrects_id",
    "correction_reason",
    "activity__title",
)


def records_of(*, actor, person_id: int) -> QuerySet[ServiceRecord]:
    """A person's records, newest first, when the actor may read that person (themselves, or
    staff with people scope over where they live); otherwise NotFound. Only the columns a
    record page or the API shows (the ``record_person_date`` index serves the order)."""
    return records_for(volunteer_get(actor=actor, person_id=person_id))  # 404 outside scope


PAGE_FIELDS = (
    "id",
    "activity__title",
    "corrects_id",
    "service_date",
    "status",
    "minutes",
    "delta_minutes",
    "correction_reason",
)


def record_page(person, *, offset: int, limit: int) -> list[dict]:
    """One page of a person's records as plain rows (the columns the record page prints; no
    model instances), newest first on the ``record_person_date`` index."""
    return list(
        ServiceRecord.objects.filter(person_id=person.pk)
        .order_by("-service_date", "-id")
        .values(*PAGE_FIELDS)[offset : offset + limit]
    )


def records_for(person) -> QuerySet[ServiceRecord]:
    """The records of a person already read through ``volunteer_get``."""
    return (
        ServiceRecord.objects.filter(person_id=person.pk)
        .select_related("activity")
        .only(*RECORD_FIELDS)
        .order_by("-service_date", "-id")
    )


def volunteer_get(*, actor, person_id: int):
    """The person whose record is read, in the actor's people scope (404 otherwise)."""
    from haolinju.people.selectors import person_get

    return person_get(actor=actor, person_id=person_id)


class YearOf(Func):
    """The year of a date column as an integer: ``EXTRACT`` where the database has it; on
    SQLite (ISO text dates) the first four characters, since ``__year`` there calls a Python
    function on every row."""

    function = "EXTRACT"
    template = "EXTRACT(YEAR FROM %(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(substr(%(expressions)s, 1, 4) AS integer)"
        )


def totals(person_id: int) -> dict:
    """Confirmed minutes in all, per year and per category: one grouped query of at most
    (years × categories) rows, folded here."""
    rows = (
        ServiceRecord.objects.filter(person_id=person_id, status=RecordStatus.CONFIRMED)
        .annotate(year=YearOf("service_date"))
        .values_list("year", "category_code")
        .annotate(m=Sum("delta_minutes"))
        .order_by()
    )
    per_year: dict[int, int] = {}
    per_category: dict[str, int] = {}
    for year, code, m in rows:
        per_year[int(year)] = per_year.get(int(year), 0) + m
        per_category[code] = per_category.get(code, 0) + m
    return {
        "minutes": sum(per_category.values()),
        "per_year": per_year,
        "per_category": {c: m for c, m in per_category.items() if m},
    }


def category_names() -> dict[str, str]:
    """Category code → name (five rows)."""
    return dict(ActivityCategory.objects.order_by("sort", "code").values_list("code", "name"))


def certificates_of(*, actor, person_id: int) -> QuerySet[Certificate]:
    """A person's certificates, for themselves or staff reading their directory."""
    scope = jurisdiction_of(actor)
    qs = Certificate.objects.filter(person_id=person_id).order_by("-issued_on", "-id")
    if scope.is_superuser or scope.person_id == person_id:
        return qs
    return qs.filter(subtree_q(scope.people_paths))


def certificate_get(*, actor, number: str) -> Certificate:
    """A certificate its holder or staff reading the holder's directory may open; else 404."""
    cert = certificates_of_actor(actor=actor).filter(number=number).first()
    if cert is None:
        raise NotFound()
    return cert


def certificates_of_actor(*, actor) -> QuerySet[Certificate]:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Certificate.objects.all()
    q = subtree_q(scope.people_paths)
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
    return Certificate.objects.filter(q)


def my_feeds(*, actor) -> QuerySet[FeedToken]:
    """The actor's own live calendar feeds."""
    return FeedToken.objects.filter(created_by=actor, revoked_at__isnull=True).select_related(
        "area"
    )


def my_active_signup_ids(*, actor) -> set[int]:
    """Ids of the activities the actor is signed up for (confirmed or waiting)."""
    person_id = jurisdiction_of(actor).person_id
    if person_id is None:
        return set()
    return set(
        Signup.objects.filter(person_id=person_id, status__in=ACTIVE_SIGNUP).values_list(
            "activity_id", flat=True
        )
    )


def organised_areas(*, actor, kinds, limit: int = 300):
    """Areas of these kinds the actor governs (where they may publish), in tree order."""
    from haolinju.org.models import Area

    scope = jurisdiction_of(actor)
    qs = Area.objects.filter(kind__in=list(kinds))
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.staff_paths, "path"))
    return list(qs.order_by("path")[:limit])


def partner_units(*, actor):
    """Partner units within the actor's governed subtrees (who may claim a need for one)."""
    from haolinju.org.models import Organisation, OrgKind

    scope = jurisdiction_of(actor)
    if not scope.staff_paths and not scope.is_superuser:
        return Organisation.objects.none()
    qs = Organisation.objects.filter(kind=OrgKind.PARTNER_UNIT)
    return qs if scope.is_superuser else qs.filter(subtree_q(scope.staff_paths))


def records_by_person(activity: Activity) -> dict[int, ServiceRecord]:
    """An activity's attendance records (not corrections), by person."""
    return {r.person_id: r for r in activity.records.filter(corrects__isnull=True)}


def activity_record(*, actor, activity_id: int, record_id: int) -> ServiceRecord:
    """A record of an activity the actor sees; 404 otherwise."""
    activity_get(actor=actor, activity_id=activity_id)
    record = ServiceRecord.objects.filter(pk=record_id, activity_id=activity_id).first()
    if record is None:
        raise NotFound()
    return record


def managed_q(actor) -> Q:
    """Rows (with an ``area_path``) of activities the actor manages: their own activities and
    every activity in a subtree they govern (``policies.may_manage``)."""
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Q()
    return subtree_q(scope.staff_paths) | Q(record__activity__organiser_id=actor.pk)


def correction_requests(*, actor, status: str | None = CorrectionStatus.OPEN):
    """Correction requests on records of activities the actor manages, oldest first."""
    if not getattr(actor, "is_authenticated", False):
        return CorrectionRequest.objects.none()
    qs = CorrectionRequest.objects.filter(managed_q(actor))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("record__activity", "record__person", "requested_by").order_by(
        "created_at", "id"
    )


def correction_of(request: CorrectionRequest) -> CorrectionRequest:
    """A request just written by a service, re-read with what its presenter shows."""
    return CorrectionRequest.objects.select_related("record__activity", "record__person").get(
        pk=request.pk
    )


def pending_records(*, actor, limit: int = 100) -> list[ServiceRecord]:
    """Open or pending attendance (awaiting the organiser) of activities the actor manages."""
    if not getattr(actor, "is_authenticated", False):
        return []
    scope = jurisdiction_of(actor)
    q = (
        Q()
        if scope.is_superuser
        else subtree_q(scope.staff_paths) | Q(activity__organiser_id=actor.pk)
    )
    return list(
        ServiceRecord.objects.filter(q)
        .filter(status__in=[RecordStatus.OPEN, RecordStatus.PENDING], corrects__isnull=True)
        .select_related("activity", "person")
        .order_by("service_date", "id")[:limit]
    )


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
