"""Import and export endpoints.

``POST /imports`` (multipart: kind, file, commit) validates a spreadsheet: 200 with a preview,
201 when committed, 422 with every row error (nothing written). ``POST /imports/{id}/commit``
writes a previewed batch. Exports return .xlsx files built from the scoped selectors.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from haolinju.core.errors import NotFound
from haolinju.core.sheets.errors import file_error
from haolinju.core.sheets.reader import MAX_FILE_BYTES
from haolinju.core.xlsx import xlsx_response

from . import exports, policies, selectors, services
from .schemas import ImportBatchOut

router = Router(tags=["imports"])


class UploadForm(Schema):
    kind: str
    commit: bool = False


class PeopleExportFilters(Schema):
    area: int | None = None
    q: str = ""
    ledger: str | None = None


class AreaFilter(Schema):
    area: int | None = None


def read_upload(upload) -> bytes:
    """The uploaded bytes, refusing oversize files before reading them into memory."""
    if upload is None:
        raise file_error(_("请选择要上传的 .xlsx 文件"))
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise file_error(
            _("文件过大，最大 %(max)d MB；请拆分后分批导入") % {"max": MAX_FILE_BYTES // 2**20}
        )
    return upload.read()


@router.post(
    "/imports",
    response={200: ImportBatchOut, 201: ImportBatchOut},
    summary="Upload a unit register or people ledger (.xlsx): preview, or commit at once",
)
def import_upload(request, data: Form[UploadForm], file: File[UploadedFile]):
    batch = services.import_upload(
        actor=request.user,
        kind=data.kind,
        content=read_upload(file),
        filename=file.name or "",
        commit=data.commit,
    )
    return Status(201 if data.commit else 200, batch)


@router.get("/imports", response=list[ImportBatchOut], summary="The caller's import batches")
def import_list(request):
    return list(selectors.import_batch_list(actor=request.user)[:50])


@router.get("/imports/{batch_id}", response=ImportBatchOut, summary="One import batch")
def import_detail(request, batch_id: int):
    return selectors.import_batch_get(actor=request.user, batch_id=batch_id)


@router.post(
    "/imports/{batch_id}/commit",
    response={201: ImportBatchOut},
    summary="Validate a previewed batch again and write it",
)
def import_commit(request, batch_id: int):
    return Status(201, services.import_commit(actor=request.user, batch_id=batch_id))


@router.get("/imports/templates/{kind}", summary="A blank import template (.xlsx)")
def import_template(request, kind: str):
    if not policies.can_import(request.user):
        raise NotFound()
    importer = services.importer_for(kind)
    filename, content = exports.template_xlsx(kind, importer.COLUMNS)
    return xlsx_response(content, filename)


@router.get("/exports/people", summary="People in scope as .xlsx (masked)")
def export_people(request, filters: Query[PeopleExportFilters]):
    filename, content = services.people_export(
        actor=request.user, area_id=filters.area, q=filters.q, ledger=filters.ledger
    )
    return xlsx_response(content, filename)


@router.get("/exports/areas/{area_id}/children", summary="Children of an area as .xlsx")
def export_children(request, area_id: int):
    filename, content = exports.children_xlsx(actor=request.user, area_id=area_id)
    return xlsx_response(content, filename)


@router.get("/exports/organisations", summary="Organisations in scope as .xlsx")
def export_organisations(request, filters: Query[AreaFilter]):
    filename, content = exports.organisations_xlsx(actor=request.user, area_id=filters.area)
    return xlsx_response(content, filename)
