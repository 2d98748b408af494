"""The annual public notice: ranking, digest, objections, verification and inclusion proofs.

Publishing freezes the year's approved entries of a compound as Merkle leaves (the canonical
bytes of each entry's published fields) and prints their root. ``verify`` recomputes every leaf
from the entry rows as they are now and names the first entry that no longer matches; a member's
proof is the sibling path from their leaves to the printed root, checkable with
``core.hashchain.verify_proof`` without anyone else's entries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core import hashchain
from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.org.models import Area, AreaKind

from .. import policies
from ..errors import Conflict
from ..models import Entry, EntryStatus, Masking, MonthLock, Notice, NoticeLeaf, Objection


def leaf_payload(entry: Entry) -> dict:
    """What the notice commits to for one entry (no names: the leaves leak nothing personal)."""
    return {
        "entry": entry.pk,
        "person": entry.person_id,
        "kind": entry.kind,
        "points": entry.points,
        "exchange": entry.exchange_points,
        "on": entry.occurred_on.isoformat(),
        "rule": entry.rule_version_id,
        "source": f"{entry.source_type}:{entry.source_id}",
        "status": entry.status,
    }


def leaf_bytes(entry: Entry) -> bytes:
    return hashchain.canonical(leaf_payload(entry))


def year_entries(compound_id: int, year: int):
    return Entry.objects.filter(
        compound_id=compound_id,
        occurred_on__gte=dt.date(year, 1, 1),
        occurred_on__lt=dt.date(year + 1, 1, 1),
        status=EntryStatus.APPROVED,
    ).order_by("pk")


def mask_name(name: str, masking: str) -> str:
    if masking == Masking.FULL or not name:
        return name
    if masking == Masking.SURNAME or len(name) <= 2:
        return name[0] + "*" * max(len(name) - 1, 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def ranking(compound_id: int, year: int, masking: str) -> list[dict]:
    """Members by assessment score (ties share a rank), with what they earned to exchange."""
    score: dict[int, int] = defaultdict(int)
    exchange: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for pid, name, points, ex in year_entries(compound_id, year).values_list(
        "person_id", "person__name", "points", "exchange_points"
    ):
        score[pid] += points
        exchange[pid] += ex
        names[pid] = name
    ordered = sorted(score, key=lambda p: (-score[p], p))
    rows, rank, previous = [], 0, None
    for i, pid in enumerate(ordered, start=1):
        if score[pid] != previous:
            rank, previous = i, score[pid]
        rows.append(
            {
                "rank": rank,
                "name": mask_name(names[pid], masking),
                "score": score[pid],
                "exchange": exchange[pid],
            }
        )
    return rows


@transaction.atomic
def notice_publish(
    *,
    actor,
    compound_id: int,
    year: int,
    masking: str = Masking.FIRST_LAST,
    objection_days: int | None = None,
) -> Notice:
    compound = Area.objects.filter(pk=compound_id, kind=AreaKind.COMPOUND).first()
    if compound is None or not policies.can_publish(actor, compound):
        raise NotFound()
    if masking not in Masking.values:
        raise InvalidInput.on("masking", _("姓名显示方式无效"))
    entries = list(year_entries(compound.pk, year))
    months = {(e.occurred_on.month) for e in entries}
    open_count = Entry.objects.filter(
        compound=compound,
        occurred_on__year=year,
        status__in=[EntryStatus.PENDING, EntryStatus.AWAITING_SECOND],
    ).count()
    locked = set(
        MonthLock.objects.filter(community_id=compound.parent_id, year=year).values_list(
            "month", flat=True
        )
    )
    unlocked = sorted(months - locked)
    if unlocked or open_count:
        raise Conflict.on(
            "year",
            _("%(y)d年还有未锁定的月份（%(m)s），不能公示")
            % {"y": year, "m": "、".join(str(m) for m in unlocked) or "-"},
        )
    leaves = [leaf_bytes(e) for e in entries]
    days = (
        objection_days
        if objection_days is not None
        else getattr(settings, "HAOLINJU_OBJECTION_DAYS", 7)
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                compound=compound,
                area_path=compound.path,
                year=year,
                masking=masking,
                digest=hashchain.merkle_root(leaves),
                entry_count=len(leaves),
                ranking=ranking(compound.pk, year, masking),
                published_by=actor,
                published_at=now,
                objection_until=now + dt.timedelta(days=days),
            )
    except IntegrityError:
        raise Conflict.on("year", _("该年度已公示")) from None
    NoticeLeaf.objects.bulk_create(
        [
            NoticeLeaf(
                notice=notice,
                position=i,
                entry=e,
                person_id_value=e.person_id,
                payload=leaf.decode("utf-8"),
            )
            for i, (e, leaf) in enumerate(zip(entries, leaves, strict=True))
        ],
        batch_size=5000,
    )
    return notice


@dataclass
class Verification:
    ok: bool
    digest: str
    recomputed: str
    entries: int
    first_mismatch: int | None = None  # entry id
    reason: str = ""


_PLAIN = re.compile(r"[A-Za-z0-9_.:\-]*")


def _js(text: str) -> str:
    """A JSON string as ``canonical`` writes it (the common plain case without json.dumps)."""
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _leaf_text(person, kind, points, exchange, on, rule, source_type, source_id, status, pk):
    """``leaf_bytes(entry)`` as text, from a row's columns (same keys, sorted, compact)."""
    day = on if isinstance(on, str) else on.isoformat()
    return (
        f'{{"entry":{pk},"exchange":{exchange},"kind":{_js(kind)},"on":"{day}",'
        f'"person":{person},"points":{points},"rule":{"null" if rule is None else rule},'
        f'"source":{_js(f"{source_type}:{source_id}")},"status":{_js(status)}}}'
    )


_VERIFY_SQL = (
    "SELECT l.entry_id, l.payload, e.person_id, e.kind, e.points, e.exchange_points, "
    "e.occurred_on, e.rule_version_id, e.source_type, e.source_id, e.status, e.id "
    "FROM points_noticeleaf l LEFT JOIN points_entry e ON e.id = l.entry_id "
    "WHERE l.notice_id = %s ORDER BY l.position"
)


def notice_verify(*, compound_id: int, year: int) -> Verification:
    """Recompute the notice from the ledger as it is now; name the first entry that differs.

    One pass over the published leaves joined to the entries as they are now (a raw cursor,
    5,000 rows a fetch): each leaf is hashed into a streaming Merkle tree and compared with
    the entry's current canonical form. Then one query looks for entries added since."""
    notice = Notice.objects.filter(compound_id=compound_id, year=year).first()
    if notice is None:
        raise NotFound()
    builder = hashchain.MerkleBuilder()
    first_mismatch = None
    with connection.cursor() as cur:
        cur.execute(_VERIFY_SQL, [notice.pk])
        while rows := cur.fetchmany(5000):
            for entry_id, payload, *current in rows:
                builder.add(payload.encode("utf-8"))
                if first_mismatch is None and (
                    current[-1] is None or _leaf_text(*current) != payload
                ):
                    first_mismatch = entry_id
    published_root = builder.root()
    if published_root != notice.digest:
        return Verification(
            False,
            notice.digest,
            published_root,
            builder.count,
            reason="stored leaves do not give the printed digest",
        )
    if first_mismatch is not None:
        return Verification(
            False,
            notice.digest,
            "",
            builder.count,
            first_mismatch=first_mismatch,
            reason="entry changed or removed",
        )
    extra = (
        year_entries(compound_id, year)
        .exclude(pk__in=NoticeLeaf.objects.filter(notice=notice).values("entry_id"))
        .values_list("pk", flat=True)
        .first()
    )
    if extra is not None:
        return Verification(
            False,
            notice.digest,
            "",
            builder.count,
            first_mismatch=extra,
            reason="entry added after publication",
        )
    return Verification(True, notice.digest, published_root, builder.count)


def notice_proof(*, actor, notice: Notice) -> dict:
    """The caller's own leaves with their sibling paths to the printed digest."""
    person_id = jurisdiction_of(actor).person_id
    if person_id is None:
        raise NotFound()
    payloads = list(
        NoticeLeaf.objects.filter(notice=notice)
        .order_by("position")
        .values_list("person_id_value", "payload")
    )
    leaves = [p.encode("utf-8") for _, p in payloads]
    mine = [
        {"index": i, "leaf": payload, "proof": hashchain.merkle_proof(leaves, i)}
        for i, (pid, payload) in enumerate(payloads)
        if pid == person_id
    ]
    return {"digest": notice.digest, "entries": mine, "count": len(mine)}


@transaction.atomic
def objection_raise(*, actor, notice: Notice, text: str) -> Objection:
    if not text.strip():
        raise InvalidInput.on("text", _("请填写异议内容"))
    if timezone.now() > notice.objection_until:
        raise Conflict.on("text", _("异议期已结束"))
    if not jurisdiction_of(actor).can_see_area(notice.area_path):
        raise NotFound()
    return Objection.objects.create(notice=notice, raised_by=actor, text=text.strip()[:1000])


@transaction.atomic
def objection_answer(*, actor, objection_id: int, answer: str) -> Objection:
    objection = (
        Objection.objects.select_for_update()
        .select_related("notice")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or not policies.can_publish(actor, objection.notice.compound):
        raise NotFound()
    if not answer.strip():
        raise InvalidInput.on("answer", _("请填写答复"))
    if objection.answered_at is not None:
        raise Conflict(_("该异议已答复"))
    if objection.raised_by_id == actor.pk:
        raise NotPermitted()
    objection.answer = answer.strip()
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    return objection
