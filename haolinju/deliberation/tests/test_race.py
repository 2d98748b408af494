"""Twenty ballots for one voter key at the same moment: exactly one counts (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from haolinju.core.errors import ApplicationError
from haolinju.deliberation.models import Ballot
from haolinju.deliberation.services import votes as services

from .factories import ExampleCompound, window

N = 20


def _open_vote(ex, **options):
    opens, closes = window()
    vote = services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=9,
        title="并发投票",
        opens_at=opens,
        closes_at=closes,
        **options,
    )
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="notice")
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="open")
    return vote


def _race(cast) -> list[str]:
    barrier = threading.Barrier(N)
    outcomes: list[str] = []

    def run(i):
        try:
            barrier.wait()
            cast(i)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(f"refused:{exc.status_code}")
        except Exception as exc:  # an IntegrityError here means the lock is missing
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_paper_ballots_for_one_key_count_once():
    """20 returning-officer entries of a paper ballot for the same unit at once: one is
    accepted, 19 are refused with a 409, and exactly one ballot exists."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    ex = ExampleCompound()
    vote = _open_vote(ex)
    unit = ex.unit("301").pk
    outcomes = _race(
        lambda i: services.ballot_cast(
            actor=ex.officer, vote_id=vote.pk, choice="for", channel="paper", voter_unit_id=unit
        )
    )
    assert sorted(outcomes) == ["ok"] + ["refused:409"] * (N - 1)
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_online_replacements_leave_one_counted():
    """20 online ballots of one owner at once, replacement allowed: each replaces the one before
    in turn, all 20 are kept, and exactly one counts."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    ex = ExampleCompound()
    vote = _open_vote(ex)
    choices = ["for", "against", "abstain"]
    outcomes = _race(
        lambda i: services.ballot_cast(
            actor=ex.owners[7], vote_id=vote.pk, choice=choices[i % 3], channel="online"
        )
    )
    assert outcomes == ["ok"] * N
    assert Ballot.objects.filter(vote=vote).count() == N
    assert Ballot.objects.filter(vote=vote, superseded_at__isnull=True).count() == 1
