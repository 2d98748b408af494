"""Activities (issue 8) endpoints for the HTTP benchmark: the phone's list, detail and record
pages, the organiser's page and review desk, the API reads and the public verification.

Writes are not looped here (a repeated sign-up is a 409 by design): the burst of 2,000
simultaneous sign-ups for 50 places has its own script, ``bench/activities_burst.py``, which
gives each request its own account and checks the outcome."""

from endpoints import ROLES, Endpoint, fixture, register

ROLES.setdefault("volunteer", ("volunteer", "", "compound"))


def _demo_only(fx):
    if fx.scale != "demo":
        raise SystemExit("activities endpoints run at demo scale")


@fixture("activity")
def _activity(fx):
    """A published activity in the secretary's compound (the volunteer's home)."""
    _demo_only(fx)
    from haolinju.activities.models import Activity, ActivityStatus

    compound = fx.governed("secretary")
    return (
        Activity.objects.filter(
            area_path=compound.path,
            status__in=[ActivityStatus.PUBLISHED, ActivityStatus.ONGOING],
        )
        .order_by("starts_at")
        .values_list("id", flat=True)[0]
    )


@fixture("volunteer_person")
def _volunteer_person(fx):
    return fx.person("volunteer").pk


@fixture("certificate")
def _certificate(fx):
    from haolinju.activities.models import Certificate

    return Certificate.objects.values_list("number", flat=True).order_by("id")[0]


register(
    Endpoint(
        "GET /api/v1/activities (volunteer)",
        "/api/v1/activities?limit=50",
        user="volunteer",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/activities/{id} (volunteer)",
        "/api/v1/activities/{activity}",
        user="volunteer",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/volunteers/{id}/records (volunteer)",
        "/api/v1/volunteers/{volunteer_person}/records",
        user="volunteer",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/correction-requests (secretary)",
        "/api/v1/correction-requests",
        user="secretary",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/certificates/{n}/verify (public)",
        "/api/v1/certificates/{certificate}/verify",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "HTML /activities/ (volunteer)",
        "/activities/",
        user="volunteer",
        session=True,
        scales=("demo",),
        tags=("html",),
    ),
    Endpoint(
        "HTML /activities/{id}/ (volunteer)",
        "/activities/{activity}/",
        user="volunteer",
        session=True,
        scales=("demo",),
        tags=("html",),
    ),
    Endpoint(
        "HTML /activities/record/ (volunteer)",
        "/activities/record/",
        user="volunteer",
        session=True,
        scales=("demo",),
        tags=("html",),
    ),
    Endpoint(
        "HTML /activities/{id}/manage/ (secretary)",
        "/activities/{activity}/manage/",
        user="secretary",
        session=True,
        scales=("demo",),
        tags=("html",),
    ),
    Endpoint(
        "HTML /activities/review/ (secretary)",
        "/activities/review/",
        user="secretary",
        session=True,
        scales=("demo",),
        tags=("html",),
    ),
)
