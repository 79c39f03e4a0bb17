from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


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
