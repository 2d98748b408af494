"""The meeting and task pages: staff hold a meeting and assign a task from it; the tracker
filters (htmx swaps the results only); a task page marks milestones done (htmx) and moves the
task through ``core.transitions``; owners read but get no forms; outsiders get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from haolinju.core.models import AuditEvent
from haolinju.deliberation.models import JointMeeting, Task
from haolinju.deliberation.services import meetings as services
from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory

from .factories import ExampleCompound

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    ex = ExampleCompound()
    ex.property = OrganisationFactory(
        kind=OrgKind.PROPERTY_COMPANY, name="黄州物业", area=ex.compound
    )
    return ex


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_staff_hold_a_meeting_and_assign_a_task_from_its_page(ex):
    """The meetings page defaults the date to the last Friday; saving opens the meeting page,
    whose form assigns a task with milestones to the property company."""
    c = client_for(ex.officer)
    page = c.get("/deliberation/meetings/").content.decode()
    today = dt.date.today()
    assert services.last_friday(today.year, today.month).isoformat() in page
    assert "黄州物业" in page  # offered as an attendee
    r = c.post(
        "/deliberation/meetings/",
        {
            "area_id": ex.compound.pk,
            "held_on": "2026-11-27",
            "agenda": "1. 楼道飞线充电",
            "minutes": "物业负责清理",
            "attendee_ids": [ex.property.pk],
        },
        follow=True,
    )
    meeting = JointMeeting.objects.get()
    assert r.redirect_chain[-1][0] == f"/deliberation/meetings/{meeting.pk}/"
    assert "楼道飞线充电" in r.content.decode() and list(meeting.attendees.all()) == [ex.property]
    r = c.post(
        f"/deliberation/meetings/{meeting.pk}/",
        {
            "title": "清理楼道飞线",
            "kind": "problem",
            "owner_org_id": ex.property.pk,
            "due_on": "2026-12-20",
            "milestones": "排查\n清理\n复查",
        },
        follow=True,
    )
    task = Task.objects.get()
    assert (task.meeting, task.owner_org, task.milestones.count()) == (meeting, ex.property, 3)
    assert "清理楼道飞线" in r.content.decode() and "0/3" in r.content.decode()


def test_bad_dates_and_missing_organisation_are_field_messages_not_errors(ex):
    """A malformed date or a missing organisation shows a message on the same page."""
    c = client_for(ex.officer)
    r = c.post("/deliberation/meetings/", {"area_id": ex.compound.pk, "held_on": "2026-13-40"})
    assert r.status_code == 200 and "日期格式应为" in r.content.decode()
    meeting = services.meeting_create(actor=ex.officer, area=ex.compound, agenda="议程")
    r = c.post(f"/deliberation/meetings/{meeting.pk}/", {"title": "x", "due_on": "2026-12-01"})
    assert r.status_code == 200 and "请选择" in r.content.decode()
    assert Task.objects.count() == 0


def _task(ex, **kw):
    return services.task_create(
        actor=ex.officer,
        area=ex.compound,
        title=kw.pop("title", "修复路灯"),
        owner_org=ex.property,
        due_on=kw.pop("due_on", dt.date.today() + dt.timedelta(days=10)),
        milestones=kw.pop("milestones", ["查看", "维修"]),
        **kw,
    )


def test_tracker_filters_swap_only_the_results(ex):
    """The tracker lists tasks with their progress; ?overdue=1 keeps only overdue ones; an htmx
    request answers with the results fragment alone."""
    _task(ex, title="修复路灯")
    _task(ex, title="清理消防通道", due_on=dt.date.today() - dt.timedelta(days=3))
    c = client_for(ex.owners[1])
    full = c.get("/deliberation/tasks/").content.decode()
    assert "修复路灯" in full and "清理消防通道" in full and "<html" in full
    part = c.get("/deliberation/tasks/", {"overdue": "1"}, HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert "<html" not in body and 'id="task-results"' in body
    assert "清理消防通道" in body and "修复路灯" not in body and "已逾期" in body


def test_task_page_marks_milestones_and_moves_the_task(ex):
    """Staff mark a milestone done (htmx answers with the progress card, 1/2), report progress,
    finish and close; each step is a timeline event; an owner sees the page without forms."""
    task = _task(ex)
    c = client_for(ex.officer)
    first = task.milestones.first()
    r = c.post(
        f"/deliberation/tasks/{task.pk}/move/",
        {"milestone_id": first.pk},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert 'id="task-progress"' in body and "1/2" in body and "<html" not in body
    c.post(f"/deliberation/tasks/{task.pk}/move/", {"action": "progress", "note": "已采购灯具"})
    c.post(f"/deliberation/tasks/{task.pk}/move/", {"action": "finish", "note": "修复完成"})
    r = c.post(f"/deliberation/tasks/{task.pk}/move/", {"action": "close"}, follow=True)
    task.refresh_from_db()
    assert task.status == "closed" and task.progress_note == "已采购灯具"
    actions = list(
        AuditEvent.objects.filter(target_id=task.pk, action__startswith="task.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "task.create",
        "task.milestone",
        "task.progress",
        "task.finish",
        "task.close",
    ]
    assert "销号" in r.content.decode()
    owner = client_for(ex.owners[2]).get(f"/deliberation/tasks/{task.pk}/").content.decode()
    assert "修复路灯" in owner and "标记完成" not in owner and 'name="action"' not in owner


def test_moves_the_state_forbids_are_messages_and_outsiders_get_404(ex):
    """Closing an open task is refused with a message (nothing changes); another compound's
    staff get 404 on the task and the meeting."""
    task = _task(ex)
    c = client_for(ex.officer)
    r = c.post(f"/deliberation/tasks/{task.pk}/move/", {"action": "close"}, follow=True)
    assert "不能在当前状态" in r.content.decode()
    assert Task.objects.get(pk=task.pk).status == "open"
    meeting = services.meeting_create(actor=ex.officer, area=ex.compound, agenda="议程")
    out = client_for(ex.outsider)
    assert out.get(f"/deliberation/tasks/{task.pk}/").status_code == 404
    assert out.get(f"/deliberation/meetings/{meeting.pk}/").status_code == 404
    assert out.post(f"/deliberation/tasks/{task.pk}/move/", {"action": "start"}).status_code == 404
    assert "修复路灯" not in out.get("/deliberation/tasks/").content.decode()
