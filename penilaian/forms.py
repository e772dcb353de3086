"""Forms of the scoring screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import StyledMixin


class ScoringStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Optional; during a correction the correction's reason is used."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. verification of Desa X corrected")}),
    )


class CorrectionForm(StyledMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the run that replaces the published results."),
    )


class OverrideForm(StyledMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
