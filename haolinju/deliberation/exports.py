"""Shapes shared by the API, the web pages and the exports (no writes, no scoping: callers pass
rows they have already authorised)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from haolinju.core.crypto import mask_name
from haolinju.core.xlsx import Sheet, write_xlsx

from .models import Ballot, CostBasis, CostSharePlan, Vote, Voter
from .tally import Tally


def steps(obj) -> list[dict]:
    """The timeline of a proposal or vote, oldest first, as the API and pages show it. Ballot
    entries carry a receipt and a channel, never a choice."""
    from haolinju.core.timeline import timeline_for

    from .services.proposals import MACHINE as PROPOSAL_MACHINE

    labels = {f"proposal.{a}": str(m.label) for a, m in PROPOSAL_MACHINE.moves.items()}
    labels |= {
        "proposal.propose": _("提议"),
        "proposal.support": _("附议"),
        "vote.create": _("发起表决"),
        "vote.ballot": _("投票"),
        "vote.update": _("修改表决"),
    }
    return [
        {
            "action": e.action,
            "label": labels.get(e.action, e.action),
            "actor": str(e.actor) if e.actor else "",
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "data": e.data,
            "at": e.created_at,
        }
        for e in timeline_for(obj)
    ]


def voter_row(v: Voter) -> dict:
    return {
        "key": v.key,
        "label": v.label,
        "area": str(v.area),
        "units": [{"id": u.unit_id, "name": u.name, "area": str(u.area)} for u in v.units.all()],
        # the register is noticed to the owners: names masked, never ID numbers or phones
        "owners": [mask_name(o.name) for o in v.owners.all()],
        "review": list(v.review),
    }


def tally_payload(vote: Vote, tally: Tally, visible: bool) -> dict:
    data = tally.as_dict()
    return {
        "status": vote.status,
        "matter_class": data["matter_class"],
        "participation": data["participation"],
        "consent": data["consent"] if visible else None,
        "against": data["against"] if visible else None,
        "abstain": data["abstain"] if visible else None,
        "quorum": data["quorum"],
        "passed": data["passed"] if visible else None,
        "hidden": not visible,
    }


def _percent(n, d) -> str:
    """A display figure only (one decimal, cut not rounded); decisions never use it."""
    from decimal import ROUND_DOWN, Decimal

    if not d:
        return "0.0"
    return str((Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.1"), rounding=ROUND_DOWN))


def tally_view(vote: Vote, tally: Tally, visible: bool) -> dict:
    """What the tally partial shows: both bars (area and head count) for participation and,
    unless hidden, consent, each with its exact fraction and the threshold it must meet."""

    def bar(ratio, unit: str) -> dict:
        return {
            "value": str(ratio.numerator),
            "max": str(ratio.denominator) if ratio.denominator else "1",
            "text": f"{ratio.numerator} / {ratio.denominator}{unit}",
            "percent": _percent(ratio.numerator, ratio.denominator),
        }

    special = tally.matter_class == "special"
    return {
        "participation": {
            "area": bar(tally.participation.area, " ㎡"),
            "count": bar(tally.participation.count, _("人")),
            "ok_area": tally.quorum_area,
            "ok_count": tally.quorum_count,
            "threshold": _("≥ 2/3"),
        },
        "consent": {
            "area": bar(tally.consent.area, " ㎡"),
            "count": bar(tally.consent.count, _("人")),
            "ok_area": tally.consent_area,
            "ok_count": tally.consent_count,
            "threshold": _("≥ 3/4") if special else _("> 1/2"),
        }
        if visible
        else None,
        "against": tally.against.count.numerator if visible else None,
        "abstain": tally.abstain.count.numerator if visible else None,
        "quorum": tally.quorum,
        "passed": tally.passed if visible else None,
        "hidden": not visible,
    }


def choice_row(b: Ballot) -> dict:
    return {
        "voter_key": b.voter_key,
        "voter": b.voter.label,
        "choice": b.choice,
        "channel": b.channel,
        "receipt": b.receipt,
        "counted": b.superseded_at is None,
        "proxy_name": b.proxy_name,
        "authorisation": b.authorisation,
        "cast_at": b.cast_at,
    }


def plan_payload(plan: CostSharePlan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "area_id": plan.area_id,
        "total_fen": plan.total_fen,
        "basis": plan.basis,
        "vote_id": plan.vote_id,
        "shares": [
            {
                "unit_id": ln.unit_id,
                "unit": ln.unit_name,
                "weight": str(ln.weight.normalize()),
                "fen": ln.fen,
            }
            for ln in plan.lines.all()
        ],
    }


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def plan_xlsx(plan: CostSharePlan) -> bytes:
    basis = CostBasis(plan.basis).label
    rows = (
        [ln.unit_id, ln.unit_name, ln.weight.normalize(), ln.fen, yuan(ln.fen)]
        for ln in plan.lines.all().iterator(chunk_size=2000)
    )
    headers = [
        _("房屋编号"),
        _("房屋"),
        _("权重（%(b)s）") % {"b": basis},
        _("分摊金额（分）"),
        _("分摊金额（元）"),
    ]
    return write_xlsx([Sheet(title=plan.title, headers=headers, rows=rows, text_columns=(4,))])
