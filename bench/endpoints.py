"""The endpoints the HTTP benchmark drives: a small registry every loop appends to.

An ``Endpoint`` names a path with ``{placeholders}``; each placeholder is a *fixture*, a function
of the ``Fixtures`` context (run once, in the benchmark's parent process, before the server
starts) that returns an id or a string. A loop adds its endpoints in its own module under
``bench/loops/`` (imported automatically), e.g.::

    from endpoints import Endpoint, fixture, register

    @fixture("open_order")
    def _open_order(fx):
        return fx.first_id("cases.Order", area_path__startswith=fx.compound().path)

    register(Endpoint("GET /api/v1/orders/{id}", "/api/v1/orders/{open_order}", user="secretary"))

``user`` is a role (see ``ROLES``): the request carries that account's bearer token, or its
session cookie with ``session=True`` (HTML pages). ``body`` makes it a JSON POST; ``status`` is
the one status every response must have (anything else fails the run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

BENCH_NAME = "压测居民"  # persons the POST endpoint registers; deleted after the run


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    user: str | None = None  # a role in ROLES; None: anonymous
    session: bool = False  # authenticate with the session cookie instead of a bearer token
    method: str = "GET"
    body: dict | None = None  # JSON body (values may hold placeholders too)
    status: int = 200
    scales: tuple[str, ...] = ("demo", "city")
    bare: bool = False  # the ceiling every ratio divides by
    tags: tuple[str, ...] = field(default_factory=tuple)  # "api", "html", "write", …


ENDPOINTS: list[Endpoint] = []
FIXTURES: dict[str, Callable] = {}


def register(*endpoints: Endpoint) -> None:
    names = {e.name for e in ENDPOINTS}
    for endpoint in endpoints:
        if endpoint.name in names:
            raise ValueError(f"endpoint registered twice: {endpoint.name}")
        ENDPOINTS.append(endpoint)
        names.add(endpoint.name)


def fixture(name: str):
    def decorate(fn):
        FIXTURES[name] = fn
        return fn

    return decorate


# role → (demo username, title and level of the account created at city scale)
ROLES = {
    "district": ("district", "district_staff", "district"),
    "secretary": ("secretary", "branch_secretary", "compound"),
}


class Fixtures:
    """Resolves roles to accounts and placeholders to values, once, in the parent process."""

    def __init__(self, scale: str):
        self.scale = scale
        self._values: dict[str, object] = {}
        self._users: dict[str, object] = {}

    def user(self, role: str):
        if role not in self._users:
            from django.contrib.auth import get_user_model

            demo_name, title, level = ROLES[role]
            if self.scale == "demo":
                self._users[role] = get_user_model().objects.get(username=demo_name)
            else:
                self._users[role] = self._scaled_user(f"bench-{role}", title, level)
        return self._users[role]

    def _scaled_user(self, username: str, title: str, level: str):
        """The scaled data has no accounts: link one to a holder of ``title`` at ``level``."""
        from django.contrib.auth import get_user_model

        from haolinju.people.models import Person

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        person = (
            Person.objects.filter(
                positions__title=title, positions__area__kind=level, user__isnull=True
            )
            .order_by("positions__area__path", "id")
            .first()
        )
        user = User.objects.create(username=username, display_name=person.name)
        Person.objects.filter(pk=person.pk).update(user=user)
        return user

    def person(self, role: str):
        from haolinju.people.models import Person

        return Person.objects.get(user=self.user(role))

    def governed(self, role: str):
        """The first area ``role``'s account governs."""
        from haolinju.org.models import Area
        from haolinju.people.selectors import active_positions

        position = active_positions().filter(person=self.person(role)).order_by("area_path")[0]
        return Area.objects.get(pk=position.area_id)

    def value(self, name: str):
        if name not in self._values:
            self._values[name] = FIXTURES[name](self)
        return self._values[name]

    def fill(self, text: str) -> str:
        import string

        names = [n for _, n, _, _ in string.Formatter().parse(text) if n]
        return text.format(**{n: self.value(n) for n in names})

    def fill_body(self, body):
        if isinstance(body, dict):
            return {k: self.fill_body(v) for k, v in body.items()}
        if isinstance(body, str):
            whole = body[1:-1]
            if body.startswith("{") and body.endswith("}") and whole.isidentifier():
                return self.value(whole)  # "{unit}" → the fixture itself (an int stays an int)
            return self.fill(body)
        return body


@fixture("row")
def _row(fx):
    from haolinju.people.models import Person

    return Person.objects.order_by("id").values_list("id", flat=True)[0]


@fixture("district")
def _district(fx):
    return fx.governed("district").pk


@fixture("compound")
def _compound(fx):
    return fx.governed("secretary").pk


@fixture("neighbour")
def _neighbour(fx):
    """A person in the secretary's compound other than the secretary."""
    from haolinju.people.models import Person

    compound = fx.governed("secretary")
    return (
        Person.objects.filter(area_path__startswith=compound.path)
        .exclude(user=fx.user("secretary"))
        .order_by("area_path", "id")
        .values_list("id", flat=True)[0]
    )


@fixture("unit")
def _unit(fx):
    from haolinju.org.models import Area

    compound = fx.governed("secretary")
    return (
        Area.objects.filter(path__startswith=compound.path, kind="unit")
        .order_by("path")
        .values_list("id", flat=True)[0]
    )


register(
    Endpoint("bare JSON view", "/bench/bare", bare=True, tags=("bare",)),
    Endpoint("bare one-row read by pk", "/bench/row/{row}", tags=("bare",)),
    Endpoint("GET /api/v1/me (secretary)", "/api/v1/me", user="secretary", tags=("api",)),
    Endpoint(
        "GET /api/v1/people?limit=50 (secretary)",
        "/api/v1/people?limit=50",
        user="secretary",
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/people?limit=50 (district)",
        "/api/v1/people?limit=50",
        user="district",
        tags=("api", "city"),
    ),
    Endpoint(
        "GET /api/v1/people/{id} (secretary)",
        "/api/v1/people/{neighbour}",
        user="secretary",
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/areas/{district} (district)",
        "/api/v1/areas/{district}",
        user="district",
        tags=("api", "city"),
    ),
    Endpoint(
        "GET /api/v1/areas/{compound} (secretary)",
        "/api/v1/areas/{compound}",
        user="secretary",
        tags=("api",),
    ),
    Endpoint("HTML / (secretary)", "/", user="secretary", session=True, tags=("html",)),
    Endpoint(
        "HTML /people/ (secretary)", "/people/", user="secretary", session=True, tags=("html",)
    ),
    Endpoint(
        "HTML /areas/{compound}/ (secretary)",
        "/areas/{compound}/",
        user="secretary",
        session=True,
        tags=("html",),
    ),
    Endpoint(
        "HTML /areas/{district}/ (district)",
        "/areas/{district}/",
        user="district",
        session=True,
        tags=("html",),
    ),
    Endpoint(
        "POST /api/v1/people (secretary)",
        "/api/v1/people",
        user="secretary",
        method="POST",
        body={"area_id": "{unit}", "name": BENCH_NAME},
        status=201,
        scales=("demo",),
        tags=("write",),
    ),
)
