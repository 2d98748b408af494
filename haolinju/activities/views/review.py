"""The organiser's review desk: attendance awaiting confirmation (confirm or refuse with a
reason) and volunteers' correction requests (accept, which writes a correction record, or
refuse with an answer). 谁组织谁记录: only activities the actor manages appear."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haolinju.core.errors import NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors

from .. import hours, selectors
from ..services import attendance
from .common import run


def _int(value) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@login_required
@application_errors
def review(request):
    scope = jurisdiction_of(request.user)
    if not (scope.staff_paths or scope.is_superuser):
        raise NotPermitted(_("只有活动组织者可以处理"))
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("accept", "refuse"):
            run(
                request,
                lambda: attendance.correction_answer(
                    actor=request.user,
                    request_id=_int(request.POST.get("request_id")),
                    accept=action == "accept",
                    answer=request.POST.get("answer", ""),
                ),
                _("已同意更正，已写入更正记录") if action == "accept" else _("已驳回申请"),
            )
        elif action == "confirm":
            run(
                request,
                lambda: attendance.attendance_confirm(
                    actor=request.user, record_id=_int(request.POST.get("record_id"))
                ),
                _("已确认服务时长"),
            )
        elif action == "reject":
            run(
                request,
                lambda: attendance.attendance_reject(
                    actor=request.user,
                    record_id=_int(request.POST.get("record_id")),
                    reason=request.POST.get("reason", ""),
                ),
                _("已标记为未通过"),
            )
        return redirect("activities:review")
    requests = list(selectors.correction_requests(actor=request.user)[:100])
    pending = selectors.pending_records(actor=request.user)
    context = {
        "requests": [
            (r, hours.hours(r.record.minutes), hours.hours(r.requested_minutes)) for r in requests
        ],
        "pending": [(r, hours.hours(r.actual_minutes)) for r in pending],
    }
    return render(request, "activities/review.html", context)
