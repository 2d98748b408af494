"""Admin is for superusers only, and read-mostly: records change through the services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import calendar
from .models import AuditEvent, CalendarDay


def superusers_only(request) -> bool:
    """Nobody but an active superuser reaches the admin (``is_staff`` alone is not enough)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only
admin.site.site_header = admin.site.site_title = _("好邻居 · 管理后台")
admin.site.index_title = _("数据浏览")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only; writes go through the domain services."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "target_type", "target_id", "actor", "area_path")
    list_filter = ("action", "target_type")
    list_select_related = ("actor",)
    search_fields = ("action", "target_type", "area_path")
    date_hierarchy = "created_at"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays and make-up working days for years the calendar package does not know yet."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar.clear_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar.clear_cache()
