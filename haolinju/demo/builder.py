"""Rows of a district for a ``BulkWriter``: areas, people, organisations, posts.

Shared by the curated demo district (``huangzhou``) and the scaled seeder (``scale``), so the
demo shows exactly the shapes the benchmarks measure. A community is the unit of work: its
compounds are built (``compounds``), its posts filled from the people just made (``staffing``),
then the writer may flush. Nothing above a community is held in memory beyond a few ids, so a
province-sized run keeps a flat memory profile.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from haolinju.core.scope import SEGMENT, path_segment
from haolinju.core.validators import CREDIT_ALPHABET, make_credit_code
from haolinju.org.models import (
    Area,
    AreaKind,
    Organisation,
    OrgKind,
)
from haolinju.people.models import (
    CandidateSecretary,
    Employment,
    HeldAt,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Position,
    Volunteer,
)

from . import households as hh
from .bulk import BulkWriter, ServedArea
from .households import IdentityMint, Someone


@dataclass(frozen=True)
class Node:
    id: int
    path: str
    name: str
    kind: str


@dataclass
class CompoundPlan:
    name: str
    kind: str  # CompoundKind
    cls: str  # CompoundClass
    era: str  # "old" (4–7 floors), "mid" (6–11), "new" (11–18, may hold unsold units)
    quota: int | None = None  # persons to make; None: fill every sold unit
    buildings: int | None = None  # None: 2–8 (or as many as the quota needs)


@dataclass
class Company:
    id: int
    name: str
    management: str
    manager: Someone | None = None


@dataclass
class DistrictCtx:
    node: Node
    region: str  # GB/T 2260 code used in residents' ID numbers
    departments: list[tuple[int, str]] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    staffed: bool = False


@dataclass
class StreetCtx:
    node: Node
    district: DistrictCtx
    officers: list[Someone] = field(default_factory=list)  # city-management officers
    police: list[Someone] = field(default_factory=list)
    staffed: bool = False


@dataclass
class CommunityCtx:
    node: Node
    street: StreetCtx
    team_id: int
    partner_id: int | None
    workers: list[Someone] = field(default_factory=list)


@dataclass
class BuiltCompound:
    node: Node
    plan: CompoundPlan
    orgs: dict[str, int]
    buildings: list[Node]
    building_groups: dict[int, int]
    people: list[Someone]
    company: Company | None


DEPARTMENTS = (
    "住房和城乡建设局", "城市管理执法局", "民政局", "公安分局", "卫生健康局", "市场监督管理局",
    "应急管理局", "司法局", "自然资源和规划局", "生态环境分局",
)  # fmt: skip
PARTNER_SUFFIXES = (
    "财政局", "税务局", "人民医院", "供电公司", "自来水公司", "发展和改革局", "审计局", "统计局",
    "人力资源和社会保障局", "交通运输局", "教育局", "文化和旅游局", "农业农村局", "总工会",
)  # fmt: skip


def weighted(rng: random.Random, table: dict) -> object:
    return rng.choices(list(table), weights=list(table.values()))[0]


def credit_code(rng: random.Random, prefix: str, region: str) -> str:
    body = prefix + region + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return make_credit_code(body)


class Builder:
    """Adds rows to the writer and returns light handles (``Node``, ids, ``Someone``) to them."""

    def __init__(
        self,
        writer: BulkWriter,
        rng: random.Random,
        mint: IdentityMint,
        *,
        member_rate: float,
        volunteer_rate: float,
        born_elsewhere: tuple[str, ...] = (),
    ):
        self.w, self.rng, self.mint = writer, rng, mint
        self.member_rate, self.volunteer_rate = member_rate, volunteer_rate
        # region codes of neighbouring places; about one person in eight was born there
        self.born_elsewhere = born_elsewhere
        self.persons = 0
        # (title, area id, organisation id, person) of every appointment, when a caller wants it
        self.roster: list[tuple[str, int, int | None, Someone]] | None = None
        self.branch_of: dict[int, int] = {}  # compound id → its party branch

    # --- primitive rows --------------------------------------------------------------------
    def area(self, parent: Node | None, kind: str, name: str, **attrs) -> Node:
        pk = self.w.new_id(Area)
        path = (parent.path if parent else "") + path_segment(pk)
        self.w.add(
            Area,
            id=pk,
            kind=kind,
            name=name,
            parent_id=parent.id if parent else None,
            path=path,
            depth=len(path) // SEGMENT - 1,
            **attrs,
        )
        return Node(pk, path, name, kind)

    def org(self, area: Node, kind: str, name: str, **attrs) -> int:
        founded = hh.random_date(self.rng, dt.date(2012, 1, 1), dt.date(2024, 12, 1))
        return self.w.add(
            Organisation,
            kind=kind,
            name=name,
            area_id=area.id,
            area_path=area.path,
            founded_on=founded,
            **attrs,
        )

    def serve(self, org_id: int, area_id: int) -> None:
        self.w.add(ServedArea, id=None, organisation_id=org_id, area_id=area_id)

    def person(
        self, rel: hh.Relative, *, region: str, unit: Node, building: Node, compound: Node
    ) -> Someone:
        if self.born_elsewhere and self.rng.random() < 0.12:
            region = self.rng.choice(self.born_elsewhere)
        id_number, birth = self.mint.id_number(region, rel.birth, rel.sex)
        adult_phone = hh.age_of(birth) >= 14 and self.rng.random() < 0.96
        phone = self.mint.phone(self.rng) if adult_phone else ""
        pk = self.w.add_person(
            id_number=id_number,
            phone=phone,
            name=rel.name,
            sex=rel.sex,
            birth_date=birth,
            area_id=unit.id,
            area_path=unit.path,
            user_id=None,
        )
        self.persons += 1
        return Someone(
            pk, rel.name, rel.sex, birth, phone, unit.id, unit.path, building.id, compound.id
        )

    def occupancy(self, who: Someone, unit: Node, role: str, since: dt.date) -> None:
        self.w.add(
            Occupancy,
            person_id=who.id,
            unit_id=unit.id,
            area_path=unit.path,
            role=role,
            since=since,
        )
        if role in (OccupancyRole.OWNER, OccupancyRole.CO_OWNER):
            who.owner = True

    def member(self, who: Someone, *, community_held: bool = False) -> None:
        """Make ``who`` a party member; held by their compound's branch if held locally."""
        if who.member:
            return
        branch_id = self.branch_of.get(who.compound_id)
        facts = hh.member_facts(self.rng, who.sex, who.birth)
        if community_held:
            facts.held_at, facts.mobility, facts.employer = HeldAt.COMMUNITY, Mobility.SETTLED, ""
        self.w.add(
            Member,
            person_id=who.id,
            area_path=who.unit_path,
            joined_on=facts.joined_on,
            held_at=facts.held_at,
            holding_org_id=branch_id if facts.held_at == HeldAt.COMMUNITY else None,
            employer=facts.employer,
            employment=facts.employment,
            mobility=facts.mobility,
            reported_on=facts.reported_on if facts.held_at == HeldAt.EMPLOYER else None,
        )
        who.member = True
        who.in_service = facts.held_at == HeldAt.EMPLOYER and facts.employment == Employment.WORKING

    def volunteer(self, who: Someone, team_id: int | None) -> None:
        skills, availability, registered = hh.volunteer_facts(self.rng)
        self.w.add(
            Volunteer,
            person_id=who.id,
            area_path=who.unit_path,
            volunteer_number=f"V{who.id:08d}",
            skills=skills,
            availability=availability,
            team_id=team_id,
            registered_on=registered,
        )
        who.volunteer = True

    def position(self, who: Someone, title: str, area: Node, org_id: int | None = None) -> None:
        self.w.add(
            Position,
            person_id=who.id,
            title=title,
            area_id=area.id,
            area_path=area.path,
            organisation_id=org_id,
            started_on=hh.random_date(self.rng, dt.date(2016, 1, 1), dt.date(2025, 12, 1)),
            ended_on=None,
        )
        who.titles.append(title)
        if self.roster is not None:
            self.roster.append((title, area.id, org_id, who))

    def candidate(self, who: Someone, area: Node, note: str) -> None:
        added = hh.random_date(self.rng, dt.date(2021, 1, 1), dt.date(2025, 12, 1))
        self.w.add(
            CandidateSecretary,
            person_id=who.id,
            area_id=area.id,
            area_path=area.path,
            added_on=added,
            note=note,
        )

    # --- levels above the compound ---------------------------------------------------------
    def district(
        self,
        parent: Node | None,
        name: str,
        code: str,
        *,
        companies: list[tuple[str, str]],
        partners: list[str],
        sort: int = 0,
        short_name: str | None = None,
    ) -> DistrictCtx:
        """A district with its departments, property companies and partner units; departments
        are named after ``short_name`` (the name without any marker), e.g. 黄州区民政局."""
        node = self.area(parent, AreaKind.DISTRICT, name, code=code, sort_key=f"{sort:04d}")
        ctx = DistrictCtx(node=node, region=code[:6])
        for dept in DEPARTMENTS:
            org = self.org(node, OrgKind.DEPARTMENT, (short_name or name) + dept)
            ctx.departments.append((org, dept))
        for company_name, management in companies:
            code_ = credit_code(self.rng, "91", ctx.region)
            org_id = self.org(
                node,
                OrgKind.PROPERTY_COMPANY,
                company_name,
                credit_code=code_,
                management=management,
            )
            ctx.companies.append(Company(org_id, company_name, management))
        for partner in partners:
            code_ = credit_code(self.rng, "11", ctx.region)
            ctx.partners.append(self.org(node, OrgKind.PARTNER_UNIT, partner, credit_code=code_))
        return ctx

    def street(self, district: DistrictCtx, name: str, code: str, sort: int) -> StreetCtx:
        node = self.area(district.node, AreaKind.STREET, name, code=code, sort_key=f"{sort:04d}")
        self.org(node, OrgKind.STREET_COMMITTEE, f"{name}大工委")
        return StreetCtx(node=node, district=district)

    def community(self, street: StreetCtx, name: str, code: str, sort: int) -> CommunityCtx:
        node = self.area(street.node, AreaKind.COMMUNITY, name, code=code, sort_key=f"{sort:04d}")
        self.org(node, OrgKind.COMMUNITY_COMMITTEE, f"{name}大党委")
        team = self.org(node, OrgKind.VOLUNTEER_TEAM, f"{name}好邻居志愿服务队")
        partners = street.district.partners
        partner = partners[self.rng.randrange(len(partners))] if partners else None
        if partner is not None:
            self.serve(partner, node.id)
        return CommunityCtx(node=node, street=street, team_id=team, partner_id=partner)
