"""Deliberation pages: proposals and their steps, a vote (owner's ballot, live tally with both
bars, receipt check), the returning officer's entry desk, cost shares. Thin: parse → one
service or selector → template; application errors become messages on the same page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haolinju.core.errors import ApplicationError, NotFound
from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors, page_offset
from haolinju.core.xlsx import xlsx_response
from haolinju.org.selectors import area_get

from .. import exports, policies, selectors
from ..models import MATTER_ITEMS, ChoiceField, ProposalCategory
from ..services import proposals as proposal_services
from ..services import votes as vote_services


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@application_errors
def index(request):
    actor = request.user
    proposals = paginate(
        selectors.proposal_list(actor=actor), offset=page_offset(request), limit=20
    )
    votes = paginate(selectors.vote_list(actor=actor), offset=0, limit=20)
    return render(
        request,
        "deliberation/index.html",
        {
            "proposals": proposals,
            "votes": votes,
            "categories": ProposalCategory.choices,
            "show_reviews": bool(selectors.party_review_paths(actor)),
        },
    )


@login_required
@application_errors
def public_notices(request):
    """The public notice page of major matters: every major proposal and its stage."""
    qs = selectors.proposal_list(actor=request.user, major=True)
    return render(
        request,
        "deliberation/notices.html",
        {"page": paginate(qs, offset=page_offset(request), limit=50)},
    )


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def proposal_new(request):
    scope = jurisdiction_of(request.user)
    home = scope.home_path
    if request.method == "POST":
        try:
            area = area_get(actor=request.user, area_id=int(request.POST.get("area_id", "0")))
            proposal = proposal_services.proposal_create(
                actor=request.user,
                area=area,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                category=request.POST.get("category", ""),
                is_major=request.POST.get("is_major") == "on",
            )
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "detail", _("输入有误")))
        else:
            return redirect("deliberation:proposal", proposal.pk)
    areas = selectors.proposal_areas(actor=request.user, home_path=home)
    return render(
        request,
        "deliberation/proposal_new.html",
        {"categories": ProposalCategory.choices, "areas": areas, "form": request.POST},
    )


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def proposal_detail(request, proposal_id: int):
    actor = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "support":
                proposal_services.proposal_support(actor=actor, proposal_id=proposal_id)
            else:
                vote_id = request.POST.get("vote_id", "")
                proposal_services.proposal_transition(
                    actor=actor,
                    proposal_id=proposal_id,
                    action=action,
                    note=request.POST.get("note", ""),
                    vote_id=int(vote_id) if vote_id.isdigit() else None,
                )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.detail)
        return redirect("deliberation:proposal", proposal_id)
    proposal = selectors.proposal_get(actor=actor, proposal_id=proposal_id)
    actions = proposal_services.MACHINE.actions_for(proposal, actor)
    return render(
        request,
        "deliberation/proposal.html",
        {
            "proposal": proposal,
            "steps": exports.steps(proposal),
            "actions": [(a, proposal_services.MACHINE.label(a)) for a in actions if a != "comment"],
            "can_comment": "comment" in actions,
            "can_support": proposal.status in ("proposed", "discussing")
            and proposal.proposer_id != actor.pk,
            "votes": proposal.votes.all(),
        },
    )


def _vote_context(request, vote) -> dict:
    actor = request.user
    tally = selectors.live_tally(vote)
    visible = policies.results_visible(actor, vote)
    person_id = jurisdiction_of(actor).person_id
    mine = selectors.voters_of_person(vote, person_id)
    return {
        "vote": vote,
        "matter": MATTER_ITEMS[vote.matter_item],
        "tally": exports.tally_view(vote, tally, visible),
        "my_voters": mine,
        "my_ballots": selectors.my_counted_ballots(vote, mine),
        "choices": ChoiceField.choices,
        "officer": policies.is_returning_officer(actor, vote),
        "actions": [
            (a, vote_services.MACHINE.label(a))
            for a in vote_services.MACHINE.actions_for(vote, actor)
        ],
    }


@login_required
@application_errors
@never_cache
def vote_detail(request, vote_id: int):
    vote = selectors.vote_get(actor=request.user, vote_id=vote_id)
    context = _vote_context(request, vote)
    if _partial(request) and request.GET.get("part") == "tally":
        return render(request, "deliberation/_tally.html", context)
    return render(request, "deliberation/vote.html", context)


@login_required
@application_errors
@require_POST
def vote_ballot(request, vote_id: int):
    """An owner's online ballot; answers with the receipt."""
    unit = request.POST.get("voter_unit", "")
    try:
        ballot = vote_services.ballot_cast(
            actor=request.user,
            vote_id=vote_id,
            choice=request.POST.get("choice", ""),
            channel="online",
            voter_unit_id=int(unit) if unit.isdigit() else None,
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("投票成功。您的回执码：%(r)s") % {"r": ballot.receipt})
    return redirect("deliberation:vote", vote_id)


@login_required
@application_errors
@require_POST
def vote_move(request, vote_id: int):
    try:
        vote_services.vote_transition(
            actor=request.user,
            vote_id=vote_id,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.detail)
    return redirect("deliberation:vote", vote_id)


@login_required
@application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def vote_desk(request, vote_id: int):
    """The returning officer's desk: search a unit, enter its paper or proxy ballot, next."""
    vote = selectors.vote_get(actor=request.user, vote_id=vote_id)
    if not policies.can_enter_ballots(request.user, vote):
        raise NotFound()
    receipt = None
    if request.method == "POST":
        unit = request.POST.get("voter_unit", "")
        try:
            ballot = vote_services.ballot_cast(
                actor=request.user,
                vote_id=vote_id,
                choice=request.POST.get("choice", ""),
                channel=request.POST.get("channel", "paper"),
                voter_unit_id=int(unit) if unit.isdigit() else None,
                proxy_name=request.POST.get("proxy_name", ""),
                authorisation=request.POST.get("authorisation", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            receipt = ballot.receipt
    q = request.GET.get("q", "").strip()
    found = list(selectors.voter_list(actor=request.user, vote_id=vote_id, q=q)[:10]) if q else []
    rows = [(v, selectors.counted_ballots(vote).filter(voter=v).first()) for v in found]
    return render(
        request,
        "deliberation/desk.html",
        {"vote": vote, "q": q, "rows": rows, "receipt": receipt, "choices": ChoiceField.choices},
    )


@login_required
@application_errors
def vote_receipts(request, vote_id: int):
    vote, qs = selectors.receipt_list(actor=request.user, vote_id=vote_id)
    code = request.GET.get("code", "").strip().upper()
    found = qs.filter(receipt=code).first() if code else None
    return render(
        request,
        "deliberation/receipts.html",
        {
            "vote": vote,
            "code": code,
            "found": found,
            "page": paginate(qs, offset=page_offset(request), limit=100),
        },
    )


@login_required
@application_errors
def cost_share_detail(request, plan_id: int):
    plan = selectors.cost_share_get(actor=request.user, plan_id=plan_id)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.plan_xlsx(plan), f"费用分摊-{plan.pk}.xlsx")
    lines = paginate(plan.lines.all(), offset=page_offset(request), limit=100)
    return render(
        request,
        "deliberation/cost_share.html",
        {
            "plan": plan,
            "lines": lines,
            "rows": [(ln, exports.yuan(ln.fen)) for ln in lines.items],
            "total": exports.yuan(plan.total_fen),
        },
    )


@login_required
@application_errors
def reviews(request):
    """The party organisation's review queue: proposals waiting for its approval or return."""
    qs = selectors.review_queue(actor=request.user)
    return render(
        request,
        "deliberation/reviews.html",
        {
            "page": paginate(qs, offset=page_offset(request), limit=50),
            "reviewer": bool(selectors.party_review_paths(request.user)),
        },
    )
