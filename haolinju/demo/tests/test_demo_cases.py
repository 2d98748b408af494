"""The demo cases: hundreds across the district, every state, and work for each demo account."""

from __future__ import annotations

import pytest

from haolinju.cases.models import Case, Rating, Status, Summons

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_state_and_every_account(demo):
    """A few hundred cases in every status; the resident has one to rate, the secretary's board
    has new ones, the member has orders to accept, the department has whistles."""
    from django.contrib.auth import get_user_model

    from haolinju.cases import selectors

    assert 200 <= Case.objects.count() <= 1000
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Rating.objects.exists() and Summons.objects.exists()
    users = {u.username: u for u in get_user_model().objects.all()}
    mine = selectors.requests_of(actor=users["resident"])
    assert mine.filter(status=Status.RESOLVED).exists()
    board = selectors.case_list(actor=users["secretary"])
    assert board.filter(status=Status.SUBMITTED).exists()
    orders = selectors.case_list(
        actor=users["member"], filters=selectors.CaseFilters(assigned_to_me=True)
    )
    assert orders.filter(status=Status.DISPATCHED).exists()
    assert selectors.whistle_inbox(actor=users["department"]).exists()
