"""The hot path over HTTP: the platform served exactly as ``haolinju serve`` serves it, each
endpoint against a bare Django JSON view behind the same middleware, measured in the same run.

    .venv/bin/python bench/http_bench.py                      # demo district, ~4 min
    .venv/bin/python bench/http_bench.py --seconds 3 --rounds 2 --only people
    .venv/bin/python bench/http_bench.py --scale city         # the ~1M-person database of run.py

Server: granian WSGI, ``--blocking-threads 1``, 2 workers, persistent database connections,
the platform's settings with the bench-only URLconf (``bench_settings``). Load: wrk from Debian
(``apt-get install -y wrk``) in a separate process, 16 connections, or, without wrk, a bounded
Python load generator (two processes; it caps the bare view lower, so ratios read higher).
Rounds are interleaved (every endpoint once per round, in order); each figure is the median of
the rounds. Every response's status is checked: any other status fails the run (exit 1).
Endpoints: ``bench/endpoints.py`` and ``bench/loops/*.py`` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import importlib
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = ROOT / "data" / "bench"
HOST = "127.0.0.1"


@dataclass
class Target:
    """An endpoint with its placeholders filled and its credentials attached."""

    name: str
    method: str
    path: str
    headers: dict
    body: str | None
    status: int
    bare: bool
    tags: tuple


@dataclass
class Sample:
    requests: int
    seconds: float
    bad: int  # responses with another status, plus socket errors and timeouts
    first_bad: str
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Row:
    target: Target
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    @property
    def bad(self) -> int:
        return sum(s.bad for s in self.samples)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup in ``finally``
    env = bench_environment(args.scale)
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import django

    django.setup()
    prepare_database(args.scale)
    targets, cleanup = build_targets(args)
    from django.db import connections

    connections.close_all()
    loadgen = choose_loadgen(args.loadgen)
    print(header(args, loadgen, targets))
    server = start_server(env, args)
    try:
        base = f"http://{HOST}:{args.port}"
        wait_until_up(base + "/bench/bare", server)
        rows = [Row(t) for t in targets]
        for row in rows:  # warm-up: every worker imports and caches what it needs
            sample = run_load(loadgen, base, row.target, seconds=2, connections=args.connections)
            if sample.bad:
                raise SystemExit(f"{row.target.name}: warm-up got {sample.first_bad}")
        for round_no in range(1, args.rounds + 1):
            for row in rows:
                sample = run_load(
                    loadgen, base, row.target, seconds=args.seconds, connections=args.connections
                )
                row.samples.append(sample)
                print(
                    f"  round {round_no}: {row.target.name:44} {sample.rps:8.0f} req/s"
                    + (f"  {sample.bad} BAD ({sample.first_bad})" if sample.bad else ""),
                    flush=True,
                )
        rss = worker_memory(server.pid)
    finally:
        stop_server(server)
        cleanup()
    report = print_report(rows, rss)
    out = BENCH / "results" / f"http-{args.scale}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"\nresults written to {out.relative_to(ROOT)}")
    return 1 if any(r.bad for r in rows) else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "city"), default="demo")
    parser.add_argument("--seconds", type=float, default=5, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--only", action="append", default=[], help="endpoints whose name contains this"
    )
    return parser.parse_args()


def bench_environment(scale: str) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "HAOLINJU_DATA_DIR": str(DATA),
        "DATABASE_URL": f"sqlite:///{DATA / scale}.sqlite3",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def prepare_database(scale: str) -> None:
    """Migrate, collect static files (pages need the manifest), seed once."""
    import warnings

    from django.core.management import call_command

    warnings.filterwarnings("ignore", message="No directory at")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if scale == "demo":
        from haolinju.demo import seed_demo

        with open(os.devnull, "w") as devnull:
            seed_demo(stdout=devnull)
    else:
        from scenarios import prepare

        prepare("city", DATA / "city.seed.json")


def load_registry():
    import endpoints

    loops = BENCH / "loops"
    endpoints.LOOP_MODULES = [
        importlib.import_module(f"loops.{module.stem}")
        for module in (sorted(loops.glob("*.py")) if loops.is_dir() else [])
        if module.stem != "__init__"
    ]
    return endpoints


def build_targets(args) -> tuple[list[Target], callable]:
    """Fill every endpoint's placeholders; give each role a bearer token and a session."""
    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    from haolinju.accounts.models import ApiToken
    from haolinju.accounts.services import token_digest, token_issue

    registry = load_registry()
    fx = registry.Fixtures(args.scale)
    tokens, sessions = {}, {}
    targets = []
    for e in registry.ENDPOINTS:
        if args.scale not in e.scales:
            continue
        if args.only and not e.bare and not any(s in e.name for s in args.only):
            continue
        headers = {}
        if e.user and e.session:
            if e.user not in sessions:
                client = Client()
                client.force_login(fx.user(e.user))
                sessions[e.user] = client.cookies["sessionid"].value
            headers["Cookie"] = f"sessionid={sessions[e.user]}"
        elif e.user:
            if e.user not in tokens:
                tokens[e.user] = token_issue(user=fx.user(e.user), name="bench")
            headers["Authorization"] = f"Bearer {tokens[e.user]}"
        body = None
        if e.body is not None:
            body = json.dumps(fx.fill_body(e.body), ensure_ascii=False)
            headers["Content-Type"] = "application/json"
        targets.append(
            Target(e.name, e.method, fx.fill(e.path), headers, body, e.status, e.bare, e.tags)
        )

    started = timezone.now()

    def cleanup():
        """Remove what this run made (only it: another run may be going on)."""
        from haolinju.people.models import Person

        ApiToken.objects.filter(digest__in=[token_digest(t) for t in tokens.values()]).delete()
        Session.objects.filter(session_key__in=list(sessions.values())).delete()
        Person.objects.filter(name=registry.BENCH_NAME, created_at__gte=started).delete()
        for module in registry.LOOP_MODULES:  # a loop removes what its POSTs made
            if hasattr(module, "cleanup"):
                module.cleanup(started)

    return targets, cleanup


def choose_loadgen(wanted: str) -> str:
    have_wrk = shutil.which("wrk") is not None
    if wanted == "wrk" and not have_wrk:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or --loadgen python)")
    return "wrk" if wanted in ("auto", "wrk") and have_wrk else "python"


def header(args, loadgen: str, targets: list[Target]) -> str:
    import django

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return (
        f"HTTP benchmark, {args.scale} scale, {now}\n"
        f"granian WSGI, {args.workers} workers, --blocking-threads 1; Django {django.__version__},"
        f" Python {sys.version.split()[0]}, SQLite\n"
        f"load: {loadgen}, {args.connections} connections, {args.rounds} interleaved rounds of "
        f"{args.seconds:g} s per endpoint; CPUs {os.cpu_count()}, load average {load}\n"
        f"{len(targets)} endpoints"
    )


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
        "--host",
        HOST,
        "--port",
        str(args.port),
        "--no-ws",
        "--log-level",
        "warning",
        "haolinju.wsgi:application",
    ]
    log = open(DATA / "http-server.log", "w")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited; see {DATA / 'http-server.log'}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise SystemExit("server did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def worker_memory(pid: int) -> list[dict]:
    """Resident and peak memory of each granian worker (the server process's children)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != pid:
                continue
            status = (stat.parent / "status").read_text()
            mem = {
                k: int(v.split()[0]) // 1024
                for k, v in (line.split(":", 1) for line in status.splitlines())
                if k in ("VmRSS", "VmHWM")
            }
            out.append({"pid": int(stat.parent.name), "rss_mb": mem["VmRSS"], **mem})
    return sorted(out, key=lambda m: m["pid"])


# --- load generators -------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = "{method}"
{headers}
{body}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; first = 0 end
function response(status, headers, body)
  if status ~= {status} then
    bad = bad + 1
    if first == 0 then first = status end
  end
end
function done(summary, latency, requests)
  local b, f = 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    if t:get("first") ~= 0 then f = t:get("first") end
  end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %f %f\\n", summary.requests, summary.duration,
    b, f, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def run_load(loadgen: str, base: str, target: Target, *, seconds: float, connections: int):
    if loadgen == "wrk":
        return run_wrk(base, target, seconds=seconds, connections=connections)
    return run_python(base, target, seconds=seconds, connections=connections)


def run_wrk(base: str, target: Target, *, seconds: float, connections: int) -> Sample:
    headers = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    body = f"wrk.body = {_lua_string(target.body)}" if target.body is not None else ""
    script = WRK_SCRIPT.format(
        method=target.method, headers=headers, body=body, status=target.status
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                fh.name,
                base + target.path,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        os.unlink(fh.name)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {result.stdout}\n{result.stderr}")
    requests, duration_us, bad, first, errors, p50_us, p99_us = line.split()[1:]
    first_bad = f"status {first}" if int(first) else ("socket errors" if int(errors) else "")
    return Sample(
        requests=int(requests),
        seconds=int(duration_us) / 1e6,
        bad=int(bad) + int(errors),
        first_bad=first_bad,
        p50_ms=float(p50_us) / 1000,
        p99_ms=float(p99_us) / 1000,
    )


def _python_worker(job: tuple) -> tuple[list[float], int, str]:
    """One load process: ``threads`` keep-alive connections until the deadline."""
    base, target, deadline, threads = job
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    bad = [0, ""]
    lock = threading.Lock()

    def loop():
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        body = target.body.encode() if target.body is not None else None
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request(target.method, target.path, body=body, headers=target.headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
            if status != target.status:
                with lock:
                    bad[0] += 1
                    bad[1] = bad[1] or f"status {status}"
        conn.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, bad[0], bad[1]


def run_python(base: str, target: Target, *, seconds: float, connections: int) -> Sample:
    processes = 2
    started = time.monotonic()
    deadline = started + seconds
    jobs = [(base, target, deadline, max(1, connections // processes))] * processes
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_python_worker, jobs)
    elapsed = time.monotonic() - started
    latencies = sorted(x for lat, _, _ in results for x in lat)
    bad = sum(b for _, b, _ in results)
    first = next((f for _, _, f in results if f), "")
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Sample(len(latencies), elapsed, bad, first, cuts[49], cuts[98])


# --- report ----------------------------------------------------------------------------------


def print_report(rows: list[Row], rss: list[dict]) -> dict:
    bare = next(r for r in rows if r.target.bare)
    bare_rps = bare.median("rps")
    head = f"{'endpoint':46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}"
    print("\n" + head + "\n" + "-" * len(head))
    report = {"endpoints": [], "workers": rss}
    for r in rows:
        rps = r.median("rps")
        ratio = rps / bare_rps if bare_rps else 0.0
        print(
            f"{r.target.name:46} {rps:8,.0f} {r.median('p50_ms'):8.2f} {r.median('p99_ms'):8.2f}"
            f" {ratio:7.3f}" + (f"  {r.bad} BAD responses" if r.bad else "")
        )
        report["endpoints"].append(
            {
                "name": r.target.name,
                "rps": round(rps, 1),
                "p50_ms": round(r.median("p50_ms"), 3),
                "p99_ms": round(r.median("p99_ms"), 3),
                "ratio": round(ratio, 4),
                "bad": r.bad,
                "rounds": [asdict(s) for s in r.samples],
            }
        )
    print(
        "workers: "
        + ", ".join(f"pid {m['pid']} RSS {m['rss_mb']} MB (peak {m['VmHWM']} MB)" for m in rss)
    )
    return report


if __name__ == "__main__":
    raise SystemExit(main())
