"""Mediation (矛盾调处): sessions with the parties, the agreement they sign, follow-up visits.

A mediation case moves through the order machine like any case (dispatched to a mediator, who
accepts, works on it and resolves it); what only mediation has is here. Every status change of
a session, an agreement or a visit goes through its ``core.transitions`` machine (row lock,
table, ``policies.may_mediate``, event), and each step is also written on the case's timeline
so the people who read the case see the whole mediation. A mediation case resolves only with a
signed agreement (``services.cases._apply``); one that fails is closed as ``unable``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core import timeline
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.notify import notify

from .. import policies
from ..models import (
    AgreementSignature,
    AgreementStatus,
    Case,
    CaseKind,
    FollowUpOutcome,
    FollowUpStatus,
    FollowUpVisit,
    MediationAgreement,
    MediationSession,
    SessionStatus,
)
from ..selectors import mediation_parties
from .cases import _url, dispatchers_of, requester_user
from .machine import AGREEMENT_MACHINE, FOLLOW_UP_MACHINE, SESSION_MACHINE

TEXT_MAX = 8000


def _mediation_case(actor, case_id: int, *, for_update: bool = True) -> Case:
    qs = Case.objects.select_for_update() if for_update else Case.objects
    case = qs.filter(pk=case_id, kind=CaseKind.MEDIATION).first()
    if case is None:
        raise NotFound()
    if not policies.may_mediate(actor, case):
        raise NotPermitted(_("只有调解员和负责的工作人员可以操作"))
    if not case.is_open:
        raise InvalidInput.on("case", _("该调处案件已办结或关闭"))
    return case


def _on_case(case: Case, actor, action: str, note: str = "", **data) -> None:
    timeline.record(case, actor=actor, action=f"case.{action}", note=note, **data)


@transaction.atomic
def session_schedule(
    *,
    actor,
    case_id: int,
    scheduled_at: dt.datetime,
    place: str = "",
    mediator_person_id: int | None = None,
) -> MediationSession:
    """Set a sitting; the mediator is the case's assignee unless another person is named."""
    case = _mediation_case(actor, case_id)
    if scheduled_at is None:
        raise InvalidInput.on("scheduled_at", _("请填写调解时间"))
    session = MediationSession.objects.create(
        case=case,
        area_path=case.area_path,
        scheduled_at=scheduled_at,
        place=(place or "").strip()[:100],
        mediator_id=mediator_person_id or case.assignee_person_id,
        created_by=actor,
    )
    when = timezone.localtime(scheduled_at).strftime("%Y-%m-%d %H:%M")
    _on_case(
        case, actor, "session_scheduled", f"{when} {session.place}".strip(), session=session.pk
    )
    notify(
        recipients=[requester_user(case)],
        kind="case.session_scheduled",
        title=_("调解安排：%(t)s") % {"t": case.title},
        body=f"{when} {session.place}".strip(),
        url=_url(case),
        target=case,
    )
    return session


@transaction.atomic
def session_transition(
    *,
    actor,
    session_id: int,
    action: str,
    summary: str = "",
    parties_present: list[str] | None = None,
    now: dt.datetime | None = None,
) -> MediationSession:
    """``hold`` (who came, what was said) or ``cancel`` a scheduled sitting."""
    now = now or timezone.now()
    current = MediationSession.objects.select_related("case").filter(pk=session_id).first()
    if current is None:
        raise NotFound()
    if action not in ("hold", "cancel"):
        raise InvalidInput.on("action", _("操作应为 hold 或 cancel"))
    summary = (summary or "").strip()[:TEXT_MAX]
    changes: dict = {}
    if action == "hold":
        if not summary:
            raise InvalidInput.on("summary", _("请填写调解经过"))
        present = [p for p in (parties_present or []) if p]
        unknown = set(present) - set(mediation_parties(current.case))
        if unknown:
            raise InvalidInput.on(
                "parties_present", _("不是本案当事人：%(p)s") % {"p": "、".join(sorted(unknown))}
            )
        changes = {"held_at": now, "summary": summary, "parties_present": present}
    session = SESSION_MACHINE.apply(
        session_id, action=action, actor=actor, note=summary, changes=changes
    )
    _on_case(current.case, actor, f"session_{action}", summary, session=session.pk)
    return session


@transaction.atomic
def agreement_draft(
    *, actor, case_id: int, text: str, now: dt.datetime | None = None
) -> MediationAgreement:
    """Write down what the parties agreed, after at least one held sitting; every party named on
    the case must then sign it."""
    now = now or timezone.now()
    case = _mediation_case(actor, case_id)
    text = (text or "").strip()
    if not text:
        raise InvalidInput.on("text", _("请填写协议内容"))
    if len(text) > TEXT_MAX:
        raise InvalidInput.on("text", _("协议内容不能超过 8000 字"))
    if not case.sessions.filter(status=SessionStatus.HELD).exists():
        raise InvalidInput.on("text", _("请先记录至少一次调解"))
    parties = mediation_parties(case)
    if len(parties) < 1:
        raise InvalidInput.on("parties", _("本案没有登记当事人"))
    try:
        with transaction.atomic():
            agreement = MediationAgreement.objects.create(
                case=case,
                area_path=case.area_path,
                text=text,
                parties=parties,
                drafted_by=actor,
                created_at=now,
            )
    except IntegrityError:
        raise InvalidInput.on("text", _("本案已有协议，请先作废原协议")) from None
    _on_case(case, actor, "agreement_drafted", text[:200], agreement=agreement.pk)
    return agreement


@transaction.atomic
def agreement_sign(
    *, actor, agreement_id: int, party: str, now: dt.datetime | None = None
) -> MediationAgreement:
    """Record one party's signature; the last one makes the agreement signed (in force)."""
    now = now or timezone.now()
    current = MediationAgreement.objects.select_related("case").filter(pk=agreement_id).first()
    if current is None:
        raise NotFound()
    party = (party or "").strip()
    if party not in current.parties:
        raise InvalidInput.on("party", _("请选择协议上的当事人"))

    def not_signed(locked):
        if locked.signatures.filter(party=party).exists():
            raise InvalidInput.on("party", _("%(p)s 已签字") % {"p": party})

    agreement = AGREEMENT_MACHINE.apply(
        agreement_id, action="sign", actor=actor, note=party, data={"party": party},
        check=not_signed,
    )  # fmt: skip
    AgreementSignature.objects.create(
        agreement=agreement, party=party, signed_at=now, recorded_by=actor
    )
    _on_case(current.case, actor, "agreement_signed", party, agreement=agreement.pk)
    signed = set(agreement.signatures.values_list("party", flat=True))
    if signed >= set(agreement.parties):
        agreement = AGREEMENT_MACHINE.apply(
            agreement_id, action="complete", actor=actor, changes={"signed_at": now}
        )
        _on_case(current.case, actor, "agreement_in_force", "", agreement=agreement.pk)
        notify(
            recipients=[
                requester_user(current.case),
                *dispatchers_of(current.case.owner_area_path),
            ],
            kind="case.agreement_signed",
            title=_("调解协议已签署：%(t)s") % {"t": current.case.title},
            url=_url(current.case),
            target=current.case,
        )
    return agreement


@transaction.atomic
def agreement_void(*, actor, agreement_id: int, reason: str) -> MediationAgreement:
    """Void an agreement (a party withdrew, it was wrong); a new one may then be drafted."""
    current = MediationAgreement.objects.select_related("case").filter(pk=agreement_id).first()
    if current is None:
        raise NotFound()
    reason = (reason or "").strip()[:500]
    if not reason:
        raise InvalidInput.on("reason", _("请说明作废理由"))
    if not current.case.is_open:
        raise InvalidInput.on("case", _("该调处案件已办结或关闭"))
    agreement = AGREEMENT_MACHINE.apply(agreement_id, action="void", actor=actor, note=reason)
    _on_case(current.case, actor, "agreement_voided", reason, agreement=agreement.pk)
    return agreement


@transaction.atomic
def follow_up_schedule(
    *, actor, case_id: int, due_on: dt.date, visitor_person_id: int | None = None
) -> FollowUpVisit:
    """Plan a return visit to see whether the signed agreement is kept. It may be planned while
    the case is open or after it is resolved (the usual time)."""
    case = Case.objects.select_for_update().filter(pk=case_id, kind=CaseKind.MEDIATION).first()
    if case is None:
        raise NotFound()
    if not policies.may_mediate(actor, case):
        raise NotPermitted(_("只有调解员和负责的工作人员可以操作"))
    if due_on is None:
        raise InvalidInput.on("due_on", _("请填写回访日期"))
    if not case.agreements.filter(status=AgreementStatus.SIGNED).exists():
        raise InvalidInput.on("due_on", _("协议签署后才能安排回访"))
    visit = FollowUpVisit.objects.create(
        case=case,
        area_path=case.area_path,
        due_on=due_on,
        visitor_id=visitor_person_id or case.assignee_person_id,
    )
    _on_case(case, actor, "follow_up_scheduled", due_on.isoformat(), follow_up=visit.pk)
    return visit


@transaction.atomic
def follow_up_transition(
    *,
    actor,
    visit_id: int,
    action: str,
    outcome: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> FollowUpVisit:
    """``visit`` (with its outcome) or ``cancel``. A relapse tells the dispatching staff."""
    now = now or timezone.now()
    current = FollowUpVisit.objects.select_related("case").filter(pk=visit_id).first()
    if current is None:
        raise NotFound()
    if action not in ("visit", "cancel"):
        raise InvalidInput.on("action", _("操作应为 visit 或 cancel"))
    note = (note or "").strip()[:4000]
    changes: dict = {}
    if action == "visit":
        if outcome not in FollowUpOutcome.values:
            raise InvalidInput.on(
                "outcome", _("回访结果应为：%(v)s") % {"v": "、".join(FollowUpOutcome.values)}
            )
        changes = {"visited_at": now, "outcome": outcome, "note": note}
    visit = FOLLOW_UP_MACHINE.apply(
        visit_id, action=action, actor=actor, note=note, changes=changes,
        data={"outcome": outcome} if outcome else None,
    )  # fmt: skip
    _on_case(current.case, actor, f"follow_up_{action}", note, follow_up=visit.pk, outcome=outcome)
    if action == "visit" and outcome == FollowUpOutcome.RELAPSED:
        notify(
            recipients=dispatchers_of(current.case.owner_area_path),
            kind="case.follow_up_relapsed",
            title=_("回访发现矛盾反复：%(t)s") % {"t": current.case.title},
            body=note,
            url=_url(current.case),
            target=current.case,
        )
    return visit


__all__ = [
    "FollowUpStatus",
    "agreement_draft",
    "agreement_sign",
    "agreement_void",
    "follow_up_schedule",
    "follow_up_transition",
    "session_schedule",
    "session_transition",
]
