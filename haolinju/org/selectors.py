"""Reads of the area tree and organisations, always through the actor's jurisdiction.

An area the actor may not see is a ``NotFound``, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from haolinju.core.counting import count_each
from haolinju.core.errors import NotFound
from haolinju.core.scope import jurisdiction_of, minimal_paths, path_ids, subtree_q, successor

from .models import Area, AreaKind, CompoundClass, Organisation, OrgKind


def visible_areas(*, actor) -> QuerySet[Area]:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Area.objects.all()
    return Area.objects.filter(subtree_q(scope.public_paths, "path"))


def import_targets(*, actor, limit: int = 1000) -> list[Area]:
    """Communities and compounds the actor governs, in tree order (import targets); retired
    ones take no new records."""
    scope = jurisdiction_of(actor)
    qs = Area.objects.filter(
        kind__in=[AreaKind.COMMUNITY, AreaKind.COMPOUND], retired_at__isnull=True
    )
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.staff_paths, "path"))
    return list(qs.order_by("path").only("id", "kind", "name", "path", "depth")[:limit])


def governed_areas(*, actor, kind: str, limit: int = 500) -> list[Area]:
    """Areas of one kind the actor governs (move targets), in tree order."""
    scope = jurisdiction_of(actor)
    qs = Area.objects.filter(kind=kind, retired_at__isnull=True)
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.staff_paths, "path"))
    return list(qs.order_by("path")[:limit])


def area_roots(*, actor) -> list[Area]:
    """The top areas of the actor's jurisdiction (what the tree browser starts from)."""
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return list(Area.objects.filter(parent__isnull=True))
    return list(Area.objects.filter(path__in=minimal_paths(scope.public_paths)))


def area_get(*, actor, area_id: int) -> Area:
    found = visible_areas(actor=actor).filter(pk=area_id).order_by()[:1]  # no ORDER BY
    area = found[0] if found else None
    if area is None:
        raise NotFound()
    return area


def area_children(*, actor, area_id: int, include_retired: bool = False) -> QuerySet[Area]:
    """The children of a visible area; retired ones (kept for history) only when asked."""
    parent = area_get(actor=actor, area_id=area_id)
    qs = visible_areas(actor=actor).filter(parent=parent)
    if not include_retired:
        qs = qs.filter(retired_at__isnull=True)
    return qs.order_by("sort_key", "name", "id")


def area_ancestors(area: Area) -> list[Area]:
    """Ancestors of an already-authorised area, root first, in one query (for breadcrumbs)."""
    ids = path_ids(area.path)[:-1]
    by_id = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def ancestors_of_each(areas: list[Area]) -> dict[int, list[Area]]:
    """Ancestors (root first) of each already-authorised area, for all of them in one query."""
    ids = {i for a in areas for i in path_ids(a.path)[:-1]}
    by_id = {a.pk: a for a in Area.objects.filter(pk__in=ids)} if ids else {}
    return {a.pk: [by_id[i] for i in path_ids(a.path)[:-1] if i in by_id] for a in areas}


def subtree(area: Area, field_name: str = "area_path") -> Q:
    return Q(**{f"{field_name}__gte": area.path, f"{field_name}__lt": successor(area.path)})


def areas_within(area: Area, *, kind: str | None = None) -> QuerySet[Area]:
    """Every area in the subtree (itself included), optionally of one kind: one range scan."""
    qs = Area.objects.filter(subtree(area, "path"))
    return qs.filter(kind=kind) if kind else qs


def compound_of(path: str) -> Area | None:
    """The compound on a path (the area itself or an ancestor), or None above compound level."""
    ids = path_ids(path)
    return Area.objects.filter(pk__in=ids, kind=AreaKind.COMPOUND).first()


@dataclass
class AreaCounts:
    """The figures the source article quotes, for one subtree."""

    streets: int = 0
    communities: int = 0
    compounds: int = 0
    compounds_by_class: dict[str, int] = field(default_factory=dict)
    buildings: int = 0
    units: int = 0
    organisations: dict[str, int] = field(default_factory=dict)


# Area kinds counted below a node, and the AreaCounts field each goes to.
COUNTED_KINDS = {
    AreaKind.STREET: "streets",
    AreaKind.COMMUNITY: "communities",
    AreaKind.BUILDING: "buildings",
    AreaKind.UNIT: "units",
}
LEVELS = list(AreaKind.values)


def area_structure_querysets(area: Area) -> dict[str, QuerySet]:
    """What ``area_structure_counts`` counts, as querysets to count (see ``core.counting``).

    One ``COUNT`` per kind (and per compound class) on the (kind, path, compound_class) index:
    each steps through index entries only. A single ``GROUP BY kind`` over the subtree would
    push every area (units are ~90 % of them) through a temporary B-tree — 3x slower at
    district level (bench/README.md). Retired areas (kept for history) are not counted: the
    partial index ``area_live_kind_path_class`` holds only the others.
    """
    within = subtree(area, "path") & Q(retired_at__isnull=True)
    below = LEVELS[LEVELS.index(area.kind) + 1 :]
    out = {
        name: Area.objects.filter(within, kind=kind)
        for kind, name in COUNTED_KINDS.items()
        if kind in below
    }
    if AreaKind.COMPOUND in below:
        compounds = Area.objects.filter(within, kind=AreaKind.COMPOUND)
        out["compounds"] = compounds
        for compound_class in CompoundClass.values:
            out[f"class:{compound_class}"] = compounds.filter(compound_class=compound_class)
    return out


def area_structure_from(counted: dict[str, int], organisations: dict[str, int]) -> AreaCounts:
    """An ``AreaCounts`` from the counted ``area_structure_querysets`` and organisations."""
    counts = AreaCounts(
        **{name: counted.get(name, 0) for name in (*COUNTED_KINDS.values(), "compounds")}
    )
    counts.compounds_by_class = {c: counted.get(f"class:{c}", 0) for c in CompoundClass.values}
    counts.organisations = organisations
    return counts


def organisation_counts(area: Area) -> dict[str, int]:
    """Organisations of a subtree by kind (every kind, zeros included): one grouped scan.
    Those attached to a retired area (a demolished building's party group) are not counted."""
    orgs = (
        Organisation.objects.filter(subtree(area), area__retired_at__isnull=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {k: 0 for k in OrgKind.values} | {r["kind"]: r["n"] for r in orgs}


def area_structure_counts(area: Area) -> AreaCounts:
    """Area and organisation counts of a subtree: two queries."""
    counted = count_each(area_structure_querysets(area))
    return area_structure_from(counted, organisation_counts(area))


def organisation_list(*, actor, area_id: int | None = None, kind: str | None = None):
    scope = jurisdiction_of(actor)
    qs = Organisation.objects.select_related("area")
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.public_paths))
    if area_id is not None:
        qs = qs.filter(subtree(area_get(actor=actor, area_id=area_id)))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def organisation_get(*, actor, organisation_id: int) -> Organisation:
    org = organisation_list(actor=actor).filter(pk=organisation_id).first()
    if org is None:
        raise NotFound()
    return org
