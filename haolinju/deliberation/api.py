"""Deliberation endpoints: votes, electorate, ballots, tally, receipts, cost shares.

Reads go through ``selectors`` (outside the caller's jurisdiction: 404); writes through
``services``. Areas are decimal strings; fractions are ``{"numerator", "denominator"}``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Status

from haolinju.core.errors import InvalidInput
from haolinju.core.pagination import paginate
from haolinju.core.xlsx import xlsx_response
from haolinju.org.selectors import area_get
from haolinju.people.schemas import Id, PageParams

from . import exports, policies, selectors
from .schemas import (
    BallotIn,
    ChoicePage,
    CommentIn,
    ConventionIn,
    ConventionOut,
    ConventionPage,
    ConventionVoteIn,
    CostShareIn,
    CostShareOut,
    DiffOut,
    ElectorateFilters,
    ElectorateOut,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    ProposalDetailOut,
    ProposalFilters,
    ProposalIn,
    ProposalOut,
    ProposalPage,
    ProposalTransitionIn,
    ReceiptFilters,
    ReceiptOut,
    ReceiptPage,
    TallyOut,
    TaskFilters,
    TaskIn,
    TaskOut,
    TaskPage,
    TransitionIn,
    VersionIn,
    VoteFilters,
    VoteIn,
    VoteOut,
    VotePage,
    VotePatch,
)
from .services import conventions as convention_services
from .services import costs as cost_services
from .services import meetings as meeting_services
from .services import proposals as proposal_services
from .services import votes as vote_services

router = Router(tags=["deliberation"])


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "private, no-store"


def vote_out(vote, actor) -> dict:
    return {
        "id": vote.pk,
        "area_id": vote.area_id,
        "title": vote.title,
        "description": vote.description,
        "matter_item": vote.matter_item,
        "matter_class": vote.matter_class,
        "status": vote.status,
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "results_hidden": vote.results_hidden,
        "online_replaces": vote.online_replaces,
        "paper_beats_online": vote.paper_beats_online,
        "total_area": None if vote.total_area is None else str(vote.total_area),
        "total_count": vote.total_count,
        "frozen": vote.is_frozen,
        "objection_until": vote.objection_until,
        "receipts_root": vote.receipts_root,
        "actions": vote_services.MACHINE.actions_for(vote, actor),
    }


def proposal_out(p, actor) -> dict:
    return {
        "id": p.pk,
        "area_id": p.area_id,
        "title": p.title,
        "body": p.body,
        "category": p.category,
        "status": p.status,
        "is_major": p.is_major,
        "support_count": p.support_count,
        "resolution": p.resolution,
        "created_at": p.created_at,
        "actions": proposal_services.MACHINE.actions_for(p, actor),
    }


def proposal_detail_out(p, actor) -> dict:
    return {
        **proposal_out(p, actor),
        "steps": exports.steps(p),
        "vote_ids": list(p.votes.values_list("pk", flat=True)),
    }


@router.get("/proposals", response=ProposalPage, summary="Proposals the caller can see")
def proposals_list(request, filters: Query[ProposalFilters]):
    qs = selectors.proposal_list(actor=request.user, status=filters.status, major=filters.major)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": [proposal_out(p, request.user) for p in page.items], "count": page.count}


@router.post("/proposals", response={201: ProposalDetailOut}, summary="Propose (提议)")
def proposals_create(request, data: ProposalIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    p = proposal_services.proposal_create(
        actor=request.user,
        area=area,
        title=data.title,
        body=data.body,
        category=data.category,
        is_major=data.is_major,
    )
    return Status(201, proposal_detail_out(p, request.user))


@router.get(
    "/proposals/reviews", response=ProposalPage, summary="Proposals awaiting my party review"
)
def proposals_reviews(request, page: Query[PageParams]):
    """The party organisation's queue (党组织审议): proposals in review in the subtrees where the
    caller holds a party-secretary position; approve or return them with
    ``POST /proposals/{id}/transitions``. Empty for everyone else."""
    result = paginate(
        selectors.review_queue(actor=request.user), offset=page.offset, limit=page.limit
    )
    return {"items": [proposal_out(p, request.user) for p in result.items], "count": result.count}


@router.get("/proposals/{proposal_id}", response=ProposalDetailOut, summary="A proposal and steps")
def proposals_detail(request, proposal_id: Path[Id]):
    p = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    return proposal_detail_out(p, request.user)


@router.post("/proposals/{proposal_id}/supports", response=ProposalOut, summary="Second it")
def proposals_support(request, proposal_id: Path[Id]):
    p = proposal_services.proposal_support(actor=request.user, proposal_id=proposal_id)
    return proposal_out(p, request.user)


@router.post(
    "/proposals/{proposal_id}/transitions", response=ProposalDetailOut, summary="Take a step"
)
def proposals_transition(request, proposal_id: Path[Id], data: ProposalTransitionIn):
    p = proposal_services.proposal_transition(
        actor=request.user,
        proposal_id=proposal_id,
        action=data.action,
        note=data.note,
        vote_id=data.vote_id,
    )
    return proposal_detail_out(p, request.user)


@router.get("/votes", response=VotePage, summary="Owners' votes the caller can see")
def votes_list(request, filters: Query[VoteFilters]):
    area = area_get(actor=request.user, area_id=filters.area) if filters.area else None
    qs = selectors.vote_list(actor=request.user, area=area, status=filters.status)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": [vote_out(v, request.user) for v in page.items], "count": page.count}


@router.post("/votes", response={201: VoteOut}, summary="Create an owners' vote (draft)")
def votes_create(request, data: VoteIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    proposal = None
    if data.proposal_id is not None:
        proposal = selectors.proposal_in_area(
            actor=request.user, area=area, proposal_id=data.proposal_id
        )
        if proposal is None:
            raise InvalidInput.on("proposal_id", "议题不存在或不在表决范围内")
    vote = vote_services.vote_create(
        actor=request.user,
        area=area,
        matter_item=data.matter_item,
        title=data.title,
        description=data.description,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        results_hidden=data.results_hidden,
        online_replaces=data.online_replaces,
        paper_beats_online=data.paper_beats_online,
        proposal=proposal,
    )
    return Status(201, vote_out(vote, request.user))


@router.get("/votes/{vote_id}", response=VoteOut, summary="One vote")
def votes_detail(request, vote_id: Path[Id]):
    return vote_out(selectors.vote_get(actor=request.user, vote_id=vote_id), request.user)


@router.patch("/votes/{vote_id}", response=VoteOut, summary="Change a vote before any ballot")
def votes_update(request, vote_id: Path[Id], data: VotePatch):
    fields = data.dict(exclude_unset=True)
    vote = vote_services.vote_update(actor=request.user, vote_id=vote_id, **fields)
    return vote_out(vote, request.user)


@router.post("/votes/{vote_id}/transitions", response=VoteOut, summary="Move a vote on")
def votes_transition(request, vote_id: Path[Id], data: TransitionIn):
    vote = vote_services.vote_transition(
        actor=request.user, vote_id=vote_id, action=data.action, note=data.note
    )
    return vote_out(vote, request.user)


@router.get("/votes/{vote_id}/electorate", response=ElectorateOut, summary="The frozen electorate")
def votes_electorate(request, vote_id: Path[Id], filters: Query[ElectorateFilters]):
    vote = selectors.vote_get(actor=request.user, vote_id=vote_id)
    qs = selectors.voter_list(actor=request.user, vote_id=vote_id, q=filters.q)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {
        "total_area": None if vote.total_area is None else str(vote.total_area),
        "total_count": vote.total_count,
        "items": [exports.voter_row(v) for v in page.items],
        "count": page.count,
    }


@router.post("/votes/{vote_id}/ballots", response={201: ReceiptOut}, summary="Cast a ballot")
def votes_ballot(request, response: HttpResponse, vote_id: Path[Id], data: BallotIn):
    """Online by the owner; paper and proxy entered by a returning officer with ``voter_unit``
    (proxy: the proxy's name and the authorisation recorded). Returns the receipt code only."""
    ballot = vote_services.ballot_cast(
        actor=request.user,
        vote_id=vote_id,
        choice=data.choice,
        channel=data.channel,
        voter_unit_id=data.voter_unit,
        proxy_name=data.proxy_name,
        authorisation=data.authorisation,
    )
    _no_store(response)
    return Status(201, {"receipt": ballot.receipt})


@router.get("/votes/{vote_id}/tally", response=TallyOut, summary="Live tally by area and head")
def votes_tally(request, response: HttpResponse, vote_id: Path[Id]):
    vote = selectors.vote_for_tally(actor=request.user, vote_id=vote_id)
    visible = policies.results_visible(request.user, vote)
    _no_store(response)
    return exports.tally_payload(vote, selectors.live_tally(vote), visible)


@router.get("/votes/{vote_id}/receipts", response=ReceiptPage, summary="The receipt list")
def votes_receipts(request, vote_id: Path[Id], filters: Query[ReceiptFilters]):
    vote, qs = selectors.receipt_list(actor=request.user, vote_id=vote_id)
    if filters.code:
        qs = qs.filter(receipt=filters.code.strip().upper())
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {
        "root": vote.receipts_root,
        "items": [
            {"receipt": b.receipt, "channel": b.channel, "counted": b.superseded_at is None}
            for b in page.items
        ],
        "count": page.count,
    }


@router.get("/votes/{vote_id}/choices", response=ChoicePage, summary="Who chose what (logged)")
def votes_choices(request, response: HttpResponse, vote_id: Path[Id], page: Query[ReceiptFilters]):
    """Returning officers only (404 for everyone else); every read is logged."""
    qs = vote_services.ballot_choices_read(actor=request.user, vote_id=vote_id)
    result = paginate(qs, offset=page.offset, limit=page.limit)
    _no_store(response)
    return {"items": [exports.choice_row(b) for b in result.items], "count": result.count}


@router.post("/cost-shares", response={201: CostShareOut}, summary="Share a cost per unit")
def cost_shares_create(request, data: CostShareIn):
    area = area_get(actor=request.user, area_id=data.area_id) if data.area_id else None
    vote = selectors.vote_get(actor=request.user, vote_id=data.vote_id) if data.vote_id else None
    plan = cost_services.cost_share_create(
        actor=request.user,
        title=data.title,
        total_fen=data.total_fen,
        area=area,
        unit_ids=data.unit_ids,
        basis=data.basis,
        weights=data.weights,
        floor_coefficients=data.floor_coefficients,
        vote=vote,
    )
    return Status(201, exports.plan_payload(plan))


@router.get("/cost-shares/{plan_id}", response=CostShareOut, summary="A cost-share plan")
def cost_shares_detail(request, plan_id: Path[Id]):
    return exports.plan_payload(selectors.cost_share_get(actor=request.user, plan_id=plan_id))


@router.get("/cost-shares/{plan_id}/xlsx", summary="Per-unit shares as .xlsx")
def cost_shares_xlsx(request, plan_id: Path[Id]):
    plan = selectors.cost_share_get(actor=request.user, plan_id=plan_id)
    return xlsx_response(exports.plan_xlsx(plan), f"费用分摊-{plan.pk}.xlsx")


# --- joint meetings and tasks ---------------------------------------------------------------------


def meeting_out(m) -> dict:
    return {
        "id": m.pk,
        "area_id": m.area_id,
        "held_on": m.held_on,
        "agenda": m.agenda,
        "minutes": m.minutes,
        "attendees": [o.name for o in m.attendees.all()],
        "task_ids": [t.pk for t in m.tasks.all()],
    }


def task_out(t, actor) -> dict:
    done, total = meeting_services.progress(t)
    return {
        "id": t.pk,
        "area_id": t.area_id,
        "meeting_id": t.meeting_id,
        "kind": t.kind,
        "title": t.title,
        "owner_org": t.owner_org.name,
        "due_on": t.due_on,
        "status": t.status,
        "overdue": t.status in ("open", "in_progress") and t.due_on < timezone.localdate(),
        "progress": {"numerator": done, "denominator": total},
        "progress_note": t.progress_note,
        "milestones": [
            {"id": m.pk, "title": m.title, "done_on": m.done_on} for m in t.milestones.all()
        ],
        "actions": meeting_services.TASKS.actions_for(t, actor),
    }


@router.get("/meetings", response=MeetingPage, summary="Joint meetings")
def meetings_list(request, page: Query[PageParams]):
    result = paginate(
        selectors.meeting_list(actor=request.user), offset=page.offset, limit=page.limit
    )
    return {"items": [meeting_out(m) for m in result.items], "count": result.count}


@router.post("/meetings", response={201: MeetingOut}, summary="Hold a joint meeting")
def meetings_create(request, data: MeetingIn):
    """``held_on`` defaults to the last Friday of the current month."""
    area = area_get(actor=request.user, area_id=data.area_id)
    m = meeting_services.meeting_create(
        actor=request.user,
        area=area,
        held_on=data.held_on,
        agenda=data.agenda,
        minutes=data.minutes,
        attendee_ids=data.attendee_ids,
    )
    return Status(201, meeting_out(m))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One joint meeting")
def meetings_detail(request, meeting_id: Path[Id]):
    return meeting_out(selectors.meeting_get(actor=request.user, meeting_id=meeting_id))


@router.get("/tasks", response=TaskPage, summary="Tracked tasks, led projects, challenges")
def tasks_list(request, filters: Query[TaskFilters]):
    qs = selectors.task_list(actor=request.user, status=filters.status, overdue=filters.overdue)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": [task_out(t, request.user) for t in page.items], "count": page.count}


@router.post("/tasks", response={201: TaskOut}, summary="Assign a task to an organisation")
def tasks_create(request, data: TaskIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    org = selectors.owner_organisation_get(
        actor=request.user, area=area, organisation_id=data.owner_org_id
    )
    if org is None:
        raise InvalidInput.on("owner_org_id", "责任单位不存在")
    meeting = (
        selectors.meeting_get(actor=request.user, meeting_id=data.meeting_id)
        if data.meeting_id
        else None
    )
    t = meeting_services.task_create(
        actor=request.user,
        area=area,
        title=data.title,
        owner_org=org,
        due_on=data.due_on,
        kind=data.kind,
        meeting=meeting,
        milestones=data.milestones,
    )
    return Status(201, task_out(t, request.user))


@router.get("/tasks/{task_id}", response=TaskOut, summary="A task")
def tasks_detail(request, task_id: Path[Id]):
    return task_out(selectors.task_get(actor=request.user, task_id=task_id), request.user)


@router.post("/tasks/{task_id}/transitions", response=TaskOut, summary="Move a task on")
def tasks_transition(request, task_id: Path[Id], data: TransitionIn):
    t = selectors.task_get(actor=request.user, task_id=task_id)
    t = meeting_services.task_transition(
        actor=request.user, task=t, action=data.action, note=data.note
    )
    return task_out(selectors.task_get(actor=request.user, task_id=t.pk), request.user)


@router.post(
    "/tasks/{task_id}/milestones/{milestone_id}/done", response=TaskOut, summary="Milestone done"
)
def tasks_milestone(request, task_id: Path[Id], milestone_id: Path[Id]):
    t = selectors.task_get(actor=request.user, task_id=task_id)
    meeting_services.milestone_done(actor=request.user, task=t, milestone_id=milestone_id)
    return task_out(selectors.task_get(actor=request.user, task_id=task_id), request.user)


# --- the compound convention ---------------------------------------------------------------------


def convention_out(c, comments=None) -> dict:
    """``comments``: the convention's comment events when the caller read them for many
    conventions at once (the list); otherwise they are read here."""
    from haolinju.core.timeline import timeline_for

    if comments is None:
        comments = timeline_for(c).filter(action="convention.comment").select_related("actor")
    adopted = c.adopted_version
    return {
        "id": c.pk,
        "area_id": c.area_id,
        "title": c.title,
        "status": c.status,
        "vote_id": c.vote_id,
        "adopted_version": adopted.number if adopted else None,
        "adopted_text": adopted.text if adopted else None,
        "versions": [
            {"number": v.number, "text": v.text, "note": v.note, "created_at": v.created_at}
            for v in c.versions.all()
        ],
        "comments": [
            {"text": e.note, "by": str(e.actor) if e.actor else "", "at": e.created_at}
            for e in comments
        ],
    }


@router.get("/conventions", response=ConventionPage, summary="Conventions the caller can see")
def conventions_list(request, page: Query[PageParams]):
    result = paginate(
        selectors.convention_list(actor=request.user).prefetch_related("versions"),
        offset=page.offset,
        limit=page.limit,
    )
    comments = selectors.convention_comments(result.items)
    return {
        "items": [convention_out(c, comments.get(c.pk, [])) for c in result.items],
        "count": result.count,
    }


@router.post("/conventions", response={201: ConventionOut}, summary="Draft a convention")
def conventions_create(request, data: ConventionIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    c = convention_services.convention_create(
        actor=request.user, area=area, title=data.title, text=data.text
    )
    return Status(201, convention_out(c))


@router.get("/conventions/{convention_id}", response=ConventionOut, summary="A convention")
def conventions_detail(request, convention_id: Path[Id]):
    return convention_out(selectors.convention_get(actor=request.user, convention_id=convention_id))


@router.post("/conventions/{convention_id}/versions", response=ConventionOut, summary="New draft")
def conventions_version(request, convention_id: Path[Id], data: VersionIn):
    c = selectors.convention_get(actor=request.user, convention_id=convention_id)
    convention_services.version_add(
        actor=request.user, convention=c, text=data.text, note=data.note
    )
    return convention_out(selectors.convention_get(actor=request.user, convention_id=c.pk))


@router.post("/conventions/{convention_id}/comments", response=ConventionOut, summary="Comment")
def conventions_comment(request, convention_id: Path[Id], data: CommentIn):
    c = selectors.convention_get(actor=request.user, convention_id=convention_id)
    convention_services.comment(
        actor=request.user, convention=c, text=data.text, version=data.version
    )
    return convention_out(selectors.convention_get(actor=request.user, convention_id=c.pk))


@router.get("/conventions/{convention_id}/diff", response=DiffOut, summary="Diff two versions")
def conventions_diff(request, convention_id: Path[Id], a: int, b: int):
    c = selectors.convention_get(actor=request.user, convention_id=convention_id)
    return {"lines": convention_services.diff(c, a, b)}


@router.post("/conventions/{convention_id}/vote", response=ConventionOut, summary="Put to a vote")
def conventions_vote(request, convention_id: Path[Id], data: ConventionVoteIn):
    c = selectors.convention_get(actor=request.user, convention_id=convention_id)
    vote = selectors.vote_get(actor=request.user, vote_id=data.vote_id)
    convention_services.put_to_vote(
        actor=request.user, convention=c, vote=vote, number=data.version
    )
    return convention_out(selectors.convention_get(actor=request.user, convention_id=c.pk))
