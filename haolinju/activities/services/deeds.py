"""Item 8's interface: what reaches the points ledger from this loop, through ``core.deeds``.

One deed per confirmed attendance and one per correction, published in the confirming
transaction (a sink's points entries commit or fail with the record):

``Deed(kind="activity.attendance", source_type="activities.servicerecord", source_id=<record id>,
person_id=<volunteer's person id>, area_path=<activity's area path>, occurred_on=<service date>,
quantity=<confirmed minutes>, item_code=<library item code, e.g. "env.stairwell">,
verified_by_id=<organiser user id>, data={"activity_id", "item_version", "points_code",
"category_code", "corrects"})``

A correction is its own record and publishes a compensating deed whose ``quantity`` is the
difference (new − old minutes, negative when hours were taken away) and whose
``data["corrects"]`` is the corrected record's id; the deeds of one attendance always add up
to its current confirmed minutes. ``points_code`` is the rule code of the item version the
activity used, so a later edit of the library never changes how a past deed is scored.
"""

from __future__ import annotations

from haolinju.core.deeds import Deed, publish

from ..models import ServiceRecord

KIND = "activity.attendance"
SOURCE_TYPE = "activities.servicerecord"


def _deed(record: ServiceRecord) -> Deed:
    version = record.activity.item_version
    return Deed(
        kind=KIND,
        source_type=SOURCE_TYPE,
        source_id=record.pk,
        person_id=record.person_id,
        area_path=record.area_path,
        occurred_on=record.service_date,
        quantity=record.delta_minutes,
        item_code=record.item_code,
        verified_by_id=record.confirmed_by_id,
        data={
            "activity_id": record.activity_id,
            "item_version": version.version,
            "points_code": version.points_code,
            "category_code": record.category_code,
            "corrects": record.corrects_id,
        },
    )


def attendance_confirmed(record: ServiceRecord) -> None:
    publish(_deed(record))


def attendance_corrected(record: ServiceRecord) -> None:
    publish(_deed(record))
