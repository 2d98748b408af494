"""Posting transfers: the one place account balances change.

``post(specs)`` posts a group of linked transfers all or nothing: it locks every account the
group touches (in id order, so two groups never deadlock), computes the new balances, refuses an
overdraft with a clear error before the database CHECK would, inserts the transfers and then
writes the balances, all in one transaction. A transfer id already posted with the same fields
returns the stored transfer (a retry); with other fields it is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from haolinju.org.models import Area, Organisation

from ..errors import NotEnoughPoints, TransferMismatch
from ..models import Account, AccountKind, Transfer


@dataclass(frozen=True)
class Spec:
    transfer_id: str
    debit_id: int
    credit_id: int
    amount: int
    code: str
    booked_on: dt.date
    area_path: str
    rule_version_id: int | None = None
    source_type: str = ""
    source_id: str = ""
    entry_id: int | None = None
    recorded_by_id: int | None = None
    verified_by_id: int | None = None
    recorded_at: dt.datetime | None = None
    verified_at: dt.datetime | None = None


_COMPARED = (
    "debit_id",
    "credit_id",
    "amount",
    "code",
    "booked_on",
    "rule_version_id",
    "source_type",
    "source_id",
    "entry_id",
)


def _between_writes() -> None:
    """Fault-injection point between inserting transfers and writing balances (tests only)."""


def _same(existing: Transfer, spec: Spec) -> bool:
    return all(getattr(existing, f) == getattr(spec, f) for f in _COMPARED)


@transaction.atomic
def post(specs: list[Spec]) -> list[Transfer]:
    """Post linked transfers all or nothing; return them in the order given."""
    if not specs:
        return []
    for spec in specs:
        if not isinstance(spec.amount, int) or spec.amount <= 0:
            raise ValueError("a transfer moves a positive integer amount")
        if spec.debit_id == spec.credit_id:
            raise ValueError("a transfer needs two different accounts")
    delta: dict[int, int] = defaultdict(int)
    for spec in specs:
        delta[spec.debit_id] -= spec.amount
        delta[spec.credit_id] += spec.amount
    # Lock first: a concurrent post of the same ids waits here, then sees them as posted.
    accounts = list(Account.objects.select_for_update().filter(pk__in=list(delta)).order_by("pk"))
    if len(accounts) != len(delta):
        raise ValueError("unknown account")
    ids = [s.transfer_id for s in specs]
    existing = Transfer.objects.in_bulk(ids, field_name="transfer_id")
    for spec in specs:
        found = existing.get(spec.transfer_id)
        if found is not None and not _same(found, spec):
            raise TransferMismatch()
    fresh = [s for s in specs if s.transfer_id not in existing]
    if fresh:
        existing.update(_post_fresh(fresh, {a.pk: a for a in accounts}))
    return [existing[s.transfer_id] for s in specs]


def _post_fresh(specs: list[Spec], accounts: dict[int, Account]) -> dict[str, Transfer]:
    delta: dict[int, int] = defaultdict(int)
    for spec in specs:
        delta[spec.debit_id] -= spec.amount
        delta[spec.credit_id] += spec.amount
    touched = [accounts[pk] for pk in sorted(delta)]
    for account in touched:
        account.balance += delta[account.pk]
        if account.balance < 0 and not account.allow_negative:
            raise NotEnoughPoints()
    now = timezone.now()
    rows = [
        Transfer(
            transfer_id=s.transfer_id,
            debit_id=s.debit_id,
            credit_id=s.credit_id,
            amount=s.amount,
            code=s.code,
            booked_on=s.booked_on,
            area_path=s.area_path,
            rule_version_id=s.rule_version_id,
            source_type=s.source_type,
            source_id=s.source_id,
            entry_id=s.entry_id,
            recorded_by_id=s.recorded_by_id,
            verified_by_id=s.verified_by_id,
            recorded_at=s.recorded_at or now,
            verified_at=s.verified_at,
        )
        for s in specs
    ]
    try:
        with transaction.atomic():
            Transfer.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        # A concurrent post of the same id won; the caller's retry will compare fields.
        raise TransferMismatch() from None
    _between_writes()
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE points_account SET balance = %s WHERE id = %s",
            [(account.balance, account.pk) for account in touched],
        )
    return {row.transfer_id: row for row in rows}


# --- accounts -----------------------------------------------------------------------------


def _get_or_create(**lookup) -> Account:
    try:
        return Account.objects.get(**{k: v for k, v in lookup.items() if k != "defaults"})
    except Account.DoesNotExist:
        pass
    defaults = lookup.pop("defaults")
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup, **defaults)
    except IntegrityError:
        return Account.objects.get(**lookup)


def exchange_account(person) -> Account:
    return _get_or_create(
        kind=AccountKind.EXCHANGE,
        person=person,
        year=0,
        defaults={"area_path": person.area_path},
    )


def assessment_account(person, year: int) -> Account:
    return _get_or_create(
        kind=AccountKind.ASSESSMENT,
        person=person,
        year=year,
        defaults={"area_path": person.area_path, "allow_negative": True},
    )


def issuing_account(area: Area) -> Account:
    return _get_or_create(
        kind=AccountKind.ISSUING,
        area=area,
        person=None,
        station=None,
        defaults={"area_path": area.path, "allow_negative": True},
    )


def shop_account(station: Organisation) -> Account:
    return _get_or_create(
        kind=AccountKind.SHOP, station=station, defaults={"area_path": station.area_path}
    )


def held_account(station: Organisation) -> Account:
    return _get_or_create(
        kind=AccountKind.HELD, station=station, defaults={"area_path": station.area_path}
    )


def member_accounts(people, years) -> dict:
    """Exchange and assessment accounts of many members at once: ``{(person_id, None|year)}``.

    Missing ones are created in bulk (a concurrent creator wins; its row is read back)."""
    by_id = {p.pk: p for p in people}
    years = sorted(set(years))
    wanted = {(pid, None) for pid in by_id} | {(pid, y) for pid in by_id for y in years}
    ids = list(by_id)
    found: dict = {}

    def load():
        for i in range(0, len(ids), 5000):
            for acc in Account.objects.filter(
                person_id__in=ids[i : i + 5000],
                kind__in=[AccountKind.EXCHANGE, AccountKind.ASSESSMENT],
            ):
                key = (acc.person_id, None if acc.kind == AccountKind.EXCHANGE else acc.year)
                found[key] = acc

    load()
    missing = wanted - set(found)
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    kind=AccountKind.EXCHANGE if year is None else AccountKind.ASSESSMENT,
                    person_id=pid,
                    year=year or 0,
                    area_path=by_id[pid].area_path,
                    allow_negative=year is not None,
                )
                for pid, year in sorted(missing, key=lambda k: (k[0], k[1] or 0))
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        load()
    return found


# --- checks -------------------------------------------------------------------------------


def recomputed_balances() -> dict[int, int]:
    """Every account's balance from its transfers alone (credits − debits)."""
    out: dict[int, int] = defaultdict(int)
    for row in Transfer.objects.values("credit_id").annotate(s=Sum("amount")):
        out[row["credit_id"]] += row["s"]
    for row in Transfer.objects.values("debit_id").annotate(s=Sum("amount")):
        out[row["debit_id"]] -= row["s"]
    return dict(out)


def mismatched_accounts() -> list[int]:
    """Accounts whose cached balance differs from the recomputation (empty when all is well)."""
    recomputed = recomputed_balances()
    return [
        pk
        for pk, balance in Account.objects.values_list("pk", "balance")
        if recomputed.get(pk, 0) != balance
    ]
