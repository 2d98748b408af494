"""Deeds that earn points: the seam between the loops and the points ledger.

A loop that confirms a deed calls ``publish(Deed(...))`` inside its own transaction; every sink
named in ``settings.HAOLINJU_DEED_SINKS`` receives it there, so the deed and whatever a sink
writes commit or roll back together. Loops never import the points app; the points app never
imports the loops. Sinks must be idempotent on ``(source_type, source_id, kind)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Deed:
    kind: str  # "activity.attendance", "case.rated", …
    source_type: str  # "<app>.<model>" of the record that proves it
    source_id: int
    person_id: int  # who did it
    area_path: str  # where it counts (the compound's subtree)
    occurred_on: dt.date
    quantity: int = 1  # minutes for service time, 1 for a count; negative to compensate
    item_code: str = ""  # activity item / case category code
    verified_by_id: int | None = None  # the user who confirmed it
    data: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.source_type, self.source_id, self.kind)


@cache
def _sinks(paths: tuple[str, ...]):
    return [import_string(p) for p in paths]


def publish(deed: Deed) -> list:
    """Hand the deed to every sink; returns what each returned (e.g. the entries it wrote)."""
    return [sink(deed) for sink in _sinks(tuple(getattr(settings, "HAOLINJU_DEED_SINKS", ())))]
