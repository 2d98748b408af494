"""Zero leaks in the points loop: entries, balances, redemptions, shop desks, review and lock
screens, management pages and annual notices are shown exactly when a first-principles rule,
written here from parent links and position rows (never the selectors' paths), says so;
otherwise the answer is 404. Masked fields stay masked: no ID number or phone appears in any
points answer, and a notice shows names masked unless its masking says otherwise.

Rules: a member's entries and redemptions are seen by the member and by anyone who sees the
person (``World.sees_person``: a people-directory title over the person's area, or a superuser).
A compound's review screen, entry list and station desks are open to those who read the
people directory at that compound; a community's lock page to those who read it at the
community. A published notice is public to whoever sees the compound (``World.sees_area``);
its ranking carries masked names and no person ids.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from haolinju.accounts.services import token_issue
from haolinju.org.models import AreaKind, Organisation, OrgKind
from haolinju.points.models import (
    Entry,
    EntryKind,
    EntryStatus,
    Masking,
    MonthLock,
    Redemption,
    ShopItem,
)
from haolinju.points.services import notice
from haolinju.points.services.rules import rule_in_force

from .world import SEED, World, build_world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        rng = random.Random(SEED + 9)
        compounds = [a for a in built.areas.values() if a.kind == AreaKind.COMPOUND]
        built.compounds = compounds
        built.stations = {}
        built.items = {}
        for compound in compounds:
            station = Organisation.objects.create(
                kind=OrgKind.STATION,
                name=f"站{compound.pk}",
                area=compound,
                area_path=compound.path,
            )
            built.stations[compound.pk] = station
            built.items[compound.pk] = ShopItem.objects.create(
                station=station, area_path=compound.path, name=f"皂{compound.pk}", price=5, stock=50
            )
        boss = next(a.user for a in built.actors if a.is_superuser)
        rule = rule_in_force("", dt.date(YEAR, 1, 1))
        in_compound = [pid for pid in sorted(built.people) if built.home_compound(pid) is not None]
        built.entry_people = rng.sample(in_compound, 80)
        # The actors' own records get entries too (each sees their own).
        built.entry_people += [
            a.person_id
            for a in built.actors
            if a.person_id and built.home_compound(a.person_id) is not None
        ]
        built.entries = []
        for n, pid in enumerate(sorted(set(built.entry_people))):
            compound_id = built.home_compound(pid)
            compound = built.areas[compound_id]
            built.entries.append(
                Entry.objects.create(
                    person_id=pid,
                    compound=compound,
                    area_path=compound.path,
                    kind=EntryKind.DEED,
                    deed_kind="leak",
                    source_type="leak",
                    source_id=str(n),
                    points=3,
                    exchange_points=3,
                    reason=f"记录{n}",
                    occurred_on=dt.date(YEAR, 3, 1),
                    rule_version=rule,
                    status=EntryStatus.APPROVED,
                    verified_by=boss,
                )
            )
            Redemption.objects.create(
                person_id=pid,
                item=built.items[compound_id],
                area_path=compound.path,
                quantity=1,
                points=5,
                expires_at=timezone.now() + dt.timedelta(days=3),
                created_by=boss,
            )
        built.noticed = sorted({e.compound_id for e in built.entries})[:6]
        for compound_id in built.noticed:
            MonthLock.objects.get_or_create(
                community_id=built.parent[compound_id],
                year=YEAR,
                month=3,
                defaults={
                    "area_path": built.areas[built.parent[compound_id]].path,
                    "locked_by": boss,
                },
            )
            notice.notice_publish(
                actor=boss, compound_id=compound_id, year=YEAR, masking=Masking.FIRST_LAST
            )
        built.tokens = {a.user.pk: token_issue(user=a.user) for a in built.actors}
        yield built
        transaction.set_rollback(True)


def api(world, actor) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor.user.pk]}"
    return client


def web(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def no_plaintext(world: World, body: str, where: str) -> None:
    leaked = [p for p in world.all_plaintexts() if p in body]
    assert not leaked, (where, leaked[:3])


def listed(client, url: str) -> list[dict]:
    out, offset = [], 0
    while True:
        page = client.get(url, {"limit": 200, "offset": offset}).json()
        out += page["items"]
        offset += 200
        if offset >= page["count"]:
            return out


def test_own_entries_balance_and_redemptions(world):
    """Without a compound filter the entries list holds the caller's own entries only; the
    redemptions list holds own ones plus exactly those of people the caller sees at a shop;
    the balance is the caller's own; nothing carries an ID number or phone."""
    for actor in world.actors:
        client = api(world, actor)
        if actor.person_id is None:
            assert client.get("/api/v1/points/entries").status_code in (403, 404)
            continue
        mine = {e.pk for e in world.entries if e.person_id == actor.person_id}
        got = listed(client, "/api/v1/points/entries")
        assert {e["id"] for e in got} == mine, actor.label
        assert all(e["person_id"] == actor.person_id for e in got)
        r = client.get("/api/v1/points/balance")
        assert r.status_code == 200
        no_plaintext(world, r.content.decode(), actor.label)
        reds = listed(client, "/api/v1/shop/redemptions")
        for red in reds:
            assert red["person_id"] == actor.person_id or world.sees_person(
                actor, red["person_id"]
            ), (actor.label, red)
        no_plaintext(world, json.dumps(reds, ensure_ascii=False), actor.label)


def test_compound_entries_match_the_people_rule(world):
    """``/api/v1/points/entries?compound=C`` answers exactly C's entries to those who read the
    people at C, and 404 to everyone else; the review screen follows the same rule and shows
    only names of people the caller sees."""
    rng = random.Random(SEED + 91)
    for actor in world.actors:
        client, page_client = api(world, actor), web(actor)
        for compound in rng.sample(world.compounds, 6):
            ok = world.reads_people_at(actor, compound.pk)
            r = client.get("/api/v1/points/entries", {"compound": compound.pk, "limit": 200})
            assert r.status_code == (200 if ok else 404), (actor.label, compound.pk)
            if ok:
                want = {e.pk for e in world.entries if e.compound_id == compound.pk}
                assert {e["id"] for e in r.json()["items"]} == want
                assert all(world.sees_person(actor, e["person_id"]) for e in r.json()["items"])
            page = page_client.get(f"/points/review/{compound.pk}/?month={YEAR}-03")
            assert page.status_code == (200 if ok else 404), (actor.label, compound.pk)
            if ok:
                body = page.content.decode()
                no_plaintext(world, body, actor.label)
                for pid, person in world.people.items():
                    if person.name in body:
                        assert world.sees_person(actor, pid), (actor.label, pid)


def test_desks_locks_and_management_pages(world):
    """A station's desk, shelf and item pages answer 200 exactly to those who read the people
    at its compound (they list who reserved what), the lock page to those who read them at the
    community, the rules page likewise; all others get 404."""
    rng = random.Random(SEED + 92)
    for actor in world.actors:
        client = web(actor)
        for compound in rng.sample(world.compounds, 4):
            ok = world.reads_people_at(actor, compound.pk)
            station = world.stations[compound.pk]
            item = world.items[compound.pk]
            for url in (
                f"/points/desk/{station.pk}/",
                f"/points/stations/{station.pk}/",
                f"/points/items/{item.pk}/edit/",
            ):
                r = client.get(url)
                assert r.status_code == (200 if ok else 404), (actor.label, url)
                if ok:
                    body = r.content.decode()
                    no_plaintext(world, body, url)
                    for red in Redemption.objects.filter(item=item).select_related("person"):
                        assert world.sees_person(actor, red.person_id)
            community = world.parent[compound.pk]
            ok = world.reads_people_at(actor, community)
            for url in (f"/points/lock/{community}/", f"/points/rules/{community}/"):
                assert client.get(url).status_code == (200 if ok else 404), (actor.label, url)


def test_redemption_moves_outside_scope_are_404(world):
    """Handing over or cancelling someone else's reservation outside the caller's reach is a
    404 (never a 403 that confirms it exists), and changes nothing."""
    rng = random.Random(SEED + 93)
    reds = list(Redemption.objects.all())
    for actor in world.actors:
        client = api(world, actor)
        for red in rng.sample(reds, 3):
            if red.person_id == actor.person_id or world.sees_person(actor, red.person_id):
                continue
            r = client.post(
                f"/api/v1/shop/redemptions/{red.pk}/transitions",
                {"action": "hand_over"},
                content_type="application/json",
            )
            assert r.status_code == 404, (actor.label, red.pk)
    assert not Redemption.objects.exclude(status="reserved").exists()


def test_notices_public_to_the_compound_and_masked(world):
    """A published notice (API, page, xlsx answer) is seen exactly by those who see the
    compound; its names are masked (no full name of any person appears) and it carries no
    person ids; a proof holds only the caller's own entries."""
    for actor in world.actors:
        client, page_client = api(world, actor), web(actor)
        for compound_id in world.noticed:
            ok = world.sees_area(actor, compound_id)
            r = client.get(f"/api/v1/notices/{compound_id}/{YEAR}")
            assert r.status_code == (200 if ok else 404), (actor.label, compound_id)
            page = page_client.get(f"/points/notices/{compound_id}/{YEAR}/")
            assert page.status_code == (200 if ok else 404), (actor.label, compound_id)
            if not ok:
                continue
            body = r.content.decode() + page.content.decode()
            no_plaintext(world, body, actor.label)
            assert "person" not in json.dumps(r.json()["ranking"])
            for person in world.people.values():
                assert person.name not in body, (actor.label, person.name)
            proof = client.get(f"/api/v1/notices/{compound_id}/{YEAR}/proof")
            if proof.status_code == 200:
                own = {
                    e.pk
                    for e in world.entries
                    if e.person_id == actor.person_id and e.compound_id == compound_id
                }
                assert proof.json()["count"] == len(own)
