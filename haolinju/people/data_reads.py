"""The review of unmasked personal-data reads: who read whose ID number or phone, why and when,
for staff over the people of their jurisdiction (filterable, exportable as xlsx).

Only the read's metadata is shown or exported, never the value that was read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import NotPermitted
from haolinju.core.scope import jurisdiction_of, subtree_q
from haolinju.core.xlsx import write_table
from haolinju.org.selectors import area_get, subtree

from .models import PersonalDataField, PersonalDataRead

EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class ReadFilters:
    area_id: int | None = None
    field: str | None = None
    reader: str = ""  # part of the reader's username or display name
    person: str = ""  # part of the name of the person whose data was read
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def can_review_reads(actor) -> bool:
    scope = jurisdiction_of(actor)
    return scope.is_superuser or bool(scope.people_paths)


def data_read_list(*, actor, filters: ReadFilters = ReadFilters()) -> QuerySet[PersonalDataRead]:
    """Reads of the personal data of people in the actor's people directory, newest first."""
    scope = jurisdiction_of(actor)
    if not can_review_reads(actor):
        raise NotPermitted(_("只有本辖区的工作人员可以查看个人信息查看记录"))
    qs = PersonalDataRead.objects.all()
    if not scope.is_superuser:
        qs = qs.filter(subtree_q(scope.people_paths, "person__area_path"))
    if filters.area_id is not None:
        area = area_get(actor=actor, area_id=filters.area_id)  # 404 outside jurisdiction
        qs = qs.filter(subtree(area, "person__area_path"))
    if filters.field in PersonalDataField.values:
        qs = qs.filter(field=filters.field)
    if filters.reader.strip():
        term = filters.reader.strip()
        qs = qs.filter(Q(actor__username__icontains=term) | Q(actor__display_name__icontains=term))
    if filters.person.strip():
        qs = qs.filter(person__name__icontains=filters.person.strip())
    tz = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time(), tz))
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), tz)
        qs = qs.filter(created_at__lt=end)
    return qs.select_related("actor", "person").order_by("-created_at", "-id")


EXPORT_HEADERS = (
    gettext_lazy("查看时间"),
    gettext_lazy("查看人"),
    gettext_lazy("账号"),
    gettext_lazy("被查看人"),
    gettext_lazy("查看项目"),
    gettext_lazy("查看理由"),
)


def data_reads_xlsx(*, actor, filters: ReadFilters = ReadFilters()) -> tuple[str, bytes]:
    rows = (
        [
            timezone.localtime(read.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            str(read.actor),
            read.actor.username,
            read.person.name,
            str(read.get_field_display()),
            read.reason,
        ]
        for read in data_read_list(actor=actor, filters=filters)[:EXPORT_LIMIT].iterator(
            chunk_size=2000
        )
    )
    content = write_table([str(h) for h in EXPORT_HEADERS], rows, title=_("个人信息查看记录"))
    return f"{_('个人信息查看记录')}_{timezone.localdate():%Y%m%d}.xlsx", content
