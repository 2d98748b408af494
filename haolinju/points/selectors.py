"""Reads of the points app, scoped by jurisdiction first (outside it: NotFound, a 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Sum

from haolinju.core.errors import NotFound
from haolinju.core.scope import SEGMENT, jurisdiction_of, subtree_q

from .models import (
    Account,
    AccountKind,
    Entry,
    EntryStatus,
    MonthLock,
    Notice,
    Redemption,
    RedemptionStatus,
    RuleVersion,
    ShopItem,
)


def prefixes(path: str) -> list[str]:
    """The path of every ancestor of ``path`` and itself, plus "" (everywhere)."""
    return [path[:i] for i in range(0, len(path) + 1, SEGMENT)]


def rule_for(path: str, on: dt.date) -> RuleVersion:
    """The rule in force on ``on`` for an area: the nearest area's newest version."""
    candidates = list(
        RuleVersion.objects.filter(area_path__in=prefixes(path), effective_from__lte=on)
    )
    if not candidates:
        candidates = list(RuleVersion.objects.filter(area_path=""))
    if not candidates:  # nobody configured rules yet (the migration's default was removed)
        candidates = [
            RuleVersion.objects.get_or_create(
                area_path="",
                version=1,
                defaults={"effective_from": dt.date(2000, 1, 1), "note": "默认规则"},
            )[0]
        ]
    return max(candidates, key=lambda r: (len(r.area_path), r.effective_from, r.version))


def month_locked(community_id: int, year: int, month: int) -> bool:
    return MonthLock.objects.filter(community_id=community_id, year=year, month=month).exists()


def _scope_q(actor, field: str = "area_path") -> Q:
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Q()
    return subtree_q(scope.staff_paths, field)


def entries_for_review(*, actor, compound, year: int, month: int) -> QuerySet[Entry]:
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    return (
        Entry.objects.filter(
            _scope_q(actor), compound=compound, occurred_on__gte=start, occurred_on__lt=end
        )
        .select_related("person", "rule_version")
        .order_by("status", "occurred_on", "pk")
    )


def entries_of(*, person_id: int) -> QuerySet[Entry]:
    """A member's own history, newest first (the caller is that member)."""
    return (
        Entry.objects.filter(person_id=person_id)
        .select_related("rule_version")
        .order_by("-occurred_on", "-pk")
    )


def entries_visible(*, actor) -> QuerySet[Entry]:
    """Entries the actor governs, or their own."""
    scope = jurisdiction_of(actor)
    q = _scope_q(actor)
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
    elif not scope.is_superuser and not scope.staff_paths:
        return Entry.objects.none()
    return Entry.objects.filter(q).select_related("rule_version").order_by("-occurred_on", "-pk")


def entry_get(*, actor, entry_id: int) -> Entry:
    entry = Entry.objects.filter(_scope_q(actor), pk=entry_id).select_related("compound").first()
    if entry is None:
        raise NotFound()
    return entry


def balance_of(*, person_id: int, year: int) -> dict:
    """The two numbers that never mix: spendable exchange points and this year's score."""
    accounts = dict(
        Account.objects.filter(person_id=person_id)
        .filter(Q(kind=AccountKind.EXCHANGE) | Q(kind=AccountKind.ASSESSMENT, year=year))
        .values_list("kind", "balance")
    )
    pending = (
        Entry.objects.filter(
            person_id=person_id,
            status__in=[EntryStatus.PENDING, EntryStatus.AWAITING_SECOND],
            exchange_points__gt=0,
        ).aggregate(s=Sum("exchange_points"))["s"]
        or 0
    )
    held = (
        Redemption.objects.filter(person_id=person_id, status=RedemptionStatus.RESERVED).aggregate(
            s=Sum("points")
        )["s"]
        or 0
    )
    return {
        "exchange": {
            "available": accounts.get(AccountKind.EXCHANGE, 0),
            "pending": pending,
            "held": held,
        },
        "assessment": {"year": year, "score": accounts.get(AccountKind.ASSESSMENT, 0)},
    }


def shop_items(*, actor, station_id: int | None = None) -> QuerySet[ShopItem]:
    """Items on the shelves the actor can see (their compound's stations, or those they run)."""
    scope = jurisdiction_of(actor)
    qs = (
        ShopItem.objects.all()
        if scope.is_superuser
        else ShopItem.objects.filter(subtree_q(scope.public_paths))
    )
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    return qs.select_related("station", "donor").order_by("station_id", "price", "pk")


def redemptions_visible(*, actor) -> QuerySet[Redemption]:
    scope = jurisdiction_of(actor)
    q = _scope_q(actor)
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
    elif not scope.is_superuser and not scope.staff_paths:
        return Redemption.objects.none()
    return Redemption.objects.filter(q).select_related("item", "person").order_by("-pk")


def redemption_get(*, actor, redemption_id: int) -> Redemption:
    found = redemptions_visible(actor=actor).filter(pk=redemption_id).first()
    if found is None:
        raise NotFound()
    return found


def notice_get(*, actor, compound_id: int, year: int) -> Notice:
    """Published notices are public to everyone who can see the compound."""
    scope = jurisdiction_of(actor)
    notice = (
        Notice.objects.filter(compound_id=compound_id, year=year).select_related("compound").first()
    )
    if notice is None or not scope.can_see_area(notice.area_path):
        raise NotFound()
    return notice
