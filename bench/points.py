"""Benchmarks of the points ledger, each against a ceiling measured in the same run.

    .venv/bin/python bench/points.py                       # fresh SQLite file under data/bench
    .venv/bin/python bench/points.py --database-url postgres://postgres@127.0.0.1:5432/hl_x

(a) posting throughput: ``ledger.post`` of one transfer per transaction (lock two accounts,
    check, insert, write both balances) vs raw single-row INSERTs into a table of the same
    shape, one per transaction, in the same database. Target: ratio ≥ 0.3.
(b) the monthly review approving ENTRIES pending entries in one bulk call (two transfers each).
    Target: ≤ 10 s for 100k.
(c) ``points verify`` over the published notice of those entries; printed per entry and
    extrapolated to 10M (linear: one pass over the rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    data_dir = ROOT / "data" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "points.sqlite3"
    if not args.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haolinju.settings.base")
    os.environ.setdefault("HAOLINJU_DATA_DIR", str(data_dir))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{db_path}"
    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return run(args)


def run(args) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from haolinju.org.models import AreaKind
    from haolinju.org.tests.factories import AreaFactory
    from haolinju.people.models import Person
    from haolinju.points.models import Entry, EntryKind, EntryStatus, MonthLock, Transfer
    from haolinju.points.services import entries, ledger, notice
    from haolinju.points.services.rules import rule_in_force

    if Transfer.objects.exists():
        print("the benchmark needs an empty points ledger (use a fresh database)")
        return 2
    admin = get_user_model().objects.create(username="bench-admin", is_superuser=True)
    district = AreaFactory(kind=AreaKind.DISTRICT, name="基准区")
    street = AreaFactory(kind=AreaKind.STREET, name="基准街道", parent=district)
    community = AreaFactory(kind=AreaKind.COMMUNITY, name="基准社区", parent=street)
    compound = AreaFactory(kind=AreaKind.COMPOUND, name="基准小区", parent=community)
    people = Person.objects.bulk_create(
        [Person(name=f"成员{i}", area=compound, area_path=compound.path) for i in range(2000)]
    )
    issuing = ledger.issuing_account(compound)
    accounts = [ledger.exchange_account(p) for p in people[:100]]
    on = dt.date(2025, 3, 1)
    results = []

    # (a) posting vs raw inserts
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, tid VARCHAR(64) UNIQUE, "
            "debit INTEGER, credit INTEGER, amount BIGINT, booked_on DATE)"
            if connection.vendor == "sqlite"
            else "CREATE TABLE bench_raw (id BIGSERIAL PRIMARY KEY, tid VARCHAR(64) UNIQUE, "
            "debit BIGINT, credit BIGINT, amount BIGINT, booked_on DATE)"
        )
    n = args.transfers
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_raw (tid, debit, credit, amount, booked_on) "
                "VALUES (%s, %s, %s, %s, %s)",
                [f"raw:{i}", issuing.pk, accounts[i % 100].pk, 3, on],
            )
    raw = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(n):
        ledger.post(
            [
                ledger.Spec(
                    transfer_id=f"bench:{i}",
                    debit_id=issuing.pk,
                    credit_id=accounts[i % 100].pk,
                    amount=3,
                    code="award",
                    booked_on=on,
                    area_path=compound.path,
                )
            ]
        )
    posted = time.perf_counter() - start
    ratio = raw / posted
    results.append(
        (
            "posting throughput vs raw inserts",
            ratio,
            ratio >= 0.3,
            f"{n / posted:,.0f}/s vs {n / raw:,.0f}/s (target ratio ≥ 0.3)",
        )
    )

    # (b) bulk monthly approval
    rule = rule_in_force(compound.path, on)
    rows = [
        Entry(
            person=people[i % len(people)],
            compound=compound,
            area_path=compound.path,
            kind=EntryKind.DEED,
            deed_kind="bench",
            source_type="bench",
            source_id=str(i),
            points=2,
            exchange_points=2,
            reason="基准",
            occurred_on=on,
            rule_version=rule,
        )
        for i in range(args.entries)
    ]
    Entry.objects.bulk_create(rows, batch_size=5000)
    ids = list(Entry.objects.filter(status=EntryStatus.PENDING).values_list("pk", flat=True))
    start = time.perf_counter()
    entries.review(actor=admin, compound_id=compound.pk, entry_ids=ids, approve=True)
    approve_s = time.perf_counter() - start
    target = 10 * args.entries / 100_000
    results.append(
        (
            f"approve {len(ids):,} entries in bulk",
            approve_s,
            approve_s <= target,
            f"{approve_s:.2f} s (target ≤ {target:.1f} s)",
        )
    )
    assert not ledger.mismatched_accounts()

    # (c) publish + verify
    MonthLock.objects.create(
        community=community, area_path=community.path, year=2025, month=3, locked_by=admin
    )
    notice.notice_publish(actor=admin, compound_id=compound.pk, year=2025)
    start = time.perf_counter()
    verdict = notice.notice_verify(compound_id=compound.pk, year=2025)
    verify_s = time.perf_counter() - start
    per_10m = verify_s * 10_000_000 / len(ids)
    results.append(
        (
            f"verify {len(ids):,} entries",
            verify_s,
            verdict.ok and per_10m <= 60,
            f"{verify_s:.2f} s → {per_10m:.0f} s per 10M (target ≤ 60 s)",
        )
    )

    print(f"database: {connection.vendor}")
    for name, _, ok, detail in results:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return 0 if all(ok for *_, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
