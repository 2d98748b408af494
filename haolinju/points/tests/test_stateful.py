"""A random sequence of awards, reviews, redemptions, resolutions and month locks keeps every
invariant of the ledger and the shop (hypothesis stateful test; each example rolls back)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from haolinju.core.errors import ApplicationError
from haolinju.points.models import Account, AccountKind, Entry, EntryStatus, Redemption, ShopItem
from haolinju.points.models import RedemptionStatus as RS
from haolinju.points.services import entries, ledger, shop

from .factories import world

MONTHS = [dt.date(2025, m, 5) for m in (1, 2, 3)]


class Rollback(Exception):
    pass


def build(w):
    items = [
        shop.item_create(
            actor=w.secretary,
            station_id=w.station.pk,
            name=name,
            price=price,
            stock=stock,
            monthly_limit=limit,
        )
        for name, price, stock, limit in (("香皂", 15, 3, 2), ("大米", 7, 5, 0))
    ]
    users = [w.member, w.other]

    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.expected = defaultdict(int)  # person id -> spendable points
            self.locked: set[int] = set()

        @rule(
            who=st.sampled_from(users),
            points=st.integers(1, 20),
            month=st.sampled_from(MONTHS),
            deduction=st.booleans(),
        )
        def award(self, who, points, month, deduction):
            try:
                e = entries.award_record(
                    actor=w.secretary,
                    person_id=who.person.pk,
                    points=points,
                    reason="随机",
                    occurred_on=month,
                    deduction=deduction,
                )
                assert month.month not in self.locked
            except ApplicationError:
                assert month.month in self.locked
                return
            if e.status == EntryStatus.AWAITING_SECOND:
                entries.award_second(actor=w.deputy, entry_id=e.pk)

        @rule(approve=st.booleans(), take=st.integers(1, 4))
        def review(self, approve, take):
            pending = list(Entry.objects.filter(status=EntryStatus.PENDING).order_by("pk")[:take])
            if not pending:
                return
            entries.review(
                actor=w.secretary,
                compound_id=w.compound.pk,
                entry_ids=[e.pk for e in pending],
                approve=approve,
                note="核查不符",
            )
            if approve:
                for e in pending:
                    self.expected[e.person_id] += e.exchange_points

        @rule(who=st.sampled_from(users), item=st.sampled_from(items), qty=st.integers(1, 3))
        def reserve(self, who, item, qty):
            try:
                r = shop.redemption_reserve(actor=who, item_id=item.pk, quantity=qty)
            except ApplicationError:
                return
            self.expected[who.person.pk] -= r.points

        @rule(action=st.sampled_from(["hand_over", "cancel", "expire"]), pick=st.integers(0, 5))
        def resolve(self, action, pick):
            open_ = list(Redemption.objects.filter(status=RS.RESERVED).order_by("pk"))
            if not open_:
                return
            r = open_[pick % len(open_)]
            actor = {"hand_over": w.secretary, "cancel": w.secretary, "expire": None}[action]
            shop.redemption_resolve(actor=actor, redemption_id=r.pk, action=action)
            if action != "hand_over":
                self.expected[r.person_id] += r.points
            with pytest.raises(ApplicationError):  # resolved at most once
                shop.redemption_resolve(actor=w.secretary, redemption_id=r.pk, action="cancel")

        @rule(month=st.sampled_from(MONTHS))
        def lock(self, month):
            try:
                entries.month_lock(
                    actor=w.community_secretary,
                    community_id=w.community.pk,
                    year=2025,
                    month=month.month,
                )
                self.locked.add(month.month)
            except ApplicationError:
                pass

        @invariant()
        def ledger_holds(self):
            balances = dict(Account.objects.values_list("pk", "balance"))
            assert sum(balances.values()) == 0
            assert ledger.mismatched_accounts() == []
            for person_id, bal in Account.objects.filter(kind=AccountKind.EXCHANGE).values_list(
                "person_id", "balance"
            ):
                assert bal >= 0 and bal == self.expected[person_id]
            held = sum(
                Redemption.objects.filter(status=RS.RESERVED).values_list("points", flat=True)
            )
            assert ledger.held_account(w.station).balance == held

        @invariant()
        def shop_holds(self):
            for item in ShopItem.objects.all():
                report = shop.stock_reconcile(item)
                assert report["balanced"] and item.stock >= 0 and item.reserved >= 0

        @invariant()
        def locked_months_are_closed(self):
            for m in self.locked:
                assert not Entry.objects.filter(
                    occurred_on__month=m,
                    status__in=[EntryStatus.PENDING, EntryStatus.AWAITING_SECOND],
                ).exists()

    return Ledger


def test_random_sequences_keep_invariants(db):
    """Every example starts from the same world and rolls back at the end."""
    w = world()
    machine = build(w)

    class Isolated(machine):
        def __init__(self):
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            super().__init__()

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    run_state_machine_as_test(
        Isolated,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
