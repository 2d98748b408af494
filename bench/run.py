"""Benchmarks of the two hottest reads against a ceiling measured in the same run.

    .venv/bin/python bench/run.py --scale city          # seeds data/bench/city.sqlite3 once

(a) an area node with all its counts (district, street, community) vs a bare indexed
    ``SELECT COUNT(*)`` over the same subtree of the person table;
(b) a street worker's first page of 50 people plus its count (as the API paginates) vs a bare
    primary-key page read of the same table.
Targets at city scale on SQLite: node with counts ≤ 50 ms, people page ≤ 100 ms (median).
A missed target prints every query of the operation with its time and query plan.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    args = parse_args()
    data_dir = ROOT / "data" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    name = args.scale if args.persons is None else f"{args.scale}-{args.persons}"
    db_path = data_dir / f"{name}.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haolinju.settings.base")
    os.environ.setdefault("HAOLINJU_DATA_DIR", str(data_dir))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{db_path}"
    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no static here
    import django

    django.setup()
    from scenarios import Scenario, prepare

    seed_info = prepare(args.scale, data_dir / f"{name}.seed.json", persons=args.persons)
    scenario = Scenario.load()
    print_header(args, seed_info, scenario)
    results = scenario.run(repeat=args.repeat, http=args.http)
    report = print_results(results)
    missed = [r for r in results if r.target_ms is not None and r.timing.median > r.target_ms]
    for result in missed:
        scenario.explain(result)
    out = ROOT / "bench" / "results" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"seed": seed_info, "results": report}, ensure_ascii=False, indent=1))
    print(f"\nresults written to {out.relative_to(ROOT)}")
    return 1 if missed else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("district", "city", "province"), default="city")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--http", action="store_true", help="also through the API (test client)")
    parser.add_argument("--persons", type=int, help="override the scale's size (quick checks)")
    parser.add_argument("--database-url", help="another database (default: SQLite under data/)")
    return parser.parse_args()


def print_header(args, seed_info: dict, scenario) -> None:
    from django.db import connection

    engine = connection.vendor
    if engine == "sqlite":
        engine += f" {sqlite3.sqlite_version}"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"scale {args.scale}: {seed_info.get('persons', '?'):,} persons on {engine}")
    print(
        f"seeded in {seed_info.get('seconds', '?')} s ({seed_info.get('seeded_at', 'earlier')}); "
        f"rows: {seed_info.get('rows', {})}"
    )
    print(f"CPUs {os.cpu_count()}, load average {load}; {args.repeat} timed runs each")
    print(scenario.describe())


def print_results(results) -> list[dict]:
    columns = ("median", "p95", "cpu", "ceiling")
    header = (
        f"{'measurement':46} " + " ".join(f"{c:>9}" for c in columns) + f" {'ratio':>7}  target"
    )
    print("\n" + header + "\n" + "-" * len(header))
    report = []
    for r in results:
        ceiling = r.ceiling.median if r.ceiling else None
        ratio = r.timing.median / ceiling if ceiling else None
        verdict = ""
        if r.target_ms is not None:
            ok = r.timing.median <= r.target_ms
            verdict = f"≤ {r.target_ms:.0f} ms {'met' if ok else 'MISSED'}"
        print(
            f"{r.timing.name:46} {r.timing.median:7.1f}ms {r.timing.p95:7.1f}ms "
            f"{r.timing.cpu_median:7.1f}ms "
            f"{_ms(ceiling):>9} {_ratio(ratio):>7}  {verdict}"
        )
        report.append(
            {
                "name": r.timing.name,
                "median_ms": round(r.timing.median, 3),
                "p95_ms": round(r.timing.p95, 3),
                "cpu_median_ms": round(r.timing.cpu_median, 3),
                "ceiling_median_ms": round(ceiling, 3) if ceiling else None,
                "ratio": round(ratio, 2) if ratio else None,
                "target_ms": r.target_ms,
            }
        )
    return report


def _ms(value) -> str:
    return f"{value:.1f}ms" if value is not None else "-"


def _ratio(value) -> str:
    return f"{value:.1f}×" if value is not None else "-"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
