"""Joint meetings (default: the last Friday of the month) and the tasks they raise, plus
secretary-led projects and posted challenges on the same tracker. Progress is the share of
milestones done (an exact fraction); overdue tasks are reminded, then escalated."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.notify import notify
from haolinju.core.timeline import record
from haolinju.core.transitions import ANY, Move, StateMachine
from haolinju.org.models import Area, Organisation

from .. import policies
from ..models import JointMeeting, Milestone, Task, TaskKind, TaskStatus

T = TaskStatus


def _may(actor, task, action: str) -> bool:
    return policies.governs(actor, task.area_path)


TASKS = StateMachine(
    model=Task,
    moves={
        "start": Move({T.OPEN}, T.IN_PROGRESS, gettext_lazy("开始办理")),
        "progress": Move({T.OPEN, T.IN_PROGRESS}, None, gettext_lazy("报告进展")),
        "finish": Move({T.OPEN, T.IN_PROGRESS}, T.DONE, gettext_lazy("办结")),
        "reopen": Move({T.DONE}, T.IN_PROGRESS, gettext_lazy("退回重办")),
        "close": Move({T.DONE}, T.CLOSED, gettext_lazy("销号")),
        "comment": Move(ANY, None, gettext_lazy("评论")),
    },
    may=_may,
    event_prefix="task",
)


def last_friday(year: int, month: int) -> dt.date:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - calendar.FRIDAY) % 7)


@transaction.atomic
def meeting_create(
    *,
    actor,
    area: Area,
    held_on: dt.date | None = None,
    agenda: str = "",
    attendee_ids: list[int] = (),
    minutes: str = "",
) -> JointMeeting:
    if not policies.governs(actor, area.path):
        raise NotPermitted(_("只有该区域的工作人员可以召开联席会议"))
    today = timezone.localdate()
    meeting = JointMeeting.objects.create(
        area=area,
        area_path=area.path,
        held_on=held_on or last_friday(today.year, today.month),
        agenda=agenda,
        minutes=minutes,
        created_by=actor,
    )
    if attendee_ids:
        orgs = list(Organisation.objects.filter(pk__in=attendee_ids))
        if len(orgs) != len(set(attendee_ids)):
            raise InvalidInput.on("attendee_ids", _("有参会单位不存在"))
        meeting.attendees.set(orgs)
    record(meeting, actor=actor, action="meeting.create", note=agenda[:200])
    return meeting


@transaction.atomic
def task_create(
    *,
    actor,
    area: Area,
    title: str,
    owner_org: Organisation,
    due_on: dt.date,
    kind: str = TaskKind.PROBLEM,
    meeting: JointMeeting | None = None,
    milestones: list[str] = (),
) -> Task:
    if not policies.governs(actor, area.path):
        raise NotPermitted(_("只有该区域的工作人员可以交办事项"))
    if kind not in TaskKind.values:
        raise InvalidInput.on("kind", _("类型不正确"))
    if not title.strip():
        raise InvalidInput.on("title", _("请填写事项"))
    task = Task.objects.create(
        area=area,
        area_path=area.path,
        meeting=meeting,
        kind=kind,
        title=title.strip(),
        owner_org=owner_org,
        due_on=due_on,
        created_by=actor,
    )
    Milestone.objects.bulk_create(
        [Milestone(task=task, title=m, position=i) for i, m in enumerate(milestones) if m.strip()]
    )
    record(task, actor=actor, action="task.create", note=task.title, owner=owner_org.name)
    return task


def task_transition(*, actor, task: Task, action: str, note: str = "") -> Task:
    if action in ("progress", "reopen", "comment") and not note.strip():
        raise InvalidInput.on("note", _("请填写说明"))
    changes = {"progress_note": note.strip()} if action == "progress" else {}
    return TASKS.apply(task, action=action, actor=actor, note=note.strip(), changes=changes)


@transaction.atomic
def milestone_done(*, actor, task: Task, milestone_id: int, on: dt.date | None = None) -> Task:
    if not policies.governs(actor, task.area_path):
        raise NotPermitted()
    m = task.milestones.filter(pk=milestone_id).first()
    if m is None:
        raise InvalidInput.on("milestone_id", _("节点不存在"))
    m.done_on = on or timezone.localdate()
    m.save(update_fields=["done_on"])
    record(task, actor=actor, action="task.milestone", note=m.title)
    return task


def progress(task: Task) -> tuple[int, int]:
    """(milestones done, milestones) — shown as a fraction; a task without milestones counts
    as 0/1 until done and 1/1 after."""
    milestones = list(task.milestones.all())  # prefetched by the list selectors: no query
    if not milestones:
        return (1, 1) if task.status in (T.DONE, T.CLOSED) else (0, 1)
    return sum(1 for m in milestones if m.done_on is not None), len(milestones)


def remind_overdue(*, today: dt.date | None = None, escalate_after_days: int = 7) -> dict:
    """Remind the owning organisation's staff of overdue tasks once; escalate (notify the staff
    of the area above) when still open ``escalate_after_days`` past the due date."""
    from haolinju.people.models import Position

    today = today or timezone.localdate()
    now = timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    overdue = Task.objects.filter(status__in=[T.OPEN, T.IN_PROGRESS], due_on__lt=today)
    for task in overdue.select_related("owner_org", "area"):
        positions = Position.objects.filter(
            Q(organisation=task.owner_org) | Q(area_path=task.area_path), ended_on__isnull=True
        ).select_related("person__user")
        staff = [p.person.user for p in positions if p.person.user_id]
        with transaction.atomic():
            if task.reminded_at is None:
                notify(
                    recipients=staff,
                    kind="task.overdue",
                    title=_("督办提醒：%(t)s") % {"t": task.title},
                    body=_("已超过完成时限 %(d)s") % {"d": task.due_on},
                    url=f"/deliberation/tasks/{task.pk}/",
                    target=task,
                )
                Task.objects.filter(pk=task.pk).update(reminded_at=now)
                record(task, actor=None, action="task.reminded")
                counts["reminded"] += 1
            elif task.escalated_at is None and (today - task.due_on).days >= escalate_after_days:
                parent_path = task.area_path[:-9]
                above = [
                    p.person.user
                    for p in Position.objects.filter(area_path=parent_path).select_related(
                        "person__user"
                    )
                    if p.person.user_id
                ]
                notify(
                    recipients=above,
                    kind="task.escalated",
                    title=_("督办升级：%(t)s") % {"t": task.title},
                    body=_("责任单位：%(o)s，逾期未办结") % {"o": task.owner_org.name},
                    url=f"/deliberation/tasks/{task.pk}/",
                    target=task,
                )
                Task.objects.filter(pk=task.pk).update(escalated_at=now)
                record(task, actor=None, action="task.escalated")
                counts["escalated"] += 1
    return counts
