"""The points demo: a year of entries, locked months, a published notice that verifies, a
stocked shop, and work left on the secretary's review screen."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from haolinju.org.selectors import compound_of
from haolinju.people.models import Person
from haolinju.points import selectors
from haolinju.points.models import Entry, EntryStatus, MonthLock, Notice, ShopItem
from haolinju.points.services import ledger, notice

pytestmark = pytest.mark.django_db


def test_points_demo_is_complete_and_consistent(demo):
    """The demo member has points, holds a reservation, last year is locked and published, its
    notice verifies against the ledger, shelves are stocked and last month awaits review."""
    member = Person.objects.get(user=get_user_model().objects.get(username="member"))
    today = timezone.localdate()
    balance = selectors.balance_of(person_id=member.pk, year=today.year)
    assert balance["exchange"]["available"] > 0 and balance["exchange"]["held"] == 10
    assert MonthLock.objects.filter(year=today.year - 1).count() == 12
    home = compound_of(member.area_path)
    published = Notice.objects.get(compound=home, year=today.year - 1)
    assert published.entry_count > 100
    assert notice.notice_verify(compound_id=home.pk, year=today.year - 1).ok
    assert ShopItem.objects.filter(station__area=home, stock__gt=0).count() >= 5
    assert Entry.objects.filter(compound=home, status=EntryStatus.PENDING).exists()
    assert ledger.mismatched_accounts() == []
