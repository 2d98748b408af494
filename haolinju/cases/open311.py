"""Open311 GeoReport v2 for problem reports, so existing clients work unchanged.

``GET services.json``, ``services/{code}.json``, ``POST``/``GET requests.json`` and
``requests/{id}.json`` (JSON only). POST needs an ``api_key`` issued to an organisation
(``services.open311_key_issue``) and ``address_id`` = the compound's area id in its remit.
Public reads list only public, unlocked problem reports of the last 90 days (at most 1,000)
and carry no personal data: never the reporter, never a comment. ``status`` is ``open`` or
``closed``; our richer state is in ``status_notes``; ``expected_datetime`` is the resolution
deadline.
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from haolinju.core.errors import ApplicationError

from .models import Case, CaseKind, Category, Status
from .services.open311 import open311_key_owner, open311_request_create

LIMIT, DAYS = 1000, 90


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: int, description: str) -> JsonResponse:
    return _json([{"code": code, "description": description}], status)


def _service(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": f"{c.name}（{c.get_urgency_display()}，{c.resolve_within}）",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "problem_report",
    }


def _public_reports():
    return Case.objects.filter(
        kind=CaseKind.PROBLEM_REPORT, report__public=True, locked=False
    ).select_related("category", "report", "owner_area", "assignee_organisation")


def _request(case: Case) -> dict:
    report = case.report
    return {
        "service_request_id": str(case.pk),
        "status": "open" if case.is_open else "closed",
        "status_notes": str(Status(case.status).label),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": (
            case.assignee_organisation.name if case.assignee_organisation else case.owner_area.name
        ),
        "requested_datetime": case.created_at.isoformat(),
        "updated_datetime": case.updated_at.isoformat(),
        "expected_datetime": case.resolve_due_at.isoformat() if case.resolve_due_at else None,
        "address": report.address,
        "address_id": str(case.area_id),
        "lat": float(report.latitude) if report.latitude is not None else None,
        "long": float(report.longitude) if report.longitude is not None else None,
    }


@require_GET
def services(request):
    return _json(
        [_service(c) for c in Category.objects.filter(kind=CaseKind.PROBLEM_REPORT, active=True)]
    )


@require_GET
def service(request, code: str):
    category = Category.objects.filter(code=code, kind=CaseKind.PROBLEM_REPORT, active=True).first()
    if category is None:
        return _error(404, 404, "service_code not found")
    return _json({"service_code": category.code, "attributes": []})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request):
    if request.method == "POST":
        return _post(request)
    since = timezone.now() - dt.timedelta(days=DAYS)
    qs = _public_reports().filter(created_at__gte=since)
    if request.GET.get("service_code"):
        qs = qs.filter(category__code=request.GET["service_code"])
    status = request.GET.get("status")
    if status == "open":
        qs = qs.filter(state_type="open")
    elif status == "closed":
        qs = qs.exclude(state_type="open")
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.isdigit()]
    if ids:
        qs = qs.filter(pk__in=ids)
    return _json([_request(c) for c in qs.order_by("-created_at")[:LIMIT]])


def _post(request):
    data = request.POST
    if not data and request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, 400, "invalid JSON")
    organisation = open311_key_owner(str(data.get("api_key", "")))
    if organisation is None:
        return _error(403, 403, "invalid api_key")
    address_id = str(data.get("address_id", ""))
    try:
        case = open311_request_create(
            organisation=organisation,
            service_code=str(data.get("service_code", "")),
            description=str(data.get("description", "")),
            address_id=int(address_id) if address_id.isdigit() else None,
            address_string=str(data.get("address_string", "")),
            lat=data.get("lat") or None,
            long=data.get("long") or None,
        )
    except ApplicationError as err:
        return _error(err.status_code if err.status_code != 422 else 400, 400, str(err.detail))
    return _json([{"service_request_id": str(case.pk), "service_notice": ""}], 201)


@require_GET
def request_detail(request, request_id: int):
    case = _public_reports().filter(pk=request_id).first()
    if case is None:
        return _error(404, 404, "service_request_id not found")
    return _json([_request(case)])


urlpatterns = [
    path("services.json", services, name="services"),
    path("services/<slug:code>.json", service, name="service"),
    path("requests.json", requests, name="requests"),
    path("requests/<int:request_id>.json", request_detail, name="request"),
]
