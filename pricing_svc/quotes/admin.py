"""Back office view of stored quotes (read only: a quote is what was offered)."""

from django.contrib import admin

from quotes.models import Quote, QuoteLine


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    fields = ["position", "drug", "quantity", "list_price", "unit_price", "line_total", "applied"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["id", "buyer_org", "total", "currency", "created_at", "valid_until"]
    list_filter = ["buyer_org"]
    readonly_fields = [
        "buyer_org",
        "buyer_org_type",
        "currency",
        "total",
        "valid_until",
        "created_at",
        "requested_by",
    ]
    inlines = [QuoteLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
