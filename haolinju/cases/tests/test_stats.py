"""The assessment figures, aggregated in one pass over the covering index, agree with their
definitions computed one figure at a time (a varied set of cases in and out of the period and
the subtree)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db.models import F
from django.utils import timezone

from haolinju.cases import stats
from haolinju.cases.models import Case, Status

from .factories import order_for


def _reference(path, start, end, now):
    """The definitions of the module docstring, one query each."""
    cases = Case.objects.filter(area_path__startswith=path)
    made = cases.filter(created_at__gte=start, created_at__lt=end)
    due = cases.filter(resolve_due_at__gte=start, resolve_due_at__lt=min(end, now)).exclude(
        close_reason__in=stats.LEFT_OUT
    )
    return {
        "unable": cases.filter(
            closed_at__gte=start, closed_at__lt=end, close_reason="unable"
        ).count(),
        "on_time": (
            due.filter(resolved_at__isnull=False, resolved_at__lte=F("resolve_due_at")).count(),
            due.count(),
        ),
        "return": (
            made.filter(decline_count__gt=0).count()
            + made.filter(decline_count=0, close_reason="not_responsible").count(),
            made.count(),
        ),
        "redo": (
            made.filter(reopen_count__gt=0).count(),
            made.filter(resolved_at__isnull=False).count()
            + made.filter(resolved_at__isnull=True, reopen_count__gt=0).count(),
        ),
    }


def test_one_pass_figures_match_their_definitions(c):
    """For 72 cases over the combination of created/due/closed inside or outside the period,
    resolved early, late or not, declined, reopened and closed for each reason, each figure's
    numerator and denominator equal the one-figure-at-a-time definition; another compound's
    cases are not counted."""
    now = timezone.now()
    start, end = now - dt.timedelta(days=30), now
    inside, before = now - dt.timedelta(days=10), now - dt.timedelta(days=60)
    reasons = ["", "fixed", "unable", "not_responsible", "duplicate", "withdrawn"]
    combos = itertools.product([inside, before], [inside, before], reasons, [0, 1], [0, 1])
    for n, (created, due, reason, declined, reopened) in enumerate(combos):
        if n % 4 == 3:  # three quarters of the 96 combinations keep the test quick
            continue
        resolved = None if n % 3 == 0 else due + dt.timedelta(days=(n % 5) - 2)
        closed = inside if reason else None
        order_for(
            c, created_at=created, resolve_due_at=due, resolved_at=resolved, closed_at=closed,
            close_reason=reason, decline_count=declined, reopen_count=reopened,
            status=Status.CLOSED if reason else Status.IN_PROGRESS,
        )  # fmt: skip
    order_for(c, area=c.other_compound, owner_area=c.other_compound, created_at=inside,
              close_reason="unable", closed_at=inside)  # fmt: skip
    got = stats.figures(stats.Scope(area_path=c.compound.path), start, end, now=now)
    ref = _reference(c.compound.path, start, end, now)
    assert (got["on_time"].numerator, got["on_time"].denominator) == ref["on_time"]
    assert (got["return"].numerator, got["return"].denominator) == ref["return"]
    assert (got["redo"].numerator, got["redo"].denominator) == ref["redo"]
    assert got["resolution"].denominator == ref["unable"]  # no callbacks: only the unable
    assert ref["unable"] > 0 and ref["on_time"][1] > 0 and ref["redo"][0] > 0
