"""Exact query budgets of the points endpoints and pages (issue 9), with a small world and
again after growing every collection they read (entries, redemptions, goods, stock moves,
rule versions, members): an N+1 fails here."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.core.testing import assert_query_budget
from haolinju.points.models import Entry, EntryKind, Redemption, RuleVersion, ShopItem, StockMove
from haolinju.points.services import ledger
from haolinju.points.services.rules import rule_in_force
from haolinju.points.tests.factories import PAST, fund, member, world

pytestmark = pytest.mark.django_db
_seq = itertools.count()


class PointsWorld:
    def __init__(self):
        self.w = world()
        w = self.w
        self.rule = rule_in_force(w.compound.path, PAST)
        self.item = ShopItem.objects.create(
            station=w.station, area_path=w.compound.path, name="皂", price=5, stock=100
        )
        fund(w, w.member, 50)
        self.grow(3)
        self.tokens = {
            u.pk: token_issue(user=u) for u in (w.member, w.secretary, w.community_secretary)
        }

    def grow(self, n: int = 12) -> None:
        """More of everything a points screen lists: members with entries and reservations,
        goods with stock moves, rule versions."""
        w = self.w
        people = [w.member.person] + [member(w.tree.units[i % 4]).person for i in range(n)]
        ledger.member_accounts(people, [PAST.year])
        Entry.objects.bulk_create(
            [
                Entry(
                    person=p,
                    compound=w.compound,
                    area_path=w.compound.path,
                    kind=EntryKind.DEED,
                    deed_kind="budget",
                    source_type="budget",
                    source_id=str(next(_seq)),
                    points=2,
                    exchange_points=2,
                    reason="楼道清扫",
                    occurred_on=PAST,
                    rule_version=self.rule,
                )
                for p in people
                for _ in range(2)
            ]
        )
        Redemption.objects.bulk_create(
            [
                Redemption(
                    person=p,
                    item=self.item,
                    area_path=w.compound.path,
                    quantity=1,
                    points=5,
                    expires_at=timezone.now() + dt.timedelta(days=3),
                    created_by=w.secretary,
                )
                for p in people
            ]
        )
        items = ShopItem.objects.bulk_create(
            [
                ShopItem(
                    station=w.station,
                    area_path=w.compound.path,
                    name=f"物{next(_seq)}",
                    price=3,
                    stock=4,
                    donor=w.partner,
                )
                for _ in range(n)
            ]
        )
        StockMove.objects.bulk_create(
            [StockMove(item=i, kind="receive", quantity=4, actor=w.secretary) for i in items]
        )
        version = RuleVersion.objects.filter(area=w.community).count()
        RuleVersion.objects.bulk_create(
            [
                RuleVersion(
                    area=w.community,
                    area_path=w.community.path,
                    version=version + k + 1,
                    effective_from=dt.date(2000, 1, 1),
                )
                for k in range(3)
            ]
        )

    def api(self, user) -> Client:
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[user.pk]}"
        return client

    def web(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def pw():
    return PointsWorld()


def ok(response):
    assert response.status_code == 200, response.content[:300]


API = {
    # name: (user attribute, url, budget)
    "balance": ("member", "/api/v1/points/balance", 5),
    "own entries": ("member", "/api/v1/points/entries?limit=50", 4),
    "compound entries": ("secretary", "/api/v1/points/entries?compound={compound}&limit=50", 5),
    "shop items": ("member", "/api/v1/shop/items?limit=50", 4),
    "redemptions": ("member", "/api/v1/shop/redemptions?limit=50", 4),
}
PAGES = {
    "points home (member)": ("member", "/points/", 10),
    "points home (community)": ("community_secretary", "/points/", 14),
    "shop": ("member", "/points/shop/", 10),
    "review": ("secretary", "/points/review/{compound}/?month=2025-03", 9),
    "lock": ("community_secretary", "/points/lock/{community}/?year=2025", 8),
    "desk": ("secretary", "/points/desk/{station}/", 9),
    "station shelf": ("community_secretary", "/points/stations/{station}/", 8),
    "item edit": ("secretary", "/points/items/{item}/edit/", 7),
    "rules": ("community_secretary", "/points/rules/{community}/", 8),
    "station new": ("community_secretary", "/points/stations/new/", 6),
}


def _url(pw, template: str) -> str:
    w = pw.w
    return template.format(
        compound=w.compound.pk, community=w.community.pk, station=w.station.pk, item=pw.item.pk
    )


@pytest.mark.parametrize("name", sorted(API))
def test_points_api_query_budget(pw, name):
    """Each points API read costs a fixed number of queries whatever the data size."""
    role, url, budget = API[name]
    client = pw.api(getattr(pw.w, role))
    assert_query_budget(lambda: client.get(_url(pw, url)), budget, grow=pw.grow, check=ok)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_points_page_query_budget(pw, name):
    """Each points page costs a fixed number of queries whatever the data size."""
    role, url, budget = PAGES[name]
    client = pw.web(getattr(pw.w, role))
    assert_query_budget(lambda: client.get(_url(pw, url)), budget, grow=pw.grow, check=ok)
