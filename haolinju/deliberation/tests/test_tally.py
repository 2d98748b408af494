"""The tally of RULES.md §1: the worked example, the boundaries, and the reference algorithm."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haolinju.deliberation.tally import (
    DEVELOPER_KEY,
    MATTER_CLASS,
    Choice,
    MatterClass,
    ReviewReason,
    UnitRecord,
    build_electorate,
    tally,
    voter_key,
)

FOR, AGAINST, ABSTAIN = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
GENERAL, SPECIAL = MatterClass.GENERAL, MatterClass.SPECIAL


def D(x) -> Decimal:
    return Decimal(str(x))


# --- the worked example ------------------------------------------------------------------------


def worked_example_units() -> list[UnitRecord]:
    """P1–P9 are persons 1–9; P7 owns units 107 and 108; units 201 and 202 are unsold."""
    own = {1: 90, 2: 90, 3: 120, 4: 120, 5: 150, 6: 60, 8: 140, 9: 70}
    units = [UnitRecord(100 + p, D(a), frozenset({p})) for p, a in own.items()]
    units += [UnitRecord(107, D(80), frozenset({7})), UnitRecord(117, D(100), frozenset({7}))]
    units += [
        UnitRecord(201, D(120), developer_held=True),
        UnitRecord(202, D(80), developer_held=True),
    ]
    return units


def P(n: int) -> str:
    return f"o:{n}"


PARTICIPANTS_A = [1, 2, 3, 4, 5, 7, 8]


def ballots_for(participants, yes) -> dict[str, Choice]:
    return {P(p): (FOR if p in yes else AGAINST) for p in participants}


@pytest.fixture
def example():
    return build_electorate(worked_example_units())


def test_worked_example_electorate(example):
    """P7's two units count once with 180 m²; the developer's two unsold units count once:
    N = 10, A = 1,220 m²."""
    assert example.count == 10
    assert example.total_area == D(1220)
    assert example.voters[P(7)].area == D(180)
    assert example.voters[P(7)].unit_ids == (107, 117)
    assert example.voters[DEVELOPER_KEY].area == D(200)
    assert example.flagged == []


def test_case_a_general_passes(example):
    """Case A: 7/10 and 890/1220 m² take part; 4/7 and 540/890 m² consent → GENERAL passes."""
    t = tally(example, ballots_for(PARTICIPANTS_A, {1, 3, 5, 7}), GENERAL)
    assert (t.participation.count.numerator, t.participation.count.denominator) == (7, 10)
    assert (t.participation.area.numerator, t.participation.area.denominator) == (D(890), D(1220))
    assert (t.consent.count.numerator, t.consent.count.denominator) == (4, 7)
    assert (t.consent.area.numerator, t.consent.area.denominator) == (D(540), D(890))
    assert t.quorum and t.consent_reached and t.passed


def test_case_a_prime_special_fails(example):
    """Case A′: the same ballots on a SPECIAL matter fail (4 × 4 = 16 < 3 × 7 = 21)."""
    t = tally(example, ballots_for(PARTICIPANTS_A, {1, 3, 5, 7}), SPECIAL)
    assert t.quorum
    assert not t.consent_count and not t.consent_area
    assert not t.passed


def test_case_b_special_passes(example):
    """Case B: 6/7 and 750/890 m² consent → SPECIAL passes."""
    t = tally(example, ballots_for(PARTICIPANTS_A, {1, 2, 3, 4, 5, 7}), SPECIAL)
    assert (t.consent.count.numerator, t.consent.area.numerator) == (6, D(750))
    assert t.passed


@pytest.mark.parametrize("matter_class", [GENERAL, SPECIAL])
def test_case_c_fails_on_participation(example, matter_class):
    """Case C: P1–6 all consent but only 6/10 (18 < 20) and 630 m² take part → fails."""
    t = tally(example, ballots_for(range(1, 7), set(range(1, 7))), matter_class)
    assert t.consent_reached
    assert t.participation.area.numerator == D(630)
    assert not t.quorum_count and not t.quorum_area
    assert not t.passed


def test_case_d_area_passes_head_count_does_not(example):
    """Case D: P5, P7, P8 consent: 470/890 m² is a majority of area, 3/7 is not of heads."""
    t = tally(example, ballots_for(PARTICIPANTS_A, {5, 7, 8}), GENERAL)
    assert t.consent_area and not t.consent_count
    assert not t.passed


def test_abstentions_count_to_participation_only(example):
    """Abstaining owners make the quorum but never the consent."""
    ballots = {P(p): ABSTAIN for p in PARTICIPANTS_A}
    ballots[P(1)] = FOR
    t = tally(example, ballots, GENERAL)
    assert t.quorum
    assert t.abstain.count.numerator == 6
    assert t.consent.count.numerator == 1
    assert not t.passed


def test_silence_is_not_consent(example):
    """Owners who return no ballot are neither participants nor consenting."""
    t = tally(example, {P(1): FOR}, GENERAL)
    assert t.participation.count.numerator == 1
    assert not t.quorum and not t.passed


def test_ballots_outside_the_electorate_are_ignored(example):
    """A key the electorate does not hold changes nothing and is counted as ignored."""
    base = tally(example, ballots_for(PARTICIPANTS_A, {1, 3, 5, 7}), GENERAL)
    ballots = ballots_for(PARTICIPANTS_A, {1, 3, 5, 7}) | {"o:999": FOR}
    t = tally(example, ballots, GENERAL)
    assert t.ignored == 1
    assert t.as_dict() == base.as_dict()


def test_the_nine_items_fix_the_class():
    """Only raising the fund, rebuilding, and changing common parts need the special majority."""
    assert {i for i, c in MATTER_CLASS.items() if c == SPECIAL} == {6, 7, 8}
    assert set(MATTER_CLASS) == set(range(1, 10))


# --- voter keys ----------------------------------------------------------------------------------


def test_co_owned_unit_counts_as_one():
    """Two co-owners of one unit are one voter key with the unit's area."""
    e = build_electorate([UnitRecord(1, D(100), frozenset({5, 3})), UnitRecord(2, D(50), {7})])
    assert e.count == 2
    assert e.voters["o:3.5"].area == D(100)
    assert e.flagged == []


def test_overlapping_owner_sets_are_flagged_for_review():
    """A owns one unit alone and another with B: two keys, both flagged for manual review."""
    e = build_electorate(
        [
            UnitRecord(1, D(80), frozenset({1})),
            UnitRecord(2, D(90), frozenset({1, 2})),
            UnitRecord(3, D(70), frozenset({3})),
        ]
    )
    assert e.count == 3
    assert {v.key for v in e.flagged} == {"o:1", "o:1.2"}
    assert e.voters["o:1"].review == (ReviewReason.OVERLAPPING_OWNERS,)


def test_unit_without_owner_counts_and_is_flagged():
    """A unit with no owner on the register is one exclusive part in the totals, flagged."""
    e = build_electorate([UnitRecord(1, D(80), frozenset({1})), UnitRecord(9, D(60))])
    assert e.count == 2 and e.total_area == D(140)
    assert e.voters["u:9"].review == (ReviewReason.NO_OWNER,)


def test_developer_units_ignore_recorded_owners():
    """A developer-held unit belongs to the developer key even if an owner was recorded."""
    u = UnitRecord(1, D(80), frozenset({4}), developer_held=True)
    assert voter_key(u) == DEVELOPER_KEY


def test_units_need_a_positive_area():
    """A unit without a positive exclusive area cannot enter an electorate."""
    with pytest.raises(ValueError):
        build_electorate([UnitRecord(1, D(0), frozenset({1}))])


# --- boundaries ----------------------------------------------------------------------------------


def equal_units(n: int, area="10.00") -> list[UnitRecord]:
    return [UnitRecord(i, D(area), frozenset({i})) for i in range(1, n + 1)]


def test_exactly_two_thirds_makes_the_quorum():
    """2 of 3 owners with 2/3 of the area: "三分之二以上" includes the figure."""
    e = build_electorate(equal_units(3))
    t = tally(e, {"o:1": FOR, "o:2": FOR}, GENERAL)
    assert t.quorum_area and t.quorum_count and t.passed


def test_a_hundredth_short_of_two_thirds_misses_the_quorum():
    """Area 19.99 of 30.00 is below 2/3 even though the head count makes it."""
    e = build_electorate(
        [
            UnitRecord(1, D("10.00"), frozenset({1})),
            UnitRecord(2, D("9.99"), frozenset({2})),
            UnitRecord(3, D("10.01"), frozenset({3})),
        ]
    )
    t = tally(e, {"o:1": FOR, "o:2": FOR}, GENERAL)
    assert t.quorum_count and not t.quorum_area and not t.passed


def test_exactly_three_quarters_passes_special():
    """3 of 4 participants with 3/4 of their area meet "四分之三以上"."""
    e = build_electorate(equal_units(4))
    ballots = {"o:1": FOR, "o:2": FOR, "o:3": FOR, "o:4": AGAINST}
    assert tally(e, ballots, SPECIAL).passed


def test_just_under_three_quarters_fails_special():
    """Consent area 29.99 of 40.00 is under 3/4 by a hundredth of a m²."""
    units = equal_units(4)
    units[0] = UnitRecord(1, D("9.99"), frozenset({1}))
    units[3] = UnitRecord(4, D("10.01"), frozenset({4}))
    e = build_electorate(units)
    ballots = {"o:1": FOR, "o:2": FOR, "o:3": FOR, "o:4": AGAINST}
    t = tally(e, ballots, SPECIAL)
    assert t.consent_count and not t.consent_area and not t.passed


def test_exactly_half_is_not_a_majority():
    """2 of 4 consenting with half the area is not "过半数"; a third abstaining changes nothing."""
    e = build_electorate(equal_units(4))
    ballots = {"o:1": FOR, "o:2": FOR, "o:3": AGAINST, "o:4": ABSTAIN}
    t = tally(e, ballots, GENERAL)
    assert t.quorum
    assert not t.consent_area and not t.consent_count and not t.passed


def test_just_over_half_is_a_majority():
    """Consent by a hundredth of a m² over half, and 3 of 5 heads, passes GENERAL."""
    e = build_electorate(
        [UnitRecord(i, D("10.00"), frozenset({i})) for i in range(1, 5)]
        + [UnitRecord(5, D("0.02"), frozenset({5}))]
    )
    ballots = {"o:1": FOR, "o:2": FOR, "o:5": FOR, "o:3": AGAINST, "o:4": AGAINST}
    t = tally(e, ballots, GENERAL)
    assert t.consent.area.as_dict() == {"numerator": "20.02", "denominator": "40.02"}
    assert t.consent_area and t.consent_count and t.passed


def test_areas_are_exact_decimals():
    """Sums of many two-decimal areas are exact (no float drift): 0.01 × 3 is 0.03 m²."""
    e = build_electorate([UnitRecord(i, D("0.01"), frozenset({i})) for i in range(1, 4)])
    assert e.total_area == D("0.03")
    t = tally(e, {"o:1": FOR, "o:2": FOR}, GENERAL)
    assert t.participation.area.as_dict() == {"numerator": "0.02", "denominator": "0.03"}
    assert t.quorum_area


# --- the reference algorithm of RULES.md §1, verbatim in substance -----------------------------


def ref_voter_key(u):
    return ("DEV",) if u.developer_held else tuple(sorted(u.owner_ids))


def ref_decide(units, ballots, special):
    area = {}
    for u in units:
        area[ref_voter_key(u)] = area.get(ref_voter_key(u), 0) + u.area
    N, A = len(area), sum(area.values())
    part = [k for k in ballots if k in area]
    yes = [k for k in part if ballots[k] == "FOR"]
    pn, pa = len(part), sum(area[k] for k in part)
    yn, ya = len(yes), sum(area[k] for k in yes)
    quorum = 3 * pn >= 2 * N and 3 * pa >= 2 * A
    ok = (4 * yn >= 3 * pn and 4 * ya >= 3 * pa) if special else (2 * yn > pn and 2 * ya > pa)
    return quorum and ok


def as_string_key(ref_key: tuple) -> str:
    return DEVELOPER_KEY if ref_key == ("DEV",) else "o:" + ".".join(map(str, ref_key))


areas = st.decimals(min_value=D("0.01"), max_value=D("400.00"), places=2)
unit_specs = st.tuples(
    areas, st.frozensets(st.integers(1, 12), min_size=1, max_size=3), st.booleans()
)


@st.composite
def electorates_and_ballots(draw):
    specs = draw(st.lists(unit_specs, min_size=1, max_size=40))
    # developer-held units are rarer than sold ones
    units = [
        UnitRecord(i, a, owners, developer_held=dev and draw(st.integers(0, 3)) == 0)
        for i, (a, owners, dev) in enumerate(specs, start=1)
    ]
    keys = sorted({ref_voter_key(u) for u in units}, key=str)
    # one ballot per key for a random subset, plus keys nobody holds
    choices = st.sampled_from(["FOR", "AGAINST", "ABSTAIN"])
    ballots = {k: draw(choices) for k in keys if draw(st.integers(0, 4)) > 0}
    if draw(st.booleans()):
        ballots[(99,)] = draw(choices)
    return units, ballots


@settings(max_examples=300, deadline=None)
@given(electorates_and_ballots(), st.sampled_from([GENERAL, SPECIAL]))
def test_tally_matches_the_reference_algorithm(data, matter_class):
    """On random electorates (multi-unit owners, co-owners, overlaps, developer units) and
    ballots, the tally decides exactly as the reference algorithm of RULES.md §1."""
    units, ref_ballots = data
    expected = ref_decide(units, ref_ballots, matter_class == SPECIAL)
    ballots = {as_string_key(k): Choice(v.lower()) for k, v in ref_ballots.items()}
    result = tally(build_electorate(units), ballots, matter_class)
    assert result.passed is expected
