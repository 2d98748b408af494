"""Concurrent redemptions on PostgreSQL: the row locks keep stock and balances exact.

Each test fails when its lock is removed: without the item lock many buyers read the same
stock and it is oversold (and the cached counters lose updates); without the account lock the
member's balance loses updates and more reservations succeed than the points allow.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from haolinju.core.errors import ApplicationError
from haolinju.points.models import Account, Redemption, ShopItem, Transfer
from haolinju.points.services import ledger, shop

from .factories import fund, member, world

WORKERS = 20  # connections at once (the machine's PostgreSQL is shared)


def run_all(jobs):
    gate = threading.Event()
    outcomes: list[str] = []

    def wrapped(job):
        gate.wait()
        try:
            job()
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(type(exc).__name__)
        except Exception as exc:  # an IntegrityError here means a lock is missing
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(wrapped, job) for job in jobs]
        gate.set()
        for f in futures:
            f.result()
    return outcomes


def assert_ledger_consistent():
    debits = Transfer.objects.aggregate(s=Sum("amount"))["s"] or 0
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
    assert debits >= 0
    assert ledger.mismatched_accounts() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_ten_in_stock():
    """50 concurrent redemptions of an item with stock 10: exactly 10 succeed, the rest are told
    it is out of stock; stock, counters and the ledger all agree afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    w = world()
    item = shop.item_create(
        actor=w.secretary, station_id=w.station.pk, name="大米", price=15, stock=10
    )
    buyers = [member(w.tree.units[i % 8]) for i in range(50)]
    for b in buyers:
        fund(w, b, 20)
    outcomes = run_all(
        [lambda b=b: shop.redemption_reserve(actor=b, item_id=item.pk) for b in buyers]
    )
    assert outcomes.count("ok") == 10, outcomes
    assert set(outcomes) == {"ok", "OutOfStock"}
    item = ShopItem.objects.get(pk=item.pk)
    assert (item.stock, item.reserved) == (0, 10)
    assert Redemption.objects.count() == 10
    assert shop.stock_reconcile(item)["balanced"]
    assert ledger.held_account(w.station).balance == 150
    assert_ledger_consistent()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_member_twenty_parallel_redemptions():
    """A member with 100 points sends 20 parallel 30-point redemptions (of 20 different items,
    so only the account lock serialises them): at most 3 succeed and the balance is exact."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    w = world()
    items = [
        shop.item_create(
            actor=w.secretary, station_id=w.station.pk, name=f"物品{i}", price=30, stock=5
        )
        for i in range(20)
    ]
    fund(w, w.member, 100)
    outcomes = run_all(
        [lambda i=i: shop.redemption_reserve(actor=w.member, item_id=i.pk) for i in items]
    )
    assert outcomes.count("ok") == 3, outcomes
    assert set(outcomes) == {"ok", "NotEnoughPoints"}
    assert ledger.exchange_account(w.member.person).balance == 10
    assert_ledger_consistent()
