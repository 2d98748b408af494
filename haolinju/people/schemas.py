"""API shapes for people. Personal data leaves the server masked only."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str = Field(..., alias="id_number_masked")
    phone: str = Field(..., alias="phone_masked")
    area_id: int
    area_name: str = Field(..., alias="area.name")


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class OccupancyOut(Schema):
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    role: str


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
        return [str(x) for x in obj.ledgers()]


class VolunteerOut(Schema):
    volunteer_number: str
    skills: list[str]
    availability: list[str]


class PositionOut(Schema):
    title: str
    area_id: int
    area_name: str = Field(..., alias="area.name")
    started_on: dt.date
    ended_on: dt.date | None


class PersonDetailOut(PersonOut):
    occupancies: list[OccupancyOut]
    member: MemberOut | None
    volunteer: VolunteerOut | None
    positions: list[PositionOut]


class PersonIn(Schema):
    area_id: int
    name: str
    id_number: str = ""
    phone: str = ""
    role: str | None = None


class RevealIn(Schema):
    field: str
    reason: str


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
    roots: list[dict]
