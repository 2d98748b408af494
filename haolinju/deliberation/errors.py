"""Errors of this app that core has no class for."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.errors import ApplicationError


class Conflict(ApplicationError):
    """The request contradicts what is already recorded (HTTP 409), e.g. a second ballot."""

    status_code = 409
    default_detail = _("与已有记录冲突")
