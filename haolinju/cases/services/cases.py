"""Writes of the service loop. Every status change goes through ``CASE_MACHINE.apply``
(row lock, table, policy, timeline event in one transaction); notifications are inbox rows in
the same transaction, their email and webhooks go out after commit (``core.notify``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core import timeline
from haolinju.core.calendar import due_at
from haolinju.core.deeds import Deed, publish
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.notify import notify
from haolinju.core.scope import path_ids
from haolinju.org.models import Area, AreaKind, Organisation
from haolinju.people.models import Person

from .. import policies
from ..models import (
    AgreementStatus,
    Case,
    CaseKind,
    Category,
    CloseReason,
    MediationDetail,
    OrderType,
    ProblemReportDetail,
    Rating,
    ServiceOrderDetail,
    SolvedAnswer,
    StateType,
    Status,
    Summons,
    SummonsStatus,
    Support,
    state_type_of,
)
from ..selectors import DISPATCH_TITLES, case_actor, positions_at, visible_cases
from .machine import API_ACTIONS, CASE_MACHINE, SUMMONS_MACHINE

OWNER_LEVELS = (AreaKind.COMPOUND, AreaKind.COMMUNITY, AreaKind.STREET)
PLACE_KINDS = (AreaKind.COMPOUND, AreaKind.BUILDING, AreaKind.ENTRANCE, AreaKind.UNIT)


def _url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def owner_for(area: Area) -> Area:
    """The compound a case belongs to (its first receiver), or the area itself above it."""
    if area.kind in OWNER_LEVELS or area.kind in (AreaKind.DISTRICT, AreaKind.CITY):
        return area
    compound = Area.objects.filter(pk__in=path_ids(area.path), kind=AreaKind.COMPOUND).first()
    return compound or area


def dispatchers_of(path: str) -> list:
    """Users holding a dispatching post exactly at ``path`` (the owner level)."""
    return [
        p.person.user
        for p in positions_at([path], list(DISPATCH_TITLES)).select_related("person__user")
        if p.person.user_id
    ]


def organisation_users(organisation_id: int) -> list:
    from haolinju.people.selectors import active_positions

    return [
        p.person.user
        for p in active_positions()
        .filter(organisation_id=organisation_id)
        .select_related("person__user")
        if p.person.user_id
    ]


def dispatchers_by_path(paths) -> dict[str, list]:
    """``dispatchers_of`` for many owner paths in one query."""
    found: dict[str, list] = {}
    paths = list(paths)
    if not paths:
        return found
    for p in positions_at(paths, list(DISPATCH_TITLES)).select_related("person__user"):
        if p.person.user_id:
            found.setdefault(p.area_path, []).append(p.person.user)
    return found


def organisation_users_many(organisation_ids) -> dict[int, list]:
    from haolinju.people.selectors import active_positions

    found: dict[int, list] = {}
    ids = list(organisation_ids)
    if not ids:
        return found
    for p in active_positions().filter(organisation_id__in=ids).select_related("person__user"):
        if p.person.user_id:
            found.setdefault(p.organisation_id, []).append(p.person.user)
    return found


def assignee_users_many(cases) -> dict[int, list]:
    """``assignee_users`` for many cases in two queries at most."""
    cases = list(cases)
    person_ids = {c.assignee_person_id for c in cases if c.assignee_person_id}
    people = {
        p.pk: p.user
        for p in Person.objects.filter(pk__in=person_ids, user__isnull=False).select_related(
            "user"
        )
    } if person_ids else {}  # fmt: skip
    orgs = organisation_users_many(
        {c.assignee_organisation_id for c in cases if c.assignee_organisation_id}
    )
    found = {}
    for c in cases:
        if c.assignee_person_id:
            found[c.pk] = [people[c.assignee_person_id]] if c.assignee_person_id in people else []
        else:
            found[c.pk] = orgs.get(c.assignee_organisation_id, [])
    return found


def assignee_users(case: Case) -> list:
    if case.assignee_person_id:
        person = Person.objects.select_related("user").get(pk=case.assignee_person_id)
        return [person.user] if person.user_id else []
    if case.assignee_organisation_id:
        return organisation_users(case.assignee_organisation_id)
    return []


def requester_user(case: Case):
    if case.requester_id is None:
        return None
    return Person.objects.select_related("user").get(pk=case.requester_id).user


def _step(step: str, start: dt.datetime, within: str) -> dict:
    due = due_at(start, within)
    return {"step": step, "due_at": due, "next_check_at": due, "overdue_stage": 0}


NO_STEP = {"step": "", "due_at": None, "next_check_at": None, "overdue_stage": 0}


@transaction.atomic
def case_create(
    *,
    actor,
    kind: str,
    category_code: str,
    title: str,
    description: str,
    area: Area | None = None,
    order_type: str = "",
    public: bool = True,
    anonymous: bool = False,
    address: str = "",
    latitude=None,
    longitude=None,
    parties: list | None = None,
    requester: Person | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """A resident asks or reports (for themselves); staff may register one for a resident of
    their area. The owner is the compound, the first receiver, until it is dispatched or
    escalated; the dispatching staff there are told."""
    now = now or timezone.now()
    if kind not in CaseKind.values:
        raise InvalidInput.on("kind", _("类别应为：%(v)s") % {"v": "、".join(CaseKind.values)})
    category = Category.objects.filter(code=category_code, active=True).first()
    if category is None or category.kind != kind:
        raise InvalidInput.on("category", _("请选择该类别下的分类"))
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise InvalidInput.on("title", _("请填写标题"))
    if len(title) > 120:
        raise InvalidInput.on("title", _("标题不能超过 120 字"))
    if not description:
        raise InvalidInput.on("description", _("请描述具体情况"))
    if len(description) > 4000:
        raise InvalidInput.on("description", _("描述不能超过 4000 字"))
    who = case_actor(actor)
    if requester is None:
        if who.person_id is None:
            raise NotPermitted(_("没有关联居民档案的账号不能提交诉求"))
        requester = Person.objects.select_related("area").get(pk=who.person_id)
    if area is None:
        area = requester.area
    if who.person_id == requester.pk and not who.dispatches(area.path):
        own_place = requester.area_path.startswith(area.path)
        if not own_place or area.kind not in PLACE_KINDS:
            raise InvalidInput.on("area", _("只能就自己所在的小区提交"))
    elif not who.dispatches(area.path):
        raise NotFound()
    if kind == CaseKind.SERVICE_ORDER:
        order_type = order_type or OrderType.HELP
        if order_type not in OrderType.values:
            raise InvalidInput.on("order_type", _("订单类型有误"))
    parties = [str(p).strip()[:60] for p in (parties or []) if str(p).strip()]
    if kind == CaseKind.MEDIATION and not parties:
        raise InvalidInput.on("parties", _("请填写当事人"))
    owner = owner_for(area)
    case = Case.objects.create(
        kind=kind,
        category=category,
        title=title,
        description=description,
        area=area,
        area_path=area.path,
        requester=requester,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        owner_area=owner,
        owner_area_path=owner.path,
        created_at=now,
        resolve_due_at=due_at(now, category.resolve_within),
        **_step("dispatch", now, category.dispatch_within),
    )
    if kind == CaseKind.SERVICE_ORDER:
        ServiceOrderDetail.objects.create(case=case, order_type=order_type)
    elif kind == CaseKind.PROBLEM_REPORT:
        ProblemReportDetail.objects.create(
            case=case,
            public=public,
            anonymous=anonymous,
            address=address[:200],
            latitude=latitude,
            longitude=longitude,
        )
    else:
        MediationDetail.objects.create(case=case, parties=parties)
    timeline.record(case, actor=actor, action="case.submit", note=title, category=category.code)
    notify(
        recipients=dispatchers_of(owner.path),
        kind="case.submitted",
        title=_("新诉求：%(t)s") % {"t": title},
        body=category.name,
        url=_url(case),
        target=case,
    )
    return case


def _assignee_changes(
    case: Case, *, assignee_person_id: int | None, assignee_organisation_id: int | None
) -> dict:
    if bool(assignee_person_id) == bool(assignee_organisation_id):
        raise InvalidInput.on("assignee_person", _("请指定一名接单人或一个接单单位"))
    if assignee_person_id:
        person = Person.objects.filter(pk=assignee_person_id).first()
        if person is None or person.user_id is None:
            raise InvalidInput.on("assignee_person", _("接单人不存在或没有账号"))
        return {"assignee_person_id": person.pk, "assignee_organisation_id": None}
    org = Organisation.objects.filter(pk=assignee_organisation_id).first()
    if org is None:
        raise InvalidInput.on("assignee_organisation", _("接单单位不存在"))
    return {"assignee_person_id": None, "assignee_organisation_id": org.pk}


CLOSE_REASONS = {r for r in CloseReason.values if r != CloseReason.FIXED}


def case_transition(
    *,
    actor,
    case_id: int,
    action: str,
    note: str = "",
    reason: str = "",
    assignee_person_id: int | None = None,
    assignee_organisation_id: int | None = None,
    duplicate_of_id: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """One move of the order, by a person (the worker uses ``supervision``)."""
    if action not in API_ACTIONS:
        raise InvalidInput.on("action", _("不能通过此接口执行该操作：%(a)s") % {"a": action})
    return _apply(
        actor=actor,
        case_id=case_id,
        action=action,
        note=note,
        reason=reason,
        assignee_person_id=assignee_person_id,
        assignee_organisation_id=assignee_organisation_id,
        duplicate_of_id=duplicate_of_id,
        now=now,
    )


@transaction.atomic
def _apply(
    *,
    actor,
    case_id: int,
    action: str,
    note: str = "",
    reason: str = "",
    assignee_person_id: int | None = None,
    assignee_organisation_id: int | None = None,
    duplicate_of_id: int | None = None,
    now: dt.datetime | None = None,
    data: dict | None = None,
) -> Case:
    now = now or timezone.now()
    note = (note or "").strip()[:1000]
    current = Case.objects.select_related("category", "owner_area").filter(pk=case_id).first()
    if current is None:
        raise NotFound()
    category = current.category
    changes: dict = {}
    data = dict(data or {})
    if action in ("dispatch", "redispatch"):
        changes = _assignee_changes(
            current,
            assignee_person_id=assignee_person_id,
            assignee_organisation_id=assignee_organisation_id,
        )
        changes |= _step("accept", now, category.accept_within)
        data |= {k: v for k, v in changes.items() if k.startswith("assignee")}
    elif action in ("decline", "accept_timeout"):
        if action == "decline" and not (reason or note):
            raise InvalidInput.on("reason", _("退回时请说明理由"))
        changes = {"decline_count": current.decline_count + 1}
        changes |= _step("dispatch", now, category.dispatch_within)
        data["reason"] = reason or note
    elif action in ("accept", "start"):
        due = current.resolve_due_at or due_at(now, category.resolve_within)
        changes = {"step": "resolve", "due_at": due, "next_check_at": due, "overdue_stage": 0}
    elif action == "resolve":
        if (
            current.kind == CaseKind.MEDIATION
            and not current.agreements.filter(status=AgreementStatus.SIGNED).exists()
        ):
            raise InvalidInput.on("action", _("调解协议签署后才能办结；调解不成请以“无法解决”关闭"))
        changes = {"resolved_at": now, "state_type": StateType.FIXED, **NO_STEP}
    elif action == "reopen":
        changes = {
            "reopen_count": current.reopen_count + 1,
            "resolved_at": None,
            "state_type": StateType.OPEN,
            "resolve_due_at": due_at(now, category.resolve_within),
            **_step("resolve", now, category.resolve_within),
        }
    elif action == "finish":
        changes = {"closed_at": now, "close_reason": CloseReason.FIXED, **NO_STEP}
        changes["state_type"] = state_type_of(Status.CLOSED, CloseReason.FIXED)
    elif action == "close":
        if reason not in CLOSE_REASONS:
            raise InvalidInput.on(
                "reason", _("关闭原因应为：%(v)s") % {"v": "、".join(sorted(CLOSE_REASONS))}
            )
        if reason != CloseReason.WITHDRAWN and not case_actor(actor).dispatches(
            current.owner_area_path
        ):
            raise InvalidInput.on("reason", _("您只能撤回自己的诉求"))
        changes = {"closed_at": now, "close_reason": reason, **NO_STEP}
        changes["state_type"] = state_type_of(Status.CLOSED, reason)
        if reason == CloseReason.DUPLICATE:
            original = (
                visible_cases(actor=actor, public=False)
                .filter(pk=duplicate_of_id, duplicate_of__isnull=True)
                .exclude(pk=case_id)
                .first()
            )
            if original is None:
                raise InvalidInput.on("duplicate_of", _("请指明原始诉求"))
            changes |= {"duplicate_of_id": original.pk, "locked": True}
            data["duplicate_of"] = original.pk
        data["reason"] = reason
    elif action == "escalate":
        parent = _level_above(current.owner_area)
        if parent is None:
            raise InvalidInput.on("action", _("已是最高一级，无法再上报"))
        changes = {"owner_area_id": parent.pk, "owner_area_path": parent.path}
        if current.step:
            within = {
                "dispatch": category.dispatch_within,
                "accept": category.accept_within,
                "resolve": category.resolve_within,
            }[current.step]
            changes |= _step(current.step, now, within)
        data["to"] = parent.name
    elif action in ("comment", "whistle"):
        if action == "comment" and not note:
            raise InvalidInput.on("note", _("请填写留言内容"))
    case = CASE_MACHINE.apply(
        case_id, action=action, actor=actor, note=note, changes=changes, data=data
    )
    _tell(case, action, note)
    return case


def _level_above(area: Area) -> Area | None:
    """compound → community → street; nothing above the street."""
    if area.kind not in (AreaKind.COMPOUND, AreaKind.COMMUNITY):
        return None
    ids = path_ids(area.path)
    return Area.objects.filter(pk=ids[-2]).first() if len(ids) > 1 else None


def _tell(case: Case, action: str, note: str) -> None:
    """Who hears about a move, in their inbox (email and webhooks after commit)."""
    title = f"{CASE_MACHINE.label(action)}：{case.title}"
    if action in ("dispatch", "redispatch"):
        owner = (
            ("org.organisation", case.assignee_organisation_id)
            if case.assignee_organisation_id
            else None
        )
        notify(
            recipients=assignee_users(case),
            kind="case.dispatched",
            title=title,
            body=note,
            url=_url(case),
            target=case,
            webhook_owner=owner,
        )
    elif action in ("decline", "accept_timeout", "escalate"):
        notify(
            recipients=dispatchers_of(case.owner_area_path),
            kind=f"case.{action}",
            title=title,
            body=note,
            url=_url(case),
            target=case,
        )
    elif action in ("accept", "resolve", "close", "reopen"):
        recipients = [requester_user(case)]
        if action == "reopen":
            recipients += assignee_users(case)
        notify(
            recipients=recipients,
            kind=f"case.{action}",
            title=title,
            body=note,
            url=_url(case),
            target=case,
        )


@transaction.atomic
def case_rate(
    *,
    actor,
    case_id: int,
    contacted: bool,
    solved: str,
    score: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """The requester answers the three questions once. "Not solved" reopens the order (once by
    default, ``HAOLINJU_CASE_MAX_REOPENS``); a rating of a person's work is published as a deed
    (``case.rated``) for the points ledger."""
    now = now or timezone.now()
    if solved not in SolvedAnswer.values:
        raise InvalidInput.on("solved", _("请回答是否已解决"))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput.on("score", _("满意度应为 1 到 5 分"))
    case = CASE_MACHINE.apply(
        case_id,
        action="rate",
        actor=actor,
        note=(comment or "")[:500],
        data={"contacted": bool(contacted), "solved": solved, "score": score},
        check=lambda locked: _not_rated(locked),
    )
    rating = Rating.objects.create(
        case=case,
        rated_by_id=case.requester_id,
        round=case.reopen_count,
        contacted=bool(contacted),
        solved=solved,
        score=score,
        comment=(comment or "")[:500],
        area_path=case.area_path,
        assignee_person_id=case.assignee_person_id,
        assignee_organisation_id=case.assignee_organisation_id,
        created_at=now,
    )
    if case.assignee_person_id:
        publish(
            Deed(
                kind="case.rated",
                source_type="cases.case",
                source_id=case.pk,
                person_id=case.assignee_person_id,
                area_path=case.area_path,
                occurred_on=timezone.localdate(now),
                quantity=1,
                item_code=case.category.code,
                verified_by_id=getattr(actor, "pk", None),
                data={"score": score, "solved": solved, "contacted": bool(contacted)},
            )
        )
    if solved == SolvedAnswer.NO and policies.may(actor, case, "reopen"):
        _apply(actor=actor, case_id=case.pk, action="reopen", note=_("评价为未解决，重办"), now=now)
    notify(
        recipients=assignee_users(case) + dispatchers_of(case.owner_area_path),
        kind="case.rated",
        title=_("收到评价：%(t)s") % {"t": case.title},
        body=f"{score}/5",
        url=_url(case),
        target=case,
    )
    return rating


def _not_rated(case: Case) -> None:
    if Rating.objects.filter(case=case, round=case.reopen_count).exists():
        from haolinju.core.transitions import InvalidTransition

        raise InvalidTransition(_("该诉求已评价过"))


@transaction.atomic
def case_whistle(
    *, actor, case_id: int, organisation_id: int, note: str = "", now: dt.datetime | None = None
) -> Summons:
    """Summon an organisation (吹哨): it must report in, then report back, each in time."""
    now = now or timezone.now()
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        raise InvalidInput.on("organisation", _("请选择被吹哨的单位"))
    case = CASE_MACHINE.apply(
        case_id, action="whistle", actor=actor, note=note, data={"organisation": org.pk}
    )
    due = due_at(now, case.category.report_in_within)
    try:
        with transaction.atomic():
            summons = Summons.objects.create(
                case=case,
                organisation=org,
                area_path=case.area_path,
                whistled_by=actor,
                note=note,
                whistled_at=now,
                report_in_due_at=due,
                due_at=due,
                next_check_at=due,
            )
    except IntegrityError:
        raise InvalidInput.on("organisation", _("已向该单位吹哨")) from None
    notify(
        recipients=organisation_users(org.pk),
        kind="case.whistled",
        title=_("吹哨报到：%(t)s") % {"t": case.title},
        body=note,
        url=_url(case),
        target=case,
        webhook_owner=("org.organisation", org.pk),
    )
    return summons


@transaction.atomic
def summons_report(
    *, actor, summons_id: int, action: str, note: str = "", now: dt.datetime | None = None
) -> Summons:
    """The summoned organisation reports in (报到), then back with its result."""
    now = now or timezone.now()
    if action not in ("report_in", "report_back"):
        raise InvalidInput.on("action", _("操作应为报到或反馈"))
    current = Summons.objects.select_related("case__category").filter(pk=summons_id).first()
    if current is None:
        raise NotFound()
    if action == "report_in":
        due = due_at(now, current.case.category.report_back_within)
        changes = {
            "reported_in_at": now,
            "report_back_due_at": due,
            "due_at": due,
            "next_check_at": due,
            "overdue_stage": 0,
        }
    else:
        if not (note or "").strip():
            raise InvalidInput.on("note", _("请填写办理结果"))
        changes = {
            "reported_back_at": now,
            "result": note.strip(),
            "due_at": None,
            "next_check_at": None,
            "overdue_stage": 0,
        }
    summons = SUMMONS_MACHINE.apply(
        summons_id, action=action, actor=actor, note=note, changes=changes
    )
    timeline.record(
        summons.case,
        actor=actor,
        action=f"case.summons_{action}",
        note=note,
        organisation=summons.organisation_id,
    )
    notify(
        recipients=dispatchers_of(summons.case.owner_area_path),
        kind=f"case.summons_{action}",
        title=f"{SUMMONS_MACHINE.label(action)}：{summons.case.title}",
        body=note,
        url=_url(summons.case),
        target=summons.case,
    )
    return summons


@transaction.atomic
def case_support(*, actor, case_id: int) -> int:
    """ "Me too" on a public problem report, once per resident; returns the new count."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    if not policies.may_support(actor, case):
        raise NotPermitted(_("不能对该问题点“我也遇到”"))
    person_id = case_actor(actor).person_id
    try:
        with transaction.atomic():
            Support.objects.create(case=case, person_id=person_id)
    except IntegrityError:
        raise InvalidInput.on("case", _("您已经点过“我也遇到”")) from None
    ProblemReportDetail.objects.filter(case=case).update(supports=F("supports") + 1)
    timeline.record(case, actor=actor, action="case.support")
    return ProblemReportDetail.objects.get(case=case).supports


@transaction.atomic
def rectification_record(
    *, actor, case_id: int, plan: str = "", result: str = "", fixed_quantity: int | None = None
) -> ProblemReportDetail:
    """The branch's rectification plan and result of a problem report (on the timeline)."""
    case = Case.objects.select_for_update().filter(pk=case_id, kind="problem_report").first()
    if case is None:
        raise NotFound()
    if not policies.is_dispatcher(case_actor(actor), case) and not policies.is_assignee(
        case_actor(actor), case
    ):
        raise NotPermitted()
    detail = case.report
    if plan:
        detail.rectification_plan = plan.strip()[:4000]
    if result:
        detail.rectification_result = result.strip()[:4000]
    if fixed_quantity is not None:
        if fixed_quantity < 0:
            raise InvalidInput.on("fixed_quantity", _("数量不能为负"))
        detail.fixed_quantity = fixed_quantity
    detail.save()
    timeline.record(
        case,
        actor=actor,
        action="case.rectification",
        note=result or plan,
        fixed_quantity=detail.fixed_quantity,
    )
    return detail


__all__ = [
    "Status",
    "SummonsStatus",
    "case_create",
    "case_rate",
    "case_support",
    "case_transition",
    "case_whistle",
    "rectification_record",
    "summons_report",
]
