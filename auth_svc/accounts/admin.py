from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError

from accounts.lockout import TooManyAttempts
from accounts.models import User


class LockoutAdminLoginForm(AdminAuthenticationForm):
    """The admin login shows a lockout as a form error (the backend raises it)."""

    def clean(self):
        try:
            return super().clean()
        except TooManyAttempts as exc:
            raise ValidationError(exc.detail, code="too_many_attempts") from exc


admin.site.login_form = LockoutAdminLoginForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "role", "organization", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "organization"]
    list_select_related = ["organization"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("PharmaConnect", {"fields": ["role", "organization"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("PharmaConnect", {"fields": ["role", "organization", "email"]}),
    ]
