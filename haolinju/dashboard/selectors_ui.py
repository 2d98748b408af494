"""Reads the web pages need beyond the domain selectors: the signed-in user's home, a page of
child areas with their own small counts, the organisations at a node and a unit's occupants.

Every function starts from the actor's jurisdiction or from an area already authorised by
``org.selectors.area_get``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from haolinju.core.scope import jurisdiction_of
from haolinju.org.models import Area, AreaKind, Organisation
from haolinju.org.selectors import (
    area_ancestors,
    area_roots,
    compound_of,
    organisation_list,
    subtree,
    visible_areas,
)
from haolinju.people.models import Occupancy, Person, Position, Title
from haolinju.people.selectors import active_positions, person_get, person_list

from .selectors import AreaNode, area_node

MAX_HOME_NODES = 2  # more governed areas than this are listed, not counted one by one


@dataclass
class PostGroup:
    """One post held in several areas (a property manager serving 12 compounds): one row."""

    title: str
    title_label: str
    organisation: Organisation | None
    areas: list[Area]
    started_on: object  # the earliest start

    @property
    def first(self) -> Area:
        return self.areas[0]


def group_positions(positions: list[Position]) -> list[PostGroup]:
    groups: dict[tuple, PostGroup] = {}
    for position in positions:
        key = (position.title, position.organisation_id)
        group = groups.get(key)
        if group is None:
            groups[key] = PostGroup(
                position.title,
                str(position.get_title_display()),
                position.organisation,
                [position.area],
                position.started_on,
            )
        else:
            group.areas.append(position.area)
            group.started_on = min(group.started_on, position.started_on)
    return list(groups.values())


@dataclass
class Home:
    """What the home page shows the signed-in user."""

    role_label: str
    person: Person | None = None
    home_trail: list[Area] = field(default_factory=list)  # ancestors of their home, and it
    positions: list[Position] = field(default_factory=list)
    posts: list[PostGroup] = field(default_factory=list)  # positions, one per post
    nodes: list[AreaNode] = field(default_factory=list)  # governed areas, or their compound
    governed: list[Area] = field(default_factory=list)  # every area governed, when many
    served_areas: list[Area] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)  # of their compound
    roots: list[Area] = field(default_factory=list)  # superuser: the tops of the tree
    governs: bool = False


def home_for(*, actor) -> Home:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Home(role_label=_("系统管理员"), roots=area_roots(actor=actor), governs=True)
    if scope.person_id is None:
        return Home(role_label=_("未关联人员信息"))
    person = person_get(actor=actor, person_id=scope.person_id)
    home = Home(
        role_label=_role_label(person, scope.titles),
        person=person,
        home_trail=[*area_ancestors(person.area), person.area],
        positions=list(
            active_positions()
            .filter(person=person)
            .select_related("area", "organisation")
            .order_by("area_path", "title")
        ),
        governs=scope.is_staff_scope,
    )
    home.posts = group_positions(home.positions)
    if scope.is_staff_scope:
        governed = list(Area.objects.filter(path__in=scope.staff_paths).order_by("path"))
        if len(governed) <= MAX_HOME_NODES:
            home.nodes = [area_node(actor=actor, area_id=a.pk) for a in governed]
        else:
            home.governed = governed
        org_ids = [p.organisation_id for p in home.positions if p.organisation_id]
        if org_ids:
            home.served_areas = list(
                visible_areas(actor=actor)
                .filter(serving_organisations__in=org_ids)
                .exclude(path__in=scope.staff_paths)
                .distinct()
                .order_by("path")
            )
    else:
        compound = compound_of(person.area_path)
        if compound is not None:
            home.nodes = [area_node(actor=actor, area_id=compound.pk)]
            home.organisations = attached_organisations(actor=actor, area=compound)
    return home


def _role_label(person: Person, titles: tuple[str, ...]) -> str:
    if titles:
        return "、".join(str(Title(t).label) for t in titles)
    labels = []
    if hasattr(person, "member"):
        labels.append(_("党员"))
    if hasattr(person, "volunteer"):
        labels.append(_("志愿者"))
    return "、".join(labels) or _("居民")


def attached_organisations(*, actor, area: Area) -> list[Organisation]:
    """Organisations attached at ``area`` itself, then those serving it (its property company,
    a paired partner unit). ``area`` must already be authorised for the actor."""
    here = list(organisation_list(actor=actor, area_id=area.pk).filter(area=area))
    serving = Organisation.objects.filter(served_areas=area).exclude(area=area).order_by("name")
    return here + list(serving)


@dataclass
class ChildSummary:
    """A child area's own small figures for the drill-down list."""

    communities: int = 0
    compounds: int = 0
    buildings: int = 0
    units: int = 0
    residents: int = 0
    residents_below: int = 0  # set by the page: withheld, shown as "fewer than k"


def children_summaries(children: list[Area]) -> dict[int, ChildSummary]:
    """Figures for a page of sibling areas: one grouped scan of areas and one of people.
    Retired areas below them are not counted.

    Siblings share the path length, so the first ``len(path)`` characters of any descendant's
    path name the child it belongs to.
    """
    if not children:
        return {}
    length = len(children[0].path)
    by_path = {c.path: ChildSummary() for c in children}
    within = Q(pk__in=[])
    for c in children:
        within |= subtree(c, "path")
    rows = (
        Area.objects.filter(within, depth__gt=children[0].depth, retired_at__isnull=True)
        .annotate(child_path=Substr("path", 1, length))
        .values("child_path", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    fields = {
        AreaKind.COMMUNITY: "communities",
        AreaKind.COMPOUND: "compounds",
        AreaKind.BUILDING: "buildings",
        AreaKind.UNIT: "units",
    }
    for row in rows:
        name = fields.get(row["kind"])
        if name and row["child_path"] in by_path:
            setattr(by_path[row["child_path"]], name, row["n"])
    people_within = Q(pk__in=[])
    for c in children:
        people_within |= subtree(c)
    people = (
        Person.objects.filter(people_within)
        .annotate(child_path=Substr("area_path", 1, length))
        .values("child_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in people:
        if row["child_path"] in by_path:
            by_path[row["child_path"]].residents = row["n"]
    return {c.pk: by_path[c.path] for c in children}


@dataclass
class Occupant:
    person: Person
    roles: list[str] = field(default_factory=list)  # occupancy role labels


@dataclass
class UnitFacts:
    exclusive_area: Decimal | None
    occupants: list[Occupant]
    reads_people: bool  # False: only the actor's own record can appear


def unit_facts(*, actor, unit: Area) -> UnitFacts:
    """A unit's occupants the actor may read: people registered there and people holding an
    occupancy of it (an owner living elsewhere), each once, with their roles."""
    visible = person_list(actor=actor)
    at_unit = person_list(actor=actor, area_id=unit.pk)
    occupants: dict[int, Occupant] = {p.pk: Occupant(p) for p in at_unit}
    roles: dict[int, list[str]] = defaultdict(list)
    for occ in (
        Occupancy.objects.filter(unit=unit, person__in=visible.values("pk"))
        .select_related("person")
        .order_by("role", "person_id")
    ):
        occupants.setdefault(occ.person_id, Occupant(occ.person))
        roles[occ.person_id].append(str(occ.get_role_display()))
    for pk, occupant in occupants.items():
        occupant.roles = roles.get(pk, [])
    return UnitFacts(
        exclusive_area=unit.exclusive_area,
        occupants=list(occupants.values()),
        reads_people=jurisdiction_of(actor).reads_people_at(unit.path),
    )
