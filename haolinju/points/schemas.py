"""API shapes for points and the rewards shop."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from haolinju.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Points = Annotated[int, Field(ge=1, le=100_000)]
Signed = Annotated[int, Field(ge=-100_000, le=100_000)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class PageParams(Schema):
    offset: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ExchangeOut(Schema):
    available: int
    pending: int
    held: int


class AssessmentOut(Schema):
    year: int
    score: int


class BalanceOut(Schema):
    exchange: ExchangeOut
    assessment: AssessmentOut


class EntryFilters(PageParams):
    compound: Id | None = Field(None, description="Staff: entries of this compound")
    year: Year | None = None
    month: int | None = Field(None, ge=1, le=12)
    status: str | None = None


class EntryOut(Schema):
    id: int
    person_id: int
    compound_id: int
    kind: str
    deed_kind: str
    source_type: str
    source_id: str
    item_code: str
    quantity: int
    points: int
    exchange_points: int
    reason: str
    occurred_on: dt.date
    rule_version: int = Field(alias="rule_version.version")
    status: str
    recorded_by_id: int | None
    seconded_by_id: int | None
    verified_by_id: int | None
    verified_at: dt.datetime | None
    review_note: str
    corrects_id: int | None


class EntryPage(Schema):
    items: list[EntryOut]
    count: int


class AwardIn(Schema):
    person_id: Id
    points: Points
    reason: str = Field(..., min_length=1, max_length=200)
    occurred_on: dt.date
    deduction: bool = False


class CompensationIn(Schema):
    entry_id: Id
    points: Signed = 0
    exchange_points: Signed = 0
    reason: str = Field(..., min_length=1, max_length=200)
    occurred_on: dt.date


class ReviewIn(Schema):
    compound_id: Id
    entry_ids: list[Id] = Field(..., min_length=1, max_length=200_000)
    approve: bool
    note: str = Field("", max_length=200)


class LockIn(Schema):
    community_id: Id
    year: Year
    month: int = Field(..., ge=1, le=12)


class LockOut(Schema):
    id: int
    community_id: int
    year: int
    month: int
    locked_by_id: int
    locked_at: dt.datetime


class ItemOut(Schema):
    id: int
    station_id: int
    station: str = Field(alias="station.name")
    name: str
    unit: str
    price: int
    stock: int
    reserved: int
    donor: str | None = Field(None, alias="donor.name")
    monthly_limit: int
    active: bool


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class ItemFilters(PageParams):
    station: Id | None = None


class RedemptionIn(Schema):
    item_id: Id
    quantity: int = Field(1, ge=1, le=1000)


class RedemptionOut(Schema):
    id: int
    item_id: int
    item: str = Field(alias="item.name")
    person_id: int
    quantity: int
    points: int
    status: str
    expires_at: dt.datetime
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    actions: list[str] = []


class RedemptionPage(Schema):
    items: list[RedemptionOut]
    count: int


class TransitionIn(Schema):
    action: Literal["hand_over", "cancel"]
    note: str = Field("", max_length=200)


class RankOut(Schema):
    rank: int
    name: str
    score: int
    exchange: int


class NoticeOut(Schema):
    compound_id: int
    compound: str
    year: int
    masking: str
    digest: str
    entry_count: int
    ranking: list[RankOut]
    published_at: dt.datetime
    objection_until: dt.datetime
    objections: int
    verify_command: str


class NoticeIn(Schema):
    compound_id: Id
    year: Year
    masking: str = "first_last"


class ProofItem(Schema):
    index: int
    leaf: str
    proof: list[list[str]]


class ProofOut(Schema):
    digest: str
    entries: list[ProofItem]
    count: int


class ObjectionIn(Schema):
    text: str = Field(..., min_length=1, max_length=1000)


class ObjectionOut(Schema):
    id: int
    text: str
    created_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
