"""Problem-report extras: "me too" once per neighbour, rectification on the timeline, the
micro-review reopening it, and the compound's "what we fixed" counts."""

from __future__ import annotations

import pytest

from haolinju.cases import services, stats
from haolinju.cases.models import CaseKind, Status
from haolinju.core.errors import InvalidInput, NotPermitted

from .factories import CaseFactory, category


def _report(c, **kw):
    return CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=category("ebike_charging"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, detail__public=True, **kw,
    )  # fmt: skip


def test_me_too_once_per_neighbour_never_the_reporter(c):
    """A neighbour supports once (a second time is refused); the reporter cannot support."""
    case = _report(c)
    assert services.case_support(actor=c.neighbour, case_id=case.pk) == 1
    with pytest.raises(InvalidInput):
        services.case_support(actor=c.neighbour, case_id=case.pk)
    with pytest.raises(NotPermitted):
        services.case_support(actor=c.resident, case_id=case.pk)


def test_rectification_then_micro_review_reopens_and_fixed_counts(c):
    """The branch records its plan and result; "not solved" in the residents' review reopens
    it; once fixed and archived its piles count in "what we fixed", closed-unfixed never do."""
    case = _report(c, status=Status.RESOLVED, assignee_person=c.member.person)
    services.rectification_record(
        actor=c.secretary, case_id=case.pk, plan="增设充电桩", result="已装 12 个充电桩",
        fixed_quantity=12,
    )  # fmt: skip
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="no", score=2)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert stats.fixed_counts(c.compound.path) == {}
    services.case_transition(actor=c.member, case_id=case.pk, action="resolve")
    services.case_rate(actor=c.resident, case_id=case.pk, contacted=True, solved="yes", score=5)
    services.case_transition(actor=c.secretary, case_id=case.pk, action="finish")
    unfixed = _report(c)
    services.case_transition(actor=c.secretary, case_id=unfixed.pk, action="close", reason="unable")
    assert stats.fixed_counts(c.compound.path) == {"charging_piles": 12}
    with pytest.raises(NotPermitted):
        services.rectification_record(actor=c.neighbour, case_id=case.pk, result="x")
