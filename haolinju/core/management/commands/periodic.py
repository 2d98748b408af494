"""Queue the periodic jobs of ``settings.HAOLINJU_PERIODIC`` when due (see core.periodic)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from haolinju.core.periodic import enqueue_due


class Command(BaseCommand):
    help = "Queue periodic jobs when they fall due (runs beside db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between checks")

    def handle(self, *args, once: bool = False, tick: float = 5.0, **options):
        while True:
            for name in enqueue_due():
                self.stdout.write(f"queued {name}")
            if once:
                return
            time.sleep(tick)
