from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors
from haolinju.org.models import AreaKind
from haolinju.org.selectors import area_get

from .. import hours, presenters, selectors
from ..models import ActivityStatus, RecordStatus
from ..policies import may_manage
from ..services import activities as activity_services
from ..services import attendance, signups
from .common import partial, run

ORGANISED_KINDS = (AreaKind.COMPOUND, AreaKind.COMMUNITY, AreaKind.STREET)


@login_required
@application_errors
def activity_list(request):
    scope = jurisdiction_of(request.user)
    since = timezone.now() - dt.timedelta(days=1)
    qs = selectors.activity_list(actor=request.user, starts_from=since).exclude(
        status=ActivityStatus.CANCELLED
    )
    mine = selectors.my_active_signup_ids(actor=request.user)
    context = {
        "activities": list(qs[:60]),
        "mine": mine,
        "can_organise": bool(scope.staff_paths) or scope.is_superuser,
    }
    return render(request, "activities/list.html", context)


@login_required
@application_errors
def activity_detail(request, activity_id: int):
    activity = selectors.activity_get(actor=request.user, activity_id=activity_id)
    scope = jurisdiction_of(request.user)
    signup = selectors.my_signup(activity, scope.person_id)
    actions = [
        (a, activity_services.MACHINE.label(a))
        for a in activity_services.actions_for(activity, request.user)
    ]
    context = {
        "activity": activity,
        "signup": signup,
        "position": selectors.waitlist_position(signup) if signup else None,
        "actions": actions,
        "manages": may_manage(request.user, activity),
        "hours": hours.hours(activity.scheduled_minutes),
    }
    return render(request, "activities/detail.html", context)


@login_required
@require_POST
@application_errors
def activity_signup(request, activity_id: int):
    if request.POST.get("cancel"):
        run(
            request,
            lambda: signups.signup_cancel(actor=request.user, activity_id=activity_id),
            _("已取消报名"),
        )
    else:
        signup = run(
            request, lambda: signups.signup_create(actor=request.user, activity_id=activity_id)
        )
        if signup is not None:
            if signup.status == "confirmed":
                messages_ok = _("报名成功")
            else:
                messages_ok = _("名额已满，您在候补第 %(n)s 位") % {
                    "n": selectors.waitlist_position(signup)
                }
            from django.contrib import messages

            messages.success(request, messages_ok)
    return redirect("activities:detail", activity_id)


@login_required
@require_POST
@application_errors
def activity_transition(request, activity_id: int):
    run(
        request,
        lambda: activity_services.activity_transition(
            actor=request.user,
            activity_id=activity_id,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已更新活动状态"),
    )
    return redirect("activities:detail", activity_id)


class ActivityForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("活动项目"))
    area = forms.ChoiceField(label=gettext_lazy("发布范围"))
    title = forms.CharField(
        label=gettext_lazy("活动名称（可空，默认用项目名）"), required=False, max_length=100
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间（可空，按项目默认时长）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    places = forms.IntegerField(
        label=gettext_lazy("名额"), min_value=1, max_value=10000, initial=12
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("活动内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    walk_ins = forms.BooleanField(label=gettext_lazy("允许现场报名"), required=False)
    is_duty = forms.BooleanField(label=gettext_lazy("作为在职党员报到任务"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (i.pk, f"{i.category.name} › {i.current.name}") for i in selectors.library()
        ]
        self.fields["area"].choices = [
            (a.pk, f"{a.get_kind_display()} · {a.name}")
            for a in selectors.organised_areas(actor=actor, kinds=ORGANISED_KINDS)
        ]


@login_required
@application_errors
def activity_new(request):
    scope = jurisdiction_of(request.user)
    if not (scope.staff_paths or scope.is_superuser):
        raise NotPermitted(_("只有工作人员可以发布活动"))
    form = ActivityForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = activity_services.activity_create(
                actor=request.user,
                item_id=int(data["item"]),
                area=area_get(actor=request.user, area_id=int(data["area"])),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                places=data["places"],
                place=data["place"],
                title=data["title"],
                description=data["description"],
                walk_ins=data["walk_ins"],
                is_duty=data["is_duty"],
            )
        except InvalidInput as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/new.html", {"form": form})


def _manage_context(activity) -> dict:
    roster = list(selectors.roster(activity))
    records = selectors.records_by_person(activity)
    return {
        "activity": activity,
        "rows": [(s, records.get(s.person_id)) for s in roster],
        "counts": selectors.checkin_counts(activity),
        "pending": RecordStatus.PENDING,
        "confirmed": RecordStatus.CONFIRMED,
    }


@login_required
@application_errors
def activity_manage(request, activity_id: int):
    """The organiser's page: rotating QR, live count, roster, confirm hours."""
    activity = activity_services.activity_for_manager(actor=request.user, activity_id=activity_id)
    context = _manage_context(activity) | {"code": presenters.venue_code(activity)}
    return render(request, "activities/manage.html", context)


@login_required
@never_cache
@application_errors
def checkin_code(request, activity_id: int):
    activity = activity_services.activity_for_manager(actor=request.user, activity_id=activity_id)
    return render(
        request,
        "activities/_code.html",
        {"code": presenters.venue_code(activity), "activity": activity},
    )


@login_required
@never_cache
@application_errors
def checkin_count(request, activity_id: int):
    activity = activity_services.activity_for_manager(actor=request.user, activity_id=activity_id)
    return render(request, "activities/_roster.html", _manage_context(activity))


@login_required
@require_POST
@application_errors
def record_action(request, activity_id: int):
    activity = activity_services.activity_for_manager(actor=request.user, activity_id=activity_id)
    action = request.POST.get("action")
    record_id = int(request.POST.get("record_id") or 0)
    if action == "confirm":
        run(
            request,
            lambda: attendance.attendance_confirm(actor=request.user, record_id=record_id),
            _("已确认服务时长"),
        )
    elif action == "reject":
        run(
            request,
            lambda: attendance.attendance_reject(
                actor=request.user, record_id=record_id, reason=request.POST.get("reason", "")
            ),
            _("已标记为未通过"),
        )
    elif action == "manual":

        def manual():
            start = activity.starts_at
            minutes = int(request.POST.get("minutes") or 0)
            return attendance.attendance_record(
                actor=request.user,
                activity_id=activity.pk,
                person_id=int(request.POST.get("person_id") or 0),
                checked_in_at=start,
                checked_out_at=start + dt.timedelta(minutes=minutes),
                confirm=True,
            )

        run(request, manual, _("已录入并确认"))
    elif action == "correct":
        run(
            request,
            lambda: attendance.attendance_correct(
                actor=request.user,
                record_id=record_id,
                minutes=int(request.POST.get("minutes") or 0),
                reason=request.POST.get("reason", ""),
            ),
            _("已提交更正记录"),
        )
    return redirect("activities:manage", activity.pk)


def _scan_result(request, result):
    return render(request, "activities/_scan_result.html", {"result": result})


@login_required
@application_errors
def scan(request, activity_id: int):
    """The volunteer scans the organiser's code: camera where the browser can decode QR codes
    (BarcodeDetector), the typed code otherwise."""
    activity = selectors.activity_get(actor=request.user, activity_id=activity_id)
    result = None
    if request.method == "POST":
        position = None
        try:
            lat, lon = request.POST.get("latitude"), request.POST.get("longitude")
            if lat and lon:
                from decimal import Decimal

                position = (Decimal(lat), Decimal(lon))
        except ArithmeticError:
            position = None
        result = attendance.checkin_by_venue_code(
            actor=request.user,
            activity_id=activity.pk,
            code=request.POST.get("code", "")[:80],
            position=position,
        )
        if partial(request):
            return _scan_result(request, result)
    return render(request, "activities/scan.html", {"activity": activity, "result": result})


@login_required
@require_POST
@application_errors
def organiser_scan(request, activity_id: int):
    """The organiser enters (or scans) a volunteer's personal code."""
    result = attendance.checkin_by_personal_code(
        actor=request.user, activity_id=activity_id, code=request.POST.get("code", "")[:80]
    )
    if partial(request):
        return _scan_result(request, result)
    from django.contrib import messages

    (messages.success if result.http_status == 200 else messages.error)(
        request, f"{result.person_name} {result.message}".strip()
    )
    return redirect("activities:manage", activity_id)
