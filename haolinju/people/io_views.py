"""Import and export pages: upload → preview (summary, first rows, every error) → confirm."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haolinju.core.errors import ApplicationError, InvalidInput, NotFound
from haolinju.core.sheets.reader import MAX_DATA_ROWS, MAX_FILE_BYTES
from haolinju.core.xlsx import xlsx_response
from haolinju.org.models import AreaBasis
from haolinju.org.selectors import import_targets

from .imports import exports, policies, selectors, services
from .imports.api import read_upload, upload_options
from .models import ImportKind, ImportStatus

SUMMARY_LABELS = {
    "new_streets": _("新建街道"),
    "new_communities": _("新建社区"),
    "new_compounds": _("新建小区"),
    "new_buildings": _("新建楼栋"),
    "new_entrances": _("新建单元"),
    "new_units": _("新建房屋"),
    "existing_units": _("已登记的房屋"),
    "updated_units": _("其中更新的房屋"),
    "owners": _("产权人"),
    "new_owners": _("其中新登记的人员"),
    "developer_held": _("开发商持有的房屋"),
    "matched_people": _("与已登记人员对应"),
    "people": _("人员"),
    "occupancies": _("住户关系"),
    "members": _("党员"),
    "members_self_managed": _("其中自管党员"),
    "members_in_service": _("其中在职党员"),
    "members_retired": _("其中离退休党员"),
    "members_floating": _("其中流动党员"),
    "volunteers": _("志愿者"),
}


def _summary_rows(summary: dict) -> list[tuple[str, int]]:
    return [(label, summary[key]) for key, label in SUMMARY_LABELS.items() if key in summary]


def _require_importer(user) -> None:
    if not policies.can_import(user):
        raise Http404()


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        raise Http404() from None


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    _require_importer(request.user)
    context = {
        "kinds": ImportKind.choices,
        "targets": import_targets(actor=request.user),
        "selected_target": request.POST.get("target") or request.GET.get("target") or "",
        "bases": AreaBasis.choices,
        "selected_basis": request.POST.get("area_basis", ""),
        "selected_kind": request.POST.get("kind") or request.GET.get("kind") or "",
        "max_mb": MAX_FILE_BYTES // 2**20,
        "max_rows": MAX_DATA_ROWS,
        "batches": selectors.import_batch_list(actor=request.user)[:10],
        "errors": [],
        "detail": "",
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            batch = services.import_upload(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                content=read_upload(upload),
                filename=upload.name if upload else "",
                target_id=_int_or_none(request.POST.get("target")),
                options=upload_options(area_basis=request.POST.get("area_basis", "")),
            )
        except NotFound:
            raise Http404() from None
        except InvalidInput as exc:
            context.update(detail=exc.detail, errors=[e.as_dict() for e in exc.errors])
            return render(request, "people/io/import.html", context, status=422)
        return redirect("io:batch", batch_id=batch.pk)
    return render(request, "people/io/import.html", context)


@login_required
@require_GET
def batch_page(request, batch_id: int):
    try:
        batch = selectors.import_batch_get(actor=request.user, batch_id=batch_id)
    except NotFound:
        raise Http404() from None
    return render(request, "people/io/batch.html", _batch_context(batch))


def _batch_context(batch, *, detail="", errors=None) -> dict:
    return {
        "batch": batch,
        "summary": _summary_rows(batch.summary),
        "preview": batch.preview or {},
        "errors": errors if errors is not None else batch.errors,
        "warnings": batch.warnings,
        "detail": detail,
        "can_commit": batch.status == ImportStatus.PREVIEWED,
        "needs_mapping": batch.status == ImportStatus.NEEDS_MAPPING,
        "mapping_rows": _mapping_rows(batch),
    }


def _mapping_rows(batch) -> list[dict]:
    """One select per unmatched header, offering every column of the register."""
    preview = batch.preview or {}
    chosen = (batch.options or {}).get("mapping", {})
    missing = set(preview.get("missing_fields", []))
    fields = preview.get("fields", [])
    return [
        {
            "index": i,
            "header": header,
            "selected": chosen.get(header, ""),
            "fields": [{**f, "missing": f["key"] in missing} for f in fields],
        }
        for i, header in enumerate(preview.get("unmatched_columns", []))
    ]


@login_required
@require_POST
def remap(request, batch_id: int):
    """The mapping form: ``header_N`` (as written) and ``field_N`` (a column key or "")."""
    mapping = {}
    for key, header in request.POST.items():
        if key.startswith("header_"):
            mapping[header] = request.POST.get("field_" + key.removeprefix("header_"), "")
    try:
        batch = services.import_remap(actor=request.user, batch_id=batch_id, mapping=mapping)
    except NotFound:
        raise Http404() from None
    except ApplicationError as exc:
        batch = selectors.import_batch_get(actor=request.user, batch_id=batch_id)
        context = _batch_context(batch, detail=exc.detail, errors=[e.as_dict() for e in exc.errors])
        return render(request, "people/io/batch.html", context, status=422)
    return redirect("io:batch", batch_id=batch.pk)


@login_required
@require_POST
def commit(request, batch_id: int):
    try:
        batch = services.import_commit(actor=request.user, batch_id=batch_id)
    except NotFound:
        raise Http404() from None
    except ApplicationError as exc:
        batch = selectors.import_batch_get(actor=request.user, batch_id=batch_id)
        context = _batch_context(batch, detail=exc.detail, errors=[e.as_dict() for e in exc.errors])
        return render(request, "people/io/batch.html", context, status=422)
    return redirect("io:batch", batch_id=batch.pk)


@login_required
@require_GET
def template(request, kind: str):
    _require_importer(request.user)
    try:
        importer = services.importer_for(kind)
    except InvalidInput:
        raise Http404() from None
    filename, content = exports.template_xlsx(kind, importer.COLUMNS)
    return xlsx_response(content, filename)


@login_required
@require_GET
def export_people(request):
    try:
        filename, content = services.people_export(
            actor=request.user,
            area_id=_int_or_none(request.GET.get("area")),
            q=request.GET.get("q", ""),
            ledger=request.GET.get("ledger") or None,
        )
    except (NotFound, InvalidInput):
        raise Http404() from None
    return xlsx_response(content, filename)


@login_required
@require_GET
def export_children(request, area_id: int):
    try:
        filename, content = exports.children_xlsx(actor=request.user, area_id=area_id)
    except NotFound:
        raise Http404() from None
    return xlsx_response(content, filename)


@login_required
@require_GET
def export_organisations(request):
    try:
        filename, content = exports.organisations_xlsx(
            actor=request.user, area_id=_int_or_none(request.GET.get("area"))
        )
    except NotFound:
        raise Http404() from None
    return xlsx_response(content, filename)
