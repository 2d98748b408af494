"""Points demo data for the demo community: a year and more of entries, locked months, the
published notice for last year, and a stocked rewards shop at each station.

Deterministic (fixed seed, dates relative to today), written in bulk: entries with
``bulk_create`` and their transfers in one linked ``ledger.post`` per compound, so it takes a
few seconds. Last month stays pending so the secretary's review screen has work on it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from haolinju.org.models import Area, AreaKind, Organisation, OrgKind
from haolinju.org.selectors import compound_of
from haolinju.people.models import Member, Person
from haolinju.points.models import Entry, EntryKind, EntryStatus, MonthLock, RuleVersion
from haolinju.points.services import entries as entry_services
from haolinju.points.services import ledger, notice, shop

SEED = 20_260_101
DEEDS = (  # (reason, item code, minutes)
    ("楼道清扫", "env.stairwell", 90),
    ("垃圾分类督导", "env.sorting", 120),
    ("关爱独居老人上门探访", "care.elderly", 60),
    ("夜间义务巡逻", "safety.patrol", 120),
    ("文明劝导（不文明养犬）", "civility.dogs", 60),
    ("防汛值守", "safety.flood", 180),
    ("社区议事协商会", "gov.deliberation", 90),
    ("爱心义诊志愿服务", "care.clinic", 150),
    ("小区绿化补种", "env.greening", 120),
)
ITEM_POINTS = {
    "env.stairwell": 3, "env.sorting": 2, "care.elderly": 3, "safety.patrol": 2,
    "civility.dogs": 1, "safety.flood": 4, "gov.deliberation": 1, "care.clinic": 3,
    "env.greening": 2,
}  # fmt: skip
GOODS = (  # (name, unit, price, stock, monthly limit)
    ("香皂", "块", 15, 40, 2),
    ("洗衣液", "瓶", 30, 25, 1),
    ("大米（5公斤）", "袋", 50, 20, 1),
    ("食用油（1.8升）", "桶", 60, 12, 1),
    ("毛巾", "条", 10, 50, 3),
    ("保温杯", "个", 40, 10, 1),
)


def _months(today: dt.date) -> list[tuple[int, int]]:
    """Every month from January last year up to and including the current one."""
    out, y, m = [], today.year - 1, 1
    while (y, m) <= (today.year, today.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def seed(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "secretary", "community", "member"])
    }
    if len(users) < 4:
        return {}
    member_person = Person.objects.get(user=users["member"])
    home = compound_of(member_person.area_path)
    community = Area.objects.get(pk=home.parent_id)
    rule = RuleVersion.objects.create(
        area=community,
        area_path=community.path,
        version=2,
        effective_from=dt.date(today.year - 1, 1, 1),
        points_per_hour=1,
        hours_cap_per_activity=2,
        item_points=ITEM_POINTS,
        points_per_good_rating=2,
        deductions={"absent.meeting": 2, "late.task": 1},
        base_score=20,
        award_threshold=10,
        note=f"{community.name}党员积分细则：服务每小时1分、每次最多计2小时，另按项目加分",
    )
    rng = random.Random(SEED)
    months = _months(today)
    last_closed = months[-2]  # last month: pending, for the review screen
    counts = {"entries": 0, "transfers": 0, "locks": 0, "notices": 0, "items": 0}
    compounds = list(Area.objects.filter(parent=community, kind=AreaKind.COMPOUND).order_by("pk"))
    now = timezone.now()
    for compound in compounds:
        people = list(
            Person.objects.filter(
                pk__in=Member.objects.filter(
                    area_path__gte=compound.path, area_path__lt=_after(compound.path)
                ).values("person_id")[:60]
            ).order_by("pk")
        )
        if compound.pk == home.pk and member_person not in people:
            people.append(member_person)
        rows = []
        for person in people:
            for y, m in months:
                for _ in range(rng.choice((0, 1, 1, 2, 3))):
                    reason, code, minutes = rng.choice(DEEDS)
                    day = rng.randint(1, 28)
                    on = dt.date(y, m, day)
                    if on > today:
                        continue
                    points = min(minutes, 120) // 60 + ITEM_POINTS[code]
                    closed = (y, m) < last_closed
                    rows.append(
                        Entry(
                            person=person,
                            compound=compound,
                            area_path=compound.path,
                            kind=EntryKind.DEED,
                            deed_kind="activity.attendance",
                            source_type="demo.attendance",
                            source_id=f"{compound.pk}-{len(rows)}",
                            item_code=code,
                            quantity=minutes,
                            points=points,
                            exchange_points=points,
                            reason=reason,
                            occurred_on=on,
                            rule_version=rule,
                            status=EntryStatus.APPROVED if closed else EntryStatus.PENDING,
                            recorded_by=users["community"],
                            verified_by=users["secretary"] if closed else None,
                            verified_at=now if closed else None,
                        )
                    )
        created = Entry.objects.bulk_create(rows, batch_size=2000)
        counts["entries"] += len(created)
        issuing = ledger.issuing_account(compound)
        specs = [
            leg
            for e in created
            if e.status == EntryStatus.APPROVED
            for leg in entry_services._legs(e, issuing.pk, actor=users["secretary"], now=now)
        ]
        ledger.post(specs, returning=False)
        counts["transfers"] += len(specs)
    locks = [
        MonthLock(
            community=community,
            area_path=community.path,
            year=y,
            month=m,
            locked_by=users["community"],
        )
        for y, m in months
        if (y, m) < last_closed
    ]
    MonthLock.objects.bulk_create(locks)
    counts["locks"] = len(locks)
    for compound in compounds:
        notice.notice_publish(actor=users["admin"], compound_id=compound.pk, year=today.year - 1)
        counts["notices"] += 1
    partners = list(
        Organisation.objects.filter(kind=OrgKind.PARTNER_UNIT).order_by("pk")[: len(GOODS)]
    )
    for compound in compounds:
        station = Organisation.objects.filter(kind=OrgKind.STATION, area=compound).first()
        if station is None:
            continue
        for i, (name, unit, price, stock, limit) in enumerate(GOODS):
            shop.item_create(
                actor=users["admin"],
                station_id=station.pk,
                name=name,
                unit=unit,
                price=price,
                stock=stock,
                monthly_limit=limit,
                donor_id=partners[i % len(partners)].pk if partners else None,
            )
            counts["items"] += 1
    _member_redeems(users["member"], home, users["secretary"])
    return counts


def _after(path: str) -> str:
    from haolinju.core.scope import successor

    return successor(path)


def _member_redeems(member, home, secretary) -> None:
    """The demo member has one bar of soap handed over and one towel waiting to be picked up."""
    from haolinju.points.models import ShopItem

    station = Organisation.objects.filter(kind=OrgKind.STATION, area=home).first()
    if station is None:
        return
    soap = ShopItem.objects.filter(station=station, name="香皂").first()
    towel = ShopItem.objects.filter(station=station, name="毛巾").first()
    if ledger.exchange_account(Person.objects.get(user=member)).balance < 25:
        return
    done = shop.redemption_reserve(actor=member, item_id=soap.pk)
    shop.redemption_resolve(actor=secretary, redemption_id=done.pk, action="hand_over")
    shop.redemption_reserve(actor=member, item_id=towel.pk)
