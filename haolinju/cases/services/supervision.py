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

Each of these is on the case's timeline. The sweep works in batches (``CHUNK`` rows, one
transaction each): one locked read of the batch, the status changes through
``CASE_MACHINE.sweep_many`` (``core.transitions``), the other updates with one prepared
``UPDATE`` (``core.bulk.update_each``), the timeline entries with
``core.timeline.record_many`` and the inbox rows with ``core.notify.notify_many`` — a fixed
number of queries per batch, not per case.

``supervise`` is the Django Task, queued every minute
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
from haolinju.core.bulk import update_each
from haolinju.core.calendar import due_at
from haolinju.core.notify import Message, notify_many
from haolinju.core.scope import path_ids
from haolinju.org.models import Area, AreaKind

from ..models import Case, Summons
from .cases import _step, _url, assignee_users_many, dispatchers_by_path, organisation_users_many
from .machine import CASE_MACHINE

BATCH = 5000  # rows one sweep handles at most (the rest wait for the next minute)
CHUNK = 500  # rows per transaction


def _within(case: Case) -> str:
    c = case.category
    return {"dispatch": c.dispatch_within, "accept": c.accept_within}.get(
        case.step, c.resolve_within
    )


def sweep(*, now: dt.datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """One pass over the steps that fell due by ``now``; returns what it did."""
    now = now or timezone.now()
    done = dict.fromkeys(
        ("timed_out", "reminded", "escalated", "summons_reminded", "summons_escalated"), 0
    )
    ids = list(
        Case.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:batch]
    )
    for start in range(0, len(ids), CHUNK):
        for key, n in _cases_chunk(ids[start : start + CHUNK], now).items():
            done[key] += n
    summons_ids = list(
        Summons.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:batch]
    )
    for start in range(0, len(summons_ids), CHUNK):
        for key, n in _summonses_chunk(summons_ids[start : start + CHUNK], now).items():
            done[key] += n
    return done


def _parents(areas) -> dict[int, Area]:
    """area id -> the level above (compound → community → street), one query for all."""
    wanted = {}
    for area in areas:
        ids = path_ids(area.path)
        if area.kind in (AreaKind.COMPOUND, AreaKind.COMMUNITY) and len(ids) > 1:
            wanted[area.pk] = ids[-2]
    found = Area.objects.in_bulk(set(wanted.values()))
    return {pk: found[parent] for pk, parent in wanted.items() if parent in found}


@transaction.atomic
def _cases_chunk(ids: list[int], now: dt.datetime) -> dict[str, int]:
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "owner_area")
        .filter(pk__in=ids, next_check_at__lte=now)  # moved on since the scan: left out
        .order_by("pk")
    )
    timeouts = [c for c in cases if c.step == "accept" and c.overdue_stage == 0]
    reminders = [c for c in cases if c.overdue_stage == 0 and c not in timeouts]
    late = [c for c in cases if c.overdue_stage > 0]
    parents = _parents(c.owner_area for c in late)
    escalate = [c for c in late if c.owner_area_id in parents]
    top = [c for c in late if c.owner_area_id not in parents]
    by_pk = {c.pk: c for c in cases}

    timed_out = CASE_MACHINE.sweep_many(
        [c.pk for c in timeouts], action="accept_timeout", actor=None, note=_("接单超时"),
        changes=lambda row: {
            "decline_count": row.decline_count + 1,
            **_step("dispatch", now, by_pk[row.pk].category.dispatch_within),
        },
        data=lambda row: {"reason": _("接单超时")},
    )  # fmt: skip

    def escalation(row) -> dict:
        parent, case = parents[row.owner_area_id], by_pk[row.pk]
        changes = {"owner_area_id": parent.pk, "owner_area_path": parent.path}
        if row.step:
            changes |= _step(row.step, now, _within(case))
        return changes

    escalated = CASE_MACHINE.sweep_many(
        [c.pk for c in escalate], action="escalate", actor=None, note=_("超时未办，上报上级"),
        changes=escalation, data=lambda row: {"to": parents[by_pk[row.pk].owner_area_id].name},
    )  # fmt: skip

    for c in reminders:
        c.overdue_stage, c.next_check_at = 1, due_at(c.due_at or now, _within(c))
    for c in top:
        c.overdue_stage, c.next_check_at = 2, None
    update_each(Case, reminders + top, ["overdue_stage", "next_check_at"])
    timeline.record_many(
        [timeline.entry(c, actor=None, action="case.overdue", note=_("已超时，已提醒"),
                        step=c.step) for c in reminders]
        + [timeline.entry(c, actor=None, action="case.overdue_top",
                          note=_("已超时，最高一级督办")) for c in top]
    )  # fmt: skip

    paths = {c.owner_area_path for c in reminders + timed_out + escalated}
    dispatchers = dispatchers_by_path(paths)
    assignees = assignee_users_many([c for c in reminders if c.step == "resolve"])
    messages = [
        Message(
            recipients=dispatchers.get(c.owner_area_path, []) + assignees.get(c.pk, []),
            kind="case.overdue",
            title=_("督办提醒：%(t)s 已超时") % {"t": c.title},
            url=_url(c),
            target=c,
        )
        for c in reminders
    ]
    for action, rows in (("accept_timeout", timed_out), ("escalate", escalated)):
        messages += [
            Message(
                recipients=dispatchers.get(c.owner_area_path, []),
                kind=f"case.{action}",
                title=f"{CASE_MACHINE.label(action)}：{c.title}",
                url=_url(c),
                target=c,
            )
            for c in rows
        ]
    notify_many(messages)
    return {"timed_out": len(timed_out), "reminded": len(reminders), "escalated": len(escalated)}


@transaction.atomic
def _summonses_chunk(ids: list[int], now: dt.datetime) -> dict[str, int]:
    rows = list(
        Summons.objects.select_for_update(of=("self",))
        .select_related("case__category", "case__owner_area", "organisation")
        .filter(pk__in=ids, next_check_at__lte=now)
        .order_by("pk")
    )
    first = [s for s in rows if s.overdue_stage == 0]
    second = [s for s in rows if s.overdue_stage > 0]
    for s in first:
        c = s.case.category
        within = c.report_in_within if s.status == "whistled" else c.report_back_within
        s.overdue_stage, s.next_check_at = 1, due_at(s.due_at, within)
    for s in second:
        s.overdue_stage, s.next_check_at = 2, None
    update_each(Summons, rows, ["overdue_stage", "next_check_at"])
    parents = _parents(s.case.owner_area for s in second)
    above = {s.pk: parents.get(s.case.owner_area_id, s.case.owner_area) for s in second}
    timeline.record_many(
        [timeline.entry(s.case, actor=None, action="case.summons_overdue",
                        note=_("%(o)s 未按时报到或反馈，已提醒") % {"o": s.organisation.name},
                        organisation=s.organisation_id) for s in first]
        + [timeline.entry(s.case, actor=None, action="case.summons_escalated",
                          note=_("%(o)s 仍未报到或反馈，已报%(a)s督办")
                          % {"o": s.organisation.name, "a": above[s.pk].name},
                          organisation=s.organisation_id) for s in second]
    )  # fmt: skip
    org_users = organisation_users_many({s.organisation_id for s in first})
    dispatchers = dispatchers_by_path({a.path for a in above.values()})
    notify_many(
        [Message(recipients=org_users.get(s.organisation_id, []), kind="case.summons_overdue",
                 title=_("督办提醒：%(t)s") % {"t": s.case.title}, url=_url(s.case),
                 target=s.case) for s in first]
        + [Message(recipients=dispatchers.get(above[s.pk].path, []),
                   kind="case.summons_escalated",
                   title=_("吹哨单位超时：%(t)s") % {"t": s.case.title}, url=_url(s.case),
                   target=s.case) for s in second]
    )  # fmt: skip
    return {"summons_reminded": len(first), "summons_escalated": len(second)}


@task()
def supervise() -> dict[str, int]:
    """The periodic sweep (queued every minute by ``core.periodic``)."""
    return sweep()
