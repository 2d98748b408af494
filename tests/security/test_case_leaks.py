"""Zero leaks in the service loop: for every actor of the random world and every case, the API
list, the detail, the photos and the stats show a case exactly when the first-principles rule
below says so, and answer the same 404 otherwise; an anonymous reporter is never named to the
public.

The rule, restated without the selectors' code (parent links, position rows, literal titles):
a case is visible to a superuser; to its requester and its assignee person; to anyone holding a
current position with the assignee organisation or an organisation summoned to it, or in the
volunteer team it was given to; to holders of a people-directory post over its area or over the
area that owns it; and, for a public, unlocked problem report, to anyone who may read the
public data of its area (their own compound, or any post over it).
"""

from __future__ import annotations

import io
import random

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from PIL import Image

from haolinju.accounts.services import token_issue
from haolinju.cases.models import (
    Attachment,
    Case,
    CaseKind,
    Category,
    ProblemReportDetail,
    ServiceOrderDetail,
    Summons,
)
from haolinju.org.models import AreaKind
from haolinju.people.models import Volunteer

from .world import PEOPLE_DIRECTORY_TITLES, SEED, Actor, World, build_world

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "未找到", "errors": []}
CASES = 36


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.tokens = {a.user.pk: token_issue(user=a.user) for a in built.actors}
        built.cases = _cases(built, random.Random(SEED + 7))
        yield built
        transaction.set_rollback(True)


def _compound_of(world: World, area_id: int) -> int:
    for aid in world.ancestors_or_self(area_id):
        if world.areas[aid].kind == AreaKind.COMPOUND:
            return aid
    raise AssertionError("no compound")


def _cases(world: World, rng: random.Random) -> list[Case]:
    places = [a for a in world.areas.values() if a.kind in (AreaKind.COMPOUND, AreaKind.UNIT)]
    people = list(world.people.values())
    orgs = list(world.organisations.values())
    repair = Category.objects.get(code="repair")
    litter = Category.objects.get(code="litter")
    photo = _jpeg()
    made = []
    for n in range(CASES):
        area = rng.choice(places)
        owner = world.areas[_compound_of(world, area.pk)]
        report = n % 3 == 0
        case = Case.objects.create(
            kind=CaseKind.PROBLEM_REPORT if report else CaseKind.SERVICE_ORDER,
            category=litter if report else repair,
            title=f"诉求{n}",
            description="描述",
            area=area,
            area_path=area.path,
            requester=rng.choice(people),
            owner_area=owner,
            owner_area_path=owner.path,
            assignee_person=rng.choice(people) if n % 4 == 1 else None,
            assignee_organisation=rng.choice(orgs) if n % 4 == 2 else None,
            locked=n % 9 == 0,
            created_at=timezone.now(),
        )
        if report:
            ProblemReportDetail.objects.create(case=case, public=n % 2 == 0, anonymous=True)
        else:
            ServiceOrderDetail.objects.create(case=case, order_type="help")
        if n % 5 == 0:
            now = timezone.now()
            Summons.objects.create(
                case=case, organisation=rng.choice(orgs), area_path=case.area_path,
                whistled_at=now, report_in_due_at=now,
            )  # fmt: skip
        Attachment.objects.create(case=case, role="report", content=photo)
        made.append(case)
    return made


def _acts_for(world: World, actor: Actor) -> set[int]:
    orgs = {p.organisation_id for p in world.current_positions(actor) if p.organisation_id}
    if actor.person_id is not None:
        team = Volunteer.objects.filter(person_id=actor.person_id).values_list("team_id", flat=True)
        orgs |= {t for t in team if t}
    return orgs


def expected(world: World, actor: Actor, case: Case) -> bool:
    if actor.is_superuser:
        return True
    if actor.person_id is not None and actor.person_id in (
        case.requester_id,
        case.assignee_person_id,
    ):
        return True
    orgs = _acts_for(world, actor)
    summoned = set(Summons.objects.filter(case=case).values_list("organisation_id", flat=True))
    if case.assignee_organisation_id in orgs or summoned & orgs:
        return True
    for p in world.current_positions(actor):
        if p.title in PEOPLE_DIRECTORY_TITLES and (
            world.within(case.area_id, p.area_id) or world.within(case.owner_area_id, p.area_id)
        ):
            return True
    if case.kind == CaseKind.PROBLEM_REPORT and not case.locked and case.report.public:
        return world.sees_area(actor, case.area_id)
    return False


def sees_in_full(world: World, actor: Actor, case: Case) -> bool:
    """Everyone but the public viewer of a public report."""
    if not expected(world, actor, case):
        return False
    if case.kind != CaseKind.PROBLEM_REPORT or not case.report.public:
        return True
    public_only = Case.objects.filter(pk=case.pk)  # re-evaluate without the public rule
    case_copy = public_only.get()
    case_copy.kind = CaseKind.SERVICE_ORDER
    return expected(world, actor, case_copy)


def api(world: World, actor: Actor) -> Client:
    client = Client(raise_request_exception=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor.user.pk]}"
    return client


def test_the_world_has_cases_both_visible_and_hidden(world):
    """The sample exercises the rule: some actor sees some but not all cases."""
    seen = [sum(expected(world, a, c) for c in world.cases) for a in world.actors]
    assert any(0 < n < len(world.cases) for n in seen)


def test_api_case_list_is_exactly_the_visible_cases(world):
    """Each actor's case list (all pages) holds exactly the cases the rule allows."""
    ids = {c.pk for c in world.cases}
    for actor in world.actors:
        r = api(world, actor).get("/api/v1/cases", {"limit": 200})
        assert r.status_code == 200
        got = {i["id"] for i in r.json()["items"]} & ids
        want = {c.pk for c in world.cases if expected(world, actor, c)}
        assert got == want, actor.label


def test_api_detail_and_photo_are_visible_iff_allowed_else_identical_404(world):
    """Detail and photo answer 200 exactly when allowed; otherwise the same 404 body, whether
    the case exists or not. An anonymous reporter is named only to full viewers."""
    rng = random.Random(SEED + 11)
    for actor in world.actors:
        client = api(world, actor)
        web = Client()
        web.force_login(actor.user)
        for case in rng.sample(world.cases, 4):
            allowed = expected(world, actor, case)
            r = client.get(f"/api/v1/cases/{case.pk}")
            assert r.status_code == (200 if allowed else 404), (actor.label, case.pk)
            if not allowed:
                assert r.json() == NOT_FOUND
            elif case.kind == CaseKind.PROBLEM_REPORT:
                named = r.json()["requester"] is not None
                assert named == sees_in_full(world, actor, case), (actor.label, case.pk)
            photo = Attachment.objects.filter(case=case).first()
            status = web.get(f"/cases/photos/{photo.pk}/").status_code
            assert status == (200 if allowed else 404), (actor.label, case.pk)
        assert client.get("/api/v1/cases/999999999").json() == NOT_FOUND


def test_api_stats_only_for_people_scope_over_the_area(world):
    """The rates of an area are readable exactly by holders of a people-directory post over it
    (or a superuser); everyone else gets the 404."""
    rng = random.Random(SEED + 13)
    compounds = [a for a in world.areas.values() if a.kind == AreaKind.COMPOUND]
    for actor in world.actors:
        for area in rng.sample(compounds, 3):
            r = api(world, actor).get("/api/v1/cases/stats", {"area": area.pk})
            allowed = world.reads_people_at(actor, area.pk)
            assert r.status_code == (200 if allowed else 404), (actor.label, area.pk)


def test_mediation_and_micro_review_reads_follow_the_case(world):
    """The mediation and micro-review reads of a case answer 200 exactly when the case is
    visible, otherwise the same 404 body as a case that does not exist."""
    rng = random.Random(SEED + 13)
    for actor in world.actors:
        client = api(world, actor)
        for case in rng.sample(world.cases, 3):
            allowed = expected(world, actor, case)
            for tail in ("mediation", "micro-reviews"):
                r = client.get(f"/api/v1/cases/{case.pk}/{tail}")
                assert r.status_code == (200 if allowed else 404), (actor.label, case.pk, tail)
                if not allowed:
                    assert r.json() == NOT_FOUND
