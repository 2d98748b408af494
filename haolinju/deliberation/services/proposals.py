"""Proposals through the four steps: owner proposes (提议), joint council discusses (商议),
party organisation reviews (审议), owners' committee or assembly resolves (决议).

Every step is a ``core.transitions`` move, so it lands on the proposal's timeline with its
record: council minutes (``minutes``), the review's reason (``approve`` / ``return``), the
resolution (``resolve`` / ``reject`` by committee, or through an owners' vote).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.timeline import record
from haolinju.core.transitions import ANY, InvalidTransition, Move, StateMachine
from haolinju.org.models import Area

from .. import policies, selectors
from ..errors import Conflict
from ..models import Proposal, ProposalCategory, ProposalStatus, ProposalSupport, VoteStatus

P = ProposalStatus

MACHINE = StateMachine(
    model=Proposal,
    moves={
        "discuss": Move({P.PROPOSED}, P.DISCUSSING, gettext_lazy("提交联席会议商议")),
        "minutes": Move({P.DISCUSSING}, None, gettext_lazy("记录商议纪要")),
        "submit_review": Move({P.DISCUSSING}, P.REVIEWING, gettext_lazy("提交党组织审议")),
        "approve": Move({P.REVIEWING}, P.APPROVED, gettext_lazy("审议通过")),
        "return": Move({P.REVIEWING}, P.RETURNED, gettext_lazy("退回")),
        "resubmit": Move({P.RETURNED}, P.DISCUSSING, gettext_lazy("修改后重新商议")),
        "resolve": Move({P.APPROVED}, P.RESOLVED, gettext_lazy("业委会决议通过")),
        "reject": Move({P.APPROVED}, P.REJECTED, gettext_lazy("业委会决议不通过")),
        "put_to_vote": Move({P.APPROVED}, P.VOTING, gettext_lazy("提交业主大会表决")),
        "record_vote": Move({P.VOTING}, None, gettext_lazy("记录表决结果")),
        "withdraw": Move({P.PROPOSED, P.RETURNED}, P.WITHDRAWN, gettext_lazy("撤回")),
        "comment": Move(ANY, None, gettext_lazy("评论")),
    },
    may=policies.may_proposal_action,
    event_prefix="proposal",
)

NEEDS_NOTE = {
    "minutes": gettext_lazy("请填写商议纪要"),
    "return": gettext_lazy("退回须说明理由"),
    "resolve": gettext_lazy("请填写决议内容"),
    "reject": gettext_lazy("请填写决议内容"),
    "comment": gettext_lazy("请填写评论"),
}


@transaction.atomic
def proposal_create(
    *, actor, area: Area, title: str, body: str, category: str, is_major: bool = False
) -> Proposal:
    if area.kind not in policies.VOTE_SCOPE_KINDS:
        raise InvalidInput.on("area_id", _("议题范围应为小区、楼栋或单元"))
    if not policies.can_see(actor, area.path):
        raise NotPermitted()
    if category not in ProposalCategory.values:
        raise InvalidInput.on("category", _("类别不正确"))
    if not title.strip():
        raise InvalidInput.on("title", _("请填写标题"))
    if not body.strip():
        raise InvalidInput.on("body", _("请填写内容"))
    proposal = Proposal.objects.create(
        area=area,
        area_path=area.path,
        title=title.strip(),
        body=body.strip(),
        category=category,
        is_major=is_major,
        proposer=actor,
    )
    record(proposal, actor=actor, action="proposal.propose", note=proposal.title)
    return proposal


@transaction.atomic
def proposal_support(*, actor, proposal_id: int) -> Proposal:
    """A neighbour seconds the proposal, once (the proposer's own support is implied)."""
    proposal = selectors.proposal_get(actor=actor, proposal_id=proposal_id)
    if proposal.status not in (P.PROPOSED, P.DISCUSSING):
        raise InvalidTransition(_("议题已进入审议或决议，不再附议"))
    if proposal.proposer_id == actor.pk:
        raise Conflict(_("提议人无需附议"))
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, user=actor)
    except IntegrityError:
        raise Conflict(_("您已附议")) from None
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    record(proposal, actor=actor, action="proposal.support")
    proposal.refresh_from_db()
    return proposal


def proposal_transition(
    *, actor, proposal_id: int, action: str, note: str = "", vote_id: int | None = None
) -> Proposal:
    proposal = selectors.proposal_get(actor=actor, proposal_id=proposal_id)
    if action in NEEDS_NOTE and not note.strip():
        raise InvalidInput.on("note", NEEDS_NOTE[action])
    changes: dict = {}
    data: dict = {}
    if action in ("resolve", "reject"):
        changes = {"resolution": note.strip()}
        data = {"by": "committee"}
    if action == "put_to_vote":
        vote = selectors.vote_get(actor=actor, vote_id=vote_id) if vote_id else None
        if vote is None or vote.proposal_id != proposal.pk:
            raise InvalidInput.on("vote_id", _("请先为本议题发起业主表决"))
        data = {"vote_id": vote.pk}
    if action in policies.PARTY_REVIEW_ACTIONS:
        data = {"by": "party_organisation"}
    if action == "record_vote":
        return _record_vote(actor, proposal, note)
    return MACHINE.apply(
        proposal, action=action, actor=actor, note=note.strip(), changes=changes, data=data
    )


def _record_vote(actor, proposal: Proposal, note: str) -> Proposal:
    vote = proposal.votes.filter(status=VoteStatus.CERTIFIED).order_by("-id").first()
    if vote is None:
        raise InvalidTransition(_("表决结果尚未确认"))
    passed = bool(vote.result.get("passed"))
    target = P.RESOLVED if passed else P.REJECTED
    text = note.strip() or (_("业主大会表决通过") if passed else _("业主大会表决未通过"))
    return MACHINE.apply(
        proposal,
        action="record_vote",
        actor=actor,
        note=text,
        changes={"status": target, "resolution": text},
        data={"by": "owners_vote", "vote_id": vote.pk, "passed": passed},
    )
