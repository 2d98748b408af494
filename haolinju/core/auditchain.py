"""Verify the audit chains: recompute every link and name the first broken one.

A chain is broken at the first event whose ``seq`` is not the next number, whose ``prev_hash`` is
not the previous event's hash, or whose hash does not match its content; and at its end when the
chain head (advanced in the same transaction as every append) records more events or another
last hash than the table holds — so editing, deleting, inserting or reordering rows, or cutting
off the newest ones, all show.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import hashchain
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    chain: str
    length: int
    broken_event_id: int | None = None  # the first event that does not follow
    broken_at_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def verify_chain(chain: str, head: AuditChainHead | None) -> ChainReport:
    expected_prev, expected_seq, count = hashchain.GENESIS, 1, 0
    events = AuditEvent.objects.filter(chain=chain).order_by("seq", "pk")
    for event in events.iterator(chunk_size=2000):
        count += 1
        problem = ""
        if event.seq != expected_seq:
            problem = f"sequence {event.seq} where {expected_seq} was due (row missing or added)"
        elif event.prev_hash != expected_prev:
            problem = "prev_hash is not the previous event's hash"
        elif hashchain.link(event.prev_hash, event.chain_payload()) != event.hash:
            problem = "content does not match its hash (row edited)"
        if problem:
            return ChainReport(chain, count, event.pk, expected_seq, problem)
        expected_prev, expected_seq = event.hash, expected_seq + 1
    if head is None:
        return ChainReport(chain, count, None, None, "no chain head for these events")
    if head.length != count or head.last_hash != expected_prev:
        return ChainReport(
            chain,
            count,
            None,
            count + 1,
            f"chain head records {head.length} events, the table holds {count} (newest removed)",
        )
    return ChainReport(chain, count)


def verify_all() -> list[ChainReport]:
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = sorted(set(heads) | set(AuditEvent.objects.values_list("chain", flat=True)))
    return [verify_chain(chain, heads.get(chain)) for chain in chains]
