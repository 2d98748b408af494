"""Station, goods and rule management pages: community staff open stations and shelve goods,
rules get new versions; errors are Chinese and name the field; every change is audited; staff
of another compound get a 404."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.core.models import AuditEvent
from haolinju.org.models import Organisation, OrgKind
from haolinju.points.errors import Conflict
from haolinju.points.models import Entry, RuleVersion, ShopItem, StockMove
from haolinju.points.selectors import rule_for
from haolinju.points.services import entries
from haolinju.points.services.rules import rule_in_force

from .factories import PAST


def test_community_staff_open_a_station_and_shelve_goods(client, w):
    """The community secretary opens a station in a compound, renames it and shelves soap with
    an opening stock that goes through the stock ledger; each step writes an audit event."""
    client.force_login(w.community_secretary)
    page = client.get("/points/stations/new/")
    assert page.status_code == 200 and w.compound.name in page.content.decode()
    r = client.post("/points/stations/new/", {"compound": w.compound.pk, "name": "二号工作站"})
    station = Organisation.objects.get(name="二号工作站", kind=OrgKind.STATION)
    assert r.status_code == 302 and r["Location"] == f"/points/stations/{station.pk}/"
    client.post(f"/points/stations/{station.pk}/", {"name": "幸福工作站"})
    station.refresh_from_db()
    assert station.name == "幸福工作站"
    r = client.post(
        f"/points/stations/{station.pk}/items/new/",
        {"name": "香皂", "unit": "块", "price": 15, "stock": 12, "donor": w.partner.pk},
    )
    assert r.status_code == 302
    soap = ShopItem.objects.get(station=station)
    assert (soap.price, soap.stock, soap.donor_id) == (15, 12, w.partner.pk)
    assert StockMove.objects.get(item=soap).quantity == 12
    shelf = client.get(f"/points/stations/{station.pk}/").content.decode()
    assert "香皂" in shelf and "可兑 12块" in shelf
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.create", "points.station.rename", "points.item.create"} <= actions


def test_item_edit_changes_fields_not_stock(client, w):
    """Editing an item changes price, limit and shelf state (audited with before/after) and
    has no stock field: stock moves only through the stock ledger."""
    client.force_login(w.secretary)
    client.post(
        f"/points/stations/{w.station.pk}/items/new/",
        {"name": "毛巾", "price": 20, "stock": 5, "monthly_limit": 0},
    )
    towel = ShopItem.objects.get(name="毛巾")
    page = client.get(f"/points/items/{towel.pk}/edit/").content.decode()
    assert 'name="stock"' not in page and 'name="active"' in page
    r = client.post(
        f"/points/items/{towel.pk}/edit/",
        {"name": "毛巾", "price": 25, "unit": "条", "monthly_limit": 2, "stock": 999},
    )
    assert r.status_code == 302
    towel.refresh_from_db()
    assert (towel.price, towel.monthly_limit, towel.active, towel.stock) == (25, 2, False, 5)
    event = AuditEvent.objects.get(action="points.item.update")
    assert event.data["price"] == [20, 25] and event.data["active"] == [True, False]


def test_form_errors_are_chinese_and_name_the_field(client, w):
    """Bad input re-renders the form with a Chinese message at the field, never a 500, and
    writes nothing."""
    client.force_login(w.community_secretary)
    r = client.post(f"/points/stations/{w.station.pk}/items/new/", {"name": "", "price": "abc"})
    page = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="error-name"' in page and "请填写物品名称" in page
    assert 'data-testid="error-price"' in page and "请填写整数" in page
    r = client.post(f"/points/stations/{w.station.pk}/items/new/", {"name": "米", "price": 0})
    assert "不能小于 1" in r.content.decode()
    r = client.post("/points/stations/new/", {"compound": w.tree.compounds[3].pk + 99999})
    assert "请选择您管辖范围内的小区" in r.content.decode()
    r = client.post(
        f"/points/rules/{w.community.pk}/",
        {"effective_from": "2026-13-01", "points_per_hour": "x", "item_points": "env.stairwell"},
    )
    page = r.content.decode()
    assert "日期格式应为" in page and 'data-testid="error-points_per_hour"' in page
    assert not ShopItem.objects.exists() and not RuleVersion.objects.filter(area__isnull=False)


def test_rule_service_field_error_lands_on_the_field(client, w):
    """An item line without "=" is refused by the rules service; its field error is shown
    on the form's item field."""
    client.force_login(w.community_secretary)
    data = {
        "effective_from": "2025-01-01",
        "points_per_hour": 2,
        "hours_cap_per_activity": 2,
        "points_per_good_rating": 2,
        "good_rating_min": 4,
        "base_score": 20,
        "award_threshold": 10,
        "item_points": "env.stairwell 3",
    }
    page = client.post(f"/points/rules/{w.community.pk}/", data).content.decode()
    assert 'data-testid="error-item_points"' in page and "代码=积分" in page


def test_new_rule_version_applies_from_its_date(client, w):
    """A community publishes version 1 of its own rules from a date: entries from then on name
    it and earn by it, earlier ones keep the old rule; the change is audited."""
    client.force_login(w.community_secretary)
    data = {
        "effective_from": "2025-03-01",
        "points_per_hour": 3,
        "hours_cap_per_activity": 2,
        "points_per_good_rating": 2,
        "good_rating_min": 4,
        "base_score": 20,
        "award_threshold": 50,
        "item_points": "env.stairwell=4\nsafety.patrol=2",
        "deductions": "",
        "note": "提高服务时长积分",
    }
    r = client.post(f"/points/rules/{w.community.pk}/", data)
    assert r.status_code == 302
    rule = RuleVersion.objects.get(area=w.community)
    assert (rule.version, rule.points_per_hour, rule.award_threshold) == (1, 3, 50)
    assert rule.item_points == {"env.stairwell": 4, "safety.patrol": 2}
    assert rule_for(w.compound.path, PAST) == rule
    assert rule_for(w.compound.path, dt.date(2025, 2, 28)) != rule
    entry = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=30, reason="x", occurred_on=PAST
    )
    assert entry.rule_version_id == rule.pk and entry.status == "pending"  # 30 ≤ threshold 50
    assert AuditEvent.objects.filter(action="points.rule.create", target_id=rule.pk).exists()
    page = client.get(f"/points/rules/{w.community.pk}/").content.decode()
    assert "第 1 版" in page
    client.post(f"/points/rules/{w.community.pk}/", {**data, "points_per_hour": 4})
    assert RuleVersion.objects.get(area=w.community, version=2).points_per_hour == 4


def test_management_pages_are_out_of_reach_elsewhere(client, w):
    """Staff of another compound, and residents, get 404 on a station's pages, its items and
    a community's rules; a compound secretary cannot open stations (community staff do)."""
    client.force_login(w.secretary)
    r = client.post(
        f"/points/stations/{w.station.pk}/items/new/", {"name": "皂", "price": 5, "stock": 1}
    )
    item = ShopItem.objects.get()
    assert r.status_code == 302
    assert client.get("/points/stations/new/").status_code == 404
    assert client.get(f"/points/rules/{w.community.pk}/").status_code == 404
    for user in (w.outsider, w.member):
        client.force_login(user)
        for url in (
            f"/points/stations/{w.station.pk}/",
            f"/points/stations/{w.station.pk}/items/new/",
            f"/points/items/{item.pk}/edit/",
            f"/points/rules/{w.community.pk}/",
            "/points/stations/new/",
        ):
            assert client.get(url).status_code == 404, (user, url)
    assert (
        client.post(f"/points/items/{item.pk}/edit/", {"name": "x", "price": 1}).status_code == 404
    )
    item.refresh_from_db()
    assert item.name == "皂"


def test_rule_for_is_a_pure_read(w):
    """The selector writes nothing when no rule exists; the service creates the default."""
    RuleVersion.objects.all().delete()
    assert rule_for(w.compound.path, PAST) is None
    assert not RuleVersion.objects.exists()
    rule = rule_in_force(w.compound.path, PAST)
    assert (rule.area_path, rule.version) == ("", 1)


def test_entry_moves_go_through_the_machine(w):
    """Seconding, bulk approval and rejection write one timeline event per entry with its
    states; a bulk move with one entry in the wrong state changes nothing."""
    big = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=15, reason="a", occurred_on=PAST
    )
    small = [
        entries.award_record(
            actor=w.secretary, person_id=w.member.person.pk, points=2, reason="b", occurred_on=PAST
        )
        for _ in range(3)
    ]
    ids = [e.pk for e in small]
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        entries.review(
            actor=w.secretary, compound_id=w.compound.pk, entry_ids=[*ids, big.pk], approve=True
        )
    assert AuditEvent.objects.count() == before
    assert set(Entry.objects.values_list("status", flat=True)) == {"pending", "awaiting_second"}
    entries.award_second(actor=w.deputy, entry_id=big.pk)
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=ids, approve=True)
    entries.review(
        actor=w.secretary, compound_id=w.compound.pk, entry_ids=[big.pk], approve=False, note="重复"
    )
    events = AuditEvent.objects.filter(target_type="points.entry").order_by("pk")
    got = [(e.target_id, e.action, e.from_state, e.to_state) for e in events]
    assert got[0] == (big.pk, "points.entry.second", "awaiting_second", "pending")
    assert sorted(got[1:4]) == [(pk, "points.entry.approve", "pending", "approved") for pk in ids]
    assert got[4] == (big.pk, "points.entry.reject", "pending", "rejected")
    assert events.last().note == "重复"
    from haolinju.core.auditchain import verify_all

    # The bulk-appended events are sealed into the audit chain like any other.
    assert all(report.ok for report in verify_all())
