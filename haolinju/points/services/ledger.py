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
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from haolinju.org.models import Area, Organisation

from ..errors import NotEnoughPoints, TransferMismatch
from ..models import Account, AccountKind, Transfer


@dataclass(slots=True)
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


_COLUMNS = (
    "transfer_id",
    "debit_id",
    "credit_id",
    "amount",
    "code",
    "rule_version_id",
    "source_type",
    "source_id",
    "entry_id",
    "recorded_by_id",
    "verified_by_id",
    "recorded_at",
    "verified_at",
    "booked_on",
    "area_path",
    "created_at",
)
ROWS_PER_STATEMENT = 500  # 16 parameters a row: well under every database's limit


def _chunks(items: list, size: int = ROWS_PER_STATEMENT):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _lock_accounts(cur, ids: list[int]) -> dict[int, tuple[int, bool]]:
    """``{id: (balance, allow_negative)}``, the rows locked in id order (never deadlocks)."""
    found: dict[int, tuple[int, bool]] = {}
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    for chunk in _chunks(ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            f"SELECT id, balance, allow_negative FROM points_account "  # noqa: S608
            f"WHERE id IN ({marks}) ORDER BY id{lock}",
            chunk,
        )
        for pk, balance, allow_negative in cur.fetchall():
            found[pk] = (balance, bool(allow_negative))
    return found


def _insert(cur, specs: list[Spec], now) -> dict[str, int]:
    """Insert the transfers whose id is new (``ON CONFLICT DO NOTHING``): ``{transfer_id: pk}``
    of those inserted; ids already posted (or being posted concurrently) are left out."""
    ops = connection.ops
    adapted: dict = {}  # a bulk review's legs share a few dates and instants: adapt each once

    def at(value):
        if value not in adapted:
            adapted[value] = ops.adapt_datetimefield_value(value)
        return adapted[value]

    def on(value):
        if value not in adapted:
            adapted[value] = ops.adapt_datefield_value(value)
        return adapted[value]

    stamp = at(now)
    inserted: dict[str, int] = {}
    columns = ", ".join(_COLUMNS)
    for chunk in _chunks(specs):
        row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
        params: list = []
        for s in chunk:
            params += (
                s.transfer_id,
                s.debit_id,
                s.credit_id,
                s.amount,
                s.code,
                s.rule_version_id,
                s.source_type,
                s.source_id,
                s.entry_id,
                s.recorded_by_id,
                s.verified_by_id,
                at(s.recorded_at) if s.recorded_at else stamp,
                at(s.verified_at) if s.verified_at else None,
                on(s.booked_on),
                s.area_path,
                stamp,
            )
        cur.execute(
            f"INSERT INTO points_transfer ({columns}) VALUES "  # noqa: S608
            + ", ".join([row] * len(chunk))
            + " ON CONFLICT (transfer_id) DO NOTHING RETURNING transfer_id, id",
            params,
        )
        inserted.update(cur.fetchall())
    return inserted


def _write_balances(cur, balances: dict[int, int]) -> None:
    items = sorted(balances.items())
    for chunk in _chunks(items):
        cases = " ".join(["WHEN %s THEN %s"] * len(chunk))
        marks = ", ".join(["%s"] * len(chunk))
        params = [v for pair in chunk for v in pair] + [pk for pk, _ in chunk]
        cur.execute(
            f"UPDATE points_account SET balance = CASE id {cases} END "  # noqa: S608
            f"WHERE id IN ({marks})",
            params,
        )


@transaction.atomic
def post(specs: list[Spec], *, returning: bool = True) -> list[Transfer]:
    """Post linked transfers all or nothing; return them in the order given (``returning``
    False returns nothing: a bulk review does not need the rows back).

    Direct SQL, a fixed number of statements whatever the group's size: lock the accounts,
    insert the new transfers (a retried id is skipped by the database and compared after),
    write the balances. Python checks the overdraft first for a clear error; the CHECK
    constraint on the cached balance holds it in the database as well."""
    if not specs:
        return []
    for spec in specs:
        if not isinstance(spec.amount, int) or spec.amount <= 0:
            raise ValueError("a transfer moves a positive integer amount")
        if spec.debit_id == spec.credit_id:
            raise ValueError("a transfer needs two different accounts")
    if len({s.transfer_id for s in specs}) != len(specs):
        raise ValueError("a group names each transfer id once")
    touched = {s.debit_id for s in specs} | {s.credit_id for s in specs}
    now = timezone.now()
    with connection.cursor() as cur:
        # Lock first: a concurrent post of the same ids waits here, then sees them as posted.
        locked = _lock_accounts(cur, sorted(touched))
        if len(locked) != len(touched):
            raise ValueError("unknown account")
        inserted = _insert(cur, specs, now)
        retried = [s for s in specs if s.transfer_id not in inserted]
        existing = {}
        if retried:
            existing = Transfer.objects.in_bulk(
                [s.transfer_id for s in retried], field_name="transfer_id"
            )
            for spec in retried:
                found = existing.get(spec.transfer_id)
                if found is None or not _same(found, spec):
                    raise TransferMismatch()
        delta: dict[int, int] = defaultdict(int)
        for spec in specs:
            if spec.transfer_id in inserted:
                delta[spec.debit_id] -= spec.amount
                delta[spec.credit_id] += spec.amount
        balances = {}
        for pk, change in delta.items():
            balance, allow_negative = locked[pk]
            balances[pk] = balance + change
            if balances[pk] < 0 and not allow_negative:
                raise NotEnoughPoints()
        _between_writes()
        if balances:
            _write_balances(cur, balances)
    if not returning:
        return []
    out = []
    for spec in specs:
        if spec.transfer_id in existing:
            out.append(existing[spec.transfer_id])
            continue
        row = Transfer(
            pk=inserted[spec.transfer_id],
            **{f: getattr(spec, f) for f in Spec.__dataclass_fields__},
        )
        row.recorded_at = spec.recorded_at or now
        row.created_at = now
        row._state.adding = False
        row._state.db = connection.alias
        out.append(row)
    return out


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

    Missing ones are created in bulk (a concurrent creator wins; its row is read back). The
    values are light objects carrying the account's ``pk``."""
    by_id = {p.pk: p for p in people}
    years = sorted(set(years))
    wanted = {(pid, None) for pid in by_id} | {(pid, y) for pid in by_id for y in years}
    ids = list(by_id)
    found: dict = {}

    def load():
        for i in range(0, len(ids), 5000):
            for pk, person_id, kind, year in Account.objects.filter(
                person_id__in=ids[i : i + 5000],
                kind__in=[AccountKind.EXCHANGE, AccountKind.ASSESSMENT],
            ).values_list("pk", "person_id", "kind", "year"):
                key = (person_id, None if kind == AccountKind.EXCHANGE else year)
                found[key] = SimpleNamespace(pk=pk)

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
