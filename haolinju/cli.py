"""The ``haolinju`` command.

haolinju demo  [--port P] [--host H] [--data DIR]   migrate, seed the demo district if empty,
                                                     serve with granian + a task worker
haolinju serve [--port P] [--host H] [--workers N]  serve (production: set DATABASE_URL etc.)
haolinju worker                                      run the background task worker
haolinju seed --scale district|city|province [--seed N] [--data DIR]
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
    print(f"  API docs: {url}api/v1/docs    Stop with Ctrl-C.")
    print("=" * 72, flush=True)


def cmd_demo(args) -> int:
    if args.host not in ("127.0.0.1", "localhost"):
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")
    os.environ.setdefault("HAOLINJU_DATA_DIR", str(Path(args.data or "data").resolve()))
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


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haolinju", *args.rest])
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

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
