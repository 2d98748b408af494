"""API shapes for areas: a node with its counts and ancestors, and pages of children."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from haolinju.people.schemas import AreaRef


class AreaOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    parent_id: int | None
    code: str
    compound_kind: str
    compound_class: str
    exclusive_area: Decimal | None
    area_basis: str
    floor: int | None
    developer_held: bool
    retired_at: dt.datetime | None = None  # retired: kept for history, left out of counts

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class AreaCountsOut(Schema):
    """The figures the source article quotes, for the node's whole subtree."""

    streets: int
    communities: int
    compounds: int
    compounds_by_class: dict[str, int]
    buildings: int
    units: int
    organisations: dict[str, int]
    residents: int
    volunteers: int
    members: int
    members_self_managed: int
    members_in_service: int
    members_retired: int
    members_floating: int


class AreaNodeOut(Schema):
    area: AreaOut
    ancestors: list[AreaRef]
    counts: AreaCountsOut


class AreaPage(Schema):
    items: list[AreaOut]
    count: int
