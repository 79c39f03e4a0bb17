"""Back office for orders: lines and status history inline, ship and cancel through the same
services as the API.

A distributor's staff see the orders their organization fulfils (as in the API), and the
list answers their first question: what ships next ("Ships next": confirmed orders, oldest
first, with how long each has waited). A shipped order's page shows its DSCSA transaction
record as a person reads it: the products with their lots, the parties, the statement.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from common.admin import ReadOnlyInline, admin_actor, admin_organization_scope
from common.errors import ApplicationError
from fulfillment.models import TransactionRecord
from fulfillment.services import order_ship
from orders.models import Order, OrderEvent, OrderLine
from orders.services.cancel import order_cancel

# Staff of this role see and act on the orders their organization fulfils only.
STAFF_ROLE = "distributor"
SHIPS_NEXT = "ships_next"


def seller_scope(request) -> int | None:
    return admin_organization_scope(request, role=STAFF_ROLE)


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


class WorkFilter(admin.SimpleListFilter):
    """The distributor's queue: confirmed orders, oldest first (FIFO shipping)."""

    title = "work"
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [(SHIPS_NEXT, "Ships next (confirmed, oldest first)")]

    def queryset(self, request, queryset):
        if self.value() == SHIPS_NEXT:
            return queryset.filter(status=Order.Status.CONFIRMED)
        return queryset


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


def _waited(since, now) -> str:
    hours = max(int((now - since).total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if days else f"{hours} h"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    # What fits a 1280 px desk beside the filters; channel and price source are filters.
    list_display = [
        "number",
        "status",
        "buyer_org",
        "items",
        "amount",
        "created_at",
        "waiting",
        "dscsa_record",
    ]
    list_filter = [WorkFilter, "status", "channel", "price_source", "buyer_org", "created_at"]
    search_fields = ["number", "lines__ndc"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["ship", "cancel"]
    readonly_fields = [field.name for field in Order._meta.fields]

    def get_queryset(self, request):
        orders = super().get_queryset(request).prefetch_related("lines")
        orders = orders.select_related("transaction_record")
        scope = seller_scope(request)
        return orders if scope is None else orders.filter(seller_org=scope)

    def get_ordering(self, request):
        if request.GET.get(WorkFilter.parameter_name) == SHIPS_NEXT:
            return ["created_at", "id"]
        return super().get_ordering(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # The list needs the whole desk: the app navigation gives way (breadcrumbs stay).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="items")
    def items(self, order: Order):
        text = ", ".join(
            f"{line.quantity or line.requested_quantity} x {line.name or line.drug}"
            for line in order.lines.all()
        )
        # One line on the list; the whole of it in the tooltip and on the order's page.
        return format_html(
            '<span title="{}" style="display: inline-block; max-width: 18em; overflow: hidden;'
            ' text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom;">{}</span>',
            text,
            text,
        )

    @admin.display(description="total", ordering="total")
    def amount(self, order: Order) -> str:
        return "" if order.total is None else f"{order.total:.2f} {order.currency}"

    @admin.display(description="waiting")
    def waiting(self, order: Order) -> str:
        """How long a confirmed order has waited to ship; blank once it has moved on."""
        if order.status != Order.Status.CONFIRMED:
            return ""
        return _waited(order.created_at, timezone.now())

    @admin.display(description="DSCSA")
    def dscsa_record(self, order: Order):
        if not hasattr(order, "transaction_record"):
            return ""
        url = reverse("admin:orders_order_change", args=[order.pk])
        return format_html('<a href="{}#dscsa-record">transaction record</a>', url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        record = None
        if order is not None:
            record = TransactionRecord.objects.filter(order=order).first()
        context = {**(extra_context or {}), "dscsa": record.document if record else None}
        if record is not None:
            context["dscsa_created_at"] = record.created_at
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Ship the selected orders", permissions=["change"])
    def ship(self, request, queryset):
        _run(
            self,
            request,
            queryset.order_by("created_at", "id"),
            lambda order: order_ship(order=order, by=admin_actor(request)),
            "shipped",
        )

    @admin.action(description="Cancel the selected orders", permissions=["change"])
    def cancel(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda order: order_cancel(
                order=order, by=admin_actor(request), reason="cancelled in the back office"
            ),
            "cancelled",
        )
