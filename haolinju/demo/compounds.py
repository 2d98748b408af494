"""One compound: its buildings, entrances and units, its households, and its organisations.

Sizes follow a ``CompoundPlan``: a fixed number of buildings (demo) or as many as a persons quota
needs (scale). Owners, co-owners, tenants, landlords owning two units, second homes and
developer-held unsold units all occur, so owners' votes have something real to count.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from haolinju.org.models import (
    AreaBasis,
    AreaKind,
    CompoundClass,
    CompoundKind,
    OrgKind,
    PropertyManagement,
    StationFunction,
)
from haolinju.people.models import OccupancyRole, Title

from . import households as hh
from . import names
from .builder import Builder, BuiltCompound, CommunityCtx, CompoundPlan, DistrictCtx, Node, weighted
from .households import REFERENCE_DATE, Someone

STATION_FUNCTIONS = list(StationFunction.values)
FLOORS = {"old": (4, 6), "mid": (5, 9), "new": (11, 18)}
# Mostly small compounds of low buildings, as in an older county town; a few large ones.
BUILDINGS_PER_COMPOUND = {2: 8, 3: 4, 4: 1.5, 5: 0.7, 6: 0.4, 7: 0.2, 8: 0.2}
ENTRANCES_PER_BUILDING = {1: 7, 2: 2, 3: 0.5}
UNITS_PER_FLOOR = {2: 8, 3: 1.5, 4: 0.5}
UNIT_AREA_CENTS = {"old": (5_980, 9_560), "mid": (7_200, 12_580), "new": (8_560, 14_360)}


def era_for(rng: random.Random, kind: str, cls: str) -> str:
    """Old clusters, older or middle-aged grids, mostly middle-aged compounds; boutique is new."""
    if kind == CompoundKind.CLUSTER:
        return "old"
    if kind == CompoundKind.GRID:
        return rng.choice(("old", "mid"))
    return "new" if cls == CompoundClass.BOUTIQUE else rng.choice(("mid", "mid", "mid", "new"))


@dataclass
class UnitSlot:
    node: Node
    building: Node
    developer_held: bool


AREA_BASIS_WEIGHTS = {AreaBasis.REGISTERED: 85, AreaBasis.SURVEYED: 10, AreaBasis.CONTRACT: 5}


def build_compound(
    b: Builder, community: CommunityCtx, plan: CompoundPlan, sort: int
) -> BuiltCompound:
    node = b.area(
        community.node,
        AreaKind.COMPOUND,
        plan.name,
        compound_kind=plan.kind,
        compound_class=plan.cls,
        sort_key=f"{sort:04d}",
    )
    orgs = _compound_orgs(b, node, plan)
    company = _property_company(b, community.street.district, node, plan)
    buildings, units = _buildings(b, node, plan)
    building_groups = {
        building.id: b.org(building, OrgKind.BUILDING_GROUP, f"{plan.name}{building.name}党小组")
        for building in buildings
    }
    built = BuiltCompound(node, plan, orgs, buildings, building_groups, [], company)
    team = orgs.get(OrgKind.VOLUNTEER_TEAM, community.team_id)
    region = community.street.district.region
    _households(b, built, units, region, team)
    _central_households(b, built, units)
    return built


def _compound_orgs(b: Builder, node: Node, plan: CompoundPlan) -> dict[str, int]:
    rng, name = b.rng, plan.name
    b.branch_of[node.id] = branch = b.org(node, OrgKind.BRANCH, f"{name}综合党支部")
    orgs = {
        OrgKind.BRANCH: branch,
        OrgKind.STATION: b.org(
            node,
            OrgKind.STATION,
            f"{name}好邻居工作站",
            functions=sorted(
                rng.sample(STATION_FUNCTIONS, rng.randint(3, len(STATION_FUNCTIONS))),
                key=STATION_FUNCTIONS.index,
            ),
        ),
    }
    if rng.random() < 0.9:
        orgs[OrgKind.MEDIATION_GROUP] = b.org(node, OrgKind.MEDIATION_GROUP, f"{name}矛盾调处小组")
    if rng.random() < (0.8 if plan.kind == CompoundKind.COMPOUND else 0.15):
        orgs[OrgKind.OWNERS_COMMITTEE] = b.org(node, OrgKind.OWNERS_COMMITTEE, f"{name}业主委员会")
    if OrgKind.OWNERS_COMMITTEE not in orgs and rng.random() < 0.75:
        orgs[OrgKind.SELF_GOVERNANCE_COMMITTEE] = b.org(
            node, OrgKind.SELF_GOVERNANCE_COMMITTEE, f"{name}居民自治委员会"
        )
    if rng.random() < 0.6:
        orgs[OrgKind.VOLUNTEER_TEAM] = b.org(
            node, OrgKind.VOLUNTEER_TEAM, f"{name}红马甲志愿服务队"
        )
    return orgs


def _property_company(b: Builder, district: DistrictCtx, node: Node, plan: CompoundPlan):
    by_kind = {c.management: c for c in district.companies}
    market = [c for c in district.companies if c.management == PropertyManagement.MARKET]
    roll = b.rng.random()
    if plan.kind == CompoundKind.CLUSTER:
        company = by_kind.get(PropertyManagement.COMMUNITY_MANAGED) if roll < 0.7 else None
    elif plan.kind == CompoundKind.GRID:
        company = b.rng.choice(market) if market and roll < 0.5 else None
    elif roll < 0.1 and PropertyManagement.UNIT_MANAGED in by_kind:
        company = by_kind[PropertyManagement.UNIT_MANAGED]
    else:
        company = b.rng.choice(market) if market else None
    if company is not None:
        b.serve(company.id, node.id)
    return company


def _buildings(b: Builder, compound: Node, plan: CompoundPlan) -> tuple[list[Node], list[UnitSlot]]:
    """Buildings, entrances and units; a unit stack shares one floor plan (area)."""
    rng = b.rng
    floors_low, floors_high = FLOORS[plan.era]
    cents_low, cents_high = UNIT_AREA_CENTS[plan.era]
    unsold = rng.choice((0.05, 0.1, 0.15)) if plan.era == "new" and rng.random() < 0.4 else 0
    target = None if plan.quota is None else max(1, math.ceil(plan.quota * hh.UNITS_PER_PERSON))
    count = None
    if target is None:
        count = plan.buildings or weighted(rng, BUILDINGS_PER_COMPOUND)
    buildings: list[Node] = []
    units: list[UnitSlot] = []
    while len(buildings) < count if count is not None else len(units) < target:
        number = len(buildings) + 1
        building = b.area(compound, AreaKind.BUILDING, f"{number}栋", sort_key=f"{number:04d}")
        buildings.append(building)
        entrances = weighted(rng, ENTRANCES_PER_BUILDING)
        per_floor = weighted(rng, UNITS_PER_FLOOR)
        floors = rng.randint(floors_low, floors_high)
        if target is not None:  # do not overshoot the units the quota needs by much
            missing = target - len(units)
            floors = min(floors, max(4, math.ceil(missing / (entrances * per_floor))))
        for e in range(1, entrances + 1):
            entrance = b.area(building, AreaKind.ENTRANCE, f"{e}单元", sort_key=f"{e:04d}")
            plans = [Decimal(rng.randint(cents_low, cents_high)) / 100 for _ in range(per_floor)]
            for floor in range(1, floors + 1):
                for u in range(per_floor):
                    held = rng.random() < unsold
                    node = b.area(
                        entrance,
                        AreaKind.UNIT,
                        f"{floor}{u + 1:02d}",
                        exclusive_area=plans[u],
                        area_basis=weighted(rng, AREA_BASIS_WEIGHTS),
                        floor=floor,
                        developer_held=held,
                        sort_key=f"{floor:03d}{u + 1:02d}",
                    )
                    units.append(UnitSlot(node, building, held))
    return buildings, units


def _households(b: Builder, built: BuiltCompound, units: list[UnitSlot], region: str, team: int):
    """Fill sold units: owner-occupied (with co-owners), rented (landlord owns two units),
    second homes; stop at the plan's quota if it has one."""
    rng, quota, compound = b.rng, built.plan.quota, built.node
    owners: list[Someone] = []
    order = [slot for slot in units if not slot.developer_held]
    rng.shuffle(order)
    first_year = 1995 if built.plan.era == "old" else 2008
    for slot in order:
        if quota is not None and len(built.people) >= quota:
            break
        unit, building = slot.node, slot.building
        since = hh.random_date(rng, dt.date(first_year, 1, 1), dt.date(2025, 10, 1))
        roll = rng.random()
        if roll < 0.12 and owners:  # a second home of an owner living elsewhere here
            b.occupancy(rng.choice(owners), unit, OccupancyRole.OWNER, since)
            continue
        if roll < 0.25:  # rented out
            if owners and rng.random() < 0.7:
                landlord = rng.choice(owners)
            else:  # an owner who lives outside the compound, registered at the unit
                sex = rng.choice("MF")
                birth = hh.birth_date(rng, 35, 72)
                rel = hh.Relative("head", sex, birth, names.person_name(rng, sex, birth.year))
                landlord = b.person(
                    rel, region=region, unit=unit, building=building, compound=compound
                )
                built.people.append(landlord)
            b.occupancy(landlord, unit, OccupancyRole.OWNER, since)
            family = hh.household(rng, hh.pick_shape(rng, hh.TENANT_HOUSEHOLDS))
            roles = [OccupancyRole.TENANT] + [OccupancyRole.RESIDENT] * (len(family) - 1)
        else:
            family = hh.household(rng, hh.pick_shape(rng))
            co_owned = len(family) > 1 and family[1].relation == "spouse" and rng.random() < 0.35
            roles = [OccupancyRole.OWNER] + [
                OccupancyRole.CO_OWNER if i == 1 and co_owned else OccupancyRole.RESIDENT
                for i in range(1, len(family))
            ]
        if quota is not None:
            family = family[: max(0, quota - len(built.people))]
        for rel, role in zip(family, roles, strict=False):
            who = b.person(rel, region=region, unit=unit, building=building, compound=compound)
            b.occupancy(who, unit, role, since)
            if role == OccupancyRole.OWNER:
                owners.append(who)
            built.people.append(who)
            _member_or_volunteer(b, who, team)
    while quota is not None and len(built.people) < quota and order:
        # units ran out before the quota: lodgers join random households
        slot = rng.choice(order)
        sex, birth = rng.choice("MF"), hh.birth_date(rng, 18, 70)
        rel = hh.Relative("lodger", sex, birth, names.person_name(rng, sex, birth.year))
        who = b.person(
            rel, region=region, unit=slot.node, building=slot.building, compound=compound
        )
        b.occupancy(who, slot.node, OccupancyRole.RESIDENT, REFERENCE_DATE)
        built.people.append(who)
        _member_or_volunteer(b, who, team)


def _member_or_volunteer(b: Builder, who: Someone, team: int) -> None:
    """About ``member_rate`` of all persons are members (older people more often) and
    ``volunteer_rate`` volunteers (members twice as often)."""
    age = who.age
    if age >= 18:
        weight = 0.6 if age < 35 else 1.0 if age < 60 else 1.5
        if b.rng.random() < b.member_rate / 0.78 * weight:
            b.member(who)
    if 16 <= age <= 75:
        chance = b.volunteer_rate / 0.8 * (2 if who.member else 1)
        if b.rng.random() < chance:
            b.volunteer(who, team)


def _central_households(b: Builder, built: BuiltCompound, units: list[UnitSlot]) -> None:
    """One party-member central household per building that has a member; it links about
    ten households of its building (一联十户)."""
    occupied: dict[int, list[Node]] = {}
    seen = {who.unit_id for who in built.people}
    for slot in units:
        if slot.node.id in seen:
            occupied.setdefault(slot.building.id, []).append(slot.node)
    for building in built.buildings:
        members = [p for p in built.people if p.member and p.building_id == building.id]
        if not members:
            continue
        who = b.rng.choice(members)
        org = b.org(building, OrgKind.CENTRAL_HOUSEHOLD, f"{who.name}党员中心户")
        linked = [u for u in occupied.get(building.id, []) if u.id != who.unit_id]
        for unit in linked[:10]:
            b.serve(org, unit.id)
        b.position(who, Title.CENTRAL_HOUSEHOLD, building, org)
