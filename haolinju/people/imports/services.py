"""Import writes: preview a file (validate everything, store it encrypted), commit a previewed
batch (validate again and write, all in one transaction), or both at once.

A file with any error writes nothing: not a person, not an area, not even a batch row.
"""

from __future__ import annotations

import base64
import datetime as dt
from types import ModuleType

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from haolinju.core.crypto import encrypt
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.models import record_event
from haolinju.core.sheets.errors import ImportInvalid, RowError
from haolinju.core.sheets.plan import Plan
from haolinju.core.sheets.reader import read_table
from haolinju.org.registers import unit_register
from haolinju.people.models import ImportBatch, ImportKind, ImportStatus
from haolinju.people.registers import people_ledger

from . import exports, policies
from .selectors import batch_file, import_batch_get

IMPORTERS: dict[str, ModuleType] = {
    ImportKind.UNIT_REGISTER: unit_register,
    ImportKind.PEOPLE: people_ledger,
}
PREVIEW_TTL = dt.timedelta(hours=24)
MAX_STORED_MESSAGES = 200


def importer_for(kind: str) -> ModuleType:
    importer = IMPORTERS.get(kind)
    if importer is None:
        allowed = "、".join(f"{k}（{ImportKind(k).label}）" for k in IMPORTERS)
        raise InvalidInput.on("kind", _("导入类型应为：%(v)s") % {"v": allowed})
    return importer


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, len(e.column), e.column))


def build_plan(*, actor, kind: str, content: bytes, filename: str = "") -> Plan:
    """Read and validate a whole file without writing anything; raise if any row is wrong."""
    importer = importer_for(kind)
    table = read_table(content, importer.COLUMNS, filename=filename)
    plan = importer.plan(actor=actor, table=table)
    if plan.errors:
        raise ImportInvalid(_sorted(plan.errors))
    if not table.rows:
        raise ImportInvalid(
            [RowError.file(_("表头下面没有数据行"))], detail=_("表头下面没有数据行")
        )
    plan.warnings = _sorted(plan.warnings)
    return plan


def _preview(plan: Plan) -> dict:
    return {
        "sheet": plan.table.sheet,
        "header_row": plan.table.header_row,
        "ignored_columns": plan.table.ignored_headers,
        "headers": [str(h) for h in plan.preview_headers],
        "rows": plan.preview,
    }


def _messages(errors: list[RowError]) -> list[dict]:
    return [e.as_dict() for e in errors[:MAX_STORED_MESSAGES]]


def import_batches_expire(*, now: dt.datetime | None = None) -> int:
    """Forget the files of previews older than ``PREVIEW_TTL`` (they hold personal data)."""
    cutoff = (now or timezone.now()) - PREVIEW_TTL
    return ImportBatch.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff).update(
        status=ImportStatus.FAILED,
        file_enc="",
        preview={},
        errors=[RowError.file(_("预览已过期，请重新上传文件")).as_dict()],
    )


@task()
def expire_import_previews() -> int:
    """Background sweep: wipe the encrypted files of previews past their lifetime."""
    return import_batches_expire()


def schedule_preview_expiry() -> None:
    """Queue a sweep for just after a new preview's lifetime ends, so its file (personal data)
    is wiped on time even if nobody uploads again. A backend that cannot defer tasks (the
    immediate one in tests) relies on the sweep that every upload already runs."""
    if default_task_backend.supports_defer:
        run_after = timezone.now() + PREVIEW_TTL + dt.timedelta(minutes=1)
        expire_import_previews.using(run_after=run_after).enqueue()


def import_upload(
    *, actor, kind: str, content: bytes, filename: str = "", commit: bool = False
) -> ImportBatch:
    """Validate the file; store it encrypted as a previewed batch, or (``commit``) write it.

    A preview validates outside any transaction (reading only), so a long file never holds
    the database's write lock; a direct commit validates and writes in one transaction.
    """
    if not policies.can_import(actor):
        raise NotFound()
    importer = importer_for(kind)
    if commit:
        with transaction.atomic():
            plan = build_plan(actor=actor, kind=kind, content=content, filename=filename)
            summary = importer.apply(actor=actor, plan=plan)
            return _save_batch(actor, kind, filename, content, plan, summary=summary)
    plan = build_plan(actor=actor, kind=kind, content=content, filename=filename)
    with transaction.atomic():
        import_batches_expire()
        transaction.on_commit(schedule_preview_expiry)
        return _save_batch(actor, kind, filename, content, plan, summary=None)


def _save_batch(actor, kind, filename, content, plan: Plan, *, summary) -> ImportBatch:
    """Record the batch: committed with ``summary``, or previewed with the encrypted file."""
    batch = ImportBatch(
        actor=actor,
        kind=kind,
        filename=(filename or "")[-200:],
        file_size=len(content),
        rows=len(plan.table.rows),
        summary=plan.summary,
        warnings=_messages(plan.warnings),
    )
    if summary is not None:
        batch.summary = summary
        batch.status, batch.committed_at = ImportStatus.COMMITTED, timezone.now()
    else:
        batch.file_enc = encrypt(base64.b64encode(content).decode("ascii"))
        batch.preview = _preview(plan)
    batch.save()
    record_event(
        actor=actor,
        action="import.preview" if summary is None else "import.commit",
        target=batch,
        kind=kind,
        rows=batch.rows,
        summary=batch.summary,
    )
    return batch


def import_commit(*, actor, batch_id: int) -> ImportBatch:
    """Validate the stored file again and write it, in one transaction. On failure the batch
    is marked failed (its file forgotten) and nothing else is written."""
    try:
        with transaction.atomic():
            batch = import_batch_get(actor=actor, batch_id=batch_id, for_update=True)
            if not policies.can_import(actor):
                raise NotFound()
            if batch.status != ImportStatus.PREVIEWED:
                raise InvalidInput.on(
                    "status",
                    _("该批次%(status)s，不能再次导入") % {"status": batch.get_status_display()},
                )
            if batch.created_at < timezone.now() - PREVIEW_TTL:
                message = _("预览已过期，请重新上传文件")
                raise ImportInvalid([RowError.file(message)], detail=message)
            content = batch_file(batch)
            plan = build_plan(
                actor=actor, kind=batch.kind, content=content, filename=batch.filename
            )
            batch.summary = importer_for(batch.kind).apply(actor=actor, plan=plan)
            batch.rows = len(plan.table.rows)
            batch.warnings = _messages(plan.warnings)
            batch.status, batch.committed_at = ImportStatus.COMMITTED, timezone.now()
            batch.file_enc, batch.preview = "", {}
            batch.save()
            record_event(
                actor=actor,
                action="import.commit",
                target=batch,
                kind=batch.kind,
                rows=batch.rows,
                summary=batch.summary,
            )
            return batch
    except ImportInvalid as exc:
        _mark_failed(actor=actor, batch_id=batch_id, errors=exc.errors)
        raise


@transaction.atomic
def _mark_failed(*, actor, batch_id: int, errors: list[RowError]) -> None:
    batch = import_batch_get(actor=actor, batch_id=batch_id, for_update=True)
    if batch.status != ImportStatus.PREVIEWED:
        return
    batch.status = ImportStatus.FAILED
    batch.file_enc, batch.preview = "", {}
    batch.errors = _messages(errors)
    batch.save(update_fields=["status", "file_enc", "preview", "errors"])
    record_event(actor=actor, action="import.fail", target=batch, kind=batch.kind)


def people_export(
    *, actor, area_id: int | None = None, q: str = "", ledger: str | None = None
) -> tuple[str, bytes]:
    """The actor's people list as .xlsx (masked); the download is logged, without its rows."""
    filename, content, count = exports.people_xlsx(actor=actor, area_id=area_id, q=q, ledger=ledger)
    record_event(
        actor=actor,
        action="people.export",
        target=actor,
        area_id=area_id,
        searched=bool(q),
        ledger=ledger or "",
        rows=count,
    )
    return filename, content
