"""The rewards shop (爱心超市): items per station, a stock ledger, two-phase redemptions.

``stock`` is what can still be reserved, ``reserved`` what is set aside for open redemptions;
both are guarded by CHECK constraints. Every change of either writes a ``StockMove``, so the
books can be checked against the shelf (账物相符): on hand = received − handed over, available =
received − reserved + released.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShopItem(models.Model):
    station = models.ForeignKey("org.Organisation", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=96, db_index=True)
    name = models.CharField(_("物品"), max_length=100)
    unit = models.CharField(_("单位"), max_length=16, default="件")
    price = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("可兑库存"), default=0)
    reserved = models.PositiveIntegerField(_("已预留"), default=0)
    donor = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("捐赠单位"),
    )
    monthly_limit = models.PositiveIntegerField(_("每人每月限兑"), default=0)  # 0 = no limit
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("兑换物品")
        verbose_name_plural = _("兑换物品")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="points_item_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_item_stock_gte0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="points_item_reserved_gte0"),
        ]

    def __str__(self) -> str:
        return self.name


class StockMoveKind(models.TextChoices):
    RECEIVE = "receive", _("入库")
    RESERVE = "reserve", _("预留")
    RELEASE = "release", _("退回")
    HAND_OVER = "hand_over", _("发放")


class StockMove(models.Model):
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=16, choices=StockMoveKind.choices)
    quantity = models.PositiveIntegerField()
    redemption = models.ForeignKey(
        "points.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    donor = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("库存流水")
        verbose_name_plural = _("库存流水")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="points_stockmove_positive"),
        ]


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("已预留")
    HANDED_OVER = "handed_over", _("已发放")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")


class Redemption(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions")
    area_path = models.CharField(max_length=96, db_index=True)
    quantity = models.PositiveIntegerField(_("数量"))
    points = models.PositiveIntegerField(_("积分"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.RESERVED,
    )
    expires_at = models.DateTimeField(_("预留截止"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("兑换单")
        verbose_name_plural = _("兑换单")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="points_redemption_qty"),
        ]
        indexes = [models.Index(fields=["person", "item", "created_at"])]
