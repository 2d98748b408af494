"""红色微评议 — the residents' micro-review of a rectified problem report.

Distinct from the requester's rating (``case_rate``: the three callback questions that feed the
three rates): once the branch has rectified a public problem report (resolved or rated), any
resident of the compound gives one verdict per round — satisfied / partly / not — with an
optional comment. When at least ``HAOLINJU_MICRO_REVIEW_MIN`` residents (default 3) have
reviewed this round and more than half say "not satisfied", the report is reopened
(``review_reopen`` through ``core.transitions``) for a new rectification and a new round.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core import timeline
from haolinju.core.calendar import due_at
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.notify import notify

from .. import policies
from ..models import Case, MicroReview, ReviewVerdict, StateType
from ..selectors import case_actor, micro_review_tally
from .cases import _step, _url, assignee_users, dispatchers_of
from .machine import CASE_MACHINE


def review_minimum() -> int:
    return int(getattr(settings, "HAOLINJU_MICRO_REVIEW_MIN", 3))


@transaction.atomic
def micro_review_add(
    *, actor, case_id: int, verdict: str, comment: str = "", now: dt.datetime | None = None
) -> MicroReview:
    """One resident's verdict this round; may reopen the report (see the module docstring)."""
    now = now or timezone.now()
    if verdict not in ReviewVerdict.values:
        raise InvalidInput.on(
            "verdict", _("评议应为：%(v)s") % {"v": "、".join(ReviewVerdict.values)}
        )
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    if not policies.may_micro_review(actor, case):
        raise NotPermitted(_("该问题目前不能评议"))
    comment = (comment or "").strip()[:500]
    try:
        with transaction.atomic():
            review = MicroReview.objects.create(
                case=case,
                person_id=case_actor(actor).person_id,
                round=case.reopen_count,
                verdict=verdict,
                comment=comment,
                area_path=case.area_path,
                created_at=now,
            )
    except IntegrityError:
        raise InvalidInput.on("verdict", _("本轮您已评议过")) from None
    timeline.record(case, actor=actor, action="case.micro_review", verdict=verdict)
    tally = micro_review_tally(case, actor)
    if tally.count >= review_minimum() and tally.not_satisfied * 2 > tally.count:
        _reopen(case, actor, tally, now)
    return review


def _reopen(case: Case, actor, tally, now: dt.datetime) -> None:
    within = case.category.resolve_within
    CASE_MACHINE.apply(
        case.pk,
        action="review_reopen",
        actor=actor,
        note=_("微评议 %(n)s 人中 %(k)s 人不满意") % {"n": tally.count, "k": tally.not_satisfied},
        changes={
            "reopen_count": case.reopen_count + 1,
            "resolved_at": None,
            "state_type": StateType.OPEN,
            "resolve_due_at": due_at(now, within),
            **_step("resolve", now, within),
        },
        data={"round": tally.round, "not": tally.not_satisfied, "count": tally.count},
    )
    notify(
        recipients=dispatchers_of(case.owner_area_path) + assignee_users(case),
        kind="case.review_reopen",
        title=_("微评议未通过，请重新整改：%(t)s") % {"t": case.title},
        url=_url(case),
        target=case,
    )
