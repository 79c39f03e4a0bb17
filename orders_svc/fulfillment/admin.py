from django.contrib import admin

from common.admin import ReadOnlyAdmin, admin_organization_scope
from fulfillment.models import ChargebackReport, TransactionRecord


@admin.register(TransactionRecord)
class TransactionRecordAdmin(ReadOnlyAdmin):
    """DSCSA records are never edited or deleted (the database refuses it too)."""

    list_display = ["order", "created_at"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "created_at", "document"]

    def get_queryset(self, request):
        # A distributor's staff see the records of the orders their organization fulfilled.
        records = super().get_queryset(request)
        scope = admin_organization_scope(request, role="distributor")
        return records if scope is None else records.filter(order__seller_org=scope)


@admin.register(ChargebackReport)
class ChargebackReportAdmin(admin.ModelAdmin):
    list_display = ["line", "order", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at"]
    readonly_fields = ["order", "line", "payload", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False
