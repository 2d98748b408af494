"""Votes close by themselves at ``closes_at``: the ``deliberation.close_due_votes`` periodic job
closes every due vote once, stores its tally and leaves the others alone."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from haolinju.core.models import AuditEvent
from haolinju.core.periodic import enqueue_due
from haolinju.deliberation import selectors
from haolinju.deliberation.models import Vote
from haolinju.deliberation.services import votes as services
from haolinju.deliberation.tasks import close_due_votes

from .factories import ExampleCompound, window


def _open_vote(ex, title="到期自动截止"):
    opens, closes = window()
    vote = services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=9,
        title=title,
        opens_at=opens,
        closes_at=closes,
    )
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="notice")
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="open")
    return vote


def _past(vote):
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))


@pytest.mark.django_db
def test_due_votes_close_with_their_tally_and_a_rerun_does_nothing():
    """A due vote is closed by the system (no actor) with the tally of its ballots and the
    receipt root; a vote not yet due stays open; running the job again changes nothing."""
    ex = ExampleCompound()
    due, later = _open_vote(ex), _open_vote(ex, "尚未到期")
    for n in (1, 2, 3, 4, 5, 7, 8):
        services.ballot_cast(actor=ex.owners[n], vote_id=due.pk, choice="for", channel="online")
    _past(due)
    assert services.close_due() == {"closed": 1, "skipped": 0}
    due.refresh_from_db()
    assert due.status == "closed" and due.receipts_root
    assert due.result == selectors.recount(due).as_dict() and due.result["passed"] is True
    event = AuditEvent.objects.get(action="vote.close", target_id=due.pk)
    assert event.actor is None and "自动截止" in event.note
    assert Vote.objects.get(pk=later.pk).status == "open"
    assert services.close_due() == {"closed": 0, "skipped": 0}
    assert AuditEvent.objects.filter(action="vote.close", target_id=due.pk).count() == 1


@pytest.mark.django_db
def test_the_job_is_scheduled_every_minute_and_runs_through_core_periodic(
    django_capture_on_commit_callbacks,
):
    """``HAOLINJU_PERIODIC`` lists the job once, every 60 s; ``enqueue_due`` queues it and the
    queued task closes the due vote."""
    path, seconds = settings.HAOLINJU_PERIODIC["deliberation.close_due_votes"]
    assert (path, seconds) == ("haolinju.deliberation.tasks.close_due_votes", 60)
    ex = ExampleCompound()
    vote = _open_vote(ex)
    _past(vote)
    with django_capture_on_commit_callbacks(execute=True):
        assert "deliberation.close_due_votes" in enqueue_due()
    assert Vote.objects.get(pk=vote.pk).status == "closed"
    assert close_due_votes.call() == {"closed": 0, "skipped": 0}


@pytest.mark.django_db
def test_nobody_but_the_worker_closes_without_an_actor_and_staff_still_may():
    """The system may only close; an officer can still close a due vote by hand, after which
    the job skips it."""
    from haolinju.deliberation import policies

    ex = ExampleCompound()
    vote = _open_vote(ex)
    assert policies.may_vote_action(None, vote, "close")
    assert not any(policies.may_vote_action(None, vote, a) for a in ("open", "certify", "cancel"))
    _past(vote)
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="close")
    assert services.close_due() == {"closed": 0, "skipped": 0}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_close_a_vote_once():
    """Two schedulers running the job at the same moment: the vote closes once, one close
    event, the other worker skips it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    ex = ExampleCompound()
    vote = _open_vote(ex)
    _past(vote)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.close_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["closed"] for r in results) == 1
    assert AuditEvent.objects.filter(action="vote.close", target_id=vote.pk).count() == 1
