"""Reads of cases, scoped first.

Who sees a case:
- staff whose positions read the people directory (``people_paths``) over its area, or over
  the level that owns it after an escalation;
- its requester;
- its assignee (a person) and the people acting for its assignee organisation or for an
  organisation summoned to it — even outside their area jurisdiction, but only those cases;
- for a public problem report, the residents of its compound (the reporter masked when
  anonymous; see ``public_view``).

Anything else is a ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from haolinju.core.errors import NotFound
from haolinju.core.prepared import Prepared
from haolinju.core.scope import is_within, jurisdiction_of, subtree_q
from haolinju.people.models import Position, Volunteer
from haolinju.people.selectors import active_positions, position_active

from .models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseKind,
    Category,
    FollowUpVisit,
    MediationAgreement,
    MediationDetail,
    MediationSession,
    MicroReview,
    Status,
    Summons,
)

# Titles whose holders receive, dispatch, close and escalate the cases their area owns.
DISPATCH_TITLES = frozenset(
    {
        "branch_secretary",
        "grid_worker",
        "community_secretary",
        "community_worker",
        "first_secretary",
        "street_staff",
        "district_staff",
    }
)


@dataclass(frozen=True)
class CaseActor:
    """What the cases loop needs to know about a user, computed once per request."""

    user_id: int | None
    person_id: int | None
    is_superuser: bool
    see_paths: tuple[str, ...]
    dispatch_paths: tuple[str, ...]
    public_paths: tuple[str, ...]
    organisation_ids: frozenset[int]

    def dispatches(self, path: str) -> bool:
        return self.is_superuser or is_within(path, self.dispatch_paths)


# Read on every signed-in page (the cases menu): prepared statements (core.prepared).
_POSITIONS_OF = Prepared(
    lambda person_id: (
        Position.objects.filter(person_id=person_id)
        .order_by()
        .values_list("title", "area_path", "organisation_id", "started_on", "ended_on")
    ),
    "person_id",
)
_TEAM_OF = Prepared(
    lambda person_id: (
        Volunteer.objects.filter(person_id=person_id).order_by().values_list("team_id")
    ),
    "person_id",
)


def case_actor(user) -> CaseActor:
    cached = getattr(user, "_haolinju_case_actor", None)
    if cached is not None:
        return cached
    scope = jurisdiction_of(user)
    person_id = scope.person_id
    dispatch: list[str] = []
    orgs: set[int] = set()
    if person_id is not None:
        today = dt.date.today()
        for title, path, org_id, started, ended in _POSITIONS_OF(person_id=person_id):
            if not position_active(started, ended, today):
                continue
            if title in DISPATCH_TITLES:
                dispatch.append(path)
            if org_id:
                orgs.add(org_id)
        orgs.update(t for (t,) in _TEAM_OF(person_id=person_id) if t)
    result = CaseActor(
        user_id=getattr(user, "pk", None),
        person_id=person_id,
        is_superuser=scope.is_superuser,
        see_paths=scope.people_paths,
        dispatch_paths=tuple(dispatch),
        public_paths=scope.public_paths,
        organisation_ids=frozenset(orgs),
    )
    if user is not None and getattr(user, "is_authenticated", False):
        user._haolinju_case_actor = result
    return result


def _given_to(who: CaseActor) -> Q:
    """Cases handed to this actor personally or to an organisation they act for."""
    q = Q(pk__in=[])
    if who.person_id is not None:
        q |= Q(assignee_person_id=who.person_id) | Q(requester_id=who.person_id)
    if who.organisation_ids:
        q |= Q(assignee_organisation_id__in=who.organisation_ids)
        q |= Q(
            pk__in=Summons.objects.filter(organisation_id__in=who.organisation_ids).values(
                "case_id"
            )
        )
    return q


def visible_cases(*, actor, public: bool = True) -> QuerySet[Case]:
    who = case_actor(actor)
    if who.is_superuser:
        return Case.objects.all()
    q = subtree_q(who.see_paths) | subtree_q(who.see_paths, "owner_area_path") | _given_to(who)
    if public and who.public_paths:
        q |= subtree_q(who.public_paths) & Q(
            kind=CaseKind.PROBLEM_REPORT, report__public=True, locked=False
        )
    return Case.objects.filter(q)


def sees_in_full(who: CaseActor, case: Case) -> bool:
    """Staff over the case, its requester, assignee and summoned see the reporter's identity."""
    if who.is_superuser or is_within(case.area_path, who.see_paths):
        return True
    if is_within(case.owner_area_path, who.see_paths):
        return True
    if who.person_id is not None and who.person_id in (case.requester_id, case.assignee_person_id):
        return True
    if case.assignee_organisation_id in who.organisation_ids:
        return True
    return bool(
        who.organisation_ids
        and Summons.objects.filter(case=case, organisation_id__in=who.organisation_ids).exists()
    )


@dataclass
class CaseFilters:
    kind: str = ""
    status: str = ""
    area_path: str = ""
    assigned_to_me: bool = False
    overdue: bool | None = None
    q: str = ""
    category: str = ""
    open_only: bool = False  # the dispatch board's default: only what is still to do


def case_list(*, actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    f = filters or CaseFilters()
    qs = visible_cases(actor=actor)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.open_only:
        qs = qs.filter(status__in=sorted(OPEN_STATUSES))
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.area_path:
        qs = qs.filter(subtree_q([f.area_path]))
    if f.assigned_to_me:
        who = case_actor(actor)
        mine = Q(pk__in=[])
        if who.person_id is not None:
            mine |= Q(assignee_person_id=who.person_id)
        if who.organisation_ids:
            mine |= Q(assignee_organisation_id__in=who.organisation_ids)
        qs = qs.filter(mine)
    if f.overdue is not None:
        late = Q(due_at__lt=timezone.now())
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(description__contains=f.q))
    return qs.select_related("category", "area", "assignee_person", "assignee_organisation")


def case_get(*, actor, case_id: int) -> Case:
    case = (
        visible_cases(actor=actor)
        .select_related(
            "category",
            "area",
            "owner_area",
            "requester",
            "assignee_person",
            "assignee_organisation",
            "duplicate_of",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def requests_of(*, actor) -> QuerySet[Case]:
    """The actor's own requests (resident pages)."""
    who = case_actor(actor)
    if who.person_id is None:
        return Case.objects.none()
    return Case.objects.filter(requester_id=who.person_id).select_related(
        "category", "area", "assignee_person", "assignee_organisation"
    )


def whistle_inbox(*, actor) -> QuerySet[Summons]:
    """Summonses addressed to the organisations the actor acts for, newest first."""
    who = case_actor(actor)
    if not who.organisation_ids:
        return Summons.objects.none()
    return (
        Summons.objects.filter(organisation_id__in=who.organisation_ids)
        .select_related("case", "case__category", "case__area", "organisation")
        .order_by("status", "due_at")
    )


def summons_get(*, actor, summons_id: int) -> Summons:
    summons = (
        Summons.objects.filter(pk=summons_id, case__in=visible_cases(actor=actor, public=False))
        .select_related("case", "organisation")
        .first()
    )
    if summons is None:
        raise NotFound()
    return summons


def categories(*, kind: str = "") -> QuerySet[Category]:
    qs = Category.objects.filter(active=True)
    return qs.filter(kind=kind) if kind else qs


def category_get(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise NotFound()
    return category


def open_load(person_ids: list[int]) -> dict[int, int]:
    """Open orders per assignee (for suggestions)."""
    from django.db.models import Count

    rows = (
        Case.objects.filter(
            assignee_person_id__in=person_ids,
            status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS],
        )
        .values_list("assignee_person_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def positions_at(paths: list[str], titles: list[str]) -> QuerySet[Position]:
    return active_positions().filter(area_path__in=paths, title__in=titles)


def overdue_since(now: dt.datetime | None = None) -> Q:
    return Q(due_at__lt=now or timezone.now())


# --- mediation and micro-review (the case itself is read through ``case_get`` first) ---------
def mediation_parties(case: Case) -> list[str]:
    detail = MediationDetail.objects.filter(case_id=case.pk).values_list("parties", flat=True)
    return [str(p) for p in (detail.first() or [])]


@dataclass
class Mediation:
    parties: list[str]
    sessions: list[MediationSession]
    agreements: list[MediationAgreement]
    follow_ups: list[FollowUpVisit]


def mediation_of(case: Case) -> Mediation:
    """Sessions, agreements (with signatures) and visits of a case already read in scope."""
    return Mediation(
        parties=mediation_parties(case),
        sessions=list(MediationSession.objects.filter(case_id=case.pk).select_related("mediator")),
        agreements=list(
            MediationAgreement.objects.filter(case_id=case.pk)
            .prefetch_related("signatures")
            .order_by("-id")
        ),
        follow_ups=list(FollowUpVisit.objects.filter(case_id=case.pk).select_related("visitor")),
    )


def mediation_session_get(*, actor, session_id: int) -> MediationSession:
    row = MediationSession.objects.filter(
        pk=session_id, case__in=visible_cases(actor=actor, public=False)
    ).first()
    if row is None:
        raise NotFound()
    return row


def agreement_get(*, actor, agreement_id: int) -> MediationAgreement:
    row = MediationAgreement.objects.filter(
        pk=agreement_id, case__in=visible_cases(actor=actor, public=False)
    ).first()
    if row is None:
        raise NotFound()
    return row


def follow_up_get(*, actor, visit_id: int) -> FollowUpVisit:
    row = FollowUpVisit.objects.filter(
        pk=visit_id, case__in=visible_cases(actor=actor, public=False)
    ).first()
    if row is None:
        raise NotFound()
    return row


@dataclass
class ReviewTally:
    round: int
    satisfied: int
    partly: int
    not_satisfied: int
    mine: str  # the actor's verdict this round, "" if none
    comments: list[str]

    @property
    def count(self) -> int:
        return self.satisfied + self.partly + self.not_satisfied


def micro_review_tallies(cases, actor) -> dict[int, ReviewTally]:
    """This round's verdicts of cases already read in scope, in one query (names never shown)."""
    who = case_actor(actor)
    cases = list(cases)
    rounds = {c.pk: c.reopen_count for c in cases}
    q = Q(pk__in=[])
    for pk, rnd in rounds.items():
        q |= Q(case_id=pk, round=rnd)
    found: dict[int, dict] = {
        pk: {"satisfied": 0, "partly": 0, "not": 0, "mine": "", "comments": []} for pk in rounds
    }
    if rounds:
        rows = (
            MicroReview.objects.filter(q)
            .order_by("id")
            .values_list("case_id", "verdict", "comment", "person_id")
        )
        for case_id, verdict, comment, person_id in rows:
            f = found[case_id]
            f[verdict] += 1
            if person_id is not None and person_id == who.person_id:
                f["mine"] = verdict
            if comment:
                f["comments"].append(comment)
    return {
        pk: ReviewTally(
            round=rounds[pk],
            satisfied=f["satisfied"],
            partly=f["partly"],
            not_satisfied=f["not"],
            mine=f["mine"],
            comments=f["comments"],
        )
        for pk, f in found.items()
    }


def micro_review_tally(case: Case, actor) -> ReviewTally:
    return micro_review_tallies([case], actor)[case.pk]


def reviewable_reports(*, actor) -> QuerySet[Case]:
    """Rectified public problem reports of the actor's compound awaiting the residents'
    micro-review (the 微评议 page)."""
    who = case_actor(actor)
    if who.person_id is None:
        return Case.objects.none()
    q = Q(requester_id=who.person_id)
    if who.public_paths:
        q |= subtree_q(who.public_paths) & Q(report__public=True)
    return (
        visible_cases(actor=actor)
        .filter(q, kind=CaseKind.PROBLEM_REPORT, locked=False)
        .filter(status__in=[Status.RESOLVED, Status.RATED])
        .select_related("category", "area")
        .order_by("-resolved_at", "-id")
    )


# --- Open311 public reads (no actor: the public; personal data never leaves) ----------------
def open311_services() -> QuerySet[Category]:
    return Category.objects.filter(kind=CaseKind.PROBLEM_REPORT, active=True)


def open311_requests(
    *, since: dt.datetime, service_code: str = "", status: str = "", ids=(), limit: int = 1000
) -> list[Case]:
    """``GET requests``: public reports since ``since``, newest first, filtered as the spec."""
    qs = open311_public_reports().filter(created_at__gte=since)
    if service_code:
        qs = qs.filter(category__code=service_code)
    if status == "open":
        qs = qs.filter(state_type="open")
    elif status == "closed":
        qs = qs.exclude(state_type="open")
    if ids:
        qs = qs.filter(pk__in=list(ids))
    return list(qs.order_by("-created_at")[:limit])


def open311_public_reports() -> QuerySet[Case]:
    """Public, unlocked problem reports — what anyone may read through Open311."""
    return Case.objects.filter(
        kind=CaseKind.PROBLEM_REPORT, report__public=True, locked=False
    ).select_related("category", "report", "owner_area", "assignee_organisation")


def attachment_get(*, actor, attachment_id: int) -> Attachment:
    """A photo of a case the actor may see; ``NotFound`` otherwise (as if it did not exist)."""
    photo = Attachment.objects.filter(pk=attachment_id, case__in=visible_cases(actor=actor)).first()
    if photo is None:
        raise NotFound()
    return photo


def case_photos(case: Case) -> list[Attachment]:
    """The photos of a case already read in scope (ids and roles, not the bytes)."""
    return list(Attachment.objects.filter(case_id=case.pk).only("id", "role").order_by("id"))


def summonses_for(case: Case, actor) -> list[Summons]:
    """The summonses of a case (already read in scope) addressed to the actor's organisations."""
    who = case_actor(actor)
    if not who.organisation_ids:
        return []
    return list(
        Summons.objects.filter(case_id=case.pk, organisation_id__in=who.organisation_ids)
        .select_related("organisation")
        .order_by("id")
    )
