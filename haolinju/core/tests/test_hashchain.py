"""core.hashchain: chains that break at the first changed row, Merkle proofs of inclusion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from haolinju.core import hashchain


def _chain(payloads):
    rows, prev = [], hashchain.GENESIS
    for p in payloads:
        h = hashchain.link(prev, p)
        rows.append((prev, h, p))
        prev = h
    return rows


def test_canonical_is_independent_of_key_order_and_handles_dates_and_decimals():
    """Same payload, same bytes, whatever the dict order; dates and Decimals become text."""
    a = hashchain.canonical({"b": 1, "a": dt.date(2026, 1, 2), "c": Decimal("1.50")})
    b = hashchain.canonical({"c": Decimal("1.50"), "a": dt.date(2026, 1, 2), "b": 1})
    assert a == b == b'{"a":"2026-01-02","b":1,"c":"1.50"}'


def test_an_intact_chain_has_no_broken_link():
    """first_broken is None when every row follows from the one before."""
    assert hashchain.first_broken(_chain([{"n": i} for i in range(10)])) is None


def test_a_changed_payload_is_named_as_the_first_broken_link():
    """Editing row 4's payload breaks exactly at index 4."""
    rows = _chain([{"n": i} for i in range(10)])
    prev, h, _p = rows[4]
    rows[4] = (prev, h, {"n": 999})
    assert hashchain.first_broken(rows) == 4


def test_a_deleted_row_breaks_the_chain_where_it_was():
    """Removing row 3 makes row 3 (formerly 4) point at a hash that is not its predecessor."""
    rows = _chain([{"n": i} for i in range(6)])
    del rows[3]
    assert hashchain.first_broken(rows) == 3


@given(st.lists(st.binary(max_size=20), min_size=1, max_size=40), st.data())
def test_every_leaf_has_a_proof_that_verifies_against_the_root(leaves, data):
    """For any leaf set, each leaf's proof checks against the root; a different leaf does not."""
    root = hashchain.merkle_root(leaves)
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = hashchain.merkle_proof(leaves, index)
    assert hashchain.verify_proof(leaves[index], proof, root)
    assert not hashchain.verify_proof(leaves[index] + b"x", proof, root)


def test_a_changed_leaf_changes_the_root():
    """Tampering with any one leaf gives another root."""
    leaves = [f"entry-{i}".encode() for i in range(7)]
    root = hashchain.merkle_root(leaves)
    leaves[5] = b"entry-5-changed"
    assert hashchain.merkle_root(leaves) != root


def test_an_inner_node_cannot_pass_as_a_leaf():
    """Leaves and nodes are domain-separated: two leaves' parent is no leaf of a one-leaf tree."""
    leaves = [b"a", b"b"]
    parent = bytes.fromhex(hashchain.merkle_root(leaves))
    assert hashchain.merkle_root([parent]) != hashchain.merkle_root(leaves)
