"""A cached jurisdiction is never served stale: the request right after a position changes —
ended, moved, granted, or the person moved — sees the new scope, through a bearer token and
through a session. Changes are made with queryset ``update()`` (no model signals), as an
import, the admin's bulk actions or another process would make them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.core.scope import jurisdiction_of
from haolinju.people import selectors
from haolinju.people.models import Person, Position, Title
from haolinju.people.tests.factories import PersonFactory, staff

pytestmark = pytest.mark.django_db

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads(client: Client, person: Person, *, web: bool) -> int:
    url = f"/people/{person.pk}/" if web else f"/api/v1/people/{person.pk}"
    return client.get(url).status_code


@pytest.mark.parametrize("web", [False, True], ids=["token", "session"])
def test_ending_a_position_hides_the_subtree_on_the_very_next_request(tree, web):
    """Street staff read a resident of their street; once the position is ended the next
    request answers 404 for the record and the list no longer holds it."""
    neighbour = PersonFactory(area=tree.units[0])
    user = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[-1])
    client = _web(user) if web else _api(user)
    assert _reads(client, neighbour, web=web) == 200
    Position.objects.filter(person__user=user).update(ended_on=YESTERDAY)
    assert _reads(client, neighbour, web=web) == 404
    if not web:
        ids = [p["id"] for p in client.get("/api/v1/people?limit=200").json()["items"]]
        assert neighbour.pk not in ids


@pytest.mark.parametrize("web", [False, True], ids=["token", "session"])
def test_moving_a_position_moves_the_scope_on_the_next_request(tree, web):
    """A position moved to the other street: the old street's people are 404 at once and the
    new street's people are readable at once."""
    old_side = PersonFactory(area=tree.units[0])
    new_side = PersonFactory(area=tree.units[-1])
    user = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[1])
    client = _web(user) if web else _api(user)
    assert _reads(client, old_side, web=web) == 200
    assert _reads(client, new_side, web=web) == 404
    street = tree.streets[1]
    Position.objects.filter(person__user=user).update(area=street, area_path=street.path)
    assert _reads(client, old_side, web=web) == 404
    assert _reads(client, new_side, web=web) == 200


def test_a_granted_position_counts_on_the_next_request(tree):
    """A resident given a building-head position reads that building's people on the next
    request (a cached "no scope" is not served either)."""
    neighbour = PersonFactory(area=tree.units[1])
    user = staff(Title.STREET_STAFF, tree.streets[1], home=tree.units[0])
    client = _api(user)
    assert _reads(client, neighbour, web=False) == 404
    building = tree.buildings[0]
    Position.objects.create(
        person=user.person,
        title=Title.BUILDING_HEAD,
        area=building,
        area_path=building.path,
        started_on=YESTERDAY,
    )
    assert _reads(client, neighbour, web=False) == 200


def test_a_position_starting_tomorrow_grants_nothing_today(tree):
    """Cached or not, a position that has not started yet gives no scope."""
    neighbour = PersonFactory(area=tree.units[0])
    user = staff(Title.STREET_STAFF, tree.streets[1], home=tree.units[-1])
    client = _api(user)
    street = tree.streets[0]
    Position.objects.create(
        person=user.person,
        title=Title.STREET_STAFF,
        area=street,
        area_path=street.path,
        started_on=dt.date.today() + dt.timedelta(days=1),
    )
    assert _reads(client, neighbour, web=False) == 404


def test_moving_home_changes_the_public_compound_at_once(tree):
    """A resident's public scope is their compound; after moving (area_path updated) the old
    compound's areas are 404 and the new one's are readable."""
    user = staff(Title.HYGIENE_OFFICER, tree.buildings[0], home=tree.units[0])
    client = _api(user)
    old, new = tree.compounds[0], tree.compounds[-1]
    assert client.get(f"/api/v1/areas/{old.pk}").status_code == 200
    assert client.get(f"/api/v1/areas/{new.pk}").status_code == 404
    Position.objects.filter(person__user=user).delete()
    Person.objects.filter(user=user).update(area=tree.units[-1], area_path=tree.units[-1].path)
    assert client.get(f"/api/v1/areas/{old.pk}").status_code == 404
    assert client.get(f"/api/v1/areas/{new.pk}").status_code == 200


def test_identical_positions_of_two_users_never_share_a_jurisdiction(tree):
    """Two accounts holding the same title over the same area get equal subtrees, but each
    keeps their own person (the cache is keyed by the user, then by what it derives from)."""
    first = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[0])
    second = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[0])
    a, b = jurisdiction_of(first), jurisdiction_of(second)
    assert a.people_paths == b.people_paths == (tree.streets[0].path,)
    assert a.person_id == first.person.pk
    assert b.person_id == second.person.pk


def test_a_revoked_superuser_flag_is_seen_on_the_next_request(tree):
    """A superuser demoted in the database reads only their own scope on the next request."""
    elsewhere = PersonFactory(area=tree.units[-1])
    user = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[0])
    type(user).objects.filter(pk=user.pk).update(is_superuser=True)
    client = _api(user)
    assert _reads(client, elsewhere, web=False) == 200
    type(user).objects.filter(pk=user.pk).update(is_superuser=False)
    assert _reads(client, elsewhere, web=False) == 404


def test_selectors_see_an_ended_position_for_a_new_request_object(tree):
    """The resolver itself (a new user object per request) never returns a scope derived from
    positions that have since changed."""
    neighbour = PersonFactory(area=tree.units[0])
    user = staff(Title.STREET_STAFF, tree.streets[0], home=tree.units[-1])
    assert selectors.person_get(actor=user, person_id=neighbour.pk) == neighbour
    Position.objects.filter(person__user=user).update(ended_on=YESTERDAY)
    fresh = type(user).objects.get(pk=user.pk)
    assert jurisdiction_of(fresh).people_paths == ()
