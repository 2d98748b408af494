"""The people and party-member ledger (人员及党员台账): one row per person living in a unit that
already exists in the actor's people scope, optionally a party member and/or a volunteer.

Validation reuses ``people.services.clean_personal_data``; writing goes through
``person_create`` / ``member_register`` / ``volunteer_register``, so every person is validated,
encrypted, indexed and audited exactly as when registered by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.crypto import blind_index, mask_id_number, mask_phone
from haolinju.core.errors import ApplicationError, NotFound
from haolinju.core.models import AuditEvent
from haolinju.core.scope import jurisdiction_of
from haolinju.core.sheets.cells import (
    cell_choice,
    cell_code,
    cell_text,
    is_blank,
    lost_digits,
    parse_bool,
    parse_date,
    split_list,
)
from haolinju.core.sheets.errors import ImportInvalid, RowError
from haolinju.core.sheets.plan import Plan, first_message
from haolinju.core.sheets.reader import Column, Table
from haolinju.org.models import Area
from haolinju.org.registers.addresses import (
    ADDRESS_LEVELS,
    AddressBook,
    AddressError,
    levels_below,
)
from haolinju.org.registers.addresses import address_names as read_address
from haolinju.org.registers.columns import address_columns
from haolinju.people.models import (
    Employment,
    HeldAt,
    Ledger,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
    Volunteer,
)
from haolinju.people.policies import can_manage_people_at
from haolinju.people.services import (
    PersonalData,
    clean_personal_data,
    encrypted_fields,
    member_register,
    person_create,
    volunteer_register,
)

KIND = "people"
INDEX_CHUNK = 500
BULK_BATCH = 500

COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        gettext_lazy("姓名"),
        ("名字", "党员姓名", "居民姓名", "name", "fullname"),
        required=True,
        example="张三",
    ),
    Column(
        "id_number",
        gettext_lazy("身份证号"),
        (
            "身份证号码",
            "公民身份号码",
            "身份证",
            "证件号码",
            "身份证件号码",
            "idnumber",
            "idno",
            "idcard",
        ),
        required=True,
        help=gettext_lazy("18位；请把该列设为“文本”格式，以免Excel把后几位变成0"),
        example="421102199003071233",
    ),
    Column(
        "phone",
        gettext_lazy("手机号"),
        ("手机号码", "手机", "联系电话", "电话", "联系方式", "电话号码", "mobile", "phone", "tel"),
        example="13912345678",
    ),
    *address_columns(unit_required=True),
    Column(
        "role",
        gettext_lazy("关系"),
        ("住户关系", "与房屋关系", "居住关系", "身份", "relationship", "role", "occupancy"),
        help=gettext_lazy("业主、共有人、租户或居住人；可不填"),
        example="业主",
    ),
    Column(
        "is_member",
        gettext_lazy("是否党员"),
        ("党员", "政治面貌", "ismember", "partymember"),
        help=gettext_lazy("是或否（也可填政治面貌，如“中共党员”“群众”）"),
        example="是",
    ),
    Column(
        "held_at",
        gettext_lazy("组织关系所在"),
        ("组织关系", "组织关系所在地", "党组织关系所在", "组织关系所在党组织", "heldat"),
        help=gettext_lazy("党员必填：社区、工作单位或外地"),
        example="社区",
    ),
    Column(
        "employer",
        gettext_lazy("工作单位"),
        ("单位", "工作单位名称", "所在单位", "employer"),
        help=gettext_lazy("组织关系在工作单位的党员必填"),
        example="",
    ),
    Column(
        "employment",
        gettext_lazy("就业状态"),
        ("在职情况", "工作状态", "就业情况", "employment"),
        help=gettext_lazy("党员必填：在职、离退休或无固定职业"),
        example="离退休",
    ),
    Column(
        "mobility",
        gettext_lazy("流动情况"),
        ("是否流动", "流动状态", "mobility"),
        help=gettext_lazy("不流动、流入或流出；不填为不流动"),
        example="不流动",
    ),
    Column(
        "joined_on",
        gettext_lazy("入党日期"),
        ("入党时间", "入党年月", "joinedon", "joined"),
        example="1985-07-01",
    ),
    Column(
        "is_volunteer",
        gettext_lazy("是否志愿者"),
        ("志愿者", "isvolunteer", "volunteer"),
        help=gettext_lazy("是或否"),
        example="是",
    ),
    Column(
        "skills",
        gettext_lazy("技能"),
        ("特长", "技能特长", "专长", "skills"),
        help=gettext_lazy("多个技能用顿号分隔"),
        example="水电维修、理发",
    ),
)
SPEC = {c.key: c for c in COLUMNS}
MEMBER_ONLY = ("held_at", "employer", "employment", "mobility", "joined_on")
FIELD_TO_KEY = {"name": "name", "id_number": "id_number", "phone": "phone", "area": "unit"}

ROLE_WORDS = {
    "业主": OccupancyRole.OWNER,
    "产权人": OccupancyRole.OWNER,
    "房主": OccupancyRole.OWNER,
    "owner": OccupancyRole.OWNER,
    "共有人": OccupancyRole.CO_OWNER,
    "共同共有人": OccupancyRole.CO_OWNER,
    "产权共有人": OccupancyRole.CO_OWNER,
    "coowner": OccupancyRole.CO_OWNER,
    "租户": OccupancyRole.TENANT,
    "承租人": OccupancyRole.TENANT,
    "租客": OccupancyRole.TENANT,
    "tenant": OccupancyRole.TENANT,
    "居住人": OccupancyRole.RESIDENT,
    "住户": OccupancyRole.RESIDENT,
    "家庭成员": OccupancyRole.RESIDENT,
    "同住人": OccupancyRole.RESIDENT,
    "resident": OccupancyRole.RESIDENT,
}
HELD_AT_WORDS = {
    "社区": HeldAt.COMMUNITY,
    "小区": HeldAt.COMMUNITY,
    "本社区": HeldAt.COMMUNITY,
    "社区党组织": HeldAt.COMMUNITY,
    "社区小区党组织": HeldAt.COMMUNITY,
    "community": HeldAt.COMMUNITY,
    "工作单位": HeldAt.EMPLOYER,
    "单位": HeldAt.EMPLOYER,
    "工作单位党组织": HeldAt.EMPLOYER,
    "employer": HeldAt.EMPLOYER,
    "外地": HeldAt.ELSEWHERE,
    "外地党组织": HeldAt.ELSEWHERE,
    "外省": HeldAt.ELSEWHERE,
    "外市": HeldAt.ELSEWHERE,
    "elsewhere": HeldAt.ELSEWHERE,
}
EMPLOYMENT_WORDS = {
    "在职": Employment.WORKING,
    "在岗": Employment.WORKING,
    "working": Employment.WORKING,
    "离退休": Employment.RETIRED,
    "退休": Employment.RETIRED,
    "离休": Employment.RETIRED,
    "retired": Employment.RETIRED,
    "无固定职业": Employment.NOT_EMPLOYED,
    "无业": Employment.NOT_EMPLOYED,
    "待业": Employment.NOT_EMPLOYED,
    "灵活就业": Employment.NOT_EMPLOYED,
    "notemployed": Employment.NOT_EMPLOYED,
}
MOBILITY_WORDS = {
    "不流动": Mobility.SETTLED,
    "否": Mobility.SETTLED,
    "无": Mobility.SETTLED,
    "settled": Mobility.SETTLED,
    "流入": Mobility.FLOATING_IN,
    "流入党员": Mobility.FLOATING_IN,
    "floatingin": Mobility.FLOATING_IN,
    "流出": Mobility.FLOATING_OUT,
    "流出党员": Mobility.FLOATING_OUT,
    "floatingout": Mobility.FLOATING_OUT,
}
MEMBER_STATUS_WORDS = {
    "中共党员": True,
    "中国共产党党员": True,
    "党员": True,
    "中共预备党员": True,
    "预备党员": True,
    "群众": False,
    "共青团员": False,
    "团员": False,
    "民主党派": False,
}


@dataclass
class PersonRow:
    row: int
    name: str
    data: PersonalData
    unit: Area
    role: str | None
    member: dict | None = None
    volunteer_skills: list[str] | None = None


def _choice(value, words: dict):
    found = words.get(cell_choice(value))
    if found is None:
        allowed = "、".join(dict.fromkeys(str(v.label) for v in words.values()))
        raise ValidationError(_("取值应为：%(v)s") % {"v": allowed})
    return found


def _is_member(value) -> bool:
    word = cell_choice(value)
    if word in MEMBER_STATUS_WORDS:
        return MEMBER_STATUS_WORDS[word]
    return parse_bool(value)


def plan(*, actor, table: Table, target: Area | None = None, options: dict | None = None) -> Plan:
    scope = jurisdiction_of(actor)
    book = AddressBook(scope, create=False, scope_paths=scope.people_paths, target=target)
    result = Plan(kind=KIND, table=table, spec=SPEC)
    result.preview_headers = [
        _("行号"),
        _("姓名"),
        _("身份证号"),
        _("手机号"),
        _("地址"),
        _("关系"),
        _("党员台账"),
        _("志愿者"),
    ]
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        item = _plan_row(result, book, row, first_row_of)
        if item is not None:
            result.items.append(item)
    _check_registered(result, first_row_of)
    for key in ("people", "occupancies", "members", "volunteers"):
        result.summary.setdefault(key, 0)
    return result


def _plan_row(result: Plan, book: AddressBook, row, first_row_of: dict) -> PersonRow | None:
    values, number = row.values, row.number
    errors_before = len(result.errors)
    raw_id = values.get("id_number")
    if is_blank(raw_id):
        result.error(number, "id_number", _("身份证号不能为空"))
    elif lost_digits(raw_id):
        result.error(
            number,
            "id_number",
            _(
                "身份证号被保存成了数字，Excel只保留15位有效数字，后几位已丢失；"
                "请把该列设为文本格式后重新录入"
            ),
        )
    name, data, field_errors = clean_personal_data(
        name=cell_text(values.get("name")),
        id_number=cell_code(raw_id) if not lost_digits(raw_id) else "",
        phone=cell_code(values.get("phone")),
    )
    for err in field_errors:
        result.error(number, FIELD_TO_KEY.get(err.field, err.field), err.message)
    for warning in data.warnings:
        result.warn(number, "id_number", warning)
    index = blind_index(data.id_number, "id_number") if data.id_number else ""
    if index:
        first = first_row_of.setdefault(index, number)
        if first != number:
            result.error(number, "id_number", _("与第%(row)d行的身份证号重复") % {"row": first})
    unit = _unit(result, book, values, number)
    role = _optional(result, values, number, "role", lambda v: _choice(v, ROLE_WORDS))
    member = _member(result, values, number, data.birth_date)
    is_volunteer = _optional(result, values, number, "is_volunteer", parse_bool)
    skills = split_list(values.get("skills"))
    if skills and not is_volunteer:
        result.warn(number, "skills", _("未标记为志愿者，技能已忽略"))
    if len(result.errors) > errors_before or unit is None:
        return None
    item = PersonRow(
        row=number,
        name=name,
        data=data,
        unit=unit,
        role=role,
        member=member,
        volunteer_skills=skills if is_volunteer else None,
    )
    _count(result, item)
    names = read_address(values)
    address = " / ".join(n for k, _kind in ADDRESS_LEVELS[1:] if (n := names.get(k)))
    result.add_preview(
        number,
        [
            number,
            name,
            mask_id_number(data.id_number),
            mask_phone(data.phone) if data.phone else "",
            address,
            OccupancyRole(role).label if role else "",
            "、".join(str(Ledger(x).label) for x in _ledgers(member)),
            _("是") if is_volunteer else "",
        ],
    )
    return item


def _optional(result: Plan, values: dict, number: int, key: str, parse):
    if is_blank(values.get(key)):
        return None
    try:
        return parse(values[key])
    except ValidationError as exc:
        result.error(number, key, first_message(exc))
        return None


def _unit(result: Plan, book: AddressBook, values: dict, number: int) -> Area | None:
    names = read_address(values)
    for key in levels_below(book.target):
        if key != "entrance" and key not in names:
            result.error(number, key, _("“%(col)s”不能为空") % {"col": SPEC[key].label})
            return None
    try:
        chain = book.resolve(names, number)
        book.check_scope(chain)
    except AddressError as exc:
        result.error(number, exc.key, exc.message)
        return None
    return chain[-1][1]


def _member(result: Plan, values: dict, number: int, birth: dt.date | None) -> dict | None:
    is_member = _optional(result, values, number, "is_member", _is_member)
    if not is_member:
        if any(not is_blank(values.get(k)) for k in MEMBER_ONLY):
            result.warn(number, "is_member", _("未标记为党员，党员信息已忽略"))
        return None
    member = {
        "held_at": _required_choice(result, values, number, "held_at", HELD_AT_WORDS),
        "employment": _required_choice(result, values, number, "employment", EMPLOYMENT_WORDS),
        "mobility": _optional(
            result, values, number, "mobility", lambda v: _choice(v, MOBILITY_WORDS)
        )
        or Mobility.SETTLED,
        "employer": cell_text(values.get("employer"))[:120],
        "joined_on": _optional(result, values, number, "joined_on", parse_date),
    }
    if member["held_at"] == HeldAt.EMPLOYER and not member["employer"]:
        result.error(number, "employer", _("组织关系在工作单位的党员须填写工作单位"))
    joined = member["joined_on"]
    if joined and birth and joined < birth:
        result.error(number, "joined_on", _("入党日期早于出生日期"))
    return member


def _required_choice(result: Plan, values: dict, number: int, key: str, words: dict):
    if is_blank(values.get(key)):
        result.error(number, key, _("党员的“%(col)s”不能为空") % {"col": SPEC[key].label})
        return None
    return _optional(result, values, number, key, lambda v: _choice(v, words))


def _ledgers(member: dict | None) -> list[str]:
    if not member or None in (member["held_at"], member["employment"]):
        return []
    return Member(
        held_at=member["held_at"], employment=member["employment"], mobility=member["mobility"]
    ).ledgers()


def _count(result: Plan, item: PersonRow) -> None:
    result.count("people")
    if item.role:
        result.count("occupancies")
    if item.member:
        result.count("members")
        for ledger in _ledgers(item.member):
            result.count(f"members_{ledger}")
    if item.volunteer_skills is not None:
        result.count("volunteers")


def _check_registered(result: Plan, first_row_of: dict[str, int]) -> None:
    """ID numbers already in the register are row errors (one query per chunk)."""
    indexes = list(first_row_of)
    for start in range(0, len(indexes), INDEX_CHUNK):
        chunk = indexes[start : start + INDEX_CHUNK]
        for index in Person.objects.filter(id_number_index__in=chunk).values_list(
            "id_number_index", flat=True
        ):
            result.error(first_row_of[index], "id_number", _("该身份证号已登记"))


def apply(*, actor, plan: Plan) -> dict[str, int]:
    """Write every row; any failure rolls everything back (the caller's transaction)."""
    if bulk_supported():
        bulk_register(actor=actor, items=plan.items, plan=plan)
    else:
        _register_one_by_one(actor=actor, plan=plan)
    return dict(plan.summary)


def bulk_supported() -> bool:
    """Bulk inserts must hand back primary keys (PostgreSQL; SQLite 3.35+)."""
    return bool(connection.features.can_return_rows_from_bulk_insert)


def _register_one_by_one(*, actor, plan: Plan) -> None:
    """Through ``person_create`` / ``member_register`` / ``volunteer_register``, row by row."""
    errors: list[RowError] = []
    for item in plan.items:
        try:
            person = person_create(
                actor=actor,
                area=item.unit,
                name=item.name,
                id_number=item.data.id_number,
                phone=item.data.phone,
                role=item.role,
            )
            if item.member:
                member_register(actor=actor, person=person, **item.member)
            if item.volunteer_skills is not None:
                volunteer_register(actor=actor, person=person, skills=item.volunteer_skills)
        except ApplicationError as exc:
            for err in exc.errors or [None]:
                key = FIELD_TO_KEY.get(err.field, err.field) if err else "name"
                errors.append(plan.table.error(item.row, key, err.message if err else exc.detail))
    if errors:
        raise ImportInvalid(errors)


def bulk_register(*, actor, items: list[PersonRow], plan: Plan) -> None:
    """The bulk equivalent of the people services for already-validated rows: the same
    permission predicate, the same ``encrypted_fields``, the same rows and audit events as
    ``person_create(role=…)``, ``member_register`` and ``volunteer_register`` — in a few
    INSERTs per thousand rows instead of a dozen queries per row."""
    for unit in {item.unit.pk: item.unit for item in items}.values():
        if not can_manage_people_at(actor, unit):
            raise NotFound()
    people = [
        Person(
            name=item.name,
            area=item.unit,
            area_path=item.unit.path,
            **encrypted_fields(item.data),
        )
        for item in items
    ]
    try:
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=BULK_BATCH)
    except IntegrityError:  # an ID number registered concurrently since validation
        taken = set(
            Person.objects.filter(
                id_number_index__in=[p.id_number_index for p in people]
            ).values_list("id_number_index", flat=True)
        )
        raise ImportInvalid(
            [
                plan.table.error(item.row, "id_number", _("该身份证号已登记"), SPEC)
                for item, person in zip(items, people, strict=True)
                if person.id_number_index in taken
            ]
            or [RowError.file(_("保存时发生冲突，请重新预览"))]
        ) from None
    today = dt.date.today()
    pairs = list(zip(items, people, strict=True))
    Occupancy.objects.bulk_create(
        [
            Occupancy(person=p, unit=i.unit, area_path=i.unit.path, role=i.role)
            for i, p in pairs
            if i.role
        ],
        batch_size=BULK_BATCH,
    )
    members = Member.objects.bulk_create(
        [Member(person=p, area_path=p.area_path, **i.member) for i, p in pairs if i.member],
        batch_size=BULK_BATCH,
    )
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                person=p,
                area_path=p.area_path,
                skills=i.volunteer_skills,
                availability=[],
                registered_on=today,
                volunteer_number=f"V{p.pk:08d}",
            )
            for i, p in pairs
            if i.volunteer_skills is not None
        ],
        batch_size=BULK_BATCH,
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    events = [
        *(_event(user, "person.create", p, p.area_path) for p in people),
        *(_event(user, "member.register", m, m.area_path) for m in members),
        *(_event(user, "volunteer.register", v, v.area_path) for v in volunteers),
    ]
    AuditEvent.objects.bulk_create(events, batch_size=BULK_BATCH)


def _event(user, action: str, target, area_path: str) -> AuditEvent:
    """The row ``core.models.record_event`` writes, for a bulk insert."""
    return AuditEvent(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        area_path=area_path,
        data={},
    )
