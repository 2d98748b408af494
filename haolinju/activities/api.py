"""Activities endpoints (issue 8 §9). Reads through ``selectors`` (outside the jurisdiction is a
404), writes through ``services``; lists are ``{"items", "count"}``."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from haolinju.core.api_errors import ErrorOut
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of
from haolinju.org.selectors import area_get

from . import hours, presenters, selectors
from .models import Signup
from .schemas import (
    ActivityDetailOut,
    ActivityFilters,
    ActivityIn,
    ActivityPage,
    AttendanceIn,
    CheckinCodeOut,
    CheckinIn,
    CheckinOut,
    CorrectionAnswerIn,
    CorrectionFilters,
    CorrectionIn,
    CorrectionOut,
    CorrectionPage,
    Id,
    ItemOut,
    ItemPage,
    ItemRevisionIn,
    PageParams,
    RecordOut,
    RecordsOut,
    SignupOut,
    TransitionIn,
    VerifyOut,
)
from .services import activities as activity_services
from .services import attendance, library, signups

router = Router(tags=["activities"])


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "private, no-store"


def _signup_out(signup: Signup) -> dict:
    return {
        "id": signup.pk,
        "status": signup.status,
        "position": selectors.waitlist_position(signup),
        "late_cancel": signup.late_cancel,
    }


def _detail(request, activity) -> dict:
    scope = jurisdiction_of(request.user)
    mine = selectors.my_signup(activity, scope.person_id)
    return presenters.activity_dict(activity) | {
        "description": activity.description,
        "points_rule": activity.item_version.points_rule,
        "actions": activity_services.actions_for(activity, request.user),
        "my_signup": _signup_out(mine) if mine else None,
    }


@router.get("/activity-items", response=ItemPage, summary="The activity library (current versions)")
def items(request, page: Query[PageParams]):
    qs = selectors.library()
    result = paginate(qs, offset=page.offset, limit=page.limit)
    return {"items": [presenters.item_dict(i) for i in result.items], "count": result.count}


@router.patch(
    "/activity-items/{item_id}",
    response=ItemOut,
    summary="District staff: revise an item (a new version; past activities keep theirs)",
)
def item_revise(request, item_id: Path[Id], data: ItemRevisionIn):
    library.item_revise(actor=request.user, item_id=item_id, **data.dict(exclude_none=True))
    return presenters.item_dict(selectors.library(active_only=False).get(pk=item_id))


@router.get("/activities", response=ActivityPage, summary="Activities the caller may see")
def activity_list(request, filters: Query[ActivityFilters]):
    area = area_get(actor=request.user, area_id=filters.area) if filters.area else None
    qs = selectors.activity_list(
        actor=request.user,
        area=area,
        starts_from=filters.from_,
        starts_to=filters.to,
        status=filters.status,
    ).select_related("item_version__item")
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": [presenters.activity_dict(a) for a in page.items], "count": page.count}


@router.post("/activities", response={201: ActivityDetailOut}, summary="Create a draft activity")
def activity_create(request, data: ActivityIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    fields = data.dict(exclude={"item_id", "area_id"})
    activity = activity_services.activity_create(
        actor=request.user, item_id=data.item_id, area=area, **fields
    )
    activity = selectors.activity_get(actor=request.user, activity_id=activity.pk)
    return Status(201, _detail(request, activity))


@router.get("/activities/{activity_id}", response=ActivityDetailOut, summary="One activity")
def activity_detail(request, activity_id: Path[Id]):
    activity = selectors.activity_get(actor=request.user, activity_id=activity_id)
    return _detail(request, activity)


@router.post(
    "/activities/{activity_id}/transitions",
    response=ActivityDetailOut,
    summary="publish, start, finish, archive or cancel (with a reason)",
)
def activity_transition(request, activity_id: Path[Id], data: TransitionIn):
    activity_services.activity_transition(
        actor=request.user, activity_id=activity_id, action=data.action, reason=data.reason
    )
    activity = selectors.activity_get(actor=request.user, activity_id=activity_id)
    return _detail(request, activity)


@router.post(
    "/activities/{activity_id}/signups",
    response={201: SignupOut},
    summary="Sign up: confirmed while places remain, else waitlisted; twice is a 409",
)
def signup_create(request, activity_id: Path[Id]):
    signup = signups.signup_create(actor=request.user, activity_id=activity_id)
    return Status(201, _signup_out(signup))


@router.delete(
    "/activities/{activity_id}/signups/mine",
    response=SignupOut,
    summary="Cancel one's sign-up (late after the cut-off); the first waiting is promoted",
)
def signup_cancel(request, activity_id: Path[Id]):
    return _signup_out(signups.signup_cancel(actor=request.user, activity_id=activity_id))


@router.get(
    "/activities/{activity_id}/checkin-code",
    response=CheckinCodeOut,
    summary="The organiser's rotating check-in code (30 s) with its QR as SVG",
)
def checkin_code(request, response: HttpResponse, activity_id: Path[Id]):
    activity = activity_services.activity_for_manager(actor=request.user, activity_id=activity_id)
    _no_store(response)
    return presenters.venue_code(activity)


@router.post(
    "/activities/{activity_id}/checkins",
    # 422 is also the shape of a request the schema refuses (core.api_errors.ErrorOut).
    response={200: CheckinOut, 409: CheckinOut, 422: CheckinOut | ErrorOut},
    summary="Scan a code: the activity's (by the volunteer) or a volunteer's (by the organiser)",
)
def checkin(request, activity_id: Path[Id], data: CheckinIn):
    if data.code.strip().startswith("p"):
        result = attendance.checkin_by_personal_code(
            actor=request.user, activity_id=activity_id, code=data.code
        )
    else:
        position = None
        if data.latitude is not None and data.longitude is not None:
            position = (data.latitude, data.longitude)
        result = attendance.checkin_by_venue_code(
            actor=request.user, activity_id=activity_id, code=data.code, position=position
        )
    body = {
        "outcome": result.outcome,
        "message": result.message,
        "record_id": result.record.pk if result.record else None,
        "person": result.person_name,
        "status": result.record.status if result.record else None,
    }
    return Status(result.http_status, body)


@router.post(
    "/activities/{activity_id}/attendance",
    response=RecordOut,
    summary="Organiser: enter times by hand, confirm, reject or correct a record",
)
def attendance_write(request, activity_id: Path[Id], data: AttendanceIn):
    if data.action == "record":
        if not (data.person_id and data.checked_in_at and data.checked_out_at):
            raise InvalidInput.on("person_id", _("请填写人员和签到、签退时间"))
        record = attendance.attendance_record(
            actor=request.user,
            activity_id=activity_id,
            person_id=data.person_id,
            checked_in_at=data.checked_in_at,
            checked_out_at=data.checked_out_at,
            confirm=data.confirm,
        )
    else:
        if not data.record_id:
            raise InvalidInput.on("record_id", _("请指定记录"))
        selectors.activity_record(
            actor=request.user, activity_id=activity_id, record_id=data.record_id
        )
        if data.action == "confirm":
            record = attendance.attendance_confirm(
                actor=request.user, record_id=data.record_id, minutes=data.minutes
            )
        elif data.action == "reject":
            record = attendance.attendance_reject(
                actor=request.user, record_id=data.record_id, reason=data.reason
            )
        else:
            if data.minutes is None:
                raise InvalidInput.on("minutes", _("请填写更正后的时长"))
            record = attendance.attendance_correct(
                actor=request.user,
                record_id=data.record_id,
                minutes=data.minutes,
                reason=data.reason,
            )
    return presenters.record_dict(record)


@router.get(
    "/volunteers/{person_id}/records",
    response=RecordsOut,
    summary="A volunteer's service records and totals (id: the person id)",
)
def volunteer_records(
    request, response: HttpResponse, person_id: Path[Id], page: Query[PageParams]
):
    qs = selectors.records_of(actor=request.user, person_id=person_id)
    result = paginate(qs, offset=page.offset, limit=page.limit)
    totals = selectors.totals(person_id)
    _no_store(response)
    return {
        "items": [presenters.record_dict(r) for r in result.items],
        "count": result.count,
        "total_minutes": totals["minutes"],
        "total_hours": hours.hours(totals["minutes"]),
        "star_level": hours.star_level(totals["minutes"]),
        "per_year": {str(y): hours.hours(m) for y, m in totals["per_year"].items()},
        "per_category": {c: hours.hours(m) for c, m in totals["per_category"].items()},
        "no_shows": selectors.person_no_show_count(person_id),
    }


@router.post(
    "/service-records/{record_id}/correction-requests",
    response={201: CorrectionOut},
    summary="The volunteer asks the organiser to correct their confirmed record",
)
def correction_request(request, record_id: Path[Id], data: CorrectionIn):
    req = attendance.correction_request(
        actor=request.user, record_id=record_id, minutes=data.minutes, reason=data.reason
    )
    return Status(201, presenters.correction_dict(selectors.correction_of(req)))


@router.get(
    "/correction-requests",
    response=CorrectionPage,
    summary="Organiser: correction requests on records of activities one manages",
)
def correction_list(request, filters: Query[CorrectionFilters]):
    status = None if filters.status == "all" else filters.status
    qs = selectors.correction_requests(actor=request.user, status=status)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": [presenters.correction_dict(r) for r in page.items], "count": page.count}


@router.post(
    "/correction-requests/{request_id}/answer",
    response=CorrectionOut,
    summary="Organiser: accept (a correction record is written) or refuse with an answer",
)
def correction_answer(request, request_id: Path[Id], data: CorrectionAnswerIn):
    req = attendance.correction_answer(
        actor=request.user, request_id=request_id, accept=data.accept, answer=data.answer
    )
    return presenters.correction_dict(selectors.correction_of(req))


@router.get(
    "/certificates/{number}/verify",
    auth=None,
    response=VerifyOut,
    summary="Public: is this certificate genuine? Masked name and ID, hours, issuer, date",
)
def certificate_verify(request, number: Path[str]):
    cert = selectors.certificate_by_number(number[:32])
    if cert is None:
        raise NotFound(_("证明编号不存在"))
    return presenters.verification(cert)
