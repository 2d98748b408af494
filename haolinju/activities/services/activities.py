"""Creating activities and moving them through their states (``core.transitions``).

draft → published → ongoing → finished → archived; draft, published or ongoing → cancelled
with a reason. Cancelling tells everyone signed up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.transitions import Move, StateMachine
from haolinju.org.models import Area, AreaKind

from ..models import ACTIVE_SIGNUP, Activity, ActivityItem, ActivityScope, ActivityStatus
from ..policies import may_manage, may_organise_at
from ..selectors import activity_get
from . import notices

S = ActivityStatus

SCOPE_OF_KIND = {
    AreaKind.COMPOUND: ActivityScope.COMPOUND,
    AreaKind.COMMUNITY: ActivityScope.COMMUNITY,
    AreaKind.STREET: ActivityScope.STREET,
}


def _may(actor, activity: Activity, action: str) -> bool:
    return may_manage(actor, activity)


MACHINE = StateMachine(
    model=Activity,
    field="status",
    moves={
        "publish": Move({S.DRAFT}, S.PUBLISHED, gettext_lazy("发布")),
        "start": Move({S.PUBLISHED}, S.ONGOING, gettext_lazy("开始")),
        "finish": Move({S.PUBLISHED, S.ONGOING}, S.FINISHED, gettext_lazy("结束")),
        "archive": Move({S.FINISHED}, S.ARCHIVED, gettext_lazy("归档")),
        "cancel": Move({S.DRAFT, S.PUBLISHED, S.ONGOING}, S.CANCELLED, gettext_lazy("取消")),
    },
    may=_may,
    area_path=lambda obj: obj.area_path,
)


@transaction.atomic
def activity_create(
    *,
    actor,
    item_id: int,
    area: Area,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    places: int,
    place: str,
    title: str = "",
    description: str = "",
    skills: list[str] | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    geofence_m: int | None = None,
    signup_opens_at: dt.datetime | None = None,
    signup_closes_at: dt.datetime | None = None,
    cancel_cutoff_minutes: int = 120,
    early_minutes: int = 30,
    walk_ins: bool = False,
    is_duty: bool = False,
) -> Activity:
    """A draft activity from a library item's current version, at a compound, community or
    street the actor governs. Unset end, title and skills come from the item."""
    if area.kind not in SCOPE_OF_KIND:
        raise InvalidInput.on("area_id", _("活动范围应为小区、社区或街道"))
    if not may_organise_at(actor, area.path):
        raise NotPermitted(_("只能在自己负责的区域组织活动"))
    item = ActivityItem.objects.select_related("current").filter(pk=item_id, active=True).first()
    if item is None or item.current is None:
        raise InvalidInput.on("item_id", _("活动项目不存在"))
    version = item.current
    ends_at = ends_at or starts_at + dt.timedelta(minutes=version.default_minutes)
    if ends_at <= starts_at:
        raise InvalidInput.on("ends_at", _("结束时间应晚于开始时间"))
    if not 1 <= places <= 10000:
        raise InvalidInput.on("places", _("名额应在1到10000之间"))
    if not place.strip():
        raise InvalidInput.on("place", _("请填写活动地点"))
    if (latitude is None) != (longitude is None):
        raise InvalidInput.on("latitude", _("经纬度应同时填写"))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput.on("latitude", _("经纬度超出范围"))
    if signup_opens_at and signup_closes_at and signup_closes_at <= signup_opens_at:
        raise InvalidInput.on("signup_closes_at", _("报名截止应晚于报名开始"))
    return Activity.objects.create(
        item_version=version,
        title=title.strip() or version.name,
        description=description,
        scope=SCOPE_OF_KIND[area.kind],
        area=area,
        area_path=area.path,
        place=place.strip(),
        latitude=latitude,
        longitude=longitude,
        geofence_m=geofence_m if latitude is not None else None,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
        skills=list(version.skills if skills is None else skills),
        organiser=actor,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
        cancel_cutoff_minutes=cancel_cutoff_minutes,
        early_minutes=early_minutes,
        walk_ins=walk_ins,
        is_duty=is_duty,
    )


def actions_for(activity: Activity, actor) -> list[str]:
    return MACHINE.actions_for(activity, actor)


@transaction.atomic
def activity_transition(*, actor, activity_id: int, action: str, reason: str = "") -> Activity:
    activity = activity_get(actor=actor, activity_id=activity_id)
    if action not in MACHINE.moves:
        raise InvalidInput.on("action", _("未知操作"))
    changes = {}
    if action == "cancel":
        if not reason.strip():
            raise InvalidInput.on("reason", _("取消活动需要说明原因"))
        changes["cancel_reason"] = reason.strip()
    activity = MACHINE.apply(
        activity, action=action, actor=actor, note=reason.strip(), changes=changes
    )
    if action == "publish":
        from ..tasks import schedule_reminder

        schedule_reminder(activity)
    if action == "cancel":
        users = [
            s.person.user
            for s in activity.signups.filter(status__in=ACTIVE_SIGNUP).select_related(
                "person__user"
            )
            if s.person.user_id
        ]
        notices.cancelled(activity, users)
    return activity


def activity_for_manager(*, actor, activity_id: int) -> Activity:
    activity = activity_get(actor=actor, activity_id=activity_id)
    if not may_manage(actor, activity):
        raise NotPermitted(_("只有活动组织者可以操作"))
    return activity
