"""One place that turns errors into the API's JSON shape, in the caller's language:

``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from .errors import ApplicationError

# Pydantic error types → messages a person can act on (pydantic's own are English only).
PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("此项为必填"),
    "string_type": lambda ctx: _("应为文本"),
    "string_too_short": lambda ctx: _("至少%(n)s个字符") % {"n": ctx.get("min_length")},
    "string_too_long": lambda ctx: _("最多%(n)s个字符") % {"n": ctx.get("max_length")},
    "int_parsing": lambda ctx: _("应为整数"),
    "int_type": lambda ctx: _("应为整数"),
    "decimal_parsing": lambda ctx: _("应为数字"),
    "bool_parsing": lambda ctx: _("应为是或否"),
    "date_from_datetime_parsing": lambda ctx: _("日期格式应为 YYYY-MM-DD"),
    "date_parsing": lambda ctx: _("日期格式应为 YYYY-MM-DD"),
    "enum": lambda ctx: _("取值应为：%(v)s") % {"v": ctx.get("expected", "")},
    "literal_error": lambda ctx: _("取值应为：%(v)s") % {"v": ctx.get("expected", "")},
    "json_invalid": lambda ctx: _("请求内容不是有效的 JSON"),
    "model_attributes_type": lambda ctx: _("请求内容应为 JSON 对象"),
    "dict_type": lambda ctx: _("请求内容应为 JSON 对象"),
    "greater_than_equal": lambda ctx: _("不能小于%(n)s") % {"n": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("不能大于%(n)s") % {"n": ctx.get("le")},
}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    # ninja nests a body under the parameter name ("body", "<param>", "<field>")
    return ".".join(parts[1:] if len(parts) > 1 and parts[0] in ("data", "payload") else parts)


def _message(err: dict) -> str:
    make = PYDANTIC_MESSAGES.get(err.get("type", ""))
    if make:
        return make(err.get("ctx") or {})
    return _("取值无效")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": _message(e)} for e in exc.errors
        ]
        return api.create_response(request, {"detail": _("输入有误"), "errors": errors}, status=422)

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(request, exc.as_dict(), status=exc.status_code)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": _("未登录或令牌无效"), "errors": []}, status=401
        )

    @api.exception_handler(AuthorizationError)
    def forbidden(request, exc):
        return api.create_response(
            request, {"detail": _("无权执行此操作"), "errors": []}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("未找到"), "errors": []}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request, {"detail": str(exc), "errors": []}, status=exc.status_code
        )
