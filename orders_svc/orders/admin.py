"""Back office for orders: lines and status history inline, ship and cancel through the same
services as the API."""

from django.contrib import admin, messages

from common.admin import ReadOnlyInline
from common.errors import ApplicationError
from fulfillment.services import order_cancel, order_ship
from orders.models import Order, OrderEvent, OrderLine


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "line_no",
        "drug",
        "ndc",
        "name",
        "requested_quantity",
        "quantity",
        "backordered_quantity",
        "unit_price",
        "line_total",
        "allocations",
        "shipped_lots",
    ]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields


def _run(modeladmin, request, queryset, service, verb: str) -> None:
    for order in queryset:
        try:
            service(order)
        except ApplicationError as exc:
            modeladmin.message_user(
                request, f"{order}: not {verb} ({exc.code}: {exc.detail})", messages.ERROR
            )
        else:
            modeladmin.message_user(request, f"{order}: {verb}")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "status",
        "channel",
        "buyer_org",
        "total",
        "currency",
        "price_source",
        "created_at",
    ]
    list_filter = ["status", "channel", "price_source", "buyer_org", "created_at"]
    search_fields = ["number", "lines__ndc"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["ship", "cancel"]
    readonly_fields = [field.name for field in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Ship the selected orders", permissions=["change"])
    def ship(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda order: order_ship(order=order, by=request.user.username),
            "shipped",
        )

    @admin.action(description="Cancel the selected orders", permissions=["change"])
    def cancel(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda order: order_cancel(
                order=order, by=request.user.username, reason="cancelled in the back office"
            ),
            "cancelled",
        )
