"""Joint meetings and the task tracker: the meeting list (hold a meeting: agenda, attendees,
minutes), a meeting with the tasks it raised (assign one), the tracker with filters (htmx), a
task with its milestones, progress figure, moves and timeline. Thin: parse → one service or
selector → template; application errors become messages on the same page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haolinju.core.errors import ApplicationError, InvalidInput, NotFound
from haolinju.core.pagination import paginate
from haolinju.core.timeline import timeline_for
from haolinju.core.web import application_errors, page_offset
from haolinju.org.selectors import area_get, organisation_get

from .. import policies, selectors
from ..models import TaskKind, TaskStatus
from ..services import meetings as meeting_services


def _date(value: str, field: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on(field, _("日期格式应为 年-月-日")) from None


def _int(value: str, field: str) -> int:
    if not value.strip().isdigit():
        raise InvalidInput.on(field, _("请选择"))
    return int(value)


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    actor = request.user
    areas = selectors.task_areas(actor=actor)
    if request.method == "POST":
        try:
            area = area_get(actor=actor, area_id=_int(request.POST.get("area_id", ""), "area_id"))
            meeting = meeting_services.meeting_create(
                actor=actor,
                area=area,
                held_on=_date(request.POST.get("held_on", ""), "held_on"),
                agenda=request.POST.get("agenda", ""),
                minutes=request.POST.get("minutes", ""),
                attendee_ids=[int(i) for i in request.POST.getlist("attendee_ids") if i.isdigit()],
            )
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已记录联席会议"))
            return redirect("deliberation:meeting", meeting.pk)
    page = paginate(
        selectors.meeting_list(actor=actor).select_related("area"),
        offset=page_offset(request),
        limit=20,
    )
    today = timezone.localdate()
    return render(
        request,
        "deliberation/meetings.html",
        {
            "page": page,
            "areas": areas,
            "attendees": selectors.owner_organisations(actor=actor, area=areas[0]) if areas else [],
            "default_day": meeting_services.last_friday(today.year, today.month),
        },
    )


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def meeting_detail(request, meeting_id: int):
    actor = request.user
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    if request.method == "POST":
        try:
            org = organisation_get(
                actor=actor,
                organisation_id=_int(request.POST.get("owner_org_id", ""), "owner_org_id"),
            )
            due = _date(request.POST.get("due_on", ""), "due_on")
            if due is None:
                raise InvalidInput.on("due_on", _("请填写完成时限"))
            task = meeting_services.task_create(
                actor=actor,
                area=meeting.area,
                title=request.POST.get("title", ""),
                owner_org=org,
                due_on=due,
                kind=request.POST.get("kind", TaskKind.PROBLEM),
                meeting=meeting,
                milestones=request.POST.get("milestones", "").splitlines(),
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound) and not request.POST.get("owner_org_id"):
                raise
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已交办：%(t)s") % {"t": task.title})
            return redirect("deliberation:meeting", meeting.pk)
    tasks = list(selectors.task_list(actor=actor, meeting=meeting))
    can_assign = policies.governs(actor, meeting.area_path)
    return render(
        request,
        "deliberation/meeting.html",
        {
            "meeting": meeting,
            "rows": _task_rows(tasks),
            "can_assign": can_assign,
            "orgs": selectors.owner_organisations(actor=actor, area=meeting.area)
            if can_assign
            else [],
            "kinds": TaskKind.choices,
            "default_due": meeting.held_on + dt.timedelta(days=30),
        },
    )


def _task_rows(tasks) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for t in tasks:
        milestones = list(t.milestones.all())
        done = sum(1 for m in milestones if m.done_on)
        total = len(milestones)
        if total == 0:
            done, total = (1, 1) if t.status in (TaskStatus.DONE, TaskStatus.CLOSED) else (0, 1)
        rows.append(
            {
                "task": t,
                "done": done,
                "total": total,
                "overdue": t.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
                and t.due_on < today,
            }
        )
    return rows


@login_required
@application_errors
@never_cache
def task_list(request):
    """The tracker: every task in scope, filtered by status, kind and overdue (htmx swaps the
    results only)."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.task_list(
        actor=request.user,
        status=status if status in TaskStatus.values else None,
        kind=kind if kind in TaskKind.values else None,
        overdue=overdue,
    )
    page = paginate(qs, offset=page_offset(request), limit=30)
    context = {
        "page": page,
        "rows": _task_rows(page.items),
        "filters": {"status": status, "kind": kind, "overdue": overdue},
        "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices,
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "deliberation/_task_rows.html" if partial else "deliberation/tasks.html"
    return render(request, template, context)


TASK_LABELS = {
    "task.create": gettext_lazy("交办"),
    "task.milestone": gettext_lazy("完成节点"),
    "task.reminded": gettext_lazy("逾期提醒"),
    "task.escalated": gettext_lazy("逾期升级"),
}


def _task_context(actor, task) -> dict:
    labels = {f"task.{a}": str(m.label) for a, m in meeting_services.TASKS.moves.items()}
    labels |= {k: str(v) for k, v in TASK_LABELS.items()}
    actions = meeting_services.TASKS.actions_for(task, actor)
    return {
        "task": task,
        "row": _task_rows([task])[0],
        "milestones": list(task.milestones.all()),
        "actions": [(a, meeting_services.TASKS.label(a)) for a in actions if a != "comment"],
        "can_comment": "comment" in actions,
        "can_edit": policies.governs(actor, task.area_path),
        "events": [(labels.get(e.action, e.action), e) for e in timeline_for(task)],
    }


@login_required
@application_errors
@never_cache
def task_detail(request, task_id: int):
    task = selectors.task_get(actor=request.user, task_id=task_id)
    return render(request, "deliberation/task.html", _task_context(request.user, task))


@login_required
@application_errors
@require_POST
def task_move(request, task_id: int):
    actor = request.user
    task = selectors.task_get(actor=actor, task_id=task_id)
    try:
        milestone = request.POST.get("milestone_id", "")
        if milestone:
            meeting_services.milestone_done(
                actor=actor, task=task, milestone_id=_int(milestone, "milestone_id")
            )
        else:
            meeting_services.task_transition(
                actor=actor,
                task=task,
                action=request.POST.get("action", ""),
                note=request.POST.get("note", ""),
            )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.detail)
    if request.htmx and milestone:
        task = selectors.task_get(actor=actor, task_id=task_id)
        return render(request, "deliberation/_task_progress.html", _task_context(actor, task))
    return redirect("deliberation:task", task_id)
