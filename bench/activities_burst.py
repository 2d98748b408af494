"""A sign-up burst over HTTP: 2,000 residents sign up for one activity with 50 places at the
same moment, served as ``haolinju serve`` serves (granian WSGI, ``--blocking-threads 1``, 2
workers, persistent connections), against a bare Django JSON view under the same server, the
same client and the same concurrency in the same run.

    .venv/bin/python bench/activities_burst.py                       # SQLite (WAL)
    .venv/bin/python bench/activities_burst.py --db postgres         # PostgreSQL
    .venv/bin/python bench/activities_burst.py --signups 500 --places 20 --rounds 1

Every round publishes a fresh activity, opens ``--signups`` connections (one per resident,
each with its own bearer token), then sends every ``POST /api/v1/activities/{id}/signups`` at
once, and the same number of ``GET /bench/bare`` the same way. It checks what the issue asks:
every answer a 201 (no 500, no refusal), exactly ``--places`` confirmed and the rest waitlisted,
``confirmed_count`` equal to the confirmed rows, sign-up order numbers 1..N without a gap or a
repeat and waitlist positions 1..N−places. Prints throughput (sign-ups/s), p50 and p99 latency
(from the moment all requests are released), and the ratio to the bare view (target ≥ 0.1 on
SQLite). Exit 1 on any failed check.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = ROOT / "data" / "bench"
HOST = "127.0.0.1"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/hl_activities_burst"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--database-url", default=os.environ.get("BURST_DATABASE_URL", PG_DEFAULT))
    p.add_argument("--signups", type=int, default=2000)
    p.add_argument("--places", type=int, default=50)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=8131)
    return p.parse_args()


def environment(args) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    if args.db == "sqlite":
        path = DATA / "burst.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = args.database_url
        _recreate_pg(url)
    return {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "HAOLINJU_DATA_DIR": str(DATA),
        "DATABASE_URL": url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def _recreate_pg(url: str) -> None:
    """A fresh database for the run (its name from the URL; only that one is touched)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(n: int):
    """One compound, a superuser organiser, ``n`` residents with an account and a token."""
    import warnings

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from haolinju.accounts.models import ApiToken
    from haolinju.accounts.services import TOKEN_PREFIX, token_digest
    from haolinju.core.scope import path_segment
    from haolinju.org.models import Area, AreaKind
    from haolinju.people.models import Person

    warnings.filterwarnings("ignore", message="No directory at")
    call_command("migrate", interactive=False, verbosity=0)

    def area(kind, name, parent=None):
        a = Area.objects.create(kind=kind, name=name, parent=parent, path="?")
        a.path = (parent.path if parent else "") + path_segment(a.pk)
        a.save(update_fields=["path"])
        return a

    district = area(AreaKind.DISTRICT, "压测区")
    street = area(AreaKind.STREET, "压测街道", district)
    community = area(AreaKind.COMMUNITY, "压测社区", street)
    compound = area(AreaKind.COMPOUND, "压测小区", community)
    User = get_user_model()
    organiser = User.objects.create(username="burst-organiser", is_superuser=True)
    users = User.objects.bulk_create(
        [User(username=f"burst-{i:05d}", display_name=f"报名者{i}") for i in range(n)]
    )
    Person.objects.bulk_create(
        [
            Person(name=f"报名者{i}", area=compound, area_path=compound.path, user=u)
            for i, u in enumerate(users)
        ]
    )
    raws = [TOKEN_PREFIX + f"burst{i:05d}" + os.urandom(16).hex() for i in range(n)]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, name="burst", prefix=raw[:10], digest=token_digest(raw))
            for u, raw in zip(users, raws, strict=True)
        ]
    )
    return compound, organiser, raws


def publish(compound, organiser, places: int, round_no: int) -> int:
    from django.utils import timezone

    from haolinju.activities.models import ActivityItem
    from haolinju.activities.services.activities import activity_create, activity_transition

    starts = timezone.now() + dt.timedelta(days=2, minutes=round_no)
    activity = activity_create(
        actor=organiser,
        item_id=ActivityItem.objects.get(code="env.stairwell").pk,
        area=compound,
        starts_at=starts,
        places=places,
        place="压测广场",
    )
    activity_transition(actor=organiser, activity_id=activity.pk, action="publish")
    return activity.pk


def check(activity_id: int, n: int, places: int, statuses: list, bodies: list) -> list[str]:
    """What must hold after a burst; returns the failures (empty when all hold)."""
    from django.db import connections

    from haolinju.activities.models import Activity, Signup, SignupStatus

    connections.close_all()
    failures = []
    if any(s != 201 for s in statuses):
        bad = sorted({s for s in statuses if s != 201}, key=str)
        failures.append(f"non-201 answers: {bad} ({sum(s != 201 for s in statuses)} of {n})")
    rows = list(Signup.objects.filter(activity_id=activity_id).values_list("status", "seq"))
    confirmed = sum(1 for s, _ in rows if s == SignupStatus.CONFIRMED)
    waiting = sum(1 for s, _ in rows if s == SignupStatus.WAITLISTED)
    expected_confirmed = min(places, n)
    if (confirmed, waiting) != (expected_confirmed, n - expected_confirmed):
        failures.append(f"confirmed {confirmed}, waitlisted {waiting}")
    if Activity.objects.get(pk=activity_id).confirmed_count != confirmed:
        failures.append("confirmed_count differs from the confirmed rows")
    if sorted(seq for _, seq in rows) != list(range(1, n + 1)):
        failures.append("sign-up order numbers are not 1..N")
    positions = sorted(b.get("position") for b in bodies if b and b.get("status") == "waitlisted")
    if positions != list(range(1, n - expected_confirmed + 1)):
        failures.append("waitlist positions are not 1..N-places")
    said_confirmed = sum(1 for b in bodies if b and b.get("status") == "confirmed")
    if said_confirmed != confirmed:
        failures.append(f"{said_confirmed} answers said confirmed, {confirmed} rows are")
    return failures


# --- the client: every connection open first, then every request released at once ----------


async def _one(port: int, request: bytes, gate: asyncio.Event, started: list, opened: list):
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        opened[0] += 1
    await gate.wait()
    t0 = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    t1 = time.perf_counter()
    writer.close()
    return status, body, (t1 - started[0]) * 1000, (t1 - t0) * 1000


async def _burst(port: int, requests: list[bytes]):
    gate = asyncio.Event()
    started, opened = [0.0], [0]
    tasks = [asyncio.create_task(_one(port, r, gate, started, opened)) for r in requests]
    while opened[0] < len(tasks):  # every connection open (or failed) before the release
        await asyncio.sleep(0.02)
    started[0] = time.perf_counter()
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    wall = time.perf_counter() - started[0]
    return results, wall


def run_burst(port: int, requests: list[bytes]) -> dict:
    results, wall = asyncio.run(_burst(port, requests))
    statuses, bodies, latencies = [], [], []
    for r in results:
        if isinstance(r, BaseException):
            statuses.append(type(r).__name__)
            bodies.append(None)
            continue
        status, body, since_release, _ = r
        statuses.append(status)
        latencies.append(since_release)
        try:
            bodies.append(json.loads(body) if body else None)
        except ValueError:
            bodies.append(None)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "statuses": statuses,
        "bodies": bodies,
        "wall": wall,
        "rps": len(requests) / wall if wall else 0.0,
        "p50": cuts[49],
        "p99": cuts[98],
    }


def signup_request(activity_id: int, token: str) -> bytes:
    return (
        f"POST /api/v1/activities/{activity_id}/signups HTTP/1.1\r\nHost: {HOST}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()


def bare_request() -> bytes:
    return f"GET /bench/bare HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()


def start_server(env: dict, args) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--blocking-threads",
        "1",
        "--workers",
        str(args.workers),
        "--backlog",
        str(max(1024, args.signups + 64)),
        "--host",
        HOST,
        "--port",
        str(args.port),
        "--no-ws",
        "--log-level",
        "warning",
        "haolinju.wsgi:application",
    ]
    log = open(DATA / "burst-server.log", "w")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = environment(args)
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import django

    django.setup()
    from django.db import connections
    from http_bench import stop_server, wait_until_up

    t = time.perf_counter()
    compound, organiser, tokens = seed(args.signups)
    activities = [publish(compound, organiser, args.places, r) for r in range(args.rounds)]
    seeded = time.perf_counter() - t
    connections.close_all()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"sign-up burst, {args.db}, {args.signups} residents for {args.places} places, "
        f"{args.rounds} rounds; granian WSGI {args.workers} workers --blocking-threads 1; "
        f"seeded in {seeded:.1f} s; CPUs {os.cpu_count()}, load average {load}",
        flush=True,
    )
    server = start_server(env, args)
    rows, failures = [], []
    try:
        wait_until_up(f"http://{HOST}:{args.port}/bench/bare", server)
        run_burst(args.port, [bare_request()] * min(200, args.signups))  # warm every worker
        for round_no, activity_id in enumerate(activities, 1):
            bare = run_burst(args.port, [bare_request()] * args.signups)
            bare_bad = [s for s in bare["statuses"] if s != 200]
            if bare_bad:
                failures.append(f"round {round_no}: bare view answered {set(bare_bad)}")
            burst = run_burst(args.port, [signup_request(activity_id, tok) for tok in tokens])
            problems = check(
                activity_id, args.signups, args.places, burst["statuses"], burst["bodies"]
            )
            failures += [f"round {round_no}: {p}" for p in problems]
            ratio = burst["rps"] / bare["rps"] if bare["rps"] else 0.0
            rows.append((bare, burst, ratio))
            print(
                f"  round {round_no}: bare {bare['rps']:7.0f} req/s (p99 {bare['p99']:7.0f} ms) | "
                f"sign-ups {burst['rps']:7.0f}/s in {burst['wall']:.2f} s "
                f"(p50 {burst['p50']:6.0f} ms, p99 {burst['p99']:6.0f} ms) | ratio {ratio:.3f} | "
                + ("OK: exactly the places confirmed" if not problems else "; ".join(problems)),
                flush=True,
            )
    finally:
        stop_server(server)
    med = statistics.median
    print(
        f"\nmedian of {len(rows)}: sign-ups {med(r[1]['rps'] for r in rows):.0f}/s, bare view "
        f"{med(r[0]['rps'] for r in rows):.0f} req/s, ratio {med(r[2] for r in rows):.3f} "
        f"(target ≥ 0.1 on SQLite), sign-up p99 {med(r[1]['p99'] for r in rows):.0f} ms"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
