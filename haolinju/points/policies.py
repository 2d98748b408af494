"""Pure predicates about points: who may record, second, review, lock, publish, run a shop."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of


def can_record(actor, compound) -> bool:
    """Staff whose positions cover the compound record awards and deductions."""
    return jurisdiction_of(actor).governs(compound.path)


def can_second(actor, entry, compound) -> bool:
    """A large manual award needs a second person: staff over the compound, not its recorder."""
    return entry.recorded_by_id != actor.pk and jurisdiction_of(actor).governs(compound.path)


def can_review(actor, compound) -> bool:
    """The branch secretary (or anyone governing the compound) reviews the month's entries."""
    return jurisdiction_of(actor).governs(compound.path)


def can_lock(actor, community) -> bool:
    """Only staff over the whole community lock its month (a compound secretary cannot)."""
    return jurisdiction_of(actor).governs(community.path)


def can_publish(actor, compound) -> bool:
    return jurisdiction_of(actor).governs(compound.path)


def can_run_shop(actor, station) -> bool:
    """Station staff: anyone governing the station's compound hands over and restocks."""
    return jurisdiction_of(actor).governs(station.area_path)
