"""The pharmacist's decision forms in the admin review page (same rules as the API)."""

from django import forms

from prescriptions.models import Prescription
from prescriptions.services import MAX_REFILLS


class ApproveForm(forms.Form):
    prefix = "approve"  # both forms sit on one page: keep their field ids apart
    refills = forms.IntegerField(min_value=0, max_value=MAX_REFILLS, initial=0)
    valid_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: a year after it was written (also the latest allowed).",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    prefix = "reject"
    reason = forms.ChoiceField(choices=Prescription.RejectionReason.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
