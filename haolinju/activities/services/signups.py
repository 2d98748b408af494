"""Sign-up with places and a waitlist.

Every change of an activity's sign-ups first locks the activity row (``select_for_update``),
so two sign-ups never both see the last free place, the waitlist keeps arrival order (``seq``
is taken under the lock) and a cancellation promotes exactly the first one waiting.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.scope import jurisdiction_of

from ..errors import Conflict
from ..models import ACTIVE_SIGNUP, Activity, Signup, SignupStatus
from ..policies import SIGNUP_OPEN
from ..selectors import activity_get
from . import notices


def _lock(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def _check_window(activity: Activity, now) -> None:
    if activity.status not in SIGNUP_OPEN:
        raise Conflict(_("活动未在报名中"))
    if activity.signup_opens_at and now < activity.signup_opens_at:
        raise Conflict(_("报名尚未开始"))
    closes = activity.signup_closes_at or activity.ends_at
    if now >= closes:
        raise Conflict(_("报名已截止"))


@transaction.atomic
def signup_create(*, actor, activity_id: int, walk_in: bool = False) -> Signup:
    """Sign the actor up: confirmed while places remain, else waitlisted. Twice is a 409."""
    scope = jurisdiction_of(actor)
    activity_get(actor=actor, activity_id=activity_id)  # 404 when not visible
    if scope.person_id is None:
        raise NotPermitted(_("账号未关联人员信息，无法报名"))
    activity = _lock(activity_id)
    now = timezone.now()
    if not walk_in:
        _check_window(activity, now)
    if Signup.objects.filter(
        activity=activity, person_id=scope.person_id, status__in=ACTIVE_SIGNUP
    ).exists():
        raise Conflict(_("已报名此活动"))
    seq = (activity.signups.aggregate(m=Max("seq"))["m"] or 0) + 1
    confirmed = activity.confirmed_count < activity.places
    try:
        with transaction.atomic():
            signup = Signup.objects.create(
                activity=activity,
                person_id=scope.person_id,
                area_path=activity.area_path,
                status=SignupStatus.CONFIRMED if confirmed else SignupStatus.WAITLISTED,
                seq=seq,
                walk_in=walk_in,
            )
    except IntegrityError:
        raise Conflict(_("已报名此活动")) from None
    if confirmed:
        Activity.objects.filter(pk=activity.pk).update(confirmed_count=activity.confirmed_count + 1)
    return signup


@transaction.atomic
def signup_cancel(*, actor, activity_id: int) -> Signup:
    """Cancel the actor's own sign-up; late after the cut-off; promote the first waiting."""
    scope = jurisdiction_of(actor)
    activity_get(actor=actor, activity_id=activity_id)
    activity = _lock(activity_id)
    signup = Signup.objects.filter(
        activity=activity, person_id=scope.person_id, status__in=ACTIVE_SIGNUP
    ).first()
    if signup is None:
        raise Conflict(_("没有可取消的报名"))
    now = timezone.now()
    if now >= activity.ends_at:
        raise Conflict(_("活动已结束，不能取消"))
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    cutoff = activity.starts_at - dt.timedelta(minutes=activity.cancel_cutoff_minutes)
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    signup.late_cancel = was_confirmed and now >= cutoff
    signup.save(update_fields=["status", "cancelled_at", "late_cancel"])
    if was_confirmed:
        _promote_or_release(activity, now)
    return signup


def _promote_or_release(activity: Activity, now) -> None:
    """A confirmed place was freed: give it to the first on the waitlist, if any."""
    first = (
        Signup.objects.filter(activity=activity, status=SignupStatus.WAITLISTED)
        .order_by("seq")
        .select_related("person__user")
        .first()
    )
    if first is None:
        Activity.objects.filter(pk=activity.pk).update(confirmed_count=activity.confirmed_count - 1)
        return
    first.status = SignupStatus.CONFIRMED
    first.promoted_at = now
    first.save(update_fields=["status", "promoted_at"])
    notices.promoted(first, activity)


def parse_places(value) -> int:
    try:
        places = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.on("places", _("名额应为正整数")) from None
    if places < 1 or places > 10000:
        raise InvalidInput.on("places", _("名额应在1到10000之间"))
    return places
