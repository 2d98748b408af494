"""API shapes for people. Personal data leaves the server masked only.

Output schemas read straight from model instances (``from_attributes``); related rows must be
loaded by the caller (``select_related`` / ``prefetch_related``) so that a list costs a fixed
number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import model_validator

from haolinju.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

from .models import Ledger

# A database id: bounded so that no client value can overflow a 64-bit column.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class PageParams(Schema):
    offset: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class PeopleFilters(PageParams):
    area: Id | None = Field(None, description="Only people living in this area's subtree")
    q: str = Field("", max_length=64, description="Name substring, or an exact mobile or ID number")
    ledger: Ledger | None = Field(None, description="Party members of one ledger")


class Plain(Schema):
    """An output schema pydantic reads straight from attributes (``from_attributes``), without
    ninja's per-field ``DjangoGetter``: several times cheaper per row. Only for shapes whose
    fields are all plain attributes — no ``resolve_*``, no dotted aliases, no managers.
    A subclass that adds resolvers must restore ninja's getter (see ``PersonDetailOut``)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        return handler(values)


class AreaRef(Plain):
    id: int
    kind: str
    name: str


class PersonOut(Plain):
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number_masked: str
    phone_masked: str
    area: AreaRef


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class OccupancyOut(Plain):
    unit: AreaRef
    role: str
    since: dt.date | None
    until: dt.date | None


class MemberOut(Schema):
    held_at: str
    employment: str
    mobility: str
    employer: str
    joined_on: dt.date | None
    reported_on: dt.date | None
    ledgers: list[str]

    @staticmethod
    def resolve_ledgers(obj) -> list[str]:
        return [str(ledger) for ledger in obj.ledgers()]


class VolunteerOut(Schema):
    volunteer_number: str
    skills: list[str]
    availability: list[str]
    registered_on: dt.date | None


class PositionOut(Plain):
    title: str
    area: AreaRef
    started_on: dt.date
    ended_on: dt.date | None


class PersonDetailOut(PersonOut):
    occupancies: list[OccupancyOut]
    member: MemberOut | None
    volunteer: VolunteerOut | None
    positions: list[PositionOut]

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        """Back to ninja's getter: the ``resolve_*`` below need it."""
        return Schema._run_root_validator.__func__(cls, values, handler, info)

    @staticmethod
    def resolve_occupancies(obj) -> list:
        return list(obj.occupancies.all())

    @staticmethod
    def resolve_positions(obj) -> list:
        # Set by the endpoint: only positions in areas the caller may see (minimum necessary).
        shown = getattr(obj, "shown_positions", None)
        return list(obj.positions.all()) if shown is None else shown

    @staticmethod
    def resolve_member(obj):
        return getattr(obj, "member", None)  # a missing one-to-one raises AttributeError

    @staticmethod
    def resolve_volunteer(obj):
        return getattr(obj, "volunteer", None)


class PersonIn(Schema):
    area_id: Id = Field(..., description="A unit, or a higher area if the unit is unknown")
    name: str
    id_number: str = ""
    phone: str = ""
    role: str | None = Field(None, description="owner, co_owner, tenant or resident")


class RevealIn(Schema):
    field: str = Field(..., description="id_number or phone")
    reason: str = Field(..., description="Why the full value is needed (logged)")


class RevealOut(Schema):
    field: str
    value: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_superuser: bool
    person: PersonOut | None
    titles: list[str]
    roots: list[AreaRef]
