"""Reads of people, scoped to the actor's jurisdiction before anything else.

``jurisdiction_of`` is the resolver ``core.scope`` calls (see settings): it turns the actor's
current positions into subtrees.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haolinju.core import scope as core_scope
from haolinju.core.counting import count_each
from haolinju.core.crypto import blind_index
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.prepared import Prepared
from haolinju.core.scope import Jurisdiction, is_within, minimal_paths, subtree_q
from haolinju.core.validators import parse_id_number, parse_mobile
from haolinju.org.models import Area
from haolinju.org.selectors import area_get, compound_of, subtree

from .models import Ledger, Member, Person, Position, Volunteer, ledger_q
from .roles import PEOPLE, SERVICE, TITLE_SCOPE


def active_positions(*, on: dt.date | None = None) -> QuerySet[Position]:
    on = on or dt.date.today()
    return Position.objects.filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )


def position_active(started: dt.date, ended: dt.date | None, on: dt.date) -> bool:
    """A position's dates hold on ``on`` (the rule of ``active_positions``, for rows in hand)."""
    return started <= on and (ended is None or ended >= on)


def jurisdiction_of(actor) -> Jurisdiction:
    """The actor's jurisdiction: one query for its inputs, the derivation cached on them.

    The inputs — the actor's person (id, home path) and every position it holds (title, path,
    dates) — are read fresh on every call, in one query. The derived ``Jurisdiction`` is cached
    per process under a key made of the user id, today's date and those inputs themselves, so
    a changed, added or ended position, a moved person or a new day is a different key: a
    stale jurisdiction can never be served, whichever process or host made the change and
    whether it went through a service, the admin, a bulk update or raw SQL.
    """
    if getattr(actor, "is_superuser", False):
        return Jurisdiction(is_superuser=True)
    inputs = scope_inputs(actor.pk)
    if not inputs:
        return Jurisdiction()
    key = (actor.pk, dt.date.today(), inputs)
    with _RESOLVED_LOCK:
        cached = _RESOLVED.get(key)
        if cached is not None:
            _RESOLVED.move_to_end(key)
            return cached
    result = _derive(inputs, on=key[1])
    with _RESOLVED_LOCK:
        _RESOLVED[key] = result
        while len(_RESOLVED) > RESOLVED_MAX:
            _RESOLVED.popitem(last=False)
    return result


def holds_people_position_on(user, kinds) -> bool:
    """Whether ``user`` holds a current position with people scope on an area of one of
    ``kinds`` (two-factor sign-in is required then: ``settings.HAOLINJU_2FA_POSITIONS``)."""
    titles = [t for t, s in TITLE_SCOPE.items() if s == PEOPLE]
    return (
        active_positions()
        .filter(person__user_id=user.pk, title__in=titles, area__kind__in=list(kinds))
        .exists()
    )


# Derived jurisdictions, least recently used first; keys hold their own inputs (see above).
RESOLVED_MAX = 4096
_RESOLVED: OrderedDict[tuple, Jurisdiction] = OrderedDict()
_RESOLVED_LOCK = threading.Lock()


def forget_jurisdictions() -> None:
    """Empty this process's cache of derived jurisdictions (tests that count queries)."""
    with _RESOLVED_LOCK:
        _RESOLVED.clear()


def scope_inputs(user_id: int) -> tuple:
    """(person id, home path, title, position path, started, ended) per position of the
    user's person — one row with ``None`` positions when it holds none; () without a person.
    Read on every request, so it is a prepared statement (``core.prepared``)."""
    return tuple(_SCOPE_INPUTS(user_id=user_id))


_SCOPE_INPUTS = Prepared(
    lambda user_id: (
        Person.objects.filter(user_id=user_id)
        .order_by("positions__id")
        .values_list(
            "id",
            "area_path",
            "positions__title",
            "positions__area_path",
            "positions__started_on",
            "positions__ended_on",
        )
    ),
    "user_id",
)


def _derive(inputs: tuple, *, on: dt.date) -> Jurisdiction:
    person_id, home_path = inputs[0][0], inputs[0][1]
    positions = [
        (title, path)
        for _, _, title, path, started, ended in inputs
        if title is not None and position_active(started, ended, on)
    ]
    staff = minimal_paths(p for _, p in positions)
    people = minimal_paths(p for t, p in positions if TITLE_SCOPE.get(t) == PEOPLE)
    service = minimal_paths(
        p for t, p in positions if TITLE_SCOPE.get(t) == SERVICE and not is_within(p, people)
    )
    public = list(staff)
    home = compound_of(home_path)
    if home is not None:
        public.append(home.path)
    return Jurisdiction(
        staff_paths=tuple(staff),
        people_paths=tuple(people),
        service_paths=tuple(service),
        public_paths=tuple(minimal_paths(public)),
        person_id=person_id,
        home_path=home_path,
        titles=tuple(sorted({t for t, _ in positions})),
    )


def _visible_people(scope: Jurisdiction, *, full_only: bool = False) -> QuerySet[Person]:
    """People the actor sees; ``full_only``: only where it reads the directory in full (the
    ``people`` scope and its own record), leaving out service-only subtrees."""
    if scope.is_superuser:
        return Person.objects.all()
    paths = scope.people_paths if full_only else (*scope.people_paths, *scope.service_paths)
    q = subtree_q(paths)
    # The actor's own record is always visible. OR it in only when it lies outside their
    # subtrees: the OR turns an index-ordered page into a sort of the whole subtree.
    if scope.person_id is not None and not is_within(scope.home_path, paths):
        q |= Q(pk=scope.person_id)
    return Person.objects.filter(q)


def _search(qs: QuerySet[Person], q: str, scope: Jurisdiction) -> QuerySet[Person]:
    """Name substring, or an exact phone / ID number through the blind index (an ID number
    only where the actor reads the directory in full: no oracle for service-only viewers)."""
    q = q.strip()
    if not q:
        return qs
    try:
        return qs.filter(phone_index=blind_index(parse_mobile(q), "phone"))
    except ValidationError:
        pass
    try:
        value = parse_id_number(q).value
    except ValidationError:
        return qs.filter(name__contains=q)
    if scope.service_paths and not scope.is_superuser:
        qs = qs.filter(pk__in=_visible_people(scope, full_only=True).values("pk"))
    return qs.filter(id_number_index=blind_index(value, "id_number"))


def minimum_necessary(actor, people):
    """Blank, in memory, what a service-only viewer may not see of each record (roles.py):
    ID number, sex, birth date, member and volunteer records, positions. Returns the rows;
    sets ``service_view`` on the blanked ones. Never save a row that went through this."""
    scope = core_scope.jurisdiction_of(actor)
    if not scope.service_paths:
        return people
    member = Person._meta.get_field("member")
    volunteer = Person._meta.get_field("volunteer")
    for person in people:
        if person.pk == scope.person_id or not scope.serves_people_at(person.area_path):
            continue
        person.service_view = True
        person.id_number_masked = ""
        person.sex = ""
        person.birth_date = None
        member.set_cached_value(person, None)
        volunteer.set_cached_value(person, None)
        person.shown_positions = []
    return people


def person_list(
    *, actor, area_id: int | None = None, q: str = "", ledger: str | None = None
) -> QuerySet[Person]:
    scope = core_scope.jurisdiction_of(actor)  # resolved once per actor object
    if ledger and ledger not in Ledger.values:
        raise InvalidInput.on(
            "ledger", _("台账应为：%(v)s") % {"v": "、".join(str(x.label) for x in Ledger)}
        )
    qs = _visible_people(scope, full_only=bool(ledger))  # ledgers: never service-only rows
    if area_id is not None:
        qs = qs.filter(subtree(area_get(actor=actor, area_id=area_id)))
    if ledger:
        qs = qs.filter(ledger_q(ledger, prefix="member__"))
    return _search(qs, q, scope).select_related("area").order_by("area_path", "id")


def person_get(*, actor, person_id: int) -> Person:
    person = (
        _visible_people(core_scope.jurisdiction_of(actor))  # cached per actor object
        .select_related("area", "member", "volunteer", "member__holding_org")
        .filter(pk=person_id)
        .order_by()[:1]  # by primary key: no ORDER BY to compile (cheaper than .first())
    )
    person = person[0] if person else None
    if person is None:
        raise NotFound()
    minimum_necessary(actor, [person])
    return person


def person_positions(person: Person) -> QuerySet[Position]:
    return person.positions.select_related("area", "organisation").order_by("-started_on")


def visible_positions(*, actor, person: Person, positions=None) -> list[Position]:
    """The person's positions whose area the actor may see (minimum necessary: a record never
    names an area the viewer would get a 404 for); the person themselves sees all of theirs."""
    scope = core_scope.jurisdiction_of(actor)  # cached: person_get resolved it already
    if getattr(person, "service_view", False):
        return []
    rows = list(positions if positions is not None else person_positions(person))
    if scope.person_id == person.pk:
        return rows
    return [p for p in rows if scope.can_see_area(p.area_path)]


def member_list(*, actor, ledger: str | None = None, area_id: int | None = None):
    people = person_list(actor=actor, area_id=area_id, ledger=ledger)
    scope = core_scope.jurisdiction_of(actor)
    if scope.service_paths and not scope.is_superuser:  # member data: full directory only
        people = people.filter(pk__in=_visible_people(scope, full_only=True).values("pk"))
    return Member.objects.filter(person__in=people.values("pk")).select_related("person")


def people_count_querysets(area: Area) -> dict[str, QuerySet]:
    """What ``people_counts`` counts, as querysets (see ``core.counting``): range scans."""
    members = Member.objects.filter(subtree(area))
    return {
        "residents": Person.objects.filter(subtree(area)),
        "volunteers": Volunteer.objects.filter(subtree(area)),
        "members": members,
        **{f"members_{ledger}": members.filter(ledger_q(ledger)) for ledger in Ledger.values},
    }


def people_counts(area: Area) -> dict[str, int]:
    """Residents, volunteers and members by ledger of a subtree, in one query."""
    return count_each(people_count_querysets(area))
