"""The deliberation loop's endpoints for the HTTP benchmark (``bench/http_bench.py``).

The headline is the live tally of the demo's open owners' vote over HTTP — target ≥ 0.2 × the
bare JSON view under the same server (issue 10, benchmark) — beside the pages an owner and the
returning officer open while a vote runs, and the meeting and task tracker."""

from __future__ import annotations

from endpoints import Endpoint, fixture, register


@fixture("open_vote")
def _open_vote(fx):
    """The demo's vote in progress in the secretary's compound (the secretary counts it)."""
    from haolinju.deliberation.models import Vote

    compound = fx.governed("secretary")
    return (
        Vote.objects.filter(area_path__startswith=compound.path, status="open")
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


@fixture("open_task")
def _open_task(fx):
    from haolinju.deliberation.models import Task

    compound = fx.governed("secretary")
    return (
        Task.objects.filter(area_path__startswith=compound.path)
        .order_by("-id")
        .values_list("id", flat=True)[0]
    )


register(
    Endpoint(
        "GET /api/v1/votes/{id}/tally (secretary)",
        "/api/v1/votes/{open_vote}/tally",
        user="secretary",
        scales=("demo",),
        tags=("api", "deliberation"),
    ),
    Endpoint(
        "GET /api/v1/votes/{id} (secretary)",
        "/api/v1/votes/{open_vote}",
        user="secretary",
        scales=("demo",),
        tags=("api", "deliberation"),
    ),
    Endpoint(
        "GET /api/v1/tasks?limit=50 (secretary)",
        "/api/v1/tasks?limit=50",
        user="secretary",
        scales=("demo",),
        tags=("api", "deliberation"),
    ),
    Endpoint(
        "HTML /deliberation/votes/{id}/ (secretary)",
        "/deliberation/votes/{open_vote}/",
        user="secretary",
        session=True,
        scales=("demo",),
        tags=("html", "deliberation"),
    ),
    Endpoint(
        "HTML /deliberation/tasks/ (secretary)",
        "/deliberation/tasks/",
        user="secretary",
        session=True,
        scales=("demo",),
        tags=("html", "deliberation"),
    ),
    Endpoint(
        "HTML /deliberation/tasks/{id}/ (secretary)",
        "/deliberation/tasks/{open_task}/",
        user="secretary",
        session=True,
        scales=("demo",),
        tags=("html", "deliberation"),
    ),
)
