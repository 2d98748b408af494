"""Application errors. Services raise these; one handler per delivery layer renders them.

JSON: ``{"detail": ..., "errors": [{"field": ..., "message": ...}]}``; HTML: form errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


class ApplicationError(Exception):
    status_code = 422
    default_detail = _("请求无法处理")

    def __init__(self, detail=None, errors: list[FieldError] | None = None):
        self.detail = detail if detail is not None else self.default_detail
        self.errors = list(errors or [])
        super().__init__(str(self.detail))

    def as_dict(self) -> dict:
        return {"detail": str(self.detail), "errors": [e.as_dict() for e in self.errors]}


class InvalidInput(ApplicationError):
    status_code = 422
    default_detail = _("输入有误")

    @classmethod
    def on(cls, field: str, message) -> InvalidInput:
        return cls(message, [FieldError(field, message)])


class NotFound(ApplicationError):
    """Also raised for records outside the caller's jurisdiction: never confirm they exist."""

    status_code = 404
    default_detail = _("未找到")


class Conflict(ApplicationError):
    """The request contradicts the current state or what is already recorded (HTTP 409): a move
    the state does not allow, a second ballot, a locked month. ``Conflict.on(field, message)``
    names the field, like ``InvalidInput.on``."""

    status_code = 409
    default_detail = _("当前状态不允许此操作")

    @classmethod
    def on(cls, field: str, message) -> Conflict:
        return cls(message, [FieldError(field, message)])


class NotPermitted(ApplicationError):
    status_code = 403
    default_detail = _("无权执行此操作")
