from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from haolinju.core.admin import ReadOnlyAdmin

from . import twofactor
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts: a superuser may reset a password or deactivate a login."""

    list_display = ("username", "display_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name")
    fieldsets = (
        (None, {"fields": ("username", "password", "display_name")}),
        (_("状态"), {"fields": ("is_active", "is_superuser", "is_staff")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["reset_two_factor"]

    @admin.action(description=_("重置双因素认证（并吊销接口令牌）"))
    def reset_two_factor(self, request, queryset):
        """A lost phone: forget the account's authenticator and recovery codes; the next
        sign-in enrols again. Audited; every API token of the account is revoked."""
        for user in queryset:
            twofactor.reset(user=user, actor=request.user)
        self.message_user(request, _("已重置所选账号的双因素认证"))


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    exclude = ("digest",)
