"""Owners' joint decisions counted exactly per RULES.md §1 (Civil Code art. 278, 1259).

Pure: no database, no Django. The electorate is built from plain unit records; the tally takes
the electorate and one choice per voter key. Areas are ``Decimal`` and every sum and threshold
runs under a context that traps inexact results, so no figure is ever rounded; thresholds are
compared by cross-multiplication (``3 * part >= 2 * total``), never by dividing.

Voter keys (one "person" for the head count, RULES.md §1):
- ``dev`` — every developer-held (unsold / undelivered) unit together, one person;
- ``o:<id>.<id>…`` — the exact, sorted set of a unit's owners: an owner of several units counts
  once with the sum of their areas, and a co-owned unit counts once;
- ``u:<unit id>`` — a unit with no owner on the register still counts as one exclusive part (it
  is in the totals, nobody can vote it) and is flagged for review.
Where two different owner sets share a person (A owns one unit, A and B another) the keys stay
distinct and both are flagged for manual review.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

DEVELOPER_KEY = "dev"


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class MatterClass(StrEnum):
    GENERAL = "general"
    SPECIAL = "special"


# RULES.md §1, art. 278: items 6–8 need the special majority, everything else the general one.
MATTER_CLASS: dict[int, MatterClass] = {
    1: MatterClass.GENERAL,  # rules of procedure
    2: MatterClass.GENERAL,  # management covenant
    3: MatterClass.GENERAL,  # electing / replacing owners' committee members
    4: MatterClass.GENERAL,  # hiring / dismissing the property company
    5: MatterClass.GENERAL,  # using the maintenance fund
    6: MatterClass.SPECIAL,  # raising the maintenance fund
    7: MatterClass.SPECIAL,  # rebuilding / reconstructing buildings and facilities
    8: MatterClass.SPECIAL,  # changing the use of common parts, operating them for income
    9: MatterClass.GENERAL,  # other major matters
}


class ReviewReason(StrEnum):
    OVERLAPPING_OWNERS = "overlapping_owners"
    NO_OWNER = "no_owner"


@contextmanager
def exact():
    """Decimal arithmetic that raises instead of rounding."""
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        yield


@dataclass(frozen=True)
class UnitRecord:
    """One unit of the register as the tally needs it."""

    unit_id: int
    area: Decimal
    owner_ids: frozenset[int] = frozenset()
    developer_held: bool = False


def voter_key(unit: UnitRecord) -> str:
    if unit.developer_held:
        return DEVELOPER_KEY
    if not unit.owner_ids:
        return f"u:{unit.unit_id}"
    return "o:" + ".".join(str(i) for i in sorted(unit.owner_ids))


@dataclass(frozen=True)
class Voter:
    key: str
    area: Decimal
    unit_ids: tuple[int, ...]
    owner_ids: tuple[int, ...]
    review: tuple[ReviewReason, ...] = ()


@dataclass(frozen=True)
class Electorate:
    voters: dict[str, Voter]
    total_area: Decimal
    unit_of: dict[int, str] = field(default_factory=dict)  # unit id -> voter key

    @property
    def count(self) -> int:
        return len(self.voters)

    @property
    def flagged(self) -> list[Voter]:
        return [v for v in self.voters.values() if v.review]

    def key_for_unit(self, unit_id: int) -> str | None:
        return self.unit_of.get(unit_id)


def build_electorate(units: Iterable[UnitRecord]) -> Electorate:
    """Group units into voter keys with summed areas; flag the cases a person must review."""
    areas: dict[str, Decimal] = defaultdict(Decimal)
    unit_ids: dict[str, list[int]] = defaultdict(list)
    owners: dict[str, frozenset[int]] = {}
    unit_of: dict[int, str] = {}
    with exact():
        for unit in units:
            if unit.area is None or unit.area <= 0:
                raise ValueError(f"unit {unit.unit_id} has no positive exclusive area")
            key = voter_key(unit)
            if unit.unit_id in unit_of:
                raise ValueError(f"unit {unit.unit_id} listed twice")
            unit_of[unit.unit_id] = key
            areas[key] += unit.area
            unit_ids[key].append(unit.unit_id)
            owners[key] = frozenset() if key == DEVELOPER_KEY else unit.owner_ids
        total = sum(areas.values(), Decimal(0))
    keys_of_person: dict[int, set[str]] = defaultdict(set)
    for key, people in owners.items():
        for person_id in people:
            keys_of_person[person_id].add(key)
    overlapping = {k for keys in keys_of_person.values() if len(keys) > 1 for k in keys}
    voters = {}
    for key in sorted(areas):
        review = []
        if key in overlapping:
            review.append(ReviewReason.OVERLAPPING_OWNERS)
        if key.startswith("u:"):
            review.append(ReviewReason.NO_OWNER)
        voters[key] = Voter(
            key=key,
            area=areas[key],
            unit_ids=tuple(sorted(unit_ids[key])),
            owner_ids=tuple(sorted(owners[key])),
            review=tuple(review),
        )
    return Electorate(voters=voters, total_area=total, unit_of=unit_of)


@dataclass(frozen=True)
class Ratio:
    """An exact fraction kept as its two terms (never divided)."""

    numerator: Decimal | int
    denominator: Decimal | int

    def at_least(self, p: int, q: int) -> bool:
        """numerator / denominator >= p / q, by cross-multiplication."""
        with exact():
            return q * self.numerator >= p * self.denominator

    def more_than(self, p: int, q: int) -> bool:
        with exact():
            return q * self.numerator > p * self.denominator

    def as_dict(self) -> dict[str, str | int]:
        n, d = self.numerator, self.denominator
        return {
            "numerator": str(n) if isinstance(n, Decimal) else n,
            "denominator": str(d) if isinstance(d, Decimal) else d,
        }


@dataclass(frozen=True)
class Measure:
    area: Ratio
    count: Ratio

    def as_dict(self) -> dict:
        return {"area": self.area.as_dict(), "count": self.count.as_dict()}


@dataclass(frozen=True)
class Tally:
    matter_class: MatterClass
    participation: Measure  # participating / whole electorate
    consent: Measure  # for / participating
    against: Measure  # against / participating
    abstain: Measure  # abstain / participating
    quorum: bool
    consent_reached: bool
    quorum_area: bool
    quorum_count: bool
    consent_area: bool
    consent_count: bool
    ignored: int = 0  # ballots whose key is not in the electorate

    @property
    def passed(self) -> bool:
        return self.quorum and self.consent_reached

    def as_dict(self) -> dict:
        return {
            "matter_class": str(self.matter_class),
            "participation": self.participation.as_dict(),
            "consent": self.consent.as_dict(),
            "against": self.against.as_dict(),
            "abstain": self.abstain.as_dict(),
            "quorum": self.quorum,
            "quorum_by": {"area": self.quorum_area, "count": self.quorum_count},
            "consent_by": {"area": self.consent_area, "count": self.consent_count},
            "consent_reached": self.consent_reached,
            "passed": self.passed,
        }


# (p, q, strict): consent needs share >= p/q, or > p/q when strict.
PARTICIPATION = (2, 3, False)
CONSENT: dict[MatterClass, tuple[int, int, bool]] = {
    MatterClass.SPECIAL: (3, 4, False),  # "四分之三以上": at least
    MatterClass.GENERAL: (1, 2, True),  # "过半数": strictly more than half
}


def _meets(ratio: Ratio, rule: tuple[int, int, bool]) -> bool:
    p, q, strict = rule
    return ratio.more_than(p, q) if strict else ratio.at_least(p, q)


def tally(
    electorate: Electorate, ballots: Mapping[str, Choice | str], matter_class: MatterClass | str
) -> Tally:
    """Count one choice per voter key. Keys outside the electorate are ignored (and counted in
    ``ignored``); abstentions count toward participation only; silence is not consent."""
    sums: dict[Choice, tuple[Decimal, int]] = {c: (Decimal(0), 0) for c in Choice}
    ignored = 0
    with exact():
        for key, choice in ballots.items():
            voter = electorate.voters.get(key)
            if voter is None:
                ignored += 1
                continue
            area, count = sums[Choice(choice)]
            sums[Choice(choice)] = (area + voter.area, count + 1)
    return judge(
        sums,
        total_area=electorate.total_area,
        total_count=electorate.count,
        matter_class=matter_class,
        ignored=ignored,
    )


def judge(
    sums: Mapping[Choice | str, tuple[Decimal, int]],
    *,
    total_area: Decimal,
    total_count: int,
    matter_class: MatterClass | str,
    ignored: int = 0,
) -> Tally:
    """Decide from the area and head count behind each choice (e.g. one aggregate query over
    the counted ballots) and the electorate's totals."""
    matter_class = MatterClass(matter_class)
    by_choice = {c: (Decimal(0), 0) for c in Choice}
    for choice, (area, count) in sums.items():
        by_choice[Choice(choice)] = (Decimal(area), int(count))
    with exact():
        part_area = sum((a for a, _ in by_choice.values()), Decimal(0))
        part_count = sum(n for _, n in by_choice.values())

    def share(choice: Choice) -> Measure:
        area, count = by_choice[choice]
        return Measure(area=Ratio(area, part_area), count=Ratio(count, part_count))

    participation = Measure(
        area=Ratio(part_area, Decimal(total_area)), count=Ratio(part_count, int(total_count))
    )
    consent = share(Choice.FOR)
    rule = CONSENT[matter_class]
    quorum_area = _meets(participation.area, PARTICIPATION)
    quorum_count = _meets(participation.count, PARTICIPATION)
    consent_area = _meets(consent.area, rule)
    consent_count = _meets(consent.count, rule)
    return Tally(
        matter_class=matter_class,
        participation=participation,
        consent=consent,
        against=share(Choice.AGAINST),
        abstain=share(Choice.ABSTAIN),
        quorum=quorum_area and quorum_count,
        consent_reached=consent_area and consent_count,
        quorum_area=quorum_area,
        quorum_count=quorum_count,
        consent_area=consent_area,
        consent_count=consent_count,
        ignored=ignored,
    )
