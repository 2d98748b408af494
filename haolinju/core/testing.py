"""Query budgets for tests: an N+1 fails the suite instead of slowing production.

    from haolinju.core.testing import assert_query_budget, queries_of

    def test_orders_list_budget(client, grow):
        assert_query_budget(lambda: client.get("/api/v1/orders"), 5, grow=lambda: grow(50))

``assert_query_budget`` runs the call, grows the data (``grow``), runs it again, and asserts
both runs made exactly ``budget`` queries — the same number at both sizes is what proves the
count does not depend on the rows. ``queries_of`` counts through an execute wrapper, so it also
counts queries of requests made with the test client (whose ``request_started`` signal clears
Django's own query log).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections


def queries_of(call: Callable[[], object], *, using: str = "default") -> tuple[object, list[str]]:
    """Run ``call``; return its result and every SQL statement it sent to ``using``."""
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(record):
        result = call()
    return result, statements


def assert_query_budget(
    call: Callable[[], object],
    budget: int,
    *,
    grow: Callable[[], object] | None = None,
    check: Callable[[object], object] | None = None,
    warm: bool = True,
    using: str = "default",
) -> None:
    """``call`` makes exactly ``budget`` queries, and still does after ``grow()``.

    ``check(result)`` runs on each result (e.g. that the response was a 200), so a budget is
    never met by an error page. With ``warm`` the call runs once first, unmeasured: one-off
    work (a token's first ``last_used_at`` stamp, a fresh session) is not the steady state.
    """
    if warm:
        call()
    sizes = [None, grow] if grow is not None else [None]
    for step in sizes:
        if step is not None:
            step()
        result, statements = queries_of(call, using=using)
        if check is not None:
            check(result)
        label = "after growing the data" if step is not None else "at the first size"
        listing = "\n".join(f"  {i + 1}. {sql[:300]}" for i, sql in enumerate(statements))
        assert len(statements) == budget, (
            f"{len(statements)} queries {label}, budget {budget}:\n{listing}"
        )
