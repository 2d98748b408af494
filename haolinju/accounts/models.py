"""Accounts: who logs in. What an account may see comes from the positions of its person."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. ``phone_index`` is the blind index of the mobile number, for phone login."""

    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    display_name = models.CharField(_("显示名称"), max_length=64, blank=True, default="")
    # 适老化: larger text and targets, stronger contrast, nothing that moves. None = not chosen
    # yet: on for residents, off for staff (see policies.elder_mode_on).
    elder_mode = models.BooleanField(_("适老化模式"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        """A new password or a disabled account revokes every API token of the account."""
        password_changed = self._password is not None  # set by set_password until saved
        super().save(*args, **kwargs)
        if self.pk and (password_changed or not self.is_active):
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )


class ApiToken(models.Model):
    """A revocable bearer token. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=64, default="api")
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginLockout(models.Model):
    """One lockout of a login key (``user:<id>``, a phone's blind index or an unknown name),
    kept so that a second lockout within a day lasts longer. No phone number in clear."""

    key = models.CharField(max_length=160, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")

    def __str__(self) -> str:
        return f"{self.key} {self.created_at:%Y-%m-%d %H:%M}"
