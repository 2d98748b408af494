"""Sign-up with places and a waitlist.

Every change of an activity's sign-ups first locks the activity row (``select_for_update``),
so two sign-ups never both see the last free place, the waitlist keeps arrival order (``seq``
is taken under the lock) and a cancellation promotes exactly the first one waiting.
Cancelling and promoting are moves of ``MACHINE`` (``core.transitions``): each writes its
timeline event. Creating a sign-up is not a move: it is born confirmed or waitlisted.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.transitions import Move, StateMachine

from ..errors import Conflict
from ..models import ACTIVE_SIGNUP, Activity, Signup, SignupStatus
from ..policies import SIGNUP_OPEN, may_move_signup
from ..selectors import activity_get, visible_activities
from . import notices

S = SignupStatus

MACHINE = StateMachine(
    model=Signup,
    moves={
        "cancel": Move({S.CONFIRMED, S.WAITLISTED}, S.CANCELLED, gettext_lazy("取消报名")),
        "promote": Move({S.WAITLISTED}, S.CONFIRMED, gettext_lazy("候补转正")),
    },
    may=may_move_signup,
    area_path=lambda signup: signup.area_path,
)


def _lock(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def _lock_visible(actor, activity_id: int) -> Activity:
    """The activity, if the actor may see it, locked (``NotFound`` otherwise)."""
    found = list(
        visible_activities(actor=actor).select_for_update().filter(pk=activity_id).order_by()[:1]
    )
    if not found:
        raise NotFound()
    return found[0]


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
    if scope.person_id is None:
        activity_get(actor=actor, activity_id=activity_id)  # 404 before 403
        raise NotPermitted(_("账号未关联人员信息，无法报名"))
    activity = _lock_visible(actor, activity_id)  # one query: scoped (404) and locked
    now = timezone.now()
    if not walk_in:
        _check_window(activity, now)
    # A second active sign-up is refused by the ``signup_one_active`` constraint below.
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
    late = was_confirmed and now >= cutoff
    signup = MACHINE.apply(
        signup,
        action="cancel",
        actor=actor,
        changes={"cancelled_at": now, "late_cancel": late},
        data={"late": late} if late else None,
    )
    if was_confirmed:
        _promote_or_release(activity, now, actor)
    return signup


def _promote_or_release(activity: Activity, now, actor=None) -> None:
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
    promoted = MACHINE.apply(first, action="promote", actor=actor, changes={"promoted_at": now})
    promoted.person = first.person
    notices.promoted(promoted, activity)


def parse_places(value) -> int:
    try:
        places = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.on("places", _("名额应为正整数")) from None
    if places < 1 or places > 10000:
        raise InvalidInput.on("places", _("名额应在1到10000之间"))
    return places
