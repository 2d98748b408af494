"""People in the admin: masked personal data only (ciphertexts and blind indexes are hidden)."""

from django.contrib import admin

from haolinju.core.admin import ReadOnlyAdmin

from .models import (
    CandidateSecretary,
    Member,
    Occupancy,
    Person,
    PersonalDataRead,
    Position,
    Volunteer,
)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "phone_masked", "sex", "area")
    list_select_related = ("area",)
    search_fields = ("name",)
    fields = (
        "name",
        "sex",
        "birth_date",
        "id_number_masked",
        "phone_masked",
        "area",
        "user",
        "created_at",
    )
    readonly_fields = ("created_at",)


@admin.register(Occupancy)
class OccupancyAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "role", "since", "until")
    list_filter = ("role",)
    list_select_related = ("person", "unit")
    search_fields = ("person__name",)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("person", "held_at", "employment", "mobility", "joined_on")
    list_filter = ("held_at", "employment", "mobility")
    list_select_related = ("person",)
    search_fields = ("person__name", "employer")


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    list_display = ("person", "volunteer_number", "team", "registered_on")
    list_select_related = ("person", "team")
    search_fields = ("person__name", "volunteer_number")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("person", "title", "area", "organisation", "started_on", "ended_on")
    list_filter = ("title",)
    list_select_related = ("person", "area", "organisation")
    search_fields = ("person__name",)


@admin.register(CandidateSecretary)
class CandidateSecretaryAdmin(ReadOnlyAdmin):
    list_display = ("person", "area", "status", "added_on")
    list_filter = ("status",)
    list_select_related = ("person", "area")


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "person", "field", "reason")
    list_filter = ("field",)
    list_select_related = ("actor", "person")
    search_fields = ("person__name", "reason")
    date_hierarchy = "created_at"
