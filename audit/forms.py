from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from award.models import Period, Unit
from common.forms import StyledMixin

from .models import TRACKED


class AuditFilterForm(StyledMixin, forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        queryset=Period.objects.none(),  # the request's organiser's periods: __init__
        required=False,
        to_field_name="year",
        empty_label=_("All periods"),
    )
    unit = forms.CharField(label=_("Unit (code or name)"), required=False, max_length=255)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.order_by("-year")
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (kind, label) for kind, (_model, label) in TRACKED.items()
        ]

    def clean_unit(self):
        text = " ".join(self.cleaned_data["unit"].split())
        if not text:
            return None
        unit = Unit.objects.filter(code__iexact=text).first()
        if unit is None:
            found = list(Unit.objects.filter(name__icontains=text)[:2])
            if len(found) != 1:
                raise forms.ValidationError(
                    _("Type the code, or a part of the name that finds one unit.")
                )
            unit = found[0]
        return unit

    def clean_user(self):
        text = self.cleaned_data["user"].strip()
        if not text:
            return None
        users = list(
            get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text))[:2]
        )
        if len(users) != 1:
            raise forms.ValidationError(_("No account has that username or email address."))
        return users[0]
