"""Supervision (提醒督办) by the worker: nobody has to open a page.

Every open step has a due time and a ``next_check_at`` (partial index, non-null only while the
step is open). The sweep reads only rows whose ``next_check_at`` has passed — its cost grows
with the steps falling due, not with the open cases — and for each:

- an acceptance past its deadline goes back to the dispatcher (``accept_timeout``);
- any other step past its deadline is flagged overdue and its owner (and assignee) reminded;
  the next check is a second deadline of the same length;
- past the second deadline the case is escalated one level up (compound → community →
  street), which gives the new owner a fresh deadline; at the street it stays flagged;
- a summoned organisation that has not reported in (or back) is reminded, then the level
  above the case's owner is told.

Each of these is on the case's timeline. ``supervise`` is the Django Task, queued every minute
by ``core.periodic`` (``HAOLINJU_PERIODIC["cases.supervise"]``) which ``haolinju demo`` and
``haolinju worker`` run beside the task worker.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from haolinju.core import timeline
from haolinju.core.calendar import due_at
from haolinju.core.notify import notify

from ..models import Case, Summons
from .cases import _apply, _level_above, _url, assignee_users, dispatchers_of, organisation_users

BATCH = 500


def _within(case: Case) -> str:
    c = case.category
    return {"dispatch": c.dispatch_within, "accept": c.accept_within}.get(
        case.step, c.resolve_within
    )


def sweep(*, now: dt.datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """One pass over the steps that fell due by ``now``; returns what it did."""
    now = now or timezone.now()
    done = {"timed_out": 0, "reminded": 0, "escalated": 0, "summons_reminded": 0}
    done["summons_escalated"] = 0
    ids = list(
        Case.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:batch]
    )
    for case_id in ids:
        outcome = _check_case(case_id, now)
        if outcome:
            done[outcome] += 1
    summons_ids = list(
        Summons.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:batch]
    )
    for summons_id in summons_ids:
        outcome = _check_summons(summons_id, now)
        if outcome:
            done[outcome] += 1
    return done


@transaction.atomic
def _check_case(case_id: int, now: dt.datetime) -> str:
    case = (
        Case.objects.select_for_update()
        .select_related("category", "owner_area")
        .filter(pk=case_id, next_check_at__lte=now)
        .first()
    )
    if case is None:  # moved on since the scan
        return ""
    if case.step == "accept" and case.overdue_stage == 0:
        _apply(actor=None, case_id=case.pk, action="accept_timeout", note=_("接单超时"), now=now)
        return "timed_out"
    if case.overdue_stage == 0:
        second = due_at(case.due_at or now, _within(case))
        Case.objects.filter(pk=case.pk).update(overdue_stage=1, next_check_at=second)
        timeline.record(
            case, actor=None, action="case.overdue", note=_("已超时，已提醒"), step=case.step
        )
        notify(
            recipients=dispatchers_of(case.owner_area_path)
            + (assignee_users(case) if case.step == "resolve" else []),
            kind="case.overdue",
            title=_("督办提醒：%(t)s 已超时") % {"t": case.title},
            url=_url(case),
            target=case,
        )
        return "reminded"
    if _level_above(case.owner_area) is not None:
        _apply(
            actor=None, case_id=case.pk, action="escalate", note=_("超时未办，上报上级"), now=now
        )
        return "escalated"
    Case.objects.filter(pk=case.pk).update(overdue_stage=2, next_check_at=None)
    timeline.record(case, actor=None, action="case.overdue_top", note=_("已超时，最高一级督办"))
    return ""


@transaction.atomic
def _check_summons(summons_id: int, now: dt.datetime) -> str:
    summons = (
        Summons.objects.select_for_update()
        .select_related("case__category", "case__owner_area", "organisation")
        .filter(pk=summons_id, next_check_at__lte=now)
        .first()
    )
    if summons is None:
        return ""
    case = summons.case
    if summons.overdue_stage == 0:
        within = (
            case.category.report_in_within
            if summons.status == "whistled"
            else case.category.report_back_within
        )
        Summons.objects.filter(pk=summons.pk).update(
            overdue_stage=1, next_check_at=due_at(summons.due_at, within)
        )
        timeline.record(
            case,
            actor=None,
            action="case.summons_overdue",
            note=_("%(o)s 未按时报到或反馈，已提醒") % {"o": summons.organisation.name},
            organisation=summons.organisation_id,
        )
        notify(
            recipients=organisation_users(summons.organisation_id),
            kind="case.summons_overdue",
            title=_("督办提醒：%(t)s") % {"t": case.title},
            url=_url(case),
            target=case,
        )
        return "summons_reminded"
    Summons.objects.filter(pk=summons.pk).update(overdue_stage=2, next_check_at=None)
    above = _level_above(case.owner_area) or case.owner_area
    timeline.record(
        case,
        actor=None,
        action="case.summons_escalated",
        note=_("%(o)s 仍未报到或反馈，已报%(a)s督办")
        % {"o": summons.organisation.name, "a": above.name},
        organisation=summons.organisation_id,
    )
    notify(
        recipients=dispatchers_of(above.path),
        kind="case.summons_escalated",
        title=_("吹哨单位超时：%(t)s") % {"t": case.title},
        url=_url(case),
        target=case,
    )
    return "summons_escalated"


@task()
def supervise() -> dict[str, int]:
    """The periodic sweep (queued every minute by ``core.periodic``)."""
    return sweep()
