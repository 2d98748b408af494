"""Writes of owners' votes: create, change (until the first ballot), the state machine, ballots.

States: draft → noticed (electorate frozen from the register and noticed) → open → closed
(result stored, receipt list sealed with a Merkle root) → published (objection window on the
working-day calendar) → certified; draft / noticed / open → cancelled.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core import hashchain
from haolinju.core.calendar import due_at
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.models import record_event
from haolinju.core.timeline import record
from haolinju.core.transitions import InvalidTransition, Move, StateMachine
from haolinju.org.models import Area

from .. import policies, selectors
from ..errors import Conflict
from ..models import (
    MATTER_ITEMS,
    Ballot,
    Channel,
    Vote,
    Voter,
    VoteStatus,
)
from ..tally import Choice

S = VoteStatus

MACHINE = StateMachine(
    model=Vote,
    moves={
        "notice": Move({S.DRAFT}, S.NOTICED, gettext_lazy("公示表决权人")),
        "refresh_electorate": Move({S.NOTICED}, None, gettext_lazy("按异议更正表决权人")),
        "open": Move({S.NOTICED}, S.OPEN, gettext_lazy("开始投票")),
        "close": Move({S.OPEN}, S.CLOSED, gettext_lazy("截止投票")),
        "publish": Move({S.CLOSED}, S.PUBLISHED, gettext_lazy("公示初步结果")),
        "certify": Move({S.PUBLISHED}, S.CERTIFIED, gettext_lazy("确认结果")),
        "cancel": Move({S.DRAFT, S.NOTICED, S.OPEN}, S.CANCELLED, gettext_lazy("取消表决")),
    },
    may=policies.may_vote_action,
    event_prefix="vote",
)
assert set(MACHINE.moves) == policies.STAFF_VOTE_ACTIONS


def objection_window() -> str:
    """The objection notice after the preliminary result (practice, configurable)."""
    return getattr(settings, "HAOLINJU_VOTE_OBJECTION_WINDOW", "5wd")


EDITABLE = (
    "title",
    "description",
    "matter_item",
    "opens_at",
    "closes_at",
    "results_hidden",
    "online_replaces",
    "paper_beats_online",
)


def _check_times(opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    if closes_at <= opens_at:
        raise InvalidInput.on("closes_at", _("截止时间应晚于开始时间"))


def _check_item(matter_item: int) -> None:
    if matter_item not in MATTER_ITEMS:
        raise InvalidInput.on("matter_item", _("法定事项应为 1–9"))


@transaction.atomic
def vote_create(
    *,
    actor,
    area: Area,
    matter_item: int,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    description: str = "",
    results_hidden: bool = False,
    online_replaces: bool = True,
    paper_beats_online: bool = True,
    proposal=None,
    returning_officers=(),
) -> Vote:
    if area.kind not in policies.VOTE_SCOPE_KINDS:
        raise InvalidInput.on("area_id", _("表决范围应为小区、楼栋或单元"))
    if not policies.governs(actor, area.path):
        raise NotPermitted(_("只有该区域的工作人员可以发起表决"))
    _check_item(matter_item)
    _check_times(opens_at, closes_at)
    if not title.strip():
        raise InvalidInput.on("title", _("请填写表决事项"))
    vote = Vote.objects.create(
        area=area,
        area_path=area.path,
        matter_item=matter_item,
        title=title.strip(),
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        results_hidden=results_hidden,
        online_replaces=online_replaces,
        paper_beats_online=paper_beats_online,
        proposal=proposal,
        created_by=actor,
    )
    vote.returning_officers.add(actor, *[u for u in returning_officers if u != actor])
    record(vote, actor=actor, action="vote.create", note=vote.title)
    return vote


class _Frozen(Exception):
    def __init__(self, vote: Vote, fields: list[str]):
        self.vote, self.fields = vote, fields


def vote_update(*, actor, vote_id: int, **fields) -> Vote:
    """Change the matter, the times or the options — refused with a 409 once the first ballot
    is cast or the vote has left draft/notice; the refusal itself is logged (written after the
    change's own transaction rolled back)."""
    try:
        return _vote_update(actor=actor, vote_id=vote_id, fields=fields)
    except _Frozen as frozen:
        record_event(
            actor=actor,
            action="vote.change_refused",
            target=frozen.vote,
            area_path=frozen.vote.area_path,
            fields=frozen.fields,
        )
        raise Conflict(_("已有业主投票，表决事项、选项、门槛和表决权人均已锁定")) from None


@transaction.atomic
def _vote_update(*, actor, vote_id: int, fields: dict) -> Vote:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], _("此项不可修改"))
    vote = selectors.vote_get(actor=actor, vote_id=vote_id)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if not policies.governs(actor, vote.area_path):
        raise NotPermitted()
    if vote.is_frozen or vote.status not in (S.DRAFT, S.NOTICED):
        raise _Frozen(vote, sorted(fields))
    if "matter_item" in fields:
        _check_item(int(fields["matter_item"]))
    _check_times(fields.get("opens_at", vote.opens_at), fields.get("closes_at", vote.closes_at))
    for name, value in fields.items():
        setattr(vote, name, value)
    vote.save()
    record(vote, actor=actor, action="vote.update", fields=sorted(fields))
    return vote


# --- the electorate -------------------------------------------------------------------------------


def _freeze_electorate(vote: Vote) -> None:
    """The electorate frozen from the register, in bulk (``services.electorate``)."""
    from .electorate import freeze

    freeze(vote)


# --- moves ----------------------------------------------------------------------------------------


def vote_transition(*, actor, vote_id: int, action: str, note: str = "", now=None) -> Vote:
    vote = selectors.vote_get(actor=actor, vote_id=vote_id)
    now = now or timezone.now()
    if action in ("notice", "refresh_electorate"):
        return _notice(actor, vote, action, note, now)
    if action == "close":
        return _close(actor, vote, note, now)
    changes: dict = {}
    check = None
    if action == "open":
        changes = {}
    elif action == "publish":
        changes = {"objection_until": due_at(now, objection_window())}
    elif action == "certify":

        def check(locked):
            if locked.objection_until and now < locked.objection_until:
                raise InvalidTransition(
                    _("询异期至 %(t)s 才结束")
                    % {"t": f"{timezone.localtime(locked.objection_until):%Y-%m-%d %H:%M}"}
                )
            if selectors.recount(locked).as_dict() != locked.result:
                raise Conflict(_("重新计票结果与截止时的结果不一致，不能确认"))

    with transaction.atomic():
        vote = MACHINE.apply(
            vote, action=action, actor=actor, note=note, changes=changes, check=check
        )
        if action == "certify" and vote.proposal_id:
            _resolve_proposal(actor, vote)
        if action == "certify":
            from .conventions import adopt_if_passed

            adopt_if_passed(actor=actor, vote=vote)
    return vote


def _resolve_proposal(actor, vote: Vote) -> None:
    """A certified owners' vote resolves the proposal it was put to."""
    from ..models import ProposalStatus
    from .proposals import proposal_transition

    if vote.proposal.status == ProposalStatus.VOTING:
        proposal_transition(actor=actor, proposal_id=vote.proposal_id, action="record_vote")


@transaction.atomic
def _notice(actor, vote: Vote, action: str, note: str, now) -> Vote:
    def check(locked):
        if locked.is_frozen:
            raise Conflict(_("已有业主投票，表决权人已锁定"))
        _freeze_electorate(locked)

    locked = MACHINE.apply(
        vote,
        action=action,
        actor=actor,
        note=note,
        changes={"noticed_at": now},
        check=check,
    )
    Vote.objects.filter(pk=locked.pk).update(
        total_area=locked.total_area, total_count=locked.total_count
    )
    locked.refresh_from_db()
    return locked


def close_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Close every open vote whose ``closes_at`` has passed and store its tally (the worker's
    job, run by ``core.periodic``). Each vote closes in its own transaction under the vote's row
    lock, so a rerun, or two workers at once, close a vote once: the second finds it closed
    (``InvalidTransition``) and skips it."""
    now = now or timezone.now()
    done = {"closed": 0, "skipped": 0}
    for pk in selectors.votes_due_to_close(now=now):
        try:
            with translation.override(settings.LANGUAGE_CODE):  # records keep the site language
                note = str(_("到截止时间，系统自动截止并计票"))
            _close(None, pk, note, now)
        except InvalidTransition:
            done["skipped"] += 1
        else:
            done["closed"] += 1
    return done


@transaction.atomic
def _close(actor, vote: Vote | int, note: str, now) -> Vote:
    def check(locked):
        if now < locked.closes_at:
            raise InvalidTransition(_("尚未到截止时间"))

    locked = MACHINE.apply(vote, action="close", actor=actor, note=note, check=check)
    result = selectors.recount(locked)
    live = selectors.live_tally(locked)
    assert result.as_dict() == live.as_dict(), "recount and live tally disagree"
    receipts = sorted(Ballot.objects.filter(vote=locked).values_list("receipt", flat=True))
    root = hashchain.merkle_root([r.encode() for r in receipts]) if receipts else ""
    Vote.objects.filter(pk=locked.pk).update(result=result.as_dict(), receipts_root=root)
    locked.refresh_from_db()
    return locked


# --- ballots --------------------------------------------------------------------------------------

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _resolve_voter(
    actor, vote: Vote, channel: str, voter_unit_id: int | None
) -> tuple[Voter, int | None]:
    if channel == Channel.ONLINE:
        person_id = getattr(getattr(actor, "person", None), "pk", None)
        mine = selectors.voters_of_person(vote, person_id)
        if voter_unit_id is not None:
            mine = [v for v in mine if any(u.unit_id == voter_unit_id for u in v.units.all())]
        if not mine:
            raise NotPermitted(_("您不在本次表决的表决权人名册中"))
        if len(mine) > 1:
            raise InvalidInput.on("voter_unit", _("您有多个表决权，请选择房屋"))
        return mine[0], person_id
    if not policies.can_enter_ballots(actor, vote):
        raise NotPermitted(_("只有本次表决的监票计票人可以录入纸质票和委托票"))
    if voter_unit_id is None:
        raise InvalidInput.on("voter_unit", _("请选择房屋"))
    voter = selectors.voter_for_unit(vote, voter_unit_id)
    if voter is None:
        raise InvalidInput.on("voter_unit", _("该房屋不在本次表决范围内"))
    return voter, None


@transaction.atomic
def ballot_cast(
    *,
    actor,
    vote_id: int,
    choice: str,
    channel: str,
    voter_unit_id: int | None = None,
    proxy_name: str = "",
    authorisation: str = "",
    now: dt.datetime | None = None,
) -> Ballot:
    """Cast one ballot for a voter key. The voter row is locked, so concurrent ballots for one
    key are decided one after the other: at most one counts (a later online ballot replaces an
    earlier one while the vote allows it; paper and proxy beat online when configured)."""
    now = now or timezone.now()
    vote = selectors.vote_get(actor=actor, vote_id=vote_id)
    if choice not in {c.value for c in Choice}:
        raise InvalidInput.on("choice", _("意见应为：同意、反对、弃权"))
    if channel not in Channel.values:
        raise InvalidInput.on("channel", _("方式应为：网上、纸质、委托"))
    if vote.status != S.OPEN or not (vote.opens_at <= now < vote.closes_at):
        raise InvalidTransition(_("当前不在投票时间内"))
    if channel == Channel.PROXY and not (proxy_name.strip() and authorisation.strip()):
        raise InvalidInput.on("authorisation", _("委托投票须登记受托人和授权委托书"))
    voter, person_id = _resolve_voter(actor, vote, channel, voter_unit_id)
    voter = Voter.objects.select_for_update().get(pk=voter.pk)
    current = Ballot.objects.filter(voter=voter, superseded_at__isnull=True).first()
    if current is not None:
        _may_replace(vote, current, channel)
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    ballot = Ballot.objects.create(
        vote=vote,
        voter=voter,
        voter_key=voter.key,
        area_cents=int(voter.area.scaleb(2)),
        choice=choice,
        channel=channel,
        receipt=new_receipt(),
        cast_by=actor,
        person_id=person_id,
        proxy_name=proxy_name.strip(),
        authorisation=authorisation.strip(),
    )
    Vote.objects.filter(pk=vote.pk, first_ballot_at__isnull=True).update(first_ballot_at=now)
    # the timeline shows that a ballot was cast, never its choice
    record(
        vote,
        actor=actor,
        action="vote.ballot",
        channel=channel,
        receipt=ballot.receipt,
        replaced=current.receipt if current else "",
    )
    return ballot


def _may_replace(vote: Vote, current: Ballot, channel: str) -> None:
    staff_entered = (Channel.PAPER, Channel.PROXY)
    if channel == Channel.ONLINE:
        if current.channel in staff_entered and vote.paper_beats_online:
            raise Conflict(_("该户已有纸质票或委托票，网上投票不再计入"))
        if current.channel == Channel.ONLINE and not vote.online_replaces:
            raise Conflict(_("您已投票，本次表决不允许改投"))
        return
    if current.channel == Channel.ONLINE and vote.paper_beats_online:
        return
    raise Conflict(_("该户已有选票（回执 %(r)s）") % {"r": current.receipt})


def ballot_voter_lookup(*, actor, vote_id: int, unit_id: int) -> Voter:
    vote = selectors.vote_get(actor=actor, vote_id=vote_id)
    voter = selectors.voter_for_unit(vote, unit_id)
    if voter is None:
        raise NotFound()
    return voter


def ballot_choices_read(*, actor, vote_id: int):
    """Who chose what: returning officers only (everyone else gets a 404), every read logged."""
    vote = selectors.vote_get(actor=actor, vote_id=vote_id)
    if not policies.is_returning_officer(actor, vote):
        raise NotFound()
    record_event(actor=actor, action="vote.choices_read", target=vote, area_path=vote.area_path)
    return selectors.ballots_with_choices(vote)
