"""Entries: deeds become pending entries by the rule in force, manual awards above the threshold
need a second person, the monthly review moves points, the month lock stops changes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.points import selectors
from haolinju.points.errors import Conflict
from haolinju.points.models import Entry, EntryStatus, RuleVersion, Transfer
from haolinju.points.services import deeds, entries, ledger

from .factories import PAST


def deed(w, *, kind="activity.attendance", source_id=1, quantity=90, item_code="", data=None):
    return SimpleNamespace(
        kind=kind,
        source_type="activities.attendance",
        source_id=source_id,
        person_id=w.member.person.pk,
        area_path=w.compound.path,
        occurred_on=PAST,
        quantity=quantity,
        item_code=item_code,
        verified_by_id=w.secretary.pk,
        data=data or {},
    )


def test_deed_becomes_one_pending_entry_by_the_current_rule(w):
    """A confirmed attendance of 90 minutes earns 1 point per hour rounded down under the
    default rule; a replay of the same deed is a no-op."""
    deeds.receive_deed(deed(w))
    deeds.receive_deed(deed(w))
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PENDING
    assert entry.points == 1 and entry.exchange_points == 1
    assert entry.rule_version.version == 1
    assert Transfer.objects.count() == 0  # nothing is spendable before the review


def test_newer_local_rule_version_applies_and_caps_hours(w):
    """A compound's own rule version (2 points an hour, capped at 2 h, +3 for a clean-up)
    applies to its deeds, and the entry names that version."""
    RuleVersion.objects.create(
        area=w.compound,
        area_path=w.compound.path,
        version=2,
        effective_from=dt.date(2025, 1, 1),
        points_per_hour=2,
        hours_cap_per_activity=2,
        item_points={"env.cleanup": 3},
    )
    deeds.receive_deed(deed(w, quantity=300, item_code="env.cleanup"))
    entry = Entry.objects.get()
    assert entry.points == 2 * 2 + 3
    assert entry.rule_version.version == 2


def test_rated_case_earns_only_when_well_rated(w):
    """A case rated 5 stars earns the per-order points; one rated 2 stars earns nothing."""
    deeds.receive_deed(deed(w, kind="case.rated", source_id=7, quantity=1, data={"stars": 5}))
    deeds.receive_deed(deed(w, kind="case.rated", source_id=8, quantity=1, data={"stars": 2}))
    assert list(Entry.objects.values_list("source_id", "points")) == [("7", 2)]


def test_award_above_threshold_needs_a_second_person(w):
    """An award of 15 (threshold 10) waits for a second person; the recorder cannot second it;
    another staff member can, and only then can it be reviewed."""
    entry = entries.award_record(
        actor=w.secretary,
        person_id=w.member.person.pk,
        points=15,
        reason="抗洪抢险",
        occurred_on=PAST,
    )
    assert entry.status == EntryStatus.AWAITING_SECOND
    with pytest.raises(Conflict):
        entries.review(
            actor=w.secretary, compound_id=w.compound.pk, entry_ids=[entry.pk], approve=True
        )
    with pytest.raises(NotPermitted):
        entries.award_second(actor=w.secretary, entry_id=entry.pk)
    entries.award_second(actor=w.deputy, entry_id=entry.pk)
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[entry.pk], approve=True)
    balance = selectors.balance_of(person_id=w.member.person.pk, year=PAST.year)
    assert balance["exchange"]["available"] == 15
    assert balance["assessment"] == {"year": PAST.year, "score": 15}


def test_outsider_cannot_award(w):
    """Staff of another compound get a 404 and nothing is recorded."""
    with pytest.raises(NotFound):
        entries.award_record(
            actor=w.outsider, person_id=w.member.person.pk, points=3, reason="x", occurred_on=PAST
        )
    assert Entry.objects.count() == 0


def test_bulk_approve_moves_points_and_reject_needs_reason(w):
    """Bulk approval makes points spendable; pending shows until then; rejection needs a reason
    and moves nothing."""
    made = [
        entries.award_record(
            actor=w.secretary,
            person_id=w.member.person.pk,
            points=p,
            reason="楼道清扫",
            occurred_on=PAST,
        )
        for p in (3, 4, 5)
    ]
    before = selectors.balance_of(person_id=w.member.person.pk, year=PAST.year)
    assert before["exchange"] == {"available": 0, "pending": 12, "held": 0}
    entries.review(
        actor=w.secretary,
        compound_id=w.compound.pk,
        entry_ids=[made[0].pk, made[1].pk],
        approve=True,
    )
    with pytest.raises(InvalidInput):
        entries.review(
            actor=w.secretary, compound_id=w.compound.pk, entry_ids=[made[2].pk], approve=False
        )
    entries.review(
        actor=w.secretary,
        compound_id=w.compound.pk,
        entry_ids=[made[2].pk],
        approve=False,
        note="重复登记",
    )
    after = selectors.balance_of(person_id=w.member.person.pk, year=PAST.year)
    assert after["exchange"] == {"available": 7, "pending": 0, "held": 0}
    t = Transfer.objects.filter(entry=made[0]).first()
    assert t.rule_version_id == made[0].rule_version_id
    assert t.verified_by_id == w.secretary.pk and t.recorded_by_id == w.secretary.pk
    with pytest.raises(Conflict):  # reviewed at most once
        entries.review(
            actor=w.secretary, compound_id=w.compound.pk, entry_ids=[made[0].pk], approve=True
        )
    assert ledger.mismatched_accounts() == []


def test_deduction_lowers_score_not_exchange(w):
    """A deduction lowers the assessment score only; the exchange balance is untouched."""
    for points, deduction in ((6, False), (2, True)):
        e = entries.award_record(
            actor=w.secretary,
            person_id=w.member.person.pk,
            points=points,
            reason="x",
            occurred_on=PAST,
            deduction=deduction,
        )
        entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    balance = selectors.balance_of(person_id=w.member.person.pk, year=PAST.year)
    assert balance["exchange"]["available"] == 6 and balance["assessment"]["score"] == 4


def test_month_lock_rules(w):
    """Only community staff lock; not while entries are open; afterwards the month takes no new
    entry and no review (409) and a correction must be dated in a later month."""
    e = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=5, reason="x", occurred_on=PAST
    )
    with pytest.raises(NotFound):
        entries.month_lock(actor=w.secretary, community_id=w.community.pk, year=2025, month=3)
    with pytest.raises(Conflict):
        entries.month_lock(
            actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3
        )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    entries.month_lock(actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3)
    with pytest.raises(Conflict):
        entries.month_lock(
            actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3
        )
    with pytest.raises(Conflict):
        entries.award_record(
            actor=w.secretary, person_id=w.member.person.pk, points=1, reason="x", occurred_on=PAST
        )
    with pytest.raises(Conflict):
        entries.compensate(
            actor=w.secretary,
            entry_id=e.pk,
            points=-2,
            exchange_points=-2,
            reason="多记",
            occurred_on=PAST,
        )
    fix = entries.compensate(
        actor=w.secretary,
        entry_id=e.pk,
        points=-2,
        exchange_points=-2,
        reason="多记",
        occurred_on=dt.date(2025, 4, 2),
    )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[fix.pk], approve=True)
    balance = selectors.balance_of(person_id=w.member.person.pk, year=2025)
    assert balance["exchange"]["available"] == 3 and balance["assessment"]["score"] == 3


def test_current_month_cannot_be_locked(w):
    """A month that has not ended cannot be locked."""
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(Conflict):
        entries.month_lock(
            actor=w.community_secretary,
            community_id=w.community.pk,
            year=today.year,
            month=today.month,
        )


def test_published_deed_reaches_the_ledger_through_core_deeds(w):
    """core.deeds.publish hands a deed to the points sink named in settings; a negative
    quantity (a compensating deed) records a negative entry."""
    from haolinju.core.deeds import Deed, publish

    common = {
        "kind": "activity.attendance",
        "source_type": "activities.attendance",
        "person_id": w.member.person.pk,
        "area_path": w.compound.path,
        "occurred_on": PAST,
    }
    publish(Deed(source_id=41, quantity=120, **common))
    publish(Deed(source_id=41, quantity=120, **common))
    publish(Deed(source_id=42, quantity=-60, **common))
    assert sorted(Entry.objects.values_list("source_id", "points", "kind")) == [
        ("41", 2, "deed"),
        ("42", -1, "compensation"),
    ]
