"""The owners in the unit register (产权人, 产权证号): the people side of the 房屋登记表.

``org.registers.unit_register`` plans and writes the areas; this module wraps it (org never
imports people) and adds, per unit row:

- 产权人: one or more names separated by 、 ， , ； ; / or spaces. The first is the owner, the
  others co-owners (``people.Occupancy`` roles ``owner`` / ``co_owner``: the electorate the
  owners' votes read). "开发商" and the words in ``settings.HAOLINJU_DEVELOPER_WORDS`` mark the
  unit ``developer_held`` instead (unsold units count as one voter); named owners clear it.
- A name is matched within the unit's compound: first a person of that name already linked to
  the unit (owner occupancy, or living there), else the only person of that name in the
  compound (a person registered by the people register with an ID number is found this way),
  else a new person is registered (without ID number, living at the unit; the people register
  later completes them by name + unit). Several people of that name and none at the unit is
  an error: the register cannot say which one is meant. The same name in several rows of one
  compound is one person (one owner of several units counts once).
- 产权证号: stored on the unit encrypted with a masked copy (``org.services.deed_fields``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import NotFound
from haolinju.core.models import AuditEvent
from haolinju.core.scope import subtree_q
from haolinju.core.sheets.cells import cell_choice, cell_text, is_blank, parse_bool
from haolinju.core.sheets.plan import Plan
from haolinju.core.sheets.reader import Column, Table
from haolinju.org.models import Area
from haolinju.org.registers import unit_register
from haolinju.org.registers.addresses import NewArea, address_names
from haolinju.org.services import deed_fields, deed_number
from haolinju.people.models import OWNER_ROLES, Occupancy, OccupancyRole, Person
from haolinju.people.policies import can_manage_people_at
from haolinju.people.services import PersonalData, encrypted_fields

KIND = unit_register.KIND
BULK_BATCH = 500
MAX_NAME = 64
OWNER_SEPARATORS = re.compile(r"[、,，;；/|\s]+")

COLUMNS: tuple[Column, ...] = (
    *unit_register.COLUMNS,
    Column(
        "owners",
        gettext_lazy("产权人"),
        ("产权人姓名", "业主姓名", "业主", "房主", "房屋所有权人", "所有权人", "权利人", "owners"),
        help=gettext_lazy("多位产权人用顿号分隔，第一位为业主，其余为共有人；开发商未售填“开发商”"),
        example="张三、李梅",
    ),
    Column(
        "deed_number",
        gettext_lazy("产权证号"),
        ("不动产权证号", "房产证号", "权证号", "产权证书号", "不动产权证书号", "deednumber"),
        help=gettext_lazy("加密保存，只显示首尾"),
        example="鄂(2019)黄州区不动产权第0001234号",
    ),
)
SPEC = {c.key: c for c in COLUMNS}


@dataclass(eq=False)
class NewOwner:
    name: str
    unit: object  # the first unit (Area or NewArea) they own in the file: where they live
    row: int
    person: Person | None = None


def clean_options(options: dict) -> dict:
    return unit_register.clean_options(options)


def developer_words() -> set[str]:
    return {cell_choice(w) for w in getattr(settings, "HAOLINJU_DEVELOPER_WORDS", ["开发商"])}


def split_owners(value) -> list[str]:
    """ "张三、李梅，王五" → ["张三", "李梅", "王五"] (order kept, duplicates dropped)."""
    out: list[str] = []
    for part in OWNER_SEPARATORS.split(cell_text(value)):
        if part and part not in out:
            out.append(part)
    return out


def plan(*, actor, table: Table, target: Area | None = None, options: dict | None = None) -> Plan:
    result = unit_register.plan(actor=actor, table=table, target=target, options=options)
    result.spec = SPEC
    result.preview_headers = [*result.preview_headers, _("产权人")]
    for item in result.preview:
        item["cells"].append("")
    result.context["owners"] = []  # (row, unit, [(name, role)])
    if "owners" not in table.columns and "deed_number" not in table.columns:
        return result
    words = developer_words()
    preview_of = {item["row"]: item for item in result.preview}
    for row in table.rows:
        _plan_row(result, row, words, preview_of)
    _match(result)
    result.summary.setdefault("owners", 0)
    return result


def _plan_row(result: Plan, row, words: set[str], preview_of: dict) -> None:
    number, values = row.number, row.values
    unit = result.context["units_by_row"].get(number)
    raw, deed = values.get("owners"), cell_text(values.get("deed_number"))
    if unit is None:  # a row that stops above the unit, or one already in error
        if "unit" not in address_names(values):
            for key, value in (("owners", raw), ("deed_number", deed)):
                if not is_blank(value):
                    result.error(number, key, _("未填写房号，不能填写产权人或产权证号"))
        return
    if deed:
        if len(deed) > 60:
            result.error(number, "deed_number", _("产权证号过长"))
        elif deed != (deed_number(unit) if isinstance(unit, Area) else ""):
            if isinstance(unit, NewArea):
                unit.attrs.update(deed_fields(deed))
            else:
                changes = result.context["updates"].setdefault(unit.pk, (unit, {}))[1]
                if not changes:
                    result.count("updated_units")
                changes["deed_number"] = deed
    names = split_owners(raw)
    if not names:
        return
    developer = [n for n in names if cell_choice(n) in words]
    if developer and len(names) > 1:
        result.error(number, "owners", _("“开发商”不能与其他产权人同填"))
        return
    column_says = values.get("developer_held")
    if developer:
        unit_register.set_unit_attr(result, number, unit, "developer_held", True)
        result.count("developer_held")
        _preview(preview_of, number, _("开发商"))
        return
    if not is_blank(column_says) and _says_yes(column_says):
        result.error(number, "owners", _("已标为开发商未售，却填写了产权人"))
        return
    for name in names:
        if len(name) > MAX_NAME:
            result.error(number, "owners", _("姓名过长（最多%(n)d个字）") % {"n": MAX_NAME})
            return
    if isinstance(unit, Area) and unit.developer_held:
        unit_register.set_unit_attr(result, number, unit, "developer_held", False)
    roles = [
        (n, OccupancyRole.OWNER if i == 0 else OccupancyRole.CO_OWNER) for i, n in enumerate(names)
    ]
    result.context["owners"].append((number, unit, roles))
    _preview(preview_of, number, "、".join(names))


def _says_yes(value) -> bool:
    try:
        return parse_bool(value)
    except ValidationError:
        return False  # already reported by the unit register


def _preview(preview_of: dict, number: int, text: str) -> None:
    if number in preview_of:
        preview_of[number]["cells"][-1] = str(text)


def _match(result: Plan) -> None:
    """Find each owner among the people of the unit's compound (one query per compound), or
    plan a new person shared by every row of that compound naming them."""
    entries = result.context["owners"]
    compound_of = result.context["compound_by_row"]
    names_by_compound: dict[int, set[str]] = defaultdict(set)
    for number, _unit, roles in entries:
        compound = compound_of.get(number)
        if isinstance(compound, Area):
            names_by_compound[compound.pk].update(n for n, _r in roles)
    existing: dict[tuple[int, str], list[Person]] = defaultdict(list)
    linked: dict[int, set[int]] = defaultdict(set)  # person id -> unit ids (owner or home)
    compounds = {c.pk: c for c in compound_of.values() if isinstance(c, Area)}
    for compound_id, names in names_by_compound.items():
        people = list(
            Person.objects.filter(subtree_q([compounds[compound_id].path]), name__in=names).only(
                "id", "name", "area_id", "area_path"
            )
        )
        for person in people:
            existing[(compound_id, person.name)].append(person)
            linked[person.pk].add(person.area_id)
        for person_id, unit_id in Occupancy.objects.filter(
            person__in=people, role__in=OWNER_ROLES
        ).values_list("person_id", "unit_id"):
            linked[person_id].add(unit_id)
    owned = set(
        Occupancy.objects.filter(
            unit__in=[u for _n, u, _r in entries if isinstance(u, Area)], role__in=OWNER_ROLES
        ).values_list("person_id", "unit_id", "role")
    )
    new_owners: dict[tuple, NewOwner] = {}
    matched: set[int] = set()
    occupancies: list[tuple[int, object, object, str]] = []  # row, unit, Person|NewOwner, role
    for number, unit, roles in entries:
        compound = compound_of.get(number)
        compound_key = compound.pk if isinstance(compound, Area) else id(compound)
        for name, role in roles:
            candidates = (
                existing.get((compound_key, name), []) if isinstance(compound, Area) else []
            )
            at_unit = [p for p in candidates if isinstance(unit, Area) and unit.pk in linked[p.pk]]
            if len(at_unit) == 1 or len(candidates) == 1:
                person = at_unit[0] if at_unit else candidates[0]
                if person.pk not in matched:
                    matched.add(person.pk)
                    result.count("matched_people")
                if isinstance(unit, Area) and (person.pk, unit.pk, role) in owned:
                    result.count("owners")
                    continue
                occupancies.append((number, unit, person, role))
            elif candidates:
                result.error(
                    number,
                    "owners",
                    _(
                        "小区内有%(n)d位名叫“%(name)s”的人员，无法确定是哪一位；请先用人员台账（含身份证号）区分"
                    )
                    % {"n": len(candidates), "name": name},
                )
                continue
            else:
                key = (compound_key, name)
                owner = new_owners.get(key)
                if owner is None:
                    owner = new_owners[key] = NewOwner(name=name, unit=unit, row=number)
                    result.count("new_owners")
                occupancies.append((number, unit, owner, role))
            result.count("owners")
    result.context["new_owners"] = list(new_owners.values())
    result.context["occupancies"] = occupancies


def apply(*, actor, plan: Plan) -> dict[str, int]:
    """Write the areas (org), then the new owners and their occupancies, in bulk."""
    summary = unit_register.apply(actor=actor, plan=plan)
    new_owners: list[NewOwner] = plan.context.get("new_owners", [])
    occupancies = plan.context.get("occupancies", [])
    if not new_owners and not occupancies:
        return summary

    def real(unit) -> Area:
        return unit.created if isinstance(unit, NewArea) else unit

    for unit in {real(u).pk: real(u) for _n, u, _p, _r in occupancies}.values():
        if not can_manage_people_at(actor, unit):
            raise NotFound()
    blank = encrypted_fields(PersonalData())
    people = [
        Person(name=o.name, area=real(o.unit), area_path=real(o.unit).path, **blank)
        for o in new_owners
    ]
    Person.objects.bulk_create(people, batch_size=BULK_BATCH)
    for owner, person in zip(new_owners, people, strict=True):
        owner.person = person
    rows = []
    seen = set()
    for _number, unit, who, role in occupancies:
        person = who.person if isinstance(who, NewOwner) else who
        key = (person.pk, real(unit).pk, role)
        if key in seen:
            continue
        seen.add(key)
        rows.append(Occupancy(person=person, unit=real(unit), area_path=real(unit).path, role=role))
    Occupancy.objects.bulk_create(rows, batch_size=BULK_BATCH)
    user = actor if getattr(actor, "is_authenticated", False) else None
    AuditEvent.objects.bulk_insert(
        [
            *(_event(user, "person.create", p, p.area_path) for p in people),
            *(_event(user, "occupancy.add", o, o.area_path) for o in rows),
        ]
    )
    return summary


def _event(user, action: str, target, area_path: str) -> AuditEvent:
    return AuditEvent(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        area_path=area_path,
        data={},
    )
