"""One place that turns errors into the API's JSON shape, in the caller's language:

``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``

Every message is a Chinese msgid translated at response time, so ``Accept-Language: en`` (through
``LocaleMiddleware``) gets English wherever the catalogue has it. Nothing here echoes what the
client sent or how the server failed.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)

from .errors import ApplicationError

logger = logging.getLogger("haolinju.api")

# Where a parameter came from, as ninja reports it in an error's ``loc``.
SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")


def _choices(ctx: dict) -> str:
    """``"'a', 'b' or 'c'"`` (pydantic's English list) → ``"a、b、c"``."""
    values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    return "、".join(values) or str(ctx.get("expected", ""))


# Pydantic error types → messages a person can act on (pydantic's own are English only).
PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("此项为必填"),
    "string_type": lambda ctx: _("应为文本"),
    "string_too_short": lambda ctx: _("至少%(n)s个字符") % {"n": ctx.get("min_length")},
    "string_too_long": lambda ctx: _("最多%(n)s个字符") % {"n": ctx.get("max_length")},
    "int_parsing": lambda ctx: _("应为整数"),
    "int_type": lambda ctx: _("应为整数"),
    "int_from_float": lambda ctx: _("应为整数"),
    "decimal_parsing": lambda ctx: _("应为数字"),
    "bool_parsing": lambda ctx: _("应为是或否"),
    "bool_type": lambda ctx: _("应为是或否"),
    "date_from_datetime_parsing": lambda ctx: _("日期格式应为 YYYY-MM-DD"),
    "date_parsing": lambda ctx: _("日期格式应为 YYYY-MM-DD"),
    "enum": lambda ctx: _("取值应为：%(v)s") % {"v": _choices(ctx)},
    "literal_error": lambda ctx: _("取值应为：%(v)s") % {"v": _choices(ctx)},
    "json_invalid": lambda ctx: _("请求内容不是有效的 JSON"),
    "model_attributes_type": lambda ctx: _("请求内容应为 JSON 对象"),
    "model_type": lambda ctx: _("请求内容应为 JSON 对象"),
    "dict_type": lambda ctx: _("请求内容应为 JSON 对象"),
    "list_type": lambda ctx: _("应为列表"),
    "greater_than": lambda ctx: _("应大于%(n)s") % {"n": ctx.get("gt")},
    "greater_than_equal": lambda ctx: _("不能小于%(n)s") % {"n": ctx.get("ge")},
    "less_than": lambda ctx: _("应小于%(n)s") % {"n": ctx.get("lt")},
    "less_than_equal": lambda ctx: _("不能大于%(n)s") % {"n": ctx.get("le")},
}

# ninja raises a few ``HttpError``s with fixed English texts; say them in the user's language.
NINJA_HTTP_MESSAGES = {
    "Cannot parse request body": lambda: _("请求内容不是有效的 JSON"),
    "CSRF check Failed": lambda: _("CSRF 校验失败，请刷新页面后重试"),
    "Too many requests.": lambda: _("请求过于频繁，请稍后再试"),
}


def field_name(loc) -> str:
    """``("body", "data", "phones", 0)`` → ``"phones.0"``; ``("query", "ledger")`` → ``"ledger"``.

    A JSON body is nested under the view's parameter name, which the client never sees.
    """
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in SOURCES else None
    if source == "body" and parts:
        parts.pop(0)
    return ".".join(str(p) for p in parts)


def field_message(err: dict) -> str:
    make = PYDANTIC_MESSAGES.get(err.get("type", ""))
    if make:
        return make(err.get("ctx") or {})
    return _("取值无效")


def error_body(detail, errors: list[dict] | None = None) -> dict:
    return {"detail": str(detail), "errors": list(errors or [])}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": field_name(e.get("loc", ())), "message": field_message(e)} for e in exc.errors
        ]
        return api.create_response(request, error_body(_("输入有误"), errors), status=422)

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(request, exc.as_dict(), status=exc.status_code)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(request, error_body(_("未登录或令牌无效")), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(AuthorizationError)
    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, error_body(_("无权执行此操作")), status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # Same body as ApplicationError NotFound: nothing tells "absent" from "not yours".
        return api.create_response(request, error_body(_("未找到")), status=404)

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        response = api.create_response(
            request, error_body(_("请求过于频繁，请稍后再试")), status=429
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        translate = NINJA_HTTP_MESSAGES.get(str(exc))
        detail = translate() if translate else str(exc)
        return api.create_response(request, error_body(detail), status=exc.status_code)

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def bad_request(request, exc):
        """A body the parsers cannot read (no multipart boundary, too many fields): 400."""
        return api.create_response(request, error_body(_("请求格式有误，无法解析")), status=400)

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        """An unexpected failure: logged in full, reported to the client without internals."""
        if settings.DEBUG:
            raise exc
        logger.exception("API error at %s %s", request.method, request.path)
        signals.got_request_exception.send(sender=None, request=request)
        return api.create_response(request, error_body(_("服务器内部错误，请稍后再试")), status=500)


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The API's error shape, for endpoints that document a status also used for errors."""

    detail: str
    errors: list[FieldErrorOut]
