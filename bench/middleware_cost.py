"""What each middleware costs the bare view, in process: Python calls and CPU time per request
with the whole stack, and with each middleware left out in turn.

    .venv/bin/python bench/middleware_cost.py

Python calls are deterministic (the CPU time on a shared machine moves by ±30 %).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]


def main() -> int:
    import http_bench

    os.environ.update(http_bench.bench_environment("demo"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings
    from profile_endpoints import python_calls, request_of

    target = http_bench.Target("bare", "GET", "/bench/bare", {}, None, 200, True, ())
    full = list(settings.MIDDLEWARE)
    print(f"{'stack':58} {'py calls':>8} {'min cpu ms':>10}")
    import logging

    logging.disable(logging.CRITICAL)  # a stack missing a dependency answers 500: reported
    for left_out in [None, *full, "all"]:
        stack = [] if left_out == "all" else [m for m in full if m != left_out]
        label = "whole stack" if left_out is None else f"without {left_out.split('.')[-1]}"
        with override_settings(MIDDLEWARE=stack):
            call = request_of(WSGIHandler(), target)
            try:
                for _ in range(50):
                    call()
            except SystemExit:
                print(f"{label:58} (a later middleware needs it)")
                continue
            samples = []
            for _ in range(400):
                started = time.process_time()
                call()
                samples.append((time.process_time() - started) * 1000)
            print(f"{label:58} {python_calls(call):8} {min(samples):10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
