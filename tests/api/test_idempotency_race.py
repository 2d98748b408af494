"""Two simultaneous first requests with one Idempotency-Key: exactly one writes (PostgreSQL)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Person, Title
from haolinju.people.tests.factories import staff


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_write_once():
    """Eight threads send the same keyed POST at once: one person is created, every answer is
    that 201 (replayed) or a 409 "still processing" — never a second write."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are meaningful on PostgreSQL only")
    tree = Tree()
    user = staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0], username="sec")
    token = token_issue(user=user)
    body = json.dumps({"area_id": tree.units[1].pk, "name": "并发者"})
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def send():
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/people",
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Person.objects.filter(name="并发者").count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
