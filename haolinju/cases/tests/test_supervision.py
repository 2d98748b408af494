"""The supervision sweep: it touches exactly the steps that fell due, reminds, escalates one
level up after a second deadline, times out acceptances, and chases summoned departments."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haolinju.cases import services
from haolinju.cases.models import Case, Status
from haolinju.cases.services.supervision import sweep
from haolinju.core.models import AuditEvent
from haolinju.core.notify import inbox

from .factories import order_for


def _events(case, action):
    return AuditEvent.objects.filter(target_id=case.pk, action=action).count()


def test_sweep_escalates_exactly_the_overdue(c):
    """Of three orders in progress, only the one past its deadline is flagged and its owner
    reminded; past the second deadline it is escalated to the community, then the street, each
    on the timeline; the others are untouched."""
    now = timezone.now()
    late = order_for(c, status=Status.IN_PROGRESS, assignee_person=c.member.person)
    on_time = order_for(c, status=Status.IN_PROGRESS, assignee_person=c.member.person)
    no_step = order_for(c, status=Status.RESOLVED)
    Case.objects.filter(pk=late.pk).update(
        step="resolve",
        due_at=now - dt.timedelta(hours=1),
        next_check_at=now - dt.timedelta(hours=1),
    )
    Case.objects.filter(pk=on_time.pk).update(
        step="resolve", due_at=now + dt.timedelta(days=3), next_check_at=now + dt.timedelta(days=3)
    )
    assert sweep(now=now)["reminded"] == 1
    assert _events(late, "case.overdue") == 1
    assert inbox(c.secretary).filter(kind="case.overdue", target_id=late.pk).exists()
    assert inbox(c.member).filter(kind="case.overdue", target_id=late.pk).exists()
    assert sweep(now=now)["reminded"] == 0  # idempotent until the second deadline

    late.refresh_from_db()
    second = late.next_check_at
    assert second > now
    result = sweep(now=second)
    assert result["escalated"] == 1
    late.refresh_from_db()
    assert late.owner_area_id == c.tree.communities[0].pk
    assert late.overdue_stage == 0 and late.due_at > second
    assert _events(late, "case.escalate") == 1
    assert inbox(c.community_secretary).filter(kind="case.escalate").exists()
    for other in (on_time, no_step):
        assert AuditEvent.objects.filter(target_id=other.pk).count() == 0
        other_before = Case.objects.get(pk=other.pk)
        assert other_before.owner_area_id == c.compound.pk

    # Two more deadlines later: reminded at the community, then escalated to the street.
    sweep(now=late.due_at)
    late.refresh_from_db()
    sweep(now=late.next_check_at)
    late.refresh_from_db()
    assert late.owner_area_id == c.tree.streets[0].pk
    sweep(now=late.due_at)
    late.refresh_from_db()
    sweep(now=late.next_check_at)
    late.refresh_from_db()
    assert late.owner_area_id == c.tree.streets[0].pk  # nothing above the street
    assert (late.overdue_stage, late.next_check_at) == (2, None)


def test_acceptance_times_out_back_to_the_dispatcher(c):
    """An order not accepted within its deadline goes back to the dispatcher."""
    case = services.case_create(
        actor=c.resident, kind="service_order", category_code="repair",
        title="灯坏了", description="客厅吊灯不亮了，想请懂电的邻居帮忙看看。",
    )  # fmt: skip
    case = services.case_transition(
        actor=c.secretary, case_id=case.pk, action="dispatch", assignee_person_id=c.member.person.pk
    )
    assert sweep(now=case.due_at - dt.timedelta(minutes=1))["timed_out"] == 0
    assert sweep(now=case.due_at)["timed_out"] == 1
    case.refresh_from_db()
    assert (case.status, case.step, case.decline_count) == (Status.DECLINED, "dispatch", 1)
    assert inbox(c.secretary).filter(kind="case.accept_timeout").exists()


def test_whistled_department_must_report_in_and_back(c):
    """A summoned department is reminded when it misses its report-in deadline and the level
    above is told after the second; reporting in and back ends the chase."""
    case = order_for(c)
    summons = services.case_whistle(
        actor=c.secretary, case_id=case.pk, organisation_id=c.department.pk, note="楼道管道破裂"
    )
    assert inbox(c.department_staff).filter(kind="case.whistled").exists()
    assert sweep(now=summons.due_at)["summons_reminded"] == 1
    summons.refresh_from_db()
    assert sweep(now=summons.next_check_at)["summons_escalated"] == 1
    assert inbox(c.community_secretary).filter(kind="case.summons_escalated").exists()
    services.summons_report(actor=c.department_staff, summons_id=summons.pk, action="report_in")
    summons.refresh_from_db()
    assert summons.status == "reported_in" and summons.next_check_at is not None
    services.summons_report(
        actor=c.department_staff, summons_id=summons.pk, action="report_back", note="已更换管道"
    )
    summons.refresh_from_db()
    assert (summons.status, summons.next_check_at) == ("reported_back", None)
    assert _events(case, "case.summons_report_back") == 1


def test_sweep_cost_does_not_grow_with_the_due_cases(c):
    """Reminding 3 or 30 overdue orders takes the same number of queries (bulk reads, one
    UPDATE, one INSERT of timeline entries and one of inbox rows per batch); every one is
    flagged, on its timeline and in the secretary's inbox."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()

    def run(n):
        cases = [
            order_for(c, status=Status.IN_PROGRESS, assignee_person=c.member.person)
            for _ in range(n)
        ]
        Case.objects.filter(pk__in=[x.pk for x in cases]).update(
            step="resolve", due_at=now - dt.timedelta(hours=1),
            next_check_at=now - dt.timedelta(hours=1), overdue_stage=0,
        )  # fmt: skip
        with CaptureQueriesContext(connection) as q:
            assert sweep(now=now)["reminded"] == n
        assert all(_events(x, "case.overdue") == 1 for x in cases)
        return len(q.captured_queries)

    run(1)  # warms the per-process calendar cache
    small, big = run(3), run(30)
    assert small == big
    assert inbox(c.secretary).filter(kind="case.overdue").count() == 34
