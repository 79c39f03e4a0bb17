from django.contrib import admin

from fulfillment.models import ChargebackReport, TransactionRecord


@admin.register(TransactionRecord)
class TransactionRecordAdmin(admin.ModelAdmin):
    """Read-only: DSCSA records are never edited or deleted."""

    list_display = ["order", "created_at"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "created_at", "document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChargebackReport)
class ChargebackReportAdmin(admin.ModelAdmin):
    list_display = ["line", "order", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at"]
    readonly_fields = ["order", "line", "payload", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False
