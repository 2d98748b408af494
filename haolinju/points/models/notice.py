"""The annual public notice (一年一公示) per compound, its objections and its digest.

On publication every approved entry of the compound's year (all its months locked) becomes a
leaf: the canonical bytes of its published fields. The Merkle root of the leaves is printed on
the notice; each leaf is kept so that ``points verify`` can name the first entry whose current
row no longer matches, and so a member's inclusion proof is computed against what was published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Masking(models.TextChoices):
    SURNAME = "surname", _("仅显示姓氏(张**)")
    FIRST_LAST = "first_last", _("显示首尾字(张*三)")
    FULL = "full", _("显示全名")


class Notice(models.Model):
    compound = models.ForeignKey("org.Area", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=96, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    masking = models.CharField(
        _("姓名显示"), max_length=16, choices=Masking.choices, default=Masking.FIRST_LAST
    )
    digest = models.CharField(_("摘要"), max_length=64)
    entry_count = models.PositiveIntegerField(default=0)
    ranking = models.JSONField(default=list)  # [{rank, name, score, exchange}] as published
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    objection_until = models.DateTimeField(_("异议截止"))

    class Meta:
        verbose_name = _("年度公示")
        verbose_name_plural = _("年度公示")
        constraints = [
            models.UniqueConstraint(fields=["compound", "year"], name="points_notice_once"),
        ]


class NoticeLeaf(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="leaves")
    position = models.PositiveIntegerField()
    entry = models.ForeignKey("points.Entry", on_delete=models.PROTECT, related_name="+")
    person_id_value = models.PositiveIntegerField(db_index=True)
    payload = models.TextField()  # the canonical bytes of the entry as published (UTF-8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="points_leaf_position"),
        ]


class Objection(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("异议内容"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
