"""Activities and volunteer service (loop 3; issue 8).

Interface to the points ledger (item 8): every organiser confirmation of an attendance
publishes exactly one ``core.deeds.Deed(kind="activity.attendance",
source_type="activities.servicerecord", source_id=<record id>, person_id=…, area_path=…,
occurred_on=<service date>, quantity=<confirmed minutes>, item_code=<library item code>,
verified_by_id=<organiser>, data={"activity_id", "item_version", "points_code",
"category_code", "corrects"})``; a correction publishes one compensating deed whose quantity is
the difference (negative when minutes are taken away). Details: ``services/deeds.py``.
"""
