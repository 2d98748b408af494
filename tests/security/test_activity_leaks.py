"""Zero leaks in the activities loop: activities, sign-ups (rosters and check-in codes),
service records and calendar feeds are shown exactly when a first-principles rule, written
here from parent links and position rows (never the selectors' paths), says so; otherwise the
answer is 404 (or 403 for a visible activity the caller does not manage).

Rules: an activity is seen by a superuser, by its organiser, by anyone holding a current
position over an area containing it, and, unless it is a draft, by anyone whose home or
position lies below it (a community activity reaches the compounds of the community) or who
lives in the compound it is in. It is managed by its organiser and by anyone holding a
current position over an area containing it. A person's service records are seen exactly when
the person is (``World.sees_person``). A feed shows only what its token names.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from haolinju.accounts.services import token_issue
from haolinju.activities.models import (
    Activity,
    ActivityItem,
    ActivityScope,
    ActivityStatus,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from haolinju.activities.services.feeds import feed_create, feed_revoke
from haolinju.org.models import AreaKind

from .world import SEED, World, build_world

pytestmark = pytest.mark.django_db
SCOPE = {
    AreaKind.COMPOUND: ActivityScope.COMPOUND,
    AreaKind.COMMUNITY: ActivityScope.COMMUNITY,
    AreaKind.STREET: ActivityScope.STREET,
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        rng = random.Random(SEED + 8)
        item = ActivityItem.objects.select_related("current").first()
        places = [a for a in built.areas.values() if a.kind in SCOPE]
        organisers = [a.user for a in built.actors if a.person_id]
        start = timezone.now() + dt.timedelta(days=3)
        built.activities = []
        for i in range(60):
            area = rng.choice(places)
            built.activities.append(
                Activity.objects.create(
                    item_version=item.current,
                    title=f"活{i:03d}动",
                    scope=SCOPE[area.kind],
                    area=area,
                    area_path=area.path,
                    place="x",
                    starts_at=start + dt.timedelta(hours=i),
                    ends_at=start + dt.timedelta(hours=i + 2),
                    places=5,
                    organiser=rng.choice(organisers),
                    status=rng.choice([ActivityStatus.DRAFT, ActivityStatus.PUBLISHED]),
                )
            )
        people = sorted(built.people)
        built.record_people = rng.sample(people, 40)
        for n, pid in enumerate(built.record_people):
            activity = built.activities[n % len(built.activities)]
            Signup.objects.create(
                activity=activity,
                person_id=pid,
                area_path=activity.area_path,
                status=SignupStatus.CONFIRMED,
                seq=n + 1,
            )
            ServiceRecord.objects.create(
                activity=activity,
                person_id=pid,
                area_path=activity.area_path,
                category_code="environment",
                item_code="env.stairwell",
                service_date=timezone.localdate(),
                method="manual",
                status=RecordStatus.CONFIRMED,
                minutes=60,
                delta_minutes=60,
            )
        built.tokens = {a.user.pk: token_issue(user=a.user) for a in built.actors}
        yield built
        transaction.set_rollback(True)


def chain(world: World, area_id: int) -> frozenset[int]:
    return world.ancestors_or_self(area_id)


def holds_over(world: World, actor, area_id: int) -> bool:
    return any(world.within(area_id, p.area_id) for p in world.current_positions(actor))


def expected_sees(world: World, actor, activity: Activity) -> bool:
    if actor.is_superuser or activity.organiser_id == actor.user.pk:
        return True
    if holds_over(world, actor, activity.area_id):
        return True
    if activity.status == ActivityStatus.DRAFT or actor.person_id is None:
        return False
    below = [world.people[actor.person_id].area_id]
    below += [p.area_id for p in world.current_positions(actor)]
    home = world.home_compound(actor.person_id)
    if home is not None:
        below.append(home)
    if any(activity.area_id in chain(world, b) for b in below):
        return True
    return home is not None and world.within(activity.area_id, home)


def expected_manages(world: World, actor, activity: Activity) -> bool:
    return (
        actor.is_superuser
        or activity.organiser_id == actor.user.pk
        or holds_over(world, actor, activity.area_id)
    )


def api(world, actor) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor.user.pk]}"
    return client


def test_activity_lists_and_details_match_the_rule(world):
    """For every actor and activity: the list holds it and its detail answers 200 exactly when
    the rule says it is visible; otherwise the detail is a 404."""
    for actor in world.actors:
        client = api(world, actor)
        listed = set()
        offset = 0
        while True:
            page = client.get("/api/v1/activities", {"limit": 200, "offset": offset}).json()
            listed |= {a["id"] for a in page["items"]}
            offset += 200
            if offset >= page["count"]:
                break
        expected = {a.pk for a in world.activities if expected_sees(world, actor, a)}
        assert listed == expected, actor.label
        rng = random.Random(actor.user.pk)
        for activity in rng.sample(world.activities, 8):
            r = client.get(f"/api/v1/activities/{activity.pk}")
            assert r.status_code == (200 if activity.pk in expected else 404), actor.label


def test_check_in_codes_only_for_managers(world):
    """The organiser's check-in code (and its page) answers 200 for managers, 403 for others
    who see the activity, 404 for those who do not."""
    rng = random.Random(SEED + 81)
    for actor in world.actors:
        client = api(world, actor)
        for activity in rng.sample(world.activities, 3):
            r = client.get(f"/api/v1/activities/{activity.pk}/checkin-code")
            if expected_manages(world, actor, activity):
                want = 200
            elif expected_sees(world, actor, activity):
                want = 403
            else:
                want = 404
            assert r.status_code == want, (actor.label, activity.pk)
            web = Client()
            web.force_login(actor.user)
            page = web.get(f"/activities/{activity.pk}/manage/")
            assert page.status_code == want, (actor.label, activity.pk)


def test_service_records_match_the_people_rule(world):
    """A person's records (API and page) are readable exactly when the person is."""
    rng = random.Random(SEED + 82)
    for actor in world.actors:
        client = api(world, actor)
        web = Client()
        web.force_login(actor.user)
        for pid in rng.sample(world.record_people, 4):
            ok = world.sees_person(actor, pid)
            r = client.get(f"/api/v1/volunteers/{pid}/records")
            assert r.status_code == (200 if ok else 404), (actor.label, pid)
            if ok:
                assert r.json()["count"] == 1
            assert web.get(f"/activities/record/{pid}/").status_code == (200 if ok else 404)


def test_feeds_show_only_what_their_token_names(world):
    """A compound feed lists exactly the non-draft activities reaching that compound; a person's
    feed exactly their sign-ups; a revoked or made-up token is a 404."""
    actor = next(a for a in world.actors if a.person_id and world.home_compound(a.person_id))
    compound_id = world.home_compound(actor.person_id)
    feed, token = feed_create(actor=actor.user, area=world.areas[compound_id])
    body = Client().get(f"/activities/feeds/{token}.ics")
    titles = {str(e["summary"]) for e in Calendar.from_ical(body.content).walk("VEVENT")}
    expected = {
        a.title
        for a in world.activities
        if a.status != ActivityStatus.DRAFT
        and (a.area_id in chain(world, compound_id) or world.within(a.area_id, compound_id))
    }
    assert titles == expected
    published = [a for a in world.activities if a.status == ActivityStatus.PUBLISHED][:2]
    draft = next(a for a in world.activities if a.status == ActivityStatus.DRAFT)
    taken = set(
        Signup.objects.filter(person_id=actor.person_id).values_list("activity_id", flat=True)
    )
    for n, activity in enumerate([*published, draft]):
        if activity.pk not in taken:
            Signup.objects.create(
                activity=activity,
                person_id=actor.person_id,
                area_path=activity.area_path,
                status=SignupStatus.CONFIRMED,
                seq=1000 + n,
            )
    mine_expected = {
        s.activity.title
        for s in Signup.objects.filter(person_id=actor.person_id).select_related("activity")
        if s.activity.status != ActivityStatus.DRAFT
    }
    _, mine = feed_create(actor=actor.user)
    body = Client().get(f"/activities/feeds/{mine}.ics")
    mine_titles = {str(e["summary"]) for e in Calendar.from_ical(body.content).walk("VEVENT")}
    assert mine_titles == mine_expected and {p.title for p in published} <= mine_titles
    assert draft.title not in mine_titles
    feed_revoke(actor=actor.user, feed_id=feed.pk)
    assert Client().get(f"/activities/feeds/{token}.ics").status_code == 404
    assert Client().get(f"/activities/feeds/{token[:-2]}xx.ics").status_code == 404
