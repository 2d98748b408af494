"""`haolinju points verify` from the command line (outside the app: the CLI imports the demo)."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.cli import main
from haolinju.points.models import Entry, Masking
from haolinju.points.services import entries, notice
from haolinju.points.tests.factories import PAST, world


@pytest.fixture
def w(db):
    w = world()
    e = entries.award_record(
        actor=w.secretary,
        person_id=w.member.person.pk,
        points=5,
        reason="志愿服务",
        occurred_on=PAST,
    )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    entries.month_lock(actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3)
    notice.notice_publish(
        actor=w.secretary, compound_id=w.compound.pk, year=2025, masking=Masking.SURNAME
    )
    return w


def test_cli_verify_exit_status(w, capsys):
    """`haolinju points verify` exits 0 when the ledger matches and 1 naming the entry when not."""
    assert main(["points", "verify", "--compound", str(w.compound.pk), "--year", "2025"]) == 0
    victim = Entry.objects.order_by("pk")[0]
    Entry.objects.filter(pk=victim.pk).update(occurred_on=dt.date(2025, 3, 11))
    assert main(["points", "verify", "--compound", str(w.compound.pk), "--year", "2025"]) == 1
    assert f"entry {victim.pk}" in capsys.readouterr().err
