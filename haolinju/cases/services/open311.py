"""Open311 GeoReport v2 writes: keys issued per organisation (only a hash is kept) and service
requests posted with one, owned by the compound they are about."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core import timeline
from haolinju.core.calendar import due_at
from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.scope import is_within
from haolinju.org.models import Area, AreaKind, Organisation

from ..models import Case, CaseKind, Category, Open311Key, ProblemReportDetail
from .cases import _step, dispatchers_of

MAX_DESCRIPTION = 4000


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def open311_key_issue(*, organisation: Organisation) -> str:
    """A new api_key for ``organisation``; shown once."""
    raw = secrets.token_urlsafe(32)
    Open311Key.objects.create(organisation=organisation, key_hash=_hash(raw))
    return raw


def open311_key_owner(raw: str) -> Organisation | None:
    if not raw:
        return None
    key = (
        Open311Key.objects.select_related("organisation")
        .filter(key_hash=_hash(raw), revoked=False)
        .first()
    )
    return key.organisation if key else None


def _allowed_areas(org: Organisation) -> list[str]:
    """The compounds an organisation serves, if it lists any; else its own area's subtree."""
    served = list(org.served_areas.values_list("path", flat=True))
    return served or [org.area_path]


@transaction.atomic
def open311_request_create(
    *,
    organisation: Organisation,
    service_code: str,
    description: str,
    address_id: int | None,
    address_string: str = "",
    lat=None,
    long=None,
) -> Case:
    """A problem report from an Open311 client of ``organisation``, about one compound in its
    remit (``address_id`` is the compound's area id)."""
    from haolinju.core.notify import notify

    category = Category.objects.filter(
        code=service_code, kind=CaseKind.PROBLEM_REPORT, active=True
    ).first()
    if category is None:
        raise InvalidInput.on("service_code", _("未知的服务代码"))
    description = (description or "").strip()
    if not description:
        raise InvalidInput.on("description", _("请描述具体情况"))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput.on("description", _("描述不能超过 4000 字"))
    area = Area.objects.filter(pk=address_id or 0, kind=AreaKind.COMPOUND).first()
    if area is None:
        raise InvalidInput.on("address_id", _("请提供小区编号（address_id）"))
    if not is_within(area.path, _allowed_areas(organisation)):
        raise NotPermitted(_("该 api_key 不能为此小区提交"))
    now = timezone.now()
    case = Case.objects.create(
        kind=CaseKind.PROBLEM_REPORT,
        category=category,
        title=description[:60],
        description=description,
        area=area,
        area_path=area.path,
        owner_area=area,
        owner_area_path=area.path,
        created_at=now,
        resolve_due_at=due_at(now, category.resolve_within),
        **_step("dispatch", now, category.dispatch_within),
    )
    ProblemReportDetail.objects.create(
        case=case, public=True, anonymous=True, address=address_string[:200],
        latitude=lat, longitude=long,
    )  # fmt: skip
    timeline.record(
        case, actor=None, action="case.submit", note=case.title, via="open311",
        organisation=organisation.pk,
    )  # fmt: skip
    notify(
        recipients=dispatchers_of(area.path), kind="case.submitted",
        title=_("新诉求：%(t)s") % {"t": case.title}, url=f"/cases/{case.pk}/", target=case,
    )  # fmt: skip
    return case
