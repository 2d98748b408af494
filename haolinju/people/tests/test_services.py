"""People writes: validation with field errors, encryption, ledgers, positions, logged reveals."""

import datetime as dt

import pytest

from haolinju.core.crypto import blind_index, decrypt
from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.models import AuditEvent
from haolinju.people import selectors, services
from haolinju.people.models import (
    Employment,
    HeldAt,
    Ledger,
    Mobility,
    Occupancy,
    Person,
    PersonalDataRead,
    Title,
)
from haolinju.people.tests.factories import PersonFactory, resident, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(tree):
    return staff(Title.BRANCH_SECRETARY, tree.compounds[0])


def test_person_create_encrypts_indexes_masks_and_derives(tree, secretary):
    """A registered person's ID and phone are stored encrypted, indexed and masked; sex and
    birth date come from the ID number."""
    person = services.person_create(
        actor=secretary,
        area=tree.units[0],
        name=" 张  三 ",
        id_number="421102199003071233",
        phone="+86 138-1234-5678",
        role="owner",
    )
    person.refresh_from_db()
    assert person.name == "张 三"
    assert person.id_number_masked == "421102**********33"
    assert person.phone_masked == "138****5678"
    assert "421102199003071233" not in person.id_number_enc
    assert decrypt(person.id_number_enc) == "421102199003071233"
    assert decrypt(person.phone_enc) == "13812345678"
    assert person.phone_index == blind_index("13812345678", "phone")
    assert person.sex == "M" and person.birth_date == dt.date(1990, 3, 7)
    assert Occupancy.objects.get(person=person).role == "owner"
    assert AuditEvent.objects.filter(action="person.create", target_id=person.pk).exists()


def test_person_create_reports_every_bad_field_and_writes_nothing(tree, secretary):
    """Empty name, bad ID checksum and bad phone come back together as field errors."""
    with pytest.raises(InvalidInput) as exc:
        services.person_create(
            actor=secretary,
            area=tree.units[0],
            name="  ",
            id_number="421102199003071234",
            phone="12345",
        )
    fields = {e.field for e in exc.value.errors}
    assert fields == {"name", "id_number", "phone"}
    assert all(e.message for e in exc.value.errors)
    assert Person.objects.count() == 1  # only the secretary


def test_duplicate_id_number_is_refused(tree, secretary):
    """The same ID number cannot be registered twice, however it is typed."""
    services.person_create(
        actor=secretary, area=tree.units[0], name="李四", id_number="11010519491231002X"
    )
    with pytest.raises(InvalidInput) as exc:
        services.person_create(
            actor=secretary, area=tree.units[1], name="李四", id_number="11010519491231002x"
        )
    assert exc.value.errors[0].field == "id_number"


def test_occupancy_needs_a_unit(tree, secretary):
    """An occupancy role on a building (not a unit) is a field error on area."""
    with pytest.raises(InvalidInput) as exc:
        services.person_create(actor=secretary, area=tree.buildings[0], name="王五", role="tenant")
    assert exc.value.errors[0].field == "area"


def test_person_create_outside_scope_is_not_found(tree, secretary):
    """A secretary cannot register people in another compound."""
    with pytest.raises(NotFound):
        services.person_create(actor=secretary, area=tree.units[-1], name="赵六")


def test_public_scope_titles_cannot_register_people(tree):
    """A mediation officer sees the compound's public data but not its people directory."""
    officer = staff(Title.MEDIATION_OFFICER, tree.compounds[0])
    with pytest.raises(NotFound):
        services.person_create(actor=officer, area=tree.units[0], name="赵六")


@pytest.mark.parametrize(
    ("held_at", "employment", "mobility", "ledgers"),
    [
        (HeldAt.COMMUNITY, Employment.RETIRED, Mobility.SETTLED, {"self_managed", "retired"}),
        (HeldAt.EMPLOYER, Employment.WORKING, Mobility.SETTLED, {"in_service"}),
        (HeldAt.COMMUNITY, Employment.WORKING, Mobility.FLOATING_OUT, {"self_managed", "floating"}),
        (HeldAt.ELSEWHERE, Employment.NOT_EMPLOYED, Mobility.FLOATING_IN, {"floating"}),
        (HeldAt.EMPLOYER, Employment.RETIRED, Mobility.SETTLED, {"retired"}),
    ],
)
def test_ledgers_derive_from_attributes(tree, secretary, held_at, employment, mobility, ledgers):
    """The four ledgers are views over held-at, employment and mobility, and may overlap; the
    selector's filter and the model's own answer agree."""
    person = PersonFactory(area=tree.units[0])
    member = services.member_register(
        actor=secretary,
        person=person,
        held_at=held_at,
        employment=employment,
        mobility=mobility,
        employer="区住建局" if held_at == HeldAt.EMPLOYER else "",
    )
    assert set(member.ledgers()) == ledgers
    for ledger in Ledger.values:
        listed = selectors.person_list(actor=secretary, ledger=ledger).filter(pk=person.pk)
        assert listed.exists() == (ledger in ledgers), ledger
    counts = selectors.people_counts(tree.compounds[0])
    assert counts["members"] == 1
    assert {k for k in Ledger.values if counts[f"members_{k}"]} == ledgers


def test_member_held_by_employer_needs_employer(tree, secretary):
    """An in-service member without an employer is refused with a field error."""
    with pytest.raises(InvalidInput) as exc:
        services.member_register(
            actor=secretary,
            person=PersonFactory(area=tree.units[0]),
            held_at=HeldAt.EMPLOYER,
            employment=Employment.WORKING,
        )
    assert exc.value.errors[0].field == "employer"


def test_position_grants_scope_from_its_start_date(tree):
    """A building head appointed today reads that building's people; a future appointment
    grants nothing yet."""
    district = staff(Title.DISTRICT_STAFF, tree.district)
    person = PersonFactory(area=tree.units[0])
    user = resident(tree.units[0])
    neighbour = PersonFactory(area=tree.units[1])
    future = dt.date.today() + dt.timedelta(days=3)
    services.position_assign(
        actor=district,
        person=user.person,
        title=Title.BUILDING_HEAD,
        area=tree.buildings[0],
        started_on=future,
    )
    assert not selectors.person_list(actor=user).filter(pk=neighbour.pk).exists()
    services.position_assign(
        actor=district, person=user.person, title=Title.BUILDING_HEAD, area=tree.buildings[0]
    )
    user = type(user).objects.get(pk=user.pk)  # fresh object: jurisdiction is cached per object
    assert selectors.person_list(actor=user).filter(pk=neighbour.pk).exists()
    assert selectors.person_list(actor=user).filter(pk=person.pk).exists()
    with pytest.raises(InvalidInput):
        services.position_assign(
            actor=district,
            person=person,
            title=Title.BUILDING_HEAD,
            area=tree.buildings[0],
            started_on=dt.date(2024, 1, 2),
            ended_on=dt.date(2024, 1, 1),
        )


def test_reveal_needs_reason_and_is_logged(tree, secretary):
    """Unmasking an ID number needs a reason; the read is logged with it."""
    person = PersonFactory(area=tree.units[0], id_number="440524188001010014")
    with pytest.raises(InvalidInput) as exc:
        services.personal_data_reveal(
            actor=secretary, person_id=person.pk, field="id_number", reason=" "
        )
    assert exc.value.errors[0].field == "reason"
    assert not PersonalDataRead.objects.exists()
    value = services.personal_data_reveal(
        actor=secretary, person_id=person.pk, field="id_number", reason="办理低保核对身份"
    )
    assert value == "440524188001010014"
    log = PersonalDataRead.objects.get()
    assert (log.actor, log.person, log.field, log.reason) == (
        secretary,
        person,
        "id_number",
        "办理低保核对身份",
    )
    assert AuditEvent.objects.filter(action="personal_data.reveal", target_id=person.pk).exists()


def test_reveal_outside_scope_is_not_found_and_not_logged(tree, secretary):
    """A secretary cannot unmask someone in another compound; nothing is logged."""
    person = PersonFactory(area=tree.units[-1])
    with pytest.raises(NotFound):
        services.personal_data_reveal(
            actor=secretary, person_id=person.pk, field="phone", reason="核实联系方式"
        )
    assert not PersonalDataRead.objects.exists()


def test_resident_cannot_reveal_even_own_record_through_staff_path(tree):
    """A resident has no people scope, so the staff reveal path refuses them."""
    user = resident(tree.units[0])
    with pytest.raises(Exception) as exc:
        services.personal_data_reveal(
            actor=user, person_id=user.person.pk, field="phone", reason="查看自己的号码"
        )
    assert getattr(exc.value, "status_code", None) == 403
    assert not PersonalDataRead.objects.exists()
