"""Who sees which case."""

from __future__ import annotations

import pytest

from haolinju.cases import selectors
from haolinju.cases.models import CaseKind, StateType, Status, state_type_of
from haolinju.core.errors import NotFound

from .factories import CaseFactory, category, order_for


def visible_ids(user):
    return set(selectors.visible_cases(actor=user).values_list("pk", flat=True))


def test_staff_requester_and_assignee_see_an_order_nobody_else_does(c):
    """An order is seen by the compound's staff and the levels above, its requester and its
    assignee; another compound's secretary and a neighbour do not see it."""
    case = order_for(c, assignee_person=c.member.person)
    for user in (c.secretary, c.community_secretary, c.street_staff, c.resident, c.member):
        assert case.pk in visible_ids(user), user.username
    for user in (c.other_secretary, c.neighbour, c.outsider, c.member2, c.department_staff):
        assert case.pk not in visible_ids(user), user.username
        with pytest.raises(NotFound):
            selectors.case_get(actor=user, case_id=case.pk)


def test_assignee_outside_jurisdiction_sees_only_the_cases_given_to_them(c):
    """The property manager and a summoned department see the cases given to them even
    outside their area, and no other case there."""
    from django.utils import timezone

    from haolinju.cases.models import Summons

    given = order_for(c, assignee_organisation=c.property_company)
    summoned = order_for(c)
    Summons.objects.create(
        case=summoned,
        organisation=c.department,
        area_path=summoned.area_path,
        whistled_at=timezone.now(),
        report_in_due_at=timezone.now(),
    )
    other = order_for(c, area=c.other_compound, owner_area=c.other_compound, requester=None)
    assert given.pk in visible_ids(c.property_manager)
    assert summoned.pk in visible_ids(c.department_staff)
    assert given.pk not in visible_ids(c.department_staff)
    assert other.pk not in visible_ids(c.department_staff)
    assert other.pk not in visible_ids(c.property_manager)
    assert visible_ids(c.department_staff) == {summoned.pk}


def test_public_problem_report_is_seen_by_the_compound_but_not_another(c):
    """A public problem report is visible to residents of its compound, not to outsiders; a
    private one only to its reporter and staff."""
    public = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT,
        category=category("ebike_charging"),
        area=c.compound,
        owner_area=c.compound,
        requester=c.resident.person,
        detail__public=True,
    )
    private = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT,
        category=category("noise"),
        area=c.compound,
        owner_area=c.compound,
        requester=c.resident.person,
        detail__public=False,
    )
    assert public.pk in visible_ids(c.neighbour)
    assert private.pk not in visible_ids(c.neighbour)
    assert public.pk not in visible_ids(c.outsider)
    assert {public.pk, private.pk} <= visible_ids(c.resident)


def test_assigned_to_me_filter_lists_only_the_actors_orders(c):
    """``assigned=me`` narrows to orders given to the caller (person or organisation)."""
    mine = order_for(c, assignee_person=c.member.person)
    order_for(c, assignee_person=c.member2.person)
    qs = selectors.case_list(actor=c.member, filters=selectors.CaseFilters(assigned_to_me=True))
    assert list(qs.values_list("pk", flat=True)) == [mine.pk]


def test_closed_unfixed_is_never_fixed():
    """Every close reason but ``fixed`` gives the state type *closed*; open statuses are open."""
    assert state_type_of(Status.CLOSED, "fixed") == StateType.FIXED
    for reason in ("duplicate", "withdrawn", "not_responsible", "unable", ""):
        assert state_type_of(Status.CLOSED, reason) == StateType.CLOSED
    assert state_type_of(Status.RESOLVED) == StateType.FIXED
    assert state_type_of(Status.DECLINED) == StateType.OPEN


def test_categories_are_seeded_with_deadlines(db):
    """The data migration seeds the article's categories, each with a deadline per step."""
    codes = set(selectors.categories().values_list("code", flat=True))
    assert {"ebike_charging", "parking", "litter", "water", "lighting", "noise"} <= codes
    assert {"neighbour_dispute", "elderly_help", "micro_wish", "proxy_errand"} <= codes
    assert category("emergency_help").resolve_within == "2h"
    assert category("water").resolve_within == "24h"
    assert category("parking").resolve_within == "15wd"
