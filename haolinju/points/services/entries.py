"""Entries: one record per deed, manual awards and deductions, the monthly review and lock.

Approval is where points move: each approved entry posts its transfers from the compound's
issuing account to the member's exchange account and this year's assessment account (a
deduction moves assessment points back). A locked month takes no new entry and no review.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.transitions import Move, StateMachine
from haolinju.org.models import Area, AreaKind
from haolinju.org.selectors import compound_of
from haolinju.people.models import Person

from .. import policies, selectors
from ..errors import Conflict
from ..models import Entry, EntryKind, EntryStatus, MonthLock, RuleVersion
from . import ledger
from .rules import rule_in_force

OPEN = (EntryStatus.PENDING, EntryStatus.AWAITING_SECOND)

# Every status change of an entry goes through this machine (row lock + timeline event).
MACHINE = StateMachine(
    model=Entry,
    moves={
        "second": Move(
            {EntryStatus.AWAITING_SECOND}, EntryStatus.PENDING, gettext_lazy("复核大额奖励")
        ),
        "approve": Move({EntryStatus.PENDING}, EntryStatus.APPROVED, gettext_lazy("审核通过")),
        "reject": Move({EntryStatus.PENDING}, EntryStatus.REJECTED, gettext_lazy("驳回")),
    },
    may=policies.may_move_entry,
    event_prefix="points.entry",
)


def _community_of(compound: Area) -> Area:
    return compound.parent if compound.parent_id else compound


def _check_month_open(compound: Area, on: dt.date) -> None:
    community = _community_of(compound)
    # The community row serialises entries and reviews with the month lock.
    list(Area.objects.select_for_update().filter(pk=community.pk).values_list("pk"))
    if selectors.month_locked(community.pk, on.year, on.month):
        raise Conflict.on(
            "occurred_on",
            _("%(y)d年%(m)d月已锁定，只能在以后的月份做更正") % {"y": on.year, "m": on.month},
        )


def _home_compound(person: Person, fallback_path: str = "") -> Area:
    compound = compound_of(person.area_path) or (
        compound_of(fallback_path) if fallback_path else None
    )
    if compound is None:
        raise InvalidInput.on("person_id", _("该人员不属于任何小区"))
    return compound


def _create(
    *,
    person: Person,
    compound: Area,
    kind: str,
    points: int,
    exchange_points: int,
    reason: str,
    occurred_on: dt.date,
    rule: RuleVersion,
    source_type: str,
    source_id: str,
    deed_kind: str = "",
    item_code: str = "",
    quantity: int = 1,
    status: str = EntryStatus.PENDING,
    recorded_by_id: int | None = None,
    corrects: Entry | None = None,
) -> Entry:
    _check_month_open(compound, occurred_on)
    return Entry.objects.create(
        person=person,
        compound=compound,
        area_path=compound.path,
        kind=kind,
        deed_kind=deed_kind,
        source_type=source_type,
        source_id=str(source_id),
        item_code=item_code,
        quantity=quantity,
        points=points,
        exchange_points=exchange_points,
        reason=reason[:200],
        occurred_on=occurred_on,
        rule_version=rule,
        status=status,
        recorded_by_id=recorded_by_id,
        corrects=corrects,
    )


def points_for_deed(rule: RuleVersion, *, kind: str, quantity: int, item_code: str, data) -> int:
    """What a deed earns under ``rule`` (exact integers: minutes → whole points, rounded down)."""
    if kind == "activity.attendance":
        minutes = min(quantity, rule.hours_cap_per_activity * 60)
        earned = minutes * rule.points_per_hour // 60
        return earned + int(rule.item_points.get(item_code, 0))
    if kind == "case.rated":
        stars = (data or {}).get("stars")
        if stars is not None and int(stars) < rule.good_rating_min:
            return 0
        return rule.points_per_good_rating * max(quantity, 1)
    if item_code and item_code in rule.item_points:
        return int(rule.item_points[item_code]) * max(quantity, 1)
    return 0


def record_deed(
    *,
    kind: str,
    source_type: str,
    source_id,
    person_id: int,
    area_path: str,
    occurred_on: dt.date,
    quantity: int,
    item_code: str = "",
    recorded_by_id: int | None = None,
    data=None,
) -> Entry | None:
    """Turn a confirmed deed into a pending entry; a replay of the same deed returns the first."""
    existing = Entry.objects.filter(
        source_type=source_type, source_id=str(source_id), deed_kind=kind
    ).first()
    if existing is not None:
        return existing
    person = Person.objects.get(pk=person_id)
    compound = _home_compound(person, area_path)
    rule = rule_in_force(compound.path, occurred_on)
    sign = -1 if quantity < 0 else 1  # a negative quantity compensates an earlier deed
    quantity = abs(quantity)
    points = sign * points_for_deed(
        rule, kind=kind, quantity=quantity, item_code=item_code, data=data
    )
    if points == 0:
        return None
    reason = (data or {}).get("title") or kind
    try:
        with transaction.atomic():
            return _create(
                person=person,
                compound=compound,
                kind=EntryKind.DEED if sign > 0 else EntryKind.COMPENSATION,
                deed_kind=kind,
                points=points,
                exchange_points=points,
                reason=str(reason),
                occurred_on=occurred_on,
                rule=rule,
                source_type=source_type,
                source_id=str(source_id),
                item_code=item_code,
                quantity=quantity,
                recorded_by_id=recorded_by_id,
            )
    except IntegrityError:
        return Entry.objects.get(source_type=source_type, source_id=str(source_id), deed_kind=kind)


@transaction.atomic
def award_record(
    *,
    actor,
    person_id: int,
    points: int,
    reason: str,
    occurred_on: dt.date,
    deduction: bool = False,
    item_code: str = "",
) -> Entry:
    """A manual award (both numbers) or deduction (assessment only), recorded pending.

    An award above the rule's threshold waits for a second person before it can be reviewed.
    """
    if not isinstance(points, int) or points <= 0:
        raise InvalidInput.on("points", _("积分须为正整数"))
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写事由"))
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    compound = _home_compound(person)
    if not policies.can_record(actor, compound):
        raise NotFound()
    rule = rule_in_force(compound.path, occurred_on)
    big = not deduction and points > rule.award_threshold
    return _create(
        person=person,
        compound=compound,
        kind=EntryKind.DEDUCTION if deduction else EntryKind.AWARD,
        deed_kind="points.deduction" if deduction else "points.award",
        points=-points if deduction else points,
        exchange_points=0 if deduction else points,
        reason=reason,
        occurred_on=occurred_on,
        rule=rule,
        source_type="points.manual",
        source_id=uuid.uuid4().hex,
        item_code=item_code,
        status=EntryStatus.AWAITING_SECOND if big else EntryStatus.PENDING,
        recorded_by_id=actor.pk,
    )


@transaction.atomic
def award_second(*, actor, entry_id: int) -> Entry:
    """The second person's approval of a large manual award: it then goes to the review."""
    entry = selectors.entry_get(actor=actor, entry_id=entry_id)
    return MACHINE.apply(entry, action="second", actor=actor, changes={"seconded_by": actor})


@transaction.atomic
def compensate(
    *, actor, entry_id: int, points: int, exchange_points: int, reason: str, occurred_on: dt.date
) -> Entry:
    """Fix an approved entry of a locked month by a signed correction dated in a later month."""
    original = selectors.entry_get(actor=actor, entry_id=entry_id)
    if not policies.can_record(actor, original.compound):
        raise NotFound()
    if (occurred_on.year, occurred_on.month) <= (
        original.occurred_on.year,
        original.occurred_on.month,
    ):
        raise Conflict.on("occurred_on", _("更正记录须记在原记录之后的月份"))
    if points == 0 and exchange_points == 0:
        raise InvalidInput.on("points", _("更正的积分不能为零"))
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写事由"))
    rule = rule_in_force(original.compound.path, occurred_on)
    return _create(
        person=original.person,
        compound=original.compound,
        kind=EntryKind.COMPENSATION,
        deed_kind="points.compensation",
        points=points,
        exchange_points=exchange_points,
        reason=reason,
        occurred_on=occurred_on,
        rule=rule,
        source_type="points.manual",
        source_id=uuid.uuid4().hex,
        recorded_by_id=actor.pk,
        corrects=original,
    )


def _legs(entry: Entry, issuing_id: int, *, actor, now, accounts=None) -> list[ledger.Spec]:
    """The transfers an approved entry posts (each leg's sign picks its direction).

    ``accounts`` caches the member accounts across many entries (a bulk review)."""
    if accounts is None:
        accounts = {}
    year = entry.occurred_on.year
    if (entry.person_id, None) not in accounts:
        accounts[(entry.person_id, None)] = ledger.exchange_account(entry.person)
    if (entry.person_id, year) not in accounts:
        accounts[(entry.person_id, year)] = ledger.assessment_account(entry.person, year)
    legs = []
    common = {
        "booked_on": entry.occurred_on,
        "area_path": entry.area_path,
        "rule_version_id": entry.rule_version_id,
        "source_type": entry.source_type,
        "source_id": entry.source_id,
        "entry_id": entry.pk,
        "recorded_by_id": entry.recorded_by_id,
        "verified_by_id": actor.pk,
        "recorded_at": entry.recorded_at,
        "verified_at": now,
    }
    for suffix, amount, account in (
        ("x", entry.exchange_points, accounts[(entry.person_id, None)]),
        ("a", entry.points, accounts[(entry.person_id, year)]),
    ):
        if amount == 0:
            continue
        debit, credit = (issuing_id, account.pk) if amount > 0 else (account.pk, issuing_id)
        legs.append(
            ledger.Spec(
                transfer_id=f"entry:{entry.pk}:{suffix}",
                debit_id=debit,
                credit_id=credit,
                amount=abs(amount),
                code=entry.kind,
                **common,
            )
        )
    return legs


@transaction.atomic
def review(
    *, actor, compound_id: int, entry_ids: list[int], approve: bool, note: str = ""
) -> list[Entry]:
    """Approve or reject pending entries of one compound, one or many at once.

    Approval posts every entry's transfers in one linked group (all or nothing); rejection needs
    a reason. Entries of a locked month cannot be reviewed (409).
    """
    compound = Area.objects.filter(pk=compound_id, kind=AreaKind.COMPOUND).first()
    if compound is None or not policies.can_review(actor, compound):
        raise NotFound()
    if not approve and not note.strip():
        raise InvalidInput.on("note", _("驳回须说明理由"))
    now = timezone.now()
    rows = MACHINE.apply_many(
        Entry.objects.filter(compound=compound),
        entry_ids,
        action="approve" if approve else "reject",
        actor=actor,
        note=note,
        changes={"verified_by": actor, "verified_at": now, "review_note": note[:200]},
    )
    if len(rows) != len(set(entry_ids)):
        raise NotFound()
    for year, month in {(e.occurred_on.year, e.occurred_on.month) for e in rows}:
        _check_month_open(compound, dt.date(year, month, 1))
    if approve:
        issuing = ledger.issuing_account(compound)
        cache = ledger.member_accounts(
            selectors.people_paths({e.person_id for e in rows}),
            {e.occurred_on.year for e in rows},
        )
        specs = [
            leg for e in rows for leg in _legs(e, issuing.pk, actor=actor, now=now, accounts=cache)
        ]
        ledger.post(specs, returning=False)
    return rows


@transaction.atomic
def month_lock(*, actor, community_id: int, year: int, month: int) -> MonthLock:
    """Lock a past month for a community once every entry in it has been reviewed."""
    community = Area.objects.filter(pk=community_id, kind=AreaKind.COMMUNITY).first()
    if community is None or not policies.can_lock(actor, community):
        raise NotFound()
    if not 1 <= month <= 12:
        raise InvalidInput.on("month", _("月份应为 1–12"))
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    if after > timezone.localdate():
        raise Conflict.on("month", _("只能锁定已结束的月份"))
    # Serialise with reviews and new entries of this community.
    Area.objects.select_for_update().filter(pk=community.pk).get()
    if selectors.month_locked(community.pk, year, month):
        raise Conflict.on("month", _("该月份已锁定"))
    open_count = Entry.objects.filter(
        area_path__startswith=community.path,
        occurred_on__gte=first,
        occurred_on__lt=after,
        status__in=OPEN,
    ).count()
    if open_count:
        raise Conflict.on("month", _("还有 %(n)d 条记录未审核，不能锁定") % {"n": open_count})
    return MonthLock.objects.create(
        community=community, area_path=community.path, year=year, month=month, locked_by=actor
    )
