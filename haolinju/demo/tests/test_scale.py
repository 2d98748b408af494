"""The scaled seeder: deterministic for a seed, exact in size, valid, and beside the demo."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import transaction

from haolinju.core.crypto import decrypt
from haolinju.core.scope import path_segment
from haolinju.core.validators import parse_id_number, parse_mobile
from haolinju.demo import seed_demo, seed_scale
from haolinju.demo.scale import SCALE_MARK, split
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind
from haolinju.people.models import Member, Occupancy, Person, Position, Volunteer

pytestmark = pytest.mark.django_db

QUIET = {"progress": False, "stdout": io.StringIO()}


def digest() -> str:
    """A fingerprint of what was generated, independent of database ids."""
    h = hashlib.sha256()
    for row in Area.objects.order_by("path").values_list(
        "depth", "kind", "name", "code", "compound_kind", "compound_class", "exclusive_area",
        "floor", "developer_held",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in Person.objects.order_by("pk").values_list(
        "name", "sex", "birth_date", "id_number_index", "phone_index", "area__name"
    ):
        h.update(repr(row).encode())
    for model in (Occupancy, Member, Volunteer, Position, Organisation):
        h.update(f"{model.__name__}{model.objects.count()}".encode())
    return h.hexdigest()


def seeded_digest(**kwargs) -> str:
    """Seed, fingerprint, and roll the seeding back."""
    with transaction.atomic():
        seed_scale(**kwargs, **QUIET)
        result = digest()
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    """seed_scale is deterministic for a seed (names, areas, ID numbers) and varies with it."""
    first = seeded_digest(scale="city", seed=7, persons=1500)
    assert Area.objects.count() == 0
    assert seeded_digest(scale="city", seed=7, persons=1500) == first
    assert seeded_digest(scale="city", seed=8, persons=1500) != first


def test_size_override_gives_exactly_that_many_persons_under_a_marked_root():
    """A city of 2,000 persons: ten districts under one marked city root, 2,000 persons."""
    result = seed_scale(scale="city", persons=2000, **QUIET)
    assert result["persons"] == Person.objects.count() == 2000
    root = Area.objects.get(parent__isnull=True)
    assert root.kind == AreaKind.CITY and root.name.endswith(SCALE_MARK)
    assert Area.objects.filter(kind=AreaKind.DISTRICT, parent=root).count() == 10
    assert result["rows"]["people.Person"] == 2000


def test_scaled_data_is_valid_and_complete():
    """Paths follow the tree, ID numbers and phones are valid, members and volunteers exist, and
    every compound has its branch and station."""
    seed_scale(scale="district", persons=3000, **QUIET)
    paths = dict(Area.objects.values_list("pk", "path"))
    for pk, parent_id, path in Area.objects.values_list("pk", "parent_id", "path"):
        assert path == (paths[parent_id] if parent_id else "") + path_segment(pk)
    for person in Person.objects.all():
        parsed = parse_id_number(decrypt(person.id_number_enc))
        assert parsed.birth_date == person.birth_date and parsed.sex == person.sex
        assert person.area_path.startswith(paths[person.area_id])
        phone = decrypt(person.phone_enc)
        assert phone == "" or parse_mobile(phone) == phone
    members, volunteers = Member.objects.count(), Volunteer.objects.count()
    assert 0.02 * 3000 <= members <= 0.06 * 3000
    assert 0.07 * 3000 <= volunteers <= 0.14 * 3000
    compounds = Area.objects.filter(kind=AreaKind.COMPOUND).count()
    for kind in (OrgKind.BRANCH, OrgKind.STATION):
        assert Organisation.objects.filter(kind=kind).count() == compounds


def test_refuses_to_seed_twice():
    """A second scaled seeding in the same database is refused with a clear message."""
    seed_scale(scale="district", persons=200, **QUIET)
    with pytest.raises(ValueError, match="already exists"):
        seed_scale(scale="district", persons=200, **QUIET)


def test_unknown_scale_is_refused():
    """Only district, city and province are scales."""
    with pytest.raises(ValueError, match="unknown scale"):
        seed_scale(scale="country", persons=10, **QUIET)


def test_scale_and_demo_live_side_by_side():
    """Scaled data goes under its own root, after the demo district, without collisions."""
    seed_demo(password="x-demo-password", stdout=io.StringIO())
    demo_people = Person.objects.count()
    seed_scale(scale="district", persons=500, **QUIET)
    assert Person.objects.count() == demo_people + 500
    roots = Area.objects.filter(parent__isnull=True).order_by("pk")
    assert [r.name for r in roots] == ["黄州区", "江岸区" + SCALE_MARK]
    indexes = Person.objects.values_list("id_number_index", flat=True)
    assert len(set(indexes)) == len(indexes)


def test_encryption_in_a_worker_process_gives_readable_data():
    """With an encryption worker the stored personal data decrypts like in-process data."""
    seed_scale(scale="district", persons=300, workers=1, batch_rows=500, **QUIET)
    assert Person.objects.count() == 300
    for person in Person.objects.all()[:50]:
        assert parse_id_number(decrypt(person.id_number_enc)).birth_date == person.birth_date


@pytest.mark.parametrize(("total", "parts"), [(100_000, 7), (10, 10), (3, 5), (0, 2)])
def test_split_shares_add_up_exactly(total, parts):
    """Shares add up to the total, and each gets at least one when the total allows."""
    import random

    shares = split(random.Random(1), total, parts)
    assert sum(shares) == total and len(shares) == parts
    if total >= parts:
        assert min(shares) >= 1
