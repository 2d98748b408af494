"""Cases as the API and the pages show them: one function each, shared by both delivery layers.
The reporter is named only to the people who see the case in full (staff in scope, the
requester, the assignee and the summoned); an anonymous reporter is never named to the public."""

from __future__ import annotations

from django.utils import timezone

from haolinju.core.timeline import timeline_for

from .models import Case, Status
from .selectors import case_actor, sees_in_full
from .services.machine import CASE_MACHINE


def _ref(obj):
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def case_row(case: Case, now=None) -> dict:
    now = now or timezone.now()
    return {
        "id": case.pk,
        "kind": case.kind,
        "category": case.category.code,
        "category_name": case.category.name,
        "title": case.title,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "state_type": case.state_type,
        "close_reason": case.close_reason,
        "area": _ref(case.area),
        "owner_area": _ref(case.owner_area),
        "assignee_person": _ref(case.assignee_person),
        "assignee_organisation": _ref(case.assignee_organisation),
        "step": case.step,
        "due_at": case.due_at,
        "overdue": bool(case.due_at and case.due_at < now),
        "created_at": case.created_at,
        "resolved_at": case.resolved_at,
    }


def case_detail(case: Case, actor) -> dict:
    full = sees_in_full(case_actor(actor), case)
    report = getattr(case, "report", None) if case.kind == "problem_report" else None
    requester = case.requester if full or (report and not report.anonymous) else None
    rating = case.ratings.order_by("-round").first()
    events = [
        {
            "at": e.created_at,
            "action": e.action,
            "actor": (str(e.actor) if full else "") if e.actor_id else "系统",
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note if full or e.action != "case.submit" else "",
        }
        for e in timeline_for(case)
    ]
    return case_row(case) | {
        "description": case.description,
        "requester": _ref(requester),
        "duplicate_of": case.duplicate_of_id,
        "locked": case.locked,
        "reopen_count": case.reopen_count,
        "resolve_due_at": case.resolve_due_at,
        # review_reopen follows from the residents' verdicts (micro-reviews), never a button
        "actions": [a for a in CASE_MACHINE.actions_for(case, actor) if a != "review_reopen"],
        "timeline": events,
        "summonses": [
            {
                "id": s.pk,
                "organisation": _ref(s.organisation),
                "status": s.status,
                "report_in_due_at": s.report_in_due_at,
                "reported_in_at": s.reported_in_at,
                "report_back_due_at": s.report_back_due_at,
                "reported_back_at": s.reported_back_at,
                "result": s.result,
            }
            for s in case.summonses.select_related("organisation").order_by("id")
        ],
        "supports": report.supports if report else None,
        "rating": (
            {
                "contacted": rating.contacted,
                "solved": rating.solved,
                "score": rating.score,
                "comment": rating.comment if full else "",
            }
            if rating
            else None
        ),
    }


def mediation_view(case: Case, actor) -> dict:
    """Sessions, agreements (with who signed and who has not) and visits, each with the actions
    open to ``actor`` (``core.transitions``)."""
    from .policies import may_mediate
    from .selectors import mediation_of
    from .services.machine import AGREEMENT_MACHINE, FOLLOW_UP_MACHINE, SESSION_MACHINE

    m = mediation_of(case)
    allowed = may_mediate(actor, case)

    def acts(machine, obj):  # the policy is the case's: ask it once, not per row
        return machine.allowed_by_state(obj) if allowed else []

    agreements = []
    for a in m.agreements:
        signed = {s.party: s.signed_at for s in a.signatures.all()}
        agreements.append(
            {
                "id": a.pk,
                "status": a.status,
                "text": a.text,
                "parties": a.parties,
                "signatures": [{"party": p, "signed_at": t} for p, t in signed.items()],
                "unsigned": [p for p in a.parties if p not in signed],
                "created_at": a.created_at,
                "signed_at": a.signed_at,
                "actions": [x for x in acts(AGREEMENT_MACHINE, a) if x != "complete"],
            }
        )
    return {
        "case": case.pk,
        "parties": m.parties,
        "may_mediate": allowed,
        "sessions": [
            {
                "id": s.pk,
                "status": s.status,
                "scheduled_at": s.scheduled_at,
                "place": s.place,
                "mediator": _ref(s.mediator),
                "parties_present": s.parties_present,
                "held_at": s.held_at,
                "summary": s.summary,
                "actions": acts(SESSION_MACHINE, s),
            }
            for s in m.sessions
        ],
        "agreements": agreements,
        "follow_ups": [
            {
                "id": v.pk,
                "status": v.status,
                "due_on": v.due_on,
                "visitor": _ref(v.visitor),
                "visited_at": v.visited_at,
                "outcome": v.outcome,
                "note": v.note,
                "actions": acts(FOLLOW_UP_MACHINE, v),
            }
            for v in m.follow_ups
        ],
    }


def micro_review_view(case: Case, actor, tally=None) -> dict:
    from .policies import may_micro_review
    from .selectors import micro_review_tally
    from .services.reviews import review_minimum

    t = tally or micro_review_tally(case, actor)
    return {
        "case": case.pk,
        "round": t.round,
        "count": t.count,
        "satisfied": t.satisfied,
        "partly": t.partly,
        "not_satisfied": t.not_satisfied,
        "mine": t.mine,
        "may_review": may_micro_review(actor, case) and not t.mine,
        "minimum": review_minimum(),
        "comments": t.comments,
    }
