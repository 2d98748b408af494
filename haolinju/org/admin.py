from django.contrib import admin

from haolinju.core.admin import ReadOnlyAdmin

from .models import Area, Organisation


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "code", "compound_class", "exclusive_area", "path")
    list_filter = ("kind", "compound_kind", "compound_class")
    search_fields = ("name", "code")
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "area", "credit_code", "management")
    list_filter = ("kind", "management")
    search_fields = ("name", "credit_code")
    list_select_related = ("area",)
