"""Demo and scale data: the curated Huangzhou demo district and the scaled seeder.

A plain package (not a Django app): call these after ``django.setup()``.
"""

from __future__ import annotations

import os
import sys

from django.db import transaction

from haolinju.org.models import Area

from .accounts import DEMO_ACCOUNTS, UNCHANGED, DemoAccount, create_accounts, existing_accounts
from .scale import SCALES, seed_scale

DEFAULT_PASSWORD = "haolinju-demo"  # noqa: S105 - the documented demo password


def seed_demo(*, password: str | None = None, stdout=None) -> list[DemoAccount]:
    """Create the Huangzhou demo district if the database has no areas; otherwise create nothing.

    Returns the demo accounts either way; for existing accounts the password is printed when it
    still works, else ``(unchanged)``.
    Password: the argument, else ``HAOLINJU_DEMO_PASSWORD``, else ``haolinju-demo``.
    """
    from . import huangzhou
    from .bulk import BulkWriter

    out = stdout or sys.stdout
    with transaction.atomic():
        password = password or os.environ.get("HAOLINJU_DEMO_PASSWORD") or DEFAULT_PASSWORD
        if Area.objects.exists():
            out.write("数据库中已有区域数据，未创建演示数据。\n")
            return existing_accounts(password=password if _still_valid(password) else UNCHANGED)
        with BulkWriter(batch_rows=10**9) as writer:
            picks = huangzhou.build(writer)
        accounts = create_accounts(picks.people, password)
        loops = _seed_loops(out)
        from . import data_reads, imports

        data_reads.seed()
        imports.seed()
    out.write(f"已创建演示数据（黄州区）：{summary_line(writer.counts)}\n")
    out.write(f"各项工作演示数据：{loops}\n")
    return accounts


def _seed_loops(out) -> str:
    """Each loop's demo data on top of the district (cases, activities, points, deliberation)."""
    from . import activities
    from . import points as points_demo
    from .cases import seed_cases
    from .deliberation import seed as seed_deliberation

    case_counts = seed_cases()
    activities.seed(stdout=out)
    entries = points_demo.seed().get("entries", 0)
    seed_deliberation()
    cases, ratings = case_counts["cases"], case_counts["ratings"]
    return f"诉求 {cases:,} 件（评价 {ratings:,} 条）、积分记录 {entries:,} 条"


def summary_line(counts: dict[str, int]) -> str:
    """The rows written, in words a reader of the Chinese sentence knows ("区域 1,204 条、人员
    …"): each model by its Chinese name, link tables between models (auto-created) left out."""
    from django.apps import apps
    from django.utils import translation

    parts = []
    with translation.override("zh-hans"):
        for label, n in sorted(counts.items()):
            model = apps.get_model(label)
            if model._meta.auto_created:
                continue
            parts.append(f"{model._meta.verbose_name} {n:,} 条")
    return "、".join(parts)


def _still_valid(password: str) -> bool:
    """Whether the demo accounts still take ``password`` (one hash check, on ``admin``)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(username="admin").first()
    return admin is not None and admin.check_password(password)


__all__ = ["DEMO_ACCOUNTS", "SCALES", "DemoAccount", "seed_demo", "seed_scale"]
