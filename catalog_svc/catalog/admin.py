"""Back office for the catalog: drugs (with their lots inline and a "receive stock" action
that calls the receipt service) and warehouses. Saving goes through the catalog services,
so the admin site refuses what the API refuses."""

from copy import copy

from django import forms
from django.contrib import admin, messages

from catalog.models import Drug, Warehouse
from catalog.selectors import warehouse_list
from catalog.services import DRUG_EDITABLE_FIELDS, drug_create, drug_update, drug_validate
from common.admin import admin_actor, admin_organization_scope
from common.errors import ApplicationError
from inventory.admin import STAFF_ROLE, ExpiryWindowFilter
from inventory.admin_forms import ReceiveLineFormSet, ReceiveWarehouseForm, action_page
from inventory.models import Lot, LotStatus
from inventory.services import ReceiptLineIn, receipt_create


class DrugForm(forms.ModelForm):
    class Meta:
        model = Drug
        fields = DRUG_EDITABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        try:
            drug_validate(drug=candidate)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        return cleaned


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["lot_number", "warehouse", "expiry_date", "status", "on_hand", "reserved"]
    readonly_fields = fields
    ordering = ["expiry_date"]

    def has_add_permission(self, request, obj=None):
        return False  # stock arrives through receipts ("receive stock")

    def get_queryset(self, request):
        lots = super().get_queryset(request).select_related("warehouse")
        scope = admin_organization_scope(request, role=STAFF_ROLE)
        return lots if scope is None else lots.filter(warehouse__owner_org=scope)


class LotExpiryFilter(ExpiryWindowFilter):
    title = "lot expiry"
    field = "lots__expiry_date"


class LotStatusFilter(admin.SimpleListFilter):
    title = "lot status"
    parameter_name = "lot_status"

    def lookups(self, request, model_admin):
        return LotStatus.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(lots__status=self.value()).distinct()
        return queryset


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    form = DrugForm
    list_display = ["name", "ndc", "gtin", "schedule", "rx_only", "cold_chain", "active"]
    list_filter = ["schedule", "rx_only", "cold_chain", "active", LotExpiryFilter, LotStatusFilter]
    search_fields = ["name", "generic_name", "ndc", "gtin", "lots__lot_number"]
    inlines = [LotInline]
    actions = ["receive_stock"]

    def save_model(self, request, obj, form, change):
        if change:
            drug_update(
                drug=obj, changes={name: form.cleaned_data[name] for name in form.changed_data}
            )
        else:
            created = drug_create(**{name: form.cleaned_data[name] for name in form.fields})
            obj.pk, obj.ndc11 = created.pk, created.ndc11

    @admin.action(description="Receive stock of selected drugs", permissions=["view"])
    def receive_stock(self, request, queryset):
        scope = admin_organization_scope(request, role=STAFF_ROLE)
        applying = "apply" in request.POST
        header = ReceiveWarehouseForm(
            request.POST if applying else None, warehouses=warehouse_list(owner_org=scope)
        )
        initial = [{"drug": drug.pk, "label": str(drug)} for drug in queryset]
        rows = ReceiveLineFormSet(request.POST if applying else None, initial=initial)
        if applying and header.is_valid() and rows.is_valid():
            lines = [
                ReceiptLineIn(row["drug"], row["lot_number"], row["expiry_date"], row["quantity"])
                for row in rows.cleaned_data
                if row.get("quantity")
            ]
            try:
                receipt = receipt_create(
                    warehouse_id=header.cleaned_data["warehouse"].pk,
                    lines=lines,
                    actor=admin_actor(request),
                    owner_org=scope,
                )
            except ApplicationError as exc:
                self.message_user(request, f"Nothing received: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, f"Receipt {receipt.pk}: {len(lines)} lot line(s).")
            return None
        return action_page(
            self,
            request,
            queryset,
            action="receive_stock",
            intro="Receive stock: one line per drug (leave quantity blank to skip).",
            submit="Receive",
            form=header,
            formset=rows,
        )


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_org", "address", "active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return warehouse_list(owner_org=admin_organization_scope(request, role=STAFF_ROLE))
