"""The people and party-member ledger (人员及党员台账): one row per person living in a unit that
already exists in the actor's people scope, optionally a party member and/or a volunteer.

Validation reuses ``people.services.clean_personal_data``; writing goes through
``person_create`` / ``member_register`` / ``volunteer_register``, so every person is validated,
encrypted, indexed and audited exactly as when registered by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.bulk import update_each
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
from haolinju.org.registers.unit_register import area_value, max_unit_area
from haolinju.people.models import (
    OWNER_ROLES,
    Employment,
    HeldAt,
    Ledger,
    Member,
    Mobility,
    Occupancy,
    OccupancyRole,
    Person,
    Sex,
    Volunteer,
)
from haolinju.people.policies import can_manage_people_at
from haolinju.people.services import (
    PersonalData,
    clean_personal_data,
    encrypted_fields,
    member_register,
    occupancy_add,
    person_complete,
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
    Column(
        "sex",
        gettext_lazy("性别"),
        ("sex", "gender"),
        help=gettext_lazy("可不填；填了须与身份证号一致"),
        example="男",
    ),
    *address_columns(unit_required=True),
    Column(
        "exclusive_area",
        gettext_lazy("房屋面积（㎡）"),
        ("专有面积", "建筑面积", "面积", "住房面积", "产权面积", "area"),
        help=gettext_lazy("可不填；填了须与房屋登记表一致"),
        example="",
    ),
    Column(
        "role",
        gettext_lazy("关系"),
        (
            "住户关系",
            "与房屋关系",
            "居住关系",
            "身份",
            "人员类别",
            "居住类型",
            "与户主关系",
            "relationship",
            "role",
            "occupancy",
        ),
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
        "party_category",
        gettext_lazy("党员类别"),
        ("党员类型", "党员分类", "党员身份", "partycategory"),
        help=gettext_lazy("在职、离退休、流动或自管；可代替下面三列"),
        example="离退休",
    ),
    Column(
        "held_at",
        gettext_lazy("组织关系所在"),
        ("组织关系", "组织关系所在地", "党组织关系所在", "组织关系所在党组织", "heldat"),
        help=gettext_lazy("党员必填（或填党员类别）：社区、工作单位或外地"),
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
        help=gettext_lazy("党员必填（或填党员类别）：在职、离退休或无固定职业"),
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
MEMBER_FIELDS = ("held_at", "employer", "employment", "mobility", "joined_on")
SEX_WORDS = {
    "男": "M",
    "男性": "M",
    "m": "M",
    "male": "M",
    "女": "F",
    "女性": "F",
    "f": "F",
    "female": "F",
}
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
    "业主本人": OccupancyRole.OWNER,
    "产权共有": OccupancyRole.CO_OWNER,
    "租住": OccupancyRole.TENANT,
    "租房": OccupancyRole.TENANT,
    "居住人": OccupancyRole.RESIDENT,
    "住户": OccupancyRole.RESIDENT,
    "居民": OccupancyRole.RESIDENT,
    "家属": OccupancyRole.RESIDENT,
    "本人": OccupancyRole.RESIDENT,
    "户主": OccupancyRole.RESIDENT,
    "配偶": OccupancyRole.RESIDENT,
    "子女": OccupancyRole.RESIDENT,
    "父母": OccupancyRole.RESIDENT,
    "亲属": OccupancyRole.RESIDENT,
    "同住": OccupancyRole.RESIDENT,
    "常住": OccupancyRole.RESIDENT,
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
# 党员类别 as registers state it → the attributes the four ledgers derive from (RULES.md §4).
# Internal columns, when filled, win and must agree.
PARTY_CATEGORIES = {
    "在职": {"held_at": HeldAt.EMPLOYER, "employment": Employment.WORKING},
    "在职党员": {"held_at": HeldAt.EMPLOYER, "employment": Employment.WORKING},
    "离退休": {"held_at": HeldAt.COMMUNITY, "employment": Employment.RETIRED},
    "退休": {"held_at": HeldAt.COMMUNITY, "employment": Employment.RETIRED},
    "离休": {"held_at": HeldAt.COMMUNITY, "employment": Employment.RETIRED},
    "离退休党员": {"held_at": HeldAt.COMMUNITY, "employment": Employment.RETIRED},
    "流动": {"held_at": HeldAt.ELSEWHERE, "mobility": Mobility.FLOATING_IN},
    "流动党员": {"held_at": HeldAt.ELSEWHERE, "mobility": Mobility.FLOATING_IN},
    "流入": {"held_at": HeldAt.ELSEWHERE, "mobility": Mobility.FLOATING_IN},
    "流出": {"held_at": HeldAt.COMMUNITY, "mobility": Mobility.FLOATING_OUT},
    "自管": {"held_at": HeldAt.COMMUNITY, "employment": Employment.NOT_EMPLOYED},
    "自管党员": {"held_at": HeldAt.COMMUNITY, "employment": Employment.NOT_EMPLOYED},
}
CATEGORY_DEFAULT_EMPLOYMENT = Employment.NOT_EMPLOYED
UNKNOWN_CATEGORY: dict = {}

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
    existing_id: int | None = None  # a person already registered at the unit under that name


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
    _link_existing(result, scope, first_row_of)
    if "party_category" in table.columns:
        result.notes.append(
            _(
                "党员类别对应：在职 → 组织关系在工作单位、在职（在职党员）；"
                "离退休 → 组织关系在社区、离退休（自管、离退休党员）；"
                "流动 → 组织关系在外地、流入（流动党员）；自管 → 组织关系在社区（自管党员）。"
                "填写了组织关系、就业状态或流动情况列的，以这些列为准。"
            )
        )
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
    _check_sex(result, values, number, data.sex)
    index = blind_index(data.id_number, "id_number") if data.id_number else ""
    if index:
        first = first_row_of.setdefault(index, number)
        if first != number:
            result.error(number, "id_number", _("与第%(row)d行的身份证号重复") % {"row": first})
    unit = _unit(result, book, values, number)
    if unit is not None:
        _check_area(result, values, number, unit)
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


def _check_sex(result: Plan, values: dict, number: int, from_id: str) -> None:
    raw = values.get("sex")
    if is_blank(raw):
        return
    sex = SEX_WORDS.get(cell_choice(raw))
    if sex is None:
        result.error(number, "sex", _("性别应为“男”或“女”"))
    elif from_id and sex != from_id:
        result.error(
            number,
            "sex",
            _("性别与身份证号不符：身份证号第17位表示%(s)s") % {"s": Sex(from_id).label},
        )


def _check_area(result: Plan, values: dict, number: int, unit: Area) -> None:
    """An area given in the people register must be the unit register's, and sane."""
    raw = values.get("exclusive_area")
    if is_blank(raw):
        return
    try:
        area = area_value(raw)
    except ValidationError as exc:
        result.error(number, "exclusive_area", first_message(exc))
        return
    if area > max_unit_area():
        result.error(
            number,
            "exclusive_area",
            _("面积%(v)s㎡超过上限%(max)s㎡，请核对") % {"v": area, "max": max_unit_area()},
        )
    elif unit.exclusive_area is not None and area != unit.exclusive_area:
        result.error(
            number,
            "exclusive_area",
            _("面积%(v)s㎡与房屋登记表中该房屋的%(reg)s㎡不一致")
            % {"v": area, "reg": unit.exclusive_area},
        )


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


def _categories(result: Plan, values: dict, number: int) -> dict | None:
    """党员类别 (one or several: "离退休、流动") → attribute defaults; None when blank."""
    raw = values.get("party_category")
    if is_blank(raw):
        return None
    merged: dict = {}
    for word in split_list(raw):
        found = PARTY_CATEGORIES.get(cell_choice(word))
        if found is None:
            result.error(
                number,
                "party_category",
                _("党员类别应为：在职、离退休、流动或自管（“%(v)s”无法识别）") % {"v": word},
            )
            return UNKNOWN_CATEGORY
        for key, value in found.items():
            merged.setdefault(key, value)
    return merged


def _member(result: Plan, values: dict, number: int, birth: dt.date | None) -> dict | None:
    is_member = _optional(result, values, number, "is_member", _is_member)
    category = _categories(result, values, number)
    if category is UNKNOWN_CATEGORY:  # reported; the attributes cannot be derived
        return None
    if not is_member:
        if category is not None:
            result.error(number, "party_category", _("填写了党员类别，但“是否党员”不是党员"))
        elif any(not is_blank(values.get(k)) for k in MEMBER_ONLY):
            result.warn(number, "is_member", _("未标记为党员，党员信息已忽略"))
        return None
    category = category or {}
    member = {
        "held_at": _attribute(result, values, number, "held_at", HELD_AT_WORDS, category),
        "employment": _attribute(
            result,
            values,
            number,
            "employment",
            EMPLOYMENT_WORDS,
            category,
            default=CATEGORY_DEFAULT_EMPLOYMENT if category else None,
        ),
        "mobility": _attribute(
            result, values, number, "mobility", MOBILITY_WORDS, category, default=Mobility.SETTLED
        ),
        "employer": cell_text(values.get("employer"))[:120],
        "joined_on": _optional(result, values, number, "joined_on", parse_date),
    }
    if member["held_at"] == HeldAt.EMPLOYER and not member["employer"]:
        # Real registers often leave 工作单位 blank for 在职 members: the member is recorded
        # (in the in-service ledger) and the row says what to complete later.
        key = (
            "employer"
            if "employer" in result.table.columns
            else ("party_category" if "held_at" not in result.table.columns else "employer")
        )
        result.warn(number, key, _("在职党员未填写工作单位，已按在职党员导入；请日后补充"))
        result.count("members_without_employer")
    joined = member["joined_on"]
    if joined and birth and joined < birth:
        result.error(number, "joined_on", _("入党日期早于出生日期"))
    if category:
        result.count("members_by_category")
    return member


def _attribute(result, values, number, key, words, category, default=None):
    """An internal column's value, else the 党员类别's, else ``default``; a filled column that
    contradicts the category is an error."""
    from_category = category.get(key)
    if is_blank(values.get(key)):
        if from_category is not None:
            return from_category
        if default is not None:
            return default
        return _required_choice(result, values, number, key, words)
    value = _optional(result, values, number, key, lambda v: _choice(v, words))
    if value is not None and from_category is not None and value != from_category:
        result.error(
            number,
            key,
            _("与党员类别不一致（党员类别对应“%(v)s”）") % {"v": _label_of(key, from_category)},
        )
    return value


def _label_of(key: str, value: str) -> str:
    choices = {"held_at": HeldAt, "employment": Employment, "mobility": Mobility}[key]
    return str(choices(value).label)


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


def _chunks(values: list, size: int = INDEX_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _link_existing(result: Plan, scope, first_row_of: dict[str, int]) -> None:
    """Link rows to people already registered, then check the remaining ID numbers.

    A row is the person already linked to its unit (living there, or an occupancy such as an
    owner recorded from the unit register) under the same name, when that person has the same
    ID number or none yet: the people register completes them instead of adding a duplicate.
    An ID number registered to anyone else is an error: in the actor's people scope "已登记";
    outside it only "已在其他辖区登记，请联系上级" (no details), noted for the audit log.
    """
    items: list[PersonRow] = result.items
    by_row = {item.row: item for item in items}
    unit_ids = sorted({item.unit.pk for item in items})
    linked: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    owners_of: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(unit_ids):
        for pid, name, index, area_id in Person.objects.filter(area_id__in=chunk).values_list(
            "id", "name", "id_number_index", "area_id"
        ):
            linked[(name, area_id)][pid] = index
        for pid, name, index, unit_id, role in Occupancy.objects.filter(
            unit_id__in=chunk
        ).values_list("person_id", "person__name", "person__id_number_index", "unit_id", "role"):
            linked[(name, unit_id)][pid] = index
            if role in OWNER_ROLES:
                owners_of[unit_id].add(name)
    for item in items:
        candidates = linked.get((item.name, item.unit.pk), {})
        index = blind_index(item.data.id_number, "id_number") if item.data.id_number else ""
        same = [pid for pid, idx in candidates.items() if index and idx == index]
        blank = [pid for pid, idx in candidates.items() if not idx]
        if same or len(blank) == 1:
            item.existing_id = (same or blank)[0]
            result.count("matched_people")
            result.summary["people"] -= 1
        owners = owners_of.get(item.unit.pk)
        if item.role in OWNER_ROLES and owners and item.name not in owners:
            result.warn(
                item.row,
                "name",
                _("“%(name)s”不在该房屋登记的产权人（%(owners)s）之中，请核对")
                % {"name": item.name, "owners": "、".join(sorted(owners))},
            )
    foreign = result.context.setdefault("foreign_ids", [])
    for chunk in _chunks(list(first_row_of)):
        for index, pid, area_path in Person.objects.filter(id_number_index__in=chunk).values_list(
            "id_number_index", "id", "area_path"
        ):
            row = first_row_of[index]
            item = by_row.get(row)
            if item is not None and item.existing_id == pid:
                continue
            if scope.reads_people_at(area_path):
                result.error(row, "id_number", _("该身份证号已登记"))
            else:
                result.error(row, "id_number", _("已在其他辖区登记，请联系上级"))
                foreign.append({"row": row, "person_id": pid, "area_path": area_path})


def apply(*, actor, plan: Plan) -> dict[str, int]:
    """Write every row; any failure rolls everything back (the caller's transaction)."""
    new = [item for item in plan.items if item.existing_id is None]
    known = [item for item in plan.items if item.existing_id is not None]
    if bulk_supported():
        bulk_register(actor=actor, items=new, plan=plan)
        bulk_complete(actor=actor, items=known)
    else:
        _register_one_by_one(actor=actor, plan=plan, items=new)
        for item in known:
            _complete(actor=actor, item=item)
    return dict(plan.summary)


def bulk_complete(*, actor, items: list[PersonRow]) -> None:
    """The bulk equivalent of ``_complete`` for rows linked to people already registered
    (owners from the unit register): the same fields filled, the same rows and audit events
    as ``person_complete``, ``occupancy_add``, ``member_register`` and ``volunteer_register``."""
    if not items:
        return
    for unit in {item.unit.pk: item.unit for item in items}.values():
        if not can_manage_people_at(actor, unit):
            raise NotFound()
    people: dict[int, Person] = {}
    for chunk in _chunks([item.existing_id for item in items]):
        people.update(Person.objects.in_bulk(chunk))
    filled, events = [], []
    user = actor if getattr(actor, "is_authenticated", False) else None
    for item in items:
        person, fields = people[item.existing_id], encrypted_fields(item.data)
        changed = []
        if item.data.id_number and not person.id_number_index:
            changed.append("id_number")
            for key in (
                "id_number_enc",
                "id_number_index",
                "id_number_masked",
                "sex",
                "birth_date",
            ):
                setattr(person, key, fields[key])
        if item.data.phone and not person.phone_index:
            changed.append("phone")
            for key in ("phone_enc", "phone_index", "phone_masked"):
                setattr(person, key, fields[key])
        if changed:
            filled.append(person)
            event = _event(user, "person.complete", person, person.area_path)
            event.data = {"fields": changed}
            events.append(event)
    update_each(
        Person,
        filled,
        ["id_number_enc", "id_number_index", "id_number_masked", "sex", "birth_date",
         "phone_enc", "phone_index", "phone_masked"],
    )  # fmt: skip
    ids = list(people)
    held: set[tuple[int, int, str]] = set()
    members: dict[int, Member] = {}
    volunteers: dict[int, Volunteer] = {}
    for chunk in _chunks(ids):
        held.update(
            Occupancy.objects.filter(person_id__in=chunk).values_list(
                "person_id", "unit_id", "role"
            )
        )
        members.update({m.person_id: m for m in Member.objects.filter(person_id__in=chunk)})
        volunteers.update({v.person_id: v for v in Volunteer.objects.filter(person_id__in=chunk)})
    occupancies = []
    for item in items:
        key = (item.existing_id, item.unit.pk, item.role)
        if item.role and key not in held:
            held.add(key)
            occupancies.append(
                Occupancy(person_id=item.existing_id, unit=item.unit, area_path=item.unit.path,
                          role=item.role)
            )  # fmt: skip
    Occupancy.objects.bulk_create(occupancies, batch_size=BULK_BATCH)
    new_members, changed_members = [], []
    for item in (i for i in items if i.member):
        person = people[item.existing_id]
        member = members.get(person.pk)
        if member is None:
            member = Member(person=person, area_path=person.area_path, **item.member)
            new_members.append(member)
        else:
            for key, value in item.member.items():
                setattr(member, key, value)
            changed_members.append(member)
    Member.objects.bulk_create(new_members, batch_size=BULK_BATCH)
    update_each(Member, changed_members, MEMBER_FIELDS)
    today = dt.date.today()
    new_volunteers = [
        Volunteer(
            person_id=item.existing_id,
            area_path=people[item.existing_id].area_path,
            skills=item.volunteer_skills,
            availability=[],
            registered_on=today,
            volunteer_number=f"V{item.existing_id:08d}",
        )
        for item in items
        if item.volunteer_skills is not None and item.existing_id not in volunteers
    ]
    Volunteer.objects.bulk_create(new_volunteers, batch_size=BULK_BATCH)
    for item in items:
        if item.volunteer_skills is not None and item.existing_id in volunteers:
            volunteer_register(actor=actor, person=people[item.existing_id],
                               skills=item.volunteer_skills)  # fmt: skip
    events += [
        *(_event(user, "occupancy.add", o, o.area_path) for o in occupancies),
        *(_event(user, "member.register", m, m.area_path) for m in new_members + changed_members),
        *(_event(user, "volunteer.register", v, v.area_path) for v in new_volunteers),
    ]
    AuditEvent.objects.bulk_insert(events)


def _complete(*, actor, item: PersonRow) -> None:
    """A person already at the unit (an owner from the unit register): add what the row says."""
    person = Person.objects.select_related("area").get(pk=item.existing_id)
    person = person_complete(actor=actor, person=person, data=item.data)
    if (
        item.role
        and not Occupancy.objects.filter(person=person, unit=item.unit, role=item.role).exists()
    ):
        occupancy_add(actor=actor, person=person, unit=item.unit, role=item.role)
    if item.member:
        member_register(actor=actor, person=person, employer_required=False, **item.member)
    if item.volunteer_skills is not None:
        volunteer_register(actor=actor, person=person, skills=item.volunteer_skills)


def bulk_supported() -> bool:
    """Bulk inserts must hand back primary keys (PostgreSQL; SQLite 3.35+)."""
    return bool(connection.features.can_return_rows_from_bulk_insert)


def _register_one_by_one(*, actor, plan: Plan, items: list[PersonRow]) -> None:
    """Through ``person_create`` / ``member_register`` / ``volunteer_register``, row by row."""
    errors: list[RowError] = []
    for item in items:
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
                member_register(actor=actor, person=person, employer_required=False, **item.member)
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
    AuditEvent.objects.bulk_insert(events)


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
