"""Resolve the address columns of a row (区县 / 街道 / 社区 / 小区 / 楼栋 / 单元 / 房号) to areas,
existing or — for the unit register — planned, and check them against the actor's scope.

Lookups are cached per parent, so a file of ten thousand rows in a few buildings costs a few
dozen queries.

Name normalisation (``canonical_name``; tested in ``people/imports/tests/test_addresses.py``):
full-width forms folded (NFKC), spaces removed, Latin letters lower-cased; then for

- 楼栋: a trailing 号楼 / 栋 / 幢 / 座 / 楼 / 号 is dropped — "1栋", "1号楼", "1幢", "1" and
  "一栋" are building 1;
- 单元: a trailing 单元 / 门 / 号 is dropped — "1单元", "一单元", "01" and "1" are entrance 1;
- 房号: a trailing 室 / 号 / 户 is dropped — "101", "101室" and the number 101 (a cell typed as
  a number, 101.0 in the file) are unit 101;

and a Chinese numeral left over (一 … 九十九) becomes digits, leading zeros are dropped. An
exact name always wins; a normalised name matches only when exactly one sibling fits.

An import may be aimed at a chosen area (``target``: a compound, or a community for a file
of several compounds): the address columns at and above it are then optional and, where a
row fills them, must name the target's own ancestors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from haolinju.core.scope import Jurisdiction, is_within, path_ids, subtree_q
from haolinju.core.sheets.cells import cell_text
from haolinju.org.models import Area, AreaKind

# Address columns from the top down, with the area kind each one names.
ADDRESS_LEVELS: tuple[tuple[str, str], ...] = (
    ("district", AreaKind.DISTRICT),
    ("street", AreaKind.STREET),
    ("community", AreaKind.COMMUNITY),
    ("compound", AreaKind.COMPOUND),
    ("building", AreaKind.BUILDING),
    ("entrance", AreaKind.ENTRANCE),
    ("unit", AreaKind.UNIT),
)
MAX_AREA_NAME = 100

_SUFFIXES = {
    AreaKind.BUILDING: re.compile(r"(号楼|栋|幢|座|楼|号)$"),
    AreaKind.ENTRANCE: re.compile(r"(单元|门|号)$"),
    AreaKind.UNIT: re.compile(r"(室|号|户)$"),
}
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _cn_number(text: str) -> str:
    """ "十二" → "12", "三" → "3"; anything else unchanged."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return text
    if "十" not in text:
        return "".join(str(_CN_DIGITS[c]) for c in text)
    tens, _sep, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return text
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def canonical_name(kind: str, name: str) -> str:
    s = "".join(unicodedata.normalize("NFKC", name).split()).lower()
    suffix = _SUFFIXES.get(kind)
    if suffix is not None:
        stripped = suffix.sub("", s)
        s = _cn_number(stripped) if stripped else s
        s = s.lstrip("0") or s
    return s


@dataclass(eq=False)
class NewArea:
    """An area the import will create; ``created`` is filled in when it is."""

    kind: str
    name: str
    parent: Area | NewArea
    row: int
    attrs: dict = field(default_factory=dict)
    created: Area | None = None

    @property
    def path_names(self) -> tuple[str, ...]:
        parent = self.parent.path_names if isinstance(self.parent, NewArea) else ()
        return (*parent, self.name)


Node = Area | NewArea


class AddressError(Exception):
    def __init__(self, key: str, message):
        super().__init__(str(message))
        self.key, self.message = key, str(message)


def out_of_scope(name: str) -> str:
    return _("“%(name)s”不在您的管辖范围内") % {"name": name}


def not_found(name: str) -> str:
    return _("找不到“%(name)s”，或不在您的管辖范围内") % {"name": name}


class AddressBook:
    """Resolve rows of names for one actor. With ``create``, missing areas become ``NewArea``
    (shared between rows); without, a missing area is an error."""

    def __init__(
        self,
        scope: Jurisdiction,
        *,
        create: bool,
        scope_paths: Sequence[str],
        target: Area | None = None,
    ):
        self.scope = scope
        self.target = target
        self.target_chain: list[tuple[str, Area]] = target_chain(target) if target else []
        self.create = create
        self.scope_paths = tuple(scope_paths)
        self._children: dict[int, dict[str, list[Area]]] = {}
        self._exact: dict[int, dict[str, Area]] = {}
        self._planned: dict[tuple, NewArea] = {}
        self._districts: list[Area] | None = None

    def planned(self) -> list[NewArea]:
        """Areas to create, parents before children (the order rows reached them)."""
        return list(self._planned.values())

    # scope ------------------------------------------------------------------------------
    def inside(self, path: str) -> bool:
        return self.scope.is_superuser or is_within(path, self.scope_paths)

    def above(self, path: str) -> bool:
        return any(p.startswith(path) for p in self.scope_paths)

    def districts(self) -> list[Area]:
        """The districts the actor works in: those on the way to their scope and those in it."""
        if self._districts is None:
            qs = Area.objects.filter(kind=AreaKind.DISTRICT)
            if not self.scope.is_superuser:
                ids = {i for p in self.scope_paths for i in path_ids(p)}
                qs = qs.filter(subtree_q(self.scope_paths, "path") | Q(pk__in=ids))
            self._districts = list(qs.order_by("path"))
        return self._districts

    # lookups ----------------------------------------------------------------------------
    def _load(self, parent: Area) -> None:
        if parent.pk in self._exact:
            return
        by_canonical: dict[str, list[Area]] = {}
        exact: dict[str, Area] = {}
        for child in Area.objects.filter(parent=parent).only(
            "id", "kind", "name", "path", "parent_id", "compound_kind", "compound_class",
            "exclusive_area", "area_basis", "floor", "developer_held",
        ):  # fmt: skip
            exact[child.name] = child
            by_canonical.setdefault(canonical_name(child.kind, child.name), []).append(child)
        self._exact[parent.pk], self._children[parent.pk] = exact, by_canonical

    def existing_child(self, parent: Area, kind: str, name: str) -> Area | None:
        self._load(parent)
        found = self._exact[parent.pk].get(name)
        if found is None:
            matches = [
                a
                for a in self._children[parent.pk].get(canonical_name(kind, name), [])
                if a.kind == kind
            ]
            found = matches[0] if len(matches) == 1 else None
        return found

    def _unit_in_some_entrance(self, building: Area, name: str) -> Area | None:
        """A unit named in a row without 单元: the one unit of that name in the building's
        entrances, if exactly one exists."""
        self._load(building)
        entrances = [a for a in self._exact[building.pk].values() if a.kind == AreaKind.ENTRANCE]
        found = [
            unit
            for entrance in entrances
            if (unit := self.existing_child(entrance, AreaKind.UNIT, name)) is not None
        ]
        return found[0] if len(found) == 1 else None

    def _child(self, parent: Node, kind: str, name: str, key: str, row: int) -> Node:
        if isinstance(parent, Area):
            found = self.existing_child(parent, kind, name)
            if found is None and kind == AreaKind.UNIT and parent.kind == AreaKind.BUILDING:
                found = self._unit_in_some_entrance(parent, name)
            if found is not None:
                if found.kind != kind:
                    raise AddressError(
                        key,
                        _("“%(name)s”在系统中是%(actual)s，不是%(expected)s")
                        % {
                            "name": name,
                            "actual": found.get_kind_display(),
                            "expected": AreaKind(kind).label,
                        },
                    )
                return found
        if not self.create:
            raise AddressError(key, not_found(name))
        parent_key = ("area", parent.pk) if isinstance(parent, Area) else ("new", id(parent))
        planned_key = (parent_key, canonical_name(kind, name))
        planned = self._planned.get(planned_key)
        if planned is None:
            planned = NewArea(kind=kind, name=name, parent=parent, row=row)
            self._planned[planned_key] = planned
        return planned

    def _street(self, district_name: str, name: str, row: int) -> Node:
        districts = self.districts()
        if district_name:
            wanted = canonical_name(AreaKind.DISTRICT, district_name)
            districts = [d for d in districts if canonical_name(d.kind, d.name) == wanted]
            if not districts:
                raise AddressError("district", not_found(district_name))
        candidates = [
            s for d in districts if (s := self.existing_child(d, AreaKind.STREET, name)) is not None
        ]
        if len(candidates) > 1:
            raise AddressError(
                "street",
                _("多个区县下都有“%(name)s”，请填写“区县”列") % {"name": name},
            )
        if candidates:
            return candidates[0]
        if not self.create:
            raise AddressError("street", not_found(name))
        if len(districts) != 1:
            if not districts:
                raise AddressError("street", out_of_scope(name))
            raise AddressError(
                "street",
                _("找不到“%(name)s”；您管辖多个区县，请填写“区县”列") % {"name": name},
            )
        return self._child(districts[0], AreaKind.STREET, name, "street", row)

    def first_key(self) -> str:
        """The first address column a row must fill: the street, or the level just below the
        target."""
        return levels_below(self.target)[0] if self.target else "street"

    def _from_target(self, names: dict[str, str]) -> list[tuple[str, Node]]:
        """The target's ancestors and itself, checked against whatever the row names there."""
        chain: list[tuple[str, Node]] = []
        for key, area in self.target_chain:
            name = names.get(key, "")
            if name and canonical_name(area.kind, name) != canonical_name(area.kind, area.name):
                raise AddressError(
                    key,
                    _("“%(name)s”与导入目标“%(target)s”不一致")
                    % {"name": name, "target": " / ".join(a.name for _k, a in self.target_chain)},
                )
            chain.append((key, area))
        return chain

    def resolve(self, names: dict[str, str], row: int) -> list[tuple[str, Node]]:
        """``names``: level key → name for the filled levels (street and below contiguous,
        entrance optional). Returns [(key, node)] from the street down."""
        chain: list[tuple[str, Node]] = []
        node: Node | None = None
        levels = ADDRESS_LEVELS[1:]
        if self.target is not None:
            chain = self._from_target(names)
            node = self.target
            levels = tuple(lv for lv in ADDRESS_LEVELS if lv[0] in levels_below(self.target))
        for key, kind in levels:
            name = names.get(key, "")
            if not name:
                continue
            node = (
                self._street(names.get("district", ""), name, row)
                if node is None
                else self._child(node, kind, name, key, row)
            )
            chain.append((key, node))
        return chain

    def check_scope(self, chain: list[tuple[str, Node]]) -> None:
        """The first area of the row that is outside the scope (and not above it) is the error;
        a new area is allowed only below an area in scope."""
        for key, node in chain:
            if isinstance(node, NewArea):
                parent = node.parent
                if isinstance(parent, Area) and self.inside(parent.path):
                    return
                raise AddressError(key, out_of_scope(node.name))
            if self.inside(node.path):
                return
            if not self.above(node.path):
                raise AddressError(key, (not_found if not self.create else out_of_scope)(node.name))
        if chain:
            key, node = chain[-1]
            raise AddressError(key, (not_found if not self.create else out_of_scope)(node.name))


TARGET_KINDS = (AreaKind.COMPOUND, AreaKind.COMMUNITY)
KEY_OF_KIND = {kind: key for key, kind in ADDRESS_LEVELS}


def levels_below(target: Area | None) -> tuple[str, ...]:
    """Address keys a row fills below the target (all from the street without one)."""
    keys = [key for key, _kind in ADDRESS_LEVELS[1:]]
    if target is None:
        return tuple(keys)
    return tuple(keys[keys.index(KEY_OF_KIND[target.kind]) + 1 :])


def target_chain(target: Area) -> list[tuple[str, Area]]:
    """(key, area) from the street down to the target itself, in one query."""
    by_id = {a.pk: a for a in Area.objects.filter(pk__in=path_ids(target.path))}
    chain = [by_id[i] for i in path_ids(target.path) if i in by_id]
    return [
        (KEY_OF_KIND[a.kind], a)
        for a in chain
        if a.kind in KEY_OF_KIND and a.kind != AreaKind.DISTRICT
    ]


def address_names(values: dict, text: Callable = cell_text) -> dict[str, str]:
    """The filled address cells of a row, as text."""
    return {key: name for key, _kind in ADDRESS_LEVELS if (name := text(values.get(key)))}
