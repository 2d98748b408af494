"""Where each benchmarked endpoint spends its time, in process: queries and a profile.

    .venv/bin/python bench/profile_endpoints.py                 # every endpoint: queries, ms
    .venv/bin/python bench/profile_endpoints.py --only people --profile   # + pyinstrument tree

Each request goes through the whole WSGI handler (every middleware) with the same accounts,
tokens and sessions as ``http_bench.py``, on the same database (``data/bench/<scale>.sqlite3``).
The time is the median CPU time of this process over ``--repeat`` calls (on a shared machine
the wall time mostly measures waiting for a CPU), without the HTTP server and client.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "city"), default="demo")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument tree")
    parser.add_argument("--queries", action="store_true", help="print every query")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import http_bench

    os.environ.update(http_bench.bench_environment(args.scale))
    import django

    django.setup()
    http_bench.prepare_database(args.scale)
    args.seconds, args.connections = 0, 0
    targets, cleanup = http_bench.build_targets(args)
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()
    try:
        print(f"{'endpoint':46} {'queries':>7} {'min cpu':>8} {'med cpu':>8} {'py calls':>8}")
        for target in targets:
            call = request_of(handler, target)
            call()
            captured = []
            with connection.execute_wrapper(recorder(captured)):
                call()
            samples = []
            for _ in range(args.repeat):
                started = time.process_time()
                call()
                samples.append((time.process_time() - started) * 1000)
            print(
                f"{target.name:46} {len(captured):7} {min(samples):8.3f} "
                f"{statistics.median(samples):8.3f} {python_calls(call):8}"
            )
            if args.queries:
                for sql in captured:
                    print(f"      {sql[:240]}")
            if args.profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0002)
                with profiler:
                    for _ in range(args.repeat):
                        call()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
            if args.cprofile:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.runcall(lambda c=call: [c() for _ in range(args.repeat)])
                pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    finally:
        cleanup()
    return 0


def python_calls(call) -> int:
    """Python function calls one request makes: a deterministic measure of in-process work
    (on a shared machine CPU times move by ±30 % between runs; this does not move)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(call)
    return pstats.Stats(profile).total_calls


def recorder(into: list):
    """An execute wrapper that keeps each statement (Django's query log is reset per request)."""

    def record(execute, sql, params, many, context):
        into.append(sql)
        return execute(sql, params, many, context)

    return record


def request_of(handler, target):
    """A callable that sends ``target`` through the WSGI handler and checks the status."""
    path, _, query = target.path.partition("?")
    body = (target.body or "").encode()
    base = {
        "REQUEST_METHOD": target.method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8101",
        "HTTP_HOST": "127.0.0.1:8101",
        "wsgi.url_scheme": "http",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": target.headers.get("Content-Type", ""),
    }
    for key, value in target.headers.items():
        if key != "Content-Type":
            base["HTTP_" + key.upper().replace("-", "_")] = value

    def call():
        environ = {**base, "wsgi.input": BytesIO(body), "wsgi.errors": sys.stderr}
        statuses = []
        response = handler(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
        code = int(statuses[0].split()[0])
        if code != target.status:
            raise SystemExit(f"{target.name}: status {code}")

    return call


if __name__ == "__main__":
    raise SystemExit(main())
