"""API shapes for activities. Nothing personal leaves unmasked; volunteers appear by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from haolinju.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class PageParams(Schema):
    offset: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ItemOut(Schema):
    id: int
    code: str
    category_code: str
    category: str
    version: int
    version_id: int
    name: str
    description: str
    default_minutes: int
    skills: list[str]
    points_rule: str
    points_code: str


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class ItemRevisionIn(Schema):
    name: str | None = Field(None, max_length=64)
    description: str | None = Field(None, max_length=300)
    default_minutes: int | None = Field(None, ge=1, le=1440)
    skills: list[Annotated[str, Field(max_length=32)]] | None = Field(None, max_length=20)
    points_rule: str | None = Field(None, max_length=200)
    points_code: str | None = Field(None, max_length=48)


class ActivityFilters(PageParams):
    area: Id | None = Field(None, description="Activities at this area, its subtree or above it")
    from_: dt.datetime | None = Field(None, alias="from", description="Starting at or after")
    to: dt.datetime | None = Field(None, description="Starting before")
    status: str | None = Field(None, max_length=16)


class ActivityIn(Schema):
    item_id: Id
    area_id: Id
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    places: int = Field(ge=1, le=10000)
    place: str = Field(max_length=120)
    title: str = Field("", max_length=100)
    description: str = Field("", max_length=4000)
    skills: list[Annotated[str, Field(max_length=32)]] | None = Field(None, max_length=20)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    geofence_m: int | None = Field(None, ge=20, le=5000)
    signup_opens_at: dt.datetime | None = None
    signup_closes_at: dt.datetime | None = None
    cancel_cutoff_minutes: int = Field(120, ge=0, le=10080)
    early_minutes: int = Field(30, ge=0, le=240)
    walk_ins: bool = False
    is_duty: bool = False


class ActivityOut(Schema):
    id: int
    title: str
    item_code: str
    item_version: int
    scope: str
    area_id: int
    area: str
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    places: int
    confirmed: int
    skills: list[str]
    status: str
    cancel_reason: str
    signup_opens_at: dt.datetime | None
    signup_closes_at: dt.datetime | None
    walk_ins: bool
    is_duty: bool


class ActivityDetailOut(ActivityOut):
    description: str
    points_rule: str
    actions: list[str]
    my_signup: SignupOut | None


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int


class TransitionIn(Schema):
    action: str = Field(max_length=16)
    reason: str = Field("", max_length=200)


class SignupOut(Schema):
    id: int
    status: str
    position: int | None
    late_cancel: bool = False


class CheckinCodeOut(Schema):
    code: str
    expires_in: int
    svg: str


class CheckinIn(Schema):
    code: str = Field(max_length=80)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


class CheckinOut(Schema):
    outcome: str
    message: str
    record_id: int | None
    person: str
    status: str | None


class AttendanceIn(Schema):
    action: Literal["record", "confirm", "reject", "correct"] = "record"
    person_id: Id | None = None
    record_id: Id | None = None
    checked_in_at: dt.datetime | None = None
    checked_out_at: dt.datetime | None = None
    minutes: int | None = Field(None, ge=0, le=1440)
    reason: str = Field("", max_length=200)
    confirm: bool = False


class RecordOut(Schema):
    id: int
    activity_id: int
    activity: str
    service_date: dt.date
    category_code: str
    item_code: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    method: str
    status: str
    review_reason: str
    actual_minutes: int
    minutes: int
    delta_minutes: int
    hours: Decimal
    corrects_id: int | None
    correction_reason: str


class RecordsOut(Schema):
    items: list[RecordOut]
    count: int
    total_minutes: int
    total_hours: Decimal
    star_level: int
    per_year: dict[str, Decimal]
    per_category: dict[str, Decimal]
    no_shows: int


class VerifyOut(Schema):
    number: str
    status: Literal["valid", "revoked"]
    volunteer: str
    id_type: str
    id_number: str
    hours: Decimal
    issuer: str
    issued_on: dt.date
    revoked_reason: str


ActivityDetailOut.model_rebuild()


class CorrectionIn(Schema):
    minutes: int = Field(..., ge=0, le=1440, description="The minutes the record should show")
    reason: str = Field(..., min_length=1, max_length=200)


class CorrectionAnswerIn(Schema):
    accept: bool
    answer: str = Field("", max_length=200, description="Required when refusing")


class CorrectionFilters(PageParams):
    status: Literal["open", "accepted", "rejected", "all"] = "open"


class CorrectionOut(Schema):
    id: int
    record_id: int
    activity_id: int
    activity: str
    service_date: dt.date
    volunteer: str
    recorded_minutes: int
    requested_minutes: int
    reason: str
    status: str
    answer: str
    created_at: dt.datetime
    answered_at: dt.datetime | None


class CorrectionPage(Schema):
    items: list[CorrectionOut]
    count: int
