"""Forms of the jury screens."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from award.forms import DateTimeInput
from award.models import Level, Unit
from common.forms import StyledMixin


class AssignForm(StyledMixin, forms.Form):
    per_unit = forms.IntegerField(label=gettext_lazy("Juries per unit"), min_value=1, max_value=10)


class JuryScopeForm(StyledMixin, forms.Form):
    levels = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Levels judged (none: every level)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conflicts = forms.CharField(
        label=gettext_lazy("Conflicts of interest (unit codes, comma separated)"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("A kecamatan's code also covers every desa under it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].queryset = Level.objects.order_by("order")


class JuryAddForm(JuryScopeForm):
    email = forms.EmailField(label=gettext_lazy("Email"))
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    home_unit = forms.ModelChoiceField(
        label=gettext_lazy("Jury's own unit"),
        queryset=Unit.objects.none(),  # the request's organiser's units: __init__
        required=False,
        help_text=gettext_lazy("The jury will never assess this unit."),
    )
    field_order = ["email", "full_name", "home_unit", "levels", "conflicts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = Unit.objects.select_related("level").order_by(
            "level__order", "name"
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
