from django.contrib import admin

from organizations.models import License, Organization


class LicenseInline(admin.TabularInline):
    model = License
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "type"]
    list_filter = ["type"]
    search_fields = ["name", "licenses__number"]
    inlines = [LicenseInline]


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "organization", "schedules", "expires_on"]
    list_filter = ["kind", "expires_on"]
    list_select_related = ["organization"]
    search_fields = ["number", "organization__name"]
