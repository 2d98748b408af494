"""``core.bulk``: prepared-statement updates and inserts, and audit events inserted in bulk
keeping their hash chain."""

import pytest

from haolinju.core.auditchain import verify_all
from haolinju.core.models import AuditEvent, record_event
from haolinju.org.models import Area
from haolinju.org.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def test_update_each_writes_each_object_by_its_key():
    """Each area gets its own new value; areas not passed keep theirs."""
    from haolinju.core.bulk import update_each

    areas = [AreaFactory(name=f"旧{i}") for i in range(3)]
    for i, area in enumerate(areas[:2]):
        area.name, area.floor = f"新{i}", i + 3
    assert update_each(Area, areas[:2], ["name", "floor"]) == 2
    assert [(a.name, a.floor) for a in Area.objects.order_by("pk")] == [
        ("新0", 3),
        ("新1", 4),
        ("旧2", None),
    ]


def test_bulk_inserted_audit_events_continue_the_hash_chain():
    """Events written by ``bulk_insert`` between single events leave every chain verifiable,
    with their data (JSON) and timestamps stored."""
    area = AreaFactory()
    record_event(actor=None, action="before", target=area, area_path=area.path)
    events = [
        AuditEvent(
            action="bulk", target_type="org.area", target_id=area.pk, area_path=area.path,
            data={"i": i},
        )
        for i in range(5)
    ]  # fmt: skip
    assert AuditEvent.objects.bulk_insert(events) == 5
    record_event(actor=None, action="after", target=area, area_path=area.path)
    stored = list(AuditEvent.objects.filter(action="bulk").order_by("seq"))
    assert [e.data["i"] for e in stored] == [0, 1, 2, 3, 4]
    assert all(e.created_at and e.hash for e in stored)
    assert all(report.ok for report in verify_all())
