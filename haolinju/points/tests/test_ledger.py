"""The ledger: positive transfers between two accounts, zero sum, idempotent ids, no overdraft
(in Python and in the database), append-only, all-or-nothing under an injected fault."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from haolinju.points.errors import NotEnoughPoints, TransferMismatch
from haolinju.points.models import Account, AppendOnlyError, Transfer
from haolinju.points.services import ledger

from .factories import PAST


def spec(tid, debit, credit, amount, **kw):
    return ledger.Spec(
        transfer_id=tid,
        debit_id=debit.pk,
        credit_id=credit.pk,
        amount=amount,
        code="award",
        booked_on=PAST,
        area_path=debit.area_path,
        **kw,
    )


@pytest.fixture
def accounts(w):
    issuing = ledger.issuing_account(w.compound)
    mine = ledger.exchange_account(w.member.person)
    theirs = ledger.exchange_account(w.other.person)
    return issuing, mine, theirs


def test_transfers_sum_to_zero_and_balances_recompute(accounts):
    """Every transfer debits one account and credits another: balances sum to zero and each
    cached balance equals the recomputation from transfers."""
    issuing, mine, theirs = accounts
    ledger.post([spec("t1", issuing, mine, 30), spec("t2", issuing, theirs, 12)])
    ledger.post([spec("t3", mine, theirs, 5)])
    balances = dict(Account.objects.values_list("pk", "balance"))
    assert balances[mine.pk] == 25 and balances[theirs.pk] == 17 and balances[issuing.pk] == -42
    assert sum(balances.values()) == 0
    assert ledger.mismatched_accounts() == []


def test_retry_with_same_id_returns_first(accounts):
    """Posting the same transfer id twice with the same fields returns the first transfer and
    moves nothing the second time."""
    issuing, mine, _ = accounts
    first = ledger.post([spec("same", issuing, mine, 10)])[0]
    again = ledger.post([spec("same", issuing, mine, 10)])[0]
    assert again.pk == first.pk
    assert Transfer.objects.count() == 1
    mine.refresh_from_db()
    assert mine.balance == 10


def test_same_id_other_fields_is_refused(accounts):
    """The same transfer id with another amount is refused and changes nothing."""
    issuing, mine, _ = accounts
    ledger.post([spec("same", issuing, mine, 10)])
    with pytest.raises(TransferMismatch):
        ledger.post([spec("same", issuing, mine, 11)])
    mine.refresh_from_db()
    assert mine.balance == 10 and Transfer.objects.count() == 1


def test_amount_must_be_positive_and_accounts_distinct(accounts):
    """Zero, negative and self transfers are refused before anything is written."""
    issuing, mine, _ = accounts
    for bad in (
        spec("z", issuing, mine, 0),
        spec("n", issuing, mine, -3),
        spec("s", mine, mine, 1),
    ):
        with pytest.raises(ValueError):
            ledger.post([bad])
    assert Transfer.objects.count() == 0


def test_overdraft_refused_and_linked_group_all_or_nothing(accounts):
    """A group whose second transfer would overdraw a member posts neither transfer."""
    issuing, mine, theirs = accounts
    ledger.post([spec("seed", issuing, mine, 5)])
    with pytest.raises(NotEnoughPoints):
        ledger.post([spec("ok", issuing, theirs, 3), spec("over", mine, theirs, 6)])
    assert not Transfer.objects.filter(transfer_id__in=["ok", "over"]).exists()
    theirs.refresh_from_db()
    assert theirs.balance == 0


def test_database_check_forbids_negative_spendable_balance(accounts):
    """Even bypassing the service, the database refuses a negative exchange balance."""
    _, mine, _ = accounts
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=mine.pk).update(balance=-1)


def test_issuing_account_may_go_negative(accounts):
    """The issuer's balance is minus what it issued."""
    issuing, mine, _ = accounts
    ledger.post([spec("t", issuing, mine, 7)])
    issuing.refresh_from_db()
    assert issuing.balance == -7


def test_transfers_cannot_be_updated_or_deleted(accounts):
    """Save of an existing transfer, queryset update and delete are all refused."""
    issuing, mine, _ = accounts
    t = ledger.post([spec("t", issuing, mine, 7)])[0]
    t.amount = 8
    with pytest.raises(AppendOnlyError):
        t.save()
    with pytest.raises(AppendOnlyError):
        t.delete()
    with pytest.raises(AppendOnlyError):
        Transfer.objects.filter(pk=t.pk).update(amount=9)
    with pytest.raises(AppendOnlyError):
        Transfer.objects.filter(pk=t.pk).delete()
    assert Transfer.objects.get(pk=t.pk).amount == 7


@pytest.mark.postgres_only
def test_database_trigger_refuses_raw_update(accounts):
    """On PostgreSQL a trigger refuses UPDATE and DELETE on transfers even in raw SQL."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    issuing, mine, _ = accounts
    t = ledger.post([spec("t", issuing, mine, 7)])[0]
    for sql in (
        "UPDATE points_transfer SET amount = 9 WHERE id = %s",
        "DELETE FROM points_transfer WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [t.pk])
    assert Transfer.objects.get(pk=t.pk).amount == 7


def test_fault_between_writes_leaves_no_partial_transfer(accounts, monkeypatch):
    """A crash after the transfer rows are inserted and before the balances are written leaves
    neither: no transfer, no balance change."""
    issuing, mine, _ = accounts

    def crash():
        raise RuntimeError("killed")

    monkeypatch.setattr(ledger, "_between_writes", crash)
    with pytest.raises(RuntimeError):
        ledger.post([spec("k", issuing, mine, 9)])
    assert Transfer.objects.count() == 0
    assert set(Account.objects.values_list("balance", flat=True)) == {0}
    monkeypatch.undo()
    ledger.post([spec("k", issuing, mine, 9)])
    assert ledger.mismatched_accounts() == []
