"""API shapes for cases. The requester is shown to the people who see the case in full; to
the public (a public problem report) an anonymous reporter is never named."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from haolinju.people.schemas import MAX_ID, Id, PageParams


class CaseFiltersIn(PageParams):
    kind: str = Field("", max_length=20)
    status: str = Field("", max_length=16)
    area: Id | None = Field(None, description="Only cases in this area's subtree")
    assigned: Literal["", "me"] = Field("", description="`me`: given to the caller")
    overdue: bool | None = None
    q: str = Field("", max_length=64)
    category: str = Field("", max_length=40)


class CaseIn(Schema):
    kind: str = Field(..., max_length=20)
    category: str = Field(..., max_length=40)
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=8000)
    area_id: Id | None = None
    order_type: str = Field("", max_length=16)
    public: bool = True
    anonymous: bool = False
    address: str = Field("", max_length=200)
    parties: list[str] = Field(default_factory=list, max_length=20)


class TransitionIn(Schema):
    action: str = Field(..., max_length=32)
    note: str = Field("", max_length=1000)
    reason: str = Field("", max_length=32)
    assignee_person: int | None = Field(None, ge=1, le=MAX_ID)
    assignee_organisation: int | None = Field(None, ge=1, le=MAX_ID)
    duplicate_of: int | None = Field(None, ge=1, le=MAX_ID)


class RatingIn(Schema):
    contacted: bool
    solved: Literal["yes", "partly", "no"]
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class WhistleIn(Schema):
    organisation: Id
    note: str = Field("", max_length=1000)


class ReportIn(Schema):
    action: Literal["report_in", "report_back"]
    note: str = Field("", max_length=2000)


class Ref(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    code: str
    kind: str
    name: str
    urgency: str
    dispatch_within: str
    accept_within: str
    resolve_within: str
    report_in_within: str
    report_back_within: str


class CaseOut(Schema):
    id: int
    kind: str
    category: str
    category_name: str
    title: str
    status: str
    status_label: str
    state_type: str
    close_reason: str
    area: Ref
    owner_area: Ref
    assignee_person: Ref | None
    assignee_organisation: Ref | None
    step: str
    due_at: dt.datetime | None
    overdue: bool
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class CasePage(Schema):
    items: list[CaseOut]
    count: int


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str
    from_state: str
    to_state: str
    note: str


class SummonsOut(Schema):
    id: int
    organisation: Ref
    status: str
    report_in_due_at: dt.datetime
    reported_in_at: dt.datetime | None
    report_back_due_at: dt.datetime | None
    reported_back_at: dt.datetime | None
    result: str


class CaseDetailOut(CaseOut):
    description: str
    requester: Ref | None
    duplicate_of: int | None
    locked: bool
    reopen_count: int
    resolve_due_at: dt.datetime | None
    actions: list[str]
    timeline: list[EventOut]
    summonses: list[SummonsOut]
    supports: int | None
    rating: dict | None


class CandidateOut(Schema):
    kind: str
    id: int
    name: str
    points: int
    reasons: list[str]


class FigureOut(Schema):
    numerator: int
    denominator: int
    percent: str | None


class StatsOut(Schema):
    area: Ref
    start: dt.date
    end: dt.date
    response: FigureOut
    resolution: FigureOut
    satisfaction: FigureOut
    on_time: FigureOut
    returned: FigureOut
    redo: FigureOut
    min_sample: int
    best: list[dict]
    worst: list[dict]


# --- mediation -----------------------------------------------------------------------------
class SessionIn(Schema):
    scheduled_at: dt.datetime
    place: str = Field("", max_length=100)
    mediator_person: int | None = Field(None, ge=1, le=MAX_ID)


class SessionMoveIn(Schema):
    action: Literal["hold", "cancel"]
    summary: str = Field("", max_length=8000)
    parties_present: list[str] = Field(default_factory=list, max_length=20)


class AgreementIn(Schema):
    text: str = Field(..., max_length=8000)


class SignIn(Schema):
    party: str = Field(..., max_length=60)


class VoidIn(Schema):
    reason: str = Field(..., max_length=500)


class FollowUpIn(Schema):
    due_on: dt.date
    visitor_person: int | None = Field(None, ge=1, le=MAX_ID)


class FollowUpMoveIn(Schema):
    action: Literal["visit", "cancel"]
    outcome: Literal["", "holding", "partly", "relapsed"] = ""
    note: str = Field("", max_length=4000)


class SessionOut(Schema):
    id: int
    status: str
    scheduled_at: dt.datetime
    place: str
    mediator: Ref | None
    parties_present: list[str]
    held_at: dt.datetime | None
    summary: str
    actions: list[str]


class SignatureOut(Schema):
    party: str
    signed_at: dt.datetime


class AgreementOut(Schema):
    id: int
    status: str
    text: str
    parties: list[str]
    signatures: list[SignatureOut]
    unsigned: list[str]
    created_at: dt.datetime
    signed_at: dt.datetime | None
    actions: list[str]


class FollowUpOut(Schema):
    id: int
    status: str
    due_on: dt.date
    visitor: Ref | None
    visited_at: dt.datetime | None
    outcome: str
    note: str
    actions: list[str]


class MediationOut(Schema):
    case: int
    parties: list[str]
    may_mediate: bool
    sessions: list[SessionOut]
    agreements: list[AgreementOut]
    follow_ups: list[FollowUpOut]


# --- micro-review ----------------------------------------------------------------------------
class MicroReviewIn(Schema):
    verdict: Literal["satisfied", "partly", "not"]
    comment: str = Field("", max_length=500)


class MicroReviewOut(Schema):
    case: int
    round: int
    count: int
    satisfied: int
    partly: int
    not_satisfied: int
    mine: str
    may_review: bool
    minimum: int
    comments: list[str]
