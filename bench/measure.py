"""Timing helpers: run a callable many times, report median and p95, explain its queries."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Timing:
    """Wall-clock samples, and CPU-time samples of this process (on a shared machine the CPU
    time shows the work itself; the wall time adds waiting for a CPU)."""

    name: str
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_it(name: str, fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times timed (milliseconds)."""
    for _ in range(warmup):
        fn()
    timing = Timing(name)
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        timing.samples_ms.append((time.perf_counter() - started) * 1000)
        timing.cpu_ms.append((time.process_time() - cpu_started) * 1000)
    return timing


@dataclass
class QueryCost:
    sql: str
    params: tuple
    ms: float
    plan: list[str]


def query_costs(fn: Callable[[], object], *, repeat: int = 5) -> list[QueryCost]:
    """Each query ``fn`` runs, with its median time when re-run alone and its query plan."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    costs = []
    for query in captured.captured_queries:
        sql = query["sql"]
        costs.append(_cost(sql, repeat))
    return costs


def _cost(sql: str, repeat: int) -> QueryCost:
    """Re-run one captured statement (already interpolated by Django's debug cursor)."""
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        plan = explain(cursor, sql)
    return QueryCost(sql, (), statistics.median(samples), plan)


def explain(cursor, sql: str) -> list[str]:
    if connection.vendor == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    return [row[0] for row in cursor.fetchall()]
