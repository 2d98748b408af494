"""The annual notice: published only over locked months, ranked and masked, a digest that
`points verify` recomputes (naming the tampered entry), member inclusion proofs, objections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from haolinju.core import hashchain
from haolinju.points.errors import Conflict
from haolinju.points.models import Entry, Masking
from haolinju.points.services import entries, notice

from .factories import PAST


def approved(w, user, points, on=PAST):
    e = entries.award_record(
        actor=w.secretary,
        person_id=user.person.pk,
        points=points,
        reason="志愿服务",
        occurred_on=on,
    )
    entries.review(actor=w.secretary, compound_id=w.compound.pk, entry_ids=[e.pk], approve=True)
    return e


@pytest.fixture
def published(w):
    w.member.person.name = "张小三"
    w.member.person.save()
    for p in (5, 4, 3):
        approved(w, w.member, p)
    approved(w, w.other, 9)
    with pytest.raises(Conflict):  # March is not locked yet
        notice.notice_publish(actor=w.secretary, compound_id=w.compound.pk, year=2025)
    entries.month_lock(actor=w.community_secretary, community_id=w.community.pk, year=2025, month=3)
    return notice.notice_publish(
        actor=w.secretary, compound_id=w.compound.pk, year=2025, masking=Masking.FIRST_LAST
    )


def test_ranking_masked_and_digest(w, published):
    """The ranking orders members by score with masked names; the digest is the Merkle root of
    the year's approved entries; a second publication is refused."""
    assert [(r["rank"], r["score"]) for r in published.ranking] == [(1, 12), (2, 9)]
    assert published.ranking[0]["name"] == "张*三"
    leaves = [notice.leaf_bytes(e) for e in Entry.objects.order_by("pk")]
    assert published.digest == hashchain.merkle_root(leaves)
    assert published.objection_until - published.published_at == dt.timedelta(days=7)
    with pytest.raises(Conflict):
        notice.notice_publish(actor=w.secretary, compound_id=w.compound.pk, year=2025)


def test_verify_passes_then_names_the_tampered_entry(w, published, capsys):
    """`points verify` succeeds on the untouched ledger; after one entry's points are changed
    in the database it fails and names that entry."""
    call_command("points_verify", compound=w.compound.pk, year=2025)
    assert "OK 4 entries" in capsys.readouterr().out
    victim = Entry.objects.order_by("pk")[1]
    Entry.objects.filter(pk=victim.pk).update(points=50)
    with pytest.raises(CommandError, match=f"entry {victim.pk}"):
        call_command("points_verify", compound=w.compound.pk, year=2025)


def test_member_checks_own_inclusion_proof(w, published):
    """A member gets a proof per own entry and checks it against the digest with nothing but
    their own leaves; a changed leaf fails the check."""
    proof = notice.notice_proof(actor=w.member, notice=published)
    assert proof["count"] == 3
    for item in proof["entries"]:
        assert hashchain.verify_proof(item["leaf"].encode(), item["proof"], published.digest)
        assert f'"person":{w.member.person.pk}' in item["leaf"]
    forged = proof["entries"][0]["leaf"].replace('"points":5', '"points":50')
    assert not hashchain.verify_proof(
        forged.encode(), proof["entries"][0]["proof"], published.digest
    )


def test_objection_window_and_answer(w, published):
    """Residents object within the window and each objection gets one recorded answer; after the
    window objections are refused."""
    o = notice.objection_raise(actor=w.other, notice=published, text="我的分数少算了")
    answered = notice.objection_answer(
        actor=w.secretary, objection_id=o.pk, answer="已核实，三月记录无误"
    )
    assert answered.answered_by_id == w.secretary.pk
    with pytest.raises(Conflict):
        notice.objection_answer(actor=w.secretary, objection_id=o.pk, answer="again")
    published.objection_until = timezone.now() - dt.timedelta(seconds=1)
    published.save()
    with pytest.raises(Conflict):
        notice.objection_raise(actor=w.other, notice=published, text="晚了")


def test_streaming_merkle_root_equals_the_level_by_level_root():
    """The verifier's streaming Merkle builder gives exactly ``merkle_root`` for every size
    (odd nodes promoted), so a notice verified in one pass is the notice published."""
    from haolinju.core import hashchain

    for n in range(0, 70):
        leaves = [f"leaf{i}".encode() for i in range(n)]
        builder = hashchain.MerkleBuilder()
        for leaf in leaves:
            builder.add(leaf)
        assert builder.root() == hashchain.merkle_root(leaves), n


def test_leaf_text_matches_canonical_bytes(w):
    """The verifier's row formatter writes the same text as ``leaf_bytes`` — plain codes and
    sources with quotes, backslashes or Chinese alike."""
    from haolinju.points.services.notice import _leaf_text, leaf_bytes

    entry = entries.award_record(
        actor=w.secretary, person_id=w.member.person.pk, points=3, reason="x", occurred_on=PAST
    )
    for source_id in ("plain-1", 'q"uote', "back\\slash", "中文:1", "tab\tx"):
        entry.source_id = source_id
        row = (
            entry.person_id,
            entry.kind,
            entry.points,
            entry.exchange_points,
            entry.occurred_on,
            entry.rule_version_id,
            entry.source_type,
            entry.source_id,
            entry.status,
            entry.pk,
        )
        assert _leaf_text(*row).encode("utf-8") == leaf_bytes(entry), source_id
