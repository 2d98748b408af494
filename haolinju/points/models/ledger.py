"""The double-entry ledger: accounts with a cached balance and immutable transfers.

Every transfer moves a positive integer amount from one account (debit) to another (credit),
so the ledger as a whole always sums to zero. An account's ``balance`` is credits minus debits,
cached on the row and written in the same transaction as the transfer; a CHECK constraint keeps
it from going below zero on accounts that must not be overdrawn (a member's exchange balance,
the held account, a shop). Transfers are never updated or deleted: mistakes are fixed by
compensating transfers (the manager refuses, and on PostgreSQL a trigger refuses as well).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a transfer."""


class AccountKind(models.TextChoices):
    EXCHANGE = "exchange", _("兑换积分")
    ASSESSMENT = "assessment", _("考核积分")
    ISSUING = "issuing", _("积分发放")
    SHOP = "shop", _("爱心超市")
    HELD = "held", _("冻结待兑")


# Accounts that may go below zero: the issuers (their balance is minus what they issued).
OVERDRAFT_KINDS = (AccountKind.ISSUING,)


class Account(models.Model):
    kind = models.CharField(_("账户类型"), max_length=16, choices=AccountKind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(default=0)  # assessment accounts: the year; else 0
    area_path = models.CharField(max_length=96, db_index=True)
    allow_negative = models.BooleanField(default=False)
    balance = models.BigIntegerField(_("余额"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0),
                name="points_account_no_overdraft",
            ),
            models.UniqueConstraint(
                fields=["kind", "person", "year"],
                condition=Q(person__isnull=False),
                name="points_account_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["kind", "area"],
                condition=Q(person__isnull=True, station__isnull=True),
                name="points_account_one_per_area",
            ),
            models.UniqueConstraint(
                fields=["kind", "station"],
                condition=Q(station__isnull=False),
                name="points_account_one_per_station",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class TransferQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("transfers are append-only")

    def delete(self):
        raise AppendOnlyError("transfers are append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("transfers are append-only")


class Transfer(models.Model):
    """One immutable movement of ``amount`` points from ``debit`` to ``credit``."""

    transfer_id = models.CharField(max_length=64, unique=True)
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount = models.PositiveBigIntegerField(_("积分"))
    code = models.CharField(_("业务"), max_length=32)  # award, deduction, reserve, hand_over …
    rule_version = models.ForeignKey(
        "points.RuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_type = models.CharField(max_length=64, blank=True, default="")
    source_id = models.CharField(max_length=64, blank=True, default="")
    entry = models.ForeignKey(
        "points.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    booked_on = models.DateField(_("记账日期"))
    area_path = models.CharField(max_length=96, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="points_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit=models.F("credit")), name="points_transfer_two_accounts"
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.debit_id} → {self.credit_id} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("transfers are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("transfers are append-only")
