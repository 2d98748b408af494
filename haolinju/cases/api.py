"""Cases endpoints. Reads go through ``cases.selectors`` (scope first, 404 outside it); writes
through ``cases.services``; a move the state does not allow is a 409 (``core.transitions``).
``Idempotency-Key`` is honoured by the core middleware: nothing to do here."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.pagination import paginate
from haolinju.org.selectors import area_get
from haolinju.people.schemas import Id

from . import policies, selectors, services, stats
from .present import case_detail, case_row
from .schemas import (
    CandidateOut,
    CaseDetailOut,
    CaseFiltersIn,
    CaseIn,
    CasePage,
    CategoryOut,
    RatingIn,
    ReportIn,
    StatsOut,
    SummonsOut,
    TransitionIn,
    WhistleIn,
)
from .suggestions import suggestions_for

router = Router(tags=["cases"])


def _private(response: HttpResponse) -> None:
    response["Cache-Control"] = "private, no-store"


def _detail(request, case_id: int) -> dict:
    return case_detail(selectors.case_get(actor=request.user, case_id=case_id), request.user)


@router.get("/case-categories", response=list[CategoryOut], summary="Categories with deadlines")
def category_list(request, kind: str = ""):
    return list(selectors.categories(kind=kind))


@router.get("/cases", response=CasePage, summary="Cases the caller may see")
def case_list(request, response: HttpResponse, filters: Query[CaseFiltersIn]):
    area_path = ""
    if filters.area is not None:
        area_path = area_get(actor=request.user, area_id=filters.area).path
    qs = selectors.case_list(
        actor=request.user,
        filters=selectors.CaseFilters(
            kind=filters.kind,
            status=filters.status,
            area_path=area_path,
            assigned_to_me=filters.assigned == "me",
            overdue=filters.overdue,
            q=filters.q,
            category=filters.category,
        ),
    ).select_related("owner_area")
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    now = timezone.now()
    _private(response)
    return {"items": [case_row(c, now) for c in page.items], "count": page.count}


@router.post("/cases", response={201: CaseDetailOut}, summary="Ask for help or report a problem")
def case_create(request, response: HttpResponse, data: CaseIn):
    area = area_get(actor=request.user, area_id=data.area_id) if data.area_id else None
    case = services.case_create(
        actor=request.user,
        kind=data.kind,
        category_code=data.category,
        title=data.title,
        description=data.description,
        area=area,
        order_type=data.order_type,
        public=data.public,
        anonymous=data.anonymous,
        address=data.address,
        parties=data.parties,
    )
    _private(response)
    return Status(201, _detail(request, case.pk))


class StatsQuery(Schema):
    area: Id
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")
    min_sample: int | None = Field(None, ge=1, le=10_000)


def _ranked(rows) -> list[dict]:
    return [
        {
            "person": {"id": r.person_id, "name": r.name},
            "satisfaction": r.satisfaction.as_dict(),
            "resolution": r.resolution.as_dict(),
        }
        for r in rows
    ]


@router.get("/cases/stats", response=StatsOut, summary="The three rates and assessment figures")
def case_stats(request, response: HttpResponse, q: Query[StatsQuery]):
    area = area_get(actor=request.user, area_id=q.area)
    if not policies.may_see_stats(request.user, area.path):
        raise NotFound()
    today = timezone.localdate()
    end = q.end or today
    start = q.start or end.replace(day=1)
    if start > end:
        raise InvalidInput.on("from", "起始日期不能晚于截止日期")
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(start, dt.time.min, tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
    figs = stats.figures(stats.Scope(area_path=area.path), start_at, end_at)
    sample = q.min_sample or stats.min_sample()
    ranks = stats.rankings(area.path, start_at, end_at, sample=sample)
    _private(response)
    return {
        "area": {"id": area.pk, "name": area.name},
        "start": start,
        "end": end,
        **{k if k != "return" else "returned": v.as_dict() for k, v in figs.items()},
        "min_sample": sample,
        "best": _ranked(ranks["best"]),
        "worst": _ranked(ranks["worst"]),
    }


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="One case, its timeline, actions")
def case_get(request, response: HttpResponse, case_id: Path[Id]):
    _private(response)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/transitions", response=CaseDetailOut, summary="Move a case")
def case_transition(request, response: HttpResponse, case_id: Path[Id], data: TransitionIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.case_transition(
        actor=request.user,
        case_id=case_id,
        action=data.action,
        note=data.note,
        reason=data.reason,
        assignee_person_id=data.assignee_person,
        assignee_organisation_id=data.assignee_organisation,
        duplicate_of_id=data.duplicate_of,
    )
    _private(response)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/rating", response={201: CaseDetailOut}, summary="Rate once")
def case_rate(request, response: HttpResponse, case_id: Path[Id], data: RatingIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    services.case_rate(
        actor=request.user,
        case_id=case_id,
        contacted=data.contacted,
        solved=data.solved,
        score=data.score,
        comment=data.comment,
    )
    _private(response)
    return Status(201, _detail(request, case_id))


@router.post("/cases/{case_id}/whistle", response={201: SummonsOut}, summary="Summon a unit")
def case_whistle(request, response: HttpResponse, case_id: Path[Id], data: WhistleIn):
    selectors.case_get(actor=request.user, case_id=case_id)
    summons = services.case_whistle(
        actor=request.user, case_id=case_id, organisation_id=data.organisation, note=data.note
    )
    _private(response)
    return Status(201, {**summons.__dict__, "organisation": summons.organisation})


@router.post("/summonses/{summons_id}", response=SummonsOut, summary="Report in or back")
def summons_report(request, response: HttpResponse, summons_id: Path[Id], data: ReportIn):
    selectors.summons_get(actor=request.user, summons_id=summons_id)
    summons = services.summons_report(
        actor=request.user, summons_id=summons_id, action=data.action, note=data.note
    )
    _private(response)
    return {**summons.__dict__, "organisation": summons.organisation}


@router.post("/cases/{case_id}/support", summary='"Me too" on a public problem report')
def case_support(request, case_id: Path[Id]):
    selectors.case_get(actor=request.user, case_id=case_id)
    return {"supports": services.case_support(actor=request.user, case_id=case_id)}


@router.get(
    "/cases/{case_id}/suggestions", response=list[CandidateOut], summary="Ranked candidates"
)
def case_suggestions(request, response: HttpResponse, case_id: Path[Id]):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    if not policies.is_dispatcher(selectors.case_actor(request.user), case):
        raise NotFound()
    _private(response)
    return [c.__dict__ for c in suggestions_for(case)]


from . import api_mediation  # noqa: E402, F401  (registers its routes on ``router``)
