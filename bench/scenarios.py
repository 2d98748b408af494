"""What the benchmark measures, on which nodes and as whom."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from measure import Timing, query_costs, time_it

from haolinju.accounts.models import User
from haolinju.core.pagination import paginate
from haolinju.core.scope import successor
from haolinju.dashboard.selectors import area_node, node_counts
from haolinju.demo.scale import SCALE_MARK, scale_data_exists, seed_scale
from haolinju.org.models import Area, AreaKind
from haolinju.people.models import Person, Title
from haolinju.people.selectors import person_list

TARGET_NODE_MS = 50.0
TARGET_PEOPLE_PAGE_MS = 100.0


def prepare(scale: str, info_path: Path, *, persons: int | None = None) -> dict:
    """Migrate; seed the scale unless it is there (the seeding report is kept beside the db)."""
    call_command("migrate", verbosity=0)
    if scale_data_exists():
        return json.loads(info_path.read_text()) if info_path.exists() else {}
    print(f"seeding {scale} scale (once; reused on later runs) …", file=sys.stderr)
    info = seed_scale(scale=scale, persons=persons, progress=True, stdout=sys.stderr)
    info["seeded_at"] = dt.datetime.now().isoformat(timespec="seconds")
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return info


@dataclass
class Result:
    timing: Timing
    ceiling: Timing | None
    target_ms: float | None
    fn: object


def fresh(user: User) -> User:
    """The same account as a new request would see it: jurisdiction not yet resolved."""
    clone = copy.copy(user)
    clone.__dict__.pop("_haolinju_jurisdiction", None)
    return clone


def bench_user(username: str, title: str, area: Area) -> User:
    """A login for someone holding ``title`` at ``area`` (the scaled data has no accounts)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    person = Person.objects.filter(
        positions__title=title, positions__area=area, user__isnull=True
    ).first()
    user = User.objects.create(username=username, display_name=person.name)
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


def page_of(selector, user: User):
    """The API's people page: first 50 of the scoped list, plus its count."""

    def page():
        result = paginate(selector(actor=fresh(user)), offset=0, limit=50)
        return [p.pk for p in result.items], result.count

    return page


def count_in_subtree(area: Area) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM people_person WHERE area_path >= %s AND area_path < %s",
            [area.path, successor(area.path)],
        )
        return cursor.fetchone()[0]


def first_page_by_id() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person ORDER BY id LIMIT 50")
        return cursor.fetchall()


class Scenario:
    def __init__(self, root: Area, district: Area, street: Area, community: Area):
        self.root, self.district, self.street, self.community = root, district, street, community
        self.district_user = bench_user("bench-district", Title.DISTRICT_STAFF, district)
        self.street_user = bench_user("bench-street", Title.STREET_STAFF, street)

    @classmethod
    def load(cls) -> Scenario:
        root = Area.objects.get(parent__isnull=True, name__endswith=SCALE_MARK)
        district = Area.objects.filter(path__startswith=root.path, kind=AreaKind.DISTRICT).first()
        street = Area.objects.filter(parent=district).order_by("path").first()
        community = Area.objects.filter(parent=street).order_by("path").first()
        return cls(root, district, street, community)

    def describe(self) -> str:
        lines = []
        for area in dict.fromkeys((self.root, self.district, self.street, self.community)):
            lines.append(f"  {area.kind:9} {area.name}: {count_in_subtree(area):,} persons")
        return "nodes:\n" + "\n".join(lines)

    def run(self, *, repeat: int, http: bool) -> list[Result]:
        results = []
        nodes = [(self.district, TARGET_NODE_MS), (self.street, TARGET_NODE_MS)]
        nodes += [(self.community, TARGET_NODE_MS)]
        if self.root != self.district:  # at district scale the root is the district
            nodes.append((self.root, None))
        for area, target in nodes:
            ceiling = time_it(
                f"  ceiling COUNT(*) {area.kind}", lambda a=area: count_in_subtree(a), repeat=repeat
            )
            for label, fn in (
                (f"node_counts({area.kind})", lambda a=area: node_counts(a)),
                (
                    f"area_node({area.kind}) as district staff",
                    lambda a=area: area_node(actor=fresh(self.district_user), area_id=a.pk),
                ),
            ):
                if area is self.root and "area_node" in label:
                    continue  # district staff cannot open the root
                results.append(Result(time_it(label, fn, repeat=repeat), ceiling, target, fn))
        ceiling = time_it("  ceiling page by id", first_page_by_id, repeat=repeat)
        for who, user in (("street", self.street_user), ("district", self.district_user)):
            target = TARGET_PEOPLE_PAGE_MS if user is self.street_user else None
            fn = page_of(person_list, user)
            label = f"people page + count as {who} staff"
            results.append(Result(time_it(label, fn, repeat=repeat), ceiling, target, fn))
        if http:
            results += self.run_http(repeat=repeat)
        return results

    def run_http(self, *, repeat: int) -> list[Result]:
        from django.test import Client

        from haolinju.accounts.services import token_issue

        out = []
        for label, user, url, target in (
            (
                "HTTP GET /api/v1/areas/{district}",
                self.district_user,
                f"/api/v1/areas/{self.district.pk}",
                TARGET_NODE_MS,
            ),
            (
                "HTTP GET /api/v1/people?limit=50 (street)",
                self.street_user,
                "/api/v1/people?limit=50",
                TARGET_PEOPLE_PAGE_MS,
            ),
        ):
            client = Client(
                HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}"
            )

            def get(c=client, u=url):
                response = c.get(u)
                assert response.status_code == 200, response.content[:200]

            out.append(Result(time_it(label, get, repeat=repeat), None, target, get))
        return out

    def explain(self, result: Result) -> None:
        print(f"\n{result.timing.name}: median {result.timing.median:.1f} ms — its queries:")
        for cost in sorted(query_costs(result.fn), key=lambda c: -c.ms):
            print(f"  {cost.ms:8.2f} ms  {cost.sql[:300]}")
            for line in cost.plan:
                print(f"             plan: {line}")
