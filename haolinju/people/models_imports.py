"""Spreadsheet import batches: an uploaded file between its preview and its commit.

What the batch keeps is encrypted (``file_enc``, Fernet) because a people ledger holds
plaintext ID numbers and phones: the file itself while it waits for a column mapping, and once
previewed the rows read from it (``core.sheets.stored``, so the commit does not parse the file
again). It is wiped once the batch is committed or has failed. Counts and the summary hold
no personal data; the preview (first rows, ID numbers and phones masked) is cleared with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    UNIT_REGISTER = "unit_register", _("房屋登记表")
    PEOPLE = "people", _("人员及党员台账")


class ImportStatus(models.TextChoices):
    NEEDS_MAPPING = "needs_mapping", _("待匹配列")
    PREVIEWED = "previewed", _("已预览")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("导入失败")


class ImportBatch(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
        verbose_name=_("操作人"),
    )
    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    # The area the file is for (a compound, or a community for several compounds); the
    # file's address columns at and above it are then optional.
    target = models.ForeignKey(
        "org.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("导入到"),
    )
    # Column mapping (header -> key) and per-file choices (area basis), kept for the commit.
    options = models.JSONField(_("导入选项"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    filename = models.CharField(_("文件名"), max_length=200, blank=True, default="")
    file_enc = models.TextField(blank=True, default="")
    file_size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    # Sheet, header row, ignored columns and the first rows (masked); cleared once committed.
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="importbatch_actor_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ColumnMapping(models.Model):
    """The columns a person mapped by hand for a kind of register (normalised header → key),
    applied to their next file with the same headers."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="column_mappings"
    )
    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    mapping = models.JSONField(_("列对应"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("导入列对应")
        verbose_name_plural = _("导入列对应")
        constraints = [
            models.UniqueConstraint(fields=["actor", "kind"], name="columnmapping_actor_kind")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind}"
