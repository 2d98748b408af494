"""Errors of the points app (rendered by core's handlers like every ApplicationError)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.transitions import InvalidTransition as Conflict  # a 409: locked month, …


class NotEnoughPoints(Conflict):
    default_detail = _("可用积分不足")


class OutOfStock(Conflict):
    default_detail = _("库存不足")


class TransferMismatch(Conflict):
    default_detail = _("该流水号已用于另一笔不同的流水")
