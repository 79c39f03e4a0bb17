"""Back office for chargebacks: claims move on only through ``chargeback_transition``, the
same service the API uses."""

from django.contrib import admin, messages

from chargebacks.models import Chargeback, ChargebackEvent, ShippedLine
from chargebacks.services import chargeback_transition
from common.admin import admin_actor
from common.errors import ApplicationError

Status = Chargeback.Status


class ChargebackEventInline(admin.TabularInline):
    model = ChargebackEvent
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _move(to: str, label: str):
    def action(modeladmin, request, queryset):
        moved = 0
        for chargeback in queryset.order_by("pk"):
            try:
                chargeback_transition(
                    chargeback=chargeback,
                    to=to,
                    by=admin_actor(request),
                    reason=f"{label} in the back office",
                )
                moved += 1
            except ApplicationError as exc:
                messages.error(request, f"Chargeback {chargeback.pk}: {exc.detail}")
        if moved:
            messages.success(request, f"{moved} chargeback(s) {to}.")

    action.__name__ = f"mark_{to}"
    return admin.action(description=f"{label} the selected chargebacks", permissions=["change"])(
        action
    )


@admin.register(Chargeback)
class ChargebackAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "order_ref",
        "drug",
        "manufacturer",
        "buyer_org",
        "quantity",
        "amount",
        "currency",
        "status",
        "shipped_at",
    ]
    list_filter = ["status", "manufacturer", "currency"]
    search_fields = ["order_ref", "manufacturer", "drug_name"]
    date_hierarchy = "shipped_at"
    actions = [
        _move(Status.SUBMITTED, "Submit"),
        _move(Status.PAID, "Mark paid"),
        _move(Status.REJECTED, "Reject"),
    ]
    inlines = [ChargebackEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ShippedLine)
class ShippedLineAdmin(admin.ModelAdmin):
    list_display = ["order_ref", "drug", "buyer_org", "quantity", "unit_price", "shipped_at"]
    search_fields = ["order_ref"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
