"""Forms of the admin site's stock actions (the intermediate pages of admin actions)."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from catalog.models import Warehouse

ACTION_TEMPLATE = "admin/inventory/action_form.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReceiveWarehouseForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses


class ReceiveLineForm(forms.Form):
    drug = forms.IntegerField(widget=forms.HiddenInput)
    lot_number = forms.CharField(max_length=40, required=False)
    expiry_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(min_value=1, required=False, help_text="Blank: not received.")

    def clean(self):
        cleaned = super().clean()
        wanted = ("lot_number", "expiry_date", "quantity")
        given = [name for name in wanted if cleaned.get(name)]
        if given and len(given) != len(wanted):
            raise forms.ValidationError("Give lot number, expiry date and quantity, or none.")
        return cleaned


ReceiveLineFormSet = forms.formset_factory(ReceiveLineForm, extra=0)


def action_page(
    model_admin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: str,
    intro: str,
    submit: str,
    **parts,
) -> TemplateResponse:
    """The intermediate page of an admin action that needs more input."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": intro,
        "intro": intro,
        "submit": submit,
        "action": action,
        "queryset": queryset,
        "opts": model_admin.model._meta,
        **parts,
    }
    return TemplateResponse(request, ACTION_TEMPLATE, context)
