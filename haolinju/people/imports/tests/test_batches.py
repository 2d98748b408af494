"""Batch lifecycle: expiry of stored files, privacy, and what each status allows."""

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.accounts.models import User
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.org.models import Area
from haolinju.people.imports import selectors, services
from haolinju.people.imports.errors import ImportInvalid
from haolinju.people.models import ImportBatch, ImportStatus

from .sheets import UNIT_HEADERS, xlsx

pytestmark = pytest.mark.django_db

ROWS = [["街道0", "社区00", "过期小区", "", "1栋", "", "101", 80, 1]]


def _preview(user):
    return services.import_upload(
        actor=user, kind="unit_register", content=xlsx(UNIT_HEADERS, ROWS)
    )


def test_an_expired_preview_cannot_be_committed_and_its_file_is_forgotten(tree, street_staff):
    """A preview older than a day is refused at commit and its stored file is wiped."""
    batch = _preview(street_staff)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - services.PREVIEW_TTL - dt.timedelta(minutes=1)
    )
    with pytest.raises(ImportInvalid) as caught:
        services.import_commit(actor=street_staff, batch_id=batch.pk)
    assert "过期" in caught.value.errors[0].message
    batch.refresh_from_db()
    assert (batch.status, batch.file_enc, batch.preview) == (ImportStatus.FAILED, "", {})
    assert not Area.objects.filter(name="过期小区").exists()


def test_stale_previews_are_expired_by_the_next_upload(tree, street_staff):
    """Any upload wipes the files of everyone's previews older than the time limit."""
    old = _preview(street_staff)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    fresh = _preview(street_staff)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.file_enc) == (ImportStatus.FAILED, "")
    assert fresh.status == ImportStatus.PREVIEWED and fresh.file_enc


def test_committed_batch_cannot_be_committed_twice(tree, street_staff):
    """Committing again is refused and writes nothing more."""
    batch = _preview(street_staff)
    services.import_commit(actor=street_staff, batch_id=batch.pk)
    with pytest.raises(InvalidInput):
        services.import_commit(actor=street_staff, batch_id=batch.pk)
    assert Area.objects.filter(name="过期小区").count() == 1


def test_batches_are_visible_to_their_actor_and_superusers_only(tree, street_staff, district_staff):
    """Another officer gets 404 for a batch; a superuser sees it."""
    batch = _preview(street_staff)
    with pytest.raises(NotFound):
        selectors.import_batch_get(actor=district_staff, batch_id=batch.pk)
    assert list(selectors.import_batch_list(actor=district_staff)) == []
    admin = User.objects.create_superuser("root", password="pw-for-tests-123")
    assert selectors.import_batch_get(actor=admin, batch_id=batch.pk) == batch
