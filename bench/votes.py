"""The live tally of a 20,000-unit compound vote against one bare indexed aggregate over the
ballots table, measured in the same run.

    .venv/bin/python bench/votes.py [--units 20000] [--repeat 15] [--database-url URL]

Seeds a fresh database (default ``data/bench/votes.sqlite3``, recreated each run): one compound
of ``--units`` units with owners (some owning two units, some co-owned, a few developer-held),
a vote noticed through the service (the electorate freeze is timed too), and a counted ballot
for about 80 % of the voter keys. Then it times
  (a) ``selectors.live_tally`` — what ``GET /votes/{id}/tally`` computes: one aggregate plus
      the exact judgement by area and head count;
  (b) the ceiling: the bare ``SELECT choice, SUM(area_cents), COUNT(*) … GROUP BY choice`` on
      the same partial index, through the raw cursor;
  (c) ``selectors.recount`` — the full re-derivation from every stored ballot (for reference);
  (d) the electorate freeze (``notice``: read the register, group voter keys, write the voter,
      unit and owner rows) against its ceiling: the bare writes of the very same rows into the
      same three tables (``COPY`` on PostgreSQL, ``executemany`` INSERTs on SQLite), for a
      scratch vote removed afterwards.
Targets: (a) ≤ 2 × (b) at the median; (d) ≤ 3 × its ceiling.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data_dir = ROOT / "data" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "votes.sqlite3"
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

    call_command("migrate", interactive=False, verbosity=0)
    vote, freeze_s = seed(args.units)
    ceiling_s = insert_ceiling(vote)
    return measure(vote, args.repeat, freeze_s, ceiling_s)


def seed(n_units: int):
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from haolinju.accounts.models import User
    from haolinju.core.scope import path_segment
    from haolinju.deliberation.models import Ballot, Vote
    from haolinju.deliberation.services import votes as services
    from haolinju.org.models import Area, AreaKind
    from haolinju.people.models import Occupancy, OccupancyRole, Person

    rng = random.Random(7)
    with transaction.atomic():
        if Vote.objects.exists():  # an external database reused: start clean
            raise SystemExit("the benchmark database must be empty")
        officer = User.objects.create(username="bench-officer", is_superuser=True)

        def node(parent, kind, name, **kw):
            a = Area.objects.create(kind=kind, name=name, parent=parent, path="?", **kw)
            a.path = (parent.path if parent else "") + path_segment(a.pk)
            a.depth = parent.depth + 1 if parent else 0
            Area.objects.filter(pk=a.pk).update(path=a.path, depth=a.depth)
            return a

        district = node(None, AreaKind.DISTRICT, "测试区")
        street = node(district, AreaKind.STREET, "测试街道")
        community = node(street, AreaKind.COMMUNITY, "测试社区")
        compound = node(community, AreaKind.COMPOUND, "大型小区")
        per_building = 200
        buildings = [
            node(compound, AreaKind.BUILDING, f"{b + 1}栋")
            for b in range((n_units + per_building - 1) // per_building)
        ]
        next_id = (Area.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        units = []
        for i in range(n_units):
            b = buildings[i // per_building]
            pk = next_id + i
            units.append(
                Area(
                    pk=pk,
                    kind=AreaKind.UNIT,
                    name=f"{(i % per_building) // 4 + 1:02d}{i % 4 + 1:02d}",
                    parent=b,
                    path=b.path + path_segment(pk),
                    depth=b.depth + 1,
                    exclusive_area=Decimal(rng.randint(4500, 16000)) / 100,
                    floor=(i % per_building) // 4 + 1,
                    developer_held=rng.random() < 0.01,
                )
            )
        Area.objects.bulk_create(units, batch_size=2000)
        people = Person.objects.bulk_create(
            [
                Person(name=f"业主{i}", area=units[i], area_path=units[i].path)
                for i in range(n_units)
            ],
            batch_size=2000,
        )
        occ = []
        for i, unit in enumerate(units):
            if unit.developer_held:
                continue
            owner = people[i - 1] if i and rng.random() < 0.05 else people[i]  # two units
            occ.append(Occupancy(person=owner, unit=unit, area_path=unit.path, role="owner"))
            if rng.random() < 0.1:
                co = people[(i * 7919) % n_units]
                if co.pk != owner.pk:
                    occ.append(
                        Occupancy(
                            person=co, unit=unit, area_path=unit.path, role=OccupancyRole.CO_OWNER
                        )
                    )
        Occupancy.objects.bulk_create(occ, batch_size=2000, ignore_conflicts=True)
        now = timezone.now()
        vote = services.vote_create(
            actor=officer,
            area=compound,
            matter_item=7,
            title="加装电梯",
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
        )
    started = time.perf_counter()
    services.vote_transition(actor=officer, vote_id=vote.pk, action="notice")
    freeze_s = time.perf_counter() - started
    services.vote_transition(actor=officer, vote_id=vote.pk, action="open")
    with transaction.atomic():
        choices = ["for"] * 7 + ["against"] * 2 + ["abstain"]
        ballots = [
            Ballot(
                vote=vote,
                voter=v,
                voter_key=v.key,
                area_cents=int(v.area.scaleb(2)),
                choice=rng.choice(choices),
                channel="online",
                receipt=f"R{v.pk:011d}",
            )
            for v in vote.voters.all().iterator(chunk_size=2000)
            if rng.random() < 0.8
        ]
        Ballot.objects.bulk_create(ballots, batch_size=2000)
    vote.refresh_from_db()
    return vote, freeze_s


def insert_ceiling(vote) -> float:
    """Seconds for the bare INSERTs of ``vote``'s electorate rows (voters, units, owners) into
    the same tables, for a scratch vote; the rows are deleted again afterwards."""
    from django.db import connection, transaction

    from haolinju.deliberation.models import Vote, Voter, VoterOwner, VoterUnit

    def table(model, names):
        q = connection.ops.quote_name
        cols = ", ".join(q(model._meta.get_field(n).column) for n in names)
        marks = ", ".join(["%s"] * len(names))
        return f"INSERT INTO {q(model._meta.db_table)} ({cols}) VALUES ({marks})"

    review = Voter._meta.get_field("review")
    voters = [
        (key, label, area, review.get_db_prep_save(rv, connection))
        for key, label, area, rv in Voter.objects.filter(vote=vote).values_list(
            "key", "label", "area", "review"
        )
    ]
    units = list(
        VoterUnit.objects.filter(vote=vote).values_list("voter__key", "unit_id", "name", "area")
    )
    owners = list(
        VoterOwner.objects.filter(vote=vote).values_list("voter__key", "person_id", "name")
    )
    scratch = Vote.objects.create(
        area=vote.area,
        area_path=vote.area_path,
        title="scratch",
        matter_item=vote.matter_item,
        opens_at=vote.opens_at,
        closes_at=vote.closes_at,
    )

    def write(cursor, model, names, rows):
        """The fastest plain write each backend has: COPY on PostgreSQL, else executemany."""
        if connection.vendor == "postgresql":
            q = connection.ops.quote_name
            cols = ", ".join(q(model._meta.get_field(n).column) for n in names)
            with cursor.copy(f"COPY {q(model._meta.db_table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(table(model, names), rows)

    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            write(
                cursor,
                Voter,
                ["vote", "key", "label", "area", "review"],
                [(scratch.pk, *row) for row in voters],
            )
            ids = dict(Voter.objects.filter(vote=scratch).values_list("key", "pk"))
            write(
                cursor,
                VoterUnit,
                ["vote", "voter", "unit", "name", "area"],
                [(scratch.pk, ids[k], u, n, a) for k, u, n, a in units],
            )
            write(
                cursor,
                VoterOwner,
                ["vote", "voter", "person_id", "name"],
                [(scratch.pk, ids[k], p, n) for k, p, n in owners],
            )
        elapsed = time.perf_counter() - started
    VoterOwner.objects.filter(vote=scratch).delete()
    VoterUnit.objects.filter(vote=scratch).delete()
    Voter.objects.filter(vote=scratch)._raw_delete(connection.alias)
    scratch.delete()
    return elapsed


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(vote, repeat: int, freeze_s: float, ceiling_s: float) -> int:
    from django.db import connection

    from haolinju.deliberation.models import Ballot
    from haolinju.deliberation.selectors import live_tally, recount

    table = Ballot._meta.db_table
    sql = (
        f"SELECT choice, SUM(area_cents), COUNT(*) FROM {table} "
        "WHERE vote_id = %s AND superseded_at IS NULL GROUP BY choice"
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, [vote.pk])
            return cursor.fetchall()

    assert live_tally(vote).as_dict() == recount(vote).as_dict()
    tally_ms = statistics.median(timed(lambda: live_tally(vote), repeat))
    bare_ms = statistics.median(timed(bare, repeat))
    recount_ms = statistics.median(timed(lambda: recount(vote), max(3, repeat // 5)))
    ratio = tally_ms / bare_ms if bare_ms else float("inf")
    print(f"database: {connection.vendor}")
    print(f"electorate: {vote.total_count:,} voter keys, {vote.total_area} m²")
    print(f"ballots counted: {vote.ballots.filter(superseded_at__isnull=True).count():,}")
    freeze_ratio = freeze_s / ceiling_s if ceiling_s else float("inf")
    rows = vote.voters.count(), vote.total_count
    print(
        f"(d) electorate freeze   {freeze_s * 1000:8.0f} ms  ({rows[0]:,} voters + units, owners)"
    )
    how = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"    bare INSERT ceiling {ceiling_s * 1000:8.0f} ms  (the same rows, {how})")
    print(
        f"ratio (d)/ceiling: {freeze_ratio:.2f}×  (target ≤ 3×) "
        f"{'OK' if freeze_ratio <= 3 else 'MISSED'}"
    )
    print(f"(a) live tally          median {tally_ms:8.2f} ms")
    print(f"(b) bare aggregate      median {bare_ms:8.2f} ms")
    print(f"(c) full recount        median {recount_ms:8.2f} ms")
    print(f"ratio (a)/(b): {ratio:.2f}×  (target ≤ 2×) {'OK' if ratio <= 2 else 'MISSED'}")
    return 0 if ratio <= 2 and freeze_ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
