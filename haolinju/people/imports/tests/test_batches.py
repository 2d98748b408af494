"""Batch lifecycle: expiry of stored files, privacy, and what each status allows."""

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.accounts.models import User
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.org.models import Area
from haolinju.people.imports import selectors, services
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


def test_a_preview_queues_a_sweep_for_when_its_lifetime_ends(
    tree, street_staff, settings, django_capture_on_commit_callbacks
):
    """With a backend that can defer tasks, each preview queues the expiry sweep to run just
    after the preview's lifetime, so its file is wiped even if nobody uploads again."""
    from django_tasks import default_task_backend

    # django-tasks drops its backends when TASKS changes, so this swap is undone after the test
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        _preview(street_staff)
    results = default_task_backend.results
    assert [r.task.func for r in results] == [services.expire_import_previews.func]
    delay = results[0].task.run_after - timezone.now()
    assert services.PREVIEW_TTL < delay <= services.PREVIEW_TTL + dt.timedelta(minutes=2)


def test_the_sweep_wipes_only_previews_past_their_lifetime(tree, street_staff):
    """The background sweep forgets old previews' files and leaves fresh ones alone."""
    old, fresh = _preview(street_staff), _preview(street_staff)
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - services.PREVIEW_TTL - dt.timedelta(minutes=1)
    )
    assert services.expire_import_previews.call() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.file_enc) == (ImportStatus.FAILED, "")
    assert fresh.status == ImportStatus.PREVIEWED and fresh.file_enc


def test_a_commit_writes_the_rows_the_preview_read_without_parsing_the_file(
    tree, street_staff, monkeypatch
):
    """The preview parses the file once and keeps its rows; the commit validates and writes
    those rows without opening the spreadsheet again (openpyxl is never called)."""
    batch = _preview(street_staff)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the commit parsed the file again")

    monkeypatch.setattr("haolinju.core.sheets.reader.load_workbook", no_parsing)
    committed = services.import_commit(actor=street_staff, batch_id=batch.pk)
    assert committed.status == ImportStatus.COMMITTED and committed.file_enc == ""
    assert Area.objects.filter(name="过期小区").count() == 1


def test_a_batch_kept_as_a_file_is_still_committed(tree, street_staff):
    """A preview stored before rows were kept (the file itself) still commits: the file is
    read again."""
    import base64

    from haolinju.core.crypto import encrypt

    content = xlsx(UNIT_HEADERS, ROWS)
    batch = _preview(street_staff)
    ImportBatch.objects.filter(pk=batch.pk).update(
        file_enc=encrypt(base64.b64encode(content).decode("ascii"))
    )
    services.import_commit(actor=street_staff, batch_id=batch.pk)
    assert Area.objects.filter(name="过期小区").count() == 1
