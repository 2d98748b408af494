"""The demo district is seeded once per test module and rolled back afterwards."""

from __future__ import annotations

import io

import pytest
from django.db import transaction

PASSWORD = "demo-test-password"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo accounts (seeded with ``PASSWORD``); every row is rolled back after the module."""
    from haolinju.demo import seed_demo

    with django_db_blocker.unblock(), transaction.atomic():
        accounts = seed_demo(password=PASSWORD, stdout=io.StringIO())
        yield {a.username: a for a in accounts}
        transaction.set_rollback(True)
