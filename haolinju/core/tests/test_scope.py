"""Materialised paths: successor, subtree ranges and minimal path sets.

The range filter is checked against real rows (the audit table's ``area_path`` column) so
that the database's string comparison, not just Python's, is what is proven.
"""

from __future__ import annotations

import pytest

from haolinju.core.models import AuditEvent
from haolinju.core.scope import (
    Jurisdiction,
    is_within,
    minimal_paths,
    path_ids,
    path_segment,
    subtree_q,
    successor,
)


def p(*ids: int) -> str:
    return "".join(path_segment(i) for i in ids)


def test_segments_are_nine_zero_padded_digits():
    """Every id becomes 9 digits, so paths compare correctly as strings."""
    assert path_segment(1) == "000000001"
    assert path_segment(123456789) == "123456789"
    assert path_ids(p(1, 10, 11)) == [1, 10, 11]


def test_successor_is_the_next_string_of_the_same_length():
    """successor(path) is the smallest same-length string above every path below it."""
    assert successor(p(1)) == p(2)
    assert successor(p(1, 9)) == p(1, 10)
    assert successor(p(1, 999_999_999)) == p(2, 0)
    assert len(successor(p(7, 8, 9))) == len(p(7, 8, 9))


def test_every_descendant_lies_in_the_half_open_range():
    """Descendants are ≥ path and < successor(path); the next sibling is not."""
    root = p(1, 10)
    for descendant in (root, p(1, 10, 1), p(1, 10, 999_999_999, 5)):
        assert root <= descendant < successor(root)
    assert not p(1, 11) < successor(root)


@pytest.fixture
def rows(db):
    """Rows at sibling ids 1, 10, 11, 100 and their children: the classic prefix trap."""
    paths = {
        "1": p(1),
        "1/5": p(1, 5),
        "10": p(10),
        "10/3": p(10, 3),
        "11": p(11),
        "100": p(100),
        "100/1": p(100, 1),
        "2/1": p(2, 1),
    }
    for name, path in paths.items():
        AuditEvent.objects.create(action=name, target_type="t", area_path=path)
    return paths


def selected(q) -> set[str]:
    return set(AuditEvent.objects.filter(q).values_list("action", flat=True))


def test_sibling_ids_never_bleed_into_each_other(rows):
    """The subtree of area 1 holds 1 and 1/5 only — never 10, 11 or 100 (which share a
    textual prefix in unpadded form)."""
    assert selected(subtree_q([rows["1"]])) == {"1", "1/5"}
    assert selected(subtree_q([rows["10"]])) == {"10", "10/3"}
    assert selected(subtree_q([rows["11"]])) == {"11"}
    assert selected(subtree_q([rows["100"]])) == {"100", "100/1"}


def test_subtree_of_a_deeper_node_excludes_its_parent_and_siblings(rows):
    """A child's subtree holds the child only, not its parent."""
    assert selected(subtree_q([rows["1/5"]])) == {"1/5"}


def test_several_roots_are_or_ed(rows):
    """Two subtrees select the union."""
    assert selected(subtree_q([rows["1"], rows["100"]])) == {"1", "1/5", "100", "100/1"}


def test_no_paths_select_nothing(rows):
    """An empty jurisdiction sees nothing, not everything."""
    assert selected(subtree_q([])) == set()


def test_subtree_q_uses_the_given_field(rows):
    """The field name is a parameter (Area uses ``path``, records use ``area_path``)."""
    q = subtree_q([rows["10"]], "area_path")
    assert selected(q) == {"10", "10/3"}


def test_minimal_paths_drop_covered_descendants_and_duplicates():
    """A path under another one in the set adds nothing and is dropped."""
    assert minimal_paths([p(1, 5), p(1), p(1, 5, 7), p(1)]) == [p(1)]
    assert minimal_paths([p(10, 3), p(1)]) == sorted([p(1), p(10, 3)])
    assert minimal_paths([p(1, 10), p(1, 1)]) == sorted([p(1, 1), p(1, 10)])
    assert minimal_paths([]) == []


def test_is_within_respects_segment_boundaries():
    """A path is within a root when the root is a whole-segment prefix."""
    assert is_within(p(1, 5), [p(1)])
    assert not is_within(p(10), [p(1)])
    assert not is_within(p(1), [p(1, 5)])


def test_jurisdiction_predicates():
    """Public, staff and people scopes answer separately; a superuser passes all."""
    scope = Jurisdiction(staff_paths=(p(1),), people_paths=(p(1, 5),), public_paths=(p(1), p(2, 1)))
    assert scope.can_see_area(p(2, 1, 4))
    assert not scope.can_see_area(p(2))
    assert scope.governs(p(1, 7))
    assert not scope.governs(p(2, 1))
    assert scope.reads_people_at(p(1, 5, 3))
    assert not scope.reads_people_at(p(1, 7))
    boss = Jurisdiction(is_superuser=True)
    assert boss.can_see_area(p(9)) and boss.governs(p(9)) and boss.reads_people_at(p(9))
    nobody = Jurisdiction()
    assert not (nobody.can_see_area(p(1)) or nobody.governs(p(1)) or nobody.reads_people_at(p(1)))
