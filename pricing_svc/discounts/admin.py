"""Back office for discount rules and their quantity tiers."""

from django.contrib import admin

from discounts.models import DiscountRule, DiscountTier


class DiscountTierInline(admin.TabularInline):
    model = DiscountTier
    extra = 1


@admin.register(DiscountRule)
class DiscountRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "value",
        "drug",
        "org_type",
        "buyer_org",
        "valid_from",
        "valid_to",
        "priority",
        "stackable",
    ]
    list_filter = ["kind", "org_type", "stackable"]
    search_fields = ["name"]
    ordering = ["priority", "id"]
    inlines = [DiscountTierInline]
