"""``core.prepared``: a queryset compiled once gives the same rows as the ORM for any arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haolinju.core.models import AuditEvent
from haolinju.core.prepared import Prepared

pytestmark = pytest.mark.django_db

BY_ACTION = Prepared(
    lambda action: (
        AuditEvent.objects.filter(action=action)
        .order_by("id")
        .values_list("id", "action", "created_at")
    ),
    "action",
)


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.create(action=action, target_type="test", target_id="1")


def test_rows_match_the_orm_for_every_argument():
    """Each call substitutes its own argument into the statement compiled at the first call,
    and the rows (datetimes converted like the ORM's) equal what values_list returns."""
    a, b = _event("prepared.a"), _event("prepared.b")
    _event("prepared.b")
    for action in ("prepared.a", "prepared.b", "prepared.none"):
        expected = list(
            AuditEvent.objects.filter(action=action)
            .order_by("id")
            .values_list("id", "action", "created_at")
        )
        assert BY_ACTION(action=action) == expected
    assert BY_ACTION(action="prepared.a")[0][0] == a.pk
    assert isinstance(BY_ACTION(action="prepared.b")[0][2], dt.datetime)
    assert BY_ACTION(action="prepared.b")[0][0] == b.pk


def test_it_is_one_query_through_the_connection():
    """The statement goes through the connection's cursor: query logs and budgets see it."""
    _event("prepared.c")
    BY_ACTION(action="prepared.c")  # compiled already or now; count the next call
    with CaptureQueriesContext(connection) as queries:
        BY_ACTION(action="prepared.c")
    assert len(queries) == 1


def test_only_values_list_querysets_are_accepted():
    """A queryset of model instances is refused at the first call (rows would not match)."""
    wrong = Prepared(lambda action: AuditEvent.objects.filter(action=action), "action")
    with pytest.raises(TypeError):
        wrong(action="x")


def test_an_argument_that_is_not_one_parameter_is_refused():
    """An argument the query does not take as exactly one parameter fails loudly instead of
    running a statement with the wrong value."""
    unused = Prepared(
        lambda action: AuditEvent.objects.filter(action="fixed").values_list("id"), "action"
    )
    with pytest.raises(ValueError):
        unused(action="x")
