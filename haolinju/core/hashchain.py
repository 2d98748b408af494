"""Hash chains and Merkle trees over rows, for tamper evidence (audit log, points notice, vote
receipts). Pure functions over bytes and JSON payloads: callers choose what goes in a payload.

- ``link(prev, payload)`` chains: each row stores ``sha256(prev_hash || canonical(payload))``,
  so changing, removing or reordering any row breaks every link after it.
- ``merkle_root`` / ``merkle_proof`` / ``verify_proof``: a published root commits to a whole set
  of leaves; one leaf's proof is log2(n) sibling hashes, checkable without seeing other leaves.
  Leaves and inner nodes are domain-separated (0x00 / 0x01 prefixes, as RFC 6962) so an inner
  node can never pass for a leaf.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not canonical: {type(value).__name__}")


def canonical(payload) -> bytes:
    """Sorted-key, compact JSON in UTF-8: the same payload always gives the same bytes."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode("utf-8")


def link(prev_hex: str, payload) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hex or GENESIS) + canonical(payload)).hexdigest()


def first_broken(rows: Iterable[tuple[str, str, object]], start: str = GENESIS) -> int | None:
    """Index of the first row whose ``(prev, hash, payload)`` does not follow from the one before
    (wrong ``prev`` or a hash that does not match its payload); ``None`` when the chain holds."""
    expected_prev = start
    for index, (prev, stored, payload) in enumerate(rows):
        if prev != expected_prev or link(prev, payload) != stored:
            return index
        expected_prev = stored
    return None


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    level = [leaf_hash(x) for x in leaves]
    levels = [level]
    while len(level) > 1:
        nxt = [
            _node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
        levels.append(nxt)
        level = nxt
    return levels


def merkle_root(leaves: list[bytes]) -> str:
    """Root of the leaves in the given order (an odd node is promoted unchanged); the empty set
    has the hash of nothing."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    return _levels(leaves)[-1][0].hex()


class MerkleBuilder:
    """``merkle_root`` over leaves fed one at a time, in O(log n) memory: a stack of subtree
    roots merged like a binary counter; at the end the right-most (promoted) subtrees fold in
    from the right, which is what promoting an odd node level by level gives."""

    __slots__ = ("_stack", "count")

    def __init__(self):
        self._stack: list[tuple[int, bytes]] = []  # (height, hash), heights strictly falling
        self.count = 0

    def add(self, leaf: bytes) -> None:
        stack = self._stack
        height, node = 0, hashlib.sha256(b"\x00" + leaf).digest()
        while stack and stack[-1][0] == height:
            node = hashlib.sha256(b"\x01" + stack.pop()[1] + node).digest()
            height += 1
        stack.append((height, node))
        self.count += 1

    def root(self) -> str:
        if not self._stack:
            return hashlib.sha256(b"").hexdigest()
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = _node(left, node)
        return node.hex()


def merkle_proof(leaves: list[bytes], index: int) -> list[list[str]]:
    """Sibling hashes from leaf ``index`` up to the root: ``[["L"|"R", hex], …]`` (the side the
    sibling sits on)."""
    if not 0 <= index < len(leaves):
        raise IndexError(index)
    proof = []
    for level in _levels(leaves)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(["L" if sibling < index else "R", level[sibling].hex()])
        index //= 2
    return proof


def verify_proof(leaf: bytes, proof: list, root_hex: str) -> bool:
    node = leaf_hash(leaf)
    for side, sibling_hex in proof:
        sibling = bytes.fromhex(sibling_hex)
        node = _node(sibling, node) if side == "L" else _node(node, sibling)
    return node.hex() == root_hex
