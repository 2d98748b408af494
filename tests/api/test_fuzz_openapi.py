"""Fuzzing the whole API from its OpenAPI document (issue 6, item 10): schemathesis generates
requests for every operation of /api/v1/openapi.json and sends them to the WSGI app as two
roles, district staff and a resident. No response may be a server error, and every response
the schema describes must match it. Bounded (a few examples per operation, a fixed seed) so the
run stays well under three minutes."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from haolinju.accounts.services import token_issue
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff
from haolinju.people.tests.factories_extra import furnish

EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run
    database=None,
    phases=[Phase.generate],  # not schemathesis' long coverage phase (explicit examples)
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One small district, shared by every generated request, rolled back at the end. Like
    Django's test client, requests must not close the test's connection (PostgreSQL would
    lose the transaction the test runs in)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield from _world(django_db_blocker)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _world(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        tree = Tree()
        furnish(tree)
        district = staff(Title.DISTRICT_STAFF, tree.district, username="fuzz-district")
        neighbour = resident(tree.units[0], username="fuzz-resident")
        yield {
            "district": token_issue(user=district),
            "resident": token_issue(user=neighbour),
        }
        transaction.set_rollback(True)


def _load_schema():
    from haolinju.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()  # reading the document needs no database


@schema.parametrize()
@FUZZ
def test_no_server_error_as_district_staff(case, world, db):
    """Every operation, fuzzed as district staff: no 5xx, documented responses match."""
    case.call_and_validate(headers={"Authorization": f"Bearer {world['district']}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_no_server_error_as_a_resident(case, world, db):
    """Every operation, fuzzed as a resident: no 5xx, documented responses match."""
    case.call_and_validate(headers={"Authorization": f"Bearer {world['resident']}"}, checks=CHECKS)
