"""Forms of the questionnaire editor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import StyledMixin, scoped_formfield
from evaluasi.models import Aspect, Indicator, Option


class AspectForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Aspect
        formfield_callback = scoped_formfield
        fields = ["code", "name", "weight", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, questionnaire=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire or self.instance.questionnaire

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = self.questionnaire.aspects.filter(code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another aspect already has this code."))
        return code


class IndicatorForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        formfield_callback = scoped_formfield
        fields = [
            "aspect",
            "group",
            "code",
            "question",
            "type",
            "weight",
            "evidence",
            "required",
            "min_value",
            "max_value",
            "input_min",
            "input_max",
            "guidance",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.fields["aspect"].queryset = questionnaire.aspects.all()
        self.fields["weight"].help_text = _("Relative inside its aspect; text and URL are 0.")
        self.fields["min_value"].help_text = _("For numbers: the value that scores 0.")
        self.fields["max_value"].help_text = _("For numbers: the value that scores 100.")
        self.fields["input_min"].help_text = _(
            "For numbers, optional: answers below it are refused (e.g. 0 for a count)."
        )
        self.fields["input_max"].help_text = _(
            "For numbers, optional: answers above it are refused (e.g. 100 for a percentage)."
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = self.questionnaire.indicators.filter(code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another indicator already has this code."))
        return code

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if cleaned.get("type") == "angka" and (cleaned.get("weight") or 0) > 0:
            if low is None or high is None:
                self.add_error("max_value", _("A scored number needs a minimum and a maximum."))
            elif high <= low:
                self.add_error("max_value", _("The maximum must be greater than the minimum."))
        return cleaned


class OptionForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Option
        formfield_callback = scoped_formfield
        fields = ["code", "label", "value"]


class BaseOptionFormSet(forms.BaseFormSet):
    def clean(self):
        codes = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data.get("code")
            if code in codes:
                form.add_error("code", _("This option code is used twice."))
            codes.add(code)

    def options(self) -> list[dict]:
        return [
            {k: form.cleaned_data[k] for k in ("code", "label", "value")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


OptionFormSet = forms.formset_factory(
    OptionForm, formset=BaseOptionFormSet, extra=2, can_delete=True
)
