"""Audit events are scoped like the records they describe: every people write records the
area path of the record, so an audit view filtered by jurisdiction shows it to exactly the
staff who govern that record — and to nobody else."""

from __future__ import annotations

import datetime as dt

import pytest

from haolinju.core.models import AuditEvent
from haolinju.people import services
from haolinju.people.models import Employment, HeldAt, Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db


def test_every_people_write_records_the_area_path(tree):
    """person.create, occupancy.add, member.register, volunteer.register, position.assign,
    candidate.add and personal_data.reveal each carry the path of the area they concern."""
    secretary = staff(Title.BRANCH_SECRETARY, tree.compounds[0])
    unit = tree.units[1]
    person = services.person_create(
        actor=secretary, area=unit, name="审计甲", phone="13812345678", role="owner"
    )
    services.occupancy_add(actor=secretary, person=person, unit=tree.units[2], role="tenant")
    services.member_register(
        actor=secretary, person=person, held_at=HeldAt.COMMUNITY, employment=Employment.RETIRED
    )
    services.volunteer_register(actor=secretary, person=person, skills=["理发"])
    services.position_assign(
        actor=secretary,
        person=person,
        title=Title.BUILDING_HEAD,
        area=tree.buildings[0],
        started_on=dt.date(2024, 1, 1),
    )
    services.candidate_add(actor=secretary, person=person, area=tree.compounds[0])
    services.personal_data_reveal(
        actor=secretary, person_id=person.pk, field="phone", reason="审计范围测试"
    )
    expected = {
        "person.create": unit.path,
        "occupancy.add": tree.units[2].path,
        "member.register": unit.path,
        "volunteer.register": unit.path,
        "position.assign": tree.buildings[0].path,
        "candidate.add": tree.compounds[0].path,
        "personal_data.reveal": unit.path,
    }
    recorded = dict(
        AuditEvent.objects.filter(action__in=expected).values_list("action", "area_path")
    )
    assert recorded == expected
