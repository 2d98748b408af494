"""The curated demo district: Huangzhou District (黄州区, 421102) of Huanggang, Hubei.

Real streets and towns, plausible communities and compounds, about 8,000 residents with every
kind of organisation and post, built in a few seconds with a fixed seed, so every demo looks the
same. The demo accounts' people are picked while their community is being built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from haolinju.core.regions import HUANGZHOU
from haolinju.org.models import CompoundClass, CompoundKind, OrgKind, PropertyManagement
from haolinju.people.models import Title

from . import names
from .builder import Builder, BuiltCompound, CommunityCtx, CompoundPlan, weighted
from .bulk import BulkWriter
from .compounds import build_compound, era_for
from .households import IdentityMint, Someone
from .staffing import staff_community

SEED = 20_250_701
# 团风县, 红安县, 麻城市, 武穴市: where some residents' ID numbers say they were born
BORN_ELSEWHERE = ("421121", "421122", "421181", "421182")
DISTRICT = ("黄州区", HUANGZHOU)
# street or town, synthetic 9-digit code, communities (the first street holds the demo accounts)
STREETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("东湖街道", "421102001", ("东门社区", "宝塔社区", "八一社区", "龙王山社区")),
    ("赤壁街道", "421102002", ("赤壁社区", "考棚社区", "胜利社区")),
    ("西湖街道", "421102003", ("西湖社区", "青砖湖社区")),
    ("南湖街道", "421102004", ("南湖社区", "桂花社区")),
    ("禹王街道", "421102005", ("禹王城社区", "沙街社区")),
    ("路口镇", "421102101", ("路口社区", "朱家湾社区")),
    ("陶店乡", "421102201", ("陶店社区", "幸福社区")),
    ("堵城镇", "421102102", ("堵城社区", "长河社区")),
)
DEMO_STREET, DEMO_COMMUNITY = "东湖街道", "宝塔社区"
# The demo accounts' compound and its neighbours: every kind and class appears at least here.
DEMO_COMPOUNDS = (
    CompoundPlan(
        "宝塔花园", CompoundKind.COMPOUND, CompoundClass.DEMONSTRATION, "mid", buildings=5
    ),
    CompoundPlan("宝塔老旧片区", CompoundKind.CLUSTER, CompoundClass.STANDARD, "old", buildings=4),
    CompoundPlan("东坡雅苑", CompoundKind.COMPOUND, CompoundClass.BOUTIQUE, "new", buildings=3),
    CompoundPlan("青云街网格", CompoundKind.GRID, CompoundClass.STANDARD, "old", buildings=3),
)
COMPANIES = (
    ("黄冈市宝塔物业服务有限公司", PropertyManagement.MARKET),
    ("黄冈东坡物业管理有限公司", PropertyManagement.MARKET),
    ("湖北楚天物业服务有限公司", PropertyManagement.MARKET),
    ("黄冈市城投物业管理有限公司", PropertyManagement.MARKET),
    ("黄冈遗爱湖物业服务有限公司", PropertyManagement.MARKET),
    ("黄冈师范学院后勤服务中心", PropertyManagement.UNIT_MANAGED),
    ("黄州区社区物业托管服务中心", PropertyManagement.COMMUNITY_MANAGED),
)
PARTNERS = (
    "黄冈市财政局", "国家税务总局黄冈市税务局", "黄冈市中心医院", "国网黄冈供电公司",
    "黄冈市自来水公司", "中国建设银行黄冈分行", "黄冈市交通运输局", "黄冈市教育局",
    "黄冈市审计局", "黄冈市统计局", "黄冈市人力资源和社会保障局", "黄冈市总工会",
)  # fmt: skip
# Members and volunteers as a share of all persons (the demo is richer than the 2–3 % real rate
# so every compound has a branch worth showing).
MEMBER_RATE, VOLUNTEER_RATE = 0.05, 0.10
KIND_WEIGHTS = {CompoundKind.COMPOUND: 60, CompoundKind.GRID: 20, CompoundKind.CLUSTER: 20}
CLASS_WEIGHTS = {
    CompoundClass.STANDARD: 60,
    CompoundClass.DEMONSTRATION: 28,
    CompoundClass.BOUTIQUE: 12,
}


@dataclass
class DemoPeople:
    """Who the demo accounts log in as (username → person), filled while building."""

    people: dict[str, Someone] = field(default_factory=dict)


def build(writer: BulkWriter) -> DemoPeople:
    rng = random.Random(SEED)
    builder = Builder(
        writer,
        rng,
        IdentityMint(phone_prefixes=tuple(f"13{d}" for d in range(10))),
        member_rate=MEMBER_RATE,
        volunteer_rate=VOLUNTEER_RATE,
        born_elsewhere=BORN_ELSEWHERE,
    )
    roster = Roster(builder)
    name, code = DISTRICT
    district = builder.district(
        None, name, code, companies=list(COMPANIES), partners=list(PARTNERS)
    )
    picks = DemoPeople()
    for s, (street_name, street_code, communities) in enumerate(STREETS, start=1):
        street = builder.street(district, street_name, street_code, s)
        for c, community_name in enumerate(communities, start=1):
            community = builder.community(street, community_name, f"{street_code}{c:03d}", c)
            demo = street_name == DEMO_STREET and community_name == DEMO_COMMUNITY
            plans = list(DEMO_COMPOUNDS) if demo else _plans(rng, community_name)
            compounds = [
                build_compound(builder, community, plan, k) for k, plan in enumerate(plans, 1)
            ]
            staff_community(builder, community, compounds)
            if demo:
                _pick_compound_people(builder, picks, roster, community, compounds)
            if street_name == DEMO_STREET and "street" not in picks.people:
                picks.people["street"] = roster.first(Title.STREET_STAFF, street.node.id)
    picks.people["district"] = roster.first(Title.DISTRICT_STAFF, district.node.id)
    department = district.departments[0][0]  # 住房和城乡建设局
    picks.people["department"] = roster.first(Title.DEPARTMENT_STAFF, district.node.id, department)
    return picks


def _plans(rng: random.Random, community_name: str) -> list[CompoundPlan]:
    """3–6 compounds; the first is named after the community, the rest from common stems."""
    count = weighted(rng, {3: 5, 4: 3, 5: 1, 6: 0.5})
    taken: set[str] = set()
    plans = []
    for k in range(count):
        kind = weighted(rng, KIND_WEIGHTS)
        cls = weighted(rng, CLASS_WEIGHTS)
        stem = community_name.removesuffix("社区") if k == 0 else None
        name = names.unique_name(names.compound_name(rng, kind, stem), taken)
        plans.append(CompoundPlan(name, kind, cls, era_for(rng, kind, cls)))
    return plans


class Roster:
    """Who was appointed to what (the builder's ``roster``), searchable."""

    def __init__(self, builder: Builder):
        builder.roster = []
        self.entries = builder.roster

    def first(self, title: str, area_id: int, org_id: int | None = None) -> Someone:
        for entry_title, entry_area, entry_org, who in self.entries:
            if entry_title == title and entry_area == area_id:
                if org_id is None or entry_org == org_id:
                    return who
        raise LookupError(f"nobody holds {title} at area {area_id}")


def _pick_compound_people(
    builder: Builder,
    picks: DemoPeople,
    roster: Roster,
    community: CommunityCtx,
    compounds: list[BuiltCompound],
) -> None:
    """Posts come from the roster; the member, volunteer and resident are people of the home
    compound without posts (made a member or volunteer if the dice gave none)."""
    home = compounds[0]
    people = picks.people
    people["community"] = roster.first(Title.COMMUNITY_SECRETARY, community.node.id)
    people["secretary"] = roster.first(Title.BRANCH_SECRETARY, home.node.id)
    people["buildinghead"] = roster.first(Title.BUILDING_HEAD, home.buildings[0].id)
    plain = [p for p in home.people if p.age >= 18 and p.phone and not p.titles and not p.reserved]
    member = next((p for p in plain if p.member), None)
    if member is None:
        member = next(p for p in plain if not p.volunteer)
        builder.member(member, community_held=True)
    volunteer = next((p for p in plain if p.volunteer and not p.member), None)
    if volunteer is None:
        volunteer = next(p for p in plain if not p.member)
        team = home.orgs.get(OrgKind.VOLUNTEER_TEAM, community.team_id)
        builder.volunteer(volunteer, team)
    people["member"], people["volunteer"] = member, volunteer
    people["resident"] = next(p for p in plain if p.owner and not p.member and not p.volunteer)
    served = next(c for c in compounds if c.company is not None)
    people["property"] = served.company.manager
