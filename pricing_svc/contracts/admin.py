"""Back office for contracts: items inline, and a warning when a contract overlaps another."""

from django.contrib import admin, messages

from contracts.models import Contract, ContractItem
from contracts.selectors import contract_overlaps
from prices.admin import PricedDrugInline


class ContractItemInline(PricedDrugInline):
    model = ContractItem


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["name", "buyer_org", "currency", "valid_from", "valid_to", "created_at"]
    list_filter = ["buyer_org", "currency"]
    search_fields = ["name"]
    date_hierarchy = "valid_from"
    inlines = [ContractItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for overlap in contract_overlaps(contract=form.instance):
            messages.warning(
                request,
                f"Overlaps contract {overlap.contract} ({overlap.name}) for drugs "
                f"{', '.join(map(str, overlap.drugs))}: on days both are in force, the "
                "latest-starting contract (then the highest id) sets the price.",
            )
