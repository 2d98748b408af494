"""``manage.py vote_recount VOTE_ID``: re-derive a vote's tally from its stored ballots."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from haolinju.deliberation.models import Vote
from haolinju.deliberation.selectors import live_tally, recount


class Command(BaseCommand):
    help = "Recount a vote from its stored ballots and frozen electorate; compare with the result."

    def add_arguments(self, parser):
        parser.add_argument("vote_id", type=int)

    def handle(self, *args, vote_id: int, **options):
        vote = Vote.objects.filter(pk=vote_id).first()
        if vote is None:
            raise CommandError(f"vote {vote_id} does not exist")
        fresh = recount(vote).as_dict()
        live = live_tally(vote).as_dict()
        report = {
            "vote": vote.pk,
            "title": vote.title,
            "status": vote.status,
            "recount": fresh,
            "matches_live_tally": fresh == live,
            "matches_stored_result": (fresh == vote.result) if vote.result else None,
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if fresh != live or (vote.result and fresh != vote.result):
            raise CommandError("the recount differs from the stored tally")
