"""Enqueue the supervision sweep every ``--every`` seconds for the task worker (a ticker: the
database task backend has no periodic schedule of its own). ``--once`` enqueues one and exits.
``haolinju demo`` and ``haolinju worker`` run it beside ``db_worker``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from haolinju.cases.services.supervision import supervise


class Command(BaseCommand):
    help = "Enqueue the cases supervision sweep periodically."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60, help="seconds between sweeps")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, every: int, once: bool, **options):
        while True:
            supervise.enqueue()
            if once:
                return
            time.sleep(max(5, every))
