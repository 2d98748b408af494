"""The deed sink named in ``settings.HAOLINJU_DEED_SINKS``: core.deeds calls it for each
published deed, inside the publisher's transaction."""

from __future__ import annotations

from .entries import record_deed


def receive_deed(deed) -> None:
    """One pending entry per (source_type, source_id, kind), by the rule in force that day."""
    record_deed(
        kind=deed.kind,
        source_type=deed.source_type,
        source_id=deed.source_id,
        person_id=deed.person_id,
        area_path=deed.area_path,
        occurred_on=deed.occurred_on,
        quantity=deed.quantity,
        item_code=getattr(deed, "item_code", "") or "",
        recorded_by_id=getattr(deed, "verified_by_id", None),
        data=getattr(deed, "data", None),
    )
