"""The service loop's endpoints for the HTTP benchmark (``bench/http_bench.py``).

The five calls of the loop as the issue names them — a resident asks (POST), the secretary's
board and case (GET list, detail with timeline and actions), the ranked suggestions, a move
(``comment``, allowed from every state, so every request of the run succeeds) — then the
remaining reads: stats, mediation, micro-review, the HTML pages and Open311 (JSON and XML).
The demo accounts: ``resident``, ``secretary``, ``member`` (and the roles are added here, not
in ``endpoints.py``). At city scale only the secretary's reads run (the scaled data has no
resident accounts).
"""

from __future__ import annotations

from endpoints import ROLES, Endpoint, fixture, register

ROLES.setdefault("resident", ("resident", "resident", "unit"))
ROLES.setdefault("member", ("member", "member", "unit"))

BENCH_CASE_TITLE = "压测诉求"  # cases the POST endpoint creates


def _compound_cases(fx):
    from haolinju.cases.models import Case

    return Case.objects.filter(owner_area_path__startswith=fx.governed("secretary").path)


@fixture("open_case")
def _open_case(fx):
    """An open service order of the secretary's compound."""
    return (
        _compound_cases(fx)
        .filter(kind="service_order", state_type="open")
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


@fixture("mediation_case")
def _mediation_case(fx):
    """A mediation case the member mediates (the demo gives the member two)."""
    cases = _compound_cases(fx).filter(kind="mediation", assignee_person=fx.person("member"))
    return cases.order_by("id").values_list("id", flat=True)[0]


@fixture("report_case")
def _report_case(fx):
    """A rectified public problem report (the micro-review's subject)."""
    return (
        _compound_cases(fx)
        .filter(kind="problem_report", status__in=["resolved", "rated"])
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


DEMO = ("demo",)
register(
    Endpoint(
        "POST /api/v1/cases (resident)",
        "/api/v1/cases",
        user="resident",
        method="POST",
        body={
            "kind": "service_order",
            "category": "repair",
            "title": BENCH_CASE_TITLE,
            "description": "压测：厨房水龙头滴水，麻烦派人看看。",
        },
        status=201,
        scales=DEMO,
        tags=("write", "cases"),
    ),
    Endpoint(
        "GET /api/v1/cases (secretary)", "/api/v1/cases", user="secretary", tags=("api", "cases")
    ),
    Endpoint(
        "GET /api/v1/cases/{id} (secretary)",
        "/api/v1/cases/{open_case}",
        user="secretary",
        tags=("api", "cases"),
    ),
    Endpoint(
        "GET /api/v1/cases/{id}/suggestions (secretary)",
        "/api/v1/cases/{open_case}/suggestions",
        user="secretary",
        tags=("api", "cases"),
    ),
    Endpoint(
        "POST /api/v1/cases/{id}/transitions comment (secretary)",
        "/api/v1/cases/{open_case}/transitions",
        user="secretary",
        method="POST",
        body={"action": "comment", "note": "压测留言"},
        scales=DEMO,
        tags=("write", "cases"),
    ),
    Endpoint(
        "GET /api/v1/cases/stats (secretary)",
        "/api/v1/cases/stats?area={compound}",
        user="secretary",
        tags=("api", "cases"),
    ),
    Endpoint(
        "GET /api/v1/cases/{id}/mediation (member)",
        "/api/v1/cases/{mediation_case}/mediation",
        user="member",
        scales=DEMO,
        tags=("api", "cases"),
    ),
    Endpoint(
        "GET /api/v1/cases/{id}/micro-reviews (resident)",
        "/api/v1/cases/{report_case}/micro-reviews",
        user="resident",
        scales=DEMO,
        tags=("api", "cases"),
    ),
    Endpoint(
        "HTML /cases/board/ (secretary)",
        "/cases/board/",
        user="secretary",
        session=True,
        tags=("html", "cases"),
    ),
    Endpoint(
        "HTML /cases/{id}/ (secretary)",
        "/cases/{open_case}/",
        user="secretary",
        session=True,
        tags=("html", "cases"),
    ),
    Endpoint(
        "HTML /cases/ (resident)",
        "/cases/",
        user="resident",
        session=True,
        scales=DEMO,
        tags=("html", "cases"),
    ),
    Endpoint(
        "HTML /cases/reviews/ (resident)",
        "/cases/reviews/",
        user="resident",
        session=True,
        scales=DEMO,
        tags=("html", "cases"),
    ),
    Endpoint("GET /open311/v2/requests.json", "/open311/v2/requests.json", tags=("api", "cases")),
    Endpoint("GET /open311/v2/requests.xml", "/open311/v2/requests.xml", tags=("api", "cases")),
)


def cleanup(started) -> None:
    """Delete the cases the POST endpoint created (their details cascade; timeline events are
    insert-only audit rows and stay)."""
    from haolinju.cases.models import Case

    Case.objects.filter(title=BENCH_CASE_TITLE, created_at__gte=started).delete()
