"""The demo district has logged personal-data reads for the reads review to show."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from haolinju.people.data_reads import data_read_list

pytestmark = pytest.mark.django_db


def test_demo_secretaries_find_reads_of_their_residents(demo):
    """The compound secretary sees their own three reads; the community secretary sees theirs
    and the compound's; each carries a reason."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=demo)}
    secretary = list(data_read_list(actor=users["secretary"]))
    assert len(secretary) >= 3 and all(r.reason for r in secretary)
    assert {r.actor.username for r in data_read_list(actor=users["community"])} >= {
        "secretary",
        "community",
    }
