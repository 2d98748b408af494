"""The three rates (响应率 / 解决率 / 满意率) and the assessment figures, for a subtree, an
assignee or an organisation, over a period. Read-only; every figure carries its numerator and
denominator; fractions are exact and only the displayed percentage is rounded.

Definitions (documented in the API):
- response: callbacks in the period where the requester says they were contacted in time;
- resolution: callbacks answering "solved" over callbacks plus cases closed "unable" in the
  period — a case closed unfixed never counts as solved;
- satisfaction: callbacks scoring 4 or 5 over callbacks;
- on time: cases whose resolution fell due in the period (and by now) resolved by then; open
  overdue cases count as late; duplicates, withdrawals and "not ours" are left out;
- return (回退): cases created in the period declined or closed "not ours" at least once;
- redo (重办): cases created in the period reopened, over those resolved at least once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from haolinju.core.scope import subtree_q

from .models import Case, CloseReason, Rating, SolvedAnswer


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        value = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        p = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": str(p) if p is not None else None,
        }

    def beats(self, other: Figure) -> bool:
        """Exact comparison by cross-multiplication."""
        return self.numerator * other.denominator > other.numerator * self.denominator


@dataclass(frozen=True)
class Scope:
    area_path: str = ""
    assignee_person_id: int | None = None
    assignee_organisation_id: int | None = None

    def filter(self, qs: QuerySet) -> QuerySet:
        if self.area_path:
            qs = qs.filter(subtree_q([self.area_path]))
        if self.assignee_person_id is not None:
            qs = qs.filter(assignee_person_id=self.assignee_person_id)
        if self.assignee_organisation_id is not None:
            qs = qs.filter(assignee_organisation_id=self.assignee_organisation_id)
        return qs


LEFT_OUT = (CloseReason.DUPLICATE, CloseReason.WITHDRAWN, CloseReason.NOT_RESPONSIBLE)


def figures(
    scope: Scope, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
) -> dict[str, Figure]:
    now = now or timezone.now()
    ratings = scope.filter(Rating.objects.filter(created_at__gte=start, created_at__lt=end))
    r = ratings.aggregate(
        n=Count("id"),
        contacted=Count("id", filter=Q(contacted=True)),
        solved=Count("id", filter=Q(solved=SolvedAnswer.YES)),
        satisfied=Count("id", filter=Q(score__gte=4)),
    )
    # One pass over the subtree's cases for every case-based figure (conditional counts), on
    # the covering index ``case_rates_cover``: no table rows are read.
    due_end = min(end, now)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    due = Q(resolve_due_at__gte=start, resolve_due_at__lt=due_end) & ~Q(close_reason__in=LEFT_OUT)
    made = Q(created_at__gte=start, created_at__lt=end)
    c = scope.filter(Case.objects.filter(made | closed | due)).aggregate(
        unable=Count("id", filter=closed & Q(close_reason=CloseReason.UNABLE)),
        due_n=Count("id", filter=due),
        on_time=Count(
            "id",
            filter=due & Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_due_at")),
        ),
        n=Count("id", filter=made),
        returned=Count(
            "id",
            filter=made & (Q(decline_count__gt=0) | Q(close_reason=CloseReason.NOT_RESPONSIBLE)),
        ),
        redone=Count("id", filter=made & Q(reopen_count__gt=0)),
        resolved_once=Count(
            "id", filter=made & (Q(resolved_at__isnull=False) | Q(reopen_count__gt=0))
        ),
    )
    unable = c["unable"]
    due = {"n": c["due_n"], "on_time": c["on_time"]}
    return {
        "response": Figure(r["contacted"], r["n"]),
        "resolution": Figure(r["solved"], r["n"] + unable),
        "satisfaction": Figure(r["satisfied"], r["n"]),
        "on_time": Figure(due["on_time"], due["n"]),
        "return": Figure(c["returned"], c["n"]),
        "redo": Figure(c["redone"], c["resolved_once"]),
    }


def min_sample() -> int:
    return int(getattr(settings, "HAOLINJU_CASE_RANKING_MIN_SAMPLE", 5))


@dataclass(frozen=True)
class Ranked:
    person_id: int
    name: str
    satisfaction: Figure
    resolution: Figure


def rankings(
    area_path: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    size: int = 5,
    sample: int | None = None,
) -> dict[str, list[Ranked]]:
    """Best and worst assignees (persons) by satisfaction, then resolution, among those with at
    least ``sample`` callbacks in the period (red and black lists)."""
    sample = min_sample() if sample is None else sample
    rows = (
        Rating.objects.filter(subtree_q([area_path]), created_at__gte=start, created_at__lt=end)
        .filter(assignee_person__isnull=False)
        .values("assignee_person_id", "assignee_person__name")
        .annotate(
            n=Count("id"),
            satisfied=Count("id", filter=Q(score__gte=4)),
            solved=Count("id", filter=Q(solved=SolvedAnswer.YES)),
        )
        .filter(n__gte=sample)
        .order_by()
    )
    ranked = [
        Ranked(
            r["assignee_person_id"],
            r["assignee_person__name"],
            Figure(r["satisfied"], r["n"]),
            Figure(r["solved"], r["n"]),
        )
        for r in rows
    ]
    from fractions import Fraction

    def key(x: Ranked):
        return (
            Fraction(x.satisfaction.numerator, x.satisfaction.denominator),
            Fraction(x.resolution.numerator, x.resolution.denominator),
            x.satisfaction.denominator,
        )

    ordered = sorted(ranked, key=lambda x: (key(x), -x.person_id), reverse=True)
    best = ordered[:size]
    worst = [x for x in reversed(ordered) if x not in best][:size]
    return {"best": best, "worst": worst}


def fixed_counts(compound_path: str) -> dict[str, int]:
    """What a compound fixed: charging piles, parking spaces, sorting points, street lights."""
    from django.db.models import Sum

    rows = (
        Case.objects.filter(subtree_q([compound_path]), kind="problem_report", state_type="fixed")
        .exclude(category__fixed_metric="")
        .values("category__fixed_metric")
        .annotate(total=Sum("report__fixed_quantity"), cases=Count("id"))
        .order_by()
    )
    return {r["category__fixed_metric"]: int(r["total"] or 0) for r in rows}
