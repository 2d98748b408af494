"""Cost sharing to the fen: floors, largest remainder, ties by unit id, exact sums."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haolinju.deliberation.costs import CostShareError, floor_weights, share_cost


def fen(shares) -> dict[int, int]:
    return {s.unit_id: s.fen for s in shares}


def test_equal_weights_leftover_goes_by_unit_id():
    """100 fen over three equal units: 34, 33, 33 — the tie goes to the smallest unit id."""
    assert fen(share_cost(100, {3: 1, 1: 1, 2: 1})) == {1: 34, 2: 33, 3: 33}


def test_largest_remainder_wins_the_leftover():
    """11 fen by areas 1.5 / 1.5 / 1.0 m²: exact 4.125, 4.125, 2.75 → the one leftover fen goes
    to unit 3 (remainder 0.75), not to the smaller unit ids."""
    shares = share_cost(11, {1: Decimal("1.5"), 2: Decimal("1.5"), 3: Decimal("1.0")})
    assert fen(shares) == {1: 4, 2: 4, 3: 3}


def test_the_issue_total_shared_by_area():
    """¥386,500.00 over the worked example's areas adds up to the fen."""
    areas = {101: "90", 102: "90", 103: "120.55", 104: "120", 105: "150.37", 106: "60"}
    shares = share_cost(38_650_000, {u: Decimal(a) for u, a in areas.items()})
    assert sum(s.fen for s in shares) == 38_650_000
    assert shares[0].yuan == Decimal(shares[0].fen) / 100


def test_zero_weight_pays_nothing():
    """A unit weighted zero (e.g. a ground floor in an elevator retrofit) pays no fen."""
    assert fen(share_cost(999, {1: 0, 2: 1, 3: 2})) == {1: 0, 2: 333, 3: 666}


@pytest.mark.parametrize(
    ("total", "weights"),
    [(-1, {1: 1}), (100, {}), (100, {1: 0}), (100, {1: -1}), (100, {1: 1.5}), ("1", {1: 1})],
)
def test_invalid_inputs_are_refused(total, weights):
    """Negative totals, no units, zero total weight, negative or float weights are refused."""
    with pytest.raises(CostShareError):
        share_cost(total, weights)


def test_floor_coefficients_times_area():
    """Elevator weights: area × the floor's coefficient; a floor without one is an error."""
    w = floor_weights(
        {1: Decimal("80.50"), 2: Decimal("80.50")}, {1: 1, 2: 6}, {1: 0, 6: Decimal("1.3")}
    )
    assert w == {1: Decimal("0.00"), 2: Decimal("104.650")}
    assert floor_weights({1: Decimal(80)}, {1: 2}, {2: 3}, by_area=False) == {1: 3}
    with pytest.raises(CostShareError):
        floor_weights({1: Decimal(80)}, {1: 9}, {2: 3})


weights_st = st.dictionaries(
    st.integers(1, 10_000),
    st.one_of(
        st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2),
        st.integers(0, 50),
        st.decimals(min_value=0, max_value=Decimal("99.999"), places=3),
    ),
    min_size=1,
    max_size=60,
).filter(lambda w: sum(w.values()) > 0)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**11), weights_st)
def test_shares_add_up_exactly_and_stay_within_a_fen(total, weights):
    """For random totals and weights the shares sum to the total, each is its exact share
    rounded down or up by at most one fen, and the extra fen go by largest remainder then id."""
    shares = share_cost(total, weights)
    assert sum(s.fen for s in shares) == total
    whole = sum(Fraction(w) for w in weights.values())
    exact = {s.unit_id: Fraction(total) * Fraction(s.weight) / whole for s in shares}
    for s in shares:
        assert exact[s.unit_id] - 1 < s.fen <= exact[s.unit_id] + 1
        assert s.fen in (int(exact[s.unit_id]), int(exact[s.unit_id]) + 1)
    bumped = [s.unit_id for s in shares if s.fen > int(exact[s.unit_id])]
    rest = [s.unit_id for s in shares if s.fen == int(exact[s.unit_id])]

    def order(u):
        return (-(exact[u] - int(exact[u])), u)

    if bumped and rest:
        assert max(order(u) for u in bumped) < min(order(u) for u in rest)
