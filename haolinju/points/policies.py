"""Pure predicates about points: who may record, second, review, lock, publish, run a shop.

Every points screen names members and shows their history, so each predicate asks whether the
actor reads the people directory over the place (``people_paths``), not merely holds a post
there: a publicity officer over a compound governs it but does not read its people."""

from __future__ import annotations

from haolinju.core.scope import SEGMENT, jurisdiction_of


def _reads(actor, path: str) -> bool:
    return jurisdiction_of(actor).reads_people_at(path)


def can_record(actor, compound) -> bool:
    """Staff whose positions cover the compound record awards and deductions."""
    return _reads(actor, compound.path)


def can_second(actor, entry, compound) -> bool:
    """A large manual award needs a second person: staff over the compound, not its recorder."""
    return entry.recorded_by_id != actor.pk and _reads(actor, compound.path)


def may_move_entry(actor, entry, action: str) -> bool:
    """The entry machine's policy: a second approval needs staff over the entry's compound other
    than its recorder; approving and rejecting need staff over the compound."""
    if actor is None:
        return False
    if action == "second":
        return entry.recorded_by_id != actor.pk and _reads(actor, entry.area_path)
    if action in ("approve", "reject"):
        return _reads(actor, entry.area_path)
    return False


def can_manage_rules(actor, area) -> bool:
    """Earning rules for an area's subtree are set by staff over the whole area (community or
    district staff; a compound's secretary sets those of the compound)."""
    return _reads(actor, area.path)


def can_manage_stations(actor, compound) -> bool:
    """Stations (and their shops) of a compound are opened by staff over its community or above."""
    parent_path = compound.path[:-SEGMENT]
    return bool(parent_path) and _reads(actor, parent_path)


def can_review(actor, compound) -> bool:
    """The branch secretary (or anyone governing the compound) reviews the month's entries."""
    return _reads(actor, compound.path)


def can_lock(actor, community) -> bool:
    """Only staff over the whole community lock its month (a compound secretary cannot)."""
    return _reads(actor, community.path)


def can_publish(actor, compound) -> bool:
    return _reads(actor, compound.path)


def can_run_shop(actor, station) -> bool:
    """Station staff: anyone governing the station's compound hands over and restocks."""
    return _reads(actor, station.area_path)


def may_resolve(actor, redemption, action: str) -> bool:
    """Who may move a redemption: staff over the station hand over; the member or staff cancel;
    only the system (no actor) lets a reservation expire."""
    if action == "expire":
        return actor is None
    if actor is None:
        return False
    if action == "hand_over":
        return _reads(actor, redemption.area_path)
    if action == "cancel":
        return redemption.person_id == jurisdiction_of(actor).person_id or _reads(
            actor, redemption.area_path
        )
    return False
