"""Area management endpoints for staff within their jurisdiction.

``POST /areas`` creates a street … unit under a parent; ``PATCH /areas/{id}`` renames, sets a
unit's area / floor / basis / developer flag, or retires; ``POST /areas/{id}/move`` re-parents
(a compound to another community), rewriting every copied path. Outside the caller's scope
is a 404; a state that does not allow the change (retired, not empty) a 409.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from ninja import Router, Schema, Status

from . import selectors, services

router = Router(tags=["areas"])
# ``PATCH /areas/{id}`` shares its path with the dashboard's ``GET /areas/{id}``; django-ninja
# serves one path from one router, so ``haolinju/api.py`` attaches ``area_update`` to the
# dashboard router with ``AREA_UPDATE`` below.


class AreaIn(Schema):
    parent: int
    kind: str
    name: str
    exclusive_area: Decimal | None = None
    floor: int | None = None
    area_basis: str = ""
    compound_kind: str = ""
    compound_class: str = ""


class AreaPatch(Schema):
    name: str | None = None
    exclusive_area: Decimal | None = None
    floor: int | None = None
    area_basis: str | None = None
    developer_held: bool | None = None
    retired: bool | None = None


class MoveIn(Schema):
    parent: int


class AreaRecordOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    exclusive_area: Decimal | None
    floor: int | None
    area_basis: str
    developer_held: bool
    retired_at: dt.datetime | None


class MoveOut(Schema):
    area: AreaRecordOut
    rewritten: dict[str, int]


@router.post("/areas", response={201: AreaRecordOut}, summary="Create an area under a parent")
def area_create(request, data: AreaIn):
    parent = selectors.area_get(actor=request.user, area_id=data.parent)
    attrs = {
        k: v
        for k, v in data.dict(exclude={"parent", "kind", "name"}).items()
        if v not in (None, "")
    }
    area = services.area_create(
        actor=request.user, parent=parent, kind=data.kind, name=data.name, **attrs
    )
    return Status(201, area)


def area_update(request, area_id: int, data: AreaPatch):
    area = selectors.area_get(actor=request.user, area_id=area_id)
    changes = data.dict(exclude_unset=True)
    with transaction.atomic():
        if changes.get("name") is not None:
            area = services.area_rename(actor=request.user, area=area, name=changes["name"])
        unit = {k: v for k, v in changes.items() if k in services.UNIT_FIELDS}
        if unit:
            area = services.unit_update(actor=request.user, unit=area, **unit)
        if changes.get("retired"):
            area = services.area_retire(actor=request.user, area=area)
    return area


@router.post("/areas/{area_id}/move", response=MoveOut, summary="Move an area to a new parent")
def area_move(request, area_id: int, data: MoveIn):
    area = selectors.area_get(actor=request.user, area_id=area_id)
    parent = selectors.area_get(actor=request.user, area_id=data.parent)
    counts = services.area_move(actor=request.user, area=area, new_parent=parent)
    area.refresh_from_db()
    return {"area": area, "rewritten": counts}


AREA_UPDATE = {
    "path": "/areas/{area_id}",
    "methods": ["PATCH"],
    "view_func": area_update,
    "response": AreaRecordOut,
    "summary": "Rename, set unit data, or retire an area",
    "tags": ["areas"],
}
