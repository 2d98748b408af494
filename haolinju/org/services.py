"""Writes to the area tree and organisations. Paths are set here and nowhere else
(bulk seeding of demo data aside)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.bulk import update_each
from haolinju.core.crypto import decrypt, encrypt
from haolinju.core.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from haolinju.core.models import AuditEvent, record_event
from haolinju.core.scope import path_segment, subtree_q
from haolinju.core.validators import parse_credit_code

from . import policies
from .models import (
    CHILD_KINDS,
    ORG_AREA_KINDS,
    ROOT_KINDS,
    Area,
    AreaBasis,
    AreaKind,
    Organisation,
    OrgKind,
)


def parse_exclusive_area(raw) -> Decimal:
    """Exclusive floor area in m², exact to 0.01; must be positive."""
    try:
        value = Decimal(str(raw).strip().replace("㎡", "").replace("m²", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("专有面积应为数字（平方米），例如 89.50")) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(_("专有面积须大于0"))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("专有面积最多保留两位小数"))
    if value >= Decimal("100000000"):
        raise ValidationError(_("专有面积过大"))
    return value.quantize(Decimal("0.01"))


def _set_path(area: Area, parent: Area | None) -> None:
    area.path = (parent.path if parent else "") + path_segment(area.pk)
    area.depth = parent.depth + 1 if parent else 0
    Area.objects.filter(pk=area.pk).update(path=area.path, depth=area.depth)


@transaction.atomic
def area_create(*, actor, parent: Area | None, kind: str, name: str, **attrs) -> Area:
    """Add an area under ``parent`` (or a root, for superusers), checking the tree's shape."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput.on("name", _("名称不能为空"))
    if kind not in AreaKind.values:  # a free-text kind is a field error, never a 500
        allowed = "、".join(f"{k.value}（{k.label}）" for k in AreaKind)
        raise InvalidInput.on("kind", _("层级应为：%(v)s") % {"v": allowed})
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise NotPermitted()
        if kind not in ROOT_KINDS:
            raise InvalidInput.on("kind", _("顶层区域只能是省、市或区"))
    else:
        if not policies.can_edit_area(actor, parent):
            raise NotFound()
        if parent.retired_at is not None:
            raise Conflict(_("已撤销的区域不能接收下级区域"))
        if kind not in CHILD_KINDS[parent.kind]:
            raise InvalidInput.on(
                "kind",
                _("%(parent)s下不能直接建立%(kind)s")
                % {"parent": parent.get_kind_display(), "kind": AreaKind(kind).label},
            )
        if Area.objects.filter(parent=parent, name=name).exists():
            raise InvalidInput.on("name", _("同一上级下已有同名区域：%(name)s") % {"name": name})
    if kind == AreaKind.UNIT and attrs.get("exclusive_area") is not None:
        try:
            attrs["exclusive_area"] = parse_exclusive_area(attrs["exclusive_area"])
        except ValidationError as exc:
            raise InvalidInput.on("exclusive_area", exc.messages[0]) from None
    area = Area.objects.create(kind=kind, name=name, parent=parent, path="?", **attrs)
    _set_path(area, parent)
    record_event(actor=actor, action="area.create", target=area, area_path=area.path)
    return area


UNIT_FIELDS = ("exclusive_area", "area_basis", "floor", "developer_held", "deed_number")


def mask_deed_number(number: str) -> str:
    """鄂(2019)黄州区不动产权第0001234号 → first two and last two characters kept."""
    if len(number) <= 4:
        return "*" * len(number)
    return (number[:2] + "*" * (len(number) - 4) + number[-2:])[:40]


def deed_fields(number: str) -> dict[str, str]:
    """Column values for a unit's title certificate number (encrypted + masked)."""
    number = (number or "").strip()
    return {
        "deed_number_enc": encrypt(number) if number else "",
        "deed_number_masked": mask_deed_number(number) if number else "",
    }


def deed_number(unit: Area) -> str:
    """The clear certificate number, for comparisons inside services only."""
    return decrypt(unit.deed_number_enc) if unit.deed_number_enc else ""


@transaction.atomic
def unit_update(*, actor, unit: Area, **changes) -> Area:
    """Set a unit's exclusive area, area basis, floor or developer-held flag (audited with the
    old and new values)."""
    if not policies.can_edit_area(actor, unit):
        raise NotFound()
    if unit.kind != AreaKind.UNIT:
        raise InvalidInput.on("kind", _("只有房屋可以设置面积和楼层"))
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], _("不能修改该项"))
    if changes.get("exclusive_area") is not None:
        try:
            changes["exclusive_area"] = parse_exclusive_area(changes["exclusive_area"])
        except ValidationError as exc:
            raise InvalidInput.on("exclusive_area", exc.messages[0]) from None
    if changes.get("area_basis") and changes["area_basis"] not in AreaBasis.values:
        raise InvalidInput.on("area_basis", _("面积依据无效"))
    deed = changes.pop("deed_number", None)
    before = {k: _jsonable(getattr(unit, k)) for k in changes}
    after = {k: _jsonable(v) for k, v in changes.items()}
    if deed is not None:
        changes.update(deed_fields(deed))
        before["deed_number"], after["deed_number"] = "***", "***"  # never logged in clear
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.save(update_fields=list(changes))
    record_event(
        actor=actor,
        action="area.update",
        target=unit,
        area_path=unit.path,
        before=before,
        after=after,
    )
    return unit


def _jsonable(value):
    return str(value) if isinstance(value, Decimal) else value


def _editable(actor, area: Area) -> Area:
    """Lock and re-read ``area`` for a structural change; outside the actor's scope → 404."""
    locked = Area.objects.select_for_update().filter(pk=area.pk).first()
    if locked is None or not policies.can_edit_area(actor, locked):
        raise NotFound()
    return locked


@transaction.atomic
def area_rename(*, actor, area: Area, name: str) -> Area:
    area = _editable(actor, area)
    name = (name or "").strip()
    if not name:
        raise InvalidInput.on("name", _("名称不能为空"))
    if len(name) > 100:
        raise InvalidInput.on("name", _("名称过长（最多%(n)d个字）") % {"n": 100})
    if Area.objects.filter(parent_id=area.parent_id, name=name).exclude(pk=area.pk).exists():
        raise InvalidInput.on("name", _("同一上级下已有同名区域：%(name)s") % {"name": name})
    old = area.name
    area.name = name
    area.save(update_fields=["name"])
    record_event(
        actor=actor, action="area.rename", target=area, area_path=area.path, old=old, new=name
    )
    return area


@transaction.atomic
def area_retire(*, actor, area: Area) -> Area:
    """Retire an area (demolished building, merged community): it stays for history but takes
    no new children or people. Only an area whose children are all retired and where nobody
    lives any more can be retired."""
    area = _editable(actor, area)
    if area.retired_at is not None:
        raise Conflict(_("该区域已撤销"))
    if area.children.filter(retired_at__isnull=True).exists():
        raise Conflict(_("该区域下还有未撤销的下级区域，请先撤销或移走它们"))
    for model in area_path_models():
        if (
            model._meta.label_lower == "people.person"
            and model.objects.filter(subtree_q([area.path])).exists()
        ):
            raise Conflict(_("该区域还登记有人员，请先迁出"))
    area.retired_at = timezone.now()
    area.save(update_fields=["retired_at"])
    record_event(actor=actor, action="area.retire", target=area, area_path=area.path)
    return area


def area_path_fields() -> list[tuple[type, str]]:
    """Every installed model field that copies an area's path — named ``area_path`` or ending
    in ``_area_path`` — found through the app registry (new loops add theirs without touching
    this), except on the models named in ``settings.HAOLINJU_AREA_PATH_HISTORY_MODELS``:
    insert-only history (audit events, ledger transfers) keeps the path it was written under."""
    history = {m.lower() for m in getattr(settings, "HAOLINJU_AREA_PATH_HISTORY_MODELS", [])}
    found = []
    for model in apps.get_models():
        if model._meta.label_lower in history or model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if f.name == "area_path" or f.name.endswith("_area_path"):
                found.append((model, f.name))
    return found


def area_path_models() -> list[type]:
    """The models ``area_path_fields`` rewrites."""
    return list(dict.fromkeys(model for model, _name in area_path_fields()))


def _rewrite(qs, field_name: str, old: str, new: str) -> int:
    return qs.filter(subtree_q([old], field_name)).update(
        **{
            field_name: Concat(
                Value(new), Substr(field_name, len(old) + 1), output_field=CharField()
            )
        }
    )


@transaction.atomic
def area_move(*, actor, area: Area, new_parent: Area) -> dict[str, int]:
    """Re-parent an area (typically a compound to another community): the paths of its whole
    subtree and of every record that copies them (``area_path_models``) are rewritten in this
    one transaction. The actor must govern both the area and the new parent."""
    area = _editable(actor, area)
    new_parent = _editable(actor, new_parent)
    if area.parent_id is None:
        raise InvalidInput.on("area", _("顶层区域不能移动"))
    if area.kind not in CHILD_KINDS[new_parent.kind]:
        raise InvalidInput.on(
            "parent",
            _("%(parent)s下不能直接建立%(kind)s")
            % {"parent": new_parent.get_kind_display(), "kind": area.get_kind_display()},
        )
    if new_parent.path.startswith(area.path):
        raise InvalidInput.on("parent", _("不能移到自己的下级区域中"))
    if area.retired_at or new_parent.retired_at:
        raise Conflict(_("已撤销的区域不能移动，也不能接收下级区域"))
    if new_parent.pk == area.parent_id:
        return {}
    if Area.objects.filter(parent=new_parent, name=area.name).exists():
        raise InvalidInput.on("parent", _("目标下已有同名区域：%(name)s") % {"name": area.name})
    old, new = area.path, new_parent.path + path_segment(area.pk)
    if len(new) - len(old) + _deepest_path(old) > Area._meta.get_field("path").max_length:
        raise InvalidInput.on("parent", _("移动后层级过深"))
    old_parent_id = area.parent_id
    delta = new_parent.depth + 1 - area.depth
    counts = {"org.area": _rewrite(Area.objects.all(), "path", old, new)}
    Area.objects.filter(subtree_q([new], "path")).update(depth=F("depth") + delta)
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    for model, field_name in area_path_fields():
        key = f"{model._meta.label_lower}.{field_name}"
        counts[key] = _rewrite(model._default_manager.all(), field_name, old, new)
    area.refresh_from_db()
    record_event(
        actor=actor,
        action="area.move",
        target=area,
        area_path=area.path,
        old_path=old,
        old_parent=old_parent_id,
        new_parent=new_parent.pk,
        rewritten=counts,
    )
    return counts


def _deepest_path(prefix: str) -> int:
    longest = (
        Area.objects.filter(subtree_q([prefix], "path"))
        .annotate(n=Length("path"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    return longest or len(prefix)


BULK_BATCH = 500


@transaction.atomic
def units_bulk_create(*, actor, specs: list[tuple[Area, str, dict]]) -> list[Area]:
    """The bulk equivalent of ``area_create`` for units (imports): the same permission and
    tree-shape checks per parent, the same path scheme and one audit event per unit, in a few
    statements per 500 units. ``specs`` are (parent, name, attributes) of validated units; a
    name clash surfaces as ``IntegrityError`` for the caller to report."""
    for parent in {p.pk: p for p, _name, _attrs in specs}.values():
        if not policies.can_edit_area(actor, parent):
            raise NotFound()
        if AreaKind.UNIT not in CHILD_KINDS[parent.kind]:
            raise InvalidInput.on("kind", _("%(parent)s下不能直接建立户") % {"parent": parent})
    token = uuid.uuid4().hex  # unique placeholder paths until the ids are known
    areas = [
        Area(
            kind=AreaKind.UNIT,
            name=name,
            parent=parent,
            path=f"~{token}{i}",
            depth=parent.depth + 1,
            **attrs,
        )
        for i, (parent, name, attrs) in enumerate(specs)
    ]
    Area.objects.bulk_create(areas, batch_size=BULK_BATCH)
    for area in areas:
        area.path = area.parent.path + path_segment(area.pk)
    update_each(Area, areas, ["path"])
    user = actor if getattr(actor, "is_authenticated", False) else None
    AuditEvent.objects.bulk_insert(
        [
            AuditEvent(
                actor=user,
                action="area.create",
                target_type=Area._meta.label_lower,
                target_id=area.pk,
                area_path=area.path,
                data={},
            )
            for area in areas
        ]
    )
    return areas


@transaction.atomic
def organisation_create(
    *,
    actor,
    area: Area,
    kind: str,
    name: str,
    credit_code: str = "",
    served_areas: list[Area] | None = None,
    **attrs,
) -> Organisation:
    """Attach an organisation to an area of the level its kind belongs to."""
    errors: list[FieldError] = []
    if not policies.can_edit_area(actor, area):
        raise NotFound()
    if kind not in OrgKind.values:
        errors.append(FieldError("kind", _("未知的组织类型")))
    elif area.kind not in ORG_AREA_KINDS[kind]:
        errors.append(
            FieldError(
                "area",
                _("%(kind)s不能挂在%(level)s一级")
                % {"kind": OrgKind(kind).label, "level": area.get_kind_display()},
            )
        )
    if not (name or "").strip():
        errors.append(FieldError("name", _("名称不能为空")))
    if kind == OrgKind.PROPERTY_COMPANY or credit_code:
        try:
            credit_code = parse_credit_code(credit_code)
        except ValidationError as exc:
            errors.append(FieldError("credit_code", exc.messages[0]))
    for served in served_areas or []:
        if not policies.can_edit_area(actor, served):
            errors.append(FieldError("served_areas", _("服务区域超出您的管辖范围")))
            break
    if errors:
        raise InvalidInput(errors[0].message, errors)
    org = Organisation.objects.create(
        kind=kind,
        name=name.strip(),
        area=area,
        area_path=area.path,
        credit_code=credit_code,
        **attrs,
    )
    if served_areas:
        org.served_areas.set(served_areas)
    record_event(actor=actor, action="organisation.create", target=org, area_path=area.path)
    return org
