"""Jurisdiction derives from positions; selectors filter by it first."""

import datetime as dt

import pytest

from haolinju.core.errors import NotFound
from haolinju.core.scope import jurisdiction_of
from haolinju.people import selectors
from haolinju.people.models import Position, Title
from haolinju.people.tests.factories import PersonFactory, resident, staff

pytestmark = pytest.mark.django_db


def test_street_staff_see_people_of_their_street_only(tree):
    """A street worker lists the people of their street and gets 404 for anyone elsewhere."""
    inside = PersonFactory(area=tree.units[0])
    outside = PersonFactory(area=tree.units[-1])
    user = staff(Title.STREET_STAFF, tree.streets[0])
    ids = set(selectors.person_list(actor=user).values_list("pk", flat=True))
    assert inside.pk in ids
    assert outside.pk not in ids
    with pytest.raises(NotFound):
        selectors.person_get(actor=user, person_id=outside.pk)


def test_resident_sees_only_themselves_but_their_whole_compound_tree(tree):
    """A resident's people list is their own record; their public scope is their compound."""
    neighbour = PersonFactory(area=tree.units[1])
    user = resident(tree.units[0])
    assert list(selectors.person_list(actor=user).values_list("pk", flat=True)) == [user.person.pk]
    with pytest.raises(NotFound):
        selectors.person_get(actor=user, person_id=neighbour.pk)
    scope = jurisdiction_of(user)
    assert scope.public_paths == (tree.compounds[0].path,)
    assert scope.people_paths == ()


def test_ended_position_grants_nothing(tree):
    """A secretary whose term has ended loses the compound's people directory."""
    user = staff(Title.BRANCH_SECRETARY, tree.compounds[0])
    Position.objects.filter(person=user.person).update(ended_on=dt.date(2021, 1, 1))
    PersonFactory(area=tree.units[0])
    assert list(selectors.person_list(actor=user).values_list("pk", flat=True)) == [user.person.pk]
