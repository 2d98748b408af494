"""Check-in, check-out, the organiser's confirmation and corrections of service records.

A scan answers with one ``Outcome``. The first accepted scan checks a person in, the next one
(at least ``MIN_STAY`` later) checks them out. Every scan locks the activity row, so a person
cannot be checked in twice by two phones at once. A confirmed record is never changed: a
correction is a new record carrying the difference (see ``models.ServiceRecord``), and every
confirmation or correction publishes one deed (``deeds.py``).

Every status change of a record (check-out, manual times, confirm, reject, and the "correct"
entry on the corrected record) and of a correction request (accept, reject) is a move of
``RECORD_MACHINE`` / ``CORRECTION_MACHINE`` (``core.transitions``), so each writes its timeline
event; a record is born open (or pending when it needs review) and a correction born confirmed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.timeline import record as timeline_record
from haolinju.core.transitions import Move, StateMachine

from .. import codes, hours
from ..errors import Conflict
from ..models import (
    Activity,
    ActivityStatus,
    CheckinMethod,
    CorrectionRequest,
    CorrectionStatus,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from ..policies import may_answer_correction, may_manage, may_move_record
from ..selectors import activity_get, minutes_on, visible_records
from . import deeds

R = RecordStatus
RECORD_MACHINE = StateMachine(
    model=ServiceRecord,
    moves={
        "check_out": Move({R.OPEN, R.PENDING}, R.PENDING, gettext_lazy("签退")),
        "record": Move({R.OPEN, R.PENDING}, R.PENDING, gettext_lazy("录入考勤")),
        "confirm": Move({R.PENDING}, R.CONFIRMED, gettext_lazy("确认时长")),
        "reject": Move({R.OPEN, R.PENDING}, R.REJECTED, gettext_lazy("不予确认")),
        "correct": Move({R.CONFIRMED}, None, gettext_lazy("更正时长")),
    },
    may=may_move_record,
    area_path=lambda record: record.area_path,
    event_prefix="servicerecord",
)
C = CorrectionStatus
CORRECTION_MACHINE = StateMachine(
    model=CorrectionRequest,
    moves={
        "accept": Move({C.OPEN}, C.ACCEPTED, gettext_lazy("同意更正")),
        "reject": Move({C.OPEN}, C.REJECTED, gettext_lazy("驳回申请")),
    },
    may=may_answer_correction,
    area_path=lambda request: request.area_path,
    event_prefix="correction",
)

MIN_STAY = dt.timedelta(minutes=2)
CHECKOUT_GRACE = dt.timedelta(minutes=60)
SCAN_OPEN = (ActivityStatus.PUBLISHED, ActivityStatus.ONGOING)


class Outcome:
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    WALK_IN = "walk_in"
    ALREADY = "already_checked_in"
    NEEDS_CONFIRMATION = "needs_confirmation"
    NOT_SIGNED_UP = "not_signed_up"
    OUTSIDE_WINDOW = "outside_window"
    EXPIRED = "expired_code"
    INVALID = "invalid_code"
    REPLAYED = "replayed_code"


MESSAGES = {
    Outcome.CHECKED_IN: gettext_lazy("签到成功"),
    Outcome.CHECKED_OUT: gettext_lazy("签退成功，等待组织者确认时长"),
    Outcome.WALK_IN: gettext_lazy("现场报名并签到成功"),
    Outcome.ALREADY: gettext_lazy("已签到，无需重复扫码"),
    Outcome.NEEDS_CONFIRMATION: gettext_lazy("已记录，需组织者确认"),
    Outcome.NOT_SIGNED_UP: gettext_lazy("未报名此活动"),
    Outcome.OUTSIDE_WINDOW: gettext_lazy("不在活动签到时间内"),
    Outcome.EXPIRED: gettext_lazy("签到码已过期，请扫描最新的码"),
    Outcome.INVALID: gettext_lazy("签到码无效"),
    Outcome.REPLAYED: gettext_lazy("签到码已使用过，请扫描最新的码"),
}
ACCEPTED = {
    Outcome.CHECKED_IN,
    Outcome.CHECKED_OUT,
    Outcome.WALK_IN,
    Outcome.ALREADY,
    Outcome.NEEDS_CONFIRMATION,
}
BAD_CODE = {Outcome.EXPIRED, Outcome.INVALID}


@dataclass
class ScanResult:
    outcome: str
    detail: str = ""
    record: ServiceRecord | None = None
    person_name: str = ""

    @property
    def message(self) -> str:
        return str(MESSAGES[self.outcome]) + (f"（{self.detail}）" if self.detail else "")

    @property
    def http_status(self) -> int:
        if self.outcome in ACCEPTED:
            return 200
        return 422 if self.outcome in BAD_CODE else 409


def distance_m(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> float:
    """Great-circle distance (haversine); a geofence compares it, nothing is stored."""
    r = 6371000.0
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _lock(activity_id: int) -> Activity:
    return (
        Activity.objects.select_for_update()
        .select_related("item_version__item__category")
        .get(pk=activity_id)
    )


def _in_window(activity: Activity, now) -> bool:
    opens = activity.starts_at - dt.timedelta(minutes=activity.early_minutes)
    return activity.status in SCAN_OPEN and opens <= now <= activity.ends_at + CHECKOUT_GRACE


def _new_record(activity: Activity, person_id: int, *, method: str, **fields) -> ServiceRecord:
    item = activity.item_version.item
    return ServiceRecord.objects.create(
        activity=activity,
        person_id=person_id,
        area_path=activity.area_path,
        category_code=item.category.code,
        item_code=item.code,
        service_date=timezone.localdate(activity.starts_at),
        method=method,
        **fields,
    )


def _scan(
    activity: Activity, person, *, actor, issued: int, method: str, now, position
) -> ScanResult:
    name = person.name
    if not _in_window(activity, now):
        return ScanResult(Outcome.OUTSIDE_WINDOW, person_name=name)
    record = ServiceRecord.objects.filter(
        activity=activity, person=person, corrects__isnull=True
    ).first()
    if record is None:
        signup = Signup.objects.filter(
            activity=activity, person=person, status=SignupStatus.CONFIRMED
        ).first()
        walk_in = False
        if signup is None:
            if not activity.walk_ins or activity.confirmed_count >= activity.places:
                waiting = Signup.objects.filter(
                    activity=activity, person=person, status=SignupStatus.WAITLISTED
                ).exists()
                detail = _("候补中") if waiting else ""
                return ScanResult(Outcome.NOT_SIGNED_UP, detail, person_name=name)
            _walk_in_signup(activity, person)
            walk_in = True
        status, reason = RecordStatus.OPEN, ""
        if position and not _inside_fence(activity, position):
            status, reason = RecordStatus.PENDING, _("签到位置不在活动地点范围内")
        record = _new_record(
            activity,
            person.pk,
            method=method,
            status=status,
            review_reason=reason,
            checked_in_at=now,
            last_token_at=issued,
        )
        if reason:
            return ScanResult(Outcome.NEEDS_CONFIRMATION, reason, record, name)
        return ScanResult(Outcome.WALK_IN if walk_in else Outcome.CHECKED_IN, "", record, name)
    if issued <= record.last_token_at:
        return ScanResult(Outcome.REPLAYED, record=record, person_name=name)
    if record.checked_out_at is not None or record.status not in (
        RecordStatus.OPEN,
        RecordStatus.PENDING,
    ):
        return ScanResult(Outcome.ALREADY, _("已签退"), record, name)
    if now - record.checked_in_at < MIN_STAY:
        return ScanResult(Outcome.ALREADY, "", record, name)
    actual = hours.actual_minutes(
        checked_in=record.checked_in_at, checked_out=now, starts_at=activity.starts_at
    )
    short = hours.needs_confirmation(actual=actual, scheduled=activity.scheduled_minutes)
    reason = record.review_reason
    if short:
        reason = _("服务时长不足活动时长的%(p)s%%") % {"p": hours.min_share_percent()}
    record = RECORD_MACHINE.apply(
        record,
        action="check_out",
        actor=actor,
        changes={
            "checked_out_at": now,
            "last_token_at": issued,
            "actual_minutes": actual,
            "review_reason": reason,
        },
    )
    if short or record.review_reason:
        return ScanResult(Outcome.NEEDS_CONFIRMATION, record.review_reason, record, name)
    return ScanResult(Outcome.CHECKED_OUT, "", record, name)


def _inside_fence(activity: Activity, position) -> bool:
    if activity.latitude is None or activity.longitude is None or not activity.geofence_m:
        return True
    lat, lon = position
    return distance_m(activity.latitude, activity.longitude, lat, lon) <= activity.geofence_m


def _walk_in_signup(activity: Activity, person) -> None:
    from django.db.models import Max

    seq = (activity.signups.aggregate(m=Max("seq"))["m"] or 0) + 1
    Signup.objects.create(
        activity=activity,
        person=person,
        area_path=activity.area_path,
        status=SignupStatus.CONFIRMED,
        seq=seq,
        walk_in=True,
    )
    activity.confirmed_count += 1
    Activity.objects.filter(pk=activity.pk).update(confirmed_count=activity.confirmed_count)


def _parse(text: str, kind: str, now) -> codes.Code | ScanResult:
    try:
        code = codes.read(text, now=now.timestamp())
    except codes.CodeExpired:
        return ScanResult(Outcome.EXPIRED)
    except codes.CodeInvalid:
        return ScanResult(Outcome.INVALID)
    if code.kind != kind:
        return ScanResult(Outcome.INVALID)
    return code


@transaction.atomic
def checkin_by_venue_code(
    *, actor, activity_id: int, code: str, position: tuple[Decimal, Decimal] | None = None
) -> ScanResult:
    """The volunteer's phone scanned the organiser's rotating code."""
    activity_get(actor=actor, activity_id=activity_id)
    scope = jurisdiction_of(actor)
    if scope.person_id is None:
        raise NotPermitted(_("账号未关联人员信息"))
    now = timezone.now()
    parsed = _parse(code, codes.ACTIVITY, now)
    if isinstance(parsed, ScanResult):
        return parsed
    if parsed.subject_id != activity_id:
        return ScanResult(Outcome.INVALID, _("不是本活动的签到码"))
    from haolinju.people.models import Person

    activity = _lock(activity_id)
    person = Person.objects.get(pk=scope.person_id)
    return _scan(
        activity,
        person,
        actor=actor,
        issued=parsed.issued,
        method=CheckinMethod.VENUE_CODE,
        now=now,
        position=position,
    )


@transaction.atomic
def checkin_by_personal_code(*, actor, activity_id: int, code: str) -> ScanResult:
    """The organiser scanned the volunteer's own rotating code."""
    activity = activity_get(actor=actor, activity_id=activity_id)
    if not may_manage(actor, activity):
        raise NotPermitted()
    now = timezone.now()
    parsed = _parse(code, codes.PERSON, now)
    if isinstance(parsed, ScanResult):
        return parsed
    from haolinju.people.models import Person

    person = Person.objects.filter(pk=parsed.subject_id).first()
    if person is None:
        return ScanResult(Outcome.INVALID)
    activity = _lock(activity_id)
    return _scan(
        activity,
        person,
        actor=actor,
        issued=parsed.issued,
        method=CheckinMethod.PERSONAL_CODE,
        now=now,
        position=None,
    )


def _managed_record(actor, record_id: int) -> ServiceRecord:
    record = (
        ServiceRecord.objects.select_related("activity", "person__user")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound()
    try:
        activity = activity_get(actor=actor, activity_id=record.activity_id)
    except NotFound:
        raise NotFound() from None
    if not may_manage(actor, activity):
        raise NotPermitted(_("只有活动组织者可以确认时长"))
    return record


@transaction.atomic
def attendance_record(
    *,
    actor,
    activity_id: int,
    person_id: int,
    checked_in_at: dt.datetime,
    checked_out_at: dt.datetime,
    confirm: bool = False,
    evaluation: str = "",
) -> ServiceRecord:
    """The organiser enters times by hand (the fallback); optionally confirms at once."""
    activity = activity_get(actor=actor, activity_id=activity_id)
    if not may_manage(actor, activity):
        raise NotPermitted(_("只有活动组织者可以录入考勤"))
    if checked_out_at <= checked_in_at:
        raise InvalidInput.on("checked_out_at", _("签退时间应晚于签到时间"))
    activity = _lock(activity_id)
    if not Signup.objects.filter(
        activity=activity, person_id=person_id, status=SignupStatus.CONFIRMED
    ).exists():
        raise InvalidInput.on("person_id", _("此人未报名此活动"))
    record = ServiceRecord.objects.filter(
        activity=activity, person_id=person_id, corrects__isnull=True
    ).first()
    if record is not None and record.status in (RecordStatus.CONFIRMED, RecordStatus.REJECTED):
        raise Conflict(_("记录已确认，只能提交更正"))
    actual = hours.actual_minutes(
        checked_in=checked_in_at, checked_out=checked_out_at, starts_at=activity.starts_at
    )
    fields = {
        "checked_in_at": checked_in_at,
        "checked_out_at": checked_out_at,
        "actual_minutes": actual,
        "status": RecordStatus.PENDING,
        "method": CheckinMethod.MANUAL,
        "evaluation": evaluation,
        "review_reason": "",
    }
    if record is None:
        record = _new_record(activity, person_id, **fields)
    else:
        fields.pop("status")
        record = RECORD_MACHINE.apply(record, action="record", actor=actor, changes=fields)
    if confirm:
        return _confirm(actor, record)
    return record


def _confirm(actor, record: ServiceRecord, minutes: int | None = None) -> ServiceRecord:
    if record.status != RecordStatus.PENDING:
        raise Conflict(_("只有签退后待确认的记录可以确认"))
    claimed = record.actual_minutes if minutes is None else minutes
    already = minutes_on(record.person_id, record.service_date)
    credited = hours.credit(actual=claimed, already_that_day=already)
    record = RECORD_MACHINE.apply(
        record,
        action="confirm",
        actor=actor,
        changes={
            "minutes": credited,
            "delta_minutes": credited,
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
        },
        data={"minutes": credited},
    )
    deeds.attendance_confirmed(record)
    return record


@transaction.atomic
def attendance_confirm(*, actor, record_id: int, minutes: int | None = None) -> ServiceRecord:
    """谁组织谁记录: the organiser confirms a checked-out record, capped per day."""
    record = _managed_record(actor, record_id)
    Activity.objects.select_for_update().filter(pk=record.activity_id).first()
    record.refresh_from_db()
    if minutes is not None and minutes < 0:
        raise InvalidInput.on("minutes", _("时长不能为负"))
    return _confirm(actor, record, minutes)


@transaction.atomic
def attendance_reject(*, actor, record_id: int, reason: str) -> ServiceRecord:
    record = _managed_record(actor, record_id)
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写理由"))
    if record.status not in (RecordStatus.OPEN, RecordStatus.PENDING):
        raise Conflict(_("记录已确认，只能提交更正"))
    return RECORD_MACHINE.apply(
        record,
        action="reject",
        actor=actor,
        note=reason.strip(),
        changes={
            "review_reason": reason.strip(),
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
        },
    )


def effective_minutes(root: ServiceRecord) -> int:
    return (
        ServiceRecord.objects.filter(
            person_id=root.person_id,
            activity_id=root.activity_id,
            status=RecordStatus.CONFIRMED,
        ).aggregate(m=Sum("delta_minutes"))["m"]
        or 0
    )


@transaction.atomic
def attendance_correct(*, actor, record_id: int, minutes: int, reason: str) -> ServiceRecord:
    """A confirmed record stays; a new record with the reason carries the difference."""
    record = _managed_record(actor, record_id)
    return _correct(actor, record, minutes, reason)


def _correct(actor, record: ServiceRecord, minutes: int, reason: str) -> ServiceRecord:
    root = record.corrects or record
    Activity.objects.select_for_update().filter(pk=root.activity_id).first()
    if root.status != RecordStatus.CONFIRMED:
        raise Conflict(_("只有已确认的记录需要更正"))
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写更正原因"))
    if minutes < 0:
        raise InvalidInput.on("minutes", _("时长不能为负"))
    current = effective_minutes(root)
    others = minutes_on(root.person_id, root.service_date) - current
    new_total = hours.credit(actual=minutes, already_that_day=others)
    delta = new_total - current
    if delta == 0:
        raise Conflict(_("更正后的时长与原记录相同"))
    correction = ServiceRecord.objects.create(
        activity_id=root.activity_id,
        person_id=root.person_id,
        area_path=root.area_path,
        category_code=root.category_code,
        item_code=root.item_code,
        service_date=root.service_date,
        method=CheckinMethod.MANUAL,
        status=RecordStatus.CONFIRMED,
        actual_minutes=minutes,
        minutes=new_total,
        delta_minutes=delta,
        corrects=root,
        correction_reason=reason.strip(),
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    RECORD_MACHINE.apply(
        root,
        action="correct",
        actor=actor,
        note=reason.strip(),
        data={"correction": correction.pk, "minutes": new_total, "delta_minutes": delta},
    )
    deeds.attendance_corrected(correction)
    return correction


@transaction.atomic
def correction_request(*, actor, record_id: int, minutes: int, reason: str) -> CorrectionRequest:
    """The volunteer asks the organiser to correct their confirmed record."""
    scope = jurisdiction_of(actor)
    record = visible_records(actor=actor).filter(pk=record_id, person_id=scope.person_id).first()
    if record is None:
        raise NotFound()
    root = record.corrects or record
    if root.status != RecordStatus.CONFIRMED:
        raise Conflict(_("记录尚未确认，请联系组织者"))
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写理由"))
    if CorrectionRequest.objects.filter(record=root, status=CorrectionStatus.OPEN).exists():
        raise Conflict(_("已有待处理的更正申请"))
    if not 0 <= minutes <= 1440:
        raise InvalidInput.on("minutes", _("时长应在0到1440分钟之间"))
    request = CorrectionRequest.objects.create(
        record=root,
        area_path=root.area_path,
        requested_by=actor,
        requested_minutes=minutes,
        reason=reason.strip(),
    )
    timeline_record(
        root,
        actor=actor,
        action="servicerecord.correction_requested",
        note=request.reason,
        request=request.pk,
        minutes=minutes,
    )
    return request


@transaction.atomic
def correction_answer(
    *, actor, request_id: int, accept: bool, answer: str = ""
) -> CorrectionRequest:
    request = CorrectionRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    record = _managed_record(actor, request.record_id)
    if request.status != CorrectionStatus.OPEN:
        raise Conflict(_("申请已处理"))
    if not accept and not answer.strip():
        raise InvalidInput.on("answer", _("驳回时请说明理由"))
    request = CORRECTION_MACHINE.apply(
        request,
        action="accept" if accept else "reject",
        actor=actor,
        note=answer.strip(),
        changes={"answer": answer.strip(), "answered_by": actor, "answered_at": timezone.now()},
    )
    if accept:
        _correct(actor, record, request.requested_minutes, request.reason)
    return request
