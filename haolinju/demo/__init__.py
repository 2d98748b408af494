"""Demo and scale data: the curated Huangzhou demo district and the scaled seeder.

A plain package (not a Django app): call these after ``django.setup()``.
"""

from __future__ import annotations

import os
import sys

from django.db import transaction

from haolinju.org.models import Area

from .accounts import DEMO_ACCOUNTS, DemoAccount, create_accounts, existing_accounts
from .scale import SCALES, seed_scale

DEFAULT_PASSWORD = "haolinju-demo"  # noqa: S105 - the documented demo password


def seed_demo(*, password: str | None = None, stdout=None) -> list[DemoAccount]:
    """Create the Huangzhou demo district if the database has no areas; otherwise create nothing.

    Returns the demo accounts either way (password ``(unchanged)`` for accounts that existed).
    Password: the argument, else ``HAOLINJU_DEMO_PASSWORD``, else ``haolinju-demo``.
    """
    from . import huangzhou
    from .bulk import BulkWriter

    out = stdout or sys.stdout
    with transaction.atomic():
        if Area.objects.exists():
            out.write("数据库中已有区域数据，未创建演示数据。\n")
            return existing_accounts()
        password = password or os.environ.get("HAOLINJU_DEMO_PASSWORD") or DEFAULT_PASSWORD
        with BulkWriter(batch_rows=10**9) as writer:
            picks = huangzhou.build(writer)
        accounts = create_accounts(picks.people, password)
    rows = ", ".join(f"{label.split('.')[-1]} {n}" for label, n in sorted(writer.counts.items()))
    out.write(f"已创建演示数据（黄州区）：{rows}\n")
    return accounts


__all__ = ["DEMO_ACCOUNTS", "SCALES", "DemoAccount", "seed_demo", "seed_scale"]
