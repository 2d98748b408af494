"""Reads of the points app, scoped by jurisdiction first (outside it: NotFound, a 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from haolinju.core.errors import NotFound
from haolinju.core.scope import SEGMENT, jurisdiction_of, path_ids, subtree_q
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind
from haolinju.people.models import Person

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
    StockMoveKind,
)


def prefixes(path: str) -> list[str]:
    """The path of every ancestor of ``path`` and itself, plus "" (everywhere)."""
    return [path[:i] for i in range(0, len(path) + 1, SEGMENT)]


def rule_for(path: str, on: dt.date) -> RuleVersion | None:
    """The rule in force on ``on`` for an area: the nearest area's newest version (None when no
    rule exists at all; ``services.rules.rule_in_force`` then creates the default one)."""
    candidates = list(
        RuleVersion.objects.filter(area_path__in=prefixes(path), effective_from__lte=on)
    )
    if not candidates:
        candidates = list(RuleVersion.objects.filter(area_path=""))
    if not candidates:
        return None
    return max(candidates, key=lambda r: (len(r.area_path), r.effective_from, r.version))


def month_locked(community_id: int, year: int, month: int) -> bool:
    return MonthLock.objects.filter(community_id=community_id, year=year, month=month).exists()


def _scope_q(actor, field: str = "area_path") -> Q:
    """Where the actor reads members' points: the subtrees whose people directory they read
    (points name people; a post without that right governs but does not read them)."""
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        return Q()
    return subtree_q(scope.people_paths, field)


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
    elif not scope.is_superuser and not scope.people_paths:
        return Entry.objects.none()
    return Entry.objects.filter(q).select_related("rule_version").order_by("-occurred_on", "-pk")


def compound_entries(*, actor, compound_id: int) -> QuerySet[Entry]:
    """A compound's entries for staff who read its people; anyone else gets NotFound."""
    compound = governed_area(actor=actor, area_id=compound_id, kinds=[AreaKind.COMPOUND])
    return (
        Entry.objects.filter(compound=compound)
        .select_related("rule_version")
        .order_by("-occurred_on", "-pk")
    )


def entry_get(*, actor, entry_id: int) -> Entry:
    entry = (
        Entry.objects.filter(_scope_q(actor), pk=entry_id)
        .select_related("compound", "rule_version")
        .first()
    )
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
    elif not scope.is_superuser and not scope.people_paths:
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


def entries_by_ids(*, actor, entry_ids) -> QuerySet[Entry]:
    """Entries the actor governs among ``entry_ids`` (a review's answer)."""
    return (
        Entry.objects.filter(_scope_q(actor), pk__in=list(entry_ids))
        .select_related("rule_version")
        .order_by("pk")
    )


# --- pages: the areas, stations and shelves a staff member works on ------------------------


def governed_areas(*, actor, kind: str, limit: int = 30) -> list[Area]:
    """Areas of one kind inside the actor's staff jurisdiction (none for residents)."""
    scope = jurisdiction_of(actor)
    if not scope.is_superuser and not scope.people_paths:
        return []
    return list(Area.objects.filter(_scope_q(actor, "path"), kind=kind).order_by("path")[:limit])


def governed_stations(*, actor, limit: int = 30) -> list[Organisation]:
    scope = jurisdiction_of(actor)
    if not scope.is_superuser and not scope.people_paths:
        return []
    return list(
        Organisation.objects.filter(_scope_q(actor), kind=OrgKind.STATION)
        .select_related("area")
        .order_by("area_path", "pk")[:limit]
    )


def governed_area(*, actor, area_id: int, kinds) -> Area:
    """One area of these kinds the actor governs, else NotFound (never confirm it exists)."""
    area = Area.objects.filter(_scope_q(actor, "path"), pk=area_id, kind__in=kinds).first()
    if area is None:
        raise NotFound()
    return area


def governed_station(*, actor, station_id: int) -> Organisation:
    station = (
        Organisation.objects.filter(_scope_q(actor), pk=station_id, kind=OrgKind.STATION)
        .select_related("area")
        .first()
    )
    if station is None:
        raise NotFound()
    return station


def home_compound(*, actor) -> Area | None:
    """The compound the actor lives in (for the notice link on their points page)."""
    scope = jurisdiction_of(actor)
    ids = path_ids(scope.home_path) if scope.home_path else []
    if not ids:
        return None
    return Area.objects.filter(pk__in=ids, kind=AreaKind.COMPOUND).first()


def partner_units(*, actor) -> list[Organisation]:
    """Partner units (donors) whose area covers or lies inside the actor's jurisdiction."""
    scope = jurisdiction_of(actor)
    qs = Organisation.objects.filter(kind=OrgKind.PARTNER_UNIT)
    if not scope.is_superuser:
        ancestors = {p for path in scope.people_paths for p in prefixes(path) if p}
        qs = qs.filter(Q(area_path__in=ancestors) | subtree_q(scope.people_paths))
    return list(qs.order_by("area_path", "name")[:200])


def review_counts(qs: QuerySet[Entry]) -> dict[str, int]:
    counts = {s: 0 for s in EntryStatus.values}
    for status, n in qs.order_by().values_list("status").annotate(n=Count("pk")):
        counts[status] = n
    return counts


def month_locks(*, community: Area, year: int) -> dict[int, MonthLock]:
    return {
        m.month: m
        for m in MonthLock.objects.filter(community=community, year=year).select_related(
            "locked_by"
        )
    }


def open_counts_by_month(*, community: Area, year: int) -> dict[int, int]:
    """Entries still to review (pending or awaiting a second person), per month of ``year``."""
    return dict(
        Entry.objects.filter(
            subtree_q([community.path]),
            occurred_on__year=year,
            status__in=[EntryStatus.PENDING, EntryStatus.AWAITING_SECOND],
        )
        .values_list("occurred_on__month")
        .annotate(n=Count("pk"))
        .order_by()
    )


def station_items(*, station: Organisation) -> list[ShopItem]:
    return list(ShopItem.objects.filter(station=station).select_related("donor").order_by("pk"))


def stock_reports(items: list[ShopItem]) -> list[tuple[ShopItem, dict]]:
    """账物相符 for many items in one grouped query of their stock ledgers."""
    from .models import StockMove

    sums: dict[int, dict] = {item.pk: {} for item in items}
    for item_id, kind, total in (
        StockMove.objects.filter(item_id__in=list(sums))
        .values_list("item_id", "kind")
        .annotate(s=Sum("quantity"))
        .order_by()
    ):
        sums[item_id][kind] = total
    return [(item, stock_report(item, sums[item.pk])) for item in items]


def stock_report(item: ShopItem, sums: dict | None = None) -> dict:
    """账物相符: the item's counters against its stock ledger."""
    if sums is None:
        sums = dict(item.moves.values_list("kind").annotate(s=Sum("quantity")).order_by())
    received = sums.get(StockMoveKind.RECEIVE, 0)
    reserved = sums.get(StockMoveKind.RESERVE, 0)
    released = sums.get(StockMoveKind.RELEASE, 0)
    handed = sums.get(StockMoveKind.HAND_OVER, 0)
    return {
        "received": received,
        "handed_over": handed,
        "available": item.stock,
        "reserved": item.reserved,
        "on_hand": item.stock + item.reserved,
        "balanced": received - reserved + released == item.stock
        and reserved - released - handed == item.reserved,
    }


def open_redemptions(*, station: Organisation) -> QuerySet[Redemption]:
    return (
        Redemption.objects.filter(item__station=station, status=RedemptionStatus.RESERVED)
        .select_related("item", "person")
        .order_by("created_at")[:200]
    )


def redemptions_of(*, person_id: int | None, limit: int = 20) -> list[Redemption]:
    if person_id is None:
        return []
    return list(
        Redemption.objects.filter(person_id=person_id)
        .select_related("item")
        .order_by("-pk")[:limit]
    )


def objections_of(notice: Notice):
    return notice.objections.order_by("created_at")


def rules_of(*, area: Area) -> list[RuleVersion]:
    """Versions set for this area itself (newest first) — inherited ones show via rule_for."""
    return list(
        RuleVersion.objects.filter(area_path=area.path)
        .select_related("created_by")
        .order_by("-version")[:50]
    )


def shop_item_governed(*, actor, item_id: int) -> ShopItem:
    """An item on a shelf the actor's staff jurisdiction covers, else NotFound."""
    item = (
        ShopItem.objects.filter(_scope_q(actor), pk=item_id)
        .select_related("station", "donor")
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def people_paths(person_ids) -> list:
    """``(pk, area_path)`` of many people, as light objects (accounts are created with them)."""
    from types import SimpleNamespace

    ids = sorted(person_ids)
    out = []
    for i in range(0, len(ids), 5000):
        out += [
            SimpleNamespace(pk=pk, area_path=path)
            for pk, path in Person.objects.filter(pk__in=ids[i : i + 5000]).values_list(
                "pk", "area_path"
            )
        ]
    return out
