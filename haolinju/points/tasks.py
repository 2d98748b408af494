"""Periodic jobs of the points app (listed in ``settings.HAOLINJU_PERIODIC``)."""

from __future__ import annotations

from django_tasks import task

from .services import shop


@task()
def expire_redemptions() -> int:
    """Let reservations past their hold period expire: points and stock return."""
    return shop.redemptions_expire_due()
