"""Errors of the points app (rendered by core's handlers like every ApplicationError)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.errors import FieldError
from haolinju.core.transitions import InvalidTransition


class Conflict(InvalidTransition):
    """The move is not possible in the current state (a locked month, a resolved redemption)."""

    status_code = 409
    default_detail = _("当前状态不允许此操作")

    @classmethod
    def on(cls, field: str, message) -> Conflict:
        return cls(message, [FieldError(field, message)])


class NotEnoughPoints(Conflict):
    default_detail = _("可用积分不足")


class OutOfStock(Conflict):
    default_detail = _("库存不足")


class TransferMismatch(Conflict):
    default_detail = _("该流水号已用于另一笔不同的流水")
