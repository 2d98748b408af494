"""The mediation and micro-review forms of the case page, and the 微评议 page: thin — the
services decide, the selectors find rows in the caller's scope first."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haolinju.core.errors import InvalidInput
from haolinju.core.pagination import paginate
from haolinju.core.web import application_errors, page_offset

from . import selectors, services
from .models import ReviewVerdict
from .present import micro_review_view

PAGE_SIZE = 20

MEDIATION_ACTIONS = frozenset(
    {"session_schedule", "session_hold", "session_cancel", "agreement_draft", "agreement_sign",
     "agreement_void", "follow_up_schedule", "follow_up_visit", "follow_up_cancel"}
)  # fmt: skip


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _when(value: str):
    """A ``datetime-local`` field in the current time zone; a field error when unreadable."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.on("scheduled_at", _("请填写正确的时间")) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def mediation_act(request, case_id: int, action: str) -> None:
    """The mediation and micro-review forms of the case page (thin: services decide)."""
    post, user = request.POST, request.user
    if action == "micro_review":
        services.micro_review_add(
            actor=user, case_id=case_id, verdict=post.get("verdict", ""),
            comment=post.get("comment", ""),
        )  # fmt: skip
    elif action == "session_schedule":
        services.session_schedule(
            actor=user, case_id=case_id, scheduled_at=_when(post.get("scheduled_at", "")),
            place=post.get("place", ""),
        )  # fmt: skip
    elif action in ("session_hold", "session_cancel"):
        selectors.mediation_session_get(actor=user, session_id=_int(post.get("session")))
        services.session_transition(
            actor=user, session_id=_int(post.get("session")), action=action.split("_")[1],
            summary=post.get("summary", ""), parties_present=post.getlist("parties_present"),
        )  # fmt: skip
    elif action == "agreement_draft":
        services.agreement_draft(actor=user, case_id=case_id, text=post.get("text", ""))
    elif action in ("agreement_sign", "agreement_void"):
        agreement = _int(post.get("agreement"))
        selectors.agreement_get(actor=user, agreement_id=agreement)
        if action == "agreement_sign":
            services.agreement_sign(actor=user, agreement_id=agreement, party=post.get("party"))
        else:
            services.agreement_void(actor=user, agreement_id=agreement, reason=post.get("reason"))
    elif action == "follow_up_schedule":
        try:
            due_on = dt.date.fromisoformat(post.get("due_on", ""))
        except ValueError:
            raise InvalidInput.on("due_on", _("请填写回访日期")) from None
        services.follow_up_schedule(actor=user, case_id=case_id, due_on=due_on)
    else:
        visit = _int(post.get("follow_up"))
        selectors.follow_up_get(actor=user, visit_id=visit)
        services.follow_up_transition(
            actor=user, visit_id=visit, action=action.split("_")[-1],
            outcome=post.get("outcome", ""), note=post.get("note", ""),
        )  # fmt: skip


@never_cache
@login_required
@application_errors
def reviews(request):
    """红色微评议: rectified problem reports of my compound waiting for the residents' verdict."""
    page = paginate(
        selectors.reviewable_reports(actor=request.user),
        offset=page_offset(request),
        limit=PAGE_SIZE,
    )
    tallies = selectors.micro_review_tallies(page.items, request.user)
    rows = [(c, micro_review_view(c, request.user, tallies[c.pk])) for c in page.items]
    context = {"page": page, "rows": rows, "verdicts": ReviewVerdict.choices}
    return render(request, "cases/reviews.html", context)
