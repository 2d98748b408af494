"""A compound with its branch secretary and a few volunteers, and an activity maker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.activities.models import ActivityItem
from haolinju.activities.services.activities import activity_create, activity_transition
from haolinju.people.models import Title
from haolinju.people.tests.factories import resident, staff


class World:
    def __init__(self, tree):
        self.tree = tree
        self.compound = tree.compounds[0]
        self.other_compound = tree.compounds[-1]
        self.secretary = staff(Title.BRANCH_SECRETARY, self.compound, username="secretary")
        self.volunteers = [resident(tree.units[i], username=f"vol{i}") for i in range(4)]
        self.outsider = resident(tree.units[-1], username="outsider")

    def activity(self, *, publish=True, starts_in=dt.timedelta(days=2), minutes=120, **kw):
        starts = kw.pop("starts_at", None) or timezone.now() + starts_in
        kw.setdefault("places", 2)
        kw.setdefault("place", "1栋楼道")
        activity = activity_create(
            actor=kw.pop("actor", self.secretary),
            item_id=ActivityItem.objects.get(code=kw.pop("item", "env.stairwell")).pk,
            area=kw.pop("area", self.compound),
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            **kw,
        )
        if publish:
            activity = activity_transition(
                actor=self.secretary, activity_id=activity.pk, action="publish"
            )
        return activity


@pytest.fixture
def world(tree):
    return World(tree)


@pytest.fixture
def deed_sink(settings):
    """Collect published deeds (a test sink in place of the points ledger)."""
    from haolinju.activities.tests import sink

    sink.DEEDS.clear()
    settings.HAOLINJU_DEED_SINKS = ["haolinju.activities.tests.sink.collect"]
    yield sink.DEEDS
    sink.DEEDS.clear()
