"""Forms of the jury screens."""

from django import forms
from django.utils.translation import gettext_lazy

from award.models import Level
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
    field_order = ["email", "full_name", "levels", "conflicts"]
