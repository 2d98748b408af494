"""A volunteer's record page with 10 years of service history, against a ceiling measured in
the same run.

    .venv/bin/python bench/activities_record.py [--per-week 4] [--repeat 30]

``BENCH_EXPLAIN=1`` first prints every query of one page and one API call with its time.
Seeds a fresh SQLite database under data/bench/ (one compound, one volunteer, ten years of
confirmed attendance, ~4 a week), then times (a) the record page (``/activities/record/``:
totals per year and category, star level, the latest 50 records, rendered) and (b) the API
``GET /api/v1/volunteers/{id}/records`` (first page of 50 and the totals), each against a bare
``SELECT SUM(delta_minutes)`` over the same person's rows, and the page against the lightest
page of the same shell (``/activities/feeds/``: same middleware, menus and base template).
Target: the page ≤ 50 ms (median). ``BENCH_PROFILE=1`` prints a cProfile of five pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50


def timed(fn, repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-week", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-activities-", dir=ROOT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "haolinju.settings.base"
    os.environ["HAOLINJU_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from haolinju.accounts.models import User
    from haolinju.accounts.services import token_issue
    from haolinju.activities.models import (
        Activity,
        ActivityItem,
        RecordStatus,
        ServiceRecord,
    )
    from haolinju.core.scope import path_segment
    from haolinju.org.models import Area, AreaKind
    from haolinju.people.models import Person

    def area(kind, name, parent=None):
        a = Area.objects.create(kind=kind, name=name, parent=parent, path="?")
        a.path = (parent.path if parent else "") + path_segment(a.pk)
        a.save(update_fields=["path"])
        return a

    district = area(AreaKind.DISTRICT, "基准区")
    street = area(AreaKind.STREET, "基准街道", district)
    community = area(AreaKind.COMMUNITY, "基准社区", street)
    compound = area(AreaKind.COMPOUND, "基准小区", community)
    user = User.objects.create(username="bench-volunteer")
    person = Person.objects.create(
        name="基准志愿者", area=compound, area_path=compound.path, user=user
    )
    organiser = User.objects.create(username="bench-organiser")
    items = list(ActivityItem.objects.select_related("category", "current"))
    start_day = timezone.localdate() - dt.timedelta(days=3650)
    activities, records = [], []
    weeks = 3650 // 7
    for w in range(weeks):
        for k in range(args.per_week):
            day = start_day + dt.timedelta(days=w * 7 + k)
            item = items[(w + k) % len(items)]
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            activities.append(
                Activity(
                    item_version=item.current,
                    title=f"{item.current.name}{w}-{k}",
                    scope="compound",
                    area=compound,
                    area_path=compound.path,
                    place="小区广场",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=item.current.default_minutes),
                    places=20,
                    organiser=organiser,
                    status="archived",
                    confirmed_count=1,
                )
            )
    Activity.objects.bulk_create(activities, batch_size=2000)
    for a in activities:
        item = next(i for i in items if i.current_id == a.item_version_id)
        records.append(
            ServiceRecord(
                activity=a,
                person=person,
                area_path=a.area_path,
                category_code=item.category.code,
                item_code=item.code,
                service_date=timezone.localdate(a.starts_at),
                checked_in_at=a.starts_at,
                checked_out_at=a.ends_at,
                method="venue_code",
                status=RecordStatus.CONFIRMED,
                actual_minutes=100,
                minutes=100,
                delta_minutes=100,
                confirmed_by=organiser,
                confirmed_at=a.ends_at,
            )
        )
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    with connection.cursor() as c:
        c.execute("ANALYZE")

    web = Client()
    web.force_login(user)
    token = token_issue(user=user)
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def page():
        r = web.get("/activities/record/")
        assert r.status_code == 200

    def shell():
        r = web.get("/activities/feeds/")  # the same shell (menus, middleware), 2 small reads
        assert r.status_code == 200

    def api_call():
        r = api.get(f"/api/v1/volunteers/{person.pk}/records")
        assert r.status_code == 200 and r.json()["count"] == len(records)

    def bare():
        with connection.cursor() as c:
            c.execute(
                "SELECT SUM(delta_minutes) FROM activities_servicerecord WHERE person_id = %s "
                "AND status = 'confirmed'",
                [person.pk],
            )
            c.fetchone()

    if os.environ.get("BENCH_EXPLAIN"):
        from django.db import reset_queries
        from django.test.utils import CaptureQueriesContext

        for label, fn in (("page", page), ("api", api_call)):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                fn()
                total = (time.perf_counter() - t) * 1000
            print(f"{label}: {len(q)} queries, {total:.1f} ms")
            for one in q.captured_queries:
                print(f"  {one['time']}s  {one['sql'][:160]}")
        reset_queries()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        page()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            page()
        prof.disable()
        stats = pstats.Stats(prof).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative"))
        stats.print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 45)

    def calls(fn) -> int:
        """Python function calls of one call: a figure the machine's load does not move."""
        import cProfile
        import pstats

        fn()
        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        return pstats.Stats(prof).total_calls

    page_calls, shell_calls = calls(page), calls(shell)
    ceiling = timed(bare, args.repeat)
    shell_ms = timed(shell, args.repeat)
    page_ms = timed(page, args.repeat)
    api_ms = timed(api_call, args.repeat)
    print(f"history: {len(records)} confirmed records over 10 years ({args.per_week}/week)")
    print(f"bare SUM over the person's rows: {ceiling:8.2f} ms (ceiling)")
    print(f"lightest page, same shell:       {shell_ms:8.2f} ms (page ceiling)")
    print(
        f"record page (rendered):          {page_ms:8.2f} ms  ratio {page_ms / ceiling:6.1f}x"
        f"  vs shell {page_ms / shell_ms:5.2f}x"
        f"  target ≤ {TARGET_MS} ms: {'ok' if page_ms <= TARGET_MS else 'MISSED'}"
    )
    print(f"API records (page + totals):     {api_ms:8.2f} ms  ratio {api_ms / ceiling:6.1f}x")
    print(
        f"Python calls per request: record page {page_calls:,}, shell {shell_calls:,}"
        f" (page/shell {page_calls / shell_calls:.2f}x)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if page_ms <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
