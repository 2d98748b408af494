"""Refuse malformed input before any view or database sees it, with a clear 400/422.

- A NUL character in a query parameter, a form field (name or value) or a JSON string: SQLite
  would store it silently and PostgreSQL fails on it, so neither database ever gets one. The
  answer names the field: 422 with the API's error body under ``/api/``, a 400 page elsewhere.
- A multipart body whose ``Content-Type`` has no (or a broken) boundary: 400, instead of the
  parser's exception surfacing as a server error.

JSON bodies are parsed here only when their bytes contain a ``\\u0000`` escape (a raw NUL is
not valid JSON and is refused by the API's parser), so ordinary requests pay one substring scan.
"""

from __future__ import annotations

import json
import re

from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .api_errors import error_body

NUL = "\x00"
JSON_NUL_ESCAPE = re.compile(rb"\\u0000", re.IGNORECASE)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
API_PREFIX = "/api/"


def nul_in_querydict(data: QueryDict) -> str | None:
    """The first field whose name or any value holds a NUL, or None."""
    for key, values in data.lists():
        if NUL in key:
            return key.replace(NUL, "")
        for value in values:
            if isinstance(value, str) and NUL in value:
                return key
    return None


def nul_in_json(value, path: tuple = ()) -> str | None:
    """The dotted path of the first JSON string (or object key) holding a NUL, or None."""
    if isinstance(value, str):
        return ".".join(str(p) for p in path) if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                return ".".join(str(p) for p in (*path, str(key).replace(NUL, "")))
            found = nul_in_json(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_in_json(item, (*path, index))
            if found is not None:
                return found
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request):
        field = nul_in_querydict(request.GET)
        if field is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type in FORM_TYPES:
                try:
                    if "HTTP_IDEMPOTENCY_KEY" in request.META:
                        request.body  # noqa: B018 - keep the raw body for the idempotency hash
                    form = request.POST
                except MultiPartParserError:
                    return self.bad_multipart(request)
                field = nul_in_querydict(form)  # Django strips NULs from upload file names
            elif content_type.endswith("json") and JSON_NUL_ESCAPE.search(request.body):
                try:
                    field = nul_in_json(json.loads(request.body))
                except ValueError:
                    field = None  # not JSON: the API's parser answers that
        if field is None:
            return None
        return self.nul(request, field)

    def nul(self, request, field: str):
        message = _("不能包含空字符（NUL）")
        if request.path.startswith(API_PREFIX):
            body = error_body(_("输入有误"), [{"field": field, "message": message}])
            return JsonResponse(body, status=422)
        return self.page(
            request, _("“%(field)s”%(message)s") % {"field": field, "message": message}
        )

    def bad_multipart(self, request):
        message = _("请求格式有误：multipart 内容缺少有效的 boundary")
        if request.path.startswith(API_PREFIX):
            return JsonResponse(error_body(message), status=400)
        return self.page(request, message)

    @staticmethod
    def page(request, message: str):
        return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))
