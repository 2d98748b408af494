"""志愿服务证明: issued by whoever recorded the service (谁记录谁证明), frozen when issued,
verifiable by number, revocable with a reason."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.scope import jurisdiction_of

from .. import hours
from ..models import ActivityCategory, Certificate, RecordStatus
from ..selectors import visible_records

ID_TYPE = "居民身份证"


def new_number(today: dt.date) -> str:
    return f"ZYFW{today:%Y}{secrets.token_hex(5).upper()}"


@transaction.atomic
def certificate_issue(
    *,
    actor,
    person_id: int,
    issuer_name: str,
    issuer_in_charge: str,
    issuer_contact: str,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> Certificate:
    """Certify the confirmed service the actor's jurisdiction recorded for the person."""
    from haolinju.people.selectors import person_get

    scope = jurisdiction_of(actor)
    person = person_get(actor=actor, person_id=person_id)
    if not scope.reads_people_at(person.area_path) and not scope.is_superuser:
        raise NotPermitted(_("只有记录服务的组织可以出具证明"))
    for field, value in (
        ("issuer_name", issuer_name),
        ("issuer_in_charge", issuer_in_charge),
        ("issuer_contact", issuer_contact),
    ):
        if not value.strip():
            raise InvalidInput.on(field, _("请填写出具单位信息"))
    records = visible_records(actor=actor).filter(
        person_id=person.pk, status=RecordStatus.CONFIRMED
    )
    if period_from:
        records = records.filter(service_date__gte=period_from)
    if period_to:
        records = records.filter(service_date__lte=period_to)
    by_category = dict(
        records.values_list("category_code").annotate(m=Sum("delta_minutes")).order_by()
    )
    total = sum(by_category.values())
    if total <= 0:
        raise InvalidInput.on("person_id", _("没有可证明的已确认服务时长"))
    names = dict(ActivityCategory.objects.values_list("code", "name"))
    content = "；".join(
        f"{names.get(code, code)} {hours.hours(m)}小时"
        for code, m in sorted(by_category.items())
        if m
    )
    volunteer = getattr(person, "volunteer", None)  # None when not a registered volunteer
    today = timezone.localdate()
    return Certificate.objects.create(
        number=new_number(today),
        person=person,
        area_path=person.area_path,
        volunteer_name=person.name,
        id_type=ID_TYPE,
        id_number_masked=person.id_number_masked,
        volunteer_number=getattr(volunteer, "volunteer_number", "") or "",
        minutes=total,
        content=content,
        period_from=period_from,
        period_to=period_to,
        issuer_name=issuer_name.strip(),
        issuer_in_charge=issuer_in_charge.strip(),
        handling_officer=str(actor),
        issuer_contact=issuer_contact.strip(),
        issued_on=today,
        issued_by=actor,
    )


@transaction.atomic
def certificate_revoke(*, actor, number: str, reason: str) -> Certificate:
    cert = Certificate.objects.select_for_update().filter(number=number).first()
    if cert is None or not jurisdiction_of(actor).reads_people_at(cert.area_path):
        raise NotFound()
    if not reason.strip():
        raise InvalidInput.on("reason", _("请填写撤销原因"))
    if cert.revoked_at is None:
        cert.revoked_at = timezone.now()
        cert.revoked_reason = reason.strip()
        cert.save(update_fields=["revoked_at", "revoked_reason"])
    return cert


def mask_name(name: str) -> str:
    """张三 → 张*, 王小明 → 王*明, 欧阳小明 → 欧**明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
