"""Tamper-evident audit log (issue 6, item 7): every event links to the one before it in its
chain, ``haolinju audit verify`` names the first broken link, PostgreSQL refuses UPDATE and
DELETE of audit rows, and concurrent writers never fork a chain."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from haolinju.cli import main as cli_main
from haolinju.core import hashchain
from haolinju.core.auditchain import verify_all
from haolinju.core.models import AuditChainHead, AuditEvent, audit_chain_of, record_event
from haolinju.org.models import Area


def _write(area: Area, n: int, *, actor=None) -> list[AuditEvent]:
    return [
        record_event(actor=actor, action="test.touch", target=area, area_path=area.path, n=i)
        for i in range(n)
    ]


def _bypass_trigger(sql: str, params: list) -> None:
    """Tamper as a database superuser could (row triggers off for one statement)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_events_form_one_chain_per_jurisdiction_root(tree):
    """Events are numbered 1, 2, … per root; each prev_hash is the previous event's hash and
    each hash covers the event's content; the chain head holds the last one."""
    events = _write(tree.communities[0], 3) + _write(tree.units[0], 2)
    chain = audit_chain_of(tree.communities[0].path)
    assert {e.chain for e in events} == {chain}
    rows = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == hashchain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert hashchain.first_broken((e.prev_hash, e.hash, e.chain_payload()) for e in rows) is None
    head = AuditChainHead.objects.get(chain=chain)
    assert (head.length, head.last_hash) == (len(rows), rows[-1].hash)


@pytest.mark.django_db
def test_bulk_created_events_are_chained_too(tree):
    """Events written with bulk_create (area creation, imports) join the chain like any other."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(action="test.bulk", target_type="org.area", target_id=a.pk, area_path=a.path)
            for a in tree.units[:3]
        ]
    )
    assert all(r.ok for r in verify_all())
    assert not AuditEvent.objects.filter(hash="").exists()


@pytest.mark.django_db
def test_verify_passes_and_names_the_first_edited_event(tree, capsys):
    """The command says ok on an intact log; after one row's note is edited it fails naming
    that event and its sequence number, and the CLI exits 1."""
    events = _write(tree.communities[0], 4)
    call_command("audit_verify")
    assert "audit log intact" in capsys.readouterr().out
    victim = events[2]
    _bypass_trigger("UPDATE core_auditevent SET note = %s WHERE id = %s", ["改过", victim.pk])
    with pytest.raises(CommandError):
        call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"event id {victim.pk}" in out and f"seq {victim.seq}" in out
    assert cli_main(["audit", "verify"]) == 1


@pytest.mark.django_db
def test_verify_notices_a_deleted_row_and_cut_off_newest_rows(tree):
    """Deleting a middle row breaks the sequence at it; deleting the newest row disagrees with
    the chain head."""
    events = _write(tree.communities[0], 4)
    _bypass_trigger("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    [report] = verify_all()
    assert (report.broken_event_id, report.broken_at_seq) == (events[2].pk, 2)
    _bypass_trigger("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    [report] = verify_all()
    assert not report.ok and "newest" in report.reason


@pytest.mark.django_db
def test_the_model_refuses_to_update_an_event(tree):
    """Saving an existing event again is refused in Python on every database."""
    [event] = _write(tree.communities[0], 1)
    event.note = "改过"
    with pytest.raises(ValueError, match="insert-only"):
        event.save()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_audit_rows(tree):
    """Even raw SQL from the app's database user cannot update or delete an audit row."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is installed on PostgreSQL")
    [event] = _write(tree.communities[0], 1)
    for sql in (
        "UPDATE core_auditevent SET note = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Eight threads appending to one chain at once leave one unbroken chain of 8 × 5 events
    (the chain-head row lock serialises them); without the lock two would share a prev_hash."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are meaningful on PostgreSQL only")
    from haolinju.org.tests.factories import Tree

    area = Tree().communities[0]
    barrier = threading.Barrier(8)
    errors: list[Exception] = []

    def append():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    _write(area, 1)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = audit_chain_of(area.path)
    reports = {r.chain: r for r in verify_all()}
    assert reports[chain].ok
    assert AuditEvent.objects.filter(chain=chain, action="test.touch").count() == 40
