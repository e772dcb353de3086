"""Forms of the scoring screens."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from award.forms import DateTimeInput
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


class CriterionForm(StyledMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Drawn as table cells under the column headings: each field names itself.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


class SlotForm(StyledMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    link = forms.URLField(label=_("Video link"), max_length=500, required=False)


class OverrideForm(StyledMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
