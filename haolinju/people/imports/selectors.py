"""Reads of import batches: visible to their actor only (superusers see all)."""

from __future__ import annotations

import base64

from django.db.models import QuerySet

from haolinju.core.crypto import decrypt
from haolinju.core.errors import NotFound
from haolinju.core.sheets.reader import Table
from haolinju.core.sheets.stored import load_table
from haolinju.people.models import ImportBatch


def _visible(actor, qs: QuerySet[ImportBatch]) -> QuerySet[ImportBatch]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return qs.none()
    return qs if actor.is_superuser else qs.filter(actor_id=actor.pk)


def import_batch_list(*, actor) -> QuerySet[ImportBatch]:
    return _visible(actor, ImportBatch.objects.defer("file_enc"))


def import_batch_get(*, actor, batch_id: int, for_update: bool = False) -> ImportBatch:
    """One batch; ``for_update`` locks its row (and loads the stored file)."""
    qs = ImportBatch.objects.select_for_update() if for_update else ImportBatch.objects.all()
    batch = _visible(actor, qs).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    return batch


def batch_file(batch: ImportBatch) -> bytes:
    """The uploaded file of a batch waiting for its columns to be mapped, decrypted (empty
    once committed or failed)."""
    return base64.b64decode(decrypt(batch.file_enc)) if batch.file_enc else b""


def batch_table(batch: ImportBatch) -> Table | None:
    """The rows a previewed batch read from its file, decrypted; None when the batch holds
    the file itself (waiting for a column mapping) or nothing."""
    return load_table(batch.file_enc)
