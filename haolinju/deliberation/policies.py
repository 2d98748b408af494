"""Pure predicates: who may do what with proposals, votes and cost shares."""

from __future__ import annotations

from haolinju.core.scope import is_within, jurisdiction_of
from haolinju.org.models import AreaKind

from . import selectors
from .models import VoteStatus

VOTE_SCOPE_KINDS = (AreaKind.COMPOUND, AreaKind.BUILDING, AreaKind.ENTRANCE)

# Vote moves that staff governing the vote's area may make; the rest is nobody's by hand.
STAFF_VOTE_ACTIONS = {
    "notice",
    "refresh_electorate",
    "open",
    "close",
    "publish",
    "certify",
    "cancel",
}


def governs(actor, area_path: str) -> bool:
    return jurisdiction_of(actor).governs(area_path)


def can_see(actor, area_path: str) -> bool:
    return jurisdiction_of(actor).can_see_area(area_path)


# Moves the worker makes with no user (``actor is None``): closing a vote at its closes_at.
SYSTEM_VOTE_ACTIONS = {"close"}


def may_vote_action(actor, vote, action: str) -> bool:
    if actor is None:
        return action in SYSTEM_VOTE_ACTIONS
    return action in STAFF_VOTE_ACTIONS and governs(actor, vote.area_path)


def is_returning_officer(actor, vote) -> bool:
    """Named on the vote and still governing its area (superusers are not exempt from being
    named: who chose what is for the returning officers only)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    named = vote.returning_officers.filter(pk=actor.pk).exists()
    return named and governs(actor, vote.area_path)


def can_enter_ballots(actor, vote) -> bool:
    return is_returning_officer(actor, vote)


def results_visible(actor, vote) -> bool:
    """Consent figures before close only when the vote does not hide them (participation is
    always shown); returning officers always see them."""
    if not vote.results_hidden or vote.status not in (VoteStatus.OPEN, VoteStatus.NOTICED):
        return True
    return is_returning_officer(actor, vote)


# --- proposals ----------------------------------------------------------------------------------

STAFF_PROPOSAL_ACTIONS = {
    "discuss",
    "minutes",
    "submit_review",
    "resolve",
    "reject",
    "put_to_vote",
    "record_vote",
}


# The party organisation's review (党组织审议): approve, or return with a reason.
PARTY_REVIEW_ACTIONS = {"approve", "return"}


def is_party_reviewer(actor, area_path: str) -> bool:
    """The actor holds a party-secretary position (branch, first or community secretary) at
    the proposal's area or above it. Other staff governing the area — community workers,
    property managers, even a superuser — may not review for the party organisation."""
    return is_within(area_path, selectors.party_review_paths(actor))


def may_proposal_action(actor, proposal, action: str) -> bool:
    if action in PARTY_REVIEW_ACTIONS:
        return is_party_reviewer(actor, proposal.area_path)
    if action in STAFF_PROPOSAL_ACTIONS:
        return governs(actor, proposal.area_path)
    if action == "withdraw":
        return proposal.proposer_id == getattr(actor, "pk", None)
    if action == "resubmit":
        return proposal.proposer_id == getattr(actor, "pk", None) or governs(
            actor, proposal.area_path
        )
    if action == "comment":
        return can_see(actor, proposal.area_path)
    return False


# --- the convention -----------------------------------------------------------------------------

STAFF_CONVENTION_ACTIONS = {"version", "put_to_vote", "adopt", "reject"}


def may_convention_action(actor, convention, action: str) -> bool:
    """Staff governing the convention's area draft it, put it to a vote and record the vote's
    outcome; anyone who can see the area comments on it."""
    if action in STAFF_CONVENTION_ACTIONS:
        return governs(actor, convention.area_path)
    if action == "comment":
        return can_see(actor, convention.area_path)
    return False
