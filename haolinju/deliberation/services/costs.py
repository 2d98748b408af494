"""Cost-share plans: per-unit shares in fen over a scope or a list of units, stored with the
weights used so the export and any later check show exactly how each figure came about."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.timeline import record
from haolinju.org.models import Area, AreaKind
from haolinju.org.selectors import areas_within

from .. import policies, selectors
from ..costs import CostShareError, floor_weights, share_cost
from ..models import CostBasis, CostShareLine, CostSharePlan

MAX_WEIGHT_PLACES = 6


def _decimal(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput.on(field, _("应为数字")) from None
    if not d.is_finite() or d < 0 or -d.as_tuple().exponent > MAX_WEIGHT_PLACES:
        raise InvalidInput.on(field, _("应为不小于 0 的数，最多 6 位小数"))
    return d


def _units(actor, area: Area | None, unit_ids: list[int] | None) -> list[Area]:
    if unit_ids:
        units = list(Area.objects.filter(pk__in=unit_ids, kind=AreaKind.UNIT).order_by("id"))
        if len(units) != len(set(unit_ids)):
            raise InvalidInput.on("unit_ids", _("有房屋不存在"))
    elif area is not None:
        units = list(areas_within(area, kind=AreaKind.UNIT).order_by("id"))
    else:
        raise InvalidInput.on("area_id", _("请选择范围或房屋"))
    if not units:
        raise InvalidInput.on("area_id", _("范围内没有房屋"))
    for u in units:
        if not policies.governs(actor, u.path):
            raise NotPermitted(_("只有该区域的工作人员可以分摊费用"))
    return units


def _common_ancestor(units: list[Area]) -> Area:
    paths = [u.path for u in units]
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-9]
    return Area.objects.get(path=prefix)


def compute_weights(units: list[Area], basis: str, weights: dict, coefficients: dict) -> dict:
    if basis == CostBasis.AREA:
        missing = [u.name for u in units if not u.exclusive_area]
        if missing:
            raise InvalidInput.on("unit_ids", _("缺少专有面积：%(u)s") % {"u": "、".join(missing)})
        return {u.pk: u.exclusive_area for u in units}
    if basis == CostBasis.WEIGHTS:
        given = {int(k): _decimal(v, f"weights.{k}") for k, v in weights.items()}
        absent = [u.name for u in units if u.pk not in given]
        if absent:
            raise InvalidInput.on("weights", _("缺少权重：%(u)s") % {"u": "、".join(absent[:10])})
        return {u.pk: given[u.pk] for u in units}
    if basis == CostBasis.FLOOR:
        coef = {int(k): _decimal(v, f"floor_coefficients.{k}") for k, v in coefficients.items()}
        try:
            return floor_weights(
                {u.pk: u.exclusive_area or Decimal(0) for u in units},
                {u.pk: u.floor for u in units},
                coef,
            )
        except CostShareError as e:
            raise InvalidInput.on("floor_coefficients", str(e)) from None
    raise InvalidInput.on("basis", _("分摊方式应为：area、weights、floor"))


@transaction.atomic
def cost_share_create(
    *,
    actor,
    title: str,
    total_fen: int,
    area: Area | None = None,
    unit_ids: list[int] | None = None,
    basis: str = CostBasis.AREA,
    weights: dict | None = None,
    floor_coefficients: dict | None = None,
    vote=None,
) -> CostSharePlan:
    units = _units(actor, area, unit_ids)
    w = compute_weights(units, basis, weights or {}, floor_coefficients or {})
    try:
        shares = share_cost(total_fen, w)
    except CostShareError as e:
        raise InvalidInput.on("total_fen", str(e)) from None
    scope = area if area is not None else _common_ancestor(units)
    plan = CostSharePlan.objects.create(
        area=scope,
        area_path=scope.path,
        title=title.strip() or _("费用分摊"),
        total_fen=total_fen,
        basis=basis,
        vote=vote,
        created_by=actor,
    )
    names = selectors.unit_titles(units)
    CostShareLine.objects.bulk_create(
        [
            CostShareLine(
                plan=plan, unit_id=s.unit_id, unit_name=names[s.unit_id], weight=s.weight, fen=s.fen
            )
            for s in shares
        ],
        batch_size=2000,
    )
    record(plan, actor=actor, action="costshare.create", total_fen=total_fen, basis=basis)
    return plan
