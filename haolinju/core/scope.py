"""Jurisdiction as data, and the one way to turn it into a query filter.

Every area has a materialised ``path``: the ids of its ancestors and itself, each zero-padded to
``SEGMENT`` decimal digits. A subtree is then the half-open range ``[path, successor(path))`` —
one range scan on a plain B-tree index, on SQLite and PostgreSQL alike, whatever the collation
(the strings hold digits only). Records that belong to an area copy its path into ``area_path``
so a scoped list or count never joins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

SEGMENT = 9


def path_segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}d}"


def path_ids(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def successor(path: str) -> str:
    """The smallest string of the same length greater than every path below ``path``."""
    return f"{int(path) + 1:0{len(path)}d}"


def subtree_q(paths: Iterable[str], field_name: str = "area_path") -> Q:
    """Q matching rows whose ``field_name`` lies in any of the subtrees; no paths → nothing."""
    q = Q(pk__in=[])
    for p in minimal_paths(paths):
        q |= Q(**{f"{field_name}__gte": p, f"{field_name}__lt": successor(p)})
    return q


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor in the same set."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(a) for a in out):
            out.append(p)
    return sorted(out)


def is_within(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(r) for r in roots)


@dataclass(frozen=True)
class Jurisdiction:
    """What one actor may see.

    ``staff_paths``: subtrees the actor governs through current positions (full records, masked).
    ``people_paths``: the subset of those whose people directory the actor may read.
    ``service_paths``: subtrees whose residents the actor sees for service only (name, unit,
    masked phone: a property manager) — no ID numbers, ledgers, reveals or registration.
    ``public_paths``: subtrees whose public data (areas, organisations, counts) the actor may read;
    always includes ``staff_paths`` and, for a resident or member, their own compound.
    ``person_id``: the actor's own person record, always visible to them; ``home_path`` is its
    area path (so a selector adds the record separately only when it lies outside their subtrees).
    """

    staff_paths: tuple[str, ...] = ()
    people_paths: tuple[str, ...] = ()
    service_paths: tuple[str, ...] = ()
    public_paths: tuple[str, ...] = ()
    person_id: int | None = None
    home_path: str = ""
    is_superuser: bool = False
    titles: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_staff_scope(self) -> bool:
        return bool(self.staff_paths)

    def can_see_area(self, path: str) -> bool:
        return self.is_superuser or is_within(path, self.public_paths)

    def governs(self, path: str) -> bool:
        return self.is_superuser or is_within(path, self.staff_paths)

    def reads_people_at(self, path: str) -> bool:
        return self.is_superuser or is_within(path, self.people_paths)

    def serves_people_at(self, path: str) -> bool:
        """Sees the residents at ``path`` for service only (see ``service_paths``)."""
        return not self.reads_people_at(path) and is_within(path, self.service_paths)


NOBODY = Jurisdiction()


def jurisdiction_of(actor) -> Jurisdiction:
    """Resolve (once per actor object) through the resolver named in settings.

    The resolver lives in the app that owns positions; core only knows its dotted path, so the
    kernel depends on no domain app.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return NOBODY
    cached = getattr(actor, "_haolinju_jurisdiction", None)
    if cached is not None:
        return cached
    from django.conf import settings
    from django.utils.module_loading import import_string

    result = import_string(settings.HAOLINJU_JURISDICTION_RESOLVER)(actor)
    actor._haolinju_jurisdiction = result
    return result
