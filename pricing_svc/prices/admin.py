"""Back office for price lists; prices set here are checked against the catalog like the API's."""

from django import forms
from django.contrib import admin

from common.errors import ApplicationError
from prices.drugs import drug_lookup
from prices.models import PriceList, PriceListItem


class CatalogCheckedItemForm(forms.ModelForm):
    """An item form that looks its drug up in the catalog and keeps its manufacturer."""

    def clean(self):
        cleaned = super().clean()
        drug = cleaned.get("drug")
        if drug is None or ("drug" not in self.changed_data and self.instance.manufacturer):
            return cleaned
        try:
            found = drug_lookup(drug)
        except ApplicationError as exc:  # unknown drug, or the catalog is unavailable
            raise forms.ValidationError({"drug": exc.detail}) from exc
        self.instance.manufacturer = found.manufacturer
        self.instance.drug_name = found.name
        return cleaned


class PricedDrugInline(admin.TabularInline):
    """Items of a price list or a contract: a drug id and its price, checked in the catalog."""

    form = CatalogCheckedItemForm
    fields = ["drug", "drug_name", "manufacturer", "unit_price"]
    readonly_fields = ["drug_name", "manufacturer"]
    extra = 1


class PriceListItemInline(PricedDrugInline):
    model = PriceListItem


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "valid_from", "valid_to", "created_at"]
    list_filter = ["currency"]
    search_fields = ["name"]
    inlines = [PriceListItemInline]
