"""200 concurrent sign-ups for 10 places (PostgreSQL row lock on the activity)."""

import threading

import pytest
from django.db import connection

from haolinju.accounts.models import User
from haolinju.activities.models import Signup, SignupStatus
from haolinju.activities.services.signups import signup_create
from haolinju.people.models import Person

from .library import ensure_library

N = 200
PLACES = 10


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_signups_for_ten_places(tree):
    """Exactly 10 are confirmed, the other 190 are waitlisted with distinct positions, and the
    confirmed ones are the 10 earliest arrivals (seq 1–10). Without the row lock, several
    transactions see a free place at once and more than 10 are confirmed (or two take the
    same seq and fail)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    from .conftest import World

    ensure_library()
    world = World(tree)
    activity = world.activity(places=PLACES)
    users = User.objects.bulk_create(User(username=f"racer{i}") for i in range(N))
    home = tree.units[0]  # in the activity's compound
    Person.objects.bulk_create(
        Person(name=f"志愿者{i}", area=home, area_path=home.path, user=u)
        for i, u in enumerate(users)
    )
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(batch):
        try:
            barrier.wait()
            for user in batch:
                try:
                    signup_create(actor=user, activity_id=activity.pk)
                    with lock:
                        outcomes.append("ok")
                except Exception as exc:  # an IntegrityError means the lock is missing
                    with lock:
                        outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(users[i::20],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == N, sorted(set(outcomes))
    rows = list(Signup.objects.filter(activity=activity).order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, N + 1))
    confirmed = [r for r in rows if r.status == SignupStatus.CONFIRMED]
    assert len(confirmed) == PLACES
    assert [r.seq for r in confirmed] == list(range(1, PLACES + 1))
    activity.refresh_from_db()
    assert activity.confirmed_count == PLACES
