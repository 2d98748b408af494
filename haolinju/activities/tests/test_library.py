"""The default activity library seeded by the data migration."""

from collections import Counter

import pytest

from haolinju.activities.models import ActivityCategory, ActivityItem


@pytest.mark.django_db
def test_five_categories_and_thirty_nine_items():
    """The migration seeds 5 categories and 39 items, each with version 1 current, a default
    duration and a points rule with a code."""
    assert ActivityCategory.objects.count() == 5
    items = list(ActivityItem.objects.select_related("current", "category"))
    assert len(items) == 39
    assert all(i.current.version == 1 and i.current.default_minutes > 0 for i in items)
    assert all(i.current.points_rule and i.current.points_code for i in items)
    per_category = Counter(i.category.name for i in items)
    assert per_category["环境整治与垃圾分类"] == 8
    assert ActivityItem.objects.get(code="env.stairwell").current.name == "楼道清洁"


@pytest.mark.django_db
def test_an_edit_adds_a_version_and_leaves_the_old_one(tree):
    """District staff revise an item: a new version becomes current, version 1 is unchanged
    (past activities point at it), and others may not edit."""
    from haolinju.activities.services.library import item_revise
    from haolinju.core.errors import NotPermitted
    from haolinju.people.models import Title
    from haolinju.people.tests.factories import staff

    item = ActivityItem.objects.get(code="env.stairwell")
    old = item.current
    district = staff(Title.DISTRICT_STAFF, tree.district)
    new = item_revise(actor=district, item_id=item.pk, default_minutes=90, points_rule="每次积4分")
    item.refresh_from_db()
    old.refresh_from_db()
    assert (item.current, new.version, new.default_minutes) == (new, 2, 90)
    assert (old.version, old.default_minutes, old.points_rule) == (1, 120, "每次积3分")
    secretary = staff(Title.BRANCH_SECRETARY, tree.compounds[0])
    with pytest.raises(NotPermitted):
        item_revise(actor=secretary, item_id=item.pk, default_minutes=60)
