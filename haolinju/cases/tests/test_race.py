"""Two dispatchers, then two acceptors, at once: exactly one wins, the other gets a 409.

The state check happens after ``core.transitions`` locks the row (``select_for_update``); a
short pause inside the policy check keeps both requests inside the race window, so without the
lock both would read the old state and both would "win"."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from haolinju.cases import policies, services
from haolinju.cases.models import Case, Status
from haolinju.cases.services import machine
from haolinju.core.errors import ApplicationError
from haolinju.people.models import Title

from .factories import cast, order_for, position


def _race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except ApplicationError as err:
            outcomes.append(str(err.status_code))
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.fixture
def slow_policy(monkeypatch):
    real = policies.may

    def may(actor, case, action):
        if action in ("dispatch", "accept") and actor is not None:
            time.sleep(0.3)
        return real(actor, case, action)

    monkeypatch.setattr(machine.CASE_MACHINE, "may", may)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_and_two_acceptors_one_wins(slow_policy):
    """The secretary and the community secretary dispatch the same order at once to different
    members: one dispatch stands, the other is a 409. Two staff of the assignee company accept
    at once: one acceptance stands, the other is a 409."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    c = cast()
    case = order_for(c)
    outcomes = _race(
        [
            lambda: services.case_transition(
                actor=c.secretary, case_id=case.pk, action="dispatch",
                assignee_person_id=c.member.person.pk,
            ),
            lambda: services.case_transition(
                actor=c.community_secretary, case_id=case.pk, action="dispatch",
                assignee_person_id=c.member2.person.pk,
            ),
        ]
    )  # fmt: skip
    assert outcomes == ["409", "ok"]
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED

    second = cast_user(c)
    order = order_for(c, status=Status.DISPATCHED, assignee_organisation=c.property_company)
    accept = services.case_transition
    outcomes = _race(
        [
            lambda: accept(actor=c.property_manager, case_id=order.pk, action="accept"),
            lambda: accept(actor=second, case_id=order.pk, action="accept"),
        ]
    )
    assert outcomes == ["409", "ok"]
    from haolinju.core.models import AuditEvent

    assert AuditEvent.objects.filter(target_id=order.pk, action="case.accept").count() == 1


def cast_user(c):
    from haolinju.people.tests.factories import PersonFactory, account_for

    user = account_for(PersonFactory(area=c.other_compound), username="property2")
    position(user, Title.PROPERTY_MANAGER, c.compound, c.property_company)
    return user
