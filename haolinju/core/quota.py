"""Strict caps under concurrency: "at most N of X per actor per window".

Counting rows and then writing lets N racing requests all see "N-1 used" and all pass. Here an
allowance is a ``QuotaCounter`` row per (key, window) and taking one unit is a single
conditional ``UPDATE … SET used = used + 1 WHERE used < cap``: the database row lock makes
concurrent takers queue, and each re-reads ``used`` after the one before it commits (PostgreSQL
READ COMMITTED re-checks the WHERE on the new row version; SQLite writers are serialised). Call
``take`` inside the transaction of the work it pays for: a rollback gives the unit back.

    if not quota.take(f"reveal:{user.pk}", quota.day_start(), cap):
        raise LimitReached(...)
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import QuotaCounter


def day_start(now: dt.datetime | None = None) -> dt.datetime:
    """Local midnight of today (the window of a daily cap)."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def hour_start(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(minute=0, second=0, microsecond=0)


def _create_row(key: str, window: dt.datetime) -> None:
    try:
        with transaction.atomic():  # a savepoint: a racing insert only loses this one
            QuotaCounter.objects.create(key=key, window=window, used=0)
    except IntegrityError:
        pass


def _ensure_row(key: str, window: dt.datetime) -> None:
    if not QuotaCounter.objects.filter(key=key, window=window).exists():
        _create_row(key, window)


def _take_one(key: str, window: dt.datetime, cap: int) -> bool:
    taken = QuotaCounter.objects.filter(key=key, window=window, used__lt=cap).update(
        used=F("used") + 1
    )
    return taken == 1


def take(key: str, window: dt.datetime, cap: int) -> bool:
    """Take one unit of ``key``'s allowance in ``window`` if fewer than ``cap`` are used;
    False when the cap is reached. Holds the counter row's lock until the caller's
    transaction ends. One query in the steady state (the row exists, the cap not reached)."""
    if cap <= 0:
        return False
    if _take_one(key, window, cap):
        return True
    if QuotaCounter.objects.filter(key=key, window=window).exists():
        return False  # the cap is reached
    _create_row(key, window)  # the window's first unit (a racing creator may win: fine)
    return _take_one(key, window, cap)


def used(key: str, window: dt.datetime) -> int:
    row = QuotaCounter.objects.filter(key=key, window=window).values_list("used", flat=True)
    return row[0] if row else 0


def add(key: str, window: dt.datetime, n: int) -> None:
    """Count ``n`` units already spent (e.g. probes a file made), past the cap if need be, so
    the next ``take`` or ``used`` check sees them."""
    if n <= 0:
        return
    _ensure_row(key, window)
    QuotaCounter.objects.filter(key=key, window=window).update(used=F("used") + n)
