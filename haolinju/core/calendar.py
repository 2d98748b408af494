"""Deadlines on China's working-day calendar.

Which days are worked: a ``CalendarDay`` row (holiday or make-up working day, 调休) decides first —
district staff add rows for years the package does not know yet; otherwise the maintained
``chinesecalendar`` package (public holidays and make-up days as published by the State
Council); otherwise Monday to Friday.

Durations (``Duration.parse``): ``"30m"`` / ``"2h"`` wall-clock minutes or hours, ``"3d"`` calendar
days, ``"4wh"`` working hours inside ``settings.HAOLINJU_WORKING_HOURS``, ``"7wd"`` working days.
A working-day deadline keeps the clock time: a case received on a working day at 10:00 with
``7wd`` is due at 10:00 on the seventh working day after; received outside working time, it
counts from the next opening time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .models import CalendarDay, CalendarDayKind

DEFAULT_WORKING_HOURS = (("08:30", "12:00"), ("14:00", "17:30"))
_CACHE_SECONDS = 60
_overrides: dict[int, tuple[float, dict[dt.date, str]]] = {}


def clear_cache() -> None:
    _overrides.clear()


def _year_overrides(year: int) -> dict[dt.date, str]:
    hit = _overrides.get(year)
    now = time.monotonic()
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    rows = dict(
        CalendarDay.objects.filter(
            date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).values_list("date", "kind")
    )
    _overrides[year] = (now, rows)
    return rows


@functools.lru_cache(maxsize=4096)
def package_says(day: dt.date) -> bool | None:
    """Whether ``chinesecalendar`` knows ``day`` is worked; ``None`` for years it does not cover.
    Memoised: the package's tables are fixed for the life of the process (the package validates
    each date, ~0.1 ms, and a deadline in working days asks about many)."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a pinned dependency
        return None
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_working_day(day: dt.date) -> bool:
    kind = _year_overrides(day.year).get(day)
    if kind is not None:
        return kind == CalendarDayKind.WORKDAY
    known = package_says(day)
    if known is not None:
        return known
    return day.weekday() < 5


def working_hours() -> list[tuple[dt.time, dt.time]]:
    spans = getattr(settings, "HAOLINJU_WORKING_HOURS", DEFAULT_WORKING_HOURS)
    return [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in spans]


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "m", "h", "d", "wh", "wd"

    PATTERN = re.compile(r"^\s*(\d{1,4})\s*(m|h|d|wh|wd)\s*$")
    LABELS = {
        "m": _("%(n)s 分钟"),
        "h": _("%(n)s 小时"),
        "d": _("%(n)s 天"),
        "wh": _("%(n)s 个工作小时"),
        "wd": _("%(n)s 个工作日"),
    }

    @classmethod
    def parse(cls, text: str, field: str = "duration") -> Duration:
        match = cls.PATTERN.match(str(text or ""))
        if not match:
            raise InvalidInput.on(
                field, _("时限格式应为数字加单位：m、h、d、wh（工作小时）或 wd（工作日）")
            )
        return cls(int(match.group(1)), match.group(2))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def label(self) -> str:
        return str(self.LABELS[self.unit]) % {"n": self.amount}


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


def _next_opening(moment: dt.datetime) -> dt.datetime:
    """``moment`` if it lies in working time, else the next opening time."""
    tz = moment.tzinfo
    day = moment.date()
    for _attempt in range(400):
        if is_working_day(day):
            for start, end in working_hours():
                opening = dt.datetime.combine(day, start, tz)
                closing = dt.datetime.combine(day, end, tz)
                if moment < closing:
                    return max(moment, opening)
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time.min, tz)
    raise ValueError("no working time within 400 days")


def _add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    moment = _next_opening(moment)
    day = moment.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return dt.datetime.combine(day, moment.timetz())


def _add_working_minutes(moment: dt.datetime, minutes: int) -> dt.datetime:
    moment = _next_opening(moment)
    remaining = dt.timedelta(minutes=minutes)
    while True:
        day = moment.date()
        for start, end in working_hours():
            closing = dt.datetime.combine(day, end, moment.tzinfo)
            opening = dt.datetime.combine(day, start, moment.tzinfo)
            if moment >= closing:
                continue
            moment = max(moment, opening)
            if moment + remaining <= closing:
                return moment + remaining
            remaining -= closing - moment
            moment = closing
        moment = _next_opening(moment + dt.timedelta(microseconds=1))


def due_at(start: dt.datetime, duration: Duration | str) -> dt.datetime:
    """When something started at ``start`` with ``duration`` to go falls due (aware, local)."""
    if isinstance(duration, str):
        duration = Duration.parse(duration)
    start = _local(start)
    n, unit = duration.amount, duration.unit
    if unit == "m":
        return start + dt.timedelta(minutes=n)
    if unit == "h":
        return start + dt.timedelta(hours=n)
    if unit == "d":
        return start + dt.timedelta(days=n)
    if unit == "wh":
        return _add_working_minutes(start, n * 60)
    return _add_working_days(start, n)


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time inside ``[a, b)`` (zero when ``b <= a``)."""
    a, b = _local(a), _local(b)
    total = dt.timedelta()
    day = a.date()
    while day <= b.date():
        if is_working_day(day):
            for start, end in working_hours():
                lo = max(a, dt.datetime.combine(day, start, a.tzinfo))
                hi = min(b, dt.datetime.combine(day, end, a.tzinfo))
                if hi > lo:
                    total += hi - lo
        day += dt.timedelta(days=1)
    return total


def calendar_day_set(*, actor, day: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Mark ``day`` as a holiday or a make-up working day (replacing any earlier row); audited."""
    from django.db import transaction

    from .models import record_event

    if kind not in CalendarDayKind.values:
        raise InvalidInput.on("kind", _("类型应为节假日或调休上班"))
    with transaction.atomic():
        row, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name.strip()[:64]}
        )
        record_event(actor=actor, action="calendar.set", target=row, day=day.isoformat(), kind=kind)
    clear_cache()
    return row


def calendar_day_remove(*, actor, day: dt.date) -> bool:
    """Drop the row for ``day`` (the package or Monday–Friday decides again); audited."""
    from django.db import transaction

    from .models import record_event

    with transaction.atomic():
        row = CalendarDay.objects.filter(date=day).first()
        if row is None:
            return False
        record_event(actor=actor, action="calendar.remove", target=row, day=day.isoformat())
        row.delete()
    clear_cache()
    return True


def year_days(year: int) -> list[dict]:
    """Every day of ``year`` that is not an ordinary weekday/weekend, and who says so."""
    rows = {r.date: r for r in CalendarDay.objects.filter(date__year=year)}
    out, day = [], dt.date(year, 1, 1)
    while day.year == year:
        row = rows.get(day)
        worked = is_working_day(day)
        if row is not None or worked != (day.weekday() < 5):
            out.append(
                {
                    "date": day,
                    "working": worked,
                    "name": row.name if row else "",
                    "source": "row" if row else "package",
                }
            )
        day += dt.timedelta(days=1)
    return out
