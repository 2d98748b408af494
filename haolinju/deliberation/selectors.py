"""Reads of votes, electorates, ballots and cost shares, scoped to the actor first.

A vote is public to everyone who can see its area (residents see their own compound's votes);
outside that it is a ``NotFound``. Who chose what is read only through ``ballot_choices``, for
returning officers, and every such read is logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from haolinju.core.errors import NotFound
from haolinju.core.scope import jurisdiction_of, path_ids, subtree_q
from haolinju.org.models import Area, AreaKind
from haolinju.org.selectors import areas_within
from haolinju.people.models import OWNER_ROLES, Occupancy, Title
from haolinju.people.selectors import active_positions

from .models import (
    Ballot,
    Convention,
    CostSharePlan,
    JointMeeting,
    Proposal,
    Task,
    Vote,
    Voter,
    VoterOwner,
    VoterUnit,
)
from .tally import Choice, Electorate, Tally, exact, judge, tally
from .tally import Voter as TallyVoter


def _visible(qs: QuerySet, actor) -> QuerySet:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return qs
    return qs.filter(subtree_q(scope.public_paths))


def vote_list(*, actor, area: Area | None = None, status: str | None = None) -> QuerySet[Vote]:
    qs = _visible(Vote.objects.all(), actor).select_related("area")
    if area is not None:
        qs = qs.filter(subtree_q([area.path]))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at", "-id")


def vote_get(*, actor, vote_id: int) -> Vote:
    vote = _visible(Vote.objects.all(), actor).select_related("area").filter(pk=vote_id).first()
    if vote is None:
        raise NotFound()
    return vote


def votes_due_to_close(*, now: dt.datetime, limit: int = 200) -> list[int]:
    """Ids of open votes whose closing time has passed (for the worker; unscoped)."""
    return list(
        Vote.objects.filter(status="open", closes_at__lte=now)
        .order_by("closes_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


# --- the register → the electorate ---------------------------------------------------------------


def unit_titles(units: list[Area]) -> dict[int, str]:
    """ "2栋1单元301" for each unit: the building and entrance names above it, in one query."""
    return _titles([(u.pk, u.path, u.name) for u in units])


@dataclass(frozen=True)
class RegisterUnit:
    """One unit of the register as the electorate freeze reads it (no model instances)."""

    unit_id: int
    path: str
    name: str
    area: Decimal | None
    developer_held: bool


def register_snapshot(
    area: Area, *, on: dt.date | None = None
) -> tuple[list[RegisterUnit], dict[int, list[tuple[int, str]]], dict[int, str]]:
    """The units of a scope, their current owners and co-owners as ``{unit_id: [(person_id,
    name)]}`` and each unit's title ("2栋1单元301") — three queries of plain rows, so freezing
    a 20,000-unit electorate builds no model instances."""
    on = on or timezone.localdate()
    units = [
        RegisterUnit(*row)
        for row in areas_within(area, kind=AreaKind.UNIT)
        .order_by("path")
        .values_list("id", "path", "name", "exclusive_area", "developer_held")
    ]
    owners: dict[int, list[tuple[int, str]]] = {u.unit_id: [] for u in units}
    rows = (
        Occupancy.objects.filter(subtree_q([area.path], "unit__path"), role__in=OWNER_ROLES)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .order_by("unit_id", "person_id")
        .values_list("unit_id", "person_id", "person__name")
    )
    for unit_id, person_id, name in rows:
        people = owners.get(unit_id)
        if people is not None and (not people or people[-1][0] != person_id):
            people.append((person_id, name))
    titles = _titles([(u.unit_id, u.path, u.name) for u in units])
    return units, owners, titles


def _titles(units: list[tuple[int, str, str]]) -> dict[int, str]:
    ancestor_ids = {i for _, path, _ in units for i in path_ids(path)[:-1]}
    names = dict(
        Area.objects.filter(
            pk__in=ancestor_ids, kind__in=[AreaKind.BUILDING, AreaKind.ENTRANCE]
        ).values_list("pk", "name")
    )
    return {
        pk: "".join(names.get(i, "") for i in path_ids(path)[:-1]) + name
        for pk, path, name in units
    }


# --- the frozen electorate -----------------------------------------------------------------------


def electorate_of(vote: Vote) -> Electorate:
    """The frozen electorate as the pure tally module sees it (from the stored rows)."""
    voters = {}
    for v in Voter.objects.filter(vote=vote).only("key", "area", "review"):
        voters[v.key] = TallyVoter(key=v.key, area=v.area, unit_ids=(), owner_ids=())
    total = sum((v.area for v in voters.values()), Decimal(0))
    return Electorate(voters=voters, total_area=total)


def voter_list(*, actor, vote_id: int, q: str = "") -> QuerySet[Voter]:
    vote = vote_get(actor=actor, vote_id=vote_id)
    qs = Voter.objects.filter(vote=vote).prefetch_related("units", "owners").order_by("key")
    if q.strip():
        qs = qs.filter(units__name__contains=q.strip()).distinct()
    return qs


def voters_of_person(vote: Vote, person_id: int | None) -> list[Voter]:
    if person_id is None:
        return []
    ids = VoterOwner.objects.filter(vote=vote, person_id=person_id).values("voter_id")
    return list(Voter.objects.filter(pk__in=ids).prefetch_related("units").order_by("key"))


def voter_for_unit(vote: Vote, unit_id: int) -> Voter | None:
    vu = VoterUnit.objects.filter(vote=vote, unit_id=unit_id).select_related("voter").first()
    return vu.voter if vu else None


def my_counted_ballots(vote: Vote, voters: list[Voter]) -> dict[int, Ballot]:
    """The counted ballot of each of these voters (an owner sees their own receipt, choice)."""
    qs = counted_ballots(vote).filter(voter__in=voters)
    return {b.voter_id: b for b in qs}


# --- tallies -------------------------------------------------------------------------------------


def counted_ballots(vote: Vote) -> QuerySet[Ballot]:
    return Ballot.objects.filter(vote=vote, superseded_at__isnull=True)


def _tally_sql() -> str:
    """The live tally's one aggregate over the counted ballots (the partial index
    ``ballot_counted_choice_area`` covers it), written once: the hot path of a running vote."""
    q = connection.ops.quote_name
    meta = Ballot._meta
    col = {name: q(meta.get_field(name).column) for name in ("vote", "choice", "area_cents")}
    superseded = q(meta.get_field("superseded_at").column)
    return (
        f"SELECT {col['choice']}, SUM({col['area_cents']}), COUNT(*) FROM {q(meta.db_table)} "  # noqa: S608 - model metadata
        f"WHERE {col['vote']} = %s AND {superseded} IS NULL GROUP BY {col['choice']}"
    )


def vote_for_tally(*, actor, vote_id: int) -> Vote:
    """The few fields the tally needs (scoped like ``vote_get``; no join)."""
    vote = (
        _visible(Vote.objects.all(), actor)
        .only(
            "id",
            "area_path",
            "status",
            "results_hidden",
            "total_area",
            "total_count",
            "matter_class",
        )
        .filter(pk=vote_id)
        .first()
    )
    if vote is None:
        raise NotFound()
    return vote


def live_tally(vote: Vote) -> Tally:
    """One aggregate over the counted ballots (index only), judged against the frozen totals."""
    with connection.cursor() as cursor:
        cursor.execute(_tally_sql(), [vote.pk])
        rows = cursor.fetchall()
    with exact():
        sums = {choice: (Decimal(int(cents or 0)).scaleb(-2), n) for choice, cents, n in rows}
    return judge(
        sums,
        total_area=vote.total_area or Decimal(0),
        total_count=vote.total_count or 0,
        matter_class=vote.matter_class,
    )


def recount(vote: Vote) -> Tally:
    """Re-derive the tally from the stored ballots and the frozen electorate, through the pure
    module (independent of the aggregate the live tally uses)."""
    ballots = {
        key: Choice(choice)
        for key, choice in counted_ballots(vote).values_list("voter_key", "choice")
    }
    return tally(electorate_of(vote), ballots, vote.matter_class)


def receipt_list(*, actor, vote_id: int) -> tuple[Vote, QuerySet[Ballot]]:
    """The published receipt list (after close): codes, channels and whether they count."""
    vote = vote_get(actor=actor, vote_id=vote_id)
    if vote.status not in ("closed", "published", "certified") and not jurisdiction_of(
        actor
    ).governs(vote.area_path):
        return vote, Ballot.objects.none()
    return vote, Ballot.objects.filter(vote=vote).only(
        "receipt", "channel", "cast_at", "superseded_at"
    ).order_by("receipt")


def ballots_with_choices(vote: Vote) -> QuerySet[Ballot]:
    """Who chose what, unscoped: only ``services.votes.ballot_choices_read`` calls this, after
    checking the reader is a returning officer and logging the read."""
    return (
        Ballot.objects.filter(vote=vote)
        .select_related("voter", "cast_by")
        .order_by("voter_key", "cast_at")
    )


# --- proposals ----------------------------------------------------------------------------------

# The party organisation that reviews proposals (党组织审议): the compound's branch secretary,
# a first secretary sent to it, or the community party committee's secretary above it.
PARTY_REVIEW_TITLES = (
    Title.BRANCH_SECRETARY,
    Title.FIRST_SECRETARY,
    Title.COMMUNITY_SECRETARY,
)


def party_review_paths(actor) -> tuple[str, ...]:
    """The subtrees where ``actor`` speaks for the party organisation: the paths of its current
    party-secretary positions (one query, remembered on the actor object for the request)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ()
    cached = getattr(actor, "_delib_party_paths", None)
    if cached is None:
        cached = tuple(
            active_positions()
            .filter(person__user_id=actor.pk, title__in=PARTY_REVIEW_TITLES)
            .values_list("area_path", flat=True)
        )
        actor._delib_party_paths = cached
    return cached


def review_queue(*, actor) -> QuerySet[Proposal]:
    """Proposals waiting for the actor's party review (状态：党组织审议中)."""
    paths = party_review_paths(actor)
    return (
        Proposal.objects.filter(status="reviewing")
        .filter(subtree_q(paths))
        .select_related("area")
        .order_by("updated_at", "id")
    )


def proposal_list(
    *, actor, status: str | None = None, major: bool | None = None
) -> QuerySet[Proposal]:
    qs = _visible(Proposal.objects.all(), actor).select_related("area")
    if status:
        qs = qs.filter(status=status)
    if major is not None:
        qs = qs.filter(is_major=major)
    return qs.order_by("-created_at", "-id")


def proposal_get(*, actor, proposal_id: int) -> Proposal:
    p = _visible(Proposal.objects.all(), actor).select_related("area").filter(pk=proposal_id)
    proposal = p.first()
    if proposal is None:
        raise NotFound()
    return proposal


def proposal_areas(*, actor, home_path: str) -> list[Area]:
    """Where the actor may raise a proposal: their own compound, and the compounds they govern."""
    scope = jurisdiction_of(actor)
    qs = Area.objects.filter(kind=AreaKind.COMPOUND)
    q = subtree_q(scope.staff_paths, "path")
    ids = path_ids(home_path) if home_path else []
    if ids:
        q |= Q(pk__in=ids)
    if scope.is_superuser:
        q = Q()
    return list(qs.filter(q).order_by("path")[:100])


# --- meetings and tasks -------------------------------------------------------------------------


def meeting_list(*, actor) -> QuerySet[JointMeeting]:
    return _visible(JointMeeting.objects.all(), actor).prefetch_related("attendees", "tasks")


def meeting_get(*, actor, meeting_id: int) -> JointMeeting:
    m = (
        _visible(JointMeeting.objects.all(), actor)
        .select_related("area")
        .prefetch_related("attendees")
        .filter(pk=meeting_id)
        .first()
    )
    if m is None:
        raise NotFound()
    return m


def task_list(
    *,
    actor,
    status: str | None = None,
    overdue: bool = False,
    kind: str | None = None,
    meeting: JointMeeting | None = None,
) -> QuerySet[Task]:
    qs = _visible(Task.objects.all(), actor).select_related("owner_org")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=["open", "in_progress"], due_on__lt=timezone.localdate())
    if kind:
        qs = qs.filter(kind=kind)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    return qs.prefetch_related("milestones").order_by("due_on", "id")


def task_get(*, actor, task_id: int) -> Task:
    t = (
        _visible(Task.objects.all(), actor)
        .select_related("owner_org", "area", "meeting")
        .prefetch_related("milestones")
        .filter(pk=task_id)
        .first()
    )
    if t is None:
        raise NotFound()
    return t


def task_areas(*, actor) -> list[Area]:
    """Where the actor may hold a meeting or assign a task: the compounds it governs."""
    scope = jurisdiction_of(actor)
    qs = Area.objects.filter(kind=AreaKind.COMPOUND)
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.staff_paths, "path"))
    return list(qs.order_by("path")[:100])


def _owner_organisations(*, actor, area: Area) -> QuerySet:
    from haolinju.org.models import Organisation

    scope = jurisdiction_of(actor)
    above = Q(area_id__in=path_ids(area.path))
    qs = Organisation.objects.filter(subtree_q([area.path], "area_path") | above)
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.public_paths, "area_path") | above)
    return qs


def owner_organisations(*, actor, area: Area) -> list:
    """Organisations that may own a task in ``area``: those inside it and those above it (the
    community's partner units and departments), as far as the actor can see them."""
    return list(_owner_organisations(actor=actor, area=area).order_by("kind", "name")[:200])


def owner_organisation_get(*, actor, area: Area, organisation_id: int):
    """One of ``owner_organisations`` by id, or None (the task form's and API's check)."""
    return _owner_organisations(actor=actor, area=area).filter(pk=organisation_id).first()


def proposal_in_area(*, actor, area: Area, proposal_id: int) -> Proposal | None:
    """A proposal the actor can see, of exactly ``area`` (what a vote may be held on), or None."""
    return (
        _visible(Proposal.objects.all(), actor).filter(pk=proposal_id, area_path=area.path).first()
    )


def convention_list(*, actor) -> QuerySet[Convention]:
    return (
        _visible(Convention.objects.all(), actor)
        .select_related("area", "adopted_version")
        .order_by("-created_at", "-id")
    )


def convention_get(*, actor, convention_id: int) -> Convention:
    c = (
        _visible(Convention.objects.all(), actor)
        .select_related("area", "adopted_version", "voted_version", "vote")
        .prefetch_related("versions")
        .filter(pk=convention_id)
        .first()
    )
    if c is None:
        raise NotFound()
    return c


def convention_comments(conventions: list[Convention]) -> dict[int, list]:
    """The comment events of many conventions in one query: ``{convention id: [events]}``."""
    from haolinju.core.timeline import timelines_for

    out: dict[int, list] = {}
    events = timelines_for(Convention, [c.pk for c in conventions])
    for e in events.filter(action="convention.comment").select_related("actor"):
        out.setdefault(e.target_id, []).append(e)
    return out


def convention_votes(*, actor, convention: Convention) -> list[Vote]:
    """Votes a convention draft may be put to: same area, not yet open, matter item 2 or 9."""
    return list(
        vote_list(actor=actor)
        .filter(area_path=convention.area_path, status__in=["draft", "noticed"])
        .filter(matter_item__in=[2, 9])[:20]
    )


# --- cost shares ---------------------------------------------------------------------------------


def cost_share_list(*, actor) -> QuerySet[CostSharePlan]:
    return _visible(CostSharePlan.objects.all(), actor).select_related("area")


def cost_share_get(*, actor, plan_id: int) -> CostSharePlan:
    plan = _visible(CostSharePlan.objects.all(), actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan
