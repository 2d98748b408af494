"""The deliberation demo: proposals at every step, a vote in progress, a certified one."""

from __future__ import annotations

import pytest

from haolinju.deliberation.models import (
    Convention,
    CostSharePlan,
    JointMeeting,
    Proposal,
    ProposalStatus,
    Task,
    Vote,
)
from haolinju.deliberation.selectors import recount

pytestmark = pytest.mark.django_db


def test_proposals_votes_and_cost_shares_are_seeded(demo):
    """Every proposal step occurs; one vote is open with ballots, one certified whose recount
    matches its stored result, and its cost shares add up to the fen."""
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses >= {
        ProposalStatus.PROPOSED,
        ProposalStatus.DISCUSSING,
        ProposalStatus.REVIEWING,
        ProposalStatus.RETURNED,
        ProposalStatus.APPROVED,
        ProposalStatus.VOTING,
        ProposalStatus.RESOLVED,
        ProposalStatus.REJECTED,
    }
    open_vote = Vote.objects.get(status="open")
    assert open_vote.ballots.exists()
    certified = Vote.objects.get(status="certified", matter_item=5)
    assert certified.result["passed"] is True
    assert recount(certified).as_dict() == certified.result
    plan = CostSharePlan.objects.get(vote=certified)
    assert sum(plan.lines.values_list("fen", flat=True)) == 38_650_000


def test_a_year_of_meetings_with_tasks_and_a_convention(demo):
    """Twelve monthly meetings, each on a last Friday, raising tasks in every state; a led
    project and a posted challenge; a convention in drafting with two versions, and a
    building's convention adopted by its owners' certified vote, its text in force."""
    meetings = list(JointMeeting.objects.all())
    assert len(meetings) == 12 and all(m.held_on.weekday() == 4 for m in meetings)
    assert set(Task.objects.values_list("status", flat=True)) >= {
        "open",
        "in_progress",
        "done",
        "closed",
    }
    assert set(Task.objects.values_list("kind", flat=True)) == {
        "problem",
        "led_project",
        "challenge",
    }
    assert Convention.objects.get(status="drafting").versions.count() == 2
    adopted = Convention.objects.get(status="adopted")
    assert adopted.vote.status == "certified" and adopted.vote.result["passed"] is True
    assert adopted.adopted_version.number == 2
