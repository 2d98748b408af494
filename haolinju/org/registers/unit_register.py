"""The unit register (单元/房屋登记表): one row per unit (or per compound / building when a row
stops higher up). Missing streets, communities, compounds, buildings, entrances and units are
created below areas the actor governs; existing units are updated where the file says
otherwise (area, basis, floor, developer-held), each change listed as a warning.

Imported into a chosen area (``target``), the address columns at and above it are optional.
The area basis can be set for the whole file (``options["area_basis"]``); a 面积依据 column
wins row by row. An area above ``settings.HAOLINJU_IMPORT_MAX_UNIT_AREA`` m² is an error."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import ApplicationError, InvalidInput
from haolinju.core.scope import jurisdiction_of
from haolinju.core.sheets.cells import (
    cell_choice,
    cell_code,
    cell_text,
    is_blank,
    parse_bool,
    parse_floor,
)
from haolinju.core.sheets.errors import ImportInvalid, RowError
from haolinju.core.sheets.plan import Plan, first_message
from haolinju.core.sheets.reader import Column, Table
from haolinju.org.models import (
    Area,
    AreaBasis,
    AreaKind,
    CompoundClass,
    CompoundKind,
)
from haolinju.org.services import (
    area_create,
    parse_exclusive_area,
    unit_update,
    units_bulk_create,
)

from .addresses import (
    ADDRESS_LEVELS,
    MAX_AREA_NAME,
    AddressBook,
    AddressError,
    NewArea,
    levels_below,
)
from .addresses import address_names as read_address
from .columns import address_columns

KIND = "unit_register"
BULK_BATCH = 500

COLUMNS: tuple[Column, ...] = (
    *address_columns(unit_required=False),
    Column(
        "compound_class",
        gettext_lazy("小区类别"),
        ("类别", "小区分类", "分类", "compoundclass", "class"),
        help=gettext_lazy("达标型、示范型或精品型；填在小区的任意一行即可"),
        example="示范型",
    ),
    Column(
        "compound_kind",
        gettext_lazy("类型"),
        ("小区类型", "网格类型", "type", "compoundkind"),
        help=gettext_lazy("小区、网格或片区；不填为小区"),
        example="小区",
    ),
    Column(
        "exclusive_area",
        gettext_lazy("专有面积（㎡）"),
        (
            "专有面积",
            "专有部分面积",
            "面积",
            "建筑面积",
            "产权面积",
            "房屋面积",
            "套内面积",
            "套内建筑面积",
            "住房面积",
            "exclusivearea",
            "area",
            "floorarea",
        ),
        help=gettext_lazy("填写房号时必填；平方米，最多两位小数"),
        example="89.50",
    ),
    Column(
        "area_basis",
        gettext_lazy("面积依据"),
        ("面积来源", "面积类型", "areabasis"),
        help=gettext_lazy("登记面积、测绘面积或合同面积"),
        example="登记面积",
    ),
    Column("floor", gettext_lazy("楼层"), ("所在楼层", "层", "floor"), example="1"),
    Column(
        "developer_held",
        gettext_lazy("开发商未售"),
        ("未售", "开发商持有", "是否未售", "开发商未售未交付", "developerheld", "unsold"),
        help=gettext_lazy("是或否；开发商尚未出售或交付的房屋填“是”"),
        example="否",
    ),
)
SPEC = {c.key: c for c in COLUMNS}
UNIT_ONLY = ("exclusive_area", "area_basis", "floor", "developer_held")
AREA_UNITS = ("平方米", "平米", "平方", "㎡", "m²", "M²", "m2", "M2")
KEY_OF_KIND = {kind: key for key, kind in ADDRESS_LEVELS}

CLASS_WORDS = {
    "达标型": CompoundClass.STANDARD,
    "达标": CompoundClass.STANDARD,
    "standard": CompoundClass.STANDARD,
    "示范型": CompoundClass.DEMONSTRATION,
    "示范": CompoundClass.DEMONSTRATION,
    "demonstration": CompoundClass.DEMONSTRATION,
    "精品型": CompoundClass.BOUTIQUE,
    "精品": CompoundClass.BOUTIQUE,
    "boutique": CompoundClass.BOUTIQUE,
}
COMPOUND_KIND_WORDS = {
    "小区": CompoundKind.COMPOUND,
    "compound": CompoundKind.COMPOUND,
    "网格": CompoundKind.GRID,
    "grid": CompoundKind.GRID,
    "片区": CompoundKind.CLUSTER,
    "cluster": CompoundKind.CLUSTER,
}
BASIS_WORDS = {
    "登记面积": AreaBasis.REGISTERED,
    "登记": AreaBasis.REGISTERED,
    "不动产登记": AreaBasis.REGISTERED,
    "产权面积": AreaBasis.REGISTERED,
    "registered": AreaBasis.REGISTERED,
    "测绘面积": AreaBasis.SURVEYED,
    "测绘": AreaBasis.SURVEYED,
    "实测": AreaBasis.SURVEYED,
    "实测面积": AreaBasis.SURVEYED,
    "surveyed": AreaBasis.SURVEYED,
    "合同面积": AreaBasis.CONTRACT,
    "合同": AreaBasis.CONTRACT,
    "预售面积": AreaBasis.CONTRACT,
    "contract": AreaBasis.CONTRACT,
}
NEW_COUNT_KEYS = {
    AreaKind.STREET: "new_streets",
    AreaKind.COMMUNITY: "new_communities",
    AreaKind.COMPOUND: "new_compounds",
    AreaKind.BUILDING: "new_buildings",
    AreaKind.ENTRANCE: "new_entrances",
    AreaKind.UNIT: "new_units",
}


def _allowed(words: dict) -> str:
    return "、".join(dict.fromkeys(str(v.label) for v in words.values()))


def _choice(value, words: dict):
    found = words.get(cell_choice(value))
    if found is None:
        raise ValidationError(_("取值应为：%(v)s") % {"v": _allowed(words)})
    return found


def area_value(value) -> Decimal:
    """A cell's area: floats that are two-decimal numbers give or take binary noise pass."""
    if isinstance(value, float):
        rounded = round(value, 2)
        if abs(value - rounded) < 1e-9:
            value = f"{rounded:.2f}"
    text = cell_text(value)
    for unit in AREA_UNITS:
        text = text.replace(unit, "")
    return parse_exclusive_area(cell_code(text))


def max_unit_area() -> Decimal:
    return Decimal(str(getattr(settings, "HAOLINJU_IMPORT_MAX_UNIT_AREA", 1000)))


def basis_option(raw) -> str:
    """A whole file's area basis as the form or API gives it ("" when not given)."""
    if is_blank(raw):
        return ""
    if raw in AreaBasis.values:
        return raw
    try:
        return _choice(raw, BASIS_WORDS)
    except ValidationError as exc:
        raise InvalidInput.on("area_basis", first_message(exc)) from None


def clean_options(options: dict) -> dict:
    return {"area_basis": basis_option(options.get("area_basis"))}


def plan(*, actor, table: Table, target: Area | None = None, options: dict | None = None) -> Plan:
    scope = jurisdiction_of(actor)
    book = AddressBook(scope, create=True, scope_paths=scope.staff_paths, target=target)
    result = Plan(kind=KIND, table=table, spec=SPEC)
    result.preview_headers = [_("行号"), _("地址"), _("专有面积（㎡）"), _("处理")]
    result.context["book"] = book
    result.context["basis"] = basis_option((options or {}).get("area_basis"))
    result.context["units_by_row"] = {}
    result.context["compound_by_row"] = {}
    result.context["updates"] = {}  # unit id -> (unit, changes)
    units_seen: dict[object, int] = {}
    for row in table.rows:
        _plan_row(result, book, row, units_seen)
    planned = book.planned()
    for node in planned:
        result.count(NEW_COUNT_KEYS[node.kind])
    result.items = planned
    result.summary.setdefault("new_units", 0)
    result.summary.setdefault("existing_units", 0)
    return result


def _plan_row(result: Plan, book: AddressBook, row, units_seen: dict) -> None:
    values, number = row.values, row.number
    names = read_address(values)
    errors_before = len(result.errors)
    below = levels_below(book.target)
    deepest = max(
        (i for i, (key, _kind) in enumerate(ADDRESS_LEVELS) if key in names and key in below),
        default=None,
    )
    if deepest is None:
        first = book.first_key()
        result.error(number, first, _("“%(col)s”不能为空") % {"col": SPEC[first].label})
        return
    for key, _kind in ADDRESS_LEVELS[1:deepest]:
        if key in below and key != "entrance" and key not in names:
            result.error(number, key, _("“%(col)s”不能为空") % {"col": SPEC[key].label})
    for key, name in names.items():
        if len(name) > MAX_AREA_NAME:
            result.error(number, key, _("名称过长（最多%(n)d个字）") % {"n": MAX_AREA_NAME})
    has_unit = "unit" in names
    if not has_unit:
        for key in UNIT_ONLY:
            if not is_blank(values.get(key)):
                result.error(number, key, _("未填写房号，不能填写房屋信息"))
    unit_attrs = _unit_attrs(result, values, number) if has_unit else {}
    compound_attrs = _compound_attrs(result, values, number)
    if len(result.errors) > errors_before:
        return
    try:
        chain = book.resolve(names, number)
        book.check_scope(chain)
    except AddressError as exc:
        result.error(number, exc.key, exc.message)
        return
    nodes = dict(chain)
    if compound_attrs:
        _apply_compound_attrs(result, nodes.get("compound"), compound_attrs, number)
    address = " / ".join(names[k] for k, _kind in ADDRESS_LEVELS[1:] if k in names)
    if not has_unit:
        status = _("新建") if isinstance(chain[-1][1], NewArea) else _("已存在")
        result.add_preview(number, [number, address, "", status])
        return
    unit = nodes["unit"]
    first = units_seen.setdefault(id(unit) if isinstance(unit, NewArea) else unit.pk, number)
    if first != number:
        result.error(number, "unit", _("与第%(row)d行的房屋重复") % {"row": first})
        return
    if result.context["basis"] and "area_basis" not in unit_attrs:
        unit_attrs["area_basis"] = result.context["basis"]
    result.context["units_by_row"][number] = unit
    result.context["compound_by_row"][number] = nodes.get("compound")
    if isinstance(unit, NewArea):
        unit.attrs = unit_attrs
        status = _("新建")
    else:
        result.count("existing_units")
        changes = {k: v for k, v in unit_attrs.items() if getattr(unit, k) != v}
        status = _("已存在，不修改")
        if changes:
            result.count("updated_units")
            result.context["updates"][unit.pk] = (unit, changes)
            status = _("已存在，更新")
            for key, value in changes.items():
                result.warn(
                    number,
                    key,
                    _("房屋已登记，%(field)s将由“%(old)s”改为“%(new)s”")
                    % {
                        "field": SPEC[key].label,
                        "old": _shown(key, getattr(unit, key)),
                        "new": _shown(key, value),
                    },
                )
    result.add_preview(number, [number, address, unit_attrs.get("exclusive_area", ""), status])


def _shown(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "area_basis":
        return str(AreaBasis(value).label)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _unit_attrs(result: Plan, values: dict, number: int) -> dict:
    attrs: dict = {}
    raw = values.get("exclusive_area")
    if is_blank(raw):
        result.error(number, "exclusive_area", _("填写房号时专有面积不能为空"))
    else:
        try:
            attrs["exclusive_area"] = area_value(raw)
        except ValidationError as exc:
            result.error(number, "exclusive_area", first_message(exc))
        else:
            if attrs["exclusive_area"] > max_unit_area():
                result.error(
                    number,
                    "exclusive_area",
                    _("专有面积%(v)s㎡超过上限%(max)s㎡，请核对")
                    % {"v": attrs["exclusive_area"], "max": max_unit_area()},
                )
    parsers = (
        ("area_basis", lambda v: _choice(v, BASIS_WORDS)),
        ("floor", parse_floor),
        ("developer_held", parse_bool),
    )
    for key, parse in parsers:
        if not is_blank(values.get(key)):
            try:
                attrs[key] = parse(values[key])
            except ValidationError as exc:
                result.error(number, key, first_message(exc))
    return attrs


def _compound_attrs(result: Plan, values: dict, number: int) -> dict:
    attrs: dict = {}
    for key, field, words in (
        ("compound_class", "compound_class", CLASS_WORDS),
        ("compound_kind", "compound_kind", COMPOUND_KIND_WORDS),
    ):
        if not is_blank(values.get(key)):
            try:
                attrs[field] = _choice(values[key], words)
            except ValidationError as exc:
                result.error(number, key, first_message(exc))
    if attrs and is_blank(values.get("compound")):
        result.error(number, "compound", _("填写了小区类别或类型，但没有填写小区"))
    return attrs


def _apply_compound_attrs(result: Plan, compound, attrs: dict, number: int) -> None:
    if isinstance(compound, NewArea):
        for field, value in attrs.items():
            earlier = compound.attrs.get(field)
            if earlier is not None and earlier != value:
                result.error(
                    number,
                    field,
                    _("与前面行中同一小区的填写不一致（%(old)s）")
                    % {"old": _label(field, earlier)},
                )
            compound.attrs.setdefault(field, value)
        return
    for field, value in attrs.items():
        current = getattr(compound, field, "")
        if current and current != value:
            result.warn(
                number,
                field,
                _("小区已存在，系统中为“%(old)s”，本次不修改") % {"old": _label(field, current)},
            )


def _label(field: str, value: str) -> str:
    choices = CompoundClass if field == "compound_class" else CompoundKind
    return str(choices(value).label)


def apply(*, actor, plan: Plan) -> dict[str, int]:
    """Create the planned areas, parents first: streets down to entrances one by one through
    ``org.services.area_create``, then the units (the bulk of any register) in bulk."""
    errors: list[RowError] = []
    units = [n for n in plan.items if n.kind == AreaKind.UNIT]
    for node in (n for n in plan.items if n.kind != AreaKind.UNIT):
        parent = _created_parent(node)
        if parent is None:  # its parent failed: already reported
            continue
        attrs = dict(node.attrs)
        if node.kind == AreaKind.COMPOUND:
            attrs.setdefault("compound_kind", CompoundKind.COMPOUND)
        try:
            node.created = area_create(
                actor=actor, parent=parent, kind=node.kind, name=node.name, **attrs
            )
        except ApplicationError as exc:
            errors.extend(_node_errors(plan, node, exc))
    if errors:
        raise ImportInvalid(errors)
    units_create(actor=actor, plan=plan, nodes=units)
    for unit, changes in plan.context.get("updates", {}).values():
        unit_update(actor=actor, unit=unit, **changes)
    return dict(plan.summary)


def set_unit_attr(result: Plan, number: int, unit, key: str, value, *, shown=None) -> None:
    """Set an attribute of a row's unit: on a new unit directly; on an existing one as an
    update (with a warning showing the change) when it differs."""
    if isinstance(unit, NewArea):
        unit.attrs[key] = value
        return
    current = getattr(unit, key, None)
    if current == value:
        return
    _unit, changes = result.context["updates"].setdefault(unit.pk, (unit, {}))
    if not changes:
        result.count("updated_units")
    changes[key] = value
    result.warn(
        number,
        key,
        _("房屋已登记，%(field)s将由“%(old)s”改为“%(new)s”")
        % {
            "field": result.spec[key].label if key in result.spec else key,
            "old": shown(current) if shown else _shown(key, current),
            "new": shown(value) if shown else _shown(key, value),
        },
    )


def unit_of_row(plan: Plan, row: int) -> Area | None:
    """The unit a row names, once applied (created or existing)."""
    node = plan.context["units_by_row"].get(row)
    return node.created if isinstance(node, NewArea) else node


def _created_parent(node: NewArea) -> Area | None:
    return node.parent if isinstance(node.parent, Area) else node.parent.created


def _node_errors(plan: Plan, node: NewArea, exc: ApplicationError) -> list[RowError]:
    key = KEY_OF_KIND[node.kind]
    return [
        plan.table.error(node.row, key, err.message if err else exc.detail, SPEC)
        for err in (exc.errors or [None])
    ]


def units_create(*, actor, plan: Plan, nodes: list[NewArea]) -> None:
    """Create the validated units through the org bulk service (same checks as one by one)."""
    specs = [(_created_parent(node), node.name, node.attrs) for node in nodes]
    try:
        with transaction.atomic():
            areas = units_bulk_create(actor=actor, specs=specs)
    except IntegrityError:  # a unit of the same name was added since validation
        message = _("保存时发现同名房屋刚被他人登记，请重新预览")
        raise ImportInvalid([RowError.file(message)], detail=message) from None
    for area, node in zip(areas, nodes, strict=True):
        node.created = area
