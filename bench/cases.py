"""The supervision sweep and the three rates at scale, against ceilings measured in the same run.

    .venv/bin/python bench/cases.py --cases 1000000   # seeds data/bench/cases-1000000.sqlite3
    .venv/bin/python bench/cases.py --cases 50000 --due 1000 --repeat 5   # a quick check

(a) the sweep when nothing is due, vs a bare ``SELECT id … WHERE next_check_at <= now LIMIT 1``
    (target ≤ 50 ms with 1M open cases);
(b) the sweep with ``--due`` steps fallen due (reminders written, then rolled back), vs the bare
    scan of those rows (target ≤ 5 s for 10k due);
(c) ``stats.figures`` for the district over a year, vs a bare ``COUNT(*)`` of the cases created in
    that range (target ≤ 200 ms at 1M cases).
Cases are written in bulk (no timeline), one per ``--cases``, spread over one year and the
compounds of a small synthetic district.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    args = parse_args()
    data_dir = ROOT / "data" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haolinju.settings.base")
    os.environ.setdefault("HAOLINJU_DATA_DIR", str(data_dir))
    os.environ["DATABASE_URL"] = args.database_url or (
        f"sqlite:///{data_dir / f'cases-{args.cases}.sqlite3'}"
    )
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from measure import time_it

    from haolinju.cases import stats
    from haolinju.cases.models import Case
    from haolinju.cases.services.supervision import sweep

    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    district = _seed(args.cases, now)
    print(f"{Case.objects.count():,} cases; district {district.name}")

    def bare_due():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM cases_case WHERE next_check_at IS NOT NULL AND next_check_at <= %s"
                " ORDER BY next_check_at LIMIT 1",
                [now],
            )
            return cur.fetchall()

    rows = []
    rows.append(("sweep, nothing due", time_it("sweep", lambda: sweep(now=now), repeat=args.repeat),
                 time_it("bare", bare_due, repeat=args.repeat), 50.0))  # fmt: skip

    ids = list(
        Case.objects.filter(next_check_at__isnull=False)
        .order_by("id")
        .values_list("pk", flat=True)[: args.due]
    )

    def sweep_due():
        with transaction.atomic():
            Case.objects.filter(pk__in=ids).update(next_check_at=now - dt.timedelta(minutes=1))
            done = sweep(now=now, batch=args.due)
            transaction.set_rollback(True)
        return done

    def bare_due_rows():
        with transaction.atomic():
            Case.objects.filter(pk__in=ids).update(next_check_at=now - dt.timedelta(minutes=1))
            list(Case.objects.filter(next_check_at__lte=now).values_list("pk", flat=True))
            transaction.set_rollback(True)

    due_target = 5000.0 * args.due / 10_000
    swept = time_it("sweep", sweep_due, repeat=2, warmup=1)
    rows.append((f"sweep, {args.due:,} due", swept, time_it("bare", bare_due_rows, repeat=2),
                 due_target))  # fmt: skip
    start, end = now - dt.timedelta(days=365), now
    scope = stats.Scope(area_path=district.path)

    def bare_count():
        return Case.objects.filter(created_at__gte=start, created_at__lt=end).count()

    rates = time_it("rates", lambda: stats.figures(scope, start, end, now=now), repeat=args.repeat)
    rows.append(("three rates, district, one year", rates,
                 time_it("bare", bare_count, repeat=args.repeat), 200.0))  # fmt: skip
    print(f"{'measurement':<36}{'median ms':>10}{'bare ms':>10}{'ratio':>8}{'target':>9}")
    missed = 0
    for name, timing, bare, target in rows:
        ratio = timing.median / bare.median if bare.median else float("inf")
        ok = timing.median <= target
        missed += not ok
        print(f"{name:<36}{timing.median:>10.1f}{bare.median:>10.1f}{ratio:>8.1f}"
              f"{target:>8.0f}{'' if ok else ' MISSED'}")  # fmt: skip
    return 1 if missed else 0


def _seed(count: int, now):
    """A district of 2 streets × 4 communities × 8 compounds and ``count`` cases, once."""
    import random

    from django.db import transaction

    from haolinju.cases.models import Case, Category, state_type_of
    from haolinju.core.scope import path_segment
    from haolinju.org.models import Area, AreaKind

    existing = Area.objects.filter(kind=AreaKind.DISTRICT, name="基准区").first()
    if existing is not None:
        return existing
    rng = random.Random(7)
    with transaction.atomic():

        def add(kind, name, parent):
            area = Area.objects.create(kind=kind, name=name, parent=parent, path="?")
            area.path = (parent.path if parent else "") + path_segment(area.pk)
            area.depth = parent.depth + 1 if parent else 0
            Area.objects.filter(pk=area.pk).update(path=area.path, depth=area.depth)
            return area

        district = add(AreaKind.DISTRICT, "基准区", None)
        compounds = []
        for s in range(2):
            street = add(AreaKind.STREET, f"街道{s}", district)
            for c in range(4):
                community = add(AreaKind.COMMUNITY, f"社区{s}{c}", street)
                compounds += [add(AreaKind.COMPOUND, f"小区{s}{c}{k}", community) for k in range(8)]
        categories = list(Category.objects.all())
        statuses = ["submitted", "dispatched", "in_progress", "resolved", "rated", "closed"]
        batch = []
        for n in range(count):
            compound = compounds[n % len(compounds)]
            created = now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            status = rng.choice(statuses)
            open_ = status in ("submitted", "dispatched", "in_progress")
            batch.append(
                Case(
                    kind="service_order", category=rng.choice(categories), title="基准诉求",
                    description="基准", area=compound, area_path=compound.path,
                    owner_area=compound, owner_area_path=compound.path, status=status,
                    state_type=state_type_of(status, "fixed"), created_at=created,
                    close_reason="fixed" if status == "closed" else "",
                    resolve_due_at=created + dt.timedelta(days=7),
                    resolved_at=None if open_ else created + dt.timedelta(days=rng.randint(1, 9)),
                    step="resolve" if open_ else "",
                    due_at=now + dt.timedelta(days=rng.randint(1, 30)) if open_ else None,
                    next_check_at=now + dt.timedelta(days=rng.randint(1, 30)) if open_ else None,
                )
            )  # fmt: skip
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)
    return district


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
