"""Demo: a few logged reads of personal data, so the reads review (/people/reads/) shows real
entries — the compound secretary and the community secretary checking residents' numbers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from haolinju.people.models import Person, PersonalDataField, PersonalDataRead

# (reader, field, reason, days ago); the people read are the reader's first residents by path.
READS = (
    ("secretary", PersonalDataField.PHONE, "联系业主处理楼上漏水", 1),
    ("secretary", PersonalDataField.ID_NUMBER, "核实低保申请人身份", 3),
    ("secretary", PersonalDataField.PHONE, "通知参加业主大会", 6),
    ("community", PersonalDataField.ID_NUMBER, "办理老年优待证", 9),
    ("community", PersonalDataField.PHONE, "回访独居老人", 14),
    ("buildinghead", PersonalDataField.PHONE, "停水通知联系不上", 20),
)


def seed() -> int:
    """Write the reads (deterministic: the same people and times relative to today)."""
    from haolinju.people.selectors import person_list

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=dict.fromkeys(r[0] for r in READS))
    }
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    written = 0
    offsets: dict[str, int] = {}
    for username, field, reason, days in READS:
        user = users.get(username)
        if user is None:
            continue
        index = offsets.get(username, 0)
        offsets[username] = index + 1
        people = person_list(actor=user).exclude(user=user)
        if field == PersonalDataField.PHONE:
            people = people.exclude(phone_masked="")
        else:
            people = people.exclude(id_number_masked="")
        person: Person | None = people.order_by("area_path", "id")[index : index + 1].first()
        if person is None:
            continue
        read = PersonalDataRead.objects.create(
            actor=user, person=person, field=field, reason=reason
        )
        PersonalDataRead.objects.filter(pk=read.pk).update(
            created_at=now - dt.timedelta(days=days, hours=written)
        )
        written += 1
    return written
