"""Points rules, versioned: each entry names the version it was computed under.

A version applies to an area's subtree (``area_path`` "" = everywhere) from ``effective_from``;
the rule for a deed is the newest version in force on the deed's date whose area is the nearest
ancestor of the deed's area. Versions are never edited: a change is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleVersion(models.Model):
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area_path = models.CharField(max_length=96, blank=True, default="", db_index=True)
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    points_per_hour = models.PositiveIntegerField(_("每服务小时积分"), default=1)
    hours_cap_per_activity = models.PositiveIntegerField(_("每次活动计分时长上限(小时)"), default=2)
    item_points = models.JSONField(_("活动项目积分"), default=dict, blank=True)
    points_per_good_rating = models.PositiveIntegerField(_("每单好评积分"), default=2)
    good_rating_min = models.PositiveSmallIntegerField(_("好评最低星级"), default=4)
    deductions = models.JSONField(_("扣分项"), default=dict, blank=True)
    base_score = models.PositiveIntegerField(_("年度基础分"), default=20)
    award_threshold = models.PositiveIntegerField(_("需双人审批的奖励分阈值"), default=10)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分规则版本")
        verbose_name_plural = _("积分规则版本")
        constraints = [
            models.UniqueConstraint(fields=["area_path", "version"], name="points_rule_version"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.effective_from})"
