"""A randomised but reproducible world for the jurisdiction tests, and the *expected* visibility
computed from first principles.

The expectation deliberately shares no code with the selectors: it walks ``parent`` links in
Python (never the ``path`` strings), reads positions straight from their rows, and restates the
rule of who may read the people directory as a literal table. If a selector and this module
disagree, one of them is wrong.

The rules, as the product states them:
- a person record is visible to a superuser, to the person themselves, and to anyone holding a
  current position with a people-directory or a service title over an area that contains the
  person's area;
- in full (masked ID number, sex, birth date, member and volunteer records, positions, ledger
  lists, reveal) only to a superuser, the person, and people-directory titles over it; a
  service title (a property manager) sees name, unit and masked phone only;
- an area (and its organisations and counts) is visible to a superuser, to anyone holding any
  current position over an area containing it, and to anyone living in the compound it lies in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from haolinju.accounts.models import User
from haolinju.core.crypto import blind_index
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind
from haolinju.org.tests.factories import OrganisationFactory, Tree
from haolinju.people.models import (
    Employment,
    HeldAt,
    Member,
    Mobility,
    Occupancy,
    Person,
    Position,
    Title,
    Volunteer,
)
from haolinju.people.tests.factories import (
    MemberFactory,
    PersonFactory,
    UserFactory,
    VolunteerFactory,
    synthetic_id,
    synthetic_phone,
)

SEED = 20241129
PASSWORD = "pw-for-tests"

# Titles whose holders read the people directory (masked) of their area. This is the product
# rule restated as a literal, on purpose: changing who sees personal data must change a test.
PEOPLE_DIRECTORY_TITLES = frozenset(
    {
        "district_staff",
        "street_staff",
        "community_secretary",
        "community_worker",
        "first_secretary",
        "branch_secretary",
        "group_leader",
        "building_head",
        "central_household",
        "grid_worker",
    }
)
# Titles whose holders see residents for service only: name, unit, masked phone.
SERVICE_TITLES = frozenset({"property_manager"})

# Ledgers from the member's three attributes (RULES.md §4), restated independently.
LEDGER_RULES = {
    "self_managed": lambda m: m.held_at == "community",
    "in_service": lambda m: m.held_at == "employer" and m.employment == "working",
    "retired": lambda m: m.employment == "retired",
    "floating": lambda m: m.mobility in ("floating_in", "floating_out"),
}


@dataclass
class Actor:
    label: str
    user: User
    person_id: int | None
    is_superuser: bool = False


@dataclass
class World:
    trees: list[Tree]
    areas: dict[int, Area]
    parent: dict[int, int | None]
    people: dict[int, Person]  # every person, users' own records included
    plaintext: dict[int, tuple[str, str]]  # person id → (ID number, phone)
    members: dict[int, Member]  # by person id
    volunteers: set[int]  # person ids
    organisations: dict[int, Organisation]
    actors: list[Actor]
    today: dt.date = field(default_factory=dt.date.today)
    _chains: dict[int, frozenset[int]] = field(default_factory=dict)
    _positions: dict[int, list[Position]] = field(default_factory=dict)
    _memo: dict[tuple, object] = field(default_factory=dict)

    def _cached(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # --- the tree, from parent links only -----------------------------------------------------

    def ancestors_or_self(self, area_id: int) -> frozenset[int]:
        chain = self._chains.get(area_id)
        if chain is None:
            ids, node = [], area_id
            while node is not None:
                ids.append(node)
                node = self.parent[node]
            chain = self._chains[area_id] = frozenset(ids)
        return chain

    def within(self, area_id: int, root_id: int) -> bool:
        return root_id in self.ancestors_or_self(area_id)

    def home_compound(self, person_id: int | None) -> int | None:
        if person_id is None:
            return None
        for area_id in self.ancestors_or_self(self.people[person_id].area_id):
            if self.areas[area_id].kind == AreaKind.COMPOUND:
                return area_id
        return None

    # --- what an actor holds --------------------------------------------------------------

    def current_positions(self, actor: Actor) -> list[Position]:
        if actor.person_id is None:
            return []
        if actor.person_id not in self._positions:
            self._positions[actor.person_id] = [
                p
                for p in Position.objects.filter(person_id=actor.person_id)
                if p.started_on <= self.today and (p.ended_on is None or p.ended_on >= self.today)
            ]
        return self._positions[actor.person_id]

    # --- expected visibility ----------------------------------------------------------------

    def sees_person(self, actor: Actor, person_id: int) -> bool:
        if actor.is_superuser or person_id == actor.person_id:
            return True
        area_id = self.people[person_id].area_id
        return any(
            p.title in PEOPLE_DIRECTORY_TITLES | SERVICE_TITLES and self.within(area_id, p.area_id)
            for p in self.current_positions(actor)
        )

    def sees_in_full(self, actor: Actor, person_id: int) -> bool:
        """Visible with every (masked) field, member data and ledgers — not service-only."""
        if actor.is_superuser or person_id == actor.person_id:
            return True
        return self.reads_people_at(actor, self.people[person_id].area_id)

    def reads_people_at(self, actor: Actor, area_id: int) -> bool:
        return actor.is_superuser or any(
            p.title in PEOPLE_DIRECTORY_TITLES and self.within(area_id, p.area_id)
            for p in self.current_positions(actor)
        )

    def sees_area(self, actor: Actor, area_id: int) -> bool:
        if actor.is_superuser:
            return True
        if any(self.within(area_id, p.area_id) for p in self.current_positions(actor)):
            return True
        home = self.home_compound(actor.person_id)
        return home is not None and self.within(area_id, home)

    def visible_people(self, actor: Actor) -> set[int]:
        return self._cached(
            ("people", actor.user.pk),
            lambda: {pid for pid in self.people if self.sees_person(actor, pid)},
        )

    def visible_in_full(self, actor: Actor) -> set[int]:
        return self._cached(
            ("full", actor.user.pk),
            lambda: {pid for pid in self.visible_people(actor) if self.sees_in_full(actor, pid)},
        )

    def visible_areas(self, actor: Actor) -> set[int]:
        return self._cached(
            ("areas", actor.user.pk),
            lambda: {aid for aid in self.areas if self.sees_area(actor, aid)},
        )

    def visible_roots(self, actor: Actor) -> set[int]:
        seen = self.visible_areas(actor)
        return {a for a in seen if self.parent[a] is None or self.parent[a] not in seen}

    def people_under(self, area_id: int) -> set[int]:
        return self._cached(
            ("under", area_id),
            lambda: {pid for pid, p in self.people.items() if self.within(p.area_id, area_id)},
        )

    def in_ledger(self, person_id: int, ledger: str) -> bool:
        member = self.members.get(person_id)
        return member is not None and LEDGER_RULES[ledger](member)

    def all_plaintexts(self) -> set[str]:
        return {value for pair in self.plaintext.values() for value in pair}


def _person(world_people, plaintext, area: Area, seq: int) -> Person:
    # Fixed-width unique names: no name is a substring of another, so pages can be searched.
    person = PersonFactory(area=area, seq=seq, name=f"测{seq:05d}号")
    world_people[person.pk] = person
    plaintext[person.pk] = (synthetic_id(seq), synthetic_phone(seq))
    return person


def _account(person: Person, username: str, phone: str) -> User:
    user = UserFactory(username=username, password=PASSWORD)
    user.phone_index = blind_index(phone, "phone")
    user.display_name = person.name
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def build_world(seed: int = SEED) -> World:
    """Two districts; people in every unit and a few above unit level; members of every
    ledger; volunteers; organisations of many kinds; users of every title at random areas,
    overlapping and ended positions, residents, a superuser and an account without a person."""
    rng = random.Random(seed)
    today = dt.date.today()
    trees = [Tree("甲区"), Tree("乙区")]
    areas = {a.pk: a for a in Area.objects.all()}
    parent = dict(Area.objects.values_list("pk", "parent_id"))
    people: dict[int, Person] = {}
    plaintext: dict[int, tuple[str, str]] = {}
    seq = iter(range(10_001, 99_999))

    for tree in trees:
        for unit in tree.units:
            for _ in range(rng.choice((1, 1, 2, 3))):
                person = _person(people, plaintext, unit, next(seq))
                Occupancy.objects.create(
                    person=person,
                    unit=unit,
                    area_path=unit.path,
                    role=rng.choice(("owner", "co_owner", "tenant", "resident")),
                )
        # people registered above unit level (unit unknown)
        for area in rng.sample(tree.buildings + tree.entrances + tree.compounds, 6):
            _person(people, plaintext, area, next(seq))
        _person(people, plaintext, rng.choice(tree.communities), next(seq))

    ledger_shapes = [
        (HeldAt.COMMUNITY, Employment.RETIRED, Mobility.SETTLED),
        (HeldAt.EMPLOYER, Employment.WORKING, Mobility.SETTLED),
        (HeldAt.ELSEWHERE, Employment.WORKING, Mobility.FLOATING_IN),
        (HeldAt.COMMUNITY, Employment.NOT_EMPLOYED, Mobility.FLOATING_OUT),
        (HeldAt.EMPLOYER, Employment.RETIRED, Mobility.SETTLED),
    ]
    for pid in sorted(people):
        if rng.random() < 0.35:
            held_at, employment, mobility = rng.choice(ledger_shapes)
            MemberFactory(
                person=people[pid],
                held_at=held_at,
                employment=employment,
                mobility=mobility,
                employer="区住建局" if held_at == HeldAt.EMPLOYER else "",
            )
        if rng.random() < 0.25:
            VolunteerFactory(person=people[pid])

    def org(kind, area, name):
        return OrganisationFactory(kind=kind, area=area, name=name)

    for t, tree in enumerate(trees):
        for i, compound in enumerate(tree.compounds):
            org(OrgKind.BRANCH, compound, f"{t}支部{i}")
            org(OrgKind.OWNERS_COMMITTEE, compound, f"{t}业委会{i}")
        for i, building in enumerate(tree.buildings):
            org(OrgKind.BUILDING_GROUP, building, f"{t}党小组{i}")
        for i, community in enumerate(tree.communities):
            org(OrgKind.COMMUNITY_COMMITTEE, community, f"{t}大党委{i}")
            org(OrgKind.VOLUNTEER_TEAM, community, f"{t}志愿队{i}")
        for i, street in enumerate(tree.streets):
            org(OrgKind.STREET_COMMITTEE, street, f"{t}大工委{i}")
        org(OrgKind.DEPARTMENT, tree.district, f"{t}住建局")
        org(OrgKind.CENTRAL_HOUSEHOLD, rng.choice(tree.units), f"{t}中心户")

    actors: list[Actor] = []
    every_area = [a for tree in trees for a in tree.all]
    every_unit = [u for tree in trees for u in tree.units]

    def appoint(person, title, area, *, started=dt.date(2020, 1, 1), ended=None):
        Position.objects.create(
            person=person,
            title=title,
            area=area,
            area_path=area.path,
            started_on=started,
            ended_on=ended,
        )

    def new_actor(label, home, positions=()):
        person = _person(people, plaintext, home, next(seq))
        for title, area, *dates in positions:
            appoint(person, title, area, **(dates[0] if dates else {}))
        user = _account(person, f"a{len(actors)}", plaintext[person.pk][1])
        actor = Actor(label, user, person.pk)
        actors.append(actor)
        return actor

    for title in Title.values:  # every title, at a random area, living somewhere random
        area = rng.choice(every_area)
        home = rng.choice([area, rng.choice(every_unit)])
        new_actor(f"{title}@{area.kind}", home, [(title, area)])
    for tree in trees:  # the usual chain of command of one tree, each living at their post
        new_actor("district_staff", tree.units[0], [(Title.DISTRICT_STAFF, tree.district)])
        new_actor("street_staff", tree.units[9], [(Title.STREET_STAFF, tree.streets[0])])
        new_actor("branch_secretary", tree.units[17], [(Title.BRANCH_SECRETARY, tree.compounds[2])])
        new_actor("building_head", tree.units[40], [(Title.BUILDING_HEAD, tree.buildings[10])])
        new_actor("central_household", tree.units[5], [(Title.CENTRAL_HOUSEHOLD, tree.units[5])])
    tree = trees[0]
    new_actor(
        "secretary+officer elsewhere",
        tree.units[3],
        [(Title.BRANCH_SECRETARY, tree.compounds[0]), (Title.HYGIENE_OFFICER, tree.communities[3])],
    )
    new_actor(
        "public title over a street",
        tree.units[50],
        [(Title.COMMUNITY_POLICE, tree.streets[1])],
    )
    past = {"started": dt.date(2018, 1, 1), "ended": today - dt.timedelta(days=1)}
    future = {"started": today + dt.timedelta(days=30)}
    last_day = {"started": dt.date(2019, 1, 1), "ended": today}
    new_actor("ended post", tree.units[20], [(Title.STREET_STAFF, tree.streets[1], past)])
    new_actor("future post", tree.units[21], [(Title.DISTRICT_STAFF, tree.district, future)])
    new_actor(
        "post ending today", tree.units[22], [(Title.STREET_STAFF, tree.streets[1], last_day)]
    )
    for _ in range(6):
        new_actor("resident", rng.choice(every_unit))
    new_actor("resident above compound level", rng.choice(tree.communities))
    new_actor("resident of a building", rng.choice(trees[1].buildings))

    lone = UserFactory(username="no-person", password=PASSWORD)
    actors.append(Actor("account without person", lone, None))
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    actors.append(Actor("superuser", boss, None, is_superuser=True))

    return World(
        trees=trees,
        areas=areas,
        parent=parent,
        people={p.pk: p for p in Person.objects.select_related("area")},
        plaintext=plaintext,
        members={m.person_id: m for m in Member.objects.all()},
        volunteers=set(Volunteer.objects.values_list("person_id", flat=True)),
        organisations={o.pk: o for o in Organisation.objects.all()},
        actors=actors,
        today=today,
    )
