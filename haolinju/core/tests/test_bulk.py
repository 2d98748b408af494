"""``core.bulk``: prepared-statement updates and inserts, and audit events inserted in bulk
keeping their hash chain."""

import pytest
from django.contrib.auth import get_user_model

from haolinju.core.auditchain import verify_all
from haolinju.core.models import AuditChainHead, AuditEvent, record_event

pytestmark = pytest.mark.django_db


def test_update_each_writes_each_object_by_its_key():
    """Each row gets its own new values; rows not passed keep theirs."""
    from haolinju.core.bulk import update_each

    heads = [AuditChainHead.objects.create(chain=f"c{i}", length=i) for i in range(3)]
    for i, head in enumerate(heads[:2]):
        head.last_hash, head.length = f"h{i}", 10 + i
    assert update_each(AuditChainHead, heads[:2], ["last_hash", "length"]) == 2
    stored = {h.chain: (h.last_hash, h.length) for h in AuditChainHead.objects.all()}
    assert stored["c0"] == ("h0", 10) and stored["c1"] == ("h1", 11)
    assert stored["c2"][1] == 2


def test_bulk_inserted_audit_events_continue_the_hash_chain():
    """Events written by ``bulk_insert`` between single events leave every chain verifiable,
    with their data (JSON) and timestamps stored."""
    target = get_user_model().objects.create(username="auditee")
    path = "000001000002"
    record_event(actor=None, action="before", target=target, area_path=path)
    events = [
        AuditEvent(
            action="bulk", target_type="accounts.user", target_id=target.pk, area_path=path,
            data={"i": i},
        )
        for i in range(5)
    ]  # fmt: skip
    assert AuditEvent.objects.bulk_insert(events) == 5
    record_event(actor=None, action="after", target=target, area_path=path)
    stored = list(AuditEvent.objects.filter(action="bulk").order_by("seq"))
    assert [e.data["i"] for e in stored] == [0, 1, 2, 3, 4]
    assert all(e.created_at and e.hash for e in stored)
    assert all(report.ok for report in verify_all())
