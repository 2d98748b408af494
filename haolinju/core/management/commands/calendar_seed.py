"""Copy one year's holidays and make-up working days from the chinesecalendar package into
``CalendarDay`` rows, so district staff can see and edit them (and keep them when the package
no longer ships that year)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from haolinju.core.calendar import package_says
from haolinju.core.models import CalendarDay, CalendarDayKind


class Command(BaseCommand):
    help = "Write CalendarDay rows for a year from the chinesecalendar package."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options):
        day, written = dt.date(year, 1, 1), 0
        if package_says(day) is None:
            raise CommandError(f"chinesecalendar does not know {year}; add its days by hand")
        while day.year == year:
            worked, weekday = package_says(day), day.weekday() < 5
            if worked != weekday:
                kind = CalendarDayKind.WORKDAY if worked else CalendarDayKind.HOLIDAY
                _obj, created = CalendarDay.objects.get_or_create(date=day, defaults={"kind": kind})
                written += created
            day += dt.timedelta(days=1)
        self.stdout.write(f"{written} days written for {year}")
