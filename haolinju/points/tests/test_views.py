"""The points pages work end to end for each role, and stay out of reach of other compounds."""

from __future__ import annotations

from haolinju.points.models import Entry, EntryStatus, MonthLock, Redemption, RedemptionStatus
from haolinju.points.services import entries, notice, shop

from .factories import PAST, fund


def test_member_sees_two_numbers_and_redeems(client, w):
    """The member's page shows the exchange balance and the score apart; reserving from the
    shop page holds the points and the member can cancel."""
    item = shop.item_create(
        actor=w.secretary,
        station_id=w.station.pk,
        name="香皂",
        price=15,
        stock=2,
        donor_id=w.partner.pk,
    )
    fund(w, w.member, 20)
    client.force_login(w.member)
    page = client.get("/points/").content.decode()
    assert 'data-testid="available">20<' in page
    assert "香皂" in client.get("/points/shop/").content.decode()
    client.post("/points/shop/reserve/", {"item_id": item.pk, "quantity": 1})
    r = Redemption.objects.get()
    assert "可用 5 分，冻结 15 分" in client.get("/points/shop/").content.decode()
    client.post(f"/points/redemptions/{r.pk}/cancel/")
    r.refresh_from_db()
    assert r.status == RedemptionStatus.CANCELLED


def test_secretary_reviews_and_community_locks(client, w):
    """The secretary approves the month's entries in bulk on one screen; the community locks
    the month; the branch secretary cannot open the lock page (404)."""
    for p in (3, 4):
        entries.award_record(
            actor=w.secretary,
            person_id=w.member.person.pk,
            points=p,
            reason="楼道清扫",
            occurred_on=PAST,
        )
    client.force_login(w.secretary)
    url = f"/points/review/{w.compound.pk}/?month=2025-03"
    assert 'data-testid="pending-count">2<' in client.get(url).content.decode()
    client.post(f"/points/review/{w.compound.pk}/", {"month": "2025-03", "action": "approve_all"})
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}
    assert client.get(f"/points/lock/{w.community.pk}/").status_code == 404
    client.force_login(w.community_secretary)
    client.post(f"/points/lock/{w.community.pk}/?year=2025", {"year": 2025, "month": 3})
    assert MonthLock.objects.filter(year=2025, month=3).exists()
    client.force_login(w.outsider)
    assert client.get(url).status_code == 404


def test_desk_hands_over(client, w):
    """Station staff see the open reservation with stock and hand it over."""
    item = shop.item_create(
        actor=w.secretary, station_id=w.station.pk, name="大米", price=10, stock=3
    )
    fund(w, w.member, 10)
    r = shop.redemption_reserve(actor=w.member, item_id=item.pk)
    client.force_login(w.secretary)
    page = client.get(f"/points/desk/{w.station.pk}/").content.decode()
    assert f"hand-over-{r.pk}" in page and "相符" in page
    client.post(f"/points/redemptions/{r.pk}/hand_over/", {"next": f"/points/desk/{w.station.pk}/"})
    r.refresh_from_db()
    assert r.status == RedemptionStatus.HANDED_OVER
    client.force_login(w.member)
    assert client.get(f"/points/desk/{w.station.pk}/").status_code == 404


def test_notice_page_objection_and_xlsx(client, w):
    """The published notice shows the digest and the verify command, takes an objection and
    downloads as xlsx."""
    e = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=4, reason="x", occurred_on=PAST
    )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    entries.month_lock(actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3)
    n = notice.notice_publish(actor=w.secretary, compound_id=w.compound.pk, year=2025)
    client.force_login(w.other)
    url = f"/points/notices/{w.compound.pk}/2025/"
    page = client.get(url).content.decode()
    assert n.digest in page and "haolinju points verify" in page and "print.css" in page
    client.post(url, {"text": "排名有误"})
    assert n.objections.count() == 1
    xlsx = client.get(url + "xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(w.stranger)
    assert client.get(url).status_code == 404
