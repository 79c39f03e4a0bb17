from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import Application

from tokens.models import ClientProfile, SigningKey


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
    can_delete = False


admin.site.unregister(Application)


@admin.register(Application)
class PlatformApplicationAdmin(ApplicationAdmin):
    inlines = [ClientProfileInline]


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are created and retired by the rotate/remove management commands."""

    list_display = ["kid", "created_at", "retired_at"]
    fields = ["kid", "public_jwk", "created_at", "retired_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
