"""API shapes for votes, ballots, receipts and cost shares. Areas travel as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from haolinju.people.schemas import Id, PageParams


class VoteIn(Schema):
    area_id: Id
    matter_item: int = Field(..., ge=1, le=9)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    opens_at: dt.datetime
    closes_at: dt.datetime
    results_hidden: bool = False
    online_replaces: bool = True
    paper_beats_online: bool = True
    proposal_id: Id | None = None


class VotePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    matter_item: int | None = Field(None, ge=1, le=9)
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    results_hidden: bool | None = None
    online_replaces: bool | None = None
    paper_beats_online: bool | None = None


class TransitionIn(Schema):
    action: str = Field(..., max_length=32)
    note: str = Field("", max_length=2000)


class VoteOut(Schema):
    id: int
    area_id: int
    title: str
    description: str
    matter_item: int
    matter_class: str
    status: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    results_hidden: bool
    online_replaces: bool
    paper_beats_online: bool
    total_area: str | None
    total_count: int | None
    frozen: bool
    objection_until: dt.datetime | None
    receipts_root: str
    actions: list[str]


class VotePage(Schema):
    items: list[VoteOut]
    count: int


class VoteFilters(PageParams):
    area: Id | None = None
    status: str | None = Field(None, max_length=16)


class VoterOut(Schema):
    key: str
    label: str
    area: str
    units: list[dict]
    owners: list[str]
    review: list[str]


class ElectorateOut(Schema):
    total_area: str | None
    total_count: int | None
    items: list[VoterOut]
    count: int


class ElectorateFilters(PageParams):
    q: str = Field("", max_length=64)


class BallotIn(Schema):
    choice: Literal["for", "against", "abstain"]
    channel: Literal["online", "paper", "proxy"] = "online"
    voter_unit: Id | None = None
    proxy_name: str = Field("", max_length=64)
    authorisation: str = Field("", max_length=200)


class ReceiptOut(Schema):
    receipt: str


class RatioOut(Schema):
    numerator: str | int
    denominator: str | int


class MeasureOut(Schema):
    area: RatioOut
    count: RatioOut


class TallyOut(Schema):
    status: str
    matter_class: str
    participation: MeasureOut
    consent: MeasureOut | None
    against: MeasureOut | None
    abstain: MeasureOut | None
    quorum: bool
    passed: bool | None
    hidden: bool


class ReceiptRow(Schema):
    receipt: str
    channel: str
    counted: bool


class ReceiptPage(Schema):
    root: str
    items: list[ReceiptRow]
    count: int


class ReceiptFilters(PageParams):
    code: str = Field("", max_length=16)


class ChoiceRow(Schema):
    voter_key: str
    voter: str
    choice: str
    channel: str
    receipt: str
    counted: bool
    proxy_name: str
    authorisation: str
    cast_at: dt.datetime


class ChoicePage(Schema):
    items: list[ChoiceRow]
    count: int


class CostShareIn(Schema):
    title: str = Field("", max_length=200)
    total_fen: int = Field(..., ge=0, le=10**15)
    area_id: Id | None = None
    unit_ids: list[Id] | None = Field(None, max_length=50_000)
    basis: Literal["area", "weights", "floor"] = "area"
    weights: dict[str, Decimal] | None = None
    floor_coefficients: dict[str, Decimal] | None = None
    vote_id: Id | None = None


class ShareOut(Schema):
    unit_id: int
    unit: str
    weight: str
    fen: int


class CostShareOut(Schema):
    id: int
    title: str
    area_id: int
    total_fen: int
    basis: str
    vote_id: int | None
    shares: list[ShareOut]


class ProposalIn(Schema):
    area_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=10000)
    category: Literal[
        "wires", "cables", "water_pipes", "elevators", "gas_lines", "convention", "other"
    ]
    is_major: bool = False


class ProposalTransitionIn(Schema):
    action: str = Field(..., max_length=32)
    note: str = Field("", max_length=10000)
    vote_id: Id | None = None


class StepOut(Schema):
    action: str
    label: str
    actor: str
    from_state: str
    to_state: str
    note: str
    data: dict
    at: dt.datetime


class ProposalOut(Schema):
    id: int
    area_id: int
    title: str
    body: str
    category: str
    status: str
    is_major: bool
    support_count: int
    resolution: str
    created_at: dt.datetime
    actions: list[str]


class ProposalDetailOut(ProposalOut):
    steps: list[StepOut]
    vote_ids: list[int]


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int


class ProposalFilters(PageParams):
    status: str | None = Field(None, max_length=16)
    major: bool | None = None


class MeetingIn(Schema):
    area_id: Id
    held_on: dt.date | None = None
    agenda: str = Field("", max_length=10000)
    minutes: str = Field("", max_length=20000)
    attendee_ids: list[Id] = Field(default_factory=list, max_length=200)


class MeetingOut(Schema):
    id: int
    area_id: int
    held_on: dt.date
    agenda: str
    minutes: str
    attendees: list[str]
    task_ids: list[int]


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int


class TaskIn(Schema):
    area_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    owner_org_id: Id
    due_on: dt.date
    kind: Literal["problem", "led_project", "challenge"] = "problem"
    meeting_id: Id | None = None
    milestones: list[str] = Field(default_factory=list, max_length=50)


class TaskOut(Schema):
    id: int
    area_id: int
    meeting_id: int | None
    kind: str
    title: str
    owner_org: str
    due_on: dt.date
    status: str
    overdue: bool
    progress: RatioOut
    progress_note: str
    milestones: list[dict]
    actions: list[str]


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


class TaskFilters(PageParams):
    status: str | None = Field(None, max_length=16)
    overdue: bool = False


class ConventionIn(Schema):
    area_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1, max_length=50000)


class VersionIn(Schema):
    text: str = Field(..., min_length=1, max_length=50000)
    note: str = Field("", max_length=300)


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)
    version: int | None = None


class ConventionVoteIn(Schema):
    vote_id: Id
    version: int = Field(..., ge=1)


class ConventionOut(Schema):
    id: int
    area_id: int
    title: str
    status: str
    vote_id: int | None
    adopted_version: int | None
    adopted_text: str | None
    versions: list[dict]
    comments: list[dict]


class ConventionPage(Schema):
    items: list[ConventionOut]
    count: int


class DiffOut(Schema):
    lines: list[str]
