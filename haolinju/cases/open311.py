"""Open311 GeoReport v2 for problem reports, so existing clients work unchanged.

``GET services``, ``services/{code}``, ``POST``/``GET requests`` and ``requests/{id}``, each
as ``.json`` or ``.xml`` (the format suffix of the spec; XML built with ``xml.etree``: a root
element per list — ``services``, ``service_requests``, ``errors`` — one child per item, one
element per field, empty for null, ``true``/``false`` for booleans). POST needs an ``api_key``
issued to an organisation (``services.open311_key_issue``) and ``address_id`` = the
compound's area id in its remit.
Public reads list only public, unlocked problem reports of the last 90 days (at most 1,000)
and carry no personal data: never the reporter, never a comment. ``status`` is ``open`` or
``closed``; our richer state is in ``status_notes``; ``expected_datetime`` is the resolution
deadline.
"""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from haolinju.core.errors import ApplicationError

from . import selectors
from .models import Case, Category, Status
from .services.open311 import open311_key_owner, open311_request_create

LIMIT, DAYS = 1000, 90


# list root -> item element, as in the GeoReport v2 examples
ROOTS = {"services": "service", "service_requests": "request", "errors": "error"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(root: str, data) -> bytes:
    """``data`` is a list of flat dicts (under ``root``/its item) or one dict (the root)."""
    top = ET.Element(root)
    items = data if isinstance(data, list) else [data]
    for item in items:
        parent = ET.SubElement(top, ROOTS[root]) if isinstance(data, list) else top
        for key, value in item.items():
            child = ET.SubElement(parent, key)
            if isinstance(value, list):  # attributes of a service definition
                for entry in value:
                    sub = ET.SubElement(child, "attribute")
                    for k, v in entry.items():
                        ET.SubElement(sub, k).text = _text(v)
            else:
                child.text = _text(value)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def _render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, data), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, code: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": code, "description": description}], status)


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
def services(request, fmt: str):
    return _render(fmt, "services", [_service(c) for c in selectors.open311_services()])


@require_GET
def service(request, code: str, fmt: str):
    category = selectors.open311_services().filter(code=code).first()
    if category is None:
        return _error(fmt, 404, 404, "service_code not found")
    return _render(fmt, "service_definition", {"service_code": category.code, "attributes": []})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt: str):
    if request.method == "POST":
        return _post(request, fmt)
    since = timezone.now() - dt.timedelta(days=DAYS)
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.isdigit()]
    found = selectors.open311_requests(
        since=since,
        service_code=request.GET.get("service_code", ""),
        status=request.GET.get("status", ""),
        ids=ids,
        limit=LIMIT,
    )
    rows = [_request(c) for c in found]
    return _render(fmt, "service_requests", rows)


def _post(request, fmt: str):
    data = request.POST
    if not data and request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _error(fmt, 400, 400, "invalid JSON")
    organisation = open311_key_owner(str(data.get("api_key", "")))
    if organisation is None:
        return _error(fmt, 403, 403, "invalid api_key")
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
        status = err.status_code if err.status_code != 422 else 400
        return _error(fmt, status, 400, str(err.detail))
    created = [{"service_request_id": str(case.pk), "service_notice": "", "account_id": None}]
    return _render(fmt, "service_requests", created, 201)


@require_GET
def request_detail(request, request_id: int, fmt: str):
    case = selectors.open311_public_reports().filter(pk=request_id).first()
    if case is None:
        return _error(fmt, 404, 404, "service_request_id not found")
    return _render(fmt, "service_requests", [_request(case)])


FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^services" + FMT, services, name="services"),
    re_path(r"^services/(?P<code>[-a-zA-Z0-9_]+)" + FMT, service, name="service"),
    re_path(r"^requests" + FMT, requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[0-9]{1,18})" + FMT, request_detail, name="request"),
]
