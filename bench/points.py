"""Benchmarks of the points ledger, each against a ceiling measured in the same run.

    .venv/bin/python bench/points.py                       # fresh SQLite file under data/bench
    .venv/bin/python bench/points.py --database-url postgres://postgres@127.0.0.1:5432/hl_x

(a) posting throughput: ``ledger.post`` of one transfer per transaction (lock two accounts,
    check, insert, write both balances) vs raw single-row INSERTs into a table of the same
    shape, one per transaction, in the same database. Target: ratio ≥ 0.3.
(b) the monthly review approving ENTRIES pending entries in one bulk call (two transfers, one
    status change and one timeline event each). Target: ≤ 10 s for 100k. Ceiling in the same
    run: raw multi-row INSERTs of as many rows as the review writes (3 per entry) into the
    raw table.
(c) ``points verify`` over the published notice of those entries; printed per entry and
    extrapolated to 10M (linear: one pass over the rows). Ceiling in the same run: a raw
    scan of the published leaves with one SHA-256 per row.

Each line also prints the SQL statements it took (load-independent), and the load average.
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
    import hashlib

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

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
    with CaptureQueriesContext(connection) as one:
        ledger.post(
            [
                ledger.Spec(
                    transfer_id="bench:count",
                    debit_id=issuing.pk,
                    credit_id=accounts[0].pk,
                    amount=3,
                    code="award",
                    booked_on=on,
                    area_path=compound.path,
                )
            ]
        )
    results.append(
        (
            "posting throughput vs raw inserts",
            ratio,
            ratio >= 0.3,
            f"{n / posted:,.0f}/s vs {n / raw:,.0f}/s = ratio {ratio:.2f} (target ≥ 0.3); "
            f"{len(one)} statements per post (raw: 3)",
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
    # Ceiling: the same number of rows the review writes, as raw multi-row inserts.
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        rows_raw = 3 * len(ids)
        for i in range(0, rows_raw, 500):
            batch = range(i, min(i + 500, rows_raw))
            cur.execute(
                "INSERT INTO bench_raw (tid, debit, credit, amount, booked_on) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch)),
                [v for j in batch for v in (f"bulk:{j}", issuing.pk, accounts[0].pk, 2, on)],
            )
    raw_bulk = time.perf_counter() - start
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as reviewed:
        entries.review(actor=admin, compound_id=compound.pk, entry_ids=ids, approve=True)
    approve_s = time.perf_counter() - start
    target = 10 * args.entries / 100_000
    results.append(
        (
            f"approve {len(ids):,} entries in bulk",
            approve_s,
            approve_s <= target,
            f"{approve_s:.2f} s (target ≤ {target:.1f} s); raw inserts of the same "
            f"{3 * len(ids):,} rows {raw_bulk:.2f} s = ratio {raw_bulk / approve_s:.2f}; "
            f"{len(reviewed)} statements ({len(reviewed) / len(ids):.3f} per entry)",
        )
    )
    assert not ledger.mismatched_accounts()

    # (c) publish + verify
    MonthLock.objects.create(
        community=community, area_path=community.path, year=2025, month=3, locked_by=admin
    )
    notice.notice_publish(actor=admin, compound_id=compound.pk, year=2025)
    start = time.perf_counter()
    with connection.cursor() as cur:  # ceiling: read every leaf and hash it once
        cur.execute("SELECT payload FROM points_noticeleaf ORDER BY notice_id, position")
        while batch := cur.fetchmany(5000):
            for (payload,) in batch:
                hashlib.sha256(payload.encode("utf-8")).digest()
    scan_s = time.perf_counter() - start
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as verified:
        verdict = notice.notice_verify(compound_id=compound.pk, year=2025)
    verify_s = time.perf_counter() - start
    per_10m = verify_s * 10_000_000 / len(ids)
    results.append(
        (
            f"verify {len(ids):,} entries",
            verify_s,
            verdict.ok and per_10m <= 60,
            f"{verify_s:.2f} s → {per_10m:.0f} s per 10M (target ≤ 60 s); raw scan + hash "
            f"{scan_s:.2f} s = ratio {scan_s / verify_s:.2f}; {len(verified)} statements",
        )
    )

    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    for name, _, ok, detail in results:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return 0 if all(ok for *_, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
