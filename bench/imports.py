"""Benchmark: import a 20,000-unit register with owners, then 50,000 people rows (preview and
commit each) into one compound on SQLite (or PostgreSQL), against ceilings measured in the
same run.

    .venv/bin/python bench/imports.py                 # 20,000 units + 50,000 people
    .venv/bin/python bench/imports.py --units 2000 --people 5000   # a quick check
    .venv/bin/python bench/imports.py --database postgres://postgres@127.0.0.1:5432/hl_bench_imports
    .venv/bin/python bench/imports.py --units 1000 --people 2500 --profile 30   # cProfile each step

Ceilings, per step: reading the same file with openpyxl alone (what any preview must pay), and
a bare ``bulk_create`` of as many rows into the same tables as the commit wrote (what any
commit must pay; no validation, encryption or audit events; rolled back). A commit does not
parse the file again: the preview keeps the rows it read. Target (issue 5): all four steps
≤ 60 s together; wall-clock and this process's CPU seconds are both printed, since on a
shared machine the load hides the first. The preview's peak
memory is the process's peak RSS (``ru_maxrss``) after each preview, and the Python heap peak
of the people preview under ``tracemalloc`` (a separate, untimed run).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hl-bench-imports-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haolinju.settings.base")
    os.environ["HAOLINJU_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if args.database:
        fresh_postgres_database(args.database)
    os.environ["HAOLINJU_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    actor, compound = setup_tree()
    units_xlsx = unit_register(args.units)
    people_xlsx = people_register(args.units, args.people)
    from django.db import connection

    print(
        f"{connection.vendor}, CPUs {os.cpu_count()}, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"unit register {args.units:,} rows ({len(units_xlsx) / 2**20:.1f} MB); "
        f"people register {args.people:,} rows ({len(people_xlsx) / 2**20:.1f} MB)"
    )

    from haolinju.people.imports import services

    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}  # this process's CPU seconds: what the load on the machine hides

    def step(name, fn):
        profiler = cProfile.Profile() if args.profile and not name.startswith("ceiling") else None
        start, cpu_start = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = fn()
        if profiler:
            profiler.disable()
        timings[name] = time.perf_counter() - start
        cpu[name] = time.process_time() - cpu_start
        if profiler:
            print(f"--- {name}: {timings[name]:.2f} s (profiled)")
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)
        return result

    ceiling_units = step("ceiling: read unit file", lambda: openpyxl_read(units_xlsx))
    ceiling_people = step("ceiling: read people file", lambda: openpyxl_read(people_xlsx))

    def upload(kind, content):
        return services.import_upload(
            actor=actor, kind=kind, content=content, filename=f"{kind}.xlsx", target_id=compound.pk
        )

    batch = step("unit register preview", lambda: upload("unit_register", units_xlsx))
    rss_units = peak_rss_mb()
    summary = step(
        "unit register commit",
        lambda: services.import_commit(actor=actor, batch_id=batch.pk).summary,
    )
    batch = step("people preview", lambda: upload("people", people_xlsx))
    rss_people = peak_rss_mb()
    people_summary = step(
        "people commit", lambda: services.import_commit(actor=actor, batch_id=batch.pk).summary
    )
    # The same number of rows into the same tables, bare (no validation, encryption or audit
    # events), rolled back: what any commit must at least pay on this database.
    step(
        "ceiling: insert unit-commit rows",
        lambda: bare_insert(
            compound,
            units=summary.get("new_units", 0),
            people=summary.get("new_owners", 0),
            occupancies=summary.get("owners", 0),
        ),
    )
    step(
        "ceiling: insert people-commit rows",
        lambda: bare_insert(
            compound,
            people=people_summary.get("people", 0),
            occupancies=people_summary.get("occupancies", 0),
            members=people_summary.get("members", 0),
        ),
    )

    ceilings = {
        "unit register preview": "ceiling: read unit file",
        "unit register commit": "ceiling: insert unit-commit rows",
        "people preview": "ceiling: read people file",
        "people commit": "ceiling: insert people-commit rows",
    }
    print(f"\n{'step':<36}{'wall s':>8}{'CPU s':>8}{'× ceiling':>11}")
    for name in [*ceilings.values(), *ceilings]:
        ratio = timings[name] / timings[ceilings[name]] if name in ceilings else None
        shown = "" if ratio is None else f"{ratio:>10.1f}×"
        print(f"{name:<36}{timings[name]:>8.2f}{cpu[name]:>8.2f}{shown:>11}")
    total = sum(timings[k] for k in ceilings)
    total_cpu = sum(cpu[k] for k in ceilings)
    ceiling_total = sum(timings[v] for v in ceilings.values())
    print(
        f"{'import total (4 steps)':<36}{total:>8.2f}{total_cpu:>8.2f}"
        f"{total / ceiling_total:>10.1f}×   target ≤ {TARGET_SECONDS} s: "
        f"{'met' if total <= TARGET_SECONDS else 'MISSED'} (wall), "
        f"{'met' if total_cpu <= TARGET_SECONDS else 'MISSED'} (CPU)"
    )
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"rows read: units {ceiling_units:,}, people {ceiling_people:,}")
    print(f"unit register: {summary}")
    print(f"people: {people_summary}")
    print(
        f"peak RSS after unit preview {rss_units:.0f} MB, after people preview {rss_people:.0f} MB"
    )

    heap = python_heap_peak(lambda: upload("people", people_xlsx))
    print(
        f"people preview Python heap peak (tracemalloc, untimed rerun; its rows are already "
        f"registered, so it ends in row errors): {heap:.0f} MB"
    )
    return 0 if total <= TARGET_SECONDS else 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument(
        "--database",
        default="",
        metavar="URL",
        help="a PostgreSQL URL whose database is dropped and created afresh (default: SQLite)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile each step, print N lines"
    )
    return parser.parse_args()


def fresh_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("hl_") or not name.replace("_", "").isalnum():
        raise SystemExit("--database: use a scratch database named hl_<something>")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_tree():
    from haolinju.accounts.models import User
    from haolinju.org.models import Area, AreaKind
    from haolinju.org.services import area_create

    actor = User.objects.create_superuser(username="bench", password="bench-only-password")
    district = area_create(actor=actor, parent=None, kind=AreaKind.DISTRICT, name="黄州区")
    street = area_create(actor=actor, parent=district, kind=AreaKind.STREET, name="东湖街道")
    community = area_create(actor=actor, parent=street, kind=AreaKind.COMMUNITY, name="宝塔社区")
    compound = area_create(
        actor=actor,
        parent=community,
        kind=AreaKind.COMPOUND,
        name="江柳小区",
        compound_kind="compound",
    )
    assert isinstance(compound, Area)
    return actor, compound


UNITS_PER_ENTRANCE = 50
ENTRANCES = 4


def _address(i: int) -> tuple[str, str, str]:
    building, rest = divmod(i, UNITS_PER_ENTRANCE * ENTRANCES)
    entrance, unit = divmod(rest, UNITS_PER_ENTRANCE)
    floor, door = divmod(unit, 2)
    return f"{building + 1}号楼", f"{entrance + 1}单元", f"{floor + 1}0{door + 1}"


def _owner(i: int) -> str:
    return f"业主{i:05d}"


def _xlsx(headers, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("登记表")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_register(n: int) -> bytes:
    headers = ["楼号", "单元", "门牌号", "建筑面积", "楼层", "产权人"]
    rows = (
        [*_address(i), f"{80 + i % 60}.{i % 100:02d}", (i % 100) // 2 + 1,
         "开发商" if i % 97 == 0 else f"{_owner(i)}、共有{i:05d}"]
        for i in range(n)
    )  # fmt: skip
    return _xlsx(headers, rows)


def people_register(units: int, n: int) -> bytes:
    from haolinju.core.validators import make_id_number

    headers = ["姓名", "身份证号", "手机", "楼号", "单元", "门牌号", "身份", "是否党员", "党员类别"]
    base = dt.date(1950, 1, 1)

    def row(k: int):
        unit = k % units
        owner = k < units and unit % 97 != 0
        name = _owner(unit) if owner else f"居民{k:05d}"
        id_number = make_id_number("421102", base + dt.timedelta(days=k // 400), k % 400 + 100)
        member = k % 9 == 0
        return [name, id_number, f"139{k:08d}", *_address(unit), "业主" if owner else "家属",
                "是" if member else "否", "离退休" if member else ""]  # fmt: skip

    return _xlsx(headers, (row(k) for k in range(n)))


def openpyxl_read(content: bytes) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def bare_insert(compound, *, units=0, people=0, occupancies=0, members=0) -> None:
    """``bulk_create`` of as many plain rows, in one transaction rolled back."""
    from django.db import transaction

    from haolinju.org.models import Area, AreaKind
    from haolinju.people.models import Employment, HeldAt, Member, Occupancy, Person

    ROLES = ("owner", "co_owner", "tenant", "resident")  # (person, unit, role) is unique
    with transaction.atomic():
        entrance = Area.objects.create(
            kind=AreaKind.BUILDING, name="ceiling", parent=compound, path=compound.path + "~"
        )
        Area.objects.bulk_create(
            [
                Area(kind=AreaKind.UNIT, name=str(i), parent=entrance, path=f"{entrance.path}{i}")
                for i in range(units)
            ],
            batch_size=500,
        )
        persons = Person.objects.bulk_create(
            [Person(name="x", area=compound, area_path=compound.path) for _ in range(people)],
            batch_size=500,
        )
        Occupancy.objects.bulk_create(
            [
                Occupancy(person=persons[i % len(persons)], unit=entrance, area_path=entrance.path,
                          role=ROLES[i // len(persons) % len(ROLES)])
                for i in range(occupancies if persons else 0)
            ],
            batch_size=500,
        )  # fmt: skip
        Member.objects.bulk_create(
            [
                Member(person=p, area_path=p.area_path, held_at=HeldAt.COMMUNITY,
                       employment=Employment.RETIRED)
                for p in persons[:members]
            ],
            batch_size=500,
        )  # fmt: skip
        transaction.set_rollback(True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def python_heap_peak(fn) -> float:
    tracemalloc.start()
    try:
        fn()
    except Exception:  # the rerun ends in row errors: only its memory matters
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


if __name__ == "__main__":
    raise SystemExit(main())
