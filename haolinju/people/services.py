"""Writes to people records. Personal data is validated, encrypted and indexed here only."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from haolinju.core import quota
from haolinju.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_phone
from haolinju.core.errors import FieldError, InvalidInput, NotFound, NotPermitted
from haolinju.core.models import record_event
from haolinju.core.validators import parse_id_number, parse_mobile
from haolinju.org.models import Area, AreaKind, Organisation

from . import policies
from .models import (
    CandidateSecretary,
    Employment,
    HeldAt,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
    PersonalDataField,
    PersonalDataRead,
    Position,
    Title,
    Volunteer,
)
from .selectors import person_get

security_log = logging.getLogger("haolinju.security")

MAX_NAME = 64


@dataclass
class PersonalData:
    """Validated, normalised personal data ready to store."""

    id_number: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: dt.date | None = None
    warnings: tuple[str, ...] = ()


def clean_personal_data(
    *, name: str, id_number: str = "", phone: str = ""
) -> tuple[str, PersonalData, list[FieldError]]:
    """Validate a person's name, ID number and phone; collect every error, raise none."""
    errors: list[FieldError] = []
    data = PersonalData()
    name = " ".join((name or "").split())
    if not name:
        errors.append(FieldError("name", _("姓名不能为空")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _("姓名过长（最多%(n)d个字）") % {"n": MAX_NAME}))
    if str(id_number or "").strip():
        try:
            parsed = parse_id_number(id_number)
            data.id_number, data.sex, data.birth_date = parsed.value, parsed.sex, parsed.birth_date
            data.warnings = parsed.warnings
        except ValidationError as exc:
            errors.append(FieldError("id_number", exc.messages[0]))
    if str(phone or "").strip():
        try:
            data.phone = parse_mobile(phone)
        except ValidationError as exc:
            errors.append(FieldError("phone", exc.messages[0]))
    return name, data, errors


def encrypted_fields(data: PersonalData) -> dict[str, object]:
    """Column values for a person's protected fields (used by services and bulk seeding)."""
    return {
        "id_number_enc": encrypt(data.id_number),
        "id_number_index": blind_index(data.id_number, "id_number"),
        "id_number_masked": mask_id_number(data.id_number) if data.id_number else "",
        "phone_enc": encrypt(data.phone),
        "phone_index": blind_index(data.phone, "phone"),
        "phone_masked": mask_phone(data.phone) if data.phone else "",
        "sex": data.sex,
        "birth_date": data.birth_date,
    }


class TooManyDuplicateProbes(InvalidInput):
    """Too many registrations of ID numbers held elsewhere by one account this hour; 429."""

    status_code = 429


def id_probe_allowance(actor) -> tuple[str, dt.datetime, int]:
    """The key, window and limit of the actor's duplicate-ID probes (core.quota)."""
    return f"id-probe:{actor.pk}", quota.hour_start(), settings.HAOLINJU_DUPLICATE_PROBES_PER_HOUR


def refuse_when_probes_used_up(actor) -> None:
    """429 when the actor's duplicate-ID probes for this hour are used up (API registration
    and import previews share the allowance)."""
    key, window, limit = id_probe_allowance(actor)
    if quota.used(key, window) >= limit:
        message = _("登记已在其他辖区登记的身份证号次数过多，请一小时后再试或联系上级")
        raise TooManyDuplicateProbes(message, [FieldError("id_number", message)])


def person_register(*, actor, area: Area, name: str, id_number: str = "", **kwargs) -> Person:
    """``person_create`` for the API and web forms, closing the duplicate-ID oracle: an ID
    number registered outside the caller's people scope is answered only with "registered
    elsewhere — ask the level above" (never where, never whose), recorded as an audit event on
    the caller's area (so the levels above see it), and limited to
    ``HAOLINJU_DUPLICATE_PROBES_PER_HOUR`` per account; past the limit every registration with
    an ID number is refused for the hour, whether or not the number exists."""
    if not policies.can_manage_people_at(actor, area):
        raise NotFound()
    try:
        parsed = parse_id_number(id_number).value if id_number else ""
    except ValidationError:
        parsed = ""  # person_create reports the invalid number
    if parsed:
        # Probes this clock hour: a counter row taken with a conditional UPDATE (core.quota),
        # so racing registrations cannot pass the limit together.
        key, window, limit = id_probe_allowance(actor)
        message = _("登记已在其他辖区登记的身份证号次数过多，请一小时后再试或联系上级")
        refuse_when_probes_used_up(actor)
        holder = (
            Person.objects.filter(id_number_index=blind_index(parsed, "id_number"))
            .only("pk", "area_path")
            .first()
        )
        if holder is not None and not policies.can_reveal_personal_data(actor, holder):
            with transaction.atomic():
                if not quota.take(key, window, limit):
                    raise TooManyDuplicateProbes(message, [FieldError("id_number", message)])
                record_event(
                    actor=actor,
                    action="person.duplicate_elsewhere",
                    target=area,
                    area_path=area.path,
                )
            security_log.warning("duplicate ID registered elsewhere, account %s", actor.pk)
            raise InvalidInput.on("id_number", _("该身份证号已在其他辖区登记，请联系上级核实"))
    return person_create(actor=actor, area=area, name=name, id_number=id_number, **kwargs)


@transaction.atomic
def person_create(
    *,
    actor,
    area: Area,
    name: str,
    id_number: str = "",
    phone: str = "",
    role: str | None = None,
) -> Person:
    """Register a person living in ``area`` (a unit, or a higher area if the unit is unknown).

    With ``role`` and a unit, the occupancy (owner, co-owner, tenant, resident) is recorded too.
    """
    if not policies.can_manage_people_at(actor, area):
        raise NotFound()
    name, data, errors = clean_personal_data(name=name, id_number=id_number, phone=phone)
    if role is not None:
        if role not in OccupancyRole.values:
            errors.append(FieldError("role", _("住户关系应为业主、共有人、租户或居住人")))
        elif area.kind != AreaKind.UNIT:
            errors.append(FieldError("area", _("登记住户关系时须选择到具体房屋（户）")))
    if (
        data.id_number
        and Person.objects.filter(id_number_index=blind_index(data.id_number, "id_number")).exists()
    ):
        errors.append(FieldError("id_number", _("该身份证号已登记")))
    if errors:
        raise InvalidInput(errors[0].message, errors)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=name, area=area, area_path=area.path, **encrypted_fields(data)
            )
    except IntegrityError:  # a concurrent registration of the same ID number won the race
        raise InvalidInput.on("id_number", _("该身份证号已登记")) from None
    if role is not None:
        Occupancy.objects.create(person=person, unit=area, area_path=area.path, role=role)
    record_event(actor=actor, action="person.create", target=person, area_path=area.path)
    return person


@transaction.atomic
def person_complete(*, actor, person: Person, data: PersonalData) -> Person:
    """Fill in the ID number and phone of a person registered without them (an owner named in
    the unit register); values already set are kept."""
    if not policies.can_manage_people_at(actor, person.area):
        raise NotFound()
    fields = encrypted_fields(data)
    changed: list[str] = []
    if data.id_number and not person.id_number_index:
        for key in ("id_number_enc", "id_number_index", "id_number_masked", "sex", "birth_date"):
            setattr(person, key, fields[key])
            changed.append(key)
    if data.phone and not person.phone_index:
        for key in ("phone_enc", "phone_index", "phone_masked"):
            setattr(person, key, fields[key])
            changed.append(key)
    if changed:
        try:
            with transaction.atomic():
                person.save(update_fields=changed)
        except IntegrityError:
            raise InvalidInput.on("id_number", _("该身份证号已登记")) from None
        record_event(
            actor=actor,
            action="person.complete",
            target=person,
            area_path=person.area_path,
            fields=[f for f in ("id_number", "phone") if f + "_index" in changed],
        )
    return person


@transaction.atomic
def occupancy_add(*, actor, person: Person, unit: Area, role: str, since=None) -> Occupancy:
    if not policies.can_manage_people_at(actor, unit):
        raise NotFound()
    if unit.kind != AreaKind.UNIT:
        raise InvalidInput.on("unit", _("住户关系须选择到具体房屋（户）"))
    if role not in OccupancyRole.values:
        raise InvalidInput.on("role", _("住户关系应为业主、共有人、租户或居住人"))
    occupancy, _created = Occupancy.objects.get_or_create(
        person=person, unit=unit, role=role, defaults={"area_path": unit.path, "since": since}
    )
    record_event(actor=actor, action="occupancy.add", target=occupancy, area_path=unit.path)
    return occupancy


@transaction.atomic
def member_register(
    *,
    actor,
    person: Person,
    held_at: str,
    employment: str,
    mobility: str = Mobility.SETTLED,
    holding_org: Organisation | None = None,
    employer: str = "",
    joined_on: dt.date | None = None,
    reported_on: dt.date | None = None,
    employer_required: bool = True,
) -> Member:
    """Record (or update) a person's party membership; the ledgers follow from the attributes.

    A member held by their employer needs the employer's name, except from an imported
    register (``employer_required=False``): registers often lack it, the import warns."""
    if not policies.can_manage_people_at(actor, person.area):
        raise NotFound()
    errors = []
    for field, value, choices in (
        ("held_at", held_at, HeldAt),
        ("employment", employment, Employment),
        ("mobility", mobility, Mobility),
    ):
        if value not in choices.values:
            allowed = "、".join(str(c.label) for c in choices)
            errors.append(FieldError(field, _("取值应为：%(v)s") % {"v": allowed}))
    if held_at == HeldAt.EMPLOYER and not employer.strip() and employer_required:
        errors.append(FieldError("employer", _("组织关系在工作单位的党员须填写工作单位")))
    if errors:
        raise InvalidInput(errors[0].message, errors)
    member, _created = Member.objects.update_or_create(
        person=person,
        defaults={
            "area_path": person.area_path,
            "held_at": held_at,
            "employment": employment,
            "mobility": mobility,
            "holding_org": holding_org,
            "employer": employer.strip(),
            "joined_on": joined_on,
            "reported_on": reported_on,
        },
    )
    record_event(actor=actor, action="member.register", target=member, area_path=person.area_path)
    return member


@transaction.atomic
def volunteer_register(
    *,
    actor,
    person: Person,
    skills: list[str] | None = None,
    availability: list[str] | None = None,
    team: Organisation | None = None,
    registered_on: dt.date | None = None,
) -> Volunteer:
    if not policies.can_manage_people_at(actor, person.area):
        raise NotFound()
    volunteer, _created = Volunteer.objects.update_or_create(
        person=person,
        defaults={
            "area_path": person.area_path,
            "skills": [s.strip() for s in skills or [] if s.strip()],
            "availability": availability or [],
            "team": team,
            "registered_on": registered_on or dt.date.today(),
            "volunteer_number": f"V{person.pk:08d}",
        },
    )
    record_event(
        actor=actor, action="volunteer.register", target=volunteer, area_path=person.area_path
    )
    return volunteer


@transaction.atomic
def position_assign(
    *,
    actor,
    person: Person,
    title: str,
    area: Area,
    organisation: Organisation | None = None,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> Position:
    """Appoint a person to a post over ``area``. Only staff governing the area may appoint."""
    if not policies.can_manage_people_at(actor, area):
        raise NotFound()
    if title not in Title.values:
        raise InvalidInput.on("title", _("未知的职务"))
    started_on = started_on or dt.date.today()
    if ended_on and ended_on < started_on:
        raise InvalidInput.on("ended_on", _("离任日期不能早于任职日期"))
    position = Position.objects.create(
        person=person,
        title=title,
        area=area,
        area_path=area.path,
        organisation=organisation,
        started_on=started_on,
        ended_on=ended_on,
    )
    record_event(actor=actor, action="position.assign", target=position, area_path=area.path)
    return position


@transaction.atomic
def candidate_add(*, actor, person: Person, area: Area, note: str = "") -> CandidateSecretary:
    if not policies.can_manage_people_at(actor, area):
        raise NotFound()
    candidate = CandidateSecretary.objects.create(
        person=person, area=area, area_path=area.path, added_on=dt.date.today(), note=note
    )
    record_event(actor=actor, action="candidate.add", target=candidate, area_path=area.path)
    return candidate


MIN_REASON_DISTINCT_CHARS = 3


class RevealLimitReached(InvalidInput):
    """The actor's reveals for today are used up (PIPL: minimum necessary); 429."""

    status_code = 429


def reveal_reason_problem(reason: str) -> str | None:
    """Why a reveal reason is not a real sentence, or None: at least 4 characters, at least 3
    different ones (not "aaaa" or "查看查看") and at least one letter or Chinese character."""
    if len(reason) < 4:
        return _("请说明查看理由（至少4个字）")
    meaningful = [ch for ch in reason if ch.isalpha()]
    if len(set(reason.replace(" ", ""))) < MIN_REASON_DISTINCT_CHARS or not meaningful:
        return _("请用一句话说明查看理由，不能只是重复的字符")
    return None


def _alert_reveal_cap(actor) -> None:
    """The first refusal of the day is recorded as an audit event and logged as a security
    alert (committed even though the reveal is refused): once, even when refusals race."""
    with transaction.atomic():
        if quota.take(f"reveal-alert:{actor.pk}", quota.day_start(), 1):
            cap = settings.HAOLINJU_REVEALS_PER_DAY
            record_event(actor=actor, action="personal_data.reveal_cap", target=actor, cap=cap)
            security_log.warning("reveal cap of %d reached by account %s", cap, actor.pk)


def personal_data_reveal(*, actor, person_id: int, field: str, reason: str) -> str:
    """Return one unmasked field and log who read it, when and why. Needs people scope, a
    reason that is a real sentence, and reveals left today (``HAOLINJU_REVEALS_PER_DAY``)."""
    person = person_get(actor=actor, person_id=person_id)  # NotFound outside scope
    if field not in PersonalDataField.values:
        raise InvalidInput.on("field", _("只能查看身份证号或手机号"))
    reason = " ".join((reason or "").split())
    problem = reveal_reason_problem(reason)
    if problem:
        raise InvalidInput.on("reason", problem)
    if not policies.can_reveal_personal_data(actor, person):
        raise NotPermitted(_("您无权查看此人的完整个人信息"))
    try:
        return _reveal(actor=actor, person=person, field=field, reason=reason)
    except RevealLimitReached:
        _alert_reveal_cap(actor)
        raise


@transaction.atomic
def _reveal(*, actor, person, field: str, reason: str) -> str:
    # The day's allowance is taken in this transaction with a conditional UPDATE of the
    # actor's counter row (core.quota): racing reveals queue on it, so the cap is strict, and
    # a reveal that fails below gives its unit back.
    cap = settings.HAOLINJU_REVEALS_PER_DAY
    if not quota.take(f"reveal:{actor.pk}", quota.day_start(), cap):
        message = _("今日查看完整个人信息的次数已达上限（%(n)d次），如确有需要请联系上级") % {
            "n": cap
        }
        raise RevealLimitReached(message, [FieldError("reason", message)])
    PersonalDataRead.objects.create(actor=actor, person=person, field=field, reason=reason[:200])
    record_event(
        actor=actor,
        action="personal_data.reveal",
        target=person,
        area_path=person.area_path,
        field=field,
    )
    token = person.id_number_enc if field == PersonalDataField.ID_NUMBER else person.phone_enc
    value = decrypt(token)
    if not value:
        raise NotFound(_("未登记该信息"))
    return value
