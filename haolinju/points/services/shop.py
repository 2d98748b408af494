"""The rewards shop: stock in, two-phase redemptions (reserve → hand over | cancel | expire).

Reserving holds the points (member → the station's held account) and sets the stock aside in
one transaction; resolving a reservation moves the held points on (to the shop) or back (to the
member) exactly once, through the redemption's state machine. Locks are always taken in the
order redemption → item → accounts, so concurrent moves never deadlock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.models import record_event
from haolinju.core.scope import jurisdiction_of
from haolinju.core.transitions import InvalidTransition, Move, StateMachine
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind, StationFunction
from haolinju.org.services import organisation_create
from haolinju.people.models import Person

from .. import policies, selectors
from ..errors import Conflict, NotEnoughPoints, OutOfStock
from ..models import Redemption, RedemptionStatus, ShopItem, StockMove, StockMoveKind
from . import ledger

MACHINE = StateMachine(
    model=Redemption,
    moves={
        "hand_over": Move(
            {RedemptionStatus.RESERVED}, RedemptionStatus.HANDED_OVER, gettext_lazy("确认发放")
        ),
        "cancel": Move(
            {RedemptionStatus.RESERVED}, RedemptionStatus.CANCELLED, gettext_lazy("取消兑换")
        ),
        "expire": Move(
            {RedemptionStatus.RESERVED}, RedemptionStatus.EXPIRED, gettext_lazy("预留过期")
        ),
    },
    may=policies.may_resolve,
    event_prefix="points.redemption",
)


def hold_period() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "HAOLINJU_SHOP_HOLD_HOURS", 168))


def _station(actor, station_id: int) -> Organisation:
    station = Organisation.objects.filter(pk=station_id, kind=OrgKind.STATION).first()
    if station is None or not policies.can_run_shop(actor, station):
        raise NotFound()
    return station


@transaction.atomic
def station_create(*, actor, compound_id: int, name: str) -> Organisation:
    """Open a goods station (好邻居工作站 with a 爱心超市) in a compound: community or district
    staff. Audited by the organisation service."""
    compound = Area.objects.filter(pk=compound_id, kind=AreaKind.COMPOUND).first()
    if compound is None or not policies.can_manage_stations(actor, compound):
        raise NotFound()
    if not (name or "").strip():
        raise InvalidInput.on("name", _("请填写工作站名称"))
    return organisation_create(
        actor=actor,
        area=compound,
        kind=OrgKind.STATION,
        name=name.strip()[:120],
        functions=[StationFunction.REWARDS_SHOP],
    )


@transaction.atomic
def station_rename(*, actor, station_id: int, name: str) -> Organisation:
    station = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("area")
        .filter(pk=station_id, kind=OrgKind.STATION)
        .first()
    )
    if station is None or not policies.can_manage_stations(actor, station.area):
        raise NotFound()
    name = (name or "").strip()[:120]
    if not name:
        raise InvalidInput.on("name", _("请填写工作站名称"))
    before = station.name
    station.name = name
    station.save(update_fields=["name"])
    record_event(
        actor=actor,
        action="points.station.rename",
        target=station,
        area_path=station.area_path,
        before=before,
        after=name,
    )
    return station


def _item_fields(*, name: str, price, unit: str, monthly_limit, donor_id) -> dict:
    """Validated item fields, each error naming its field."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput.on("name", _("请填写物品名称"))
    if len(name) > 100:
        raise InvalidInput.on("name", _("物品名称最多 100 个字"))
    if not isinstance(price, int) or isinstance(price, bool) or not 0 < price <= 100_000:
        raise InvalidInput.on("price", _("所需积分须为 1–100000 的整数"))
    unit = (unit or "").strip() or "件"
    if len(unit) > 16:
        raise InvalidInput.on("unit", _("单位最多 16 个字"))
    if not isinstance(monthly_limit, int) or not 0 <= monthly_limit <= 10_000:
        raise InvalidInput.on("monthly_limit", _("每人每月限兑须为 0–10000 的整数（0 为不限）"))
    if (
        donor_id is not None
        and not Organisation.objects.filter(pk=donor_id, kind=OrgKind.PARTNER_UNIT).exists()
    ):
        raise InvalidInput.on("donor_id", _("捐赠单位须为共建单位"))
    return {
        "name": name,
        "price": price,
        "unit": unit,
        "monthly_limit": monthly_limit,
        "donor_id": donor_id,
    }


@transaction.atomic
def item_create(
    *,
    actor,
    station_id: int,
    name: str,
    price: int,
    stock: int = 0,
    unit: str = "件",
    donor_id: int | None = None,
    monthly_limit: int = 0,
) -> ShopItem:
    """Put goods on a station's shelf; an opening stock is received through the stock ledger."""
    station = _station(actor, station_id)
    fields = _item_fields(
        name=name, price=price, unit=unit, monthly_limit=monthly_limit, donor_id=donor_id
    )
    if not isinstance(stock, int) or stock < 0:
        raise InvalidInput.on("stock", _("库存须为不小于 0 的整数"))
    item = ShopItem.objects.create(station=station, area_path=station.area_path, **fields)
    record_event(
        actor=actor,
        action="points.item.create",
        target=item,
        area_path=item.area_path,
        station=station.pk,
        **{k: v for k, v in fields.items()},
    )
    if stock:
        item_receive(actor=actor, item_id=item.pk, quantity=stock, donor_id=donor_id)
        item.refresh_from_db()
    return item


@transaction.atomic
def item_update(
    *,
    actor,
    item_id: int,
    name: str,
    price: int,
    unit: str = "件",
    donor_id: int | None = None,
    monthly_limit: int = 0,
    active: bool = True,
) -> ShopItem:
    """Edit an item's name, price, unit, donor, limit or shelf state (stock moves only through
    the stock ledger: receive, reserve, hand over, release). Audited with the changed fields."""
    item = (
        ShopItem.objects.select_for_update(of=("self",))
        .select_related("station")
        .filter(pk=item_id)
        .first()
    )
    if item is None or not policies.can_run_shop(actor, item.station):
        raise NotFound()
    fields = _item_fields(
        name=name, price=price, unit=unit, monthly_limit=monthly_limit, donor_id=donor_id
    )
    fields["active"] = bool(active)
    changed = {k: [getattr(item, k), v] for k, v in fields.items() if getattr(item, k) != v}
    if not changed:
        return item
    for name_, value in fields.items():
        setattr(item, name_, value)
    item.save(update_fields=sorted(fields))
    record_event(
        actor=actor, action="points.item.update", target=item, area_path=item.area_path, **changed
    )
    return item


@transaction.atomic
def item_receive(*, actor, item_id: int, quantity: int, donor_id: int | None = None) -> ShopItem:
    """Goods in (a donation or a purchase): stock and the stock ledger grow together."""
    if quantity <= 0:
        raise InvalidInput.on("quantity", _("数量须为正整数"))
    item = (
        ShopItem.objects.select_for_update(of=("self",))
        .select_related("station")
        .filter(pk=item_id)
        .first()
    )
    if item is None or not policies.can_run_shop(actor, item.station):
        raise NotFound()
    item.stock += quantity
    item.save(update_fields=["stock"])
    StockMove.objects.create(
        item=item,
        kind=StockMoveKind.RECEIVE,
        quantity=quantity,
        donor_id=donor_id or item.donor_id,
        actor=actor,
    )
    return item


def _month_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def redemption_reserve(*, actor, item_id: int, quantity: int = 1) -> Redemption:
    """Hold the points and set the goods aside, or refuse with a clear reason."""
    if not isinstance(quantity, int) or quantity <= 0:
        raise InvalidInput.on("quantity", _("数量须为正整数"))
    person_id = jurisdiction_of(actor).person_id
    if person_id is None:
        raise NotPermitted(_("只有登记在册的居民可以兑换"))
    if not selectors.shop_items(actor=actor).filter(pk=item_id).exists():
        raise NotFound()
    item = (
        ShopItem.objects.select_for_update(of=("self",)).select_related("station").get(pk=item_id)
    )
    if not item.active:
        raise Conflict.on("item_id", _("该物品已下架"))
    if item.stock < quantity:
        raise OutOfStock(
            _("%(name)s 库存不足：剩余 %(n)d%(unit)s")
            % {"name": item.name, "n": item.stock, "unit": item.unit},
            [],
        )
    now = timezone.now()
    if item.monthly_limit:
        taken = (
            Redemption.objects.filter(
                person_id=person_id, item=item, created_at__gte=_month_start(now)
            )
            .filter(Q(status=RedemptionStatus.RESERVED) | Q(status=RedemptionStatus.HANDED_OVER))
            .aggregate(s=Sum("quantity"))["s"]
            or 0
        )
        if taken + quantity > item.monthly_limit:
            raise Conflict.on(
                "quantity",
                _("每人每月限兑 %(n)d%(unit)s，本月已兑 %(t)d%(unit)s")
                % {"n": item.monthly_limit, "t": taken, "unit": item.unit},
            )
    person = Person.objects.get(pk=person_id)
    points = item.price * quantity
    redemption = Redemption.objects.create(
        person=person,
        item=item,
        area_path=item.area_path,
        quantity=quantity,
        points=points,
        expires_at=now + hold_period(),
        created_by=actor,
    )
    member = ledger.exchange_account(person)
    held = ledger.held_account(item.station)
    try:
        ledger.post(
            [
                ledger.Spec(
                    transfer_id=f"redeem:{redemption.pk}:hold",
                    debit_id=member.pk,
                    credit_id=held.pk,
                    amount=points,
                    code="reserve",
                    booked_on=now.date(),
                    area_path=item.area_path,
                    source_type="points.redemption",
                    source_id=str(redemption.pk),
                    recorded_by_id=actor.pk,
                    recorded_at=now,
                )
            ]
        )
    except NotEnoughPoints:
        member.refresh_from_db()
        raise NotEnoughPoints(
            _("可用积分不足：需要 %(need)d 分，可用 %(have)d 分")
            % {"need": points, "have": member.balance},
            [],
        ) from None
    item.stock -= quantity
    item.reserved += quantity
    item.save(update_fields=["stock", "reserved"])
    StockMove.objects.create(
        item=item,
        kind=StockMoveKind.RESERVE,
        quantity=quantity,
        redemption=redemption,
        actor=actor,
    )
    return redemption


@transaction.atomic
def redemption_resolve(*, actor, redemption_id: int, action: str, note: str = "") -> Redemption:
    """Hand over (held points go to the shop), cancel or expire (everything returns), once."""
    if actor is not None:
        selectors.redemption_get(actor=actor, redemption_id=redemption_id)
    redemption = MACHINE.apply(
        redemption_id,
        action=action,
        actor=actor,
        note=note,
        changes={"resolved_by_id": getattr(actor, "pk", None), "resolved_at": timezone.now()},
    )
    item = (
        ShopItem.objects.select_for_update(of=("self",))
        .select_related("station")
        .get(pk=redemption.item_id)
    )
    held = ledger.held_account(item.station)
    handed = action == "hand_over"
    target = (
        ledger.shop_account(item.station) if handed else ledger.exchange_account(redemption.person)
    )
    now = timezone.now()
    ledger.post(
        [
            ledger.Spec(
                transfer_id=f"redeem:{redemption.pk}:{'post' if handed else 'void'}",
                debit_id=held.pk,
                credit_id=target.pk,
                amount=redemption.points,
                code="hand_over" if handed else action,
                booked_on=now.date(),
                area_path=item.area_path,
                source_type="points.redemption",
                source_id=str(redemption.pk),
                recorded_by_id=getattr(actor, "pk", None),
                recorded_at=now,
                verified_by_id=getattr(actor, "pk", None),
                verified_at=now if handed else None,
            )
        ]
    )
    item.reserved -= redemption.quantity
    if not handed:
        item.stock += redemption.quantity
    item.save(update_fields=["stock", "reserved"])
    StockMove.objects.create(
        item=item,
        kind=StockMoveKind.HAND_OVER if handed else StockMoveKind.RELEASE,
        quantity=redemption.quantity,
        redemption=redemption,
        actor=actor,
    )
    return redemption


def redemptions_expire_due(now: dt.datetime | None = None) -> int:
    """Let every reservation past its hold period expire (the periodic job calls this)."""
    now = now or timezone.now()
    due = list(
        Redemption.objects.filter(status=RedemptionStatus.RESERVED, expires_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    done = 0
    for pk in due:
        try:
            redemption_resolve(actor=None, redemption_id=pk, action="expire")
            done += 1
        except InvalidTransition:
            continue  # resolved meanwhile by a hand-over or a cancellation
    return done


def stock_reconcile(item: ShopItem) -> dict:
    """账物相符 for one item (a read: see ``selectors.stock_report``)."""
    return selectors.stock_report(item)
