"""The rewards shop: reserve holds points and stock at once, hand-over posts, cancel and
expiry return everything, each at most once; clear refusals; the stock ledger balances."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.core.errors import NotFound
from haolinju.core.models import AuditEvent
from haolinju.core.transitions import InvalidTransition
from haolinju.points import selectors
from haolinju.points.errors import Conflict, NotEnoughPoints, OutOfStock
from haolinju.points.models import RedemptionStatus
from haolinju.points.services import ledger, shop

from .factories import fund


@pytest.fixture
def soap(w):
    return shop.item_create(
        actor=w.secretary,
        station_id=w.station.pk,
        name="香皂",
        price=15,
        stock=3,
        donor_id=w.partner.pk,
        monthly_limit=2,
    )


def balance(user):
    return selectors.balance_of(person_id=user.person.pk, year=2025)["exchange"]


def test_reserve_then_hand_over(w, soap):
    """Reserving soap for 15 holds the points and the bar at once; the hand-over moves the held
    points to the shop and the stock ledger still balances."""
    fund(w, w.member, 40)
    r = shop.redemption_reserve(actor=w.member, item_id=soap.pk, quantity=1)
    soap.refresh_from_db()
    assert (soap.stock, soap.reserved) == (2, 1)
    assert balance(w.member) == {"available": 25, "pending": 0, "held": 15}
    shop.redemption_resolve(actor=w.secretary, redemption_id=r.pk, action="hand_over")
    soap.refresh_from_db()
    assert (soap.stock, soap.reserved) == (2, 0)
    assert balance(w.member) == {"available": 25, "pending": 0, "held": 0}
    assert ledger.shop_account(w.station).balance == 15
    assert shop.stock_reconcile(soap)["balanced"] is True
    assert AuditEvent.objects.filter(action="points.redemption.hand_over").count() == 1
    with pytest.raises(InvalidTransition):  # resolved at most once
        shop.redemption_resolve(actor=w.member, redemption_id=r.pk, action="cancel")
    assert ledger.mismatched_accounts() == []


def test_cancel_and_expiry_return_everything(w, soap):
    """A cancelled and an expired reservation both return the points and the stock."""
    fund(w, w.member, 30)
    a = shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    b = shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    shop.redemption_resolve(actor=w.member, redemption_id=a.pk, action="cancel")
    assert shop.redemptions_expire_due(timezone.now() + dt.timedelta(days=30)) == 1
    b.refresh_from_db()
    assert b.status == RedemptionStatus.EXPIRED
    soap.refresh_from_db()
    assert (soap.stock, soap.reserved) == (3, 0)
    assert balance(w.member) == {"available": 30, "pending": 0, "held": 0}
    assert shop.stock_reconcile(soap)["balanced"] is True


def test_member_cannot_hand_over_nor_expire(w, soap):
    """Only station staff hand over; nobody expires by hand; nothing changes on refusal."""
    from haolinju.core.errors import NotPermitted

    fund(w, w.member, 30)
    r = shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    for action in ("hand_over", "expire"):
        with pytest.raises(NotPermitted):
            shop.redemption_resolve(actor=w.member, redemption_id=r.pk, action=action)
    r.refresh_from_db()
    assert r.status == RedemptionStatus.RESERVED


def test_clear_refusals(w, soap):
    """Not enough points, out of stock and the monthly limit are refused with clear messages
    and leave no reservation behind."""
    fund(w, w.member, 10)
    with pytest.raises(NotEnoughPoints, match="需要 15 分，可用 10 分"):
        shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    fund(w, w.member, 100, tid="more")
    with pytest.raises(OutOfStock, match="剩余 3"):
        shop.redemption_reserve(actor=w.member, item_id=soap.pk, quantity=4)
    shop.redemption_reserve(actor=w.member, item_id=soap.pk, quantity=2)
    with pytest.raises(Conflict, match="每人每月限兑 2"):
        shop.redemption_reserve(actor=w.member, item_id=soap.pk, quantity=1)
    soap.refresh_from_db()
    assert (soap.stock, soap.reserved) == (1, 2)
    assert balance(w.member)["held"] == 30


def test_other_compound_cannot_see_or_redeem(w, soap):
    """A member of another compound does not see the station's shelf (404)."""
    fund(w, w.stranger, 50)
    assert not selectors.shop_items(actor=w.stranger).exists()
    with pytest.raises(NotFound):
        shop.redemption_reserve(actor=w.stranger, item_id=soap.pk)


def test_periodic_job_expires_overdue_reservations(w, soap):
    """The periodic job lets an overdue reservation expire and leaves a fresh one alone."""
    from haolinju.points.models import Redemption
    from haolinju.points.tasks import expire_redemptions

    fund(w, w.member, 30)
    old = shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    fresh = shop.redemption_reserve(actor=w.member, item_id=soap.pk)
    Redemption.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    expire_redemptions.enqueue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (RedemptionStatus.EXPIRED, RedemptionStatus.RESERVED)
    assert balance(w.member)["held"] == 15
