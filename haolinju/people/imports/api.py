"""Import and export endpoints.

``POST /imports`` (multipart: kind, file, commit, target, area_basis, mapping) validates a
spreadsheet: 200 with a preview (or status ``needs_mapping`` with the unmatched headers),
201 when committed, 422 with every row error (nothing written). ``POST
/imports/{id}/mapping`` maps the columns of a waiting batch. ``POST /imports/{id}/commit``
writes a previewed batch. Exports return .xlsx files built from the scoped selectors.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.pagination import paginate
from haolinju.core.sheets.errors import file_error
from haolinju.core.sheets.reader import MAX_FILE_BYTES
from haolinju.core.xlsx import xlsx_response
from haolinju.people.schemas import PageParams

from . import exports, policies, selectors, services
from .schemas import ImportBatchOut, ImportBatchPage

router = Router(tags=["imports"])


class UploadForm(Schema):
    kind: str
    commit: bool = False
    target: int | None = None  # a compound, or a community for a file of several compounds
    area_basis: str = ""  # unit register: registered / surveyed / contract for the whole file
    mapping: str = ""  # JSON {"header as written": "column key"} for headers not recognised


class MappingIn(Schema):
    mapping: dict[str, str]


def upload_options(*, area_basis: str = "", mapping: str | dict = "") -> dict:
    """Per-file options from a form: the area basis and a JSON column mapping."""
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping) if mapping.strip() else {}
        except ValueError:
            raise InvalidInput.on("mapping", _("列对应不是有效的 JSON")) from None
    return {"area_basis": area_basis, "mapping": mapping}


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
        target_id=data.target,
        options=upload_options(area_basis=data.area_basis, mapping=data.mapping),
    )
    return Status(201 if data.commit else 200, batch)


@router.post(
    "/imports/{batch_id}/mapping",
    response=ImportBatchOut,
    summary="Map the columns of a batch waiting for a mapping; it becomes a preview",
)
def import_remap(request, batch_id: int, data: MappingIn):
    return services.import_remap(actor=request.user, batch_id=batch_id, mapping=data.mapping)


@router.get("/imports", response=ImportBatchPage, summary="The caller's import batches")
def import_list(request, page: Query[PageParams]):
    """Newest first, as every list: ``{"items", "count"}`` with ``offset`` / ``limit``."""
    result = paginate(
        selectors.import_batch_list(actor=request.user), offset=page.offset, limit=page.limit
    )
    return {"items": result.items, "count": result.count}


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
