"""Points and rewards-shop endpoints: thin over points.selectors and points.services.

``POST /shop/redemptions`` honours ``Idempotency-Key`` through core's middleware (a retry
returns the first response; the same key with another body is a 422).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Status

from haolinju.core.errors import NotFound
from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of

from . import selectors
from .models import Entry
from .schemas import (
    AwardIn,
    BalanceOut,
    CompensationIn,
    EntryFilters,
    EntryOut,
    EntryPage,
    Id,
    ItemFilters,
    ItemPage,
    LockIn,
    LockOut,
    NoticeIn,
    NoticeOut,
    ObjectionIn,
    ObjectionOut,
    PageParams,
    ProofOut,
    RedemptionIn,
    RedemptionOut,
    RedemptionPage,
    ReviewIn,
    TransitionIn,
    Year,
)
from .services import entries, notice, shop

router = Router(tags=["points"])


def _private(response: HttpResponse) -> None:
    response["Cache-Control"] = "private, no-store"


def _person_id(request) -> int:
    person_id = jurisdiction_of(request.user).person_id
    if person_id is None:
        raise NotFound()
    return person_id


@router.get("/points/balance", response=BalanceOut, summary="The caller's two numbers")
def balance(request, response: HttpResponse, year: Year | None = None):
    _private(response)
    return selectors.balance_of(
        person_id=_person_id(request), year=year or timezone.localdate().year
    )


@router.get("/points/entries", response=EntryPage, summary="Entries: own, or a compound's")
def entry_list(request, response: HttpResponse, filters: Query[EntryFilters]):
    if filters.compound is not None:
        qs = selectors.compound_entries(actor=request.user, compound_id=filters.compound)
    else:
        qs = selectors.entries_of(person_id=_person_id(request))
    if filters.year:
        qs = qs.filter(occurred_on__year=filters.year)
    if filters.month:
        qs = qs.filter(occurred_on__month=filters.month)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    _private(response)
    return {"items": page.items, "count": page.count}


def _entry(request, pk: int) -> Entry:
    return selectors.entry_get(actor=request.user, entry_id=pk)


@router.post("/points/awards", response={201: EntryOut}, summary="Record an award or deduction")
def award_create(request, data: AwardIn):
    entry = entries.award_record(
        actor=request.user,
        person_id=data.person_id,
        points=data.points,
        reason=data.reason,
        occurred_on=data.occurred_on,
        deduction=data.deduction,
    )
    return Status(201, _entry(request, entry.pk))


@router.post("/points/awards/{entry_id}/second", response=EntryOut, summary="Second approval")
def award_second(request, entry_id: Path[Id]):
    entry = entries.award_second(actor=request.user, entry_id=entry_id)
    return _entry(request, entry.pk)


@router.post(
    "/points/compensations", response={201: EntryOut}, summary="Correct a locked month's entry"
)
def compensation_create(request, data: CompensationIn):
    entry = entries.compensate(
        actor=request.user,
        entry_id=data.entry_id,
        points=data.points,
        exchange_points=data.exchange_points,
        reason=data.reason,
        occurred_on=data.occurred_on,
    )
    return Status(201, _entry(request, entry.pk))


@router.post("/points/reviews", response=EntryPage, summary="Approve or reject entries")
def review(request, data: ReviewIn):
    done = entries.review(
        actor=request.user,
        compound_id=data.compound_id,
        entry_ids=data.entry_ids,
        approve=data.approve,
        note=data.note,
    )
    shown = list(selectors.entries_by_ids(actor=request.user, entry_ids=[e.pk for e in done[:200]]))
    return {"items": shown, "count": len(done)}


@router.post("/points/locks", response={201: LockOut}, summary="Lock a community's month")
def lock(request, data: LockIn):
    return Status(
        201,
        entries.month_lock(
            actor=request.user, community_id=data.community_id, year=data.year, month=data.month
        ),
    )


shop_router = Router(tags=["shop"])


@shop_router.get("/shop/items", response=ItemPage, summary="Items on the caller's shelves")
def item_list(request, filters: Query[ItemFilters]):
    qs = selectors.shop_items(actor=request.user, station_id=filters.station).filter(active=True)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": page.items, "count": page.count}


def _with_actions(redemption, user):
    redemption.actions = shop.MACHINE.actions_for(redemption, user)
    return redemption


@shop_router.get("/shop/redemptions", response=RedemptionPage, summary="Own or station's")
def redemption_list(request, response: HttpResponse, filters: Query[PageParams]):
    page = paginate(
        selectors.redemptions_visible(actor=request.user),
        offset=filters.offset,
        limit=filters.limit,
    )
    _private(response)
    return {"items": [_with_actions(r, request.user) for r in page.items], "count": page.count}


@shop_router.post("/shop/redemptions", response={201: RedemptionOut}, summary="Reserve goods")
def redemption_create(request, data: RedemptionIn):
    r = shop.redemption_reserve(actor=request.user, item_id=data.item_id, quantity=data.quantity)
    found = selectors.redemption_get(actor=request.user, redemption_id=r.pk)
    return Status(201, _with_actions(found, request.user))


@shop_router.post(
    "/shop/redemptions/{redemption_id}/transitions",
    response=RedemptionOut,
    summary="Hand over or cancel a reservation",
)
def redemption_transition(request, redemption_id: Path[Id], data: TransitionIn):
    shop.redemption_resolve(
        actor=request.user, redemption_id=redemption_id, action=data.action, note=data.note
    )
    found = selectors.redemption_get(actor=request.user, redemption_id=redemption_id)
    return _with_actions(found, request.user)


notice_router = Router(tags=["notices"])


def _notice_out(n) -> dict:
    return {
        "compound_id": n.compound_id,
        "compound": n.compound.name,
        "year": n.year,
        "masking": n.masking,
        "digest": n.digest,
        "entry_count": n.entry_count,
        "ranking": n.ranking,
        "published_at": n.published_at,
        "objection_until": n.objection_until,
        "objections": n.objections.count(),
        "verify_command": f"haolinju points verify --compound {n.compound_id} --year {n.year}",
    }


@notice_router.post("/notices", response={201: NoticeOut}, summary="Publish a year's notice")
def notice_create(request, data: NoticeIn):
    n = notice.notice_publish(
        actor=request.user, compound_id=data.compound_id, year=data.year, masking=data.masking
    )
    return Status(201, _notice_out(n))


@notice_router.get("/notices/{compound_id}/{year}", response=NoticeOut, summary="A notice")
def notice_detail(request, compound_id: Path[Id], year: Path[Year]):
    return _notice_out(selectors.notice_get(actor=request.user, compound_id=compound_id, year=year))


@notice_router.get(
    "/notices/{compound_id}/{year}/proof",
    response=ProofOut,
    summary="The caller's inclusion proof against the printed digest",
)
def notice_proof(request, response: HttpResponse, compound_id: Path[Id], year: Path[Year]):
    n = selectors.notice_get(actor=request.user, compound_id=compound_id, year=year)
    _private(response)
    return notice.notice_proof(actor=request.user, notice=n)


@notice_router.post(
    "/notices/{compound_id}/{year}/objections",
    response={201: ObjectionOut},
    summary="Object to a notice within its window",
)
def objection_create(request, compound_id: Path[Id], year: Path[Year], data: ObjectionIn):
    n = selectors.notice_get(actor=request.user, compound_id=compound_id, year=year)
    return Status(201, notice.objection_raise(actor=request.user, notice=n, text=data.text))


@notice_router.post(
    "/notices/objections/{objection_id}/answer",
    response=ObjectionOut,
    summary="Answer an objection (recorded once)",
)
def objection_answer(request, objection_id: Path[Id], data: ObjectionIn):
    return notice.objection_answer(actor=request.user, objection_id=objection_id, answer=data.text)
