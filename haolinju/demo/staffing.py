"""Fill the posts of a community and its compounds from the people just built.

The first community of a district (or street) also supplies the district's (street's) staff;
every compound gets its branch secretary, the "2+4+X" posts, the "1+N" grid team and its
property manager; each community a secretary, workers, a first secretary and candidates.
"""

from __future__ import annotations

import random

from haolinju.org.models import OrgKind
from haolinju.people.models import Title

from .builder import Builder, BuiltCompound, CommunityCtx, Node
from .households import Someone


def staff_community(b: Builder, community: CommunityCtx, compounds: list[BuiltCompound]) -> None:
    """Fill the district's, street's and community's posts from the community's people
    (the first community of a district or street supplies their staff), then every
    compound's posts: secretary, "2+4+X", "1+N", property manager; and the candidate pool."""
    pool = Pool(b.rng, [p for c in compounds for p in c.people])
    street, district = community.street, community.street.district
    if not district.staffed:
        district.staffed = True
        for _ in range(3):
            _post(b, pool.take(adult(28, 55)), Title.DISTRICT_STAFF, district.node)
        for org_id, _name in district.departments:
            who = pool.take(adult(25, 55))
            _post(b, who, Title.DEPARTMENT_STAFF, district.node, org_id)
        for company in district.companies:
            company.manager = pool.reserve(adult(30, 55))
    if not street.staffed:
        street.staffed = True
        for _ in range(b.rng.randint(2, 3)):
            _post(b, pool.take(adult(26, 55)), Title.STREET_STAFF, street.node)
        street.officers = [p for p in (pool.reserve(adult(25, 50)) for _ in range(2)) if p]
        street.police = [p for p in (pool.reserve(adult(25, 50)) for _ in range(2)) if p]
    secretary = pool.take(adult(35, 58), prefer=is_member)
    _post(b, secretary, Title.COMMUNITY_SECRETARY, community.node, member=True)
    community.workers = []
    for _ in range(b.rng.randint(2, 3)):
        worker = pool.take(adult(24, 50))
        if _post(b, worker, Title.COMMUNITY_WORKER, community.node):
            community.workers.append(worker)
    first = pool.take(adult(30, 55), prefer=is_member)  # sent down by the paired unit
    if _post(b, first, Title.FIRST_SECRETARY, community.node, community.partner_id):
        b.member(first)
    for _ in range(b.rng.randint(1, 3)):
        who = pool.take(adult(28, 50), prefer=is_member)
        if who is not None:
            b.member(who, community_held=True)
            b.candidate(who, community.node, "群众基础好，热心公益")
    for built in compounds:
        _staff_compound(b, community, built)


def _post(b: Builder, who, title: str, area: Node, org_id=None, *, member: bool = False) -> bool:
    """Appoint ``who`` if there is anyone (tiny test sizes may run out of people)."""
    if who is None:
        return False
    if member:
        b.member(who, community_held=True)
    b.position(who, title, area, org_id)
    return True


def _staff_compound(b: Builder, community: CommunityCtx, built: BuiltCompound) -> None:
    rng, node, orgs = b.rng, built.node, built.orgs
    pool = Pool(rng, built.people)
    branch = orgs[OrgKind.BRANCH]
    secretary = pool.take(adult(32, 68), prefer=is_member)
    if secretary is None:
        return  # an empty compound (a tiny quota): nobody to appoint
    b.member(secretary, community_held=True)
    b.position(secretary, Title.BRANCH_SECRETARY, node, branch)
    for building in built.buildings:
        residents = Pool(rng, [p for p in built.people if p.building_id == building.id])
        head = residents.take(adult(30, 72))
        if head is not None:
            b.position(head, Title.BUILDING_HEAD, building)
        leader = residents.take(adult(25, 75), require=is_member)
        if leader is not None:
            b.position(leader, Title.GROUP_LEADER, building, built.building_groups[building.id])
    for title in (
        Title.HYGIENE_OFFICER,
        Title.PUBLICITY_OFFICER,
        Title.CULTURE_SPORTS_OFFICER,
        Title.MEDIATION_OFFICER,
        Title.OTHER_POST,
    ):
        who = pool.take(adult(25, 75), prefer=lambda p: p.member or p.volunteer)
        if who is not None:
            org = orgs.get(OrgKind.MEDIATION_GROUP) if title == Title.MEDIATION_OFFICER else None
            b.position(who, title, node, org)
    # "1+N": a community worker, sunk-down members, the owners' committee chair,
    # a city-management officer, a community police officer, a volunteer team.
    if community.workers:
        b.position(rng.choice(community.workers), Title.GRID_WORKER, node)
    sunk = pool.take(adult(22, 60), require=lambda p: p.in_service)
    if sunk is not None:
        b.position(sunk, Title.SUNK_MEMBER, node)
    if OrgKind.OWNERS_COMMITTEE in orgs:
        chair = secretary if rng.random() < 0.25 else pool.take(adult(30, 72), require=is_owner)
        if chair is not None:  # a secretary chairing it is the cross-appointment
            b.position(chair, Title.OWNERS_COMMITTEE_CHAIR, node, orgs[OrgKind.OWNERS_COMMITTEE])
    street = community.street
    if street.officers:
        b.position(rng.choice(street.officers), Title.CITY_MANAGEMENT_OFFICER, node)
    if street.police:
        b.position(rng.choice(street.police), Title.COMMUNITY_POLICE, node)
    team = orgs.get(OrgKind.VOLUNTEER_TEAM)
    if team is not None:
        leader = pool.take(adult(18, 72), require=lambda p: p.volunteer)
        if leader is not None:
            b.position(leader, Title.VOLUNTEER_TEAM_LEADER, node, team)
    company = built.company
    if company is not None and company.manager is not None:
        b.position(company.manager, Title.PROPERTY_MANAGER, node, company.id)


def adult(low: int, high: int):
    return lambda p: low <= p.age <= high and p.phone != ""


def is_member(p: Someone) -> bool:
    return p.member


def is_owner(p: Someone) -> bool:
    return p.owner


class Pool:
    """People to appoint from: each is taken at most once from one pool."""

    def __init__(self, rng: random.Random, people: list[Someone]):
        self.rng = rng
        self.people = people
        self.taken: set[int] = set()

    def reserve(self, fits) -> Someone | None:
        """Take someone to be appointed later (in other pools too): they are kept out of them."""
        who = self.take(fits)
        if who is not None:
            who.reserved = True
        return who

    def take(self, fits, *, prefer=None, require=None) -> Someone | None:
        """A random untaken person who ``fits`` (and satisfies ``require``), preferring those
        who also satisfy ``prefer``; relaxes ``fits`` before giving up, but never ``require``."""
        free = [
            p for p in self.people if p.id not in self.taken and not p.titles and not p.reserved
        ]
        if require is not None:
            free = [p for p in free if require(p)]
        for group in (
            [p for p in free if fits(p) and (prefer is None or prefer(p))],
            [p for p in free if fits(p)],
            [p for p in free if p.age >= 18] if require is None else [],
        ):
            if group:
                chosen = self.rng.choice(group)
                self.taken.add(chosen.id)
                return chosen
        return None
