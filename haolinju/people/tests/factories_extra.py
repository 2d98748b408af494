"""A furnished test district for page and browser tests: organisations at every level, one owner
per unit, members across the four ledgers and volunteers, in a fixed pattern so that tests can
state the expected figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory

from haolinju.org.models import OrgKind
from haolinju.org.tests.factories import OrganisationFactory, Tree
from haolinju.people.models import (
    Employment,
    HeldAt,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
)
from haolinju.people.tests.factories import MemberFactory, PersonFactory, VolunteerFactory

# Member attributes by unit index modulo 4 (index 3: not a member).
MEMBER_PATTERN = (
    {"held_at": HeldAt.COMMUNITY, "employment": Employment.RETIRED},  # self-managed + retired
    {"held_at": HeldAt.EMPLOYER, "employment": Employment.WORKING, "employer": "黄州区教育局"},
    {
        "held_at": HeldAt.ELSEWHERE,
        "employment": Employment.NOT_EMPLOYED,
        "mobility": Mobility.FLOATING_IN,
    },
)
VOLUNTEER_EVERY = 3  # units 0, 3, 6 … have a volunteer owner


class OccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupancy

    person = None
    unit = None
    area_path = factory.LazyAttribute(lambda o: o.unit.path)
    role = OccupancyRole.OWNER
    since = dt.date(2015, 6, 1)


@dataclass
class Furnished:
    tree: Tree
    owners: list[Person] = field(default_factory=list)  # owners[i] lives in tree.units[i]


def furnish(tree: Tree) -> Furnished:
    """Per compound: branch, owners' committee, mediation group, station; per building: a party
    group and one central household (at its first entrance); per street: a property company
    serving its compounds; per unit: one owner (member / volunteer by MEMBER_PATTERN)."""
    for street in tree.streets:
        company = OrganisationFactory(
            kind=OrgKind.PROPERTY_COMPANY, area=street, name=f"{street.name}物业公司"
        )
        company.served_areas.set([c for c in tree.compounds if c.path.startswith(street.path)])
    for compound in tree.compounds:
        for kind, suffix in (
            (OrgKind.BRANCH, "综合党支部"),
            (OrgKind.OWNERS_COMMITTEE, "业主委员会"),
            (OrgKind.MEDIATION_GROUP, "矛盾调处小组"),
            (OrgKind.STATION, "好邻居工作站"),
        ):
            OrganisationFactory(kind=kind, area=compound, name=f"{compound.name}{suffix}")
    for building in tree.buildings:
        OrganisationFactory(kind=OrgKind.BUILDING_GROUP, area=building, name="党小组")
        entrance = next(e for e in tree.entrances if e.parent_id == building.pk)
        OrganisationFactory(kind=OrgKind.CENTRAL_HOUSEHOLD, area=entrance, name="党员中心户")
    furnished = Furnished(tree)
    for i, unit in enumerate(tree.units):
        owner = PersonFactory(area=unit, name=f"业主{i:02d}")
        OccupancyFactory(person=owner, unit=unit)
        if i % 4 < len(MEMBER_PATTERN):
            MemberFactory(person=owner, **MEMBER_PATTERN[i % 4])
        if i % VOLUNTEER_EVERY == 0:
            VolunteerFactory(person=owner, volunteer_number=f"V{i:08d}")
        furnished.owners.append(owner)
    return furnished
