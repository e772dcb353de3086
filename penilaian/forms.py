"""Forms of the scoring screens."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ScoringStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Required for a correction after the results were finalised."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. verification of Desa X corrected")}),
    )
