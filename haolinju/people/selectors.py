"""Reads of people, scoped to the actor's jurisdiction before anything else.

``jurisdiction_of`` is the resolver ``core.scope`` calls (see settings): it turns the actor's
current positions into subtrees.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from haolinju.core import scope as core_scope
from haolinju.core.crypto import blind_index
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.scope import (
    Jurisdiction,
    is_within,
    jurisdiction_of,
    minimal_paths,
    subtree_q,
)
from haolinju.core.validators import parse_id_number, parse_mobile
from haolinju.org.models import Area
from haolinju.org.selectors import area_get, compound_of, subtree

from .models import Ledger, Member, Person, Position, Volunteer, ledger_q
from .roles import PEOPLE, TITLE_SCOPE


def active_positions(*, on: dt.date | None = None) -> QuerySet[Position]:
    on = on or dt.date.today()
    return Position.objects.filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )


def jurisdiction_of(actor) -> Jurisdiction:  # noqa: F811 - the resolver core.scope calls
    if getattr(actor, "is_superuser", False):
        return Jurisdiction(is_superuser=True)
    person = Person.objects.filter(user_id=actor.pk).only("id", "area_path").first()
    if person is None:
        return Jurisdiction()
    positions = list(active_positions().filter(person=person).values_list("title", "area_path"))
    staff = minimal_paths(p for _, p in positions)
    people = minimal_paths(p for t, p in positions if TITLE_SCOPE.get(t) == PEOPLE)
    public = list(staff)
    home = compound_of(person.area_path)
    if home is not None:
        public.append(home.path)
    return Jurisdiction(
        staff_paths=tuple(staff),
        people_paths=tuple(people),
        public_paths=tuple(minimal_paths(public)),
        person_id=person.pk,
        home_path=person.area_path,
        titles=tuple(sorted({t for t, _ in positions})),
    )


def _visible_people(scope: Jurisdiction) -> QuerySet[Person]:
    if scope.is_superuser:
        return Person.objects.all()
    q = subtree_q(scope.people_paths)
    # The actor's own record is always visible. OR it in only when it lies outside their
    # subtrees: the OR turns an index-ordered page into a sort of the whole subtree.
    if scope.person_id is not None and not is_within(scope.home_path, scope.people_paths):
        q |= Q(pk=scope.person_id)
    return Person.objects.filter(q)


def _search(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Name substring, or an exact phone / ID number through the blind index."""
    q = q.strip()
    if not q:
        return qs
    try:
        return qs.filter(phone_index=blind_index(parse_mobile(q), "phone"))
    except ValidationError:
        pass
    try:
        return qs.filter(id_number_index=blind_index(parse_id_number(q).value, "id_number"))
    except ValidationError:
        pass
    return qs.filter(name__contains=q)


def person_list(
    *, actor, area_id: int | None = None, q: str = "", ledger: str | None = None
) -> QuerySet[Person]:
    scope = jurisdiction_of(actor)
    qs = _visible_people(scope)
    if area_id is not None:
        qs = qs.filter(subtree(area_get(actor=actor, area_id=area_id)))
    if ledger:
        if ledger not in Ledger.values:
            raise InvalidInput.on(
                "ledger", _("台账应为：%(v)s") % {"v": "、".join(str(x.label) for x in Ledger)}
            )
        qs = qs.filter(ledger_q(ledger, prefix="member__"))
    return _search(qs, q).select_related("area").order_by("area_path", "id")


def person_get(*, actor, person_id: int) -> Person:
    person = (
        _visible_people(core_scope.jurisdiction_of(actor))  # cached per actor object
        .select_related("area", "member", "volunteer", "member__holding_org")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def person_positions(person: Person) -> QuerySet[Position]:
    return person.positions.select_related("area", "organisation").order_by("-started_on")


def visible_positions(*, actor, person: Person, positions=None) -> list[Position]:
    """The person's positions whose area the actor may see (minimum necessary: a record never
    names an area the viewer would get a 404 for); the person themselves sees all of theirs."""
    scope = core_scope.jurisdiction_of(actor)  # cached: person_get resolved it already
    rows = list(positions if positions is not None else person_positions(person))
    if scope.person_id == person.pk:
        return rows
    return [p for p in rows if scope.can_see_area(p.area_path)]


def member_list(*, actor, ledger: str | None = None, area_id: int | None = None):
    people = person_list(actor=actor, area_id=area_id, ledger=ledger)
    return Member.objects.filter(person__in=people.values("pk")).select_related("person")


def people_counts(area: Area) -> dict[str, int]:
    """Residents, volunteers and members by ledger of a subtree: three range scans."""
    members = Member.objects.filter(subtree(area)).aggregate(
        total=Count("id"),
        **{ledger: Count("id", filter=ledger_q(ledger)) for ledger in Ledger.values},
    )
    return {
        "residents": Person.objects.filter(subtree(area)).count(),
        "volunteers": Volunteer.objects.filter(subtree(area)).count(),
        "members": members.pop("total"),
        **{f"members_{k}": v for k, v in members.items()},
    }
