"""Service-time arithmetic (RULES.md §3), in integers only.

Minutes are stored; hours are reported to 0.1 h and never rounded up (59 min → 0.9 h). A day
credits at most ``DAILY_CAP_MINUTES`` per person; attendance covering less than
``MIN_SHARE_PERCENT`` of the activity needs the organiser's confirmation. Time before the start
(an early arrival) is not service time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

STAR_LEVELS_HOURS = (100, 300, 600, 1000, 1500)


def daily_cap_minutes() -> int:
    return int(getattr(settings, "HAOLINJU_SERVICE_DAILY_CAP_MINUTES", 8 * 60))


def min_share_percent() -> int:
    return int(getattr(settings, "HAOLINJU_SERVICE_MIN_SHARE_PERCENT", 60))


def tenths_of_hour(minutes: int) -> int:
    """Whole tenths of an hour in ``minutes``, truncated: 59 → 9, 60 → 10, 65 → 10."""
    return (minutes * 10) // 60


def hours(minutes: int) -> Decimal:
    """Hours to one decimal, never rounded up: 59 → 0.9, 108 → 1.8, 119 → 1.9."""
    sign = -1 if minutes < 0 else 1
    return Decimal(sign * tenths_of_hour(abs(minutes))).scaleb(-1)  # exact: 20 → 2.0


def whole_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (seconds dropped), never negative."""
    seconds = int((end - start).total_seconds())
    return max(0, seconds // 60)


def actual_minutes(
    *, checked_in: dt.datetime, checked_out: dt.datetime, starts_at: dt.datetime
) -> int:
    """Service time from check-in (or the start, for an early arrival) to check-out."""
    return whole_minutes(max(checked_in, starts_at), checked_out)


def needs_confirmation(*, actual: int, scheduled: int, share_percent: int | None = None) -> bool:
    """Less than ``share_percent`` of the scheduled time (cross-multiplied, no division)."""
    share = min_share_percent() if share_percent is None else share_percent
    return actual * 100 < scheduled * share


def credit(*, actual: int, already_that_day: int, cap: int | None = None) -> int:
    """Minutes credited today given what the person already has that day."""
    cap = daily_cap_minutes() if cap is None else cap
    return max(0, min(actual, cap - already_that_day))


def star_level(total_minutes: int) -> int:
    """0–5 stars at 100 / 300 / 600 / 1,000 / 1,500 hours."""
    return sum(1 for h in STAR_LEVELS_HOURS if total_minutes >= h * 60)


def next_star_hours(total_minutes: int) -> int | None:
    for h in STAR_LEVELS_HOURS:
        if total_minutes < h * 60:
            return h
    return None
