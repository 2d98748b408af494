"""The ``haolinju`` command.

haolinju demo  [--port P] [--host H] [--data DIR]   migrate, seed the demo district if empty,
                                                     serve with granian + a task worker
haolinju serve [--port P] [--host H] [--workers N]  serve (production: set DATABASE_URL etc.)
haolinju worker                                      run the background task worker
haolinju seed --scale district|city|province [--seed N] [--data DIR]
haolinju audit verify [--data DIR]                  recompute the audit log's hash chains
haolinju backup FILE [--data DIR]                    back up the database (never the keys)
haolinju restore FILE [--data DIR] [--force]         restore a backup, migrate
haolinju votes recount VOTE_ID                       reproduce a vote's tally from its ballots
haolinju points verify --compound ID --year Y       check an annual points notice against the ledger
haolinju manage <django management command …>
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_SETTINGS = "haolinju.settings.base"


def _setup(data: str | None) -> None:
    if data:
        os.environ["HAOLINJU_DATA_DIR"] = str(Path(data).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _prepare_database(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=0)


def _server_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--blocking-threads",
        "1",
        "--workers",
        str(workers),
        "--host",
        host,
        "--port",
        str(port),
        "--no-ws",
        "haolinju.wsgi:application",
    ]


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "django", "db_worker", "--queue-name", "*"]


def _scheduler_command() -> list[str]:
    """Queues the periodic jobs (core.periodic) for the worker to run."""
    return [sys.executable, "-m", "django", "periodic"]


def _run_together(commands: list[list[str]]) -> int:
    """Start the processes; stop them all when one exits or on Ctrl-C / SIGTERM."""
    procs = [subprocess.Popen(cmd, env=os.environ.copy()) for cmd in commands]  # noqa: S603

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


def _print_accounts(accounts, url: str) -> None:
    print()
    print("=" * 72)
    print(f"  好邻居 Haolinju demo is running at  {url}")
    print("  Demo accounts (username / password — role):")
    for a in accounts:
        print(f"    {a.username:<13} {a.password:<16} {a.role}  ·  {a.scope}")
    if os.environ.get("HAOLINJU_DEMO_2FA", "").lower() in {"1", "true", "yes", "on"}:
        print("  Two-factor sign-in is ON: staff enrol an authenticator app at first login.")
    else:
        print("  Two-factor sign-in is off for the demo (HAOLINJU_DEMO_2FA=1 turns it on).")
    print(f"  API docs: {url}api/v1/docs    Stop with Ctrl-C.")
    print("=" * 72, flush=True)


def cmd_demo(args) -> int:
    if args.host not in ("127.0.0.1", "localhost"):
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")
    os.environ.setdefault("HAOLINJU_DATA_DIR", str(Path(args.data or "data").resolve()))
    # Demo accounts sign in with a password only, unless HAOLINJU_DEMO_2FA=1 (docs/security.md).
    os.environ.setdefault("HAOLINJU_DEMO", "1")
    _setup(args.data)
    print("Preparing the database (migrations, static files)…", flush=True)
    _prepare_database()
    from haolinju.demo import seed_demo

    accounts = seed_demo()
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"  # noqa: S104
    _print_accounts(accounts, url)
    commands = [_server_command(args.host, args.port, args.workers)]
    if not args.no_worker:
        commands += [_worker_command(), _scheduler_command()]
    return _run_together(commands)


def cmd_serve(args) -> int:
    _setup(args.data)
    if not args.no_migrate:
        _prepare_database()
    commands = [_server_command(args.host, args.port, args.workers)]
    if args.with_worker:
        commands += [_worker_command(), _scheduler_command()]
    return _run_together(commands)


def cmd_worker(args) -> int:
    _setup(args.data)
    return _run_together([_worker_command(), _scheduler_command()])


def cmd_seed(args) -> int:
    _setup(args.data)
    _prepare_database()
    from haolinju.demo import seed_scale

    counts = seed_scale(scale=args.scale, seed=args.seed)
    for key, value in counts.items():
        print(f"{key:>20}: {value:,}")
    return 0


def cmd_audit(args) -> int:
    _setup(args.data)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("audit_verify")
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_backup(args) -> int:
    _setup(args.data)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if args.command == "backup":
            call_command("backup", args.file)
        else:
            call_command("restore", args.file, force=args.force)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haolinju", *args.rest])
    return 0


def cmd_points(args) -> int:
    """``haolinju points verify --compound ID --year Y``: check a notice against the ledger."""
    _setup(args.data)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("points_verify", compound=args.compound, year=args.year)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_votes(args) -> int:
    """``haolinju votes recount VOTE_ID``: reproduce a vote's tally from its stored ballots."""
    _setup(args.data)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("vote_recount", str(args.vote_id))
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haolinju", description="好邻居 Haolinju platform")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, port=True):
        p.add_argument("--data", help="data directory (SQLite file, keys); default ./data")
        if port:
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int, default=8000)
            p.add_argument("--workers", type=int, default=1, help="granian worker processes")

    demo = sub.add_parser("demo", help="set up and serve the demo district")
    common(demo)
    demo.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the platform with granian (WSGI)")
    common(serve)
    serve.add_argument("--no-migrate", action="store_true")
    serve.add_argument("--with-worker", action="store_true")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    common(worker, port=False)
    worker.set_defaults(func=cmd_worker)

    seed = sub.add_parser("seed", help="generate a large deterministic data set")
    common(seed, port=False)
    seed.add_argument("--scale", choices=["district", "city", "province"], required=True)
    seed.add_argument("--seed", type=int, default=1)
    seed.set_defaults(func=cmd_seed)

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute the hash chains, name the first break")
    common(verify, port=False)
    verify.set_defaults(func=cmd_audit)

    backup = sub.add_parser("backup", help="back up the database (the keys stay out)")
    common(backup, port=False)
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into the configured database")
    common(restore, port=False)
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true", help="replace a non-empty database")
    restore.set_defaults(func=cmd_backup)
    points = sub.add_parser("points", help="points ledger tools")
    points_sub = points.add_subparsers(dest="points_command", required=True)
    verify = points_sub.add_parser("verify", help="recompute an annual notice's digest")
    common(verify, port=False)
    verify.add_argument("--compound", type=int, required=True, help="compound area id")
    verify.add_argument("--year", type=int, required=True)
    verify.set_defaults(func=cmd_points)
    votes = sub.add_parser("votes", help="owners' votes: recount")
    votes_sub = votes.add_subparsers(dest="votes_command", required=True)
    recount = votes_sub.add_parser("recount", help="recount a vote from its stored ballots")
    common(recount, port=False)
    recount.add_argument("vote_id", type=int)
    recount.set_defaults(func=cmd_votes)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
