"""One record per deed (一事一记录), reviewed monthly (一月一审核).

An entry starts pending (or awaiting a second approval when a manual award is above the rule's
threshold); the branch secretary approves or rejects it; approval posts its transfers, which is
when points become spendable. The community locks a month; a locked month takes no new entry and
no review, only compensating entries dated in a later month.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    DEED = "deed", _("服务记录")
    AWARD = "award", _("奖励")
    DEDUCTION = "deduction", _("扣分")
    BASE = "base", _("年度基础分")
    COMPENSATION = "compensation", _("更正")


class EntryStatus(models.TextChoices):
    AWAITING_SECOND = "awaiting_second", _("待复核")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class Entry(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("org.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=96)
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices)
    deed_kind = models.CharField(max_length=48, blank=True, default="")
    source_type = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    item_code = models.CharField(max_length=48, blank=True, default="")
    quantity = models.PositiveIntegerField(default=1)
    # Signed: a deduction lowers the assessment score. Exchange points are never negative.
    points = models.IntegerField(_("积分"))
    exchange_points = models.IntegerField(_("可兑换积分"), default=0)
    reason = models.CharField(_("事由"), max_length=200)
    occurred_on = models.DateField(_("日期"))
    rule_version = models.ForeignKey(
        "points.RuleVersion", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    seconded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "deed_kind"], name="points_entry_one_per_deed"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="points_entry_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["compound", "occurred_on", "status"]),
            models.Index(fields=["person", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.points:+d}"


class MonthLock(models.Model):
    community = models.ForeignKey("org.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=96, db_index=True)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月度锁定")
        verbose_name_plural = _("月度锁定")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "month"], name="points_month_lock"
            ),
        ]
