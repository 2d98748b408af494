"""Import writes: preview a file (read and validate everything, keep the rows read, encrypted),
commit a previewed batch (validate those rows again against the database as it is now and
write, all in one transaction), or both at once.

A file is parsed once: the preview keeps the rows it read (``core.sheets.stored``), so the
commit never walks the spreadsheet's XML again. A file with any error writes nothing: not a
person, not an area, not even a batch row.
"""

from __future__ import annotations

import base64
import datetime as dt
from types import ModuleType

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from haolinju.core import quota
from haolinju.core.crypto import encrypt
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.models import record_event
from haolinju.core.scope import jurisdiction_of, path_segment
from haolinju.core.sheets.errors import ImportInvalid, RowError
from haolinju.core.sheets.plan import Plan
from haolinju.core.sheets.reader import ColumnsUnmatched, Table, mapping_lookup, read_table
from haolinju.core.sheets.stored import dump_table
from haolinju.org.models import Area
from haolinju.org.registers.addresses import ADDRESS_LEVELS, KEY_OF_KIND, TARGET_KINDS
from haolinju.org.selectors import area_get
from haolinju.people import services as people_services
from haolinju.people.models import ColumnMapping, ImportBatch, ImportKind, ImportStatus, Person
from haolinju.people.registers import owners, people_ledger

from . import exports, policies
from .selectors import batch_file, batch_table, import_batch_get

IMPORTERS: dict[str, ModuleType] = {
    ImportKind.UNIT_REGISTER: owners,  # the org unit register plus its 产权人
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


def import_target(*, actor, target_id: int | None) -> Area | None:
    """The area a file is imported into: a compound or a community the actor can see."""
    if target_id in (None, ""):
        return None
    try:
        area = area_get(actor=actor, area_id=int(target_id))
    except (NotFound, ValueError, TypeError):
        raise InvalidInput.on("target", _("找不到该区域，或不在您的管辖范围内")) from None
    if area.kind not in TARGET_KINDS:
        raise InvalidInput.on("target", _("只能导入到小区或社区"))
    if area.retired_at is not None:
        raise InvalidInput.on("target", _("该区域已撤销"))
    return area


def optional_columns(target: Area | None) -> frozenset[str]:
    """Address columns a file for ``target`` may leave out: the target's level and above."""
    if target is None:
        return frozenset()
    keys = [key for key, _kind in ADDRESS_LEVELS]
    return frozenset(keys[: keys.index(KEY_OF_KIND[target.kind]) + 1])


def remembered_mapping(*, actor, kind: str) -> dict[str, str]:
    if not getattr(actor, "is_authenticated", False):
        return {}
    saved = ColumnMapping.objects.filter(actor=actor, kind=kind).first()
    return dict(saved.mapping) if saved else {}


def _remember_mapping(*, actor, kind: str, mapping: dict[str, str], columns) -> None:
    """Keep the headers a person mapped by hand, for their next file of this kind."""
    chosen = mapping_lookup(mapping, columns)
    if not chosen or not getattr(actor, "is_authenticated", False):
        return
    saved, _created = ColumnMapping.objects.get_or_create(actor=actor, kind=kind)
    saved.mapping = {**saved.mapping, **chosen}
    saved.save(update_fields=["mapping", "updated_at"])


def build_plan(
    *,
    actor,
    kind: str,
    content: bytes,
    filename: str = "",
    target: Area | None = None,
    options: dict | None = None,
    table: Table | None = None,
) -> Plan:
    """Read and validate a whole file without writing anything; raise if any row is wrong.

    ``options``: ``mapping`` (header → column key, the person's choice for headers the
    synonym tables do not know) and register-specific choices (``area_basis``). ``table``:
    the rows a preview already read from this file (then ``content`` is not parsed)."""
    importer = importer_for(kind)
    options = options or {}
    if table is None:
        mapping = {**remembered_mapping(actor=actor, kind=kind), **options.get("mapping", {})}
        table = read_table(
            content,
            importer.COLUMNS,
            filename=filename,
            mapping=mapping,
            optional=optional_columns(target),
        )
    plan = importer.plan(actor=actor, table=table, target=target, options=options)
    if plan.errors:
        exc = ImportInvalid(_sorted(plan.errors))
        exc.foreign_ids = plan.context.get("foreign_ids", [])
        raise exc
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
        "mapped_columns": plan.table.mapped,
        "notes": [str(n) for n in plan.notes],
        "headers": [str(h) for h in plan.preview_headers],
        "rows": plan.preview,
    }


def _mapping_preview(kind: str, exc: ColumnsUnmatched) -> dict:
    """What the mapping form needs: the unmatched headers and the columns they may be."""
    columns = importer_for(kind).COLUMNS
    return {
        "unmatched_columns": exc.unmatched,
        "missing_fields": exc.missing,
        "fields": [{"key": c.key, "label": str(c.label)} for c in columns],
    }


def _messages(errors: list[RowError]) -> list[dict]:
    return [e.as_dict() for e in errors[:MAX_STORED_MESSAGES]]


def import_batches_expire(*, now: dt.datetime | None = None) -> int:
    """Forget the files of previews older than ``PREVIEW_TTL`` (they hold personal data)."""
    cutoff = (now or timezone.now()) - PREVIEW_TTL
    return ImportBatch.objects.filter(
        status__in=[ImportStatus.PREVIEWED, ImportStatus.NEEDS_MAPPING], created_at__lt=cutoff
    ).update(
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
    *,
    actor,
    kind: str,
    content: bytes,
    filename: str = "",
    commit: bool = False,
    target_id: int | None = None,
    options: dict | None = None,
) -> ImportBatch:
    """Validate the file; store it encrypted as a previewed batch, or (``commit``) write it.

    A preview validates outside any transaction (reading only), so a long file never holds
    the database's write lock; a direct commit validates and writes in one transaction.
    When required columns are missing but the header has columns the synonym tables do not
    know, the file is kept (encrypted) as a batch that waits for the person to map them
    (``import_remap``); a direct commit raises instead.
    """
    people_services.refuse_when_probes_used_up(actor)  # the oracle's hourly allowance
    try:
        return _import_upload(
            actor=actor,
            kind=kind,
            content=content,
            filename=filename,
            commit=commit,
            target_id=target_id,
            options=options,
        )
    except ImportInvalid as exc:
        foreign_id_hits_record(actor=actor, hits=getattr(exc, "foreign_ids", []))
        raise


@transaction.atomic
def foreign_id_hits_record(*, actor, hits: list[dict]) -> None:
    """Audit each ID number the actor tried to register that belongs to someone outside their
    jurisdiction (on that person's area, so staff there see it), and flag a file with many
    such hits to the level above the actor (an event on the parent of their scope)."""
    if not hits:
        return
    key, window, _limit = people_services.id_probe_allowance(actor)
    quota.add(key, window, len(hits))  # each hit was a probe: the next upload may be a 429
    for hit in hits:
        record_event(
            actor=actor,
            action="import.foreign_id",
            target=Person(pk=hit["person_id"]),
            area_path=hit["area_path"],
            row=hit["row"],
        )
    threshold = getattr(settings, "HAOLINJU_FOREIGN_ID_FLAG_THRESHOLD", 5)
    if len(hits) >= threshold:
        scope = jurisdiction_of(actor)
        for path in scope.people_paths or ("",):
            record_event(
                actor=actor,
                action="import.foreign_ids_flagged",
                target=actor,
                area_path=path[: -len(path_segment(1))] if path else "",
                hits=len(hits),
                scope_path=path,
            )


def _import_upload(*, actor, kind, content, filename, commit, target_id, options) -> ImportBatch:
    if not policies.can_import(actor):
        raise NotFound()
    importer = importer_for(kind)
    target = import_target(actor=actor, target_id=target_id)
    options = _clean_options(importer, options)
    context = {"target": target, "options": options}
    if commit:
        with transaction.atomic():
            plan = build_plan(actor=actor, kind=kind, content=content, filename=filename, **context)
            summary = importer.apply(actor=actor, plan=plan)
            _remember_mapping(
                actor=actor, kind=kind, mapping=options.get("mapping", {}), columns=importer.COLUMNS
            )
            return _save_batch(actor, kind, filename, content, plan, summary=summary, **context)
    try:
        plan = build_plan(actor=actor, kind=kind, content=content, filename=filename, **context)
    except ColumnsUnmatched as exc:
        with transaction.atomic():
            return _hold_for_mapping(actor, kind, filename, content, exc, **context)
    with transaction.atomic():
        import_batches_expire()
        transaction.on_commit(schedule_preview_expiry)
        _remember_mapping(
            actor=actor, kind=kind, mapping=options.get("mapping", {}), columns=importer.COLUMNS
        )
        return _save_batch(actor, kind, filename, content, plan, summary=None, **context)


def _clean_options(importer, options: dict | None) -> dict:
    options = dict(options or {})
    mapping = options.get("mapping") or {}
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise InvalidInput.on("mapping", _("列对应应为“表头: 字段”的对应表"))
    keys = {c.key for c in importer.COLUMNS}
    for header, key in mapping.items():
        if key and key not in keys:
            raise InvalidInput.on(
                "mapping", _("未知的字段：%(k)s（表头“%(h)s”）") % {"k": key, "h": header}
            )
    options["mapping"] = {h: k for h, k in mapping.items() if h.strip()}
    if hasattr(importer, "clean_options"):
        options.update(importer.clean_options(options))
    return options


def _hold_for_mapping(actor, kind, filename, content, exc: ColumnsUnmatched, *, target, options):
    batch = ImportBatch.objects.create(
        actor=actor,
        kind=kind,
        target=target,
        options=options,
        status=ImportStatus.NEEDS_MAPPING,
        filename=(filename or "")[-200:],
        file_size=len(content),
        errors=_messages(exc.errors),
        file_enc=encrypt(base64.b64encode(content).decode("ascii")),
        preview=_mapping_preview(kind, exc),
    )
    record_event(actor=actor, action="import.needs_mapping", target=batch, kind=kind)
    transaction.on_commit(schedule_preview_expiry)
    return batch


def import_remap(*, actor, batch_id: int, mapping: dict[str, str]) -> ImportBatch:
    """Validate a held file again with the person's column mapping: it becomes a preview
    (the mapping remembered), waits again if still unmatched, or fails with every error."""
    batch = import_batch_get(actor=actor, batch_id=batch_id)
    if batch.status != ImportStatus.NEEDS_MAPPING:
        raise InvalidInput.on(
            "status", _("该批次%(status)s，不能再匹配列") % {"status": batch.get_status_display()}
        )
    importer = importer_for(batch.kind)
    options = _clean_options(importer, {**batch.options, "mapping": mapping})
    content = batch_file(batch)
    try:
        plan = build_plan(
            actor=actor,
            kind=batch.kind,
            content=content,
            filename=batch.filename,
            target=batch.target,
            options=options,
        )
    except ColumnsUnmatched as exc:
        with transaction.atomic():
            batch.options, batch.errors = options, _messages(exc.errors)
            batch.preview = _mapping_preview(batch.kind, exc)
            batch.save(update_fields=["options", "errors", "preview"])
        return batch
    except ImportInvalid as exc:
        _mark_failed(
            actor=actor,
            batch_id=batch_id,
            errors=exc.errors,
            statuses=(ImportStatus.NEEDS_MAPPING,),
        )
        raise
    with transaction.atomic():
        _remember_mapping(actor=actor, kind=batch.kind, mapping=mapping, columns=importer.COLUMNS)
        batch.status, batch.options, batch.errors = ImportStatus.PREVIEWED, options, []
        batch.rows, batch.summary = len(plan.table.rows), plan.summary
        batch.warnings, batch.preview = _messages(plan.warnings), _preview(plan)
        batch.file_enc = dump_table(plan.table)  # from now on the rows read, not the file
        batch.save()
        record_event(
            actor=actor,
            action="import.preview",
            target=batch,
            kind=batch.kind,
            rows=batch.rows,
            summary=batch.summary,
        )
    return batch


def _save_batch(
    actor, kind, filename, content, plan: Plan, *, summary, target=None, options=None
) -> ImportBatch:
    """Record the batch: committed with ``summary``, or previewed with the rows read (encrypted)."""
    batch = ImportBatch(
        actor=actor,
        kind=kind,
        target=target,
        options=options or {},
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
        batch.file_enc = dump_table(plan.table)  # the rows read, for the commit
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
    """Validate the rows the preview read again (against the database as it is now) and
    write them, in one transaction; the file is not parsed again. On failure the batch is
    marked failed (its rows forgotten) and nothing else is written."""
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
            table = batch_table(batch)  # None: a batch stored before rows were kept
            plan = build_plan(
                actor=actor,
                kind=batch.kind,
                content=batch_file(batch) if table is None else b"",
                filename=batch.filename,
                target=batch.target,
                options=batch.options,
                table=table,
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
        foreign_id_hits_record(actor=actor, hits=getattr(exc, "foreign_ids", []))
        raise


@transaction.atomic
def _mark_failed(
    *, actor, batch_id: int, errors: list[RowError], statuses=(ImportStatus.PREVIEWED,)
) -> None:
    batch = import_batch_get(actor=actor, batch_id=batch_id, for_update=True)
    if batch.status not in statuses:
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
