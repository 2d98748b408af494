"""Joint meetings on the last Friday, tasks tracked to closure, reminders and escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.core.models import AuditEvent
from haolinju.deliberation.models import Task
from haolinju.deliberation.services.meetings import last_friday, remind_overdue
from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff

from .factories import ExampleCompound

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


def test_last_friday_of_the_month():
    """The default meeting day: 2026-12-25, 2027-01-29, 2027-02-26 (and never past the month)."""
    assert last_friday(2026, 12) == dt.date(2026, 12, 25)
    assert last_friday(2027, 1) == dt.date(2027, 1, 29)
    assert last_friday(2027, 2) == dt.date(2027, 2, 26)
    assert last_friday(2027, 4) == dt.date(2027, 4, 30)


def test_meeting_raises_a_task_tracked_to_closure(ex, api_as):
    """A meeting defaults to the last Friday; a problem raised becomes a task for the property
    company with milestones; progress is the share of milestones done; it is finished and
    closed, every step on its timeline."""
    property_co = OrganisationFactory(
        kind=OrgKind.PROPERTY_COMPANY, name="黄州物业", area=ex.compound
    )
    officer = api_as(ex.officer)
    m = officer.post(
        "/api/v1/meetings",
        {"area_id": ex.compound.pk, "agenda": "1. 飞线充电整治", "attendee_ids": [property_co.pk]},
    ).json()
    assert dt.date.fromisoformat(m["held_on"]).weekday() == 4
    assert m["attendees"] == ["黄州物业"]
    t = officer.post(
        "/api/v1/tasks",
        {
            "area_id": ex.compound.pk,
            "title": "清理2栋飞线充电",
            "owner_org_id": property_co.pk,
            "due_on": "2030-01-31",
            "meeting_id": m["id"],
            "milestones": ["排查", "清理", "回访"],
        },
    ).json()
    assert t["progress"] == {"numerator": 0, "denominator": 3}
    url = f"/api/v1/tasks/{t['id']}"
    officer.post(f"{url}/transitions", {"action": "start"})
    assert officer.post(f"{url}/transitions", {"action": "progress"}).status_code == 422
    officer.post(f"{url}/transitions", {"action": "progress", "note": "已排查12处"})
    r = officer.post(f"{url}/milestones/{t['milestones'][0]['id']}/done").json()
    assert r["progress"] == {"numerator": 1, "denominator": 3}
    assert r["progress_note"] == "已排查12处"
    officer.post(f"{url}/transitions", {"action": "finish"})
    assert officer.post(f"{url}/transitions", {"action": "close"}).json()["status"] == "closed"
    events = AuditEvent.objects.filter(target_type="deliberation.task", target_id=t["id"])
    assert [e.action for e in events.order_by("id")] == [
        "task.create",
        "task.start",
        "task.progress",
        "task.milestone",
        "task.finish",
        "task.close",
    ]


def test_owners_cannot_assign_or_move_tasks(ex, api_as):
    """An owner may not assign a task (403) and sees the compound's tasks but cannot move them."""
    org = OrganisationFactory(kind=OrgKind.PROPERTY_COMPANY, area=ex.compound)
    body = {"area_id": ex.compound.pk, "title": "x", "owner_org_id": org.pk, "due_on": "2030-01-01"}
    assert api_as(ex.owners[1]).post("/api/v1/tasks", body).status_code == 403
    t = api_as(ex.officer).post("/api/v1/tasks", body).json()
    owner = api_as(ex.owners[1])
    assert owner.get(f"/api/v1/tasks/{t['id']}").json()["actions"] == []
    assert (
        owner.post(f"/api/v1/tasks/{t['id']}/transitions", {"action": "finish"}).status_code == 403
    )
    assert api_as(ex.outsider).get(f"/api/v1/tasks/{t['id']}").status_code == 404


def test_overdue_tasks_are_reminded_once_then_escalated(ex):
    """Past the due date the compound's staff get one reminder; a week later the community's
    staff are told (escalation); each only once."""
    from haolinju.core.models import Notification
    from haolinju.deliberation.services.meetings import task_create

    community = ex.compound.parent
    chief = staff(Title.COMMUNITY_SECRETARY, community, username="chief")
    org = OrganisationFactory(kind=OrgKind.PROPERTY_COMPANY, area=ex.compound)
    task = task_create(
        actor=ex.officer,
        area=ex.compound,
        title="修复路灯",
        owner_org=org,
        due_on=dt.date(2026, 1, 10),
    )
    assert remind_overdue(today=dt.date(2026, 1, 11)) == {"reminded": 1, "escalated": 0}
    assert Notification.objects.filter(recipient=ex.officer, kind="task.overdue").count() == 1
    assert remind_overdue(today=dt.date(2026, 1, 12)) == {"reminded": 0, "escalated": 0}
    assert remind_overdue(today=dt.date(2026, 1, 17)) == {"reminded": 0, "escalated": 1}
    assert Notification.objects.filter(recipient=chief, kind="task.escalated").count() == 1
    assert remind_overdue(today=dt.date(2026, 1, 30)) == {"reminded": 0, "escalated": 0}
    Task.objects.filter(pk=task.pk).update(status="done")
    assert remind_overdue(today=dt.date(2026, 2, 1)) == {"reminded": 0, "escalated": 0}
