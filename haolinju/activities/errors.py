"""The one error this app adds to ``core.errors``: a move the current state refuses (409)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.errors import ApplicationError


class Conflict(ApplicationError):
    status_code = 409
    default_detail = _("当前状态不允许此操作")
