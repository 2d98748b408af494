"""API shapes for areas and organisations."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema


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
    floor: int | None
    developer_held: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class AreaRef(Schema):
    id: int
    kind: str
    name: str


class AreaNodeOut(Schema):
    area: AreaOut
    ancestors: list[AreaRef]
    counts: dict


class AreaPage(Schema):
    items: list[AreaOut]
    count: int


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    area_id: int
    credit_code: str
