"""Strict caps under concurrency (issue 6, items 1 and 2): the daily reveal cap and the hourly
duplicate-ID probe limit hold when many requests of one account race. Each unit is taken with
one conditional UPDATE of a counter row (``core.quota``); counting rows and then writing lets
racing requests all pass. PostgreSQL only (SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from haolinju.core import quota
from haolinju.core.crypto import decrypt
from haolinju.core.errors import ApplicationError
from haolinju.core.models import AuditEvent, QuotaCounter
from haolinju.org.tests.factories import Tree
from haolinju.people import services
from haolinju.people.models import PersonalDataRead, Title
from haolinju.people.tests.factories import PersonFactory, staff

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 8


@pytest.fixture(autouse=True)
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are meaningful on PostgreSQL only")


def race(work) -> list[object]:
    """Run ``work(i)`` in THREADS threads released together; their results or exceptions."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_daily_reveal_cap_holds_when_reveals_race(settings):
    """Eight simultaneous reveals by one account with a cap of 3: exactly 3 succeed and are
    logged, 5 are refused with the limit error, and the counter says 3."""
    settings.HAOLINJU_REVEALS_PER_DAY = 3
    tree = Tree()
    secretary = staff(Title.BRANCH_SECRETARY, tree.compounds[0], username="sec")
    people = [PersonFactory(area=tree.units[i % 4]) for i in range(THREADS)]

    def reveal(i):
        return services.personal_data_reveal(
            actor=secretary, person_id=people[i].pk, field="phone", reason="上门核实住户信息"
        )

    results = race(reveal)
    unexpected = [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, services.RevealLimitReached)
    ]
    assert unexpected == []
    assert sum(isinstance(r, str) for r in results) == 3
    assert PersonalDataRead.objects.filter(actor=secretary).count() == 3
    assert quota.used(f"reveal:{secretary.pk}", quota.day_start()) == 3
    assert AuditEvent.objects.filter(action="personal_data.reveal_cap").count() == 1


def test_the_hourly_probe_limit_holds_when_registrations_race(settings):
    """Eight simultaneous registrations of ID numbers held elsewhere with a limit of 2: at most
    2 are answered "registered elsewhere" (and audited), the rest are 429."""
    settings.HAOLINJU_DUPLICATE_PROBES_PER_HOUR = 2
    tree = Tree()
    mine = tree.compounds[0]
    elsewhere = next(c for c in tree.compounds if not c.path.startswith(tree.communities[0].path))
    secretary = staff(Title.BRANCH_SECRETARY, mine, username="sec")
    numbers = [decrypt(PersonFactory(area=elsewhere).id_number_enc) for _ in range(THREADS)]

    def register(i):
        return services.person_register(
            actor=secretary, area=mine, name=f"住户{i}", id_number=numbers[i]
        )

    results = race(register)
    assert all(isinstance(r, ApplicationError) for r in results), results
    answered = [r for r in results if r.status_code == 422]
    assert len(answered) == 2
    assert all(r.status_code in (422, 429) for r in results)
    assert AuditEvent.objects.filter(action="person.duplicate_elsewhere").count() == len(answered)
    assert QuotaCounter.objects.get(key=f"id-probe:{secretary.pk}").used == len(answered)
