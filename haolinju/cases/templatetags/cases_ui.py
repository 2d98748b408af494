"""Template helpers of the cases pages, and the three-rates partial for area pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haolinju.cases import policies, stats
from haolinju.cases.models import SummonsStatus
from haolinju.cases.services.machine import LABELS

register = template.Library()

EVENTS = {
    "submit": _("提交诉求"),
    "overdue": _("超时提醒"),
    "overdue_top": _("超时督办"),
    "summons_overdue": _("吹哨超时提醒"),
    "summons_escalated": _("吹哨超时上报"),
    "summons_report_in": _("已报到"),
    "summons_report_back": _("已反馈结果"),
    "support": _("我也遇到"),
    "rectification": _("整改"),
    "photo": _("上传照片"),
    "session_scheduled": _("安排调解"),
    "session_hold": _("调解记录"),
    "session_cancel": _("取消调解"),
    "agreement_drafted": _("起草调解协议"),
    "agreement_signed": _("当事人签字"),
    "agreement_in_force": _("调解协议生效"),
    "agreement_voided": _("调解协议作废"),
    "follow_up_scheduled": _("安排回访"),
    "follow_up_visit": _("回访"),
    "follow_up_cancel": _("取消回访"),
    "micro_review": _("微评议"),
}


@register.filter
def action_label(action: str) -> str:
    return str(LABELS.get(action, action))


@register.filter
def event_label(action: str) -> str:
    name = action.split(".", 1)[-1]
    return str(EVENTS.get(name) or LABELS.get(name) or name)


@register.filter
def summons_label(status: str) -> str:
    try:
        return str(SummonsStatus(status).label)
    except ValueError:
        return status


@register.inclusion_tag("cases/_area_rates.html", takes_context=True)
def case_rates(context, area):
    """The three rates (and on-time, return, redo) of an area for the last 30 days, for staff
    whose scope covers it; nothing for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if area is None or user is None or not policies.may_see_stats(user, area.path):
        return {"show": False}
    end = timezone.now()
    figures = stats.figures(stats.Scope(area_path=area.path), end - dt.timedelta(days=30), end)
    rows = [
        (_("响应率"), figures["response"]),
        (_("解决率"), figures["resolution"]),
        (_("满意率"), figures["satisfaction"]),
        (_("按时办结率"), figures["on_time"]),
        (_("回退率"), figures["return"]),
        (_("重办率"), figures["redo"]),
    ]
    fixed = stats.fixed_counts(area.path) if area.kind == "compound" else {}
    return {"show": True, "rows": rows, "fixed": fixed, "area": area}


@register.simple_tag(takes_context=True)
def case_nav(context) -> dict:
    """Which cases pages the menu offers: everyone with a person record asks; dispatchers get
    the board; assignees their orders; organisations' staff the whistle inbox."""
    from haolinju.cases.selectors import case_actor

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    who = case_actor(user)
    return {
        "ask": who.person_id is not None,
        "board": who.is_superuser or bool(who.dispatch_paths or who.see_paths),
        "orders": who.person_id is not None,
        "whistles": bool(who.organisation_ids),
    }
